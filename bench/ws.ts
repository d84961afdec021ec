/**
 * WebSocket echo benchmark: a sync-style handler (`ts-greenlet/websocket`, through Koa) against a
 * plain `ws` server with an async handler (one that sends at once, and one that awaits once before
 * it sends), each in its own child process, loaded from this process over 127.0.0.1 by real `ws`
 * clients. The servers are in ws-server/servers.ts.
 *
 *   npm run bench:ws                 # a table
 *   npm run bench:ws -- --json       # the same figures as JSON
 *   --connections=N (1000) --messages=N (100 per connection) --rounds=N (5) --size=N (64 bytes)
 *   --no-pin (let the scheduler place the servers and the clients; see PIN)
 *
 * Per round and server (the order flips every round; both servers stay up, warm, for the run):
 * 1. heap: the server's heap after a full GC, then N connections opened and each echoed once (so
 *    each sync-style handler sits in `recv()`, suspended), a full GC again: the difference over N
 *    is the heap per idle connection.
 * 2. echo, twice: every connection echoes `messages` numbered messages, first one at a time (the
 *    next sent when its echo is back: every `recv()` waits), then all at once (pipelined: most
 *    `recv()`s find a message queued). Each echo must be the next number on that connection:
 *    none lost, none reordered. Figures: messages/s (echoes over wall time) and the server's CPU
 *    time per message (process.cpuUsage in the child; the clients here share the machine's two
 *    cores, so wall time also measures this process).
 * Medians over rounds.
 */
import { execFileSync, fork, type ChildProcess } from 'node:child_process';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import WebSocket from 'ws';
import { connect } from './ws-clients';

type Variant = 'sync' | 'plain' | 'awaiting';
const VARIANTS: Variant[] = ['sync', 'plain', 'awaiting'];
type Reply = { port?: number; heap?: number; cpu?: NodeJS.CpuUsage };

const argv = process.argv.slice(2);
const option = (name: string, dflt: number) =>
  Number(argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1] ?? dflt);
/**
 * Servers on the last core, the clients on the others (`taskset`), as `bench:http -- --pin` does.
 * Unpinned, Linux often puts a ping-ponging client and server on one core (each wakes the other):
 * a run then measures 35 or 75 thousand messages/s for the same code, whichever placement it got.
 */
const PIN = !argv.includes('--no-pin') && os.cpus().length >= 2;
const SERVER_CORE = os.cpus().length - 1;

// ---- the server child ----------------------------------------------------------------------------

function serve(variant: Variant): void {
  const servers = require('./ws-server/servers') as Record<string, () => Server>;
  const server = servers[`${variant}Server`]();
  server.listen(0, '127.0.0.1', 1024, () => process.send!({ port: (server.address() as AddressInfo).port }));
  process.on('message', (request: string) => {
    if (request === 'heap') {
      for (let i = 0; i < 3; i++) global.gc!();
      process.send!({ heap: process.memoryUsage().heapUsed });
    } else if (request === 'cpu') {
      process.send!({ cpu: process.cpuUsage() });
    }
  });
}

class ServerChild {
  private readonly child: ChildProcess;
  private pending: ((reply: Reply) => void) | null = null;
  readonly port: Promise<number>;

  constructor(readonly variant: Variant) {
    const pinned = PIN
      ? { execPath: 'taskset', execArgv: ['-c', String(SERVER_CORE), process.execPath, '--expose-gc'] }
      : { execArgv: ['--expose-gc'] };
    this.child = fork(__filename, ['--serve', variant], pinned);
    this.child.on('message', (reply: Reply) => this.pending?.(reply));
    this.port = this.ask(null).then((r) => r.port!);
  }

  ask(request: string | null): Promise<Reply> {
    return new Promise((resolve) => {
      this.pending = resolve;
      if (request !== null) this.child.send(request);
    });
  }

  stop(): void {
    this.child.kill();
  }
}

// ---- the clients -----------------------------------------------------------------------------------

interface EchoResult {
  ms: number;
  echoed: number;
  wrong: number;
}

/** Every client echoes `messages` numbered messages, `window` in flight at a time. */
function echo(clients: WebSocket[], messages: number, window: number, size: number): Promise<EchoResult> {
  const body = (i: number) => String(i).padEnd(size, '.');
  let echoed = 0;
  let wrong = 0;
  const start = performance.now();
  return new Promise((resolve, reject) => {
    let done = 0;
    const timeout = setTimeout(
      () => reject(new Error(`echo stalled: ${echoed} of ${clients.length * messages} back`)),
      120_000,
    );
    for (const ws of clients) {
      let sent = 0;
      let received = 0;
      const onMessage = (data: Buffer) => {
        if (data.toString() !== body(received)) wrong++;
        received++;
        echoed++;
        if (sent < messages) ws.send(body(sent++));
        if (received === messages) {
          ws.off('message', onMessage);
          if (++done === clients.length) {
            clearTimeout(timeout);
            resolve({ ms: performance.now() - start, echoed, wrong });
          }
        }
      };
      ws.on('message', onMessage);
      while (sent < Math.min(window, messages)) ws.send(body(sent++));
    }
  });
}

async function closeAll(clients: WebSocket[]): Promise<void> {
  await Promise.all(clients.map((ws) => new Promise((resolve) => ws.once('close', resolve).close())));
}

// ---- the run ---------------------------------------------------------------------------------------

interface Run {
  perSecond: number;
  cpuPerMessage: number;
  /** This process's (the clients') CPU per message: the clients are half the load on two cores. */
  clientCpuPerMessage: number;
}

interface Sample {
  heapPerConnection: number;
  oneAtATime: Run;
  pipelined: Run;
}

async function measure(server: ServerChild, connections: number, messages: number, size: number): Promise<Sample> {
  const port = await server.port;
  const before = (await server.ask('heap')).heap!;
  const clients = await connect(port, connections);
  await echo(clients, 1, 1, size);
  const after = (await server.ask('heap')).heap!;
  const run = async (window: number) => {
    const cpu0 = (await server.ask('cpu')).cpu!;
    const mine = process.cpuUsage();
    const r = await echo(clients, messages, window, size);
    const clientCpu = process.cpuUsage(mine);
    const cpu1 = (await server.ask('cpu')).cpu!;
    if (r.wrong > 0 || r.echoed !== connections * messages)
      throw new Error(`${server.variant}: ${r.wrong} echoes out of order or lost`);
    const cpuMicros = cpu1.user - cpu0.user + (cpu1.system - cpu0.system);
    return {
      perSecond: (r.echoed / r.ms) * 1000,
      cpuPerMessage: cpuMicros / r.echoed,
      clientCpuPerMessage: (clientCpu.user + clientCpu.system) / r.echoed,
    };
  };
  const oneAtATime = await run(1);
  const pipelined = await run(messages);
  await closeAll(clients);
  return { heapPerConnection: (after - before) / connections, oneAtATime, pipelined };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function main(): Promise<void> {
  const connections = option('connections', 1000);
  const messages = option('messages', 100);
  const rounds = option('rounds', 5);
  const size = option('size', 64);
  if (PIN) execFileSync('taskset', ['-pc', `0-${SERVER_CORE - 1}`, String(process.pid)], { stdio: 'ignore' });
  const servers = Object.fromEntries(VARIANTS.map((v) => [v, new ServerChild(v)])) as Record<Variant, ServerChild>;
  const samples: Record<Variant, Sample[]> = { sync: [], plain: [], awaiting: [] };
  try {
    // a round not recorded: the servers (and this process) warm up first
    for (const v of VARIANTS) await measure(servers[v], connections, messages, size);
    for (let round = 0; round < rounds; round++) {
      const order = round % 2 === 0 ? VARIANTS : [...VARIANTS].reverse();
      for (const v of order) samples[v].push(await measure(servers[v], connections, messages, size));
    }
  } finally {
    for (const v of VARIANTS) servers[v].stop();
  }
  const runFigures = (runs: Run[]): Run => ({
    perSecond: median(runs.map((r) => r.perSecond)),
    cpuPerMessage: median(runs.map((r) => r.cpuPerMessage)),
    clientCpuPerMessage: median(runs.map((r) => r.clientCpuPerMessage)),
  });
  const figures = (v: Variant) => ({
    heapPerConnection: median(samples[v].map((s) => s.heapPerConnection)),
    oneAtATime: runFigures(samples[v].map((s) => s.oneAtATime)),
    pipelined: runFigures(samples[v].map((s) => s.pipelined)),
  });
  const result = {
    node: process.version,
    cpus: `${os.cpus().length} × ${os.cpus()[0]?.model ?? '?'}`,
    connections,
    messages,
    size,
    rounds,
    pinned: PIN,
    sync: figures('sync'),
    plain: figures('plain'),
    awaiting: figures('awaiting'),
    rawSamples: samples,
  };
  if (argv.includes('--json')) return void console.log(JSON.stringify(result, null, 2));
  const { sync, plain, awaiting } = result;
  const f = (n: number, digits = 0) =>
    n.toLocaleString('en', { maximumFractionDigits: digits, minimumFractionDigits: digits });
  const ratio = (a: number, b: number) => (a / b).toFixed(2);
  console.log(
    `${result.node}, ${result.cpus}; ${connections} connections × ${messages} messages of ${size} bytes, medians of ${rounds} rounds${PIN ? ', servers pinned to one core and the clients to the other' : ''}\n`,
  );
  console.log(
    '| | plain ws, async handler | sync-style (ts-greenlet) | ratio | plain ws, handler awaits first | sync-style / it |',
  );
  console.log('|---|---|---|---|---|---|');
  const row = (label: string, get: (x: typeof sync) => number, unit: string, digits: number, bold: boolean) => {
    const b = (t: string) => (bold ? `**${t}**` : t);
    console.log(
      `| ${label} | ${f(get(plain), digits)}${unit} | ${f(get(sync), digits)}${unit} | ${b(ratio(get(sync), get(plain)))} ` +
        `| ${f(get(awaiting), digits)}${unit} | ${ratio(get(sync), get(awaiting))} |`,
    );
  };
  for (const [label, key] of [
    ['one at a time', 'oneAtATime'],
    ['pipelined', 'pipelined'],
  ] as const) {
    row(`${label}: messages/s`, (x) => x[key].perSecond, '', 0, true);
    row(`${label}: server CPU per message`, (x) => x[key].cpuPerMessage, ' µs', 2, false);
    row(`${label}: clients' CPU per message`, (x) => x[key].clientCpuPerMessage, ' µs', 2, false);
  }
  row('heap per idle connection', (x) => x.heapPerConnection, ' B', 0, true);
}

if (process.argv[2] === '--serve') serve(process.argv[3] as Variant);
else
  main().catch((error) => {
    console.error(error);
    process.exit(1);
  });
