/**
 * `GreenletRouter`: a @koa/router `Router` whose handlers are mapped as aiopyramid's default
 * view mapper maps views: `async` handlers are awaited as they are, plain and coloured handlers
 * run as greenlets (so they may call synchronized code), `inExecutor(...)` routes run off the
 * loop. An app moves over by changing `new Router()` to `new GreenletRouter()`.
 *
 * Every way of adding a handler (the verb methods, `all`, `use`, `redirect`) ends in `register`,
 * so mapping there covers them all; `param` and `on` take handlers of their own.
 */
import type Router from '@koa/router';
import type { RouterContext, RouterMiddleware, RouterOptions } from '@koa/router';
import type { DefaultContext, DefaultState, Middleware } from 'koa';
import { requirePeer } from '../peer';
import { handlerMiddleware, paramMiddleware } from './handler-middleware';
import type { SyncNext } from './synchronized-next';

/** A route handler on a GreenletRouter: async, or sync-style with a synchronized `next`. */
export type GreenletRouterHandler<StateT = DefaultState, ContextT = DefaultContext, BodyT = unknown> = (
  ctx: RouterContext<StateT, ContextT, BodyT>,
  next: SyncNext,
) => unknown;

/** A `router.param(name, handler)` handler on a GreenletRouter. */
export type GreenletParamHandler<StateT = DefaultState, ContextT = DefaultContext> = (
  value: string,
  ctx: RouterContext<StateT, ContextT>,
  next: SyncNext,
) => unknown;

type Path = string | RegExp | Array<string | RegExp>;

// @koa/router declares Router as a constructor with two generic signatures; name the one we extend.
const RouterBase = requirePeer<typeof Router>('@koa/router', '^15.7.0', 'ts-greenlet/koa') as unknown as new <
  StateT,
  ContextT,
>(
  options?: RouterOptions,
) => Router<StateT, ContextT>;

/** One wrapper per handler, so a handler registered twice (or a param handler) keeps one identity. */
const routeWrappers = new WeakMap<Function, Function>();
const paramWrappers = new WeakMap<Function, Function>();

function mapOnce(cache: WeakMap<Function, Function>, map: (fn: Function) => Function, fn: unknown): unknown {
  if (typeof fn !== 'function' || 'router' in fn) return fn; // not ours to judge; a nested router's dispatch
  let mapped = cache.get(fn);
  if (!mapped) cache.set(fn, (mapped = map(fn)));
  return mapped;
}

const mapRoute = (fn: unknown) => mapOnce(routeWrappers, (f) => handlerMiddleware(f), fn);

export class GreenletRouter<StateT = DefaultState, ContextT = DefaultContext> extends RouterBase<StateT, ContextT> {
  override register(path: any, methods: string[], middleware: any, options?: any): any {
    const mapped = Array.isArray(middleware) ? middleware.map(mapRoute) : mapRoute(middleware);
    return super.register(path, methods, mapped as never, options);
  }

  override param(parameter: string, middleware: GreenletParamHandler<StateT, ContextT>): any {
    return super.param(parameter, mapOnce(paramWrappers, paramMiddleware, middleware) as never);
  }

  override on(event: Parameters<Router['on']>[0], handler: RouterMiddleware<StateT, ContextT>): any {
    return super.on(event, mapRoute(handler) as never);
  }
}

/** The handler types a GreenletRouter accepts (the runtime is in `register` above). */
export interface GreenletRouter<StateT = DefaultState, ContextT = DefaultContext> {
  use<T = {}, U = {}, B = unknown>(...middleware: Array<GreenletRouterHandler<StateT & T, ContextT & U, B>>): this;
  use<T = {}, U = {}, B = unknown>(
    path: string | RegExp | string[],
    ...middleware: Array<GreenletRouterHandler<StateT & T, ContextT & U, B>>
  ): this;
  /** Nested routers (`other.routes()`) and library middleware typed for plain Koa. */
  use(...middleware: Array<Middleware<any, any> | GreenletRouterHandler<StateT, ContextT>>): this;
  use(
    path: string | RegExp | string[],
    ...middleware: Array<Middleware<any, any> | GreenletRouterHandler<StateT, ContextT>>
  ): this;
  param(parameter: string, middleware: GreenletParamHandler<StateT, ContextT>): this;
  get<T = {}, U = {}, B = unknown>(
    name: string,
    path: string | RegExp,
    ...middleware: Array<GreenletRouterHandler<StateT & T, ContextT & U, B>>
  ): this;
  get<T = {}, U = {}, B = unknown>(
    path: Path,
    ...middleware: Array<GreenletRouterHandler<StateT & T, ContextT & U, B>>
  ): this;
  post<T = {}, U = {}, B = unknown>(
    name: string,
    path: string | RegExp,
    ...middleware: Array<GreenletRouterHandler<StateT & T, ContextT & U, B>>
  ): this;
  post<T = {}, U = {}, B = unknown>(
    path: Path,
    ...middleware: Array<GreenletRouterHandler<StateT & T, ContextT & U, B>>
  ): this;
  put<T = {}, U = {}, B = unknown>(
    name: string,
    path: string | RegExp,
    ...middleware: Array<GreenletRouterHandler<StateT & T, ContextT & U, B>>
  ): this;
  put<T = {}, U = {}, B = unknown>(
    path: Path,
    ...middleware: Array<GreenletRouterHandler<StateT & T, ContextT & U, B>>
  ): this;
  patch<T = {}, U = {}, B = unknown>(
    name: string,
    path: string | RegExp,
    ...middleware: Array<GreenletRouterHandler<StateT & T, ContextT & U, B>>
  ): this;
  patch<T = {}, U = {}, B = unknown>(
    path: Path,
    ...middleware: Array<GreenletRouterHandler<StateT & T, ContextT & U, B>>
  ): this;
  delete<T = {}, U = {}, B = unknown>(
    name: string,
    path: string | RegExp,
    ...middleware: Array<GreenletRouterHandler<StateT & T, ContextT & U, B>>
  ): this;
  delete<T = {}, U = {}, B = unknown>(
    path: Path,
    ...middleware: Array<GreenletRouterHandler<StateT & T, ContextT & U, B>>
  ): this;
  del<T = {}, U = {}, B = unknown>(
    name: string,
    path: string | RegExp,
    ...middleware: Array<GreenletRouterHandler<StateT & T, ContextT & U, B>>
  ): this;
  del<T = {}, U = {}, B = unknown>(
    path: Path,
    ...middleware: Array<GreenletRouterHandler<StateT & T, ContextT & U, B>>
  ): this;
  head<T = {}, U = {}, B = unknown>(
    name: string,
    path: string | RegExp,
    ...middleware: Array<GreenletRouterHandler<StateT & T, ContextT & U, B>>
  ): this;
  head<T = {}, U = {}, B = unknown>(
    path: Path,
    ...middleware: Array<GreenletRouterHandler<StateT & T, ContextT & U, B>>
  ): this;
  options<T = {}, U = {}, B = unknown>(
    name: string,
    path: string | RegExp,
    ...middleware: Array<GreenletRouterHandler<StateT & T, ContextT & U, B>>
  ): this;
  options<T = {}, U = {}, B = unknown>(
    path: Path,
    ...middleware: Array<GreenletRouterHandler<StateT & T, ContextT & U, B>>
  ): this;
  all<T = {}, U = {}, B = unknown>(
    name: string,
    path: string | RegExp,
    ...middleware: Array<GreenletRouterHandler<StateT & T, ContextT & U, B>>
  ): this;
  all<T = {}, U = {}, B = unknown>(
    path: Path,
    ...middleware: Array<GreenletRouterHandler<StateT & T, ContextT & U, B>>
  ): this;
}
