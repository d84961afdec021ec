/**
 * Where the heap of an idle WebSocket connection goes: `bench:ws`'s servers (ws-server/servers.ts)
 * in a child each, heap snapshots before and after N connections have each echoed once, and the
 * difference per connection by what V8 calls the objects (constructor, closure, system type).
 *
 *   npm run bench:ws-heap                          # sync-style and plain, 1,000 connections
 *   npm run bench:ws-heap -- --connections=N --variants=sync,plain,awaiting --top=N (25)
 *
 * Self sizes. The total counts JavaScript objects only: not `code` (optimized code and its data
 * come and go with the JIT, tens of bytes either way), nor `native` and `synthetic` rows (memory
 * outside the JS heap that V8 is told of, such as a TCP handle's 408 B), which `bench:ws`'s
 * heapUsed does not see either. Each variant is a new process: how V8 lays out objects of shared
 * classes (`Socket`, `WritableState`: in-object slots or a PropertyArray) can differ by ~90 B.
 */
import { fork, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import v8 from 'node:v8';
import WebSocket from 'ws';
import { connect } from './ws-clients';

const argv = process.argv.slice(2);
const option = (name: string, dflt: string) => argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1] ?? dflt;

// ---- the server child --------------------------------------------------------------------------

function serve(variant: string): void {
  const servers = require('./ws-server/servers') as Record<string, () => Server>;
  const server = servers[`${variant}Server`]();
  server.listen(0, '127.0.0.1', 1024, () => process.send!({ port: (server.address() as AddressInfo).port }));
  process.on('message', (file: string) => {
    for (let i = 0; i < 3; i++) global.gc!();
    v8.writeHeapSnapshot(file);
    process.send!({ written: file });
  });
}

function ask(child: ChildProcess, request: string | null): Promise<any> {
  return new Promise((resolve) => {
    child.once('message', resolve);
    if (request !== null) child.send(request);
  });
}

// ---- the snapshots -----------------------------------------------------------------------------

type Totals = Map<string, { count: number; bytes: number }>;

/** Self sizes by `type: name` (the name of an object is its constructor's, `system / …` for V8's own). */
function totals(file: string): Totals {
  const { snapshot, nodes, strings } = JSON.parse(fs.readFileSync(file, 'utf8'));
  const fields: string[] = snapshot.meta.node_fields;
  const types: string[] = snapshot.meta.node_types[0];
  const [typeAt, nameAt, sizeAt] = ['type', 'name', 'self_size'].map((f) => fields.indexOf(f));
  const out: Totals = new Map();
  for (let i = 0; i < nodes.length; i += fields.length) {
    const type = types[nodes[i + typeAt]];
    // strings and numbers by type alone: their names are their contents
    const name = /string|number/.test(type) ? '' : (strings[nodes[i + nameAt]] as string).slice(0, 60);
    const key = name ? `${type}: ${name}` : type;
    const t = out.get(key) ?? { count: 0, bytes: 0 };
    t.count++;
    t.bytes += nodes[i + sizeAt];
    out.set(key, t);
  }
  return out;
}

/** `n` connections, each having echoed once: every sync-style handler has run to its `recv()` and waits there. */
async function connectIdle(port: number, n: number): Promise<WebSocket[]> {
  const clients = await connect(port, n);
  await Promise.all(clients.map((ws) => new Promise((resolve) => ws.once('message', resolve).send('x'))));
  return clients;
}

const keep = option('keep', '');

async function breakdown(variant: string, connections: number, top: number): Promise<number> {
  const child = fork(__filename, ['--serve', variant], { execArgv: ['--expose-gc'] });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ws-heap-'));
  try {
    const { port } = await ask(child, null);
    // a round first, so what is made once (optimized code, caches, pools) is not counted
    for (let i = 0; i < 2; i++)
      await Promise.all(
        (await connectIdle(port, connections)).map((ws) => new Promise((r) => ws.once('close', r).close())),
      );
    await new Promise((r) => setTimeout(r, 1000)); // the server lets go of the closed sockets
    await ask(child, path.join(dir, 'before.heapsnapshot'));
    const clients = await connectIdle(port, connections);
    await ask(child, path.join(dir, 'after.heapsnapshot'));
    const before = totals(path.join(dir, 'before.heapsnapshot'));
    const after = totals(path.join(dir, 'after.heapsnapshot'));
    for (const ws of clients) ws.terminate();
    if (keep) fs.cpSync(dir, path.join(keep, variant), { recursive: true });
    const rows = [...new Set([...before.keys(), ...after.keys()])].map((key) => {
      const a = after.get(key) ?? { count: 0, bytes: 0 };
      const b = before.get(key) ?? { count: 0, bytes: 0 };
      return { key, count: (a.count - b.count) / connections, bytes: (a.bytes - b.bytes) / connections };
    });
    rows.sort((x, y) => Math.abs(y.bytes) - Math.abs(x.bytes));
    const total = rows.filter((r) => !/^(code|native|synthetic)\b/.test(r.key)).reduce((s, r) => s + r.bytes, 0);
    console.log(`\n${variant}: ${total.toFixed(0)} B of objects per idle connection (${connections} connections)\n`);
    console.log('| bytes | objects | what |\n|---:|---:|---|');
    for (const r of rows.slice(0, top)) {
      if (Math.abs(r.bytes) < 1) break;
      console.log(`| ${r.bytes.toFixed(0)} | ${r.count.toFixed(2)} | ${r.key.replace(/\|/g, '\\|')} |`);
    }
    return total;
  } finally {
    child.kill();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const connections = Number(option('connections', '1000'));
  const top = Number(option('top', '25'));
  const totalsByVariant: Record<string, number> = {};
  for (const v of option('variants', 'sync,plain').split(','))
    totalsByVariant[v] = await breakdown(v, connections, top);
  const { plain } = totalsByVariant;
  if (plain !== undefined)
    for (const [v, total] of Object.entries(totalsByVariant))
      if (v !== 'plain') console.log(`\n${v} / plain: ${(total / plain).toFixed(2)}`);
}

if (process.argv[2] === '--serve') serve(process.argv[3]);
else
  main().catch((error) => {
    console.error(error);
    process.exit(1);
  });
