/**
 * Parameter defaults that wait move into the body, since `await` cannot go in a parameter list.
 * The defaults after the first such one move too, so they are still evaluated left to right.
 *
 * ```ts
 * // source                                      // ejected
 * function f(a: number, b = load(a)): number {    async function f(a: number, b: number = undefined!): Promise<number> {
 *   return a + b;                                   if (b === undefined) b = await load(a);
 * }                                                 return a + b;
 *                                                 }
 * const g = (x = load(1)) => x * 2;               const g = async (x: number = undefined!) => { if (x === undefined) x = await load(1); return x * 2; };
 * ```
 *
 * `= undefined!` keeps the parameter one with a default, so `f.length` is what it was, and its
 * type the declared one (no narrowing needed, even in code the checker finds unreachable); the
 * body's first lines run the defaults, only for `undefined`, as the parameter list did. Kept as
 * written and listed: a default inside a destructuring pattern, and one that reads a name the
 * body declares (which would shadow it once moved).
 */
import ts from '../ts';
import type { FunctionNode } from '../analysis/inventory';
import { applyToText } from './edits';
import type { EjectState } from './state';

/**
 * Called for an expression that must be awaited inside a parameter default: true if its
 * parameter can move into the body (recorded for `ejectDefaults`), false to keep it as written.
 */
export function moveDefault(state: EjectState, param: ts.ParameterDeclaration): boolean {
  const fn = param.parent as ts.SignatureDeclaration;
  const moved = movable(state, fn, param);
  if (typeof moved === 'string') {
    if (state.left.some((l) => l.node === param)) return false; // listed once per parameter
    state.left.push({
      node: param,
      kind: 'left',
      reason: `this parameter's default may suspend, where an async function cannot await, and it cannot move into the body: ${moved}`,
    });
    return false;
  }
  for (const p of moved) state.movedDefaults.add(p);
  return true;
}

/** The parameters to move (this one and the defaulted ones after it), or why they cannot. */
function movable(
  state: EjectState,
  fn: ts.SignatureDeclaration,
  param: ts.ParameterDeclaration,
): ts.ParameterDeclaration[] | string {
  const isAsync = ts.canHaveModifiers(fn) && ts.getModifiers(fn)?.some((m) => m.kind === ts.SyntaxKind.AsyncKeyword);
  if (!(state.rewritten.has(fn as FunctionNode) || isAsync) || !('body' in fn) || !fn.body)
    return 'its function is not async.';
  const from = fn.parameters.indexOf(param);
  const moved = fn.parameters.slice(from).filter((p) => p.initializer);
  if (from < 0 || moved.some((p) => !ts.isIdentifier(p.name)))
    return 'it is inside a destructuring pattern. Destructure in the body instead.';
  const declared = ts.isBlock(fn.body) ? topLevelNames(fn.body) : new Set<string>();
  for (const p of moved) {
    const clash = identifiers(p.initializer!).find((n) => declared.has(n));
    if (clash) return `it reads ${clash}, which the body declares too. Rename one of them.`;
  }
  return moved;
}

/** Moves the recorded defaults, with the awaits and other edits already made inside them. */
export function ejectDefaults(state: EjectState): void {
  const byFunction = new Map<ts.SignatureDeclaration, ts.ParameterDeclaration[]>();
  for (const p of state.movedDefaults) {
    const fn = p.parent as ts.SignatureDeclaration;
    byFunction.set(fn, [...(byFunction.get(fn) ?? []), p]);
  }
  for (const [fn, params] of byFunction) {
    const file = fn.getSourceFile();
    const sorted = params.sort((a, b) => a.pos - b.pos);
    const lines = sorted.map((p) => {
      const init = p.initializer!;
      const text = applyToText(init.getText(), init.getStart(), state.edits.take(file, init.getStart(), init.getEnd()));
      const name = (p.name as ts.Identifier).text;
      // `= undefined!` keeps it a parameter with a default (so `f.length` stays) and its declared type
      state.edits.replace(file, init.getStart(), init.getEnd(), 'undefined!');
      if (!p.type) state.edits.insert(file, p.name.getEnd(), `: ${typeText(state, p)}`);
      return `if (${name} === undefined) ${name} = ${text};`;
    });
    const body = (fn as ts.FunctionLikeDeclaration).body!;
    if (ts.isBlock(body)) {
      // on lines of their own, indented as the body is, unless the body is written on one line
      const first = body.statements[0];
      const oneLine = first && lineOf(file, first.getStart()) === lineOf(file, body.getStart());
      const indent = first ? indentOf(file, first) : `${indentOf(file, fn)}  `;
      const text = oneLine ? lines.map((l) => ` ${l}`).join('') : lines.map((l) => `\n${indent}${l}`).join('');
      state.edits.insert(file, body.getStart() + 1, text);
    } else {
      state.edits.before(body, `{ ${lines.join(' ')} return `, 1);
      state.edits.after(body, '; }', 1);
    }
  }
}

function typeText(state: EjectState, p: ts.ParameterDeclaration): string {
  return state.checker.typeToString(state.checker.getTypeAtLocation(p), p, ts.TypeFormatFlags.NoTruncation);
}

function topLevelNames(body: ts.Block): Set<string> {
  const names = new Set<string>();
  const bind = (n: ts.BindingName): void => {
    if (ts.isIdentifier(n)) names.add(n.text);
    else for (const e of n.elements) if (!ts.isOmittedExpression(e)) bind(e.name);
  };
  for (const s of body.statements) {
    if (ts.isVariableStatement(s)) s.declarationList.declarations.forEach((d) => bind(d.name));
    else if ((ts.isFunctionDeclaration(s) || ts.isClassDeclaration(s)) && s.name) names.add(s.name.text);
  }
  return names;
}

function identifiers(node: ts.Node): string[] {
  const out: string[] = [];
  const visit = (n: ts.Node): void => {
    if (ts.isIdentifier(n)) out.push(n.text);
    ts.forEachChild(n, visit);
  };
  visit(node);
  return out;
}

function lineOf(file: ts.SourceFile, pos: number): number {
  return file.getLineAndCharacterOfPosition(pos).line;
}

function indentOf(file: ts.SourceFile, node: ts.Node): string {
  const start = node.getStart();
  const lineStart = file.text.lastIndexOf('\n', start - 1) + 1;
  return /^[ \t]*/.exec(file.text.slice(lineStart, start))![0];
}
