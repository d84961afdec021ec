/**
 * Runtime benchmark: the greenlet trampoline against native async/await, one process, one run.
 *
 *   npm run bench              # a table
 *   npm run bench -- --json    # the same figures as JSON
 *
 * Needs `global.gc` for the heap figures: without `--expose-gc` it re-runs itself with the flag.
 *
 * What is measured (medians of several rounds; native and greenlet rounds alternate so drift
 * hits both alike):
 * - a chain of D calls whose leaf awaits an already-resolved promise, per call of the chain,
 *   driven by one loop inside one async function (native) or one greenlet (ts-greenlet). The
 *   greenlet forms are what the transformer can emit: `yield*` delegation or explicit call
 *   records on the chain's edges, and at the leaf the inline wait it emits for a call of a
 *   suspension point, or (for comparison) a delegation to awaitSync's twin, which it emitted before;
 * - the same chains when the leaf does not wait, against plain synchronous calls;
 * - heap bytes per suspended chain of depth 10 (many suspended at once);
 * - the deepest recursion with a suspension at the leaf, up to 1,000,000 frames.
 */
import { spawnSync } from 'node:child_process';
import * as os from 'node:os';
import { awaitSync, protocol, spawnGreenlet } from '../runtime';

if (typeof global.gc !== 'function') {
  // Heap figures need a full GC on demand: run again with --expose-gc, same arguments.
  const r = spawnSync(process.execPath, ['--expose-gc', ...process.execArgv, __filename, ...process.argv.slice(2)], {
    stdio: 'inherit',
  });
  process.exit(r.status ?? 1);
}
const gc = global.gc as () => void;

const { TWIN, setTwin, markInlineWait, resumeInline } = protocol;
const JSON_OUT = process.argv.includes('--json');
/** `--only=suspending,heap`: run some sections (a development aid; the README figures are a full run). */
const ONLY = process.argv.find((a) => a.startsWith('--only='))?.slice('--only='.length).split(',');
const runs = (section: string) => !ONLY || ONLY.includes(section);
const ROUNDS = 11;
const DEPTHS = [1, 10, 100] as const;

type Gen<R = number> = Generator<unknown, R, unknown>;

// A resolved promise, as at a leaf whose I/O already completed: the cheapest possible wait,
// so the figures show the machinery's cost, not the I/O's.
const resolved = Promise.resolve(1);
// The twin forms delegate to awaitSync's generator twin at each wait (`yield* awaitSync[TWIN](p)`,
// what the transformer emitted before inline waits), for comparison.
const awaitSyncFn = awaitSync as unknown as { [TWIN]: (p: unknown) => Gen };

// ---- native async/await -----------------------------------------------------------------------

async function nativeChain(d: number): Promise<number> {
  if (d === 1) return await resolved;
  return (await nativeChain(d - 1)) + 0;
}
async function nativeDriver(n: number, d: number): Promise<number> {
  let sum = 0;
  for (let i = 0; i < n; i++) sum += await nativeChain(d);
  return sum;
}

// ---- greenlet twins, as the transformer emits them --------------------------------------------
// Each form has its own functions so V8's feedback for one cannot help or hurt another.

/** `yield*` on every edge; the leaf delegates to awaitSync's twin. */
function* starAwaitSync(d: number): Gen {
  if (d === 1) return (yield* awaitSyncFn[TWIN](resolved)) as number;
  return (yield* starAwaitSync(d - 1)) + 0;
}
/**
 * `yield*` on every edge; the leaf waits inline, as the transformer emits `awaitSync(p)` for a `p`
 * typed as a promise: `resumeInline(yield markInlineWait(p))` (a synchronized function's call is
 * `rawOf(f).call(...)` in place of `p`: the call of its async function, which native pays too).
 */
function* starInline(d: number): Gen {
  if (d === 1) return resumeInline(yield markInlineWait(resolved)) as number;
  return (yield* starInline(d - 1)) + 0;
}
/**
 * A reference, not emitted: the leaf yields the promise bare. The fastest a wait can be, but a
 * rejection would lose the `yield*` frames of its call chain, which the inline wait keeps.
 */
function* starBare(d: number): Gen {
  if (d === 1) return (yield resolved) as number;
  return (yield* starBare(d - 1)) + 0;
}
/** Explicit call records on every edge, inline wait at the leaf. */
function* recordInline(d: number): Gen {
  if (d === 1) return resumeInline(yield markInlineWait(resolved)) as number;
  return ((yield recordInline(d - 1)) as number) + 0;
}
/** Explicit call records on every edge, awaitSync twin at the leaf. */
function* recordAwaitSync(d: number): Gen {
  if (d === 1) return (yield* awaitSyncFn[TWIN](resolved)) as number;
  return ((yield recordAwaitSync(d - 1)) as number) + 0;
}
for (const f of [starAwaitSync, starInline, starBare, recordInline, recordAwaitSync]) {
  setTwin(function () {}, f as never, f.name);
}

function* starDriver(chain: (d: number) => Gen, n: number, d: number): Gen {
  let sum = 0;
  for (let i = 0; i < n; i++) sum += yield* chain(d);
  return sum;
}
function* recordDriver(chain: (d: number) => Gen, n: number, d: number): Gen {
  let sum = 0;
  for (let i = 0; i < n; i++) sum += (yield chain(d)) as number;
  return sum;
}
setTwin(function () {}, starDriver as never, 'starDriver');
setTwin(function () {}, recordDriver as never, 'recordDriver');

// ---- the same chains, not suspending ------------------------------------------------------------

function plainChain(d: number): number {
  if (d === 1) return 1;
  return plainChain(d - 1) + 0;
}
function plainDriver(n: number, d: number): number {
  let sum = 0;
  for (let i = 0; i < n; i++) sum += plainChain(d);
  return sum;
}
function* starSync(d: number): Gen {
  if (d === 1) return 1;
  return (yield* starSync(d - 1)) + 0;
}
function* recordSync(d: number): Gen {
  if (d === 1) return 1;
  return ((yield recordSync(d - 1)) as number) + 0;
}
function* starSyncDriver(n: number, d: number): Gen {
  let sum = 0;
  for (let i = 0; i < n; i++) sum += yield* starSync(d);
  return sum;
}
function* recordSyncDriver(n: number, d: number): Gen {
  let sum = 0;
  for (let i = 0; i < n; i++) sum += (yield recordSync(d)) as number;
  return sum;
}
for (const f of [starSync, recordSync, starSyncDriver, recordSyncDriver]) setTwin(function () {}, f as never, f.name);

// ---- measurement -------------------------------------------------------------------------------

type Runner = (n: number) => Promise<unknown> | unknown;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

/** Nanoseconds per iteration of each runner: medians over ROUNDS, runners interleaved per round. */
async function measure(runners: Record<string, Runner>, n: number): Promise<Record<string, number>> {
  const names = Object.keys(runners);
  for (const name of names) await runners[name](Math.max(1, n >> 2)); // warm up
  const samples: Record<string, number[]> = Object.fromEntries(names.map((k) => [k, []]));
  for (let round = 0; round < ROUNDS; round++) {
    for (const name of round % 2 ? [...names].reverse() : names) {
      const t0 = process.hrtime.bigint();
      await runners[name](n);
      samples[name].push(Number(process.hrtime.bigint() - t0) / n);
    }
  }
  return Object.fromEntries(names.map((k) => [k, median(samples[k])]));
}

/** Shown for comparison; the targets are for the forms the transformer emits. */
const REFERENCE = 'yield* + bare yield (reference)';
const SUSPENDING_FORMS = {
  'yield* + awaitSync twin': (n: number, d: number) => spawnGreenlet(starDriver as never, starAwaitSync, n, d),
  'yield* + inline wait': (n: number, d: number) => spawnGreenlet(starDriver as never, starInline, n, d),
  'records + awaitSync twin': (n: number, d: number) => spawnGreenlet(recordDriver as never, recordAwaitSync, n, d),
  'records + inline wait': (n: number, d: number) => spawnGreenlet(recordDriver as never, recordInline, n, d),
  [REFERENCE]: (n: number, d: number) => spawnGreenlet(starDriver as never, starBare, n, d),
};
const SYNC_FORMS = {
  'yield*': (n: number, d: number) => spawnGreenlet(starSyncDriver as never, n, d),
  records: (n: number, d: number) => spawnGreenlet(recordSyncDriver as never, n, d),
};

/** Iterations per round, so a round takes some tens of milliseconds. */
const SUSPENDING_N: Record<number, number> = { 1: 100_000, 10: 30_000, 100: 4_000 };
const SYNC_N: Record<number, number> = { 1: 2_000_000, 10: 300_000, 100: 30_000 };

async function suspendingChains() {
  const rows: { depth: number; nativeNs: number; forms: Record<string, number> }[] = [];
  for (const d of DEPTHS) {
    const runners: Record<string, Runner> = { native: (n) => nativeDriver(n, d) };
    for (const [k, f] of Object.entries(SUSPENDING_FORMS)) runners[k] = (n) => f(n, d);
    const ns = await measure(runners, SUSPENDING_N[d]);
    rows.push({ depth: d, nativeNs: ns.native, forms: pick(ns, Object.keys(SUSPENDING_FORMS)) });
  }
  return rows;
}

async function syncChains() {
  const rows: { depth: number; plainNs: number; forms: Record<string, number> }[] = [];
  for (const d of DEPTHS) {
    const runners: Record<string, Runner> = { plain: (n) => plainDriver(n, d) };
    for (const [k, f] of Object.entries(SYNC_FORMS)) runners[k] = (n) => f(n, d);
    const ns = await measure(runners, SYNC_N[d]);
    rows.push({ depth: d, plainNs: ns.plain, forms: pick(ns, Object.keys(SYNC_FORMS)) });
  }
  return rows;
}

function pick(o: Record<string, number>, keys: string[]): Record<string, number> {
  return Object.fromEntries(keys.map((k) => [k, o[k]]));
}

// ---- heap per suspended chain ------------------------------------------------------------------

const HEAP_CHAINS = 20_000;
const HEAP_DEPTH = 10;

async function nativeHeapChain(d: number, gate: Promise<number>): Promise<number> {
  if (d === 1) return await gate;
  return (await nativeHeapChain(d - 1, gate)) + 0;
}
function* starHeapChain(d: number, gate: Promise<number>): Gen {
  if (d === 1) return (yield gate) as number;
  return (yield* starHeapChain(d - 1, gate)) + 0;
}
function* recordHeapChain(d: number, gate: Promise<number>): Gen {
  if (d === 1) return (yield gate) as number;
  return ((yield recordHeapChain(d - 1, gate)) as number) + 0;
}
setTwin(function () {}, starHeapChain as never, 'starHeapChain');
setTwin(function () {}, recordHeapChain as never, 'recordHeapChain');

/** Bytes of heap each of HEAP_CHAINS suspended chains holds (median of a few rounds). */
async function heapPerChain(start: (gate: Promise<number>) => Promise<unknown>): Promise<number> {
  const samples: number[] = [];
  for (let round = 0; round < 5; round++) {
    let open!: (v: number) => void;
    const gate = new Promise<number>((r) => (open = r));
    const held: Promise<unknown>[] = new Array(HEAP_CHAINS);
    gc();
    gc();
    const before = process.memoryUsage().heapUsed;
    for (let i = 0; i < HEAP_CHAINS; i++) held[i] = start(gate);
    gc();
    gc();
    const after = process.memoryUsage().heapUsed;
    samples.push((after - before) / HEAP_CHAINS);
    open(1);
    await Promise.all(held);
  }
  return median(samples);
}

async function heap() {
  const native = await heapPerChain((gate) => nativeHeapChain(HEAP_DEPTH, gate));
  const star = await heapPerChain((gate) => spawnGreenlet(starHeapChain as never, HEAP_DEPTH, gate));
  const records = await heapPerChain((gate) => spawnGreenlet(recordHeapChain as never, HEAP_DEPTH, gate));
  return { depth: HEAP_DEPTH, chains: HEAP_CHAINS, nativeBytes: native, forms: { 'yield*': star, records } };
}

// ---- deepest recursion -------------------------------------------------------------------------

const MAX_DEPTH = 1_000_000;

async function nativeDeep(d: number): Promise<number> {
  if (d === 0) return await resolved;
  return (await nativeDeep(d - 1)) + 0;
}
function* starDeep(d: number): Gen {
  if (d === 0) return (yield resolved) as number;
  return (yield* starDeep(d - 1)) + 0;
}
function* recordDeep(d: number): Gen {
  if (d === 0) return (yield resolved) as number;
  return ((yield recordDeep(d - 1)) as number) + 0;
}
setTwin(function () {}, starDeep as never, 'starDeep');
setTwin(function () {}, recordDeep as never, 'recordDeep');

/**
 * Native recursion is probed in a child process: when an async function overflows the stack,
 * V8 also overflows in Node's rejection hook and prints "Exception in PromiseRejectCallback".
 */
function nativeReaches(d: number): Promise<boolean> {
  const r = spawnSync(process.execPath, ['--expose-gc', __filename, `--probe-native=${d}`], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  if (r.status !== 0 && r.status !== 3) throw new Error(`native probe at ${d} failed: ${r.stderr}`);
  return Promise.resolve(r.status === 0);
}

async function reaches(run: (d: number) => Promise<unknown>, d: number): Promise<boolean> {
  try {
    await run(d);
    return true;
  } catch (error) {
    if (error instanceof RangeError) return false; // Maximum call stack size exceeded
    throw error;
  }
}

/** The deepest depth `run` completes, found by doubling then bisecting; capped at MAX_DEPTH. */
async function deepest(ok: (d: number) => Promise<boolean>): Promise<number> {
  if (await ok(MAX_DEPTH)) return MAX_DEPTH;
  let good = 0;
  let bad = MAX_DEPTH;
  for (let d = 1000; d < MAX_DEPTH; d *= 2) {
    if (!(await ok(d))) {
      bad = d;
      break;
    }
    good = d;
  }
  while (bad - good > Math.max(100, good / 100)) {
    const mid = Math.floor((good + bad) / 2);
    if (await ok(mid)) good = mid;
    else bad = mid;
  }
  return good;
}

async function recursion() {
  return {
    limit: MAX_DEPTH,
    native: await deepest(nativeReaches),
    'yield*': await deepest((d) => reaches((n) => spawnGreenlet(starDeep as never, n), d)),
    records: await deepest((d) => reaches((n) => spawnGreenlet(recordDeep as never, n), d)),
  };
}

/** Child-process side of `nativeReaches`: exit 0 if `nativeDeep(d)` completes, 3 on overflow. */
async function probeNative(d: number): Promise<void> {
  process.exitCode = (await reaches(nativeDeep, d)) ? 0 : 3;
}

// ---- report ------------------------------------------------------------------------------------

const TARGETS = { 1: 1.1, 10: 0.85, 100: 0.85 } as Record<number, number>;
const HEAP_TARGET = 0.6;

function fmtNs(ns: number): string {
  return ns >= 100 ? `${Math.round(ns)} ns` : `${ns.toFixed(1)} ns`;
}

async function main() {
  const started = Date.now();
  const suspending = runs('suspending') ? await suspendingChains() : [];
  const sync = runs('sync') ? await syncChains() : [];
  const heapFigures = runs('heap') ? await heap() : { depth: HEAP_DEPTH, chains: 0, nativeBytes: NaN, forms: { 'yield*': NaN, records: NaN } };
  const deep = runs('recursion') ? await recursion() : { limit: MAX_DEPTH, native: NaN, 'yield*': NaN, records: NaN };
  const seconds = (Date.now() - started) / 1000;

  const best = suspending.map((r) => {
    const [form, ns] = Object.entries(r.forms).filter(([k]) => k !== REFERENCE).sort((a, b) => a[1] - b[1])[0];
    return { depth: r.depth, form, ratio: ns / r.nativeNs, target: TARGETS[r.depth] };
  });
  const bestHeap = Math.min(...Object.values(heapFigures.forms)) / heapFigures.nativeBytes;
  const targets = {
    ...Object.fromEntries(best.map((b) => [`depth${b.depth}`, { best: b.form, ratio: b.ratio, target: b.target, met: b.ratio <= b.target }])),
    heap: { ratio: bestHeap, target: HEAP_TARGET, met: bestHeap <= HEAP_TARGET },
    recursion: { reached: deep.records, target: MAX_DEPTH, met: deep.records >= MAX_DEPTH },
  };
  const machine = {
    node: process.version,
    cpus: os.cpus().length,
    cpu: os.cpus()[0]?.model ?? 'unknown',
    platform: `${os.platform()} ${os.arch()}`,
    date: new Date().toISOString().slice(0, 10),
  };

  if (JSON_OUT) {
    console.log(JSON.stringify({ machine, seconds, suspending, sync, heap: heapFigures, recursion: deep, targets }, null, 2));
    return;
  }

  const sForms = Object.keys(SUSPENDING_FORMS);
  console.log(`ts-greenlet runtime benchmark — node ${machine.node}, ${machine.cpus} cores (${machine.cpu}), ${machine.date}`);
  console.log(`medians of ${ROUNDS} rounds, ratios against native async/await (lower is faster)\n`);
  console.log('Chain of D calls, leaf waits on a resolved promise, time per call of the chain:\n');
  console.log(`| D | native async/await | ${sForms.join(' | ')} |`);
  console.log(`|---|---|${sForms.map(() => '---').join('|')}|`);
  for (const r of suspending) {
    console.log(`| ${r.depth} | ${fmtNs(r.nativeNs)} (1.00) | ${sForms.map((k) => (r.forms[k] / r.nativeNs).toFixed(2)).join(' | ')} |`);
  }
  const yForms = Object.keys(SYNC_FORMS);
  console.log('\nThe same chains when the leaf does not wait, against plain synchronous calls:\n');
  console.log(`| D | plain calls | ${yForms.join(' | ')} |`);
  console.log(`|---|---|${yForms.map(() => '---').join('|')}|`);
  for (const r of sync) {
    console.log(
      `| ${r.depth} | ${fmtNs(r.plainNs)} (1.00) | ${yForms.map((k) => `${(r.forms[k] / r.plainNs).toFixed(1)} (${fmtNs(r.forms[k])})`).join(' | ')} |`,
    );
  }
  console.log(`\nHeap per suspended chain of depth ${heapFigures.depth} (${heapFigures.chains.toLocaleString('en')} suspended at once):\n`);
  console.log('| native async/await | yield* | records |');
  console.log('|---|---|---|');
  const kb = (b: number) => `${(b / 1024).toFixed(2)} KB`;
  console.log(
    `| ${kb(heapFigures.nativeBytes)} (1.00) | ${kb(heapFigures.forms['yield*'])} (${(heapFigures.forms['yield*'] / heapFigures.nativeBytes).toFixed(2)}) | ${kb(heapFigures.forms.records)} (${(heapFigures.forms.records / heapFigures.nativeBytes).toFixed(2)}) |`,
  );
  console.log('\nDeepest recursion with a suspension at the leaf (stops at 1,000,000):\n');
  console.log('| native async/await | yield* | records |');
  console.log('|---|---|---|');
  const n = (x: number) => `${x >= MAX_DEPTH ? '' : '~'}${x.toLocaleString('en')}`;
  console.log(`| ${n(deep.native)} | ${n(deep['yield*'])} | ${n(deep.records)} |`);
  console.log('\nTargets (best emitted form per depth):');
  for (const b of best) {
    console.log(`  depth ${b.depth}: ${b.ratio.toFixed(2)} <= ${b.target} ${b.ratio <= b.target ? 'met' : 'NOT met'} (${b.form})`);
  }
  console.log(`  heap: ${bestHeap.toFixed(2)} <= ${HEAP_TARGET} ${bestHeap <= HEAP_TARGET ? 'met' : 'NOT met'}`);
  console.log(`  recursion: ${deep.records.toLocaleString('en')} ${deep.records >= MAX_DEPTH ? 'met' : 'NOT met'}`);
  console.log(`\n(${seconds.toFixed(0)} s)`);
}

const probe = process.argv.find((a) => a.startsWith('--probe-native='));
(probe ? probeNative(Number(probe.slice('--probe-native='.length))) : main()).catch((error) => {
  console.error(error);
  process.exit(1);
});
