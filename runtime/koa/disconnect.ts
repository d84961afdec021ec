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
import type { Greenlet } from '../greenlet';

const WATCH = Symbol('ts-greenlet.koa.disconnectWatch');

interface Watch {
  running: Set<Greenlet<unknown>>;
  disconnected: boolean;
}

/** The reason given to `cancel()`: `GreenletExit.reason` is this string when the client left. */
export const CLIENT_DISCONNECTED = 'client disconnected';

/** Returns `promise` (greenlet `g`'s) made to cancel `g` if the client disconnects first. */
export function cancelOnDisconnect<T>(ctx: Context, g: Greenlet<T>, promise: Promise<T>): Promise<T | undefined> {
  const watch = (ctx as any)[WATCH] ?? watchRequest(ctx);
  watch.running.add(g);
  if (watch.disconnected) g.cancel(CLIENT_DISCONNECTED);
  return promise.then(
    (value) => {
      watch.running.delete(g);
      return value;
    },
    (error) => {
      watch.running.delete(g);
      if (watch.disconnected && error instanceof GreenletExit) return undefined; // nobody to answer
      throw error;
    },
  );
}

function watchRequest(ctx: Context): Watch {
  const watch: Watch = { running: new Set(), disconnected: false };
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
