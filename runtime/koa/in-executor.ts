/**
 * `inExecutor(module, exportName)`: the explicit marker for a route that runs off the event loop,
 * like aiopyramid's executor view mapper. Koa's `ctx` cannot cross to a worker thread, so the
 * worker function gets a cloneable snapshot of the request and its result becomes the body.
 *
 * ```ts
 * router.get('/reports/:id', inExecutor(require.resolve('./reports'), 'renderReport'));
 * // reports.ts (loaded in the worker; keep it free of side effects such as app.listen):
 * export function renderReport(req: ExecutorRequest) { return { id: req.params.id, ... }; }
 * ```
 *
 * The result is ready Koa middleware, so it works on a plain Router and with `app.use` too.
 */
import type { Context, Middleware } from 'koa';
import { runInExecutor } from '../executor';
import { twinOf } from '../protocol';
import { markMapped, runHandlerGreenlet } from './handler-middleware';

/** What a worker route function receives by default. */
export interface ExecutorRequest {
  method: string;
  url: string;
  path: string;
  params: Record<string, string>;
  query: Record<string, unknown>;
  headers: Record<string, unknown>;
  /** `ctx.request.body`, if a body parser set one. */
  body: unknown;
}

export interface InExecutorOptions {
  /** The arguments for the worker function; default `[requestSnapshot(ctx)]`. */
  args?: (ctx: Context) => unknown[];
  /** Applies the result on the loop; default: a result other than `undefined` becomes `ctx.body`. */
  respond?: (ctx: Context, result: unknown) => void;
}

export function requestSnapshot(ctx: Context): ExecutorRequest {
  return {
    method: ctx.method,
    url: ctx.url,
    path: ctx.path,
    params: { ...(ctx as { params?: Record<string, string> }).params },
    query: { ...ctx.query },
    headers: { ...ctx.headers },
    body: (ctx.request as { body?: unknown }).body,
  };
}

function respondWithBody(ctx: Context, result: unknown): void {
  if (result !== undefined) ctx.body = result;
}

export function inExecutor(
  module: string | URL,
  exportName: string,
  options: InExecutorOptions = {},
): Middleware<any, any> {
  const args = options.args ?? ((ctx: Context) => [requestSnapshot(ctx)]);
  const respond = options.respond ?? respondWithBody;
  const run = twinOf(runInExecutor)!;
  // A greenlet, so a client that disconnects cancels it and the worker's task is aborted.
  function* executorRoute(ctx: Context): Generator<unknown, void, unknown> {
    respond(ctx, yield* run(module, exportName, ...args(ctx)));
  }
  const greenletOptions = { name: `${exportName} (executor)` };
  return markMapped((ctx: Context) => runHandlerGreenlet(executorRoute, undefined, greenletOptions, ctx, [ctx]));
}
