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

function callable(fn: unknown, what: string): Fn {
  if (typeof fn !== 'function') throw new TypeError(`${String(fn)} is not a function (${what})`);
  return fn as Fn;
}

function lengthOf(o: { length?: unknown }): number {
  const n = Math.trunc(Number(o.length)) || 0;
  return Math.min(Math.max(n, 0), Number.MAX_SAFE_INTEGER);
}

export function* forEach(arr: ArrayLike<unknown>, fn: Fn, thisArg?: unknown): Gen<void> {
  const o = Object(arr);
  callable(fn, 'Array.prototype.forEach');
  const len = lengthOf(o);
  for (let k = 0; k < len; k++) if (k in o) yield* invoke(fn, thisArg, [o[k], k, o]);
}

export function* map(arr: ArrayLike<unknown>, fn: Fn, thisArg?: unknown): Gen<unknown[]> {
  const o = Object(arr);
  callable(fn, 'Array.prototype.map');
  const len = lengthOf(o);
  const out = new Array(len);
  for (let k = 0; k < len; k++) if (k in o) out[k] = yield* invoke(fn, thisArg, [o[k], k, o]);
  return out;
}

export function* filter(arr: ArrayLike<unknown>, fn: Fn, thisArg?: unknown): Gen<unknown[]> {
  const o = Object(arr);
  callable(fn, 'Array.prototype.filter');
  const len = lengthOf(o);
  const out: unknown[] = [];
  for (let k = 0; k < len; k++) {
    if (!(k in o)) continue;
    const v = o[k];
    if (yield* invoke(fn, thisArg, [v, k, o])) out.push(v);
  }
  return out;
}

function* reduceImpl(o: any, fn: Fn, args: unknown[], from: number, to: number, step: number, name: string): Gen<unknown> {
  callable(fn, name);
  let k = from;
  let acc: unknown;
  if (args.length >= 3) {
    acc = args[2];
  } else {
    while (k !== to && !(k in o)) k += step;
    if (k === to) throw new TypeError(`${name} of empty array with no initial value`);
    acc = o[k];
    k += step;
  }
  for (; k !== to; k += step) if (k in o) acc = yield* invoke(fn, undefined, [acc, o[k], k, o]);
  return acc;
}

export function* reduce(arr: ArrayLike<unknown>, ...args: [Fn, unknown?]): Gen<unknown> {
  const o = Object(arr);
  return yield* reduceImpl(o, args[0], [o, ...args], 0, lengthOf(o), 1, 'Array.prototype.reduce');
}

export function* reduceRight(arr: ArrayLike<unknown>, ...args: [Fn, unknown?]): Gen<unknown> {
  const o = Object(arr);
  return yield* reduceImpl(o, args[0], [o, ...args], lengthOf(o) - 1, -1, -1, 'Array.prototype.reduceRight');
}

export function* some(arr: ArrayLike<unknown>, fn: Fn, thisArg?: unknown): Gen<boolean> {
  const o = Object(arr);
  callable(fn, 'Array.prototype.some');
  const len = lengthOf(o);
  for (let k = 0; k < len; k++) if (k in o && (yield* invoke(fn, thisArg, [o[k], k, o]))) return true;
  return false;
}

export function* every(arr: ArrayLike<unknown>, fn: Fn, thisArg?: unknown): Gen<boolean> {
  const o = Object(arr);
  callable(fn, 'Array.prototype.every');
  const len = lengthOf(o);
  for (let k = 0; k < len; k++) if (k in o && !(yield* invoke(fn, thisArg, [o[k], k, o]))) return false;
  return true;
}

/** `find`, `findIndex`, `findLast`, `findLastIndex` visit holes (as `undefined`), unlike the rest. */
function* findImpl(arr: ArrayLike<unknown>, fn: Fn, thisArg: unknown, fromEnd: boolean, name: string): Gen<number> {
  const o = Object(arr);
  callable(fn, name);
  const len = lengthOf(o);
  for (let i = 0; i < len; i++) {
    const k = fromEnd ? len - 1 - i : i;
    if (yield* invoke(fn, thisArg, [o[k], k, o])) return k;
  }
  return -1;
}

export function* find(arr: ArrayLike<unknown>, fn: Fn, thisArg?: unknown): Gen<unknown> {
  const k = yield* findImpl(arr, fn, thisArg, false, 'Array.prototype.find');
  return k < 0 ? undefined : Object(arr)[k];
}
export function* findIndex(arr: ArrayLike<unknown>, fn: Fn, thisArg?: unknown): Gen<number> {
  return yield* findImpl(arr, fn, thisArg, false, 'Array.prototype.findIndex');
}
export function* findLast(arr: ArrayLike<unknown>, fn: Fn, thisArg?: unknown): Gen<unknown> {
  const k = yield* findImpl(arr, fn, thisArg, true, 'Array.prototype.findLast');
  return k < 0 ? undefined : Object(arr)[k];
}
export function* findLastIndex(arr: ArrayLike<unknown>, fn: Fn, thisArg?: unknown): Gen<number> {
  return yield* findImpl(arr, fn, thisArg, true, 'Array.prototype.findLastIndex');
}

export function* flatMap(arr: ArrayLike<unknown>, fn: Fn, thisArg?: unknown): Gen<unknown[]> {
  const o = Object(arr);
  callable(fn, 'Array.prototype.flatMap');
  const len = lengthOf(o);
  const out: unknown[] = [];
  for (let k = 0; k < len; k++) {
    if (!(k in o)) continue;
    const v = yield* invoke(fn, thisArg, [o[k], k, o]);
    if (Array.isArray(v)) {
      for (let j = 0; j < v.length; j++) if (j in v) out.push(v[j]);
    } else {
      out.push(v);
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
  callable(compare, 'Array.prototype.sort');
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

/** `Array.from(items, fn, thisArg)`; the receiver (`Array`) is ignored. */
export function* from(_ctor: unknown, items: Iterable<unknown> | ArrayLike<unknown>, fn?: Fn, thisArg?: unknown): Gen<unknown[]> {
  if (fn === undefined) return Array.from(items);
  callable(fn, 'Array.from');
  const out: unknown[] = [];
  let k = 0;
  const iter = (items as any)?.[Symbol.iterator];
  if (typeof iter === 'function') {
    for (const v of items as Iterable<unknown>) out.push(yield* invoke(fn, thisArg, [v, k++]));
  } else {
    const o = Object(items);
    const len = lengthOf(o);
    for (; k < len; k++) out.push(yield* invoke(fn, thisArg, [o[k], k]));
  }
  return out;
}

/** `Map.prototype.forEach` and `Set.prototype.forEach`: entries added during the walk are visited, as natively. */
export function* collectionForEach(c: Map<unknown, unknown> | Set<unknown>, fn: Fn, thisArg?: unknown): Gen<void> {
  callable(fn, `${c instanceof Map ? 'Map' : 'Set'}.prototype.forEach`);
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
