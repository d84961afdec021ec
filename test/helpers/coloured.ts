/**
 * Builds coloured functions by hand, in the protocol the transformer emits (runtime/protocol.ts):
 * a plain entry that runs the twin with `runPlain`, a `function*` twin, and `setTwin` linking them.
 * Tests use it so they exercise exactly what transformed code will hand the runtime.
 */
import { protocol, synchronize } from '../../runtime';

export const { TWIN } = protocol;

export type TwinFn<A extends unknown[], R> = (this: any, ...args: A) => Generator<unknown, R, unknown>;

/** A coloured function: `plain(...args)` is the entry for untransformed callers, `plain[TWIN]` the twin. */
export type Coloured<A extends unknown[], R> = ((...args: A) => R) & { readonly [TWIN]: TwinFn<A, R> };

/**
 * `colour("f", function* f$twin() {...})` is what the transformer emits for `function f() {...}`:
 * `function f() { return runPlain(f$twin.apply(this, arguments), "f") }` plus `setTwin(f, f$twin, "f")`.
 */
export function colour<A extends unknown[], R>(name: string, twin: TwinFn<A, R>): Coloured<A, R> {
  const plain = function (this: unknown) {
    return protocol.runPlain(twin.apply(this, arguments as never), name);
  };
  return protocol.setTwin(plain, twin as never, name) as never;
}

/** The generator twin of a coloured or synchronized function, typed for `yield*`. */
export function twin<A extends unknown[], R>(fn: (...args: A) => R): TwinFn<A, Awaited<R>> {
  const t = (fn as any)[TWIN];
  if (typeof t !== 'function') throw new TypeError(`${fn.name} has no twin`);
  return t;
}

export const delay = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** A suspension point, as user code would declare one. */
export const sleep = synchronize(function sleep(ms: number) {
  return delay(ms);
});

/** Resolves after pending microtasks, timers due now and `setImmediate` callbacks have run. */
export function settle(ms = 20): Promise<void> {
  return new Promise((resolve) => setTimeout(() => setImmediate(resolve), ms));
}

/**
 * Collects `unhandledRejection` events while `body` runs and for a few turns of the event loop
 * after it, so a test can assert that nothing leaked.
 */
export async function unhandledDuring(body: () => Promise<void> | void, ms = 30): Promise<unknown[]> {
  const seen: unknown[] = [];
  const listener = (reason: unknown) => seen.push(reason);
  process.on('unhandledRejection', listener);
  try {
    await body();
    await settle(ms);
  } finally {
    process.off('unhandledRejection', listener);
  }
  return seen;
}
