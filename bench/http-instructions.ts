/**
 * Instructions per request of the HTTP benchmark's two servers, counted by callgrind: the same
 * figure on every run whatever else the machine is doing, where req/s on this shared machine
 * moves by 10–30% between runs (see `http.ts`).
 *
 *   npm run bench:http -- --instructions [--requests=N] [--warmup-requests=N] [--callgrind-dir=D]
 *
 * Each app's server (`http.ts --serve`) runs under `valgrind --tool=callgrind` in
 * `node --predictable` (no concurrent compiler or GC threads: what a request costs is counted on
 * the one thread). Per route it gets a warm-up of W requests, then callgrind's counters are
 * zeroed, N requests are made (autocannon, the timed run's 10 connections), and the counters are
 * dumped: instructions per request = the dump's total / N. GC, the JIT and PGlite's WebAssembly
 * are counted; the client (this process) is not. V8's compilers still run well after thousands
 * of requests of warm-up (2–25% of a window's instructions, in amounts that differ from run to
 * run), so the count without them is given too, and the GC's share, from callgrind_annotate.
 * Both servers run at once, one per core. Start-up under valgrind takes ~4–6 minutes (PGlite's
 * WebAssembly), the whole run ~9 (one route) to ~14 minutes (both).
 *
 * `--callgrind-dir` keeps callgrind's files (one dump per app and route) for callgrind_annotate;
 * with `--perf` the servers run with `--perf-basic-prof`, so JIT code can be named from
 * /tmp/perf-<pid>.map.
 */
import { execFile, execFileSync, fork, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import autocannon from 'autocannon';

/** The two servers of `http.ts`: native async/await, and sync-style through ts-greenlet. */
export type AppName = 'async' | 'sync';

export interface RouteLoad {
  label: string;
  path: string;
  options: Partial<autocannon.Options>;
}

interface CountedServer {
  proc: ChildProcess;
  port: number;
  outPrefix: string;
}

function startCounted(serverScript: string, app: AppName, dir: string, perf: boolean): Promise<CountedServer> {
  const outPrefix = path.join(dir, `callgrind.${app}`);
  const proc = fork(serverScript, ['--serve', app], {
    execPath: 'valgrind',
    execArgv: [
      '--tool=callgrind',
      '--smc-check=all-non-file', // V8's code is written at run time
      `--callgrind-out-file=${outPrefix}.%p`,
      process.execPath,
      '--predictable',
      ...(perf ? ['--perf-basic-prof'] : []),
    ],
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
  });
  let stderr = '';
  proc.stderr!.on('data', (d) => (stderr = (stderr + d).slice(-4000)));
  return new Promise((resolve, reject) => {
    proc.once('error', reject);
    proc.once('exit', (code) => reject(new Error(`${app} server under callgrind exited (${code}): ${stderr}`)));
    proc.once('message', (msg: { port: number }) => resolve({ proc, port: msg.port, outPrefix }));
  });
}

/**
 * Runs `callgrind_control <flag>` on the server. Valgrind reads the command only while the
 * process runs, so an idle server is woken with IPC pings until the command is done.
 */
function control(server: CountedServer, flag: '--zero' | '--dump'): Promise<void> {
  return new Promise((resolve, reject) => {
    const ping = setInterval(() => server.proc.send({ ping: true }), 50);
    execFile('callgrind_control', [flag, String(server.proc.pid)], { timeout: 120_000 }, (error, stdout) => {
      clearInterval(ping);
      if (error) return reject(new Error(`callgrind_control ${flag} failed: ${error.message} ${stdout}`));
      resolve();
    });
  });
}

/** Instructions of one dump: in all, in V8's compilers (JS and WebAssembly), in the GC. */
export interface DumpCounts {
  total: number;
  compile: number;
  gc: number;
}

/** Entry points of V8's compilers and of its GC, whose inclusive counts split a dump. */
const COMPILE =
  /^\s*([\d,]+) .*(?:v8::internal::Runtime_Compile\w*\(|BackgroundCompileJob::Run\(|Runtime_InstallBaselineCode\()/;
const GC = /^\s*([\d,]+) .*v8::internal::Heap::CollectGarbage\(/;

/** The newest dump file callgrind wrote for `server`, split with callgrind_annotate. */
function lastDump(server: CountedServer, before: Set<string>): DumpCounts {
  const dir = path.dirname(server.outPrefix);
  const base = path.basename(server.outPrefix);
  const fresh = fs.readdirSync(dir).filter((f) => f.startsWith(base) && !before.has(f));
  if (fresh.length !== 1) throw new Error(`expected one new callgrind dump for ${base}, found ${fresh.length}`);
  const file = path.join(dir, fresh[0]);
  const m = /^(?:totals|summary): (\d+)/m.exec(fs.readFileSync(file, 'utf8'));
  if (!m) throw new Error(`no totals in ${fresh[0]}`);
  const counts = { total: Number(m[1]), compile: 0, gc: 0 };
  const annotated = execFileSync('callgrind_annotate', ['--inclusive=yes', '--threshold=100', file], {
    encoding: 'utf8',
    maxBuffer: 256 << 20,
  });
  for (const line of annotated.split('\n')) {
    const c = COMPILE.exec(line);
    if (c) counts.compile += Number(c[1].replace(/,/g, ''));
    const g = GC.exec(line);
    if (g) counts.gc += Number(g[1].replace(/,/g, ''));
  }
  return counts;
}

function requests(port: number, route: RouteLoad, amount: number, connections: number): Promise<void> {
  return new Promise((resolve, reject) => {
    autocannon(
      {
        url: `http://127.0.0.1:${port}${route.path}`,
        connections,
        amount,
        timeout: 120,
        pipelining: 1,
        ...route.options,
      },
      (err, result) => {
        if (err) return reject(err);
        if (result.errors || result.timeouts || result.non2xx) {
          return reject(
            new Error(`${route.label}: ${result.errors} errors, ${result.timeouts} timeouts, ${result.non2xx} non-2xx`),
          );
        }
        resolve();
      },
    );
  });
}

/** Instructions per request of `route` on one app's server, for each route in turn. */
async function countApp(
  serverScript: string,
  app: AppName,
  routes: RouteLoad[],
  opts: { warmup: number; requests: number; connections: number; dir: string; perf: boolean; log: (s: string) => void },
): Promise<DumpCounts[]> {
  const server = await startCounted(serverScript, app, opts.dir, opts.perf);
  opts.log(`${app} server ready under callgrind\n`);
  const counts: DumpCounts[] = [];
  try {
    for (const route of routes) {
      await requests(server.port, route, opts.warmup, opts.connections);
      await control(server, '--zero');
      await requests(server.port, route, opts.requests, opts.connections);
      const before = new Set(fs.readdirSync(opts.dir));
      await control(server, '--dump');
      const d = lastDump(server, before);
      const per = { total: d.total / opts.requests, compile: d.compile / opts.requests, gc: d.gc / opts.requests };
      counts.push(per);
      opts.log(
        `${app} ${route.label}: ${per.total.toFixed(0)} instructions per request (compilers ${per.compile.toFixed(0)}, GC ${per.gc.toFixed(0)})\n`,
      );
    }
  } finally {
    server.proc.removeAllListeners('exit');
    server.proc.send({ stop: true });
  }
  return counts;
}

/** Per request, for each app: all instructions, and those outside V8's compilers. */
export interface InstructionFigures {
  route: string;
  async: DumpCounts;
  sync: DumpCounts;
  ratio: number;
  /** The ratio without V8's compilers, which still run after the warm-up under --predictable. */
  ratioWithoutCompilers: number;
  gcRatio: number;
}

export async function instructionsPerRequest(
  serverScript: string,
  routes: RouteLoad[],
  opts: {
    warmup: number;
    requests: number;
    connections: number;
    keepDir?: string;
    perf: boolean;
    log: (s: string) => void;
  },
): Promise<InstructionFigures[]> {
  if (opts.keepDir) fs.mkdirSync(opts.keepDir, { recursive: true });
  const dir = opts.keepDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'tsg-http-callgrind-'));
  try {
    const [a, s] = await Promise.all(
      (['async', 'sync'] as const).map((app) => countApp(serverScript, app, routes, { ...opts, dir })),
    );
    return routes.map((r, i) => ({
      route: r.label,
      async: a[i],
      sync: s[i],
      ratio: s[i].total / a[i].total,
      ratioWithoutCompilers: (s[i].total - s[i].compile) / (a[i].total - a[i].compile),
      gcRatio: s[i].gc / a[i].gc,
    }));
  } finally {
    if (!opts.keepDir) fs.rmSync(dir, { recursive: true, force: true });
  }
}
