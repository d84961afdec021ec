/**
 * Which async functions become sync: to a fixed point, those whose every `await` is directly on
 * a call of an adopted function, that await at least one, and whose every use adopt can see is an
 * awaited call. The others that call an adopted function are kept, with the first reason found.
 *
 * ```ts
 * async function a(id) { return (await q(id)).x; }        // made sync: a(id) returns q(id).x
 * async function b() { return Promise.all([q(1), q(2)]); } // kept: calls q(…) without awaiting it
 * async function c() { await a(1); await sleep(5); }        // kept: awaits sleep(…), which is not adopted
 * ```
 */
import ts from 'typescript';
import { asyncFunctions, ownNodes, skipParens, type Target, targetOf } from './targets';
import { callOf, type Use, usesOf } from './uses';

export interface Kept {
  node: ts.Node;
  reason: string;
}

export interface Decision {
  /** Functions made sync, in the order they were found (callees before their callers). */
  adopted: Target[];
  kept: Kept[];
}

export function decide(checker: ts.TypeChecker, files: readonly ts.SourceFile[], leaves: readonly Target[]): Decision {
  const fns = asyncFunctions(files);
  const targets = fns.flatMap((fn) => targetOf(checker, fn) ?? []);
  const leafSymbols = new Set(leaves.map((l) => l.symbol));
  const candidates = targets.filter((t) => !leafSymbols.has(t.symbol));
  const uses = usesOf(checker, files, new Set(candidates.map((t) => t.symbol)));
  const adoptedSymbols = new Set(leafSymbols);
  const adopted: Target[] = [];
  for (let changed = true; changed;) {
    changed = false;
    for (const t of candidates) {
      if (adoptedSymbols.has(t.symbol) || !callsAdopted(checker, t.fn, adoptedSymbols)) continue;
      if (whyKept(checker, t.fn, adoptedSymbols, uses.get(t.symbol) ?? [])) continue;
      adoptedSymbols.add(t.symbol);
      adopted.push(t);
      changed = true;
    }
  }
  const kept: Kept[] = [];
  const targetFns = new Set<ts.Node>(targets.map((t) => t.fn));
  for (const fn of fns) {
    const t = targets.find((x) => x.fn === fn);
    if ((t && adoptedSymbols.has(t.symbol)) || !callsAdopted(checker, fn, adoptedSymbols)) continue;
    const reason = targetFns.has(fn)
      ? whyKept(checker, fn, adoptedSymbols, uses.get(t!.symbol) ?? [])
      : anonymousReason(fn);
    if (reason) kept.push({ node: fn, reason: `${label(fn)} stays async: ${reason}` });
  }
  return { adopted, kept };
}

function callsAdopted(checker: ts.TypeChecker, fn: ts.SignatureDeclaration, adopted: ReadonlySet<ts.Symbol>): boolean {
  return ownNodes(fn).calls.some((c) => callOf(checker, c, adopted));
}

/** Why `fn` cannot lose its `async`, or undefined when it can. */
function whyKept(
  checker: ts.TypeChecker,
  fn: ts.SignatureDeclaration,
  adopted: ReadonlySet<ts.Symbol>,
  uses: readonly Use[],
): string | undefined {
  if ((ts.isFunctionDeclaration(fn) || ts.isFunctionExpression(fn)) && fn.asteriskToken) return 'it is a generator';
  const { calls, awaits } = ownNodes(fn);
  if (hasForAwait(fn)) return 'it uses for await';
  const others = awaits.filter((a) => !callOf(checker, a.expression, adopted));
  const combined = others.find((a) => / side by side/.test(describe(a.expression)));
  if (combined) return `it awaits ${describe(combined.expression)}`;
  const promise = returnedPromise(checker, fn);
  if (promise) return `it returns a promise on purpose (${short(promise)})`;
  for (const c of calls) {
    // a call of an adopted function, or any call giving a promise, that is not awaited where it is made
    if (!callOf(checker, c, adopted) && !isThenable(checker, checker.getTypeAtLocation(c))) continue;
    let top: ts.Node = c;
    while (ts.isParenthesizedExpression(top.parent)) top = top.parent;
    if (!ts.isAwaitExpression(top.parent))
      return `it calls ${callee(c)}(…) at line ${line(c)} without awaiting it (it starts work it does not wait for)`;
  }
  if (others.length) return `it awaits ${describe(others[0].expression)}`;
  const shape = shapeReason(checker, fn);
  if (shape) return shape;
  for (const u of uses) {
    if (u.kind === 'value')
      return `it is used as a value at ${where(u.node)}${passedTo(u.node)}, so adopt cannot see all its callers`;
    if (!u.awaited) return `it is called without await at ${where(u.node)}: that caller uses the promise`;
  }
  return undefined;
}

function anonymousReason(fn: ts.SignatureDeclaration): string {
  if (ts.isMethodDeclaration(fn) || ts.isAccessor(fn)) return 'methods are not adopted in this first cut';
  return `it is a function value${passedTo(fn)}, so adopt cannot see its callers (its awaits of adopted calls stay; the transform awaits them)`;
}

/** Declarations a sync signature would contradict: overloads, a typed binding. */
function shapeReason(checker: ts.TypeChecker, fn: ts.SignatureDeclaration): string | undefined {
  const symbol = ts.isFunctionDeclaration(fn) && fn.name ? checker.getSymbolAtLocation(fn.name) : undefined;
  if ((symbol?.declarations?.length ?? 0) > 1) return 'it has overload signatures (make it sync by hand)';
  let top: ts.Node = fn;
  while (ts.isParenthesizedExpression(top.parent)) top = top.parent;
  if (ts.isVariableDeclaration(top.parent) && top.parent.type)
    return `its binding is declared with the type ${short(top.parent.type)}, which says it returns a promise`;
  return undefined;
}

function hasForAwait(fn: ts.Node): boolean {
  let found = false;
  const visit = (n: ts.Node): void => {
    if (found || (n !== fn && ts.isFunctionLike(n))) return;
    if (ts.isForOfStatement(n) && n.awaitModifier) found = true;
    ts.forEachChild(n, visit);
  };
  visit(fn);
  return found;
}

/** A returned expression whose type is a promise (a thenable), if any. */
function returnedPromise(checker: ts.TypeChecker, fn: ts.SignatureDeclaration): ts.Expression | undefined {
  const returned: ts.Expression[] = [];
  if (ts.isArrowFunction(fn) && !ts.isBlock(fn.body)) returned.push(fn.body);
  const visit = (n: ts.Node): void => {
    if (n !== fn && ts.isFunctionLike(n)) return;
    if (ts.isReturnStatement(n) && n.expression) returned.push(n.expression);
    ts.forEachChild(n, visit);
  };
  visit(fn);
  return returned.find(
    (e) => !ts.isAwaitExpression(skipParens(e)) && isThenable(checker, checker.getTypeAtLocation(e)),
  );
}

function isThenable(checker: ts.TypeChecker, type: ts.Type): boolean {
  const types = type.isUnion() ? type.types : [type];
  return types.some((t) => !!checker.getPropertyOfType(t, 'then'));
}

function describe(e: ts.Expression): string {
  const x = skipParens(e);
  if (ts.isCallExpression(x)) {
    const name = callee(x);
    if (/^Promise\.(all|race|any|allSettled)$/.test(name)) return `${name}(…) (promises run side by side)`;
    return `${name}(…), which is not adopted`;
  }
  return ts.isIdentifier(x) || ts.isPropertyAccessExpression(x)
    ? `${short(x)}, a promise value, not a call of an adopted function`
    : `${short(x)}, not a call of an adopted function`;
}

function callee(c: ts.CallExpression): string {
  return short(c.expression);
}

function short(e: ts.Node): string {
  const text = e.getText().replace(/\s+/g, ' ');
  return text.length > 40 ? `${text.slice(0, 37)}…` : text;
}

/** ` (passed to f)` when `node` is, or is wrapped in, an argument of a call. */
function passedTo(node: ts.Node): string {
  let n: ts.Node = node;
  while (ts.isParenthesizedExpression(n.parent)) n = n.parent;
  const p = n.parent;
  return (ts.isCallExpression(p) || ts.isNewExpression(p)) && p.expression !== n
    ? ` passed to ${short(p.expression)}`
    : '';
}

function label(fn: ts.SignatureDeclaration): string {
  const t = fn.name ?? (ts.isVariableDeclaration(fn.parent) ? fn.parent.name : undefined);
  return t ? short(t) : 'an anonymous async function';
}

function line(n: ts.Node): number {
  return n.getSourceFile().getLineAndCharacterOfPosition(n.getStart()).line + 1;
}

function where(n: ts.Node): string {
  return `${n.getSourceFile().fileName.split('/').pop()}:${line(n)}`;
}
