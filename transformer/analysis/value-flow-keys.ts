/**
 * Property keys that flow through parameters (value-flow.ts). A read `o[k]` whose key's *type*
 * cannot be bounded (`k: string`, `E extends keyof Events`) reads every name; but where `k` is a
 * parameter, its keys are what the callers pass, and callers usually pass literals:
 *
 * ```ts
 * emit<E extends keyof Events>(event: E, ...args: Events[E]) { this.#on[event]?.(...args); }
 * bus.emit('saved', note);   // the read is `.saved`, not every name of the program
 * ```
 *
 * A key parameter's `KeySet` gets, from every call the solver binds to its function, the keys of
 * the argument in its position (string literal types; a number is an element; anything else, a
 * spread, a partially bound call or a call from code outside: unbounded). A function no call
 * binds to gets no keys, as its parameters get no functions.
 */
import ts from 'typescript';

/** A property name, `[]` (an element: a numeric key) or `*` (a key that cannot be bounded). */
export type Key = string;

export class KeySet {
  readonly names = new Set<Key>();
  readonly to = new Set<KeySet>();
  readonly readers: Array<(k: Key) => void> = [];
}

export function addKey(s: KeySet, k: Key): void {
  if (s.names.has(k)) return;
  s.names.add(k);
  for (const r of s.readers) r(k);
  for (const t of s.to) addKey(t, k);
}

export function keyEdge(from: KeySet, to: KeySet): void {
  if (from === to || from.to.has(to)) return;
  from.to.add(to);
  for (const k of from.names) addKey(to, k);
}

/** Runs `read` on every key of `s`, now and as keys arrive. */
export function onKey(s: KeySet, read: (k: Key) => void): void {
  s.readers.push(read);
  for (const k of s.names) read(k);
}

/**
 * The parameter an expression names, if keys can follow it: a plain identifier parameter (no
 * rest, no default, not a pattern) of a function with a body, never assigned in that body.
 */
export function keyParameter(checker: ts.TypeChecker, e: ts.Expression): ts.ParameterDeclaration | undefined {
  if (!ts.isIdentifier(e)) return undefined;
  const sym = checker.getSymbolAtLocation(e);
  const p = sym?.valueDeclaration;
  if (!p || !ts.isParameter(p) || !ts.isIdentifier(p.name) || p.dotDotDotToken || p.initializer) return undefined;
  const f = p.parent;
  if (!('body' in f) || !f.body || p.getSourceFile().isDeclarationFile) return undefined;
  return assigned(checker, sym!, f.body as ts.Node) ? undefined : p;
}

function assigned(checker: ts.TypeChecker, sym: ts.Symbol, body: ts.Node): boolean {
  let found = false;
  const isTarget = (id: ts.Identifier): boolean => {
    let n: ts.Node = id;
    // `(k) = …`, `[k] = …`, `({ k } = …)`: climb through parentheses and assignment patterns
    while (
      ts.isParenthesizedExpression(n.parent) ||
      ts.isArrayLiteralExpression(n.parent) ||
      ts.isShorthandPropertyAssignment(n.parent) ||
      ts.isPropertyAssignment(n.parent) ||
      ts.isObjectLiteralExpression(n.parent) ||
      ts.isSpreadElement(n.parent)
    )
      n = n.parent;
    const p = n.parent;
    if (ts.isBinaryExpression(p) && p.left === n)
      return (
        p.operatorToken.kind >= ts.SyntaxKind.FirstAssignment && p.operatorToken.kind <= ts.SyntaxKind.LastAssignment
      );
    if ((ts.isPrefixUnaryExpression(p) || ts.isPostfixUnaryExpression(p)) && n === id)
      return p.operator === ts.SyntaxKind.PlusPlusToken || p.operator === ts.SyntaxKind.MinusMinusToken;
    if ((ts.isForOfStatement(p) || ts.isForInStatement(p)) && p.initializer === n) return true;
    return false;
  };
  const walk = (n: ts.Node): void => {
    if (found) return;
    if (ts.isIdentifier(n) && n.text === sym.name && checker.getSymbolAtLocation(n) === sym && isTarget(n))
      found = true;
    else ts.forEachChild(n, walk);
  };
  walk(body);
  return found;
}
