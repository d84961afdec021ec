/**
 * Declared function types that async functions now flow through: the signature a waiting call
 * resolves to, the contextual type of an async function value, the interface or base member an
 * async method implements. Their return type `T` becomes `Promise<T> | T`: the analysis says an
 * async function may flow there, not that every function there is one (a plain one still fits),
 * and `await` takes both.
 *
 * ```ts
 * // source                                   // ejected
 * interface Repo { find(id: number): Note }   interface Repo { find(id: number): Promise<Note> | Note }
 * function run(f: () => number) { … f() … }   async function run(f: () => Promise<number> | number) { … await f() … }
 * ```
 */
import ts from 'typescript';
import { isRuntimeFile } from '../analysis/runtime-files';
import type { FunctionNode } from '../analysis/inventory';
import type { EjectState } from './state';

const WAITING = new Set(['direct', 'dispatch', 'wait', 'await', 'via']);

export function ejectSignatures(state: EjectState): void {
  const { checker, analysis } = state;
  const returnTypes = new Set<ts.TypeNode>();
  const add = (decl: ts.Declaration | undefined): void => {
    const t = decl && returnTypeOf(decl);
    if (!t || state.rewritten.has(decl as FunctionNode) || !isOwn(analysis.program, decl!)) return;
    if (isVoidish(t) || isPromiseType(t)) return;
    returnTypes.add(t);
  };
  for (const [node, plan] of analysis.plans) {
    if (!WAITING.has(plan.kind) || !ts.isCallExpression(node)) continue;
    add(checker.getResolvedSignature(node)?.getDeclaration());
  }
  for (const fn of state.rewritten) {
    if (ts.isArrowFunction(fn) || ts.isFunctionExpression(fn)) {
      for (const sig of checker.getContextualType(fn)?.getCallSignatures() ?? []) add(sig.getDeclaration());
    } else if (ts.isMethodDeclaration(fn) && ts.isClassLike(fn.parent) && fn.name && !ts.isComputedPropertyName(fn.name)) {
      for (const base of heritageTypes(checker, fn.parent)) {
        for (const d of base.getProperty(fn.name.getText())?.declarations ?? []) add(d);
      }
    } else if (ts.isMethodDeclaration(fn) && ts.isObjectLiteralExpression(fn.parent)) {
      const name = fn.name.getText();
      for (const d of checker.getContextualType(fn.parent)?.getProperty(name)?.declarations ?? []) add(d);
    }
  }
  for (const t of returnTypes) {
    const copy = ts.isFunctionTypeNode(t) || ts.isConstructorTypeNode(t) ? `(${t.getText()})` : t.getText();
    state.edits.wrap(t, 'Promise<', `> | ${copy}`);
  }
}

/** The return type written on a signature, a method, or a property typed as a function. */
function returnTypeOf(decl: ts.Declaration): ts.TypeNode | undefined {
  if (ts.isPropertySignature(decl) || ts.isPropertyDeclaration(decl) || ts.isParameter(decl) || ts.isVariableDeclaration(decl)) {
    const t = decl.type;
    return t && ts.isFunctionTypeNode(t) ? t.type : undefined;
  }
  return ts.isFunctionLike(decl) ? decl.type : undefined;
}

/** The classes a class extends and the interfaces it implements, as types. */
function heritageTypes(checker: ts.TypeChecker, cls: ts.ClassLikeDeclaration): ts.Type[] {
  return (cls.heritageClauses ?? []).flatMap((h) => h.types.map((t) => checker.getTypeAtLocation(t)));
}

function isOwn(program: ts.Program, decl: ts.Node): boolean {
  const file = decl.getSourceFile();
  return !file.isDeclarationFile && !program.isSourceFileFromExternalLibrary(file) && !isRuntimeFile(file.fileName);
}

function isVoidish(t: ts.TypeNode): boolean {
  return [ts.SyntaxKind.VoidKeyword, ts.SyntaxKind.AnyKeyword, ts.SyntaxKind.UnknownKeyword].includes(t.kind);
}

function isPromiseType(t: ts.TypeNode): boolean {
  return ts.isTypeReferenceNode(t) && /^(Promise|PromiseLike)$/.test(t.typeName.getText());
}
