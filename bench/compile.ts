/**
 * Compile benchmark (issue 3): what the transform adds to a build.
 *
 *   npm run bench:compile              # a table
 *   npm run bench:compile -- --json    # the same figures as JSON
 *   options: --rounds=N (default 3), --keep (keep the generated project and print its path),
 *            --generate (only write the project, print its path: for profiling)
 *
 * Generates, in a temp directory, a project of 1,000 TypeScript files with a realistic mix:
 * generic utilities, models (interfaces, unions, type guards), modules of plain functions and
 * object literals, service classes over a shared abstract base, async API clients. A tenth of it
 * (100 files) is coloured: modules that call `synchronize`d functions, repositories whose methods
 * call them, services that chain through those across modules (declarations, arrows, object
 * literal methods, class methods, `#private` methods), flows that dispatch through an interface,
 * call through function values, use `awaitSync`, start greenlets and await coloured calls from
 * `async` functions. Plain code never imports coloured code.
 *
 * It then builds that project with plain `tsc` (node_modules/typescript/bin/tsc, a tsconfig with
 * no plugin) and with `tspc` + the transform (the same tsconfig plus the `plugins` entry),
 * alternating (ABBA order), after one untimed warm-up of each, and reports the medians and the
 * ratio tspc+transform / tsc. Each build is a fresh process and a full emit into an empty outDir.
 *
 * Checks, so a fast number cannot come from a broken build: both builds exit 0 with no
 * diagnostics; the transformed output has exactly the twins the generator planned
 * (`setTwin`, `runPlain`, `arrowTwin` calls and `methodTwins` entries); exactly the 100 coloured
 * files were rewritten and the other 900 are byte for byte what tsc emitted; the built program
 * runs (a greenlet through the chains prints `bench-ok`). Then, in this process, the analysis is
 * timed on its own on a type-checked program (what the transform adds before it rewrites), and
 * its coloured set is compared with the plan.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import ts from 'typescript';
import { analyse, createTransformer, getAnalysis } from '../transformer';
import { functionName } from '../transformer/analysis/inventory';
import { type Plan, writeProject } from './compile-project';

const JSON_OUT = process.argv.includes('--json');
const KEEP = process.argv.includes('--keep') || process.argv.includes('--generate');
const ROUNDS = Number(process.argv.find((a) => a.startsWith('--rounds='))?.slice('--rounds='.length) ?? 3);
const TARGET = 1.3;

const repo = path.resolve(__dirname, '../..');
const TSC = path.join(repo, 'node_modules/typescript/bin/tsc');
const TSPC = path.join(repo, 'node_modules/ts-patch/bin/tspc.js');

// ---------------------------------------------------------------------------------------------
// Builds
// ---------------------------------------------------------------------------------------------

interface Build {
  ms: number;
  /** CPU time of the build process (user + system), less sensitive than wall clock to other load on the machine. */
  cpuMs: number;
  phases: Record<string, number>; // from --extendedDiagnostics: Parse, Bind, Check, Emit, ...
  memoryKB: number;
}

/** CPU milliseconds used by this process's waited-for children (Linux `/proc/self/stat` cutime + cstime), or NaN. */
function childrenCpuMs(): number {
  try {
    const stat = fs.readFileSync('/proc/self/stat', 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' '); // fields[0] is field 3 (state)
    return (Number(fields[13]) + Number(fields[14])) * (1000 / 100); // cutime, cstime in USER_HZ (100)
  } catch {
    return NaN;
  }
}

function build(dir: string, which: 'tsc' | 'tspc'): Build {
  const outDir = path.join(dir, which === 'tsc' ? 'out-tsc' : 'out-tspc');
  fs.rmSync(outDir, { recursive: true, force: true });
  const args = [which === 'tsc' ? TSC : TSPC, '-p', path.join(dir, `tsconfig.${which}.json`), '--extendedDiagnostics'];
  const cpu0 = childrenCpuMs();
  const t0 = process.hrtime.bigint();
  const r = spawnSync(process.execPath, args, { cwd: dir, encoding: 'utf8', maxBuffer: 64 << 20 });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  const cpuMs = childrenCpuMs() - cpu0;
  const out = `${r.stdout}${r.stderr}`;
  const stats = out.split('\n').filter((l) => /^[A-Za-z][\w /.-]*:\s+[\d.]+(s|K)?\s*$/.test(l));
  const diagnostics = out.split('\n').filter((l) => l.trim() && !stats.includes(l));
  if (r.status !== 0 || diagnostics.length) {
    throw new Error(`${which} build failed (exit ${r.status}):\n${diagnostics.slice(0, 40).join('\n')}`);
  }
  const phases: Record<string, number> = {};
  let memoryKB = 0;
  for (const l of stats) {
    const m = /^(.+?):\s+([\d.]+)(s|K)?\s*$/.exec(l)!;
    if (m[3] === 's') phases[m[1]] = Math.round(Number(m[2]) * 1000);
    if (m[1] === 'Memory used') memoryKB = Number(m[2]);
  }
  return { ms, cpuMs, phases, memoryKB };
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

// ---------------------------------------------------------------------------------------------
// Checks on the output
// ---------------------------------------------------------------------------------------------

function walk(dir: string, rel = ''): string[] {
  const out: string[] = [];
  for (const e of fs.readdirSync(path.join(dir, rel), { withFileTypes: true })) {
    const r = path.join(rel, e.name);
    if (e.isDirectory()) out.push(...walk(dir, r));
    else if (e.name.endsWith('.js')) out.push(r);
  }
  return out;
}

interface OutputCheck {
  setTwin: number;
  runPlain: number;
  arrowTwin: number;
  methodTwinEntries: number;
  rewrittenFiles: number;
  identicalPlainFiles: number;
  run: string;
}

function checkOutput(dir: string, plan: Plan, colouredFiles: Set<string>): OutputCheck {
  const tscOut = path.join(dir, 'out-tsc');
  const tspcOut = path.join(dir, 'out-tspc');
  const files = walk(tspcOut);
  const count = (text: string, re: RegExp) => text.match(re)?.length ?? 0;
  const c: OutputCheck = {
    setTwin: 0,
    runPlain: 0,
    arrowTwin: 0,
    methodTwinEntries: 0,
    rewrittenFiles: 0,
    identicalPlainFiles: 0,
    run: '',
  };
  const problems: string[] = [];
  for (const f of files) {
    const text = fs.readFileSync(path.join(tspcOut, f), 'utf8');
    const plain = fs.readFileSync(path.join(tscOut, f), 'utf8');
    const rel = f.split(path.sep).join('/');
    c.setTwin += count(text, /\.setTwin\(/g);
    c.runPlain += count(text, /\.runPlain\(/g);
    c.arrowTwin += count(text, /\.arrowTwin\(/g);
    // `__tsg.methodTwins(this.prototype, ["m"], ["C.m"]);` in a class, `}, ["m"], ["m"])` closing an object literal
    for (const m of text.matchAll(
      /^\s*(?:\w+\.methodTwins\(this(?:\.prototype)?, |\}, )\[([^\]\n]*)\], \[[^\]\n]*\]\)/gm,
    )) {
      c.methodTwinEntries += m[1].split(',').filter((s) => s.trim()).length;
    }
    if (text.includes('ts-greenlet/protocol')) c.rewrittenFiles++;
    if (colouredFiles.has(rel)) {
      if (!text.includes('ts-greenlet/protocol')) problems.push(`${rel}: coloured, but not rewritten`);
    } else if (text === plain) c.identicalPlainFiles++;
    else problems.push(`${rel}: nothing coloured, yet it differs from tsc's output`);
  }
  const want = {
    setTwin: plan.declarations,
    runPlain: plan.declarations + plan.privateMethods,
    arrowTwin: plan.arrows,
    methodTwinEntries: plan.methods,
    rewrittenFiles: colouredFiles.size,
  };
  for (const [k, v] of Object.entries(want)) {
    const got = c[k as keyof typeof want];
    if (got !== v) problems.push(`${k}: ${got} in the output, ${v} planned`);
  }
  const r = spawnSync(process.execPath, [path.join(tspcOut, 'main.js')], {
    cwd: dir,
    encoding: 'utf8',
    timeout: 30_000,
  });
  c.run = r.stdout.trim();
  if (r.status !== 0 || !c.run.startsWith('bench-ok'))
    problems.push(`running out-tspc/main.js: exit ${r.status}\n${r.stdout}${r.stderr}`);
  if (problems.length) throw new Error(`tspc output check failed:\n${problems.slice(0, 40).join('\n')}`);
  return c;
}

/** In this process: a type-checked program, then the analysis alone (cold and cached), then emit with and without the transform. */
function measureInProcess(dir: string, plan: Plan) {
  const config = ts.getParsedCommandLineOfConfigFile(
    path.join(dir, 'tsconfig.tspc.json'),
    {},
    { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => {} },
  )!;
  const time = <T>(f: () => T): [T, number] => {
    const t0 = process.hrtime.bigint();
    const v = f();
    return [v, Number(process.hrtime.bigint() - t0) / 1e6];
  };
  const [program, programMs] = time(() => ts.createProgram(config.fileNames, config.options));
  const [diags, checkMs] = time(() => program.getSemanticDiagnostics());
  if (diags.length) throw new Error(`in-process program has ${diags.length} diagnostics`);
  const [analysis, analyseMs] = time(() => analyse(program)); // what tspc pays: after the check, before the rewrite
  const [, analyseAgainMs] = time(() => getAnalysis(program)); // a second analysis, relation caches warm; cached for the emit below
  const noWrite: ts.WriteFileCallback = () => {};
  const [, emitPlainMs] = time(() => program.emit(undefined, noWrite));
  const [, emitTransformMs] = time(() =>
    program.emit(undefined, noWrite, undefined, false, { before: [createTransformer(program)] }),
  );
  const names = [...analysis.coloured].map(functionName);
  const planned = [...plan.names];
  const extra = names.filter((n) => !plan.names.has(n));
  const missing = planned.filter((n) => !names.includes(n));
  const inv = analysis.inventory;
  return {
    programMs: Math.round(programMs),
    checkMs: Math.round(checkMs),
    analyseMs: Math.round(analyseMs),
    analyseAgainMs: Math.round(analyseAgainMs),
    emitPlainMs: Math.round(emitPlainMs),
    emitTransformMs: Math.round(emitTransformMs), // rewrite + emit; the analysis is cached by then
    coloured: analysis.coloured.size,
    planned: plan.declarations + plan.privateMethods + plan.arrows + plan.methods,
    unexpected: extra.slice(0, 20),
    missing: missing.slice(0, 20),
    functions: inv.functions.length,
    calls: inv.calls.length,
  };
}

// ---------------------------------------------------------------------------------------------

function main(): void {
  const started = Date.now();
  const { dir, plan, files, lines, colouredFiles } = writeProject();
  if (process.argv.includes('--generate')) {
    console.log(dir);
    return;
  }
  const log = (s: string) => {
    if (!JSON_OUT) console.log(s);
  };
  try {
    log(`generated ${files} files (${lines} lines, ${colouredFiles.size} coloured) in ${dir}`);
    // Warm-up (untimed): disk cache, ts-patch's patched-compiler cache; also the output checks.
    build(dir, 'tsc');
    build(dir, 'tspc');
    const check = checkOutput(dir, plan, colouredFiles);
    log(
      `checked: ${check.setTwin} setTwin, ${check.runPlain} runPlain, ${check.arrowTwin} arrowTwin, ${check.methodTwinEntries} methodTwins entries, ` +
        `${check.rewrittenFiles} files rewritten, ${check.identicalPlainFiles} identical to tsc; run: ${check.run}`,
    );
    const runs: Record<'tsc' | 'tspc', Build[]> = { tsc: [], tspc: [] };
    for (let i = 0; i < ROUNDS; i++) {
      const order: Array<'tsc' | 'tspc'> = i % 2 ? ['tspc', 'tsc'] : ['tsc', 'tspc'];
      for (const which of order) {
        const b = build(dir, which);
        runs[which].push(b);
        log(
          `  round ${i + 1} ${which.padEnd(4)} ${Math.round(b.ms)} ms, cpu ${Math.round(b.cpuMs)} ms (check ${b.phases['Check time']} ms, emit ${b.phases['Emit time']} ms)`,
        );
      }
    }
    const summary = (bs: Build[]) => {
      const phases: Record<string, number> = {};
      for (const k of Object.keys(bs[0].phases)) phases[k] = median(bs.map((b) => b.phases[k] ?? 0));
      return {
        ms: Math.round(median(bs.map((b) => b.ms))),
        cpuMs: Math.round(median(bs.map((b) => b.cpuMs))),
        runs: bs.map((b) => Math.round(b.ms)),
        phases,
        memoryKB: median(bs.map((b) => b.memoryKB)),
      };
    };
    const tsc = summary(runs.tsc);
    const tspc = summary(runs.tspc);
    const ratio = tspc.ms / tsc.ms;
    const cpuRatio = tspc.cpuMs / tsc.cpuMs;
    const inProcess = measureInProcess(dir, plan);
    if (inProcess.coloured !== inProcess.planned || inProcess.unexpected.length || inProcess.missing.length) {
      throw new Error(
        `analysis coloured ${inProcess.coloured}, planned ${inProcess.planned}; unexpected ${inProcess.unexpected.join(', ')}; missing ${inProcess.missing.join(', ')}`,
      );
    }
    const result = {
      date: new Date().toISOString(),
      node: process.version,
      cpus: os.cpus().length,
      cpu: os.cpus()[0]?.model,
      typescript: ts.version,
      project: { files, lines, colouredFiles: colouredFiles.size, colouredFunctions: inProcess.planned },
      rounds: ROUNDS,
      tsc,
      tspc,
      ratio: Math.round(ratio * 1000) / 1000,
      cpuRatio: Math.round(cpuRatio * 1000) / 1000,
      target: TARGET,
      // CPU time decides: on a shared machine the wall clock moves with other load (bench/RESULTS.md)
      met: cpuRatio <= TARGET,
      check,
      inProcess,
      benchSeconds: Math.round((Date.now() - started) / 1000),
    };
    if (JSON_OUT) {
      console.log(JSON.stringify(result, null, 2));
    } else {
      const row = (name: string, s: typeof tsc) =>
        `${name.padEnd(18)} ${String(s.ms).padStart(7)} ms  cpu ${String(s.cpuMs).padStart(7)} ms   parse ${s.phases['Parse time']}  bind ${s.phases['Bind time']}  check ${s.phases['Check time']}  emit ${s.phases['Emit time']}  (runs ${s.runs.join(', ')})`;
      console.log('');
      console.log(
        `${files} files, ${lines} lines; ${colouredFiles.size} files coloured, ${inProcess.planned} functions with twins`,
      );
      console.log(
        `Node ${process.version}, ${os.cpus().length} cores, TypeScript ${ts.version}; medians of ${ROUNDS}, wall clock per build process`,
      );
      console.log(row('tsc', tsc));
      console.log(row('tspc + transform', tspc));
      console.log(
        `CPU time ratio tspc+transform / tsc: ${cpuRatio.toFixed(3)} (target <= ${TARGET}: ${cpuRatio <= TARGET ? 'met' : 'MISSED'}); wall clock ratio ${ratio.toFixed(3)}`,
      );
      console.log(
        `in process, after a full check (${inProcess.checkMs} ms): analyse() ${inProcess.analyseMs} ms (again, cached relations: ${inProcess.analyseAgainMs} ms); ` +
          `emit ${inProcess.emitPlainMs} ms plain, ${inProcess.emitTransformMs} ms with the rewrite`,
      );
      console.log(`bench took ${result.benchSeconds} s`);
    }
  } finally {
    if (KEEP) log(`kept ${dir}`);
    else fs.rmSync(dir, { recursive: true, force: true });
  }
}

main();
