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
import ts from '../ts';
import { isRuntimeFile } from '../analysis/runtime-files';
import type { FunctionNode } from '../analysis/inventory';
import type { EjectState } from './state';

const WAITING = new Set(['direct', 'dispatch', 'wait', 'await', 'via']);

export function ejectSignatures(state: EjectState, files: readonly ts.SourceFile[]): void {
  const { checker, analysis } = state;
  const returnTypes = new Set<ts.TypeNode>();
  const add = (decl: ts.Declaration | undefined): void => {
    const t = decl && returnTypeOf(decl);
    if (!t || state.rewritten.has(decl as FunctionNode) || !isOwn(analysis.program, decl!)) return;
    if (isVoidish(t) || isPromiseType(t) || returnTypes.has(t)) return;
    returnTypes.add(t);
    // a class member's override must stay assignable to what it overrides: the base widens too
    const name = ts.getNameOfDeclaration(decl!);
    if (ts.isClassLike(decl!.parent) && name && !ts.isComputedPropertyName(name))
      for (const base of heritageTypes(checker, decl!.parent)) memberOf(base, name.getText());
  };
  const signaturesOf = (t: ts.Type | undefined): void => {
    for (const sig of t ? checker.getNonNullableType(t).getCallSignatures() : []) add(sig.getDeclaration());
  };
  /** The type of member `name` of `owner`: a mapped type's members have no declaration of their own. */
  const memberOf = (owner: ts.Type | undefined, name: string): void => {
    const prop = owner && checker.getNonNullableType(owner).getProperty(name);
    if (prop) signaturesOf(checker.getTypeOfSymbol(prop));
  };
  for (const [node, plan] of analysis.plans) {
    if (!WAITING.has(plan.kind) || !ts.isCallExpression(node)) continue;
    add(checker.getResolvedSignature(node)?.getDeclaration());
  }
  for (const fn of state.rewritten) {
    // where it is used as a value: `const tasks: [() => number] = [count]`, `run(count)`
    if (ts.isArrowFunction(fn) || ts.isFunctionExpression(fn)) signaturesOf(checker.getContextualType(fn));
    for (const use of analysis.inventory.valueUses.get(fn) ?? []) signaturesOf(checker.getContextualType(use));
    if (!ts.isMethodDeclaration(fn) || ts.isComputedPropertyName(fn.name)) continue;
    const name = fn.name.getText();
    // what it implements: a base class's or an interface's member, an object literal's contextual type
    if (ts.isClassLike(fn.parent)) for (const base of heritageTypes(checker, fn.parent)) memberOf(base, name);
    else if (ts.isObjectLiteralExpression(fn.parent)) memberOf(checker.getContextualType(fn.parent), name);
  }
  for (const t of returnTypes) {
    const copy = ts.isFunctionTypeNode(t) || ts.isConstructorTypeNode(t) ? `(${t.getText()})` : t.getText();
    state.edits.wrap(t, 'Promise<', `> | ${copy}`);
  }
  for (const file of files) assertPlainCalls(state, file, returnTypes);
}

/**
 * A call through a widened signature that the analysis says never reaches an async function
 * (it does not wait) still gets the plain type it had: `(base.m(x) as number)`. Without it,
 * `Promise<number> | number` would spread to every plain caller of a shared signature.
 */
function assertPlainCalls(state: EjectState, file: ts.SourceFile, widened: ReadonlySet<ts.TypeNode>): void {
  const visit = (node: ts.Node): void => {
    if (state.kept.has(node as FunctionNode)) return;
    if (ts.isCallExpression(node) && !ts.isExpressionStatement(node.parent)) {
      const plan = state.analysis.plans.get(node);
      const decl = !plan || !WAITING.has(plan.kind) ? calledDeclaration(state.checker, node) : undefined;
      const t = decl && returnTypeOf(decl);
      if (t && widened.has(t)) state.edits.wrap(node, '(', ` as ${t.getText()})`);
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
}

/**
 * The signature a call runs: for `f.call(t, …)`, `f.apply(t, xs)` and `f.bind(t)(…)`, `f`'s (lib's
 * `call`, `apply` and `bind` return what `f` does, from a declaration of their own).
 */
function calledDeclaration(checker: ts.TypeChecker, call: ts.CallExpression): ts.Declaration | undefined {
  const callee = call.expression;
  const via = (e: ts.Expression, names: string[]) =>
    ts.isPropertyAccessExpression(e) && names.includes(e.name.text) ? e.expression : undefined;
  const fn =
    via(callee, ['call', 'apply']) ?? (ts.isCallExpression(callee) ? via(callee.expression, ['bind']) : undefined);
  if (fn) {
    const [sig] = checker.getTypeAtLocation(fn).getCallSignatures();
    if (sig) return sig.getDeclaration();
  }
  return checker.getResolvedSignature(call)?.getDeclaration();
}

/** The return type written on a signature, a method, or a property typed as a function. */
function returnTypeOf(decl: ts.Declaration): ts.TypeNode | undefined {
  if (
    ts.isPropertySignature(decl) ||
    ts.isPropertyDeclaration(decl) ||
    ts.isParameter(decl) ||
    ts.isVariableDeclaration(decl)
  ) {
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
