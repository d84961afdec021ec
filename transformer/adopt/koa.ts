/**
 * Koa moved onto ts-greenlet's integration, the reverse of eject's `koa.ts`: a router with a
 * handler that can be made sync becomes a `GreenletRouter` (which runs plain handlers as greenlets
 * and still awaits `async` ones as they are), and those handlers lose `async`/`await`; `app.use`
 * middleware that can be made sync is wrapped with `greenlet(…)`. Which can: `koa-verdict.ts`.
 *
 * ```ts
 * // source                                         // adopted
 * import Router from '@koa/router';                 import { GreenletRouter, greenlet, type SyncNext } from 'ts-greenlet/koa';
 * app.use(async function timing(ctx, next: Next) {  app.use(greenlet(function timing(ctx, next: SyncNext) {
 *   await next();                                     next();
 * });                                               }));
 * const router = new Router();                      const router = new GreenletRouter();
 * router.get('/notes/:id', async (ctx) => {         router.get('/notes/:id', (ctx) => {
 *   ctx.body = await findNote(1);                     ctx.body = findNote(1);
 * ```
 *
 * A router stays a @koa/router `Router` (its handlers async, listed) when a plain handler on it
 * uses `next` (on a GreenletRouter that `next` would wait) or its binding declares a type.
 *
 * A handler passed by name is made sync where it is declared, so only when every use of its name
 * is a registration on routers that become GreenletRouters:
 *
 * ```ts
 * async function listNotes(ctx) { ctx.body = await findAll(); }   // sync: its one use is below
 * router.get('/notes', listNotes);
 * async function show(ctx) { ctx.body = await findNote(1); }       // kept: also used at app.ts:9
 * router.get('/note', show);
 * app.use(show);
 * ```
 */
import ts from '../ts';
import { shortPlace } from '../analysis/inventory';
import type { EditSet } from '../eject/edits';
import type { Kept } from './decide';
import { type Handler, type HandlerFn, koaSites, type RouterSite, TYPED } from './koa-sites';
import { handlerVerdict, namedUse, type Verdict } from './koa-verdict';
import { makeSync } from './rewrite';
import { label, short } from './words';

export type KoaName = 'GreenletRouter' | 'greenlet' | 'SyncNext';

export interface KoaAdoption {
  /** `Router` of each `new Router()` made a `GreenletRouter`. */
  routers: ts.Identifier[];
  /** Route handlers made sync (each once), and `app.use` middleware wrapped with `greenlet`. */
  handlers: HandlerFn[];
  middleware: HandlerFn[];
  kept: Kept[];
  /** Every handler looked at: decide's general word on function values does not apply to these. */
  seen: Set<ts.Node>;
  /** What each file now takes from `ts-greenlet/koa`. */
  names: Map<ts.SourceFile, Set<KoaName>>;
  /** Names rewritten (`Router` of `new Router`, `Next` of `next: Next`): their imports may go. */
  replaced: ts.Identifier[];
}

export function adoptKoa(
  checker: ts.TypeChecker,
  files: readonly ts.SourceFile[],
  adopted: ReadonlyMap<ts.Symbol, ts.SignatureDeclaration | undefined>,
  edits: EditSet,
): KoaAdoption {
  const out: KoaAdoption = {
    routers: [],
    handlers: [],
    middleware: [],
    kept: [],
    seen: new Set(),
    names: new Map(),
    replaced: [],
  };
  const need = (node: ts.Node, name: KoaName) => {
    const file = node.getSourceFile();
    if (!out.names.has(file)) out.names.set(file, new Set());
    out.names.get(file)!.add(name);
  };
  const sync = (h: Handler) => {
    makeSync(edits, h.fn);
    const next = h.fn.parameters[h.nextIndex];
    if (next?.type) {
      edits.replace(next.getSourceFile(), next.type.getStart(), next.type.getEnd(), 'SyncNext');
      need(next, 'SyncNext');
      if (ts.isTypeReferenceNode(next.type) && ts.isIdentifier(next.type.typeName))
        out.replaced.push(next.type.typeName);
    }
  };
  const keep = (h: Handler, reason: string) =>
    out.kept.push({ node: h.fn, reason: `${who(h)} stays async: ${reason}` });

  const { routers, middleware } = koaSites(checker, files);
  const blocked = new Map(routers.map((r) => [r, whyRouterStays(r)]));
  const named = namedVerdicts(checker, files, routers, blocked, adopted);
  const madeNamed = new Set<HandlerFn>();
  for (const router of routers) {
    const verdicts = router.handlers.map((h) => ({
      h,
      ...(h.ref ? named.get(h.fn)! : handlerVerdict(checker, h, adopted)),
    }));
    for (const h of [...router.handlers, ...router.untyped]) out.seen.add(h.fn);
    const made = verdicts.filter((v) => v.candidate && !v.reason).map((v) => v.h);
    const stays = made.length ? blocked.get(router) : undefined;
    for (const v of verdicts) if (v.reason && !v.h.ref) keep(v.h, v.reason);
    for (const h of made)
      if (stays) keep(h, `its router (${shortPlace(router.ctor)}) stays a @koa/router Router: ${stays}`);
    for (const h of router.untyped)
      if (!h.ref && handlerVerdict(checker, h, adopted).candidate) keep(h, untypedReason(h));
    if (!made.length || stays) continue;
    edits.replace(router.ctor.getSourceFile(), router.ctor.getStart(), router.ctor.getEnd(), 'GreenletRouter');
    need(router.ctor, 'GreenletRouter');
    out.routers.push(router.ctor);
    out.replaced.push(router.ctor);
    for (const h of made) {
      if (h.ref && madeNamed.has(h.fn)) continue; // registered more than once: made sync once
      if (h.ref) madeNamed.add(h.fn);
      sync(h);
      out.handlers.push(h.fn);
    }
  }
  for (const [, v] of named) if (v.candidate && v.reason) keep(v.first, v.reason);
  for (const h of middleware) {
    out.seen.add(h.fn);
    const v = handlerVerdict(checker, h, adopted);
    if (!v.candidate) continue;
    if (v.reason) {
      keep(h, v.reason);
      continue;
    }
    edits.wrap(h.fn, 'greenlet(', ')');
    need(h.fn, 'greenlet');
    sync(h);
    out.middleware.push(h.fn);
  }
  return out;
}

/** Why a router with handlers that could be sync must stay a @koa/router Router, if it must. */
function whyRouterStays(router: RouterSite): string | undefined {
  if (router.binding.type)
    return `its binding is declared with the type ${short(router.binding.type)} (make it a GreenletRouter by hand)`;
  const plain = router.plainWithNext[0];
  if (plain)
    return `the plain handler at ${shortPlace(plain.fn)} uses next, which on a GreenletRouter would wait for downstream`;
  return undefined;
}

/**
 * One verdict per handler passed by name, over all its registrations (`first`: the first): as a
 * literal's, and kept unless every use of the name registers it on a router that becomes a
 * GreenletRouter (one whose other reasons to stay do not hold: it then has this handler to make sync).
 */
function namedVerdicts(
  checker: ts.TypeChecker,
  files: readonly ts.SourceFile[],
  routers: readonly RouterSite[],
  blocked: ReadonlyMap<RouterSite, string | undefined>,
  adopted: ReadonlyMap<ts.Symbol, ts.SignatureDeclaration | undefined>,
): Map<HandlerFn, Verdict & { first: Handler }> {
  const regs = new Map<HandlerFn, Array<{ h: Handler; router: RouterSite; typed: boolean }>>();
  for (const router of routers)
    for (const [list, typed] of [
      [router.handlers, true],
      [router.untyped, false],
    ] as const)
      for (const h of list) if (h.ref) regs.set(h.fn, [...(regs.get(h.fn) ?? []), { h, router, typed }]);
  const out = new Map<HandlerFn, Verdict & { first: Handler }>();
  for (const [fn, list] of regs) {
    const first = list[0].h;
    const verdicts = list.map((r) => handlerVerdict(checker, r.h, adopted));
    if (!verdicts.some((v) => v.candidate)) {
      out.set(fn, { candidate: false, first });
      continue;
    }
    const untyped = list.find((r) => !r.typed);
    const stays = list.find((r) => blocked.get(r.router));
    const reason =
      verdicts.find((v) => v.reason)?.reason ??
      (untyped && `it is registered at ${shortPlace(untyped.h.ref!)}: ${untypedReason(untyped.h)}`) ??
      namedUse(checker, files, fn, new Set(list.map((r) => r.h.ref!))) ??
      (stays &&
        `it is registered at ${shortPlace(stays.h.ref!)} on a router (${shortPlace(stays.router.ctor)}) that stays a @koa/router Router: ${blocked.get(stays.router)}`);
    out.set(fn, { candidate: true, reason, first });
  }
  return out;
}

function untypedReason(h: Handler): string {
  return `GreenletRouter types no ${method(h)} handlers (only ${Object.keys(TYPED).join(', ')})`;
}

/** `router.post`, also for a link of a chain (`router.get(…).post(…)`). */
function method(h: Handler): string {
  const callee = h.call.expression;
  if (!ts.isPropertyAccessExpression(callee)) return short(callee);
  let root = callee.expression;
  while (ts.isCallExpression(root) && ts.isPropertyAccessExpression(root.expression)) root = root.expression.expression;
  return `${short(root)}.${callee.name.text}`;
}

/** `the router.get('/notes/:id') handler`, `timing (app.use)`, `an async function passed to app.use`. */
function who(h: Handler): string {
  const first = h.call.arguments[0];
  if (label(h.fn) !== 'an anonymous async function') return `${label(h.fn)} (${method(h)})`;
  return first && ts.isStringLiteralLike(first)
    ? `the ${method(h)}(${first.getText()}) handler`
    : `an async function passed to ${method(h)}`;
}
