/**
 * Turns a handler into Koa middleware the way aiopyramid's default view mapper does:
 *
 * - an `async` function is returned as it is (Koa awaits it; it is its own boundary);
 * - anything else (a coloured function with a generator twin, a plain function, a hand-written
 *   `function*` in the greenlet protocol) runs as a greenlet, with a synchronized `next`.
 *
 * Whether a plain function has a twin is read when it is called, not when it is registered: a
 * route may be registered above the hoisted function declaration whose twin is set further down.
 * A generator function never reaches Koa (Koa 3 silently answers 404 for one).
 */
import type { Context, Middleware, Next } from 'koa';
import { ConfigurationError } from '../errors';
import { Greenlet, type GreenletOptions } from '../greenlet';
import { cancelOnDisconnect } from './disconnect';
import { synchronizedNext } from './synchronized-next';

const AsyncFunction = (async () => {}).constructor;
const AsyncGeneratorFunction = async function* () {}.constructor;

/** Middleware made here (and by `inExecutor`): mapping one again returns it unchanged. */
const madeHere = new WeakSet<Function>();

export function markMapped<F extends Function>(middleware: F): F {
  madeHere.add(middleware);
  return middleware;
}

export function isMapped(fn: unknown): boolean {
  return typeof fn === 'function' && madeHere.has(fn);
}

export function isAsyncFunction(fn: Function): boolean {
  return fn instanceof AsyncFunction;
}

/**
 * Koa middleware for `handler(ctx, next)`. With `thisArg` the handler always gets it as `this`
 * (controllers; binding would drop the twin); without, it gets the middleware's own `this`.
 */
export function handlerMiddleware(handler: Function, thisArg?: object): Middleware<any, any> {
  if (isMapped(handler)) return handler as Middleware;
  checkHandler(handler);
  if (isAsyncFunction(handler)) {
    if (thisArg === undefined) return handler as Middleware;
    return markMapped((ctx: Context, next: Next) => handler.call(thisArg, ctx, next));
  }
  const options = { name: handler.name || 'handler' };
  return markMapped(function greenletMiddleware(this: unknown, ctx: Context, next: Next) {
    return runHandlerGreenlet(handler, thisArg ?? this, options, ctx, [ctx, synchronizedNext(next, ctx)]);
  });
}

/** The same for `router.param(name, handler)` handlers: `handler(value, ctx, next)`. */
export function paramMiddleware(handler: Function): Function {
  if (isMapped(handler)) return handler;
  checkHandler(handler);
  if (isAsyncFunction(handler)) return handler;
  const options = { name: handler.name || 'param handler' };
  return markMapped(function greenletParamMiddleware(this: unknown, value: string, ctx: Context, next: Next) {
    return runHandlerGreenlet(handler, this, options, ctx, [value, ctx, synchronizedNext(next, ctx)]);
  });
}

/**
 * Runs `handler` as a greenlet for the request `ctx`. A handler that finishes without waiting
 * settles at once; one that suspends is cancelled if the client disconnects.
 */
export function runHandlerGreenlet(
  handler: Function,
  thisArg: unknown,
  options: GreenletOptions,
  ctx: Context,
  args: unknown[],
): Promise<unknown> {
  const g = new Greenlet(handler, options);
  const promise = g.start(thisArg, args);
  if (!g.dead) cancelOnDisconnect(ctx, g);
  return promise;
}

function checkHandler(handler: unknown): asserts handler is Function {
  if (typeof handler !== 'function') {
    throw new ConfigurationError(
      `a Koa handler must be a function; got ${handler === null ? 'null' : typeof handler}.`,
    );
  }
  if (handler instanceof AsyncGeneratorFunction) {
    throw new ConfigurationError(
      `${handler.name || 'an anonymous handler'} is an async generator function, which Koa cannot run; ` +
        `write it as an async function or as a plain (sync-style) function.`,
    );
  }
}
