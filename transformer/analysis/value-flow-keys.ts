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
import ts from '../ts';
import { FunctionNode, parametersOf, skipParens } from './inventory';

/** A property name, `[]` (an element: a numeric key) or `*` (a key that cannot be bounded). */
export type Key = string;
export const ELEMENTS = '[]';
export const ANY_KEY = '*';

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

/** The property names a key of type `t` may be (`[]`: an element, `*`: any name). */
export function typeKeys(t: ts.Type): Key[] {
  const parts = t.isUnion() ? t.types : [t];
  const out: string[] = [];
  for (const p of parts) {
    if (p.isStringLiteral()) out.push(p.value);
    else if (p.flags & (ts.TypeFlags.NumberLike | ts.TypeFlags.BigIntLike)) out.push(ELEMENTS);
    else if (p.flags & ts.TypeFlags.UniqueESSymbol) out.push(String((p as ts.UniqueESSymbolType).escapedName));
    else return [ANY_KEY];
  }
  return out.length ? [...new Set(out)] : [ANY_KEY];
}

/** What keys read of a call through a location (the solver's `CallSummary`, value-flow-model.ts). */
export interface KeyedCall {
  /** Positions from here on may get any element (a spread argument, `apply`, a partial `bind`). */
  spreadFrom: number;
  /** Every argument may reach every parameter (calls of a partially bound function). */
  scatter?: boolean;
  /** Each position's argument expressions, for the keys of key parameters. */
  argExprs: ts.Expression[][];
  /** The keys passed in each position, made when a function with a key parameter there binds. */
  keyAt: KeySet[];
}

/** The program's key parameters, each with the keys its callers pass. */
export class KeyParameters {
  /** Parameters used as property keys (`o[k]`), with the keys their callers pass. */
  private readonly keyParams = new Map<ts.ParameterDeclaration, KeySet>();
  /** The call summaries each function was bound to, and functions called with any arguments. */
  private readonly bindings = new Map<FunctionNode, Set<KeyedCall>>();
  private readonly calledWithAnything = new Set<FunctionNode>();

  constructor(private readonly checker: ts.TypeChecker) {}

  /** The solver bound calls `s` to `f` (whose parameters are `params`): their keys reach its key parameters. */
  bound(f: FunctionNode, params: readonly ts.ParameterDeclaration[], s: KeyedCall): void {
    let summaries = this.bindings.get(f);
    if (!summaries) this.bindings.set(f, (summaries = new Set()));
    summaries.add(s);
    params.forEach((p, i) => {
      const keys = this.keyParams.get(p);
      if (keys) this.bindKeys(s, i, keys);
    });
  }

  /** A function called where the analysis cannot see the arguments: its key parameters take any key. */
  calledWithAnyKeys(f: FunctionNode): void {
    if (this.calledWithAnything.has(f)) return;
    this.calledWithAnything.add(f);
    for (const p of parametersOf(f)) {
      const keys = this.keyParams.get(p);
      if (keys) addKey(keys, ANY_KEY);
    }
  }

  /** The keys a key parameter gets: from the calls its function is bound to (now and later). */
  keySetOf(p: ts.ParameterDeclaration): KeySet {
    let keys = this.keyParams.get(p);
    if (keys) return keys;
    this.keyParams.set(p, (keys = new KeySet()));
    const f = p.parent as FunctionNode;
    if (this.calledWithAnything.has(f)) addKey(keys, ANY_KEY);
    const i = parametersOf(f).indexOf(p);
    for (const s of this.bindings.get(f) ?? []) this.bindKeys(s, i, keys);
    return keys;
  }

  /** The keys of position `i` of the calls `s` into a key parameter (spread or scattered: any). */
  private bindKeys(s: KeyedCall, i: number, to: KeySet): void {
    if (i >= s.spreadFrom || s.scatter) return addKey(to, ANY_KEY);
    let at = s.keyAt[i];
    if (!at) {
      s.keyAt[i] = at = new KeySet();
      for (const arg of s.argExprs[i] ?? []) this.passKeys(arg, at);
    }
    keyEdge(at, to);
  }

  /** An argument's keys: its type's, or, for an unbounded parameter passed on, that parameter's. */
  passKeys(arg: ts.Expression, to: KeySet): void {
    const keys = typeKeys(this.checker.getTypeAtLocation(arg));
    const p = keys.includes(ANY_KEY) ? keyParameter(this.checker, skipParens(arg)) : undefined;
    if (p) keyEdge(this.keySetOf(p), to);
    else for (const k of keys) addKey(to, k);
  }

  /** A key whose type cannot be bounded (`keys`: its type's) but which is a parameter: the keys its callers pass. */
  parameterKeys(key: ts.Expression, keys: Key[]): KeySet | undefined {
    if (!keys.includes(ANY_KEY)) return undefined;
    const p = keyParameter(this.checker, skipParens(key));
    return p && this.keySetOf(p);
  }

  /**
   * Once solved: a method no call reaches may still be called by code outside, through an object
   * it was given (`new Proxy(t, handler)` with `handler` built elsewhere): its key parameters take
   * any key. Whether any did.
   */
  unreachedMethodsTakeAnyKey(): boolean {
    let changed = false;
    for (const [p, keys] of this.keyParams) {
      const f = p.parent;
      if (
        keys.names.has(ANY_KEY) ||
        this.bindings.has(f as FunctionNode) ||
        !(ts.isMethodDeclaration(f) || ts.isGetAccessorDeclaration(f) || ts.isSetAccessorDeclaration(f))
      )
        continue;
      addKey(keys, ANY_KEY);
      changed = true;
    }
    return changed;
  }
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
