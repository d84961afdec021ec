/**
 * Runtime benchmark: the greenlet trampoline against native async/await, one process, one run.
 *
 *   npm run bench                     # a table
 *   npm run bench -- --json           # the same figures as JSON
 *   npm run bench -- --instructions   # also instructions per call, counted by callgrind
 *
 * Needs `global.gc` for the heap figures: without `--expose-gc` it re-runs itself with the flag.
 *
 * What is measured (the chains are in `runtime-forms.ts`):
 * - a chain of D calls whose leaf awaits an already-resolved promise, per call of the chain,
 *   driven by one loop inside one async function (native) or one greenlet (ts-greenlet). Every
 *   round times each form once, in an order that alternates; a form's ratio is the median over
 *   rounds of its time over native's in the same round, so drift over the run hits both alike;
 * - the same chains when the leaf does not wait, against plain synchronous calls;
 * - heap bytes per suspended chain of depth 10 (many suspended at once);
 * - the deepest recursion with a suspension at the leaf, up to 1,000,000 frames;
 * - with `--instructions`, instructions per call of the suspending chains (`instructions.ts`):
 *   a count that repeats exactly, where times on a shared machine do not;
 * - the forms of issue 16 (`spawn-forms/forms.ts`, compiled by the transformer): a greenlet
 *   spawned per call of a self-recursive chain or of a chain of distinct functions, and one
 *   greenlet entering the chain through a function value, each against its async/await twin,
 *   timed as above and (with `--instructions`) counted.
 */
import { spawnSync } from 'node:child_process';
import * as os from 'node:os';
import { protocol, spawnGreenlet } from '../runtime';
import { haveValgrind, instructionsPerCall } from './instructions';
import {
  EMITTED,
  NATIVE,
  PLAIN,
  REFERENCE,
  resolved,
  SPAWN_ROWS,
  spawnRunners,
  SUSPENDING_FORMS,
  suspendingFormsAt,
  SYNC_FORMS,
  type ChainRunner,
  type Gen,
  type SpawnRow,
} from './runtime-forms';

if (typeof global.gc !== 'function') {
  // Heap figures need a full GC on demand: run again with --expose-gc, same arguments.
  const r = spawnSync(process.execPath, ['--expose-gc', ...process.execArgv, __filename, ...process.argv.slice(2)], {
    stdio: 'inherit',
  });
  process.exit(r.status ?? 1);
}
const gc = global.gc as () => void;

const { setTwin } = protocol;
const JSON_OUT = process.argv.includes('--json');
const INSTRUCTIONS = process.argv.includes('--instructions');
/** `--only=suspending,heap`: run some sections (a development aid; the README figures are a full run). */
const ONLY = process.argv
  .find((a) => a.startsWith('--only='))
  ?.slice('--only='.length)
  .split(',');
const runs = (section: string) => !ONLY || ONLY.includes(section);
const ROUNDS = 21;
const DEPTHS = [1, 10, 100] as const;

// ---- measurement -------------------------------------------------------------------------------

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

interface Timing {
  /** Median nanoseconds per call. */
  ns: Record<string, number>;
  /** Median over rounds of each form's time over the baseline's in the same round. */
  ratio: Record<string, number>;
}

/** Times every form at depth `d`, `n` calls per round, rounds interleaved; ratios to `baseline`. */
async function measure(forms: Record<string, ChainRunner>, baseline: string, n: number, d: number): Promise<Timing> {
  const names = Object.keys(forms);
  for (const name of names) await forms[name](Math.max(1, n >> 2), d); // warm up
  const samples: Record<string, number[]> = Object.fromEntries(names.map((k) => [k, []]));
  for (let round = 0; round < ROUNDS; round++) {
    for (const name of round % 2 ? [...names].reverse() : names) {
      const t0 = process.hrtime.bigint();
      await forms[name](n, d);
      samples[name].push(Number(process.hrtime.bigint() - t0) / n);
    }
  }
  const base = samples[baseline];
  return {
    ns: Object.fromEntries(names.map((k) => [k, median(samples[k])])),
    ratio: Object.fromEntries(names.map((k) => [k, median(samples[k].map((t, i) => t / base[i]))])),
  };
}

/** Iterations per round, so a round takes some tens of milliseconds. */
const SUSPENDING_N: Record<number, number> = { 1: 100_000, 10: 30_000, 100: 4_000 };
const SYNC_N: Record<number, number> = { 1: 2_000_000, 10: 300_000, 100: 30_000 };

async function suspendingChains() {
  const rows: ({ depth: number } & Timing)[] = [];
  for (const d of DEPTHS) rows.push({ depth: d, ...(await measure(suspendingFormsAt(d), NATIVE, SUSPENDING_N[d], d)) });
  return rows;
}

async function syncChains() {
  const rows: ({ depth: number } & Timing)[] = [];
  for (const d of DEPTHS) rows.push({ depth: d, ...(await measure(SYNC_FORMS, PLAIN, SYNC_N[d], d)) });
  return rows;
}

/** The forms whose instructions are counted: native, what is emitted, and the reference. */
const COUNTED = [NATIVE, ...EMITTED, REFERENCE];

async function instructionCounts() {
  const rows: { depth: number; perCall: Record<string, number>; ratio: Record<string, number> }[] = [];
  for (const d of DEPTHS) {
    const perCall: Record<string, number> = {};
    for (const form of COUNTED) if (form in suspendingFormsAt(d)) perCall[form] = await instructionsPerCall(form, d);
    rows.push({
      depth: d,
      perCall,
      ratio: Object.fromEntries(Object.keys(perCall).map((k) => [k, perCall[k] / perCall[NATIVE]])),
    });
  }
  return rows;
}

/** The issue-16 forms at every depth: each row's greenlet form timed against its native twin. */
async function spawnForms() {
  const runners = spawnRunners();
  const rows: { form: SpawnRow; depth: number; ns: number; nativeNs: number; ratio: number }[] = [];
  for (const [form, [greenlet, native]] of Object.entries(SPAWN_ROWS) as [SpawnRow, readonly [string, string]][]) {
    for (const d of DEPTHS) {
      const t = await measure({ native: runners[native], greenlet: runners[greenlet] }, 'native', SUSPENDING_N[d], d);
      rows.push({ form, depth: d, ns: t.ns.greenlet, nativeNs: t.ns.native, ratio: t.ratio.greenlet });
    }
  }
  return rows;
}

async function spawnInstructions() {
  const rows: { form: SpawnRow; depth: number; perCall: number; nativePerCall: number; ratio: number }[] = [];
  for (const [form, [greenlet, native]] of Object.entries(SPAWN_ROWS) as [SpawnRow, readonly [string, string]][]) {
    for (const d of DEPTHS) {
      const [g, n] = await Promise.all([instructionsPerCall(greenlet, d), instructionsPerCall(native, d)]);
      rows.push({ form, depth: d, perCall: g, nativePerCall: n, ratio: g / n });
    }
  }
  return rows;
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
  const heapFigures = runs('heap')
    ? await heap()
    : { depth: HEAP_DEPTH, chains: 0, nativeBytes: NaN, forms: { 'yield*': NaN, records: NaN } };
  const deep = runs('recursion') ? await recursion() : { limit: MAX_DEPTH, native: NaN, 'yield*': NaN, records: NaN };
  const spawn = runs('spawn') ? await spawnForms() : [];
  const counting = INSTRUCTIONS && (await haveValgrind());
  const instructions = counting && runs('suspending') ? await instructionCounts() : [];
  const spawnCounts = counting && runs('spawn') ? await spawnInstructions() : [];
  const seconds = (Date.now() - started) / 1000;

  /** The emitted form with the lowest ratio at each depth. */
  const bestOf = (ratio: Record<string, number>) =>
    EMITTED.filter((k) => k in ratio)
      .map((k) => [k, ratio[k]] as const)
      .sort((x, y) => x[1] - y[1])[0];
  const best = suspending.map((r) => {
    const [form, ratio] = bestOf(r.ratio);
    return { depth: r.depth, form, ratio, target: TARGETS[r.depth] };
  });
  const bestInstructions = instructions.map((r) => {
    const [form, ratio] = bestOf(r.ratio);
    return { depth: r.depth, form, ratio, target: TARGETS[r.depth] };
  });
  const bestHeap = Math.min(...Object.values(heapFigures.forms)) / heapFigures.nativeBytes;
  const judged = (b: { form: string; ratio: number; target: number }) => ({
    best: b.form,
    ratio: b.ratio,
    target: b.target,
    met: b.ratio <= b.target,
  });
  const targets = {
    ...Object.fromEntries(best.map((b) => [`depth${b.depth}`, judged(b)])),
    ...Object.fromEntries(bestInstructions.map((b) => [`depth${b.depth}Instructions`, judged(b)])),
    heap: { ratio: bestHeap, target: HEAP_TARGET, met: bestHeap <= HEAP_TARGET },
    recursion: { reached: deep.records, target: MAX_DEPTH, met: deep.records >= MAX_DEPTH },
    spawn: spawn.map((r) => {
      const counted = spawnCounts.find((c) => c.form === r.form && c.depth === r.depth);
      const target = TARGETS[r.depth];
      return {
        form: r.form,
        depth: r.depth,
        target,
        time: r.ratio,
        instructions: counted?.ratio,
        met: r.ratio <= target && (counted === undefined || counted.ratio <= target),
      };
    }),
  };
  const machine = {
    node: process.version,
    cpus: os.cpus().length,
    cpu: os.cpus()[0]?.model ?? 'unknown',
    platform: `${os.platform()} ${os.arch()}`,
    date: new Date().toISOString().slice(0, 10),
  };

  if (JSON_OUT) {
    console.log(
      JSON.stringify(
        {
          machine,
          seconds,
          suspending,
          sync,
          heap: heapFigures,
          recursion: deep,
          instructions,
          spawn,
          spawnCounts,
          targets,
        },
        null,
        2,
      ),
    );
    return;
  }

  const sForms = Object.keys(SUSPENDING_FORMS).filter((k) => k !== NATIVE);
  /** A form not run at a depth: the capped chain, which up to depth 10 is the `yield*` one. */
  const SAME = '= yield*';
  console.log(
    `ts-greenlet runtime benchmark — node ${machine.node}, ${machine.cpus} cores (${machine.cpu}), ${machine.date}`,
  );
  console.log(
    `${ROUNDS} rounds; a ratio is the median over rounds of a form's time over native's in the same round (lower is faster)\n`,
  );
  console.log('Chain of D calls, leaf waits on a resolved promise, time per call of the chain:\n');
  console.log(`| D | native async/await | ${sForms.join(' | ')} |`);
  console.log(`|---|---|${sForms.map(() => '---').join('|')}|`);
  for (const r of suspending) {
    console.log(
      `| ${r.depth} | ${fmtNs(r.ns[NATIVE])} (1.00) | ${sForms.map((k) => r.ratio[k]?.toFixed(2) ?? SAME).join(' | ')} |`,
    );
  }
  const yForms = Object.keys(SYNC_FORMS).filter((k) => k !== PLAIN);
  console.log('\nThe same chains when the leaf does not wait, against plain synchronous calls:\n');
  console.log(`| D | plain calls | ${yForms.join(' | ')} |`);
  console.log(`|---|---|${yForms.map(() => '---').join('|')}|`);
  for (const r of sync) {
    console.log(
      `| ${r.depth} | ${fmtNs(r.ns[PLAIN])} (1.00) | ${yForms.map((k) => `${r.ratio[k].toFixed(1)} (${fmtNs(r.ns[k])})`).join(' | ')} |`,
    );
  }
  console.log(
    `\nHeap per suspended chain of depth ${heapFigures.depth} (${heapFigures.chains.toLocaleString('en')} suspended at once):\n`,
  );
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
  if (INSTRUCTIONS && !counting)
    console.log('\nvalgrind not found: instruction counts skipped (apt-get install valgrind).');
  if (counting) {
    const cForms = COUNTED.filter((k) => k !== NATIVE);
    console.log('\nInstructions per call of the suspending chains (callgrind, node --predictable; repeats exactly):\n');
    console.log(`| D | native async/await | ${cForms.join(' | ')} |`);
    console.log(`|---|---|${cForms.map(() => '---').join('|')}|`);
    for (const r of instructions) {
      const cell = (k: string) =>
        k in r.ratio ? `${r.ratio[k].toFixed(2)} (${Math.round(r.perCall[k]).toLocaleString('en')})` : SAME;
      console.log(
        `| ${r.depth} | ${Math.round(r.perCall[NATIVE]).toLocaleString('en')} (1.00) | ${cForms.map(cell).join(' | ')} |`,
      );
    }
  }
  if (spawn.length) {
    const forms = Object.keys(SPAWN_ROWS) as SpawnRow[];
    console.log(
      '\nIssue 16 forms (compiled by the transformer), time per call of the chain against the same program in async/await:\n',
    );
    console.log(`| form | ${DEPTHS.map((d) => `D = ${d}`).join(' | ')} |`);
    console.log(`|---|${DEPTHS.map(() => '---').join('|')}|`);
    for (const form of forms) {
      const cell = (d: number) => {
        const r = spawn.find((x) => x.form === form && x.depth === d)!;
        return `${r.ratio.toFixed(2)} (${fmtNs(r.ns)} / ${fmtNs(r.nativeNs)})`;
      };
      console.log(`| ${form} | ${DEPTHS.map(cell).join(' | ')} |`);
    }
    if (spawnCounts.length) {
      console.log('\nThe same, instructions per call of the chain (callgrind):\n');
      console.log(`| form | ${DEPTHS.map((d) => `D = ${d}`).join(' | ')} |`);
      console.log(`|---|${DEPTHS.map(() => '---').join('|')}|`);
      for (const form of forms) {
        const cell = (d: number) => {
          const r = spawnCounts.find((x) => x.form === form && x.depth === d)!;
          return `${r.ratio.toFixed(2)} (${Math.round(r.perCall).toLocaleString('en')} / ${Math.round(r.nativePerCall).toLocaleString('en')})`;
        };
        console.log(`| ${form} | ${DEPTHS.map(cell).join(' | ')} |`);
      }
    }
  }
  console.log('\nTargets (best emitted form per depth):');
  for (const b of best) {
    console.log(
      `  depth ${b.depth}: time ${b.ratio.toFixed(2)} <= ${b.target} ${b.ratio <= b.target ? 'met' : 'NOT met'} (${b.form})`,
    );
  }
  for (const b of bestInstructions) {
    console.log(
      `  depth ${b.depth}: instructions ${b.ratio.toFixed(2)} <= ${b.target} ${b.ratio <= b.target ? 'met' : 'NOT met'} (${b.form})`,
    );
  }
  console.log(`  heap: ${bestHeap.toFixed(2)} <= ${HEAP_TARGET} ${bestHeap <= HEAP_TARGET ? 'met' : 'NOT met'}`);
  console.log(`  recursion: ${deep.records.toLocaleString('en')} ${deep.records >= MAX_DEPTH ? 'met' : 'NOT met'}`);
  for (const t of targets.spawn) {
    const instr = t.instructions === undefined ? '' : `, instructions ${t.instructions.toFixed(2)}`;
    console.log(
      `  ${t.form}, depth ${t.depth}: time ${t.time.toFixed(2)}${instr} <= ${t.target} ${t.met ? 'met' : 'NOT met'}`,
    );
  }
  console.log(`\n(${seconds.toFixed(0)} s)`);
}

const probe = process.argv.find((a) => a.startsWith('--probe-native='));
(probe ? probeNative(Number(probe.slice('--probe-native='.length))) : main()).catch((error) => {
  console.error(error);
  process.exit(1);
});
