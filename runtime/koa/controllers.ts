/**
 * Controllers: classes whose methods are routes, declared with standard (TC39) method decorators
 * and mounted on a router per instance, each handler running as a greenlet with `this` bound to
 * its instance.
 *
 * ```ts
 * class Notes {
 *   constructor(private repo: NotesRepository) {}
 *   @get('/notes/:id') show(ctx: RouterContext) { ctx.body = this.repo.find(ctx.params.id); }
 *   @post('/notes') create(ctx: RouterContext) { ... }
 * }
 * mount(router, new Notes(repo));
 * ```
 *
 * The decorators record routes through `addInitializer`, which runs as each instance is built,
 * so routes belong to instances (not to the class), private methods work, and the handler is read
 * through the instance at mount time (an override in a subclass is the one that runs).
 */
import type Router from '@koa/router';
import { ConfigurationError } from '../errors';
import { handlerMiddleware } from './handler-middleware';

type Verb = 'get' | 'post' | 'put' | 'patch' | 'delete';
type RoutePath = string | RegExp | Array<string | RegExp>;

interface RouteRecord {
  verb: Verb;
  path: RoutePath;
  name: string;
  handler: (instance: object) => unknown;
}

const routesOf = new WeakMap<object, RouteRecord[]>();

/** A method decorator for a route handler: `(ctx, next)`, sync-style or async. */
export type RouteDecorator = <This extends object, M extends (this: This, ...args: any[]) => unknown>(
  method: M,
  context: ClassMethodDecoratorContext<This, M>,
) => void;

function routeDecorator(verb: Verb, decoratorName: string) {
  return (path: RoutePath): RouteDecorator =>
    (_method, context) => {
      const where = `@${decoratorName}(${String(path)}) on ${String(context.name)}`;
      if (context.kind !== 'method' || context.static) {
        throw new ConfigurationError(
          `${where}: route decorators go on instance methods, and controllers are mounted per instance.`,
        );
      }
      context.addInitializer(function (this: object) {
        let routes = routesOf.get(this);
        if (!routes) routesOf.set(this, (routes = []));
        routes.push({
          verb,
          path,
          name: String(context.name),
          handler: (instance) => context.access.get(instance as never),
        });
      });
    };
}

export const get = routeDecorator('get', 'get');
export const post = routeDecorator('post', 'post');
export const put = routeDecorator('put', 'put');
export const patch = routeDecorator('patch', 'patch');
export const del = routeDecorator('delete', 'del');

/**
 * Registers every decorated method of each controller instance on `router` (a GreenletRouter or
 * a plain @koa/router Router): each runs as a greenlet (or is awaited, if async) with `this`
 * bound to its instance. Returns the router.
 */
export function mount<R extends Router<any, any>>(router: R, ...controllers: object[]): R {
  for (const controller of controllers) {
    const routes = routesOf.get(controller);
    if (!routes?.length) {
      const what = typeof controller === 'function' ? `the class ${controller.name}` : describe(controller);
      throw new ConfigurationError(
        `mount: ${what} has no routes. Pass controller instances (new ${typeof controller === 'function' ? controller.name : 'Controller'}()) ` +
          `whose methods carry @get/@post/@put/@patch/@del.`,
      );
    }
    for (const route of routes) {
      const handler = route.handler(controller);
      if (typeof handler !== 'function')
        throw new ConfigurationError(`mount: ${describe(controller)}.${route.name} is not a function.`);
      (router[route.verb] as Function).call(router, route.path, handlerMiddleware(handler, controller));
    }
  }
  return router;
}

function describe(x: unknown): string {
  if (x !== null && typeof x === 'object') return `a ${x.constructor?.name ?? 'null-prototype'} instance`;
  return String(x);
}
