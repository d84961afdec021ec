/**
 * Instructions per call of a chain, counted by callgrind: the same count on every run whatever
 * else the machine is doing, where times on this shared machine move by 10–25% between runs.
 *
 * Each form runs in a child `node --predictable` (no concurrent compiler or GC threads, fixed
 * seeds: the count repeats exactly) under `valgrind --tool=callgrind`, twice, for N1 and N2 calls
 * after the same warm-up; (I(N2) − I(N1)) / (N2 − N1) is the count per call, start-up, warm-up
 * and compilation cancelling out. GC is counted: it is part of what a call costs.
 *
 *   node dist/bench/instructions.js --child <form> <depth> <calls>   # what each child runs
 */
import { execFile } from 'node:child_process';
import { SPAWN_ROWS, spawnRunners, SUSPENDING_FORMS, type ChainRunner } from './runtime-forms';

const SHARED_WARM_UP_CALLS = 20_000;
const WARM_UP_CALLS = 120_000;
/** Chains each warm-up pass runs at least, for the forms of `spawn-forms/forms.ts` (see `child`). */
const MIN_WARM_UP_CHAINS = 3_000;
export const N1 = 30_000;
export const N2 = 90_000;

export function haveValgrind(): Promise<boolean> {
  return new Promise((resolve) => execFile('valgrind', ['--version'], (error) => resolve(!error)));
}

/**
 * `valgrind`'s arguments for one child run of `calls` calls of `form` at depth `depth` under
 * callgrind, writing its dump to `out`; `more` adds callgrind and node options
 * (`instruction-profile.ts` runs the same child with an instruction-level dump and a perf map).
 */
export function callgrindArgs(
  form: string,
  depth: number,
  calls: number,
  out: string,
  more: { callgrind?: string[]; node?: string[] } = {},
): string[] {
  return [
    '--tool=callgrind',
    '--smc-check=all-non-file', // V8's code is written at run time
    `--callgrind-out-file=${out}`,
    ...(more.callgrind ?? []),
    process.execPath,
    '--predictable',
    ...(more.node ?? []),
    __filename,
    '--child',
    form,
    String(depth),
    String(calls),
  ];
}

/** Instructions callgrind counts for one child run of `calls` calls of `form` at depth `depth`. */
function count(form: string, depth: number, calls: number): Promise<number> {
  const args = callgrindArgs(form, depth, calls, '/dev/null');
  return new Promise((resolve, reject) => {
    execFile('valgrind', args, { timeout: 600_000, maxBuffer: 1 << 20 }, (error, _stdout, stderr) => {
      const m = /Collected : (\d+)/.exec(stderr);
      if (error || !m)
        return reject(
          new Error(`callgrind run of ${form} at depth ${depth} failed: ${error?.message ?? stderr.slice(-500)}`),
        );
      resolve(Number(m[1]));
    });
  });
}

export async function instructionsPerCall(form: string, depth: number): Promise<number> {
  const [a, b] = await Promise.all([count(form, depth, N1), count(form, depth, N2)]);
  return (b - a) / (N2 - N1);
}

/**
 * Child side: warm up, then run `calls` calls of the chain (in `calls / depth` chains). Every
 * form runs at every depth first, as in the timed run, so each count comes from the same process
 * history: shared code (the trampoline, the promise machinery) has seen every form, and the heap
 * has grown alike (its size moves the count: a form counted alone took 1,532 against native's
 * 1,431 at depth 1, the same form after the others 1,476 against 1,303).
 */
async function child(form: string, depth: number, calls: number): Promise<void> {
  const family = familyOf(form);
  const run = family[form];
  if (!run) throw new Error(`no form ${form}`);
  for (const other of Object.values(family)) for (const d of [1, 10, 100]) await other(SHARED_WARM_UP_CALLS / d, d);
  // At least MIN_WARM_UP_CHAINS chains: a chain of 100 distinct async functions calls each of them
  // once a chain, and with fewer V8 was still optimizing them during the counted calls (~90
  // TurboFan compiles more in the N2 run than in the N1 run: 17,320 instructions a call, not ~700).
  const chains = Math.max(WARM_UP_CALLS / 2 / depth, family === SUSPENDING_FORMS ? 0 : MIN_WARM_UP_CHAINS);
  await run(chains, depth);
  await run(chains, depth);
  await run(calls / depth, depth);
}

/**
 * The forms a child warms up with: the chains of `runtime-forms.ts`, or (a name of
 * `spawn-forms/forms.ts`: `spawnRecursive`, `nativeRecursive`, ...) the compiled issue-16 forms.
 */
function familyOf(form: string): Record<string, ChainRunner> {
  if (form in SUSPENDING_FORMS) return SUSPENDING_FORMS;
  const runners = spawnRunners();
  return Object.fromEntries(
    Object.values(SPAWN_ROWS)
      .flat()
      .map((k) => [k, runners[k]]),
  );
}

if (require.main === module && process.argv[2] === '--child') {
  const [form, depth, calls] = process.argv.slice(3);
  child(form, Number(depth), Number(calls)).catch((error) => {
    console.error(error);
    process.exit(1);
  });
}
