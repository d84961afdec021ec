/**
 * Coloured functions become `async`, their declared return types `Promise<…>`.
 *
 * ```ts
 * // source                                  // ejected
 * function find(id: number): Note {          async function find(id: number): Promise<Note> {
 * const h = (x: number) => load(x);          const h = async (x: number) => await load(x);
 * class C { static m(): void {} }            class C { static async m(): Promise<void> {} }
 * ```
 *
 * Getters, setters and constructors cannot be `async`: they are kept as written and listed.
 */
import ts from '../ts';
import { functionName, type FunctionNode } from '../analysis/inventory';
import type { EjectState } from './state';

export function ejectFunctions(state: EjectState): void {
  for (const fn of state.analysis.coloured) {
    const why = cannotBeAsync(fn);
    if (why) {
      state.kept.add(fn);
      state.left.push({ node: fn, kind: 'left', reason: `${functionName(fn)} may suspend, but ${why}` });
      continue;
    }
    state.rewritten.add(fn);
    if (returnsThenable(state, fn))
      state.left.push({
        node: fn,
        kind: 'caveat',
        reason: `${functionName(fn)} returns a promise: its async form's callers get what the promise settles with, where an async caller of the sync-style function got the promise itself.`,
      });
    state.edits.before(asyncAnchor(fn), 'async ', -Infinity); // innermost: inside any wrap opening at that token
    if (fn.type) wrapInPromise(state, fn.type);
    // overload signatures of a function or method say the same return type
    for (const decl of state.checker.getSymbolAtLocation(fn.name ?? fn)?.declarations ?? []) {
      if (decl !== fn && ts.isFunctionLike(decl) && !(decl as ts.FunctionLikeDeclaration).body && decl.type)
        wrapInPromise(state, decl.type);
    }
  }
}

/** `T` → `Promise<T>`. */
export function wrapInPromise(state: EjectState, type: ts.TypeNode): void {
  state.edits.wrap(type, 'Promise<', '>');
}

function returnsThenable(state: EjectState, fn: FunctionNode): boolean {
  const sig = state.checker.getSignatureFromDeclaration(fn);
  const t = sig && state.checker.getNonNullableType(sig.getReturnType());
  return !!t && !(t.flags & (ts.TypeFlags.Any | ts.TypeFlags.Unknown)) && !!t.getProperty('then');
}

function cannotBeAsync(fn: FunctionNode): string | undefined {
  if (ts.isGetAccessorDeclaration(fn) || ts.isSetAccessorDeclaration(fn))
    return 'a getter or setter cannot be async. Make it a method (getX()/setX(v)) and call that, then eject again.';
  if (ts.isConstructorDeclaration(fn)) return 'a constructor cannot be async. Use a static factory method.';
  if (fn.type && ts.isTypePredicateNode(fn.type))
    return 'a type predicate (`x is T`, `asserts x`) cannot be async. Return a boolean and narrow at the call.';
  return undefined;
}

/** The token `async` goes before: `function`, a method's name, an arrow's parameters. */
function asyncAnchor(fn: FunctionNode): ts.Node {
  if (ts.isFunctionDeclaration(fn) || ts.isFunctionExpression(fn))
    return fn.getChildren().find((c) => c.kind === ts.SyntaxKind.FunctionKeyword)!;
  if (ts.isMethodDeclaration(fn)) return fn.name;
  // an arrow: its type parameters or parameter list (or its lone parameter, `x => …`)
  return fn.typeParameters?.length
    ? fn.getChildren().find((c) => c.kind === ts.SyntaxKind.LessThanToken)!
    : (fn.getChildren().find((c) => c.kind === ts.SyntaxKind.OpenParenToken) ?? fn.parameters[0]);
}
