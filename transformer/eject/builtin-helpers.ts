/**
 * The helpers an ejected file gets for builtins whose callback is async now: the callback is
 * awaited one call at a time, in the order the builtin calls it (holes skipped where the builtin
 * skips them, early exit for `some`/`every`/`find*`), then the native builtin builds the result
 * from the awaited values, so a subclass of Array keeps its kind (`Symbol.species`) and a bad
 * argument gets V8's own error. `sort` is the stable merge sort of `runtime/builtins.ts`, so the
 * comparator sees the pairs it saw there. Appended to the file that uses them, as source.
 */
import type { BuiltinHelper } from '../protocol-names';

type Source = { name: string; text: string; needs?: string[] };

const EACH = `(this: any, v: T, i: number, xs: readonly T[]) =>`;

export const HELPERS: Record<BuiltinHelper, Source> = {
  forEach: {
    name: 'forEachInOrder',
    text: `async function forEachInOrder<T>(xs: readonly T[], fn: ${EACH} unknown, thisArg?: unknown): Promise<void> {
  if (typeof fn !== 'function') return xs.forEach(fn);
  for (let i = 0, n = xs.length; i < n; i++) if (i in xs) await fn.call(thisArg, xs[i], i, xs);
}`,
  },
  map: {
    name: 'mapInOrder',
    text: `async function mapInOrder<T, U>(xs: readonly T[], fn: ${EACH} U | Promise<U>, thisArg?: unknown): Promise<U[]> {
  if (typeof fn !== 'function') return xs.map(fn);
  const out: U[] = [];
  for (let i = 0, n = xs.length; i < n; i++) if (i in xs) out[i] = await fn.call(thisArg, xs[i], i, xs);
  return xs.map((_, i) => out[i]);
}`,
  },
  filter: {
    name: 'filterInOrder',
    text: `async function filterInOrder<T>(xs: readonly T[], fn: ${EACH} unknown, thisArg?: unknown): Promise<T[]> {
  if (typeof fn !== 'function') return xs.filter(fn);
  const keep: unknown[] = [];
  for (let i = 0, n = xs.length; i < n; i++) if (i in xs) keep[i] = await fn.call(thisArg, xs[i], i, xs);
  return xs.filter((_, i) => keep[i]);
}`,
  },
  flatMap: {
    name: 'flatMapInOrder',
    text: `async function flatMapInOrder<T, U>(xs: readonly T[], fn: ${EACH} U | readonly U[] | Promise<U | readonly U[]>, thisArg?: unknown): Promise<U[]> {
  if (typeof fn !== 'function') return xs.flatMap(fn);
  const out: (U | readonly U[])[] = [];
  for (let i = 0, n = xs.length; i < n; i++) if (i in xs) out[i] = await fn.call(thisArg, xs[i], i, xs);
  return xs.flatMap((_, i) => out[i]);
}`,
  },
  some: {
    name: 'someInOrder',
    text: `async function someInOrder<T>(xs: readonly T[], fn: ${EACH} unknown, thisArg?: unknown): Promise<boolean> {
  if (typeof fn !== 'function') return xs.some(fn);
  for (let i = 0, n = xs.length; i < n; i++) if (i in xs && (await fn.call(thisArg, xs[i], i, xs))) return true;
  return false;
}`,
  },
  every: {
    name: 'everyInOrder',
    text: `async function everyInOrder<T>(xs: readonly T[], fn: ${EACH} unknown, thisArg?: unknown): Promise<boolean> {
  if (typeof fn !== 'function') return xs.every(fn);
  for (let i = 0, n = xs.length; i < n; i++) if (i in xs && !(await fn.call(thisArg, xs[i], i, xs))) return false;
  return true;
}`,
  },
  find: {
    name: 'findInOrder',
    needs: ['findIndexInOrder'],
    text: `async function findInOrder<T>(xs: readonly T[], fn: ${EACH} unknown, thisArg?: unknown): Promise<T | undefined> {
  const i = await findIndexInOrder(xs, fn, thisArg);
  return i < 0 ? undefined : xs[i];
}`,
  },
  findIndex: {
    name: 'findIndexInOrder',
    text: `async function findIndexInOrder<T>(xs: readonly T[], fn: ${EACH} unknown, thisArg?: unknown): Promise<number> {
  if (typeof fn !== 'function') return xs.findIndex(fn);
  for (let i = 0, n = xs.length; i < n; i++) if (await fn.call(thisArg, xs[i], i, xs)) return i; // holes too, as find does
  return -1;
}`,
  },
  findLast: {
    name: 'findLastInOrder',
    needs: ['findLastIndexInOrder'],
    text: `async function findLastInOrder<T>(xs: readonly T[], fn: ${EACH} unknown, thisArg?: unknown): Promise<T | undefined> {
  const i = await findLastIndexInOrder(xs, fn, thisArg);
  return i < 0 ? undefined : xs[i];
}`,
  },
  findLastIndex: {
    name: 'findLastIndexInOrder',
    text: `async function findLastIndexInOrder<T>(xs: readonly T[], fn: ${EACH} unknown, thisArg?: unknown): Promise<number> {
  if (typeof fn !== 'function') return xs.findLastIndex(fn);
  for (let i = xs.length - 1; i >= 0; i--) if (await fn.call(thisArg, xs[i], i, xs)) return i;
  return -1;
}`,
  },
  reduce: {
    name: 'reduceInOrder',
    text: `async function reduceInOrder<T>(xs: readonly T[], fn: (acc: T, v: T, i: number, xs: readonly T[]) => T | Promise<T>): Promise<T>;
async function reduceInOrder<T, U>(xs: readonly T[], fn: (acc: U, v: T, i: number, xs: readonly T[]) => U | Promise<U>, initial: U): Promise<U>;
async function reduceInOrder(xs: readonly unknown[], fn: (...a: any[]) => unknown, ...initial: unknown[]): Promise<unknown> {
  const n = xs.length;
  let i = 0;
  while (!initial.length && i < n && !(i in xs)) i++;
  if (typeof fn !== 'function' || (!initial.length && i === n)) return (xs.reduce as Function).call(xs, fn, ...initial);
  let acc = initial.length ? initial[0] : xs[i++];
  for (; i < n; i++) if (i in xs) acc = await fn(acc, xs[i], i, xs);
  return acc;
}`,
  },
  reduceRight: {
    name: 'reduceRightInOrder',
    text: `async function reduceRightInOrder<T>(xs: readonly T[], fn: (acc: T, v: T, i: number, xs: readonly T[]) => T | Promise<T>): Promise<T>;
async function reduceRightInOrder<T, U>(xs: readonly T[], fn: (acc: U, v: T, i: number, xs: readonly T[]) => U | Promise<U>, initial: U): Promise<U>;
async function reduceRightInOrder(xs: readonly unknown[], fn: (...a: any[]) => unknown, ...initial: unknown[]): Promise<unknown> {
  let i = xs.length - 1;
  while (!initial.length && i >= 0 && !(i in xs)) i--;
  if (typeof fn !== 'function' || (!initial.length && i < 0)) return (xs.reduceRight as Function).call(xs, fn, ...initial);
  let acc = initial.length ? initial[0] : xs[i--];
  for (; i >= 0; i--) if (i in xs) acc = await fn(acc, xs[i], i, xs);
  return acc;
}`,
  },
  sort: {
    name: 'sortInOrder',
    text: `async function sortInOrder<T>(xs: T[], compare?: (a: T, b: T) => number | Promise<number>): Promise<T[]> {
  if (typeof compare !== 'function') return xs.sort(compare);
  const n = xs.length;
  const values: T[] = [];
  let undefinedCount = 0;
  for (let i = 0; i < n; i++) if (i in xs) xs[i] === undefined ? undefinedCount++ : values.push(xs[i]);
  // a stable merge sort: undefined values after the rest, holes after those, as Array.prototype.sort
  const mergeSort = async (a: T[]): Promise<T[]> => {
    if (a.length < 2) return a;
    const left = await mergeSort(a.slice(0, a.length >> 1));
    const right = await mergeSort(a.slice(a.length >> 1));
    const out: T[] = [];
    let i = 0;
    let j = 0;
    while (i < left.length && j < right.length) out.push(Number(await compare(left[i], right[j])) > 0 ? right[j++] : left[i++]);
    return [...out, ...left.slice(i), ...right.slice(j)];
  };
  let k = 0;
  for (const v of await mergeSort(values)) xs[k++] = v;
  for (let u = 0; u < undefinedCount; u++) xs[k++] = undefined as T;
  for (; k < n; k++) delete xs[k];
  return xs;
}`,
  },
  from: {
    name: 'fromInOrder',
    text: `async function fromInOrder<T, U>(C: { from<V>(xs: ArrayLike<V>): V[] }, items: Iterable<T> | ArrayLike<T>, fn: (this: any, v: T, i: number) => U | Promise<U>, thisArg?: unknown): Promise<U[]> {
  const source = Symbol.iterator in Object(items) ? (items as Iterable<T>) : Array.from(items as ArrayLike<T>);
  const out: U[] = [];
  let i = 0;
  for (const v of source) out.push(await fn.call(thisArg, v, i++));
  return C.from(out); // C makes the result: a subclass of Array gets its own kind
}`,
  },
  collectionForEach: {
    name: 'forEachEntryInOrder',
    text: `async function forEachEntryInOrder<K, V>(c: ReadonlyMap<K, V>, fn: (this: any, v: V, k: K, c: ReadonlyMap<K, V>) => unknown, thisArg?: unknown): Promise<void>;
async function forEachEntryInOrder<V>(c: ReadonlySet<V>, fn: (this: any, v: V, v2: V, c: ReadonlySet<V>) => unknown, thisArg?: unknown): Promise<void>;
async function forEachEntryInOrder(c: ReadonlyMap<unknown, unknown> | ReadonlySet<unknown>, fn: (...a: any[]) => unknown, thisArg?: unknown): Promise<void> {
  if (typeof fn !== 'function') return c.forEach(fn);
  // entries added during the walk are visited, as natively
  if (c instanceof Map) for (const [k, v] of c) await fn.call(thisArg, v, k, c);
  else for (const v of c as ReadonlySet<unknown>) await fn.call(thisArg, v, v, c);
}`,
  },
  replace: {
    name: 'replaceInOrder',
    text: `async function replaceInOrder(s: string, pattern: string | RegExp, fn: (match: string, ...rest: any[]) => string | Promise<string>): Promise<string> {
  // the native replace finds the matches; the replacements are awaited in order; a second pass puts them in
  const matches: any[][] = [];
  s.replace(pattern, (...args: any[]) => (matches.push(args), ''));
  const replacements: string[] = [];
  for (const args of matches) replacements.push(String(await fn(...(args as [string]))));
  let i = 0;
  return s.replace(pattern, () => replacements[i++]);
}`,
  },
  replaceAll: {
    name: 'replaceAllInOrder',
    text: `async function replaceAllInOrder(s: string, pattern: string | RegExp, fn: (match: string, ...rest: any[]) => string | Promise<string>): Promise<string> {
  const matches: any[][] = [];
  s.replaceAll(pattern, (...args: any[]) => (matches.push(args), ''));
  const replacements: string[] = [];
  for (const args of matches) replacements.push(String(await fn(...(args as [string]))));
  let i = 0;
  return s.replaceAll(pattern, () => replacements[i++]);
}`,
  },
};

/** The source of the named helpers and of those they call, in a stable order. */
export function helperSource(names: ReadonlySet<string>): string {
  const all = new Set<string>();
  const add = (name: string): void => {
    if (all.has(name)) return;
    all.add(name);
    for (const n of Object.values(HELPERS).find((h) => h.name === name)?.needs ?? []) add(n);
  };
  names.forEach(add);
  return Object.values(HELPERS)
    .filter((h) => all.has(h.name))
    .map((h) => h.text)
    .join('\n\n');
}
