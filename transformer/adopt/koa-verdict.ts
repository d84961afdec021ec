/**
 * Whether a Koa handler or middleware can lose its `async`: as adopted functions do (every
 * `await` on a call of an adopted function, `reasons.ts`), with `await next()` counted as such a
 * call (a `SyncNext` call waits for downstream), `next` used no other way, and no wait inside a
 * `try` with a `catch`, its own or in an adopted function it calls (a client that disconnects
 * cancels a greenlet: that catch would see a `GreenletExit` the async handler never meets).
 *
 * ```ts
 * async (ctx) => { ctx.body = await find(1); }                  // sync
 * async (ctx, next) => { await next(); ctx.set('X-A', '1'); }    // sync
 * async (ctx, next) => { try { await next(); } catch (e) { … } } // kept: it waits inside try/catch
 * async (ctx) => { ctx.body = await fetch(url); }                // kept: it awaits fetch(…), which is not adopted
 * ```
 */
import ts from '../ts';
import { lineOf, shortPlace } from '../analysis/inventory';
import type { Handler, HandlerFn } from './koa-sites';
import { whyKept } from './reasons';
import { ownNodes, resolve, skipParens, targetOf } from './targets';
import { callOf, usesOf } from './uses';
import { passedTo } from './words';

export interface Verdict {
  /** It calls an adopted function or `next`: worth a word when kept. */
  candidate: boolean;
  /** Why it stays async; undefined when it can be made sync. */
  reason?: string;
}

const CANCEL = 'run as a greenlet, a client that disconnects would throw GreenletExit into that catch';

/** `adopted`: the leaves and the functions made sync, by symbol (a leaf stays async inside: no entry needed). */
export function handlerVerdict(
  checker: ts.TypeChecker,
  h: Handler,
  adopted: ReadonlyMap<ts.Symbol, ts.SignatureDeclaration | undefined>,
): Verdict {
  const next = h.fn.parameters[h.nextIndex];
  const nextSymbol = next && ts.isIdentifier(next.name) ? checker.getSymbolAtLocation(next.name) : undefined;
  const waits = new Set([...adopted.keys(), ...(nextSymbol ? [nextSymbol] : [])]);
  const { calls, awaits } = ownNodes(h.fn);
  if (!calls.some((c) => callOf(checker, c, waits))) return { candidate: false };
  const own = waitInTryCatch(h.fn);
  const reason =
    whyKept(checker, h.fn, waits, []) ??
    (nextSymbol && otherNextUse(checker, h.fn, nextSymbol, awaits)) ??
    (own && `it waits at line ${lineOf(own)} inside try/catch: ${CANCEL}`) ??
    catchBelow(checker, h.fn, adopted, new Set());
  return { candidate: true, reason };
}

/**
 * A use of the name of `fn`, a handler passed by name, other than its registrations `refs`, described:
 * made sync, `fn` would not do there what the async one did (`await show(ctx)` would get no promise).
 */
export function namedUse(
  checker: ts.TypeChecker,
  files: readonly ts.SourceFile[],
  fn: HandlerFn,
  refs: ReadonlySet<ts.Node>,
): string | undefined {
  const symbol = targetOf(checker, fn)?.symbol;
  if (!symbol) return 'adopt cannot follow its name';
  const other = usesOf(checker, files, new Set([symbol]))
    .get(symbol)
    ?.find((u) => !refs.has(u.node));
  return other
    ? `it is also used at ${shortPlace(other.node)}${passedTo(other.node)}, not as a route handler (adopt makes a named handler sync only when every use is one)`
    : undefined;
}

/** A use of `next` other than `await next()` in the handler (or a function in it), described. */
function otherNextUse(
  checker: ts.TypeChecker,
  fn: ts.SignatureDeclaration,
  next: ts.Symbol,
  awaits: readonly ts.AwaitExpression[],
): string | undefined {
  const awaited = new Set(awaits.map((a) => skipParens(a.expression)));
  let found: ts.Identifier | undefined;
  const visit = (n: ts.Node): void => {
    if (found) return;
    if (ts.isIdentifier(n) && !ts.isParameter(n.parent) && resolve(checker, n) === next) {
      const call = n.parent;
      if (!(ts.isCallExpression(call) && call.expression === n && awaited.has(call))) found = n;
    }
    ts.forEachChild(n, visit);
  };
  visit(fn);
  return found
    ? `it uses ${found.text} at line ${lineOf(found)} other than as await ${found.text}() (as a SyncNext it would wait there)`
    : undefined;
}

/** A wait in an adopted function `fn` calls (directly or further down) inside try/catch, described. */
function catchBelow(
  checker: ts.TypeChecker,
  fn: ts.SignatureDeclaration,
  adopted: ReadonlyMap<ts.Symbol, ts.SignatureDeclaration | undefined>,
  seen: Set<ts.Node>,
): string | undefined {
  for (const c of ownNodes(fn).calls) {
    const callee = skipParens(c.expression);
    const symbol = ts.isIdentifier(callee) ? resolve(checker, callee) : undefined;
    const target = symbol && adopted.get(symbol);
    if (!target || seen.has(target)) continue;
    seen.add(target);
    const wait = waitInTryCatch(target);
    if (wait) return `it calls ${callee.getText()}(…), which waits inside try/catch at ${shortPlace(wait)}: ${CANCEL}`;
    const below = catchBelow(checker, target, adopted, seen);
    if (below) return below;
  }
  return undefined;
}

/** The first wait of `fn` itself (an `await`, before adopt drops it) in the `try` block of a try/catch. */
function waitInTryCatch(fn: ts.SignatureDeclaration): ts.AwaitExpression | undefined {
  for (const a of ownNodes(fn).awaits)
    for (let n: ts.Node = a; n !== fn; n = n.parent) {
      const p = n.parent;
      if (ts.isTryStatement(p) && p.tryBlock === n && p.catchClause) return a;
    }
  return undefined;
}
