/**
 * HTTP benchmark: the example notes service (examples/koa-app) written twice, with native
 * async/await (`async-app.ts`) and sync-style through ts-greenlet (`app.ts`), each served in a
 * child process on in-memory PGlite and loaded with autocannon over 127.0.0.1 from this process.
 *
 *   npm run bench:http              # a table
 *   npm run bench:http -- --json    # the same figures as JSON
 *   node dist/bench/http.js --cpu-prof[=dir]   # also writes a V8 CPU profile per server child
 *   npm run bench:http -- --instructions   # instructions per request instead (callgrind, ~14 min)
 *
 * Development aids (the README figures are a default run): --rounds=N, --duration=S, --warmup=S,
 * --settle=S, --budget=S, --connections=N, --only=read|write, --apps=async|sync, --fresh (new
 * server processes for every round, each settled again), --pin (servers on one core, the client
 * on the others).
 *
 * Method: one server child per app, both kept alive for the whole run (each stays warm, neither
 * pays the other's start-up), only one loaded at a time. Each app first settles on each route
 * (V8 and PGlite's WebAssembly tier up during the first seconds). Then per round and route each
 * app gets a warm-up run (not recorded) and a measured run; the order of the two apps flips every
 * round so drift hits both alike. Figures are medians over rounds. Latency percentiles come from
 * every response's own time (autocannon's histogram keeps whole milliseconds, too coarse here);
 * req/s is 2xx responses over the measured run's duration.
 *
 * On 2 cores the client and the server get about one each and the server is the bottleneck, so
 * anything else running on the machine moves req/s and p99 by far more than the difference being
 * measured. Two figures say how far to trust a run: the server's CPU time per request (from
 * /proc: hardly moved by other load) and the other load itself (cores busy outside this process
 * and the server during the measured runs). A run during which other processes used more than
 * 0.15 cores is measured once more (until --budget=S seconds into the run, default 120), and a
 * warning is printed when the kept runs still saw such load on average.
 */
import { execFileSync, fork, type ChildProcess } from 'node:child_process';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import autocannon from 'autocannon';
import { instructionsPerRequest, type AppName } from './http-instructions';

type RouteName = 'read' | 'write';

const APP_DIST = path.resolve(__dirname, '../../examples/koa-app/dist');
const SEED_NOTES = 1000;
const READ_ID = 500;

const argv = process.argv.slice(2);
const flag = (name: string) => argv.find((a) => a === `--${name}` || a.startsWith(`--${name}=`));
const flagValue = (name: string) => flag(name)?.split('=').slice(1).join('=') || undefined;
const numberFlag = (name: string, dflt: number) => (flagValue(name) !== undefined ? Number(flagValue(name)) : dflt);

// ---- the server child --------------------------------------------------------------------------

async function serve(app: AppName): Promise<void> {
  const db = require(path.join(APP_DIST, 'db.js')) as {
    openDatabase(dir?: string): Promise<void>;
    closeDatabase(): Promise<void>;
    queryAsync(sql: string, params?: unknown[]): Promise<unknown[]>;
  };
  await db.openDatabase('memory://');
  for (let i = 1; i <= SEED_NOTES; i++) {
    await db.queryAsync('insert into notes (title, body, tags) values ($1, $2, $3)', [
      `note ${i}`,
      `body of note ${i}`,
      [`t${i % 10}`, 'seed'],
    ]);
  }
  const createApp =
    app === 'sync'
      ? (require(path.join(APP_DIST, 'app.js')) as { createApp(): import('koa') }).createApp
      : (require(path.join(APP_DIST, 'async-app.js')) as { createAsyncApp(): import('koa') }).createAsyncApp;
  const koa = createApp();
  koa.silent = true;
  const server: Server = koa.listen(0, '127.0.0.1', () => {
    process.send!({ ready: true, port: (server.address() as AddressInfo).port });
  });
  process.on('message', (msg: { stop?: boolean }) => {
    if (!msg.stop) return;
    server.closeAllConnections();
    server.close(() => void db.closeDatabase().finally(() => process.exit(0)));
  });
  process.on('disconnect', () => process.exit(0)); // the parent went away
}

interface Child {
  app: AppName;
  proc: ChildProcess;
  port: number;
}

/**
 * `--pin`: the servers run on the last core (`taskset`) and this process (autocannon) on the
 * others, so the client and the server under test never take each other's core.
 */
const PIN = !!flag('pin') && os.cpus().length >= 2;
const SERVER_CORE = os.cpus().length - 1;

function startChild(app: AppName, cpuProf: string | undefined): Promise<Child> {
  const nodeArgs = cpuProf ? ['--cpu-prof', `--cpu-prof-dir=${cpuProf}`, `--cpu-prof-name=http-${app}.cpuprofile`] : [];
  const pinned = PIN
    ? { execPath: 'taskset', execArgv: ['-c', String(SERVER_CORE), process.execPath, ...nodeArgs] }
    : { execArgv: nodeArgs };
  const proc = fork(__filename, ['--serve', app], { ...pinned, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  return new Promise((resolve, reject) => {
    proc.once('error', reject);
    proc.once('exit', (code) => reject(new Error(`${app} server exited (${code}) before it was ready`)));
    proc.once('message', (msg: { port: number }) => resolve({ app, proc, port: msg.port }));
  });
}

function stopChild(child: Child): Promise<void> {
  return new Promise((resolve) => {
    child.proc.removeAllListeners('exit');
    child.proc.once('exit', () => resolve());
    child.proc.send({ stop: true });
  });
}

// ---- the load ----------------------------------------------------------------------------------

interface Run {
  reqPerSec: number;
  /** Server process CPU time per 2xx response (µs): moved far less than req/s by other load on the machine. */
  serverCpuUs: number;
  /** Cores' worth of CPU used by processes other than this one and the server during the run. */
  otherLoad: number;
  p50: number;
  p99: number;
  /** autocannon's own p99 (whole milliseconds). */
  acP99: number;
  responses: number;
  errors: number;
  non2xx: number;
}

const ROUTES: Record<RouteName, { label: string; path: string; options: Partial<autocannon.Options> }> = {
  read: { label: `GET /notes/${READ_ID}`, path: `/notes/${READ_ID}`, options: { method: 'GET' } },
  write: {
    label: 'POST /notes',
    path: '/notes',
    options: {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ title: 'benchmark note', body: 'written by bench/http.ts', tags: ['bench', 'http'] }),
    },
  },
};

// ---- CPU accounting (Linux /proc; figures are NaN elsewhere) --------------------------------------

const TICK_S = 0.01; // USER_HZ is 100 on Linux

/** Busy ticks of the whole machine (all cores). */
function machineBusyTicks(): number {
  try {
    const f = fs.readFileSync('/proc/stat', 'utf8').split('\n', 1)[0].trim().split(/\s+/).slice(1).map(Number);
    // user nice system idle iowait irq softirq steal
    return f[0] + f[1] + f[2] + f[5] + f[6] + f[7];
  } catch {
    return NaN;
  }
}

/** User + system ticks of process `pid`, all its threads. */
function processTicks(pid: number): number {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(f[11]) + Number(f[12]); // fields 14 and 15 of stat(5)
  } catch {
    return NaN;
  }
}

interface CpuMark {
  at: number;
  machine: number;
  server: number;
  self: number;
}

function cpuMark(serverPid: number): CpuMark {
  const u = process.cpuUsage();
  return {
    at: performance.now(),
    machine: machineBusyTicks(),
    server: processTicks(serverPid),
    self: (u.user + u.system) / 1e6 / TICK_S,
  };
}

function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

function load(child: Child, route: RouteName, seconds: number, connections: number): Promise<Run> {
  const port = child.port;
  return new Promise((resolve, reject) => {
    const before = cpuMark(child.proc.pid!);
    let times = new Float64Array(1 << 16);
    let n = 0;
    const instance = autocannon(
      {
        url: `http://127.0.0.1:${port}${ROUTES[route].path}`,
        connections,
        duration: seconds,
        pipelining: 1,
        ...ROUTES[route].options,
      },
      (err, result) => {
        if (err) return reject(err);
        const after = cpuMark(child.proc.pid!);
        const sorted = times.subarray(0, n).sort();
        const serverTicks = after.server - before.server;
        const otherTicks = after.machine - before.machine - serverTicks - (after.self - before.self);
        resolve({
          reqPerSec: result['2xx'] / result.duration,
          serverCpuUs: (serverTicks * TICK_S * 1e6) / result['2xx'],
          otherLoad: Math.max(0, (otherTicks * TICK_S) / ((after.at - before.at) / 1000)),
          p50: percentile(sorted, 50),
          p99: percentile(sorted, 99),
          acP99: result.latency.p99,
          responses: n,
          errors: result.errors + result.timeouts,
          non2xx: result.non2xx,
        });
      },
    );
    // (client, statusCode, resBytes, responseTime): responseTime in ms, with a fraction.
    instance.on('response', (...args: unknown[]) => {
      const status = args[1] as number;
      if (status < 200 || status >= 300) return;
      if (n === times.length) {
        const bigger = new Float64Array(times.length * 2);
        bigger.set(times);
        times = bigger;
      }
      times[n++] = args[3] as number;
    });
  });
}

// ---- the run -----------------------------------------------------------------------------------

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

const REQ_TARGET = 0.97;
const P99_TARGET = 1.05;
/** Average cores used by other processes above which the run is flagged as noisy. */
const BUSY_WARNING = 0.15;

interface AppFigures {
  reqPerSec: number;
  p50: number;
  p99: number;
  autocannonP99: number;
  serverCpuUs: number;
  runs: Run[];
}

/** `--instructions`: callgrind's count per request for each app and route (see http-instructions.ts). */
async function countInstructions(): Promise<void> {
  const JSON_OUT = argv.includes('--json');
  const routes = (flagValue('only')?.split(',') ?? ['read', 'write']) as RouteName[];
  const opts = {
    warmup: numberFlag('warmup-requests', 3000),
    requests: numberFlag('requests', 2000),
    connections: numberFlag('connections', 10),
    keepDir: flagValue('callgrind-dir') && path.resolve(flagValue('callgrind-dir')!),
    perf: !!flag('perf'),
    log: (s: string) => void (JSON_OUT || process.stderr.write(s)),
  };
  const started = performance.now();
  const results = await instructionsPerRequest(
    __filename,
    routes.map((r) => ROUTES[r]),
    opts,
  );
  const elapsed = (performance.now() - started) / 1000;
  if (JSON_OUT) {
    console.log(
      JSON.stringify(
        {
          node: process.version,
          date: new Date().toISOString().slice(0, 10),
          ...opts,
          log: undefined,
          seconds: elapsed,
          results,
        },
        null,
        2,
      ),
    );
    return;
  }
  console.log(
    `\nInstructions per request (callgrind, node ${process.version} --predictable; ${opts.warmup} requests of warm-up, ${opts.requests} counted, ${opts.connections} connections):\n`,
  );
  const k = (x: number) => `${(x / 1000).toFixed(0)}k`;
  console.log(
    '| route | async | sync-style | ratio | without compilers: async | sync-style | ratio | GC async | sync-style | ratio |',
  );
  console.log('|---|---|---|---|---|---|---|---|---|---|');
  for (const r of results) {
    console.log(
      `| ${r.route} | ${k(r.async.total)} | ${k(r.sync.total)} | ${r.ratio.toFixed(3)} | ` +
        `${k(r.async.total - r.async.compile)} | ${k(r.sync.total - r.sync.compile)} | ${r.ratioWithoutCompilers.toFixed(3)} | ` +
        `${k(r.async.gc)} | ${k(r.sync.gc)} | ${r.gcRatio.toFixed(2)} |`,
    );
  }
  console.log(`\n(${elapsed.toFixed(0)} s)`);
}

async function main(): Promise<void> {
  const JSON_OUT = argv.includes('--json');
  const rounds = numberFlag('rounds', 5);
  const seconds = numberFlag('duration', 4);
  const warmup = numberFlag('warmup', 1);
  const settle = numberFlag('settle', 3);
  const connections = numberFlag('connections', 10);
  /** Seconds after which a run taken while the machine was busy is no longer measured again. */
  const budget = numberFlag('budget', 120);
  let retries = 0;
  const routes = (flagValue('only')?.split(',') ?? ['read', 'write']) as RouteName[];
  const apps = (flagValue('apps')?.split(',') ?? ['async', 'sync']) as AppName[];
  const cpuProf = flag('cpu-prof') ? path.resolve(flagValue('cpu-prof') ?? 'profiles') : undefined;
  /** `--fresh`: new server processes for every round (each settled again). */
  const fresh = !!flag('fresh');
  const log = (s: string) => {
    if (!JSON_OUT) process.stderr.write(s);
  };

  const started = performance.now();
  if (PIN) execFileSync('taskset', ['-pc', `0-${SERVER_CORE - 1}`, String(process.pid)], { stdio: 'ignore' });
  const children = {} as Record<AppName, Child>;
  const settleAll = async () => {
    if (settle <= 0) return;
    for (const app of apps) {
      for (const route of routes) {
        log(`settling ${app} on ${ROUTES[route].label} (${settle} s)... `);
        const r = await load(children[app], route, settle, connections);
        log(`${r.reqPerSec.toFixed(0)} req/s\n`);
      }
    }
  };
  for (const app of apps) children[app] = await startChild(app, cpuProf);
  const runs = {} as Record<RouteName, Record<AppName, Run[]>>;
  try {
    await settleAll();
    for (let round = 0; round < rounds; round++) {
      if (fresh && round > 0) {
        // a new pair of server processes: what one process's JIT, GC and PGlite state add is a
        // round's, not the whole run's
        await Promise.all(Object.values(children).map(stopChild));
        for (const app of apps) children[app] = await startChild(app, cpuProf);
        await settleAll();
      }
      const order = round % 2 === 0 ? apps : [...apps].reverse();
      for (const route of routes) {
        runs[route] ??= {} as Record<AppName, Run[]>;
        for (const app of order) {
          log(`round ${round + 1}/${rounds} ${ROUTES[route].label} ${app}... `);
          if (warmup > 0) await load(children[app], route, warmup, connections);
          let r = await load(children[app], route, seconds, connections);
          // Another process took CPU during the run: measure again once, while the time budget lasts.
          if (r.otherLoad > BUSY_WARNING && performance.now() - started < budget * 1000) {
            log(`busy (other load ${r.otherLoad.toFixed(2)} cores), again... `);
            retries++;
            r = await load(children[app], route, seconds, connections);
          }
          if (r.errors || r.non2xx)
            throw new Error(`${app} ${ROUTES[route].label}: ${r.errors} errors, ${r.non2xx} non-2xx responses`);
          (runs[route][app] ??= []).push(r);
          log(
            `${r.reqPerSec.toFixed(0)} req/s, p99 ${r.p99.toFixed(2)} ms, server ${r.serverCpuUs.toFixed(0)} µs CPU/req, ` +
              `other load ${r.otherLoad.toFixed(2)} cores\n`,
          );
        }
      }
    }
  } finally {
    await Promise.all(Object.values(children).map(stopChild));
  }

  const results = routes.map((route) => {
    const per = {} as Partial<Record<AppName, AppFigures>>;
    for (const app of apps) {
      const rs = runs[route][app];
      per[app] = {
        reqPerSec: median(rs.map((r) => r.reqPerSec)),
        p50: median(rs.map((r) => r.p50)),
        p99: median(rs.map((r) => r.p99)),
        autocannonP99: median(rs.map((r) => r.acP99)),
        serverCpuUs: median(rs.map((r) => r.serverCpuUs)),
        runs: rs,
      };
    }
    const { async: a, sync: s } = per;
    const reqRatio = a && s ? s.reqPerSec / a.reqPerSec : NaN;
    const p99Ratio = a && s ? s.p99 / a.p99 : NaN;
    const cpuRatio = a && s ? s.serverCpuUs / a.serverCpuUs : NaN;
    return {
      route: ROUTES[route].label,
      ...per,
      reqRatio,
      p99Ratio,
      cpuRatio,
      reqMet: reqRatio >= REQ_TARGET,
      p99Met: p99Ratio <= P99_TARGET,
    };
  });
  const allRuns = Object.values(runs).flatMap((byApp) => Object.values(byApp).flat());
  const otherLoad = allRuns.reduce((sum, r) => sum + r.otherLoad, 0) / allRuns.length;

  const machine = {
    node: process.version,
    cpus: os.cpus().length,
    cpu: os.cpus()[0]?.model ?? 'unknown',
    platform: `${os.platform()} ${os.arch()}`,
    date: new Date().toISOString().slice(0, 10),
  };
  const settings = {
    rounds,
    seconds,
    warmup,
    settle,
    connections,
    budget,
    fresh,
    pin: PIN,
    seedNotes: SEED_NOTES,
    database: 'PGlite memory://',
  };
  const elapsed = (performance.now() - started) / 1000;
  if (cpuProf) log(`CPU profiles in ${cpuProf}\n`);
  if (JSON_OUT) {
    const targets = { reqRatio: REQ_TARGET, p99Ratio: P99_TARGET };
    console.log(JSON.stringify({ machine, settings, seconds: elapsed, otherLoad, retries, targets, results }, null, 2));
    return;
  }
  const f = (x: number | undefined, d: number) => (x === undefined || Number.isNaN(x) ? '-' : x.toFixed(d));
  console.log(
    `\nts-greenlet HTTP benchmark — node ${machine.node}, ${machine.cpus} cores (${machine.cpu}), ${machine.date}`,
  );
  console.log(
    `examples/koa-app on ${settings.database} (${SEED_NOTES} notes), autocannon over 127.0.0.1, ${connections} connections; ` +
      `${settle} s settling, then ${rounds} rounds of ${warmup} s warm-up + ${seconds} s measured per app and route, alternating; medians\n`,
  );
  console.log(
    '| route | async req/s | sync-style req/s | ratio | async p99 | sync-style p99 | ratio | server CPU/req async | sync-style | ratio |',
  );
  console.log('|---|---|---|---|---|---|---|---|---|---|');
  for (const r of results) {
    console.log(
      `| ${r.route} | ${f(r.async?.reqPerSec, 0)} | ${f(r.sync?.reqPerSec, 0)} | ${f(r.reqRatio, 3)} | ` +
        `${f(r.async?.p99, 2)} ms | ${f(r.sync?.p99, 2)} ms | ${f(r.p99Ratio, 3)} | ` +
        `${f(r.async?.serverCpuUs, 0)} µs | ${f(r.sync?.serverCpuUs, 0)} µs | ${f(r.cpuRatio, 3)} |`,
    );
  }
  console.log('\nTargets (sync-style / async):');
  for (const r of results) {
    console.log(
      `  ${r.route}: req/s ${f(r.reqRatio, 3)} >= ${REQ_TARGET} ${r.reqMet ? 'met' : 'NOT met'}; ` +
        `p99 ${f(r.p99Ratio, 3)} <= ${P99_TARGET} ${r.p99Met ? 'met' : 'NOT met'}`,
    );
  }
  console.log(
    `\nOther load on the machine during the measured runs: ${otherLoad.toFixed(2)} cores on average ` +
      `(${retries} run${retries === 1 ? '' : 's'} measured again because of it).`,
  );
  if (otherLoad > BUSY_WARNING) {
    console.log(
      `Warning: other processes were using the CPU, so req/s and p99 are noisy (single runs move by 10-30%); ` +
        `the server CPU per request is the steadier comparison. Run again on a quiet machine.`,
    );
  }
  console.log(`\n(${elapsed.toFixed(0)} s)`);
}

if (argv[0] === '--serve') {
  serve(argv[1] as AppName).catch((err) => {
    console.error(err);
    process.exit(1);
  });
} else {
  (flag('instructions') ? countInstructions() : main()).catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
