/**
 * `greenlet(handler)`: Koa middleware that runs a sync-style handler as a greenlet, so it reads
 * top to bottom like aiopyramid's tweens: `next()` returns when the downstream chain is done.
 *
 * ```ts
 * app.use(greenlet(function timing(ctx, next) {
 *   const start = performance.now();
 *   next();                                   // suspends until downstream has answered
 *   ctx.set('X-Response-Time', `${performance.now() - start}ms`);
 * }));
 * ```
 */
import type { DefaultContext, DefaultState, Middleware, ParameterizedContext } from 'koa';
import { handlerMiddleware } from './handler-middleware';
import type { SyncNext } from './synchronized-next';

/** A sync-style Koa handler: `next` is synchronized (calling it waits for downstream). */
export type GreenletHandler<StateT = DefaultState, ContextT = DefaultContext, BodyT = any> = (
  ctx: ParameterizedContext<StateT, ContextT, BodyT>,
  next: SyncNext,
) => unknown;

/**
 * Koa middleware that runs `handler(ctx, next)` as a greenlet. An `async` handler is returned as
 * it is. A client that disconnects cancels the greenlet (`GreenletExit` at its suspension point).
 */
export function greenlet<StateT = DefaultState, ContextT = DefaultContext, BodyT = any>(
  handler: GreenletHandler<StateT, ContextT, BodyT>,
): Middleware<StateT, ContextT, BodyT> {
  return handlerMiddleware(handler) as Middleware<StateT, ContextT, BodyT>;
}
