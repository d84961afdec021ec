/**
 * Module-level functions the executor tests run in worker threads. Loaded by path in each worker,
 * so it has no side effects and imports nothing heavy.
 */
import { threadId } from 'node:worker_threads';
import type { ExecutorRequest } from '../runtime/koa';

/** Path of this module's compiled file, for runInExecutor/inExecutor. */
export const TASKS = __filename;

/** Keeps a CPU busy for `ms` milliseconds; returns how many loop turns that took. */
export function burn(ms: number): number {
  const end = performance.now() + ms;
  let turns = 0;
  while (performance.now() < end) turns++;
  return turns;
}

export function echo<T>(value: T): { value: T; threadId: number } {
  return { value, threadId };
}

export async function later(ms: number, value: string): Promise<string> {
  await new Promise((resolve) => setTimeout(resolve, ms));
  return value;
}

export function failDeepInside(message: string): never {
  return parseReport(message);
}

function parseReport(message: string): never {
  throw new RangeError(message);
}

export function forbidden(): never {
  throw Object.assign(new Error('not your report'), { status: 403, expose: true, code: 'E_FORBIDDEN' });
}

/** Results and errors that do not clone as they are. */
export function returnsFunction(): () => number {
  return () => 1;
}
export function causeLoop(): never {
  const a = new Error('a');
  const b = new Error('b', { cause: a });
  a.cause = b;
  throw a;
}
export function aggregate(): never {
  throw new AggregateError([new TypeError('first'), Object.assign(new Error('second'), { code: 'E2' })], 'both failed');
}
export function throwsObjectWithFunction(): never {
  throw { code: 'E_OBJ', retry: () => 0 };
}

/** A route for `inExecutor`: burns `params.ms` on a worker thread. */
export function burnRoute(req: ExecutorRequest): { ms: number; turns: number; threadId: number } {
  const ms = Number(req.params.ms);
  return { ms, turns: burn(ms), threadId };
}

/** A route for `inExecutor`: shows what the worker received. */
export function describeRequest(req: ExecutorRequest): unknown {
  return {
    method: req.method,
    path: req.path,
    params: req.params,
    query: req.query,
    agent: req.headers['x-test'],
    threadId,
  };
}
