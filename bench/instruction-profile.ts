/**
 * Where a form's instructions go: callgrind's self instructions per call, by function, with V8's
 * JIT code named through `node --perf-basic-prof`'s map (callgrind alone sees it as `0x…`).
 * Like `instructions.ts`, two child runs (N1 and N2 calls after the same warm-up), differenced,
 * so start-up and warm-up cancel; the total repeats `instructionsPerCall` for the form.
 *
 *   npm run build && node node_modules/ts-patch/bin/tspc.js -p bench/spawn-forms
 *   node dist/bench/instruction-profile.js spawnRecursive 1 [--top 30]
 *
 * ```
 * total 2558 per call
 *      336  JS:*spawnRecursive …/forms.js:143:30
 *      230  JS:*chain$twin …/forms.js:133:21
 *      222  JS:*runDelegating …/greenlet.js:455:18
 *      164  Builtins_RunMicrotasks
 * ```
 * `*` marks TurboFan code; a function inlined into another is counted in the other.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { callgrindArgs, N1, N2 } from './instructions';

interface JitCode {
  start: number;
  end: number;
  name: string;
}

/** Runs the child under callgrind; returns its dump and its perf map. */
function run(form: string, depth: number, calls: number, dir: string): { dump: string; map: string } {
  const dump = path.join(dir, `callgrind.${calls}.out`);
  execFileSync(
    'valgrind',
    callgrindArgs(form, depth, calls, dump, {
      callgrind: ['--dump-instr=yes'],
      node: ['--perf-basic-prof'], // writes /tmp/perf-<pid>.map: the newest is this run's
    }),
    { stdio: 'ignore' },
  );
  const maps = fs
    .readdirSync('/tmp')
    .filter((f) => /^perf-\d+\.map$/.test(f))
    .map((f) => path.join('/tmp', f))
    .sort((a, b) => fs.statSync(a).mtimeMs - fs.statSync(b).mtimeMs);
  return { dump, map: maps[maps.length - 1] };
}

function readMap(file: string): JitCode[] {
  const codes: JitCode[] = [];
  for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
    const m = /^([0-9a-f]+) ([0-9a-f]+) (.*)$/.exec(line);
    if (m) codes.push({ start: parseInt(m[1], 16), end: parseInt(m[1], 16) + parseInt(m[2], 16), name: m[3] });
  }
  return codes.sort((a, b) => a.start - b.start);
}

/** The JIT code holding `addr`: the last one starting at or before it that covers it. */
function jitName(codes: JitCode[], addr: number): string | undefined {
  let lo = 0;
  let hi = codes.length - 1;
  let at = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (codes[mid].start <= addr) {
      at = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return at >= 0 && addr < codes[at].end ? codes[at].name : undefined;
}

/** Self instructions by function in a callgrind dump made with `--dump-instr=yes` (positions: instr line). */
function selfCosts(dump: string, codes: JitCode[]): Map<string, number> {
  const names = new Map<string, string>();
  const costs = new Map<string, number>();
  let fn = '?';
  let afterCalls = false;
  let last = 0;
  for (const line of fs.readFileSync(dump, 'utf8').split('\n')) {
    const named = /^c?fn=\((\d+)\)(?: (.*))?$/.exec(line);
    if (named) {
      if (named[2]) names.set(named[1], named[2]);
      if (line.startsWith('fn=')) fn = names.get(named[1]) ?? named[1];
      continue;
    }
    if (line.startsWith('calls=')) {
      afterCalls = true; // the next cost line is the call's inclusive cost, not this function's
      continue;
    }
    const cost = /^(0x[0-9a-f]+|[+-]\d+|\*) \S+ (\d+)/.exec(line);
    if (!cost) continue;
    const a = cost[1];
    last = a.startsWith('0x') ? parseInt(a, 16) : a === '*' ? last : last + Number(a);
    if (afterCalls) {
      afterCalls = false;
      continue;
    }
    const key = /^(0x|\?\?\?|\d+$)/.test(fn) ? (jitName(codes, last) ?? `(JIT code) ${fn}`) : fn;
    costs.set(key, (costs.get(key) ?? 0) + Number(cost[2]));
  }
  return costs;
}

function main(): void {
  const [form, depthArg] = process.argv.slice(2);
  const topAt = process.argv.indexOf('--top');
  const top = topAt > 0 ? Number(process.argv[topAt + 1]) : 30;
  if (!form || !depthArg) {
    console.error(
      'usage: node dist/bench/instruction-profile.js <form> <depth> [--top N]   (forms: see runtime-forms.ts)',
    );
    process.exit(2);
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tsg-profile-'));
  try {
    const per = [N1, N2].map((calls) => {
      const { dump, map } = run(form, Number(depthArg), calls, dir);
      const costs = selfCosts(dump, readMap(map));
      fs.rmSync(map, { force: true });
      return costs;
    });
    const diff = new Map<string, number>();
    for (const key of new Set([...per[0].keys(), ...per[1].keys()]))
      diff.set(key, ((per[1].get(key) ?? 0) - (per[0].get(key) ?? 0)) / (N2 - N1));
    const total = [...diff.values()].reduce((a, b) => a + b, 0);
    console.log(`total ${total.toFixed(0)} per call`);
    for (const [name, n] of [...diff].sort((a, b) => b[1] - a[1]).slice(0, top))
      if (Math.abs(n) >= 3) console.log(`${n.toFixed(0).padStart(8)}  ${name.slice(0, 150)}`);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main();
