/**
 * `synchronize`, `awaitSync` and `spawnGreenletOnScopeError`: the suspension points.
 *
 * A synchronized function is a plain wrapper (what untransformed code calls: it cannot wait, so
 * it throws `ScopeError`, or returns the promise when not strict) plus a generator twin (what
 * transformed code delegates to: it yields the promise to the trampoline).
 */
import { ConfigurationError } from './errors';
import { Greenlet, noteSuspendedFrames, scopeErrorFor } from './greenlet';
import { GeneratorNext, isGeneratorFunction, isThenable, nameTwin, RAW, setTwin, TWIN, twinOf } from './protocol';

/**
 * The brand the transformer finds by type: any value whose type has this property is a
 * suspension point when called. Declared once, here, so it is recognised across modules,
 * re-exports and `.d.ts` files.
 */
export declare const SYNCHRONIZED: unique symbol;

/**
 * The mark of a synchronized function whose plain entry returns its promise instead of throwing
 * `ScopeError` (`synchronize(fn, { strict: false })`, `spawnGreenletOnScopeError(fn)`): one the
 * transformer lets code it did not compile call (a framework that awaits what it gets).
 */
export declare const NON_STRICT: unique symbol;

/** `Synchronized<F>` whose plain entry returns the promise (see `NON_STRICT`). */
export type NonStrict = { readonly [NON_STRICT]: true };

type AnyFunction = (...args: any[]) => any;

/** `F`, callable like a plain function from greenlet code: it returns what `F`'s promise holds. */
export type Synchronized<F extends AnyFunction> = ((
  this: ThisParameterType<F>,
  ...args: Parameters<F>
) => Awaited<ReturnType<F>>) & { readonly [SYNCHRONIZED]: true };

export interface SynchronizeOptions {
  /**
   * `true` (default): a call that cannot wait (outside a greenlet, or from untransformed code)
   * throws `ScopeError`, and a `fn` that is not a function or is a generator function is a
   * `ConfigurationError`. `false`: such a call returns the promise, and such a `fn` is returned
   * as it is.
   */
  strict?: boolean;
  /**
   * The name ScopeError messages and call chains use. Default: the function's own name; the
   * transformer passes the variable's for `const sleep = synchronize(async (ms) => …)`.
   */
  name?: string;
}

/** What `synchronize(options)` returns: a wrapper, also usable as a method decorator. */
export interface SynchronizeWith {
  // The decorator form first: TypeScript resolves a decorator call against the first overload
  // that fits, and the plain form would make `@synchronize({...})` return the wrong type.
  <F extends AnyFunction>(fn: F, context: ClassMethodDecoratorContext<any, any>): F;
  <F extends AnyFunction>(fn: F): Synchronized<F>;
}

type DecoratorContext = { kind: string; name: string | symbol };

function isDecoratorContext(x: unknown): x is DecoratorContext {
  return typeof x === 'object' && x !== null && 'kind' in x && 'name' in x;
}

/**
 * Wraps a promise-returning function so greenlet code can call it like a plain function.
 *
 * ```ts
 * const query = synchronize(async (sql: string) => pool.query(sql));
 * function count() { return query('select count(*) from notes').rows[0].count; } // no await
 * ```
 *
 * Forms: `synchronize(fn)`, `synchronize(fn, { strict })`, `synchronize({ strict })` (returns a
 * wrapper), and as a TC39 method decorator: `@synchronize`, `@synchronize({ strict: false })`.
 */
export function synchronize<F extends AnyFunction>(
  fn: F,
  options: SynchronizeOptions & { strict: false },
): Synchronized<F> & NonStrict;
export function synchronize<F extends AnyFunction>(fn: F, options?: SynchronizeOptions): Synchronized<F>;
export function synchronize<F extends AnyFunction>(fn: F, context: ClassMethodDecoratorContext<any, any>): F;
export function synchronize(options: SynchronizeOptions): SynchronizeWith;
export function synchronize(fnOrOptions: unknown, second?: unknown): unknown {
  if (typeof fnOrOptions !== 'function' && isOptions(fnOrOptions) && second === undefined) {
    const strict = fnOrOptions.strict ?? true;
    return (fn: unknown, context?: unknown) =>
      wrap(fn, strict, isDecoratorContext(context) ? context : undefined, fnOrOptions.name);
  }
  if (isDecoratorContext(second)) return wrap(fnOrOptions, true, second, undefined);
  const options = (second ?? {}) as SynchronizeOptions;
  return wrap(fnOrOptions, options.strict ?? true, undefined, options.name);
}

function isOptions(x: unknown): x is SynchronizeOptions {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

function wrap(
  fn: unknown,
  strict: boolean,
  context: DecoratorContext | undefined,
  givenName: string | undefined,
): unknown {
  const where = context ? `@synchronize on ${String(context.name)}` : 'synchronize';
  // first: a field decorator gets `undefined` as its value, strict or not
  if (context && context.kind !== 'method') {
    throw new ConfigurationError(
      `@synchronize decorates methods; it was put on a ${context.kind} (${String(context.name)}).`,
    );
  }
  if (typeof fn !== 'function') {
    if (!strict) return fn;
    throw new ConfigurationError(`${where} needs a function that returns a promise; it got ${describe(fn)}.`);
  }
  if (isGeneratorFunction(fn)) {
    if (!strict) return fn;
    throw new ConfigurationError(
      `${where} got a generator function (${fn.name || 'anonymous'}); synchronize wraps functions that ` +
        `return promises. Pass an async function, or { strict: false } to use the generator as it is.`,
    );
  }
  const name = context ? String(context.name) : givenName || fn.name || 'synchronized function';
  const inner = fn as AnyFunction;
  // Named where it is made, and RAW and TWIN assigned rather than defined: redefining `name` (or
  // defining properties) puts a function in dictionary mode, and every inline wait reads RAW.
  const plain = {
    [name](this: unknown, ...args: unknown[]): unknown {
      if (!strict) return inner.apply(this, args);
      throw scopeErrorFor(name);
    },
  }[name] as Function & { [RAW]?: unknown; [TWIN]?: unknown };
  const twin = function* (this: unknown, ...args: unknown[]): Generator<unknown, unknown, unknown> {
    try {
      return yield inner.apply(this, args);
    } catch (error) {
      noteSuspendedFrames(error);
      throw error;
    }
  };
  plain[RAW] = inner;
  plain[TWIN] = twin;
  nameTwin(twin, name);
  return plain;
}

function describe(x: unknown): string {
  if (x === null) return 'null';
  if (x === undefined) return 'undefined';
  if (typeof x === 'object') return `an object (${Object.prototype.toString.call(x)})`;
  return `${typeof x} ${String(x)}`;
}

/**
 * Waits for `value` inside a greenlet and returns what it holds; a plain value comes back as it
 * is. Transformed code delegates to its twin; anywhere else a promise is a `ScopeError`.
 */
export const awaitSync: (<T>(value: T) => Awaited<T>) & { readonly [SYNCHRONIZED]: true } = setTwin(
  function awaitSync(value: unknown): unknown {
    if (!isThenable(value)) return value;
    Promise.resolve(value).catch(() => {}); // this call cannot wait for it: do not leave it unhandled
    throw scopeErrorFor('awaitSync');
  },
  function* awaitSyncTwin(value: unknown): Generator<unknown, unknown, unknown> {
    if (!isThenable(value)) return value;
    try {
      return yield value;
    } catch (error) {
      noteSuspendedFrames(error);
      throw error;
    }
  },
  'awaitSync',
) as never;
// An inline `awaitSync(v)` yields `v` itself; a generator object would be read as a call record,
// so it is waited for as a settled promise of itself (a microtask later, where the twin is at once).
Object.defineProperty(awaitSync, RAW, {
  value: (v: unknown) =>
    v !== null && typeof v === 'object' && (v as Generator).next === GeneratorNext ? Promise.resolve(v) : v,
});

/**
 * A non-strict synchronized form of a sync-style function: called from greenlet code it runs
 * there (and may suspend); called anywhere else it is spawned as a new greenlet and its promise
 * is returned. The way to hand a sync-style function to a framework that awaits what it returns.
 */
export function spawnGreenletOnScopeError<F extends AnyFunction>(
  fn: F,
): Synchronized<(...args: Parameters<F>) => Promise<Awaited<ReturnType<F>>>> & NonStrict {
  const name = fn.name || 'anonymous';
  const plain = function (this: unknown, ...args: unknown[]): unknown {
    return new Greenlet(fn, { name }).start(this, args);
  };
  const twin = function* (this: unknown, ...args: unknown[]): Generator<unknown, unknown, unknown> {
    const t = twinOf(fn);
    if (t) return yield* t.apply(this, args);
    if (isGeneratorFunction(fn)) return yield* fn.apply(this, args);
    const result = fn.apply(this, args);
    return isThenable(result) ? yield result : result; // an async fn: its value, as outside a greenlet
  };
  return setTwin(plain, twin, name) as never;
}

export { TWIN };
