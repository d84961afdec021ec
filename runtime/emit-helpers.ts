/**
 * Helpers that transformed code calls to build twins for functions that are values rather than
 * declarations (function expressions, arrows, methods), to call through values (`dispatch`,
 * `rawOf`) and to await coloured code from `async` functions (`callInGreenlet`, `unbox`). The
 * forms that call them are tabled in `protocol.ts`.
 */
import { Greenlet, Returned } from './greenlet';
import { runPlain } from './run-plain';
import { isGeneratorFunction, nameTwin, RAW, setTwin, TWIN, Twin, twinOf } from './protocol';

/** The plain entry for a function-expression twin: `this` is the caller's. */
export function fnTwin(twin: Twin, name: string): Function {
  const plain = function (this: unknown) {
    return runPlain(twin.apply(this, arguments as never), name);
  };
  defineLength(plain, twin);
  return setTwin(plain, twin, name);
}

/** The plain entry for an arrow's twin: `this` is the arrow's lexical `this`, fixed here. */
export function arrowTwin(twin: Twin, name: string, thisArg: unknown): Function {
  return arrowEntry(twin, name, twin.bind(thisArg) as Twin, (...args: unknown[]) =>
    runPlain(twin.apply(thisArg, args), name),
  );
}

/**
 * `arrowTwin` for an arrow in a derived class's constructor, which may be made before `super()`
 * has run: `this` is read when the arrow is called, as the arrow itself would read it.
 */
export function arrowTwinLazyThis(twin: Twin, name: string, getThis: () => unknown): Function {
  const bound = function (...args: unknown[]) {
    return twin.apply(getThis(), args);
  } as Twin;
  return arrowEntry(twin, name, bound, (...args: unknown[]) => runPlain(twin.apply(getThis(), args), name));
}

/** Names `twin` and its frames, and makes `plain` carry `bound` (the twin with `this` fixed) as its twin. */
function arrowEntry(twin: Twin, name: string, bound: Twin, plain: Function): Function {
  nameTwin(twin, name);
  defineLength(plain, twin);
  Object.defineProperty(bound, 'prototype', { value: twin.prototype });
  return setTwin(plain, bound, name);
}

/**
 * Turns the generator methods `keys` of `target` (a prototype, a constructor, an object literal)
 * into plain entries carrying their twins. Attributes and key order stay as they were.
 */
export function methodTwins<T extends object>(target: T, keys: readonly PropertyKey[], labels: readonly string[]): T {
  keys.forEach((key, i) => {
    const desc = Object.getOwnPropertyDescriptor(target, key);
    // `{ m() {...}, ...over }`: a later property or spread replaced the method; it stays as it is
    if (!desc || !isGeneratorFunction(desc.value)) return;
    const twin = desc.value as Twin;
    const label = labels[i]; // `C.m`, for ScopeError messages; the function keeps its own name
    const plain = {
      [key](this: unknown) {
        return runPlain(twin.apply(this, arguments as never), label);
      },
    }[key as string];
    defineLength(plain, twin);
    setTwin(plain, twin, plain.name);
    Object.defineProperty(target, key, { ...desc, value: plain });
  });
  return target;
}

/**
 * The decorator the transformer applies first to a decorated coloured method (standard or
 * `experimentalDecorators`): the plain method gets a twin that runs the generator stored under
 * `key`, before other decorators see (and perhaps wrap) it. It returns nothing: the method stays.
 */
export function methodTwinDecorator(key: symbol, label: string) {
  return function (value: unknown, _context: unknown, descriptor?: PropertyDescriptor): void {
    const method = descriptor && typeof descriptor.value === 'function' ? descriptor.value : value; // legacy: (target, key, descriptor)
    if (typeof method !== 'function') return;
    const twin = function* (this: any, ...args: unknown[]): Generator<unknown, unknown, unknown> {
      return yield* this[key](...args);
    };
    setTwin(method, twin, label);
  };
}

/**
 * Runs `fn` (a coloured function, usually) as a greenlet: how an `async` function awaits it,
 * `unbox(await callInGreenlet(fn, thisArg, args))`. A thenable it returns comes back boxed.
 */
export function callInGreenlet(fn: Function, thisArg: unknown, args: unknown[]): Promise<unknown> {
  const g = new Greenlet(fn);
  g.boxThenable = true;
  return g.start(thisArg, args);
}

/** The value `callInGreenlet`'s promise settled with: a returned thenable, unboxed. */
export function unbox(value: unknown): unknown {
  return value instanceof Returned ? value.value : value;
}

/** What a plain callee's call is delegated to: its value, already computed (one shared generator function). */
function* returnValue(value: unknown): Generator<unknown, unknown, unknown> {
  return value;
}

/**
 * What a dynamic call site delegates to: the callee's twin, or, for a plain function, a function
 * that calls it and returns a generator of its result. One call expression, so the arguments are
 * emitted once: `yield* __tsg.dispatch(f).call(thisArg, ...args)`. The plain callee runs when
 * `.call` does, which is when the `yield*` would have started it: nothing runs in between.
 *
 * Nothing is cached per function: a WeakMap from each callee to a generator wrapper kept callees
 * made per request (and what they close over) alive past the next scavenge, and each wrapper, a
 * generator function of its own, gave its generators a new map. A closure per call costs less.
 */
export function dispatch(fn: unknown): Twin {
  const twin = twinOf(fn);
  if (twin) return twin;
  if (typeof fn !== 'function') {
    // thrown when the call runs, after its arguments are evaluated, as for a plain call
    const message = `${typeof fn === 'object' && fn !== null ? Object.prototype.toString.call(fn) : String(fn)} is not a function`;
    return function* (): Generator<unknown, unknown, unknown> {
      throw new TypeError(message);
    };
  }
  if (fn === callOfFunctions) return callTwin;
  if (fn === applyOfFunctions) return applyTwin;
  return function (this: unknown, ...args: unknown[]) {
    return returnValue((fn as Function).apply(this, args));
  };
}

const callOfFunctions = Function.prototype.call;
const applyOfFunctions = Function.prototype.apply;

/**
 * Function.prototype's `call` and `apply` reached as a method the program declares (rxjs's
 * `operator.call(subscriber, source)`, `Operator` an interface, the value a function): a call of
 * their receiver, dispatched in turn, so a coloured receiver runs as its twin.
 */
function* callTwin(this: unknown, thisArg: unknown, ...args: unknown[]): Generator<unknown, unknown, unknown> {
  return yield* dispatch(this).apply(thisArg, args as unknown[]); // null or undefined: no arguments, as apply takes them
}
function* applyTwin(this: unknown, thisArg: unknown, args?: unknown[]): Generator<unknown, unknown, unknown> {
  return yield* dispatch(this).apply(thisArg, args as unknown[]); // null or undefined: no arguments, as apply takes them
}

/**
 * What an inline wait calls for a suspension point `fn`: the promise-returning function it
 * wraps (`fn[RAW]`, kept by `synchronize`). A suspension point without one (a value typed
 * `Synchronized` by hand, Koa's synchronized `next`, `spawnGreenletOnScopeError(...)`) gives its
 * twin, whose generator the yield then runs as an explicit call record; one without a twin
 * either (an undecorated override of an `@synchronize` method) is called as it is.
 *
 * ```js
 * query(sql)  →  __tsg.resumeInline(yield __tsg.markInlineWait(__tsg.rawOf(query).call(void 0, sql)))
 * next()      →  __tsg.resumeInline(yield __tsg.markInlineWait(__tsg.rawOf(next).call(void 0)))  // a record
 * ```
 *
 * Nothing is cached per `fn`: a WeakMap from `fn` to a wrapper (as this once kept) held each
 * request's `next`, and through it the whole request, past the next scavenge (survivors per
 * request in the HTTP benchmark's sync-style app: ~6.1 KB with it, ~2.6 KB without; async ~2.3 KB).
 */
export function rawOf(fn: unknown): Function {
  const raw = typeof fn === 'function' ? (fn as any)[RAW] : undefined;
  if (raw !== undefined) return raw;
  if (typeof fn !== 'function') return dispatch(fn); // throws the TypeError when called, after the arguments
  // no twin: a plain function standing where a suspension point is typed (an undecorated override
  // of an `@synchronize` method): what it returns is waited for, as the suspension point's would be
  return twinOf(fn) ?? fn;
}

/** A `#private` method read as a value: its plain entry gets its twin the first time (it is one function per class). */
export function withTwin(fn: Function, twin: Twin): Function {
  if (twinOf(fn) === undefined) setTwin(fn, twin, fn.name);
  return fn;
}

/** `fn.bind(thisArg, ...args)` that keeps a twin, bound the same way, when `fn` has one. */
export function bindTwin(fn: Function, thisArg: unknown, ...args: unknown[]): Function {
  const bound = fn.bind(thisArg, ...args);
  const twin = twinOf(fn);
  if (twin) Object.defineProperty(bound, TWIN, { value: twin.bind(thisArg, ...args), configurable: true });
  return bound;
}

/** The tag that hands back a tagged template's arguments: `[strings, ...values]`. */
export function templateArgs(strings: TemplateStringsArray, ...values: unknown[]): unknown[] {
  return [strings, ...values];
}

function defineLength(plain: Function, twin: Function): void {
  if (plain.length !== twin.length) Object.defineProperty(plain, 'length', { value: twin.length, configurable: true });
}
