/**
 * The `next` a sync-style handler receives. Transformed code calls its twin, which suspends the
 * greenlet until the downstream chain is done; untransformed code calls the plain form and gets
 * Koa's promise, as from Koa's own `next`, so ordinary middleware keeps working unchanged.
 * It is `synchronize(next, { strict: false })` minus the naming work synchronize does once per
 * function, which would otherwise be paid on every request.
 */
import type { Context, Next } from 'koa';
import { GreenletExit } from '../errors';
import { getcurrent, noteSuspendedFrames } from '../greenlet';
import { TWIN } from '../protocol';
import { CLIENT_DISCONNECTED, enterNext, isDisconnected, leaveNext } from './disconnect';
import type { Synchronized } from '../synchronize';

/** Koa's `next`, callable like a plain function from greenlet code: returns when downstream is done. */
export type SyncNext = Synchronized<Next>;

/**
 * The twin's generator, one for all requests. A generator *function* made per request would cost
 * far more than its closure: each one gets its own `prototype`, so its generator object gets a new
 * map, which V8 allocates in old space and which points back at the function and its context (Koa's
 * `next`, hence the whole request). Those requests then survived every scavenge until the next
 * full GC: with an instant database a sync-style request cost ~50% more server CPU than an async one
 * (~76 against ~49 µs), and ~5% with PGlite (see the README's HTTP benchmark).
 */
function* nextTwin(next: Next, ctx: Context): Generator<unknown, unknown, unknown> {
  const g = getcurrent();
  let value: unknown;
  enterNext(g);
  try {
    value = yield next();
  } catch (error) {
    noteSuspendedFrames(error);
    throw error;
  } finally {
    leaveNext(g);
  }
  // the client left while downstream ran: this greenlet is cancelled here, after downstream
  if (isDisconnected(ctx)) throw new GreenletExit(CLIENT_DISCONNECTED);
  return value;
}

export function synchronizedNext(next: Next, ctx: Context): SyncNext {
  const plain = () => next();
  // An arrow (no `prototype`) that returns the shared generator's object: the twin protocol only
  // needs a function returning a generator. Made before the key is read and stored from a local:
  // written inline (`plain[TWIN] = () => ...`), V8 (node 20) tenured ~16 allocation sites of Node's
  // HTTP objects and the app's during warm-up, not ~5, and a POST kept ~4.4 KB per request alive
  // through scavenges instead of ~2.4 KB (async/await: ~2.4 KB). See the README's HTTP benchmark.
  const twin = () => nextTwin(next, ctx);
  (plain as any)[TWIN] = twin;
  return plain as unknown as SyncNext;
}
