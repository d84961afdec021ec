/**
 * Suspending versions of the builtins that take callbacks, for call sites whose callback may
 * suspend. Each is a generator in the protocol, with the builtin's semantics: holes skipped where
 * the builtin skips them, `thisArg`, index and collection arguments, early exit of
 * `some`/`every`/`find*`, a stable `sort`.
 * The call site's form (`yield* __tsg.builtins.map((_a = ids), cb)`) is in `protocol.ts`'s table.
 */
import { twinOf } from './protocol';

type Gen<T> = Generator<unknown, T, unknown>;
type Fn = (...args: any[]) => unknown;

/** Calls `fn` through its twin when it has one (so it may suspend), else plainly. */
function* invoke(fn: Fn, thisArg: unknown, args: unknown[]): Gen<unknown> {
  const twin = twinOf(fn);
  return twin ? yield* twin.apply(thisArg, args) : fn.apply(thisArg, args);
}

/**
 * Throws what the native builtin throws for `fn` when it is not callable: the native method itself
 * is called on an empty receiver, so the message is V8's own (`undefined is not a function`,
 * `The comparison function must be either a function or undefined`).
 */
function callable(fn: unknown, native: (fn: any) => unknown): Fn {
  if (typeof fn !== 'function') {
    native(fn);
    throw new TypeError(`${String(fn)} is not a function`); // not reached: the native call threw
  }
  return fn as Fn;
}

/**
 * `ArraySpeciesCreate(o, length)`: a subclass of Array gets its own kind back from `map`,
 * `filter`, `flatMap` (`Collection extends Array`), as natively. `null` means a plain array.
 */
function speciesCreate(o: unknown, length: number): any[] | null {
  if (!Array.isArray(o)) return null;
  let C: any = (o as any).constructor;
  if (C === Array) return null;
  if (C !== null && (typeof C === 'object' || typeof C === 'function')) {
    C = C[Symbol.species];
    if (C === null) C = undefined;
  }
  if (C === undefined || C === Array) return null;
  if (!isConstructor(C)) new (C as any)(length); // V8's TypeError: "... is not a constructor"
  return new C(length);
}

function isConstructor(C: unknown): boolean {
  if (typeof C !== 'function') return false;
  try {
    Reflect.construct(String, [], C);
    return true;
  } catch {
    return false;
  }
}

/** `CreateDataPropertyOrThrow(a, k, v)`. */
function define(a: any, k: number, v: unknown): void {
  Object.defineProperty(a, k, { value: v, writable: true, enumerable: true, configurable: true });
}

function lengthOf(o: { length?: unknown }): number {
  const n = Math.trunc(Number(o.length)) || 0;
  return Math.min(Math.max(n, 0), Number.MAX_SAFE_INTEGER);
}

export function* forEach(arr: ArrayLike<unknown>, fn: Fn, thisArg?: unknown): Gen<void> {
  const o = Object(arr);
  callable(fn, (f) => [].forEach(f));
  const len = lengthOf(o);
  for (let k = 0; k < len; k++) if (k in o) yield* invoke(fn, thisArg, [o[k], k, o]);
}

export function* map(arr: ArrayLike<unknown>, fn: Fn, thisArg?: unknown): Gen<unknown[]> {
  const o = Object(arr);
  callable(fn, (f) => [].map(f));
  const len = lengthOf(o);
  const species = speciesCreate(o, len);
  const out = species ?? new Array(len);
  for (let k = 0; k < len; k++) {
    if (!(k in o)) continue;
    const v = yield* invoke(fn, thisArg, [o[k], k, o]);
    if (species) define(out, k, v);
    else out[k] = v;
  }
  return out;
}

export function* filter(arr: ArrayLike<unknown>, fn: Fn, thisArg?: unknown): Gen<unknown[]> {
  const o = Object(arr);
  callable(fn, (f) => [].filter(f));
  const len = lengthOf(o);
  const species = speciesCreate(o, 0);
  const out: unknown[] = species ?? [];
  let to = 0;
  for (let k = 0; k < len; k++) {
    if (!(k in o)) continue;
    const v = o[k];
    if (!(yield* invoke(fn, thisArg, [v, k, o]))) continue;
    if (species) define(out, to++, v);
    else out.push(v);
  }
  return out;
}

function* reduceImpl(
  o: any,
  fn: Fn,
  args: unknown[],
  from: number,
  to: number,
  step: number,
  native: (fn: any) => unknown,
): Gen<unknown> {
  callable(fn, native);
  let k = from;
  let acc: unknown;
  if (args.length >= 3) {
    acc = args[2];
  } else {
    while (k !== to && !(k in o)) k += step;
    if (k === to) native(fn); // V8's "Reduce of empty array with no initial value"
    acc = o[k];
    k += step;
  }
  for (; k !== to; k += step) if (k in o) acc = yield* invoke(fn, undefined, [acc, o[k], k, o]);
  return acc;
}

export function* reduce(arr: ArrayLike<unknown>, ...args: [Fn, unknown?]): Gen<unknown> {
  const o = Object(arr);
  return yield* reduceImpl(o, args[0], [o, ...args], 0, lengthOf(o), 1, (f) => [].reduce(f));
}

export function* reduceRight(arr: ArrayLike<unknown>, ...args: [Fn, unknown?]): Gen<unknown> {
  const o = Object(arr);
  return yield* reduceImpl(o, args[0], [o, ...args], lengthOf(o) - 1, -1, -1, (f) => [].reduceRight(f));
}

export function* some(arr: ArrayLike<unknown>, fn: Fn, thisArg?: unknown): Gen<boolean> {
  const o = Object(arr);
  callable(fn, (f) => [].some(f));
  const len = lengthOf(o);
  for (let k = 0; k < len; k++) if (k in o && (yield* invoke(fn, thisArg, [o[k], k, o]))) return true;
  return false;
}

export function* every(arr: ArrayLike<unknown>, fn: Fn, thisArg?: unknown): Gen<boolean> {
  const o = Object(arr);
  callable(fn, (f) => [].every(f));
  const len = lengthOf(o);
  for (let k = 0; k < len; k++) if (k in o && !(yield* invoke(fn, thisArg, [o[k], k, o]))) return false;
  return true;
}

/** `find`, `findIndex`, `findLast`, `findLastIndex` visit holes (as `undefined`), unlike the rest. */
function* findImpl(arr: ArrayLike<unknown>, fn: Fn, thisArg: unknown, fromEnd: boolean): Gen<number> {
  const o = Object(arr);
  callable(fn, (f) => [].find(f));
  const len = lengthOf(o);
  for (let i = 0; i < len; i++) {
    const k = fromEnd ? len - 1 - i : i;
    if (yield* invoke(fn, thisArg, [o[k], k, o])) return k;
  }
  return -1;
}

export function* find(arr: ArrayLike<unknown>, fn: Fn, thisArg?: unknown): Gen<unknown> {
  const k = yield* findImpl(arr, fn, thisArg, false);
  return k < 0 ? undefined : Object(arr)[k];
}
export function* findIndex(arr: ArrayLike<unknown>, fn: Fn, thisArg?: unknown): Gen<number> {
  return yield* findImpl(arr, fn, thisArg, false);
}
export function* findLast(arr: ArrayLike<unknown>, fn: Fn, thisArg?: unknown): Gen<unknown> {
  const k = yield* findImpl(arr, fn, thisArg, true);
  return k < 0 ? undefined : Object(arr)[k];
}
export function* findLastIndex(arr: ArrayLike<unknown>, fn: Fn, thisArg?: unknown): Gen<number> {
  return yield* findImpl(arr, fn, thisArg, true);
}

export function* flatMap(arr: ArrayLike<unknown>, fn: Fn, thisArg?: unknown): Gen<unknown[]> {
  const o = Object(arr);
  callable(fn, (f) => [].flatMap(f));
  const len = lengthOf(o);
  const species = speciesCreate(o, 0);
  const out: unknown[] = species ?? [];
  let to = 0;
  const put = (v: unknown) => (species ? define(out, to++, v) : out.push(v));
  for (let k = 0; k < len; k++) {
    if (!(k in o)) continue;
    const v = yield* invoke(fn, thisArg, [o[k], k, o]);
    if (Array.isArray(v)) {
      for (let j = 0; j < v.length; j++) if (j in v) put(v[j]);
    } else {
      put(v);
    }
  }
  return out;
}

/**
 * `sort` with a comparator that may suspend: a stable merge sort, in place, `undefined` values
 * after the rest and holes after those, as `Array.prototype.sort` does.
 */
export function* sort<T>(arr: T[], compare?: Fn): Gen<T[]> {
  if (compare === undefined) return arr.sort();
  callable(compare, (f) => [].sort(f));
  const len = lengthOf(arr);
  const values: T[] = [];
  let undefinedCount = 0;
  for (let k = 0; k < len; k++) {
    if (!(k in arr)) continue;
    const v = arr[k];
    if (v === undefined) undefinedCount++;
    else values.push(v);
  }
  const sorted = yield* mergeSort(values, compare);
  let k = 0;
  for (const v of sorted) arr[k++] = v;
  for (let i = 0; i < undefinedCount; i++) arr[k++] = undefined as T;
  for (; k < len; k++) delete arr[k];
  return arr;
}

function* mergeSort<T>(a: T[], compare: Fn): Gen<T[]> {
  if (a.length < 2) return a;
  const mid = a.length >> 1;
  const left = yield* mergeSort(a.slice(0, mid), compare);
  const right = yield* mergeSort(a.slice(mid), compare);
  const out: T[] = [];
  let i = 0;
  let j = 0;
  while (i < left.length && j < right.length) {
    const c = Number(yield* invoke(compare, undefined, [left[i], right[j]]));
    // take from the right only when it is strictly smaller: stability (NaN counts as equal)
    if (c > 0) out.push(right[j++]);
    else out.push(left[i++]);
  }
  while (i < left.length) out.push(left[i++]);
  while (j < right.length) out.push(right[j++]);
  return out;
}

/** `C.from(items, fn)`: `C` (`Array`, or a subclass such as `Collection`) makes the result, as natively. */
export function* from(
  ctor: unknown,
  items: Iterable<unknown> | ArrayLike<unknown>,
  fn?: Fn,
  thisArg?: unknown,
): Gen<unknown[]> {
  if (fn === undefined) return (Array.from as Function).call(ctor, items);
  callable(fn, (f) => Array.from([], f));
  const own = ctor !== Array && isConstructor(ctor);
  let k = 0;
  const iter = (items as any)?.[Symbol.iterator];
  if (typeof iter === 'function') {
    const out: any[] = own ? new (ctor as any)() : [];
    for (const v of items as Iterable<unknown>) define(out, k, yield* invoke(fn, thisArg, [v, k++]));
    out.length = k;
    return out;
  }
  const o = Object(items);
  const len = lengthOf(o);
  const out: any[] = own ? new (ctor as any)(len) : new Array(len);
  for (; k < len; k++) define(out, k, yield* invoke(fn, thisArg, [o[k], k]));
  out.length = len;
  return out;
}

/** `Map.prototype.forEach` and `Set.prototype.forEach`: entries added during the walk are visited, as natively. */
export function* collectionForEach(c: Map<unknown, unknown> | Set<unknown>, fn: Fn, thisArg?: unknown): Gen<void> {
  callable(fn, (f) => (c instanceof Map ? new Map() : new Set()).forEach(f));
  if (c instanceof Map) {
    for (const [k, v] of c) yield* invoke(fn, thisArg, [v, k, c]);
  } else {
    for (const v of c) yield* invoke(fn, thisArg, [v, v, c]);
  }
}

/**
 * `String.prototype.replace` / `replaceAll` with a replacer that may suspend: the matches are
 * found by the native method (so patterns, flags and `lastIndex` behave as natively), then each
 * replacement is computed in order, then the string is put together.
 */
function* replaceImpl(str: string, pattern: unknown, replacer: Fn, all: boolean): Gen<string> {
  const s = String(str);
  const matches: unknown[][] = [];
  const collect = (...args: unknown[]) => {
    matches.push(args);
    return '';
  };
  if (all) s.replaceAll(pattern as string, collect);
  else s.replace(pattern as string, collect);
  let out = '';
  let last = 0;
  for (const args of matches) {
    const hasGroups = typeof args[args.length - 1] === 'object' && args[args.length - 1] !== null;
    const offset = args[args.length - (hasGroups ? 3 : 2)] as number;
    const matched = String(args[0]);
    const replacement = String(yield* invoke(replacer, undefined, args));
    out += s.slice(last, offset) + replacement;
    last = offset + matched.length;
  }
  return out + s.slice(last);
}

export function* replace(str: string, pattern: unknown, replacer: unknown): Gen<string> {
  if (typeof replacer !== 'function') return String(str).replace(pattern as string, replacer as string);
  return yield* replaceImpl(str, pattern, replacer as Fn, false);
}

export function* replaceAll(str: string, pattern: unknown, replacer: unknown): Gen<string> {
  if (typeof replacer !== 'function') return String(str).replaceAll(pattern as string, replacer as string);
  return yield* replaceImpl(str, pattern, replacer as Fn, true);
}
