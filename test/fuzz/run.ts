/**
 * The differential fuzzer (`npm run fuzz -- --runs 10000 --seed 42`).
 *
 * For each generated program (see generate.ts): the sync-style form is compiled through the
 * transformer and run as greenlets, the async/await reference is run as written, and the traces,
 * task results and the global must be equal. A ts-greenlet diagnostic or a type error in the
 * sync form is a failure too (the generator only writes supported, well-typed code), except in a
 * program the generator gave one construct that must be reported (`Program.bad`): that one is
 * compiled, not run, and must get its TSG code.
 *
 * `--eject` runs the sync form ejected to async/await (`ts-greenlet eject`) instead of transformed:
 * the ejected program, type-checked and compiled by plain TypeScript, must match the reference
 * too, a second async twin written by a different hand. Programs eject lists as not ejectable
 * (a suspending accessor) are counted and not run.
 *
 * Constructs with a known bug are off by default (`KNOWN_BUG_FLAGS`, reproducers in found/;
 * `npm run fuzz -- --repro test/fuzz/found/<name>.ts` compiles one through the transformer and
 * runs it).
 *
 * Speed: programs are compiled many to a `ts.Program` (lib and package `.d.ts` files parsed once)
 * and run many to a child process, the child running one batch while the next compiles.
 * Shrinking: the batch pass finds failures; then fast-check replays the same seed with the
 * batch results cached, reaches the first failure and shrinks it one program at a time.
 */
import { ChildProcess, fork } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import ts from 'typescript';
import { createTransformer, formatDiagnostic, getAnalysis } from '../../transformer';
import { eject } from '../../transformer/eject';
import type { RunReply, RunRequest, RunResult } from './child';
import {
  BAD_CODES,
  defaultFlags,
  describeProgram,
  FLAG_DEFAULTS,
  FlagName,
  Flags,
  KNOWN_BUG_FLAGS,
  Program,
  programArb,
  render,
  Rendered,
} from './generate';

/** The package root: the nearest directory up from here whose package.json is ts-greenlet's. */
export const ROOT = ((): string => {
  for (let dir = __dirname; ; dir = path.dirname(dir)) {
    const pkg = path.join(dir, 'package.json');
    if (fs.existsSync(pkg) && JSON.parse(fs.readFileSync(pkg, 'utf8')).name === 'ts-greenlet') return dir;
    if (path.dirname(dir) === dir) throw new Error(`no ts-greenlet package.json above ${__dirname}`);
  }
})();
export const TMP = path.join(ROOT, '.fuzz-tmp');
const HARNESS = path.join(__dirname, 'harness');
const CHILD = path.join(__dirname, 'child.js');

export interface FuzzOptions {
  runs: number;
  seed: number;
  flags?: Flags;
  /** Programs per compile and per child round trip. */
  batch?: number;
  /** Stop shrinking after this long (the best counterexample so far is printed). */
  shrinkSeconds?: number;
  /** Keep generated files (always kept for a failure). */
  keep?: boolean;
  log?: (line: string) => void;
  maxFns?: number;
  /** Only these program indices of the seed's stream (to re-check failures of a long run). */
  only?: number[];
  /** Run the sync form through `eject` (async/await, plain TypeScript) instead of the transform. */
  eject?: boolean;
}

export interface Failure {
  kind: 'type-error' | 'diagnostic' | 'mismatch' | 'crash';
  detail: string;
}

export interface FuzzResult {
  ok: boolean;
  ran: number;
  failed: number;
  /** `--eject`: programs eject kept part of as written (a suspending accessor), so not run, by why. */
  notEjectable: number;
  notEjectableWhy: Record<string, number>;
  ms: number;
  seed: number;
  /** Indices of failing programs in the batch pass, with their first line of detail. */
  failures: Array<{ index: number; kind: Failure['kind']; summary: string }>;
  /** The shrunk counterexample, printed. */
  report?: string;
}

// ---------------------------------------------------------------------------------------------
// Compiling

const compilerOptions: ts.CompilerOptions = {
  target: ts.ScriptTarget.ES2022,
  module: ts.ModuleKind.Node20,
  moduleResolution: ts.ModuleResolutionKind.Node16,
  lib: ['lib.es2023.d.ts'],
  strict: true,
  skipLibCheck: true,
  esModuleInterop: true,
  types: [],
  sourceMap: false,
  newLine: ts.NewLineKind.LineFeed,
};
const sharedFiles = new Map<string, ts.SourceFile | undefined>();
const baseHost = ts.createCompilerHost(compilerOptions);
const host: ts.CompilerHost = {
  ...baseHost,
  getSourceFile(fileName, languageVersion, onError) {
    const cacheable =
      fileName.includes(`${path.sep}node_modules${path.sep}`) || fileName.includes(`${path.sep}dist${path.sep}`);
    if (!cacheable) return baseHost.getSourceFile(fileName, languageVersion, onError);
    if (!sharedFiles.has(fileName))
      sharedFiles.set(fileName, baseHost.getSourceFile(fileName, languageVersion, onError));
    return sharedFiles.get(fileName);
  },
};

interface Compiled {
  js: Map<string, string>;
  /** Diagnostics (ts-greenlet's and type errors) by file, formatted relative to the batch dir. */
  tsg: Map<string, string[]>;
  typeErrors: Map<string, string[]>;
  program: ts.Program;
}

function compileFiles(rootNames: string[], cwd: string, options = compilerOptions): Compiled {
  const program = ts.createProgram({ rootNames, options, host });
  const byFile = (list: readonly ts.Diagnostic[]) => {
    const m = new Map<string, string[]>();
    for (const d of list) {
      const key = d.file ? path.resolve(d.file.fileName) : '';
      if (!m.has(key)) m.set(key, []);
      m.get(key)!.push(formatDiagnostic(d, cwd));
    }
    return m;
  };
  const typeErrors = byFile(
    ts.getPreEmitDiagnostics(program).filter((d) => d.category === ts.DiagnosticCategory.Error),
  );
  const diags: ts.Diagnostic[] = [];
  const js = new Map<string, string>();
  program.emit(
    undefined,
    (name, text) => {
      if (name.endsWith('.js')) js.set(path.resolve(name.replace(/\.js$/, '.ts')), text);
    },
    undefined,
    false,
    { before: [createTransformer(program, { addDiagnostic: (d) => diags.push(d) })] },
  );
  return { js, tsg: byFile(diags), typeErrors, program };
}

// ---------------------------------------------------------------------------------------------
// Running

export class Executor {
  private child: ChildProcess | undefined;
  private nextId = 0;
  private served = 0;
  /** The current child's requests in flight (each child has its own map). */
  private waiting = new Map<number, { resolve: (r: RunResult[]) => void; reject: (e: Error) => void }>();

  private spawn(): ChildProcess {
    if (this.child && this.served < 3000) return this.child;
    this.kill();
    const child = fork(CHILD, [], { stdio: ['ignore', 'ignore', 'ignore', 'ipc'], execArgv: [] });
    const waiting: Executor['waiting'] = new Map();
    this.waiting = waiting;
    child.on('message', (m: RunReply) => {
      const w = waiting.get(m.id);
      waiting.delete(m.id);
      w?.resolve(m.results);
    });
    child.on('exit', () => {
      if (this.child === child) this.child = undefined;
      for (const w of waiting.values()) w.reject(new Error('the fuzz child exited'));
      waiting.clear();
    });
    this.served = 0;
    return (this.child = child);
  }

  kill(): void {
    const c = this.child;
    this.child = undefined;
    if (c && c.exitCode === null) c.kill('SIGKILL');
  }

  /** Runs `files` in order in the child; rejects if it takes longer than `budgetMs` in all. */
  run(files: string[], timeoutMs: number, budgetMs: number): Promise<RunResult[]> {
    const child = this.spawn();
    const waiting = this.waiting;
    this.served += files.length;
    const id = this.nextId++;
    return new Promise<RunResult[]>((resolve, reject) => {
      const timer = setTimeout(() => {
        waiting.delete(id);
        if (this.child === child) this.kill();
        reject(new Error('the batch timed out'));
      }, budgetMs);
      waiting.set(id, {
        resolve: (r) => (clearTimeout(timer), resolve(r)),
        reject: (e) => (clearTimeout(timer), reject(e)),
      });
      child.send({ id, files, timeoutMs } satisfies RunRequest);
    });
  }

  /** Like `run`, but a file that hangs or kills the child only costs itself. */
  async runRobust(files: string[]): Promise<RunResult[]> {
    try {
      return await this.run(files, 5000, 20_000 + files.length * 500);
    } catch {
      const out: RunResult[] = [];
      for (const f of files) {
        try {
          out.push((await this.run([f], 5000, 8000))[0]);
        } catch {
          out.push({ timeout: true });
        }
      }
      return out;
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Evaluating programs

export interface Case {
  prog: Program;
  /** Where its files live and what they are called. */
  dir: string;
  name: string;
  sync: Rendered['files'];
  ref: string;
}

export interface Verdict {
  ok: boolean;
  failure?: Failure;
  sync?: RunResult;
  ref?: RunResult;
  /** The transformer's output for the sync form (main module, then the second one); with `--eject`, the ejected TypeScript. */
  js?: string[];
  /** `--eject`: why eject kept part of this program as written (so it was not run). */
  notEjectable?: string;
}

function makeCase(prog: Program, flags: Flags, dir: string, name: string): Case {
  const harness = path.relative(dir, HARNESS).split(path.sep).join('/');
  const sync = render(prog, 'sync', flags, harness, name).files;
  const ref = render(prog, 'async', flags, harness, name).files[0].text;
  return { prog, dir, name, sync, ref };
}

const caseKey = (c: Case) => `${c.sync.map((f) => f.text).join('\0')}\0${c.ref}`;

function writeCase(c: Case): string[] {
  fs.mkdirSync(c.dir, { recursive: true });
  const files = c.sync.map((f) => path.join(c.dir, `${c.name}${f.suffix}.ts`));
  c.sync.forEach((f, i) => fs.writeFileSync(files[i], f.text));
  fs.writeFileSync(path.join(c.dir, `${c.name}.ref.js`), c.ref);
  return files;
}

interface Prepared {
  cases: Case[];
  verdicts: Array<Verdict | undefined>;
  js: Array<string[] | undefined>;
}

/**
 * Writes and compiles a batch; the cases that failed to compile get their verdict already. If the
 * compiler or the transformer throws, each case is compiled alone, to pin it on the program.
 */
function prepare(cases: Case[], mode: 'transform' | 'eject' = 'transform'): Prepared {
  const sources = cases.map(writeCase);
  const dir = cases[0].dir;
  let out: Compiled;
  try {
    out = compileFiles(sources.flat(), dir);
  } catch (e) {
    if (cases.length > 1) {
      const each = cases.map((c) => prepare([c], mode));
      return { cases, verdicts: each.map((p) => p.verdicts[0]), js: each.map((p) => p.js[0]) };
    }
    const detail = `compiling through the transformer threw:\n${e instanceof Error ? e.stack : String(e)}`;
    return { cases, verdicts: [{ ok: false, failure: { kind: 'crash', detail } }], js: [undefined] };
  }
  const verdicts: Array<Verdict | undefined> = [];
  const js: Array<string[] | undefined> = [];
  cases.forEach((c, i) => {
    const emitted = sources[i].map((f) => out.js.get(f) ?? '');
    js.push(emitted);
    const typeErrors = sources[i].flatMap((f) => out.typeErrors.get(f) ?? []);
    const tsg = sources[i].flatMap((f) => out.tsg.get(f) ?? []);
    if (typeErrors.length) {
      verdicts.push({
        ok: false,
        failure: { kind: 'type-error', detail: `the generator wrote an ill-typed program:\n${typeErrors.join('\n')}` },
        js: emitted,
      });
    } else if (c.prog.bad) {
      // a construct that must be reported: compiled, never run
      const code = BAD_CODES[c.prog.bad.kind];
      if (tsg.some((d) => d.includes(`${code}:`))) verdicts.push({ ok: true, js: emitted });
      else {
        const got = tsg.length
          ? `it reported only:\n${tsg.join('\n')}`
          : 'it reported nothing, and emitted the program';
        verdicts.push({
          ok: false,
          failure: {
            kind: 'diagnostic',
            detail: `the transformer did not report ${code} for the ${c.prog.bad.kind} construct; ${got}`,
          },
          js: emitted,
        });
      }
    } else if (tsg.length) {
      verdicts.push({
        ok: false,
        failure: { kind: 'diagnostic', detail: `the transformer rejected a supported program:\n${tsg.join('\n')}` },
        js: emitted,
      });
    } else {
      sources[i].forEach((f, k) => fs.writeFileSync(f.replace(/\.ts$/, '.js'), emitted[k]));
      verdicts.push(undefined);
    }
  });
  if (mode === 'eject') ejectRunnable(out.program, sources, verdicts, js);
  return { cases, verdicts, js };
}

/**
 * `--eject`: the runnable cases' sync sources ejected to async/await over themselves, then
 * type-checked and compiled by plain TypeScript to the `.js` files `execute` runs. A case eject
 * lists something for is not ejectable: its verdict is ok, and it is counted as `notEjectable`.
 */
function ejectRunnable(
  program: ts.Program,
  sources: string[][],
  verdicts: Array<Verdict | undefined>,
  js: Array<string[] | undefined>,
): void {
  const analysis = getAnalysis(program);
  const runnable = sources.flatMap((files, i) => (verdicts[i] ? [] : [i]));
  for (const i of runnable) {
    const result = eject(
      analysis,
      sources[i].map((f) => program.getSourceFile(f)!),
    );
    const left = result.left.filter((l) => l.kind === 'left');
    if (left.length) {
      verdicts[i] = { ok: true, notEjectable: left[0].reason };
      continue;
    }
    for (const [file, { after }] of result.files) fs.writeFileSync(file, after);
    js[i] = sources[i].map((f) => result.files.get(f)!.after);
  }
  const files = runnable.filter((i) => !verdicts[i]).flatMap((i) => sources[i]);
  if (!files.length) return;
  const ejected = ts.createProgram({ rootNames: files, options: compilerOptions, host });
  const errors = new Map<string, string[]>();
  for (const d of ts.getPreEmitDiagnostics(ejected)) {
    const key = d.file ? path.resolve(d.file.fileName) : '';
    errors.set(key, [...(errors.get(key) ?? []), formatDiagnostic(d, path.dirname(files[0]))]);
  }
  ejected.emit();
  for (const i of runnable) {
    const typeErrors = verdicts[i] ? [] : sources[i].flatMap((f) => errors.get(f) ?? []);
    if (typeErrors.length)
      verdicts[i] = {
        ok: false,
        failure: { kind: 'type-error', detail: `the ejected program does not type-check:\n${typeErrors.join('\n')}` },
        js: js[i],
      };
  }
}

async function execute(exec: Executor, p: Prepared): Promise<Verdict[]> {
  const runnable = p.cases.map((c, i) => (p.verdicts[i] ? undefined : c)).filter((c): c is Case => !!c);
  const files = runnable.flatMap((c) => [path.join(c.dir, `${c.name}.js`), path.join(c.dir, `${c.name}.ref.js`)]);
  const results = files.length ? await exec.runRobust(files) : [];
  let r = 0;
  return p.cases.map((c, i) => {
    const v = p.verdicts[i];
    if (v) return v;
    const sync = results[r++];
    const ref = results[r++];
    return { ...compare(sync, ref), sync, ref, js: p.js[i] };
  });
}

function compare(sync: RunResult, ref: RunResult): Pick<Verdict, 'ok' | 'failure'> {
  if ('crash' in ref || 'timeout' in ref || ref.unhandled) {
    return {
      ok: false,
      failure: {
        kind: 'crash',
        detail: `the reference itself failed (a generator bug): ${JSON.stringify(ref).slice(0, 2000)}`,
      },
    };
  }
  if ('crash' in sync)
    return { ok: false, failure: { kind: 'crash', detail: `the sync form crashed on load or run: ${sync.crash}` } };
  if ('timeout' in sync)
    return {
      ok: false,
      failure: {
        kind: 'crash',
        detail: 'the sync form did not finish (a hang, an endless loop, or the process exited)',
      },
    };
  const lines: string[] = [];
  const n = Math.max(sync.trace.length, ref.trace.length);
  for (let i = 0; i < n; i++) {
    if (sync.trace[i] !== ref.trace[i]) {
      lines.push(
        `trace differs at entry ${i}: expected ${JSON.stringify(ref.trace[i] ?? '<end>')}, actual ${JSON.stringify(sync.trace[i] ?? '<end>')}`,
      );
      for (let k = Math.max(0, i - 4); k < Math.min(n, i + 4); k++) {
        lines.push(
          `  ${k === i ? '>' : ' '} ${String(k).padStart(4)}  expected ${JSON.stringify(ref.trace[k] ?? '<end>').padEnd(36)} actual ${JSON.stringify(sync.trace[k] ?? '<end>')}`,
        );
      }
      break;
    }
  }
  if (JSON.stringify(sync.results) !== JSON.stringify(ref.results))
    lines.push(`results: expected ${JSON.stringify(ref.results)}, actual ${JSON.stringify(sync.results)}`);
  if (sync.g !== ref.g && !(Number.isNaN(sync.g) && Number.isNaN(ref.g)))
    lines.push(`global g: expected ${ref.g}, actual ${sync.g}`);
  if (sync.bag !== ref.bag) lines.push(`bag keys: expected ${ref.bag}, actual ${sync.bag}`);
  if (sync.unhandled) lines.push(`${sync.unhandled} unhandled rejection(s) or uncaught exception(s) in the sync form`);
  return lines.length ? { ok: false, failure: { kind: 'mismatch', detail: lines.join('\n') } } : { ok: true };
}

// ---------------------------------------------------------------------------------------------
// The fuzz loop

export async function fuzz(options: FuzzOptions): Promise<FuzzResult> {
  const log = options.log ?? ((l: string) => console.log(l));
  const flags = { ...(options.flags ?? defaultFlags()) };
  // eject lists a function that hands a promise back as a caveat, not as kept: async/await cannot
  // return a promise unflattened, so its callers differ (transformer/eject/functions.ts)
  if (options.eject) flags.returnsPromise = false;
  const batch = options.batch ?? 40;
  const mode = options.eject ? 'eject' : 'transform';
  const started = Date.now();
  const runDir = path.join(TMP, `run-${process.pid}-${options.seed}`);
  fs.rmSync(runDir, { recursive: true, force: true });
  const arb = programArb(flags, { maxFns: options.maxFns });
  const exec = new Executor();
  const cache = new Map<string, Verdict>();
  const failures: FuzzResult['failures'] = [];
  let ran = 0;
  let notEjectable = 0;
  const notEjectableWhy: Record<string, number> = {};
  try {
    // 1. the batch pass
    const all = fc.sample(arb, {
      seed: options.seed,
      numRuns: options.only ? Math.max(...options.only) + 1 : options.runs,
    });
    const indices = options.only ?? all.map((_, i) => i);
    const programs = indices.map((i) => all[i]);
    let inflight: Promise<void> | undefined;
    let lastLog = Date.now();
    for (let start = 0; start < programs.length; start += batch) {
      const dir = path.join(runDir, `b${start / batch}`);
      const cases = programs
        .slice(start, start + batch)
        .map((p, i) => makeCase(p, flags, dir, `p${indices[start + i]}`));
      const prepared = prepare(cases, mode);
      await inflight;
      inflight = execute(exec, prepared).then((verdicts) => {
        verdicts.forEach((v, i) => {
          cache.set(caseKey(cases[i]), v);
          if (v.notEjectable) {
            notEjectable++;
            // one kind of reason, whichever function it names
            const why = v.notEjectable
              .replace(/^\S+ may suspend/, 'a function may suspend')
              .replace(/reads \S+,/, 'reads a name,');
            notEjectableWhy[why] = (notEjectableWhy[why] ?? 0) + 1;
          }
          if (!v.ok)
            failures.push({
              index: indices[start + i],
              kind: v.failure!.kind,
              summary: v.failure!.detail.split('\n').slice(0, 3).join(' | '),
            });
        });
        ran += cases.length;
        if (!options.keep && verdicts.every((v) => v.ok)) fs.rmSync(dir, { recursive: true, force: true });
        if (Date.now() - lastLog > 10_000) {
          lastLog = Date.now();
          log(
            `  ${ran}/${programs.length} programs, ${failures.length} failing, ${((Date.now() - started) / 1000).toFixed(0)} s`,
          );
        }
      });
    }
    await inflight;
    const result: FuzzResult = {
      ok: failures.length === 0,
      ran,
      failed: failures.length,
      notEjectable,
      notEjectableWhy,
      ms: Date.now() - started,
      seed: options.seed,
      failures,
    };
    if (result.ok) {
      if (!options.keep) fs.rmSync(runDir, { recursive: true, force: true });
      return result;
    }

    // 2. replay with fast-check (batch verdicts cached) to shrink the first failure
    log(
      `${failures.length} of ${ran} programs failed (seed ${options.seed}); shrinking the first (program #${failures[0].index})...`,
    );
    let single = 0;
    let last: { c: Case; v: Verdict } | undefined;
    const prop = fc.asyncProperty(arb, async (p) => {
      const c = makeCase(p, flags, path.join(runDir, 'shrink', `s${single}`), `s${single}`);
      let v = cache.get(caseKey(c));
      if (!v) {
        single++;
        v = (await execute(exec, prepare([c], mode)))[0];
        cache.set(caseKey(c), v);
        if (v.ok && !options.keep) fs.rmSync(c.dir, { recursive: true, force: true });
      }
      if (!v.ok) last = { c, v };
      return v.ok;
    });
    // `path` starts the replay at the failing program (the batch pass's stream is fast-check's)
    const details = await fc.check(prop, {
      seed: options.seed,
      path: String(failures[0].index),
      numRuns: failures[0].index + 1,
      interruptAfterTimeLimit: (options.shrinkSeconds ?? 300) * 1000,
    });
    result.ms = Date.now() - started;
    const cx = details.counterexample?.[0];
    if (!cx) {
      result.report = `fast-check's replay did not reach a failure (the batch pass found ${failures.length}); rerun with --seed ${options.seed} --keep and inspect ${runDir}`;
      return result;
    }
    const c = makeCase(cx, flags, path.join(runDir, 'shrunk'), 'shrunk');
    const v = (await execute(exec, prepare([c], mode)))[0];
    result.report = formatFailure(
      c,
      v.ok ? last!.v : v,
      options.seed,
      failures[0].index + 1,
      details.counterexamplePath ?? '',
      details.numShrinks,
      details.interrupted,
      flags,
    );
    fs.writeFileSync(path.join(c.dir, 'REPORT.txt'), result.report);
    return result;
  } finally {
    exec.kill();
  }
}

function formatFailure(
  c: Case,
  v: Verdict,
  seed: number,
  runs: number,
  cxPath: string,
  shrinks: number,
  interrupted: boolean,
  flags: Flags,
): string {
  const defaults = defaultFlags();
  const names = Object.keys(flags) as FlagName[];
  const on = names.filter((k) => flags[k] && !defaults[k]);
  const off = names.filter((k) => !flags[k] && defaults[k]);
  const out = [
    `=== ts-greenlet fuzz failure: ${v.failure?.kind} ===`,
    `seed ${seed}, path ${cxPath}, ${shrinks} shrinks${interrupted ? ' (shrinking stopped at the time limit)' : ''}`,
    `replay: npm run fuzz -- --seed ${seed} --runs ${runs}${on.length ? ` --enable ${on.join(',')}` : ''}${off.length ? ` --disable ${off.join(',')}` : ''}`,
    `program: ${describeProgram(c.prog)}`,
    `files: ${c.dir}`,
    '',
    v.failure?.detail ?? '',
    '',
  ];
  for (const f of c.sync)
    out.push(`--- sync form (${c.name}${f.suffix}.ts), compiled through the transformer ---`, f.text);
  out.push(`--- reference (${c.name}.ref.js) ---`, c.ref);
  c.sync.forEach((f, i) => v.js?.[i] && out.push(`--- transformer output (${c.name}${f.suffix}.js) ---`, v.js[i]));
  if (v.sync && 'trace' in v.sync && v.ref && 'trace' in v.ref) {
    out.push(
      '--- expected (reference) ---',
      JSON.stringify({ results: v.ref.results, g: v.ref.g, trace: v.ref.trace }),
    );
    out.push(
      '--- actual (sync form) ---',
      JSON.stringify({ results: v.sync.results, g: v.sync.g, trace: v.sync.trace, unhandled: v.sync.unhandled }),
    );
  }
  return out.join('\n');
}

// ---------------------------------------------------------------------------------------------
// Reproducers (test/fuzz/found/*.ts): compile one through the transformer and run it

/** Compiles `file` (and the `.ts` files next to it it imports) through the transformer, runs it, prints what happened. */
export function repro(file: string): {
  diagnostics: string[];
  typeErrors: string[];
  js: string;
  stdout: string;
  stderr: string;
  status: number | null;
} {
  const abs = path.resolve(file);
  const out = compileFiles([abs], path.dirname(abs), { ...compilerOptions, types: ['node'] });
  const dir = path.join(TMP, 'repro', path.basename(abs, '.ts'));
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  for (const [f, text] of out.js) fs.writeFileSync(path.join(dir, path.basename(f).replace(/\.ts$/, '.js')), text);
  const main = path.join(dir, path.basename(abs).replace(/\.ts$/, '.js'));
  const r = require('node:child_process').spawnSync(process.execPath, [main], { encoding: 'utf8', timeout: 20_000 });
  return {
    diagnostics: [...out.tsg.values()].flat(),
    typeErrors: [...out.typeErrors.values()].flat(),
    js: out.js.get(abs) ?? '',
    stdout: r.stdout,
    stderr: r.stderr,
    status: r.status,
  };
}

// ---------------------------------------------------------------------------------------------
// CLI

export function parseFlags(enable: string[], disable: string[]): Flags {
  const flags = defaultFlags();
  const check = (n: string): FlagName => {
    if (!(n in FLAG_DEFAULTS))
      throw new Error(`unknown construct flag '${n}'; known: ${Object.keys(FLAG_DEFAULTS).join(', ')}`);
    return n as FlagName;
  };
  for (const n of enable) flags[check(n)] = true;
  for (const n of disable) flags[check(n)] = false;
  return flags;
}

async function main(argv: string[]): Promise<number> {
  const opts: FuzzOptions = { runs: 1000, seed: Date.now() % 2 ** 31 };
  const enable: string[] = [];
  const disable: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const next = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${a} needs a value`);
      return v;
    };
    if (a === '--runs') opts.runs = Number(next());
    else if (a === '--seed') opts.seed = Number(next());
    else if (a === '--batch') opts.batch = Number(next());
    else if (a === '--shrink-seconds') opts.shrinkSeconds = Number(next());
    else if (a === '--max-fns') opts.maxFns = Number(next());
    else if (a === '--only') opts.only = next().split(',').map(Number);
    else if (a === '--enable') enable.push(...next().split(','));
    else if (a === '--disable') disable.push(...next().split(','));
    else if (a === '--keep') opts.keep = true;
    else if (a === '--eject') opts.eject = true;
    else if (a === '--repro') {
      const r = repro(next());
      if (r.typeErrors.length) console.log(`type errors:\n${r.typeErrors.join('\n')}`);
      if (r.diagnostics.length) console.log(`ts-greenlet diagnostics:\n${r.diagnostics.join('\n')}`);
      if (argv.includes('--js')) console.log(`--- transformer output ---\n${r.js}`);
      console.log(`--- stdout ---\n${r.stdout}--- stderr ---\n${r.stderr}--- exit status ${r.status}`);
      return 0;
    } else if (a === '--js') continue;
    else if (a === '--help' || a === '-h') {
      console.log(
        [
          'npm run fuzz -- [--runs N] [--seed N] [--batch N] [--enable a,b] [--disable a,b] [--shrink-seconds N] [--max-fns N] [--keep] [--eject]',
          'npm run fuzz -- --seed N --only i,j,...   (re-check programs i, j of seed N, no shrinking)',
          'npm run fuzz -- --repro test/fuzz/found/<name>.ts [--js]   (compile a reproducer through the transformer and run it)',
          `construct flags: ${Object.keys(FLAG_DEFAULTS).join(', ')}`,
          `off by default (known bugs): ${
            Object.entries(KNOWN_BUG_FLAGS)
              .map(([k, v]) => `${k} (${v})`)
              .join(', ') || 'none'
          }`,
        ].join('\n'),
      );
      return 0;
    } else throw new Error(`unknown argument ${a}`);
  }
  if (!Number.isInteger(opts.seed) || !Number.isInteger(opts.runs) || opts.runs < 1)
    throw new Error('--seed and --runs take integers');
  opts.flags = parseFlags(enable, disable);
  const off = Object.keys(KNOWN_BUG_FLAGS).filter((k) => !opts.flags![k as FlagName]);
  console.log(
    `ts-greenlet fuzz: ${opts.only ? `programs ${opts.only.join(', ')} of` : `${opts.runs} programs,`} seed ${opts.seed}${off.length ? `; known-bug constructs off: ${off.join(', ')}` : ''}`,
  );
  const r = await fuzz(opts);
  const skipped = opts.eject ? `, ${r.notEjectable} not ejectable (not run)` : '';
  console.log(`${r.ran} programs in ${(r.ms / 1000).toFixed(1)} s, ${r.failed} failing${skipped} (seed ${r.seed})`);
  for (const [why, n] of Object.entries(r.notEjectableWhy)) console.log(`  not ejectable, ${n}: ${why}`);
  if (r.ok) return 0;
  for (const f of r.failures.slice(0, 20)) console.log(`  #${f.index} ${f.kind}: ${f.summary}`);
  if (r.failures.length > 20) console.log(`  ... and ${r.failures.length - 20} more`);
  console.log(r.report ?? '');
  return 1;
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (e) => {
      console.error(e instanceof Error ? e.message : e);
      process.exit(2);
    },
  );
}
