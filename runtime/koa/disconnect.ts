/**
 * A client that goes away mid-request cancels the greenlets still running for it: `GreenletExit`
 * is thrown at their suspension points, their `finally` blocks run, and the exit is not passed on
 * to Koa as an error (so nothing is logged as a 500 for a request nobody is waiting for).
 *
 * Innermost first: a greenlet waiting in `next()` is not cancelled itself; its `next()` throws
 * the exit once downstream has unwound, so `try { next() } finally { release() }` releases after
 * downstream's cleanup, as with async/await. Each greenlet is cancelled in its own async context
 * (its `finally` sees its own AsyncLocalStorage stores), kept from when it first suspended.
 *
 * One `close` listener per request, installed only once a greenlet of that request suspends:
 * handlers that finish without waiting pay nothing.
 */
import { AsyncResource } from 'node:async_hooks';
import type { Context } from 'koa';
import { GreenletExit } from '../errors';
import type { FinishObserver, Greenlet } from '../greenlet';

const WATCH = Symbol('ts-greenlet.koa.disconnectWatch');

/** The reason given to `cancel()`: `GreenletExit.reason` is this string when the client left. */
export const CLIENT_DISCONNECTED = 'client disconnected';

/** Greenlets suspended in a synchronized `next()`: downstream decides when they go on. */
const inNext = new WeakSet<Greenlet<unknown>>();

/**
 * One per request that suspends: the greenlets still running for it, each with the async
 * context to cancel it in. It observes their ends itself, so watching a greenlet costs no
 * promise reaction (~1 µs each under Koa's `asyncLocalStorage` promise hooks, as a `then`).
 */
class Watch implements FinishObserver {
  readonly running = new Map<Greenlet<unknown>, AsyncResource>();
  disconnected = false;

  greenletFinished(g: Greenlet<unknown>, error: unknown, isError: boolean): boolean {
    this.running.delete(g);
    return isError && this.disconnected && error instanceof GreenletExit; // nobody to answer
  }

  cancelAll(): void {
    this.disconnected = true;
    for (const [g, scope] of [...this.running].reverse()) {
      if (!inNext.has(g)) scope.runInAsyncScope(() => g.cancel(CLIENT_DISCONNECTED));
    }
  }
}

/**
 * Makes greenlet `g`, running for `ctx`, cancelled if the client disconnects first; its promise
 * then settles with `undefined` instead of rejecting with the `GreenletExit`.
 */
export function cancelOnDisconnect(ctx: Context, g: Greenlet<unknown>): void {
  const watch: Watch = (ctx as any)[WATCH] ?? watchRequest(ctx);
  // A resource and runInAsyncScope: AsyncResource.bind costs ~100x more.
  watch.running.set(g, new AsyncResource('ts-greenlet.disconnect', { requireManualDestroy: true }));
  g.observeFinish(watch);
  if (watch.disconnected) g.cancel(CLIENT_DISCONNECTED);
}

/** Around a synchronized `next()`: `g` waits for downstream, which is cancelled in its place. */
export function enterNext(g: Greenlet<unknown> | null): void {
  if (g) inNext.add(g);
}
export function leaveNext(g: Greenlet<unknown> | null): void {
  if (g) inNext.delete(g);
}

/** Whether `ctx`'s client has gone away (a greenlet's `next()` then throws the exit). */
export function isDisconnected(ctx: Context): boolean {
  return (ctx as any)[WATCH]?.disconnected === true;
}

function watchRequest(ctx: Context): Watch {
  const watch = new Watch();
  (ctx as any)[WATCH] = watch;
  const res = ctx.res;
  const onClose = () => {
    if (!res.writableFinished) watch.cancelAll(); // else the response went out: an ordinary close
  };
  if (res.closed) onClose();
  else res.once('close', onClose);
  return watch;
}
