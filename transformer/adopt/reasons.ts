/**
 * Why an async function that calls an adopted one must stay async, in the first words that apply.
 *
 * ```ts
 * async function a() { await q(1); await sleep(5); }          // it awaits sleep(…), which is not adopted
 * async function b() { const p = q(1); return (await p).n; }  // it calls q(…) at line 1 without awaiting it
 * async function c() { await q(1); return fetch(url); }       // it returns a promise on purpose (fetch(url))
 * setTimeout(async () => { await q(1); }, 5);                 // it is a function value passed to setTimeout
 * ```
 */
import ts from '../ts';
import { ownNodes, skipParens } from './targets';
import { callOf, type Use } from './uses';
import { lineOf, shortPlace } from '../analysis/inventory';
import { callee, describe, passedTo, short } from './words';

/** Why `fn` cannot lose its `async`, or undefined when it can. */
export function whyKept(
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
      return `it calls ${callee(c)}(…) at line ${lineOf(c)} without awaiting it (it starts work it does not wait for)`;
  }
  if (others.length) return `it awaits ${describe(others[0].expression)}`;
  const shape = shapeReason(checker, fn);
  if (shape) return shape;
  for (const u of uses) {
    if (u.kind === 'value')
      return `it is used as a value at ${shortPlace(u.node)}${passedTo(u.node)}, so adopt cannot see all its callers`;
    if (!u.awaited) return `it is called without await at ${shortPlace(u.node)}: that caller uses the promise`;
  }
  return undefined;
}

export function anonymousReason(fn: ts.SignatureDeclaration): string {
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
