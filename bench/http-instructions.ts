/**
 * Instructions per request of the HTTP benchmark's two servers, counted by callgrind: the same
 * figure on every run whatever else the machine is doing, where req/s on this shared machine
 * moves by 10–30% between runs (see `http.ts`).
 *
 *   npm run bench:http -- --instructions [--requests=N] [--warmup-requests=N]
 *
 * Each app's server (`http.ts --serve`) runs under `valgrind --tool=callgrind` in
 * `node --predictable` (no concurrent compiler or GC threads: what a request costs is counted on
 * the one thread). Per route it gets a warm-up of W requests, then callgrind's counters are
 * zeroed, N requests are made (autocannon, the timed run's 10 connections), and the counters are
 * dumped: instructions per request = the dump's total / N. GC, the JIT and PGlite's WebAssembly
 * are counted; the client (this process) is not. Both servers run at once, one per core. Start-up
 * under valgrind takes ~4 minutes (PGlite's WebAssembly), the whole run ~8.
 */
import { execFile, fork, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import autocannon from 'autocannon';

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

function startCounted(serverScript: string, app: AppName, dir: string): Promise<CountedServer> {
  const outPrefix = path.join(dir, `callgrind.${app}`);
  const proc = fork(serverScript, ['--serve', app], {
    execPath: 'valgrind',
    execArgv: [
      '--tool=callgrind',
      '--smc-check=all-non-file', // V8's code is written at run time
      `--callgrind-out-file=${outPrefix}.%p`,
      process.execPath,
      '--predictable',
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

/** Total instructions (`Ir`) of the newest dump file callgrind wrote for `server`. */
function lastDumpTotal(server: CountedServer, before: Set<string>): number {
  const dir = path.dirname(server.outPrefix);
  const base = path.basename(server.outPrefix);
  const fresh = fs.readdirSync(dir).filter((f) => f.startsWith(base) && !before.has(f));
  if (fresh.length !== 1) throw new Error(`expected one new callgrind dump for ${base}, found ${fresh.length}`);
  const text = fs.readFileSync(path.join(dir, fresh[0]), 'utf8');
  const m = /^(?:totals|summary): (\d+)/m.exec(text);
  if (!m) throw new Error(`no totals in ${fresh[0]}`);
  return Number(m[1]);
}

function requests(port: number, route: RouteLoad, amount: number, connections: number): Promise<void> {
  return new Promise((resolve, reject) => {
    autocannon(
      { url: `http://127.0.0.1:${port}${route.path}`, connections, amount, timeout: 120, pipelining: 1, ...route.options },
      (err, result) => {
        if (err) return reject(err);
        if (result.errors || result.timeouts || result.non2xx) {
          return reject(new Error(`${route.label}: ${result.errors} errors, ${result.timeouts} timeouts, ${result.non2xx} non-2xx`));
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
  opts: { warmup: number; requests: number; connections: number; dir: string; log: (s: string) => void },
): Promise<number[]> {
  const server = await startCounted(serverScript, app, opts.dir);
  opts.log(`${app} server ready under callgrind\n`);
  const counts: number[] = [];
  try {
    for (const route of routes) {
      await requests(server.port, route, opts.warmup, opts.connections);
      await control(server, '--zero');
      await requests(server.port, route, opts.requests, opts.connections);
      const before = new Set(fs.readdirSync(opts.dir));
      await control(server, '--dump');
      counts.push(lastDumpTotal(server, before) / opts.requests);
      opts.log(`${app} ${route.label}: ${counts[counts.length - 1].toFixed(0)} instructions per request\n`);
    }
  } finally {
    server.proc.removeAllListeners('exit');
    server.proc.send({ stop: true });
  }
  return counts;
}

export interface InstructionFigures {
  route: string;
  async: number;
  sync: number;
  ratio: number;
}

export async function instructionsPerRequest(
  serverScript: string,
  routes: RouteLoad[],
  opts: { warmup: number; requests: number; connections: number; log: (s: string) => void },
): Promise<InstructionFigures[]> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tsg-http-callgrind-'));
  try {
    const [a, s] = await Promise.all(
      (['async', 'sync'] as const).map((app) => countApp(serverScript, app, routes, { ...opts, dir })),
    );
    return routes.map((r, i) => ({ route: r.label, async: a[i], sync: s[i], ratio: s[i] / a[i] }));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
