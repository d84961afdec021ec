/**
 * A client that goes away mid-request cancels the greenlets still running for it: `GreenletExit`
 * is thrown at their suspension points, their `finally` blocks run, and the exit is not passed on
 * to Koa as an error (so nothing is logged as a 500 for a request nobody is waiting for).
 *
 * One `close` listener per request, installed only once a greenlet of that request suspends:
 * handlers that finish without waiting pay nothing. Greenlets are cancelled directly rather than
 * through an AbortController per greenlet, which would cost an EventTarget and a listener each.
 */
import { AsyncResource } from 'node:async_hooks';
import type { Context } from 'koa';
import { GreenletExit } from '../errors';
import type { FinishObserver, Greenlet } from '../greenlet';

const WATCH = Symbol('ts-greenlet.koa.disconnectWatch');

/** The reason given to `cancel()`: `GreenletExit.reason` is this string when the client left. */
export const CLIENT_DISCONNECTED = 'client disconnected';

/**
 * One per request that suspends: the greenlets still running for it. It observes their ends
 * itself, so watching a greenlet costs no promise reaction (~1 µs each under Koa's
 * `asyncLocalStorage` promise hooks, when this was a `then` per greenlet).
 */
class Watch implements FinishObserver {
  readonly running = new Set<Greenlet<unknown>>();
  disconnected = false;

  greenletFinished(g: Greenlet<unknown>, error: unknown, isError: boolean): boolean {
    this.running.delete(g);
    return isError && this.disconnected && error instanceof GreenletExit; // nobody to answer
  }
}

/**
 * Makes greenlet `g`, running for `ctx`, cancelled if the client disconnects first; its promise
 * then settles with `undefined` instead of rejecting with the `GreenletExit`.
 */
export function cancelOnDisconnect(ctx: Context, g: Greenlet<unknown>): void {
  const watch: Watch = (ctx as any)[WATCH] ?? watchRequest(ctx);
  watch.running.add(g);
  g.observeFinish(watch);
  if (watch.disconnected) g.cancel(CLIENT_DISCONNECTED);
}

function watchRequest(ctx: Context): Watch {
  const watch = new Watch();
  (ctx as any)[WATCH] = watch;
  const res = ctx.res;
  // Cancels in the request's async context, so `finally` blocks still see `app.currentContext`
  // (and any AsyncLocalStorage). A resource and runInAsyncScope: AsyncResource.bind costs ~100x more.
  const scope = new AsyncResource('ts-greenlet.disconnect', { requireManualDestroy: true });
  const cancelAll = () => {
    watch.disconnected = true;
    for (const g of watch.running) g.cancel(CLIENT_DISCONNECTED);
  };
  const onClose = () => {
    if (!res.writableFinished) scope.runInAsyncScope(cancelAll); // else the response went out: an ordinary close
  };
  if (res.closed) onClose();
  else res.once('close', onClose);
  return watch;
}
