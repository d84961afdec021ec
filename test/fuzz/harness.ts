/**
 * What a generated fuzz program runs against, in both of its forms (the sync-style program
 * compiled through the transformer, and the async/await reference the generator writes). Plain
 * code: nothing here suspends, so the transformer never touches it.
 *
 * Every side effect appends to `trace`. `io(label, v, w)` is the suspension leaf: it records its
 * start, waits `w & 3` microtask turns and `(w >> 2) & 3` units of *virtual* time, records its end,
 * then returns `v` or rejects (with an `Error`, or a string), as `w >> 4` says.
 *
 * Virtual time makes concurrent tasks interleave the same way in both forms: a macrotask
 * scheduler wakes one sleeper (or starts one task) per `setImmediate` turn, and every microtask
 * drains between turns, so only one task makes progress at a time and how many microtask turns a
 * form takes per call (native `await` against the greenlet trampoline) cannot reorder the trace.
 */

export interface Outcome {
  trace: string[];
  /** Per task: `ok <value>` or `throw <description>`; `pending` if it never settled. */
  results: string[];
  g: number;
  /** The keys left in `bag` (programs `delete` from it). */
  bag: string;
}

interface Pending {
  at: number;
  seq: number;
  fire: () => void;
}

export class Pair {
  readonly s: number;
  constructor(a: number, b: number) {
    this.s = a * 2 + b;
  }
}

type Cb = (this: unknown, ...args: any[]) => Promise<any>;

export interface Harness {
  /** A global the programs read and write (compound assignment reads it first). */
  g: number;
  bag: Record<string, number>;
  trace: string[];
  /** Records `label=v`, returns `v`. */
  t(label: string, v: number): number;
  /** A function's entry: records it, returns true when the call budget is spent. */
  enter(name: string, d: number, x: number): boolean;
  io(label: string, v: number, w: number): Promise<number>;
  /** A new, registered `Error`: a catch can tell it is the same object. */
  err(label: string): Error;
  /** A non-Error thrown value. */
  raw(label: string): string;
  caught(label: string, e: unknown): void;
  describe(e: unknown): string;
  nn(v: number): number | undefined;
  m3(v: number): number;
  u(v: unknown): number;
  sum(xs: readonly number[]): number;
  two(v: number): number[];
  one(v: number): number[];
  ob(v: number): Record<string, number>;
  obj(v: number): { a: number; b?: number };
  osum(o: Record<string, number>): number;
  key(v: number): string;
  tag(strings: TemplateStringsArray, ...values: number[]): number;
  Pair: typeof Pair;
  runTasks(starts: Array<() => unknown>, delays: number[]): Promise<Outcome>;
  /** `xs` with a hole after its first element (`[a, , b, c]`). */
  holes(xs: number[]): number[];
  /** Like `io`, but records nothing and never rejects (for comparators, whose call order is the engine's). */
  quiet(v: number, w: number): Promise<number>;
  /** A thenable whose `then` starts `io(label, v, w)`: nothing happens until someone asks. */
  thenable(label: string, v: number, w: number): PromiseLike<number>;
  /** Records what a call handed back (a promise, a thenable, or a value it was flattened to), returns it. */
  got<T>(label: string, p: T): T;
  // The reference's sequential async versions of the builtins the sync form passes coloured
  // callbacks to: same visiting order, holes, arguments, `this`, early exits.
  amap(xs: number[], f: Cb, thisArg?: unknown): Promise<number[]>;
  afilter(xs: number[], f: Cb, thisArg?: unknown): Promise<number[]>;
  asome(xs: number[], f: Cb, thisArg?: unknown): Promise<boolean>;
  aevery(xs: number[], f: Cb, thisArg?: unknown): Promise<boolean>;
  afind(xs: number[], f: Cb, thisArg?: unknown): Promise<number | undefined>;
  afindIndex(xs: number[], f: Cb, thisArg?: unknown): Promise<number>;
  afindLast(xs: number[], f: Cb, thisArg?: unknown): Promise<number | undefined>;
  afindLastIndex(xs: number[], f: Cb, thisArg?: unknown): Promise<number>;
  aforEach(xs: number[], f: Cb, thisArg?: unknown): Promise<void>;
  aflatMap(xs: number[], f: Cb, thisArg?: unknown): Promise<number[]>;
  areduce(xs: number[], f: Cb, init: number): Promise<number>;
  areduceRight(xs: number[], f: Cb, init: number): Promise<number>;
  afrom(xs: number[], f: Cb, thisArg?: unknown): Promise<number[]>;
  amapForEach(m: Map<number, number>, f: Cb, thisArg?: unknown): Promise<void>;
  asetForEach(m: Set<number>, f: Cb, thisArg?: unknown): Promise<void>;
  areplace(s: string, re: RegExp, f: Cb): Promise<string>;
  /** A stable merge sort: its result is the only stable order, whatever the comparisons. */
  asort(xs: number[], f: Cb): Promise<number[]>;
}

export function makeHarness(fuel = 40): Harness {
  const trace: string[] = [];
  const errors = new Map<unknown, number>();
  const pending: Pending[] = [];
  let now = 0;
  let seq = 0;
  const schedule = (delay: number, fire: () => void) => void pending.push({ at: now + delay, seq: seq++, fire });

  const describe = (e: unknown): string => {
    if (e instanceof Error) {
      const id = errors.get(e);
      // an engine's own message quotes source text, which differs between the two forms
      return id === undefined
        ? `${e.constructor.name} [not one of ours]`
        : `${e.constructor.name}(${e.message}) #${id}`;
    }
    return `raw(${typeof e === 'string' ? e : typeof e})`;
  };

  const H: Harness = {
    g: 0,
    bag: { k0: 1, k1: 2, k2: 3 },
    trace,
    t(label, v) {
      trace.push(`${label}=${v}`);
      return v;
    },
    enter(name, d, x) {
      trace.push(`>${name}(${d},${x})`);
      return --fuel < 0;
    },
    async io(label, v, w) {
      trace.push(`io ${label}(${v})`);
      for (let i = 0; i < (w & 3); i++) await null;
      const delay = (w >> 2) & 3;
      if (delay) await new Promise<void>((resolve) => schedule(delay, resolve));
      const mode = (w >> 4) & 3;
      if (mode === 1 || (mode === 2 && v % 2 === 0)) {
        trace.push(`io ${label} rejects`);
        throw H.err(`io ${label}`);
      }
      if (mode === 3 && v % 3 === 0) {
        trace.push(`io ${label} rejects raw`);
        throw H.raw(`io ${label}`);
      }
      trace.push(`io ${label} ->${v}`);
      return v;
    },
    err(label) {
      const e = new Error(label);
      errors.set(e, errors.size);
      return e;
    },
    raw(label) {
      return `raw ${label}`;
    },
    caught(label, e) {
      trace.push(`catch ${label}: ${describe(e)}`);
    },
    describe,
    nn: (v) => (((v % 3) + 3) % 3 === 0 ? undefined : v),
    m3: (v) => ((v % 3) + 3) % 3,
    u: (v) => (v === undefined ? 3 : 4),
    sum: (xs) => xs.reduce((s, v, i) => s + v * (i + 1), 0),
    two: (v) => [v, v + 1],
    one: (v) => (v % 2 === 0 ? [v] : [v, v - 1]),
    ob: (v): Record<string, number> => (v % 2 === 0 ? { k0: v, k1: v + 1 } : { k1: v, k2: -v }),
    obj: (v) => (v % 2 === 0 ? { a: v } : { a: v, b: v + 2 }),
    osum: (o) => Object.entries(o).reduce((s, [k, v], i) => s + (v + k.length) * (i + 1), 0),
    key: (v) => `k${((v % 3) + 3) % 3}`,
    tag: (strings, ...values) => strings.join('|').length * 100 + values.reduce((s, v, i) => s + v * (i + 2), 0),
    Pair,
    runTasks(starts, delays) {
      const results = starts.map(() => 'pending');
      return new Promise<Outcome>((resolve) => {
        starts.forEach((start, i) =>
          schedule(delays[i] ?? 0, () => {
            trace.push(`start ${i}`);
            let p: Promise<unknown>;
            try {
              p = Promise.resolve(start());
            } catch (e) {
              p = Promise.reject(e);
            }
            p.then(
              (v) => {
                results[i] = `ok ${String(v)}`;
                trace.push(`done ${i}`);
              },
              (e) => {
                results[i] = `throw ${describe(e)}`;
                trace.push(`done ${i}`);
              },
            );
          }),
        );
        const tick = () => {
          if (pending.length === 0) return resolve({ trace, results, g: H.g, bag: Object.keys(H.bag).join(',') });
          pending.sort((a, b) => a.at - b.at || a.seq - b.seq);
          const next = pending.shift()!;
          now = next.at;
          next.fire();
          setImmediate(tick);
        };
        setImmediate(tick);
      });
    },
    holes: (xs) => {
      const out: number[] = [];
      xs.forEach((v, i) => (out[i === 0 ? 0 : i + 1] = v));
      return out;
    },
    thenable(label, v, w) {
      return {
        then(onValue, onError) {
          trace.push(`then ${label}`);
          return H.io(label, v, w).then(onValue, onError);
        },
      };
    },
    got(label, p) {
      const what =
        p instanceof Promise
          ? 'promise'
          : typeof (p as { then?: unknown })?.then === 'function'
            ? 'thenable'
            : typeof p;
      trace.push(`got ${label}: ${what}`);
      return p;
    },
    async quiet(v, w) {
      for (let i = 0; i < (w & 3); i++) await null;
      const delay = (w >> 2) & 3;
      if (delay) await new Promise<void>((resolve) => schedule(delay, resolve));
      return v;
    },
    async amap(xs, f, thisArg) {
      const out = new Array<number>(xs.length);
      for (let i = 0; i < xs.length; i++) if (i in xs) out[i] = await f.call(thisArg, xs[i], i, xs);
      return out;
    },
    async afilter(xs, f, thisArg) {
      const out: number[] = [];
      for (let i = 0; i < xs.length; i++) if (i in xs && (await f.call(thisArg, xs[i], i, xs))) out.push(xs[i]);
      return out;
    },
    async asome(xs, f, thisArg) {
      for (let i = 0; i < xs.length; i++) if (i in xs && (await f.call(thisArg, xs[i], i, xs))) return true;
      return false;
    },
    async aevery(xs, f, thisArg) {
      for (let i = 0; i < xs.length; i++) if (i in xs && !(await f.call(thisArg, xs[i], i, xs))) return false;
      return true;
    },
    async afind(xs, f, thisArg) {
      for (let i = 0; i < xs.length; i++) if (await f.call(thisArg, xs[i], i, xs)) return xs[i];
      return undefined;
    },
    async afindIndex(xs, f, thisArg) {
      for (let i = 0; i < xs.length; i++) if (await f.call(thisArg, xs[i], i, xs)) return i;
      return -1;
    },
    async afindLast(xs, f, thisArg) {
      for (let i = xs.length - 1; i >= 0; i--) if (await f.call(thisArg, xs[i], i, xs)) return xs[i];
      return undefined;
    },
    async afindLastIndex(xs, f, thisArg) {
      for (let i = xs.length - 1; i >= 0; i--) if (await f.call(thisArg, xs[i], i, xs)) return i;
      return -1;
    },
    async aforEach(xs, f, thisArg) {
      for (let i = 0; i < xs.length; i++) if (i in xs) await f.call(thisArg, xs[i], i, xs);
    },
    async aflatMap(xs, f, thisArg) {
      const out: number[] = [];
      for (let i = 0; i < xs.length; i++) {
        if (!(i in xs)) continue;
        const r = await f.call(thisArg, xs[i], i, xs);
        if (Array.isArray(r)) out.push(...r);
        else out.push(r);
      }
      return out;
    },
    async areduce(xs, f, init) {
      let acc = init;
      for (let i = 0; i < xs.length; i++) if (i in xs) acc = await f.call(undefined, acc, xs[i], i, xs);
      return acc;
    },
    async areduceRight(xs, f, init) {
      let acc = init;
      for (let i = xs.length - 1; i >= 0; i--) if (i in xs) acc = await f.call(undefined, acc, xs[i], i, xs);
      return acc;
    },
    async afrom(xs, f, thisArg) {
      const out: number[] = [];
      let i = 0;
      for (const v of xs) out.push(await f.call(thisArg, v, i++));
      return out;
    },
    async amapForEach(m, f, thisArg) {
      for (const [k, v] of m) await f.call(thisArg, v, k, m);
    },
    async asetForEach(m, f, thisArg) {
      for (const v of m) await f.call(thisArg, v, v, m);
    },
    async areplace(s, re, f) {
      const matches = re.global ? [...s.matchAll(re)] : [re.exec(s)].filter((m): m is RegExpExecArray => m !== null);
      let out = '';
      let last = 0;
      for (const m of matches) {
        out += s.slice(last, m.index) + String(await f.call(undefined, m[0], m.index, s));
        last = m.index + m[0].length;
      }
      return out + s.slice(last);
    },
    async asort(xs, f) {
      const sort = async (a: number[]): Promise<number[]> => {
        if (a.length < 2) return a;
        const mid = a.length >> 1;
        const l = await sort(a.slice(0, mid));
        const r = await sort(a.slice(mid));
        const out: number[] = [];
        let i = 0;
        let j = 0;
        while (i < l.length && j < r.length) out.push((await f.call(undefined, l[i], r[j])) > 0 ? r[j++] : l[i++]);
        return [...out, ...l.slice(i), ...r.slice(j)];
      };
      return sort(xs);
    },
  };
  return H;
}
