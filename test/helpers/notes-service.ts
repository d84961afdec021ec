/**
 * The example notes service as `npm start` runs it (examples/koa-app/dist/server.js), in a child
 * process of its own so that its memory can be read and it can be signalled; and a raw HTTP/1.1
 * exchange over one socket, for requests `fetch` will not send (bad bytes, slow or endless bodies).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import path from 'node:path';

const SERVER = path.resolve(__dirname, '../../../examples/koa-app/dist/server.js');

export class NotesService {
  private constructor(
    readonly child: ChildProcess,
    readonly port: number,
    /** Everything the service printed, for failure messages. */
    readonly output: () => string,
  ) {}

  /** Starts the service on a free port; `env` adds to the environment (DATA_DIR, timeouts). */
  static start(env: Record<string, string>): Promise<NotesService> {
    const child = spawn(process.execPath, [SERVER], {
      env: { ...process.env, PORT: '0', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout!.on('data', (d) => (out += d));
    child.stderr!.on('data', (d) => (out += d));
    return new Promise((resolve, reject) => {
      const onData = () => {
        const port = /http:\/\/localhost:(\d+)/.exec(out)?.[1];
        if (!port) return;
        child.stdout!.off('data', onData);
        child.off('exit', onExit);
        resolve(new NotesService(child, Number(port), () => out));
      };
      const onExit = (code: number | null) =>
        reject(new Error(`the service exited (${code}) before listening:\n${out}`));
      child.stdout!.on('data', onData);
      child.once('exit', onExit);
    });
  }

  get base(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Resident set size in bytes (Linux /proc), or NaN elsewhere. */
  rss(): number {
    try {
      const kb = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${this.child.pid}/status`, 'utf8'))?.[1];
      return kb ? Number(kb) * 1024 : NaN;
    } catch {
      return NaN;
    }
  }

  /** Sends `signal` and resolves with how the process ended. */
  stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
    return new Promise((resolve) => {
      if (!this.running)
        return resolve({ code: this.child.exitCode, signal: this.child.signalCode as NodeJS.Signals | null });
      this.child.once('exit', (code, sig) => resolve({ code, signal: sig }));
      this.child.kill(signal);
    });
  }
}

export interface RawAnswer {
  status: number;
  headers: Record<string, string>;
  body: string;
  /** Bytes this side wrote before the answer came (or the socket closed). */
  sent: number;
}

/** A request written by hand: `write` may take its time, and should stop once `answered()` is true. */
export type RawWriter = (socket: net.Socket, answered: () => boolean) => Promise<void> | void;

/**
 * One request on a fresh connection; resolves with the first answer on it (a `Content-Length`
 * answer, as every answer of the service has). Rejects if the connection ends without one.
 */
export function rawExchange(port: number, write: RawWriter | string | Buffer): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    let received = Buffer.alloc(0);
    let answer: RawAnswer | undefined;
    socket.on('data', (d) => {
      received = Buffer.concat([received, d]);
      const end = received.indexOf('\r\n\r\n');
      if (end < 0 || answer) return;
      const [statusLine, ...lines] = received.subarray(0, end).toString('latin1').split('\r\n');
      const headers = Object.fromEntries(
        lines.map((l) => [l.slice(0, l.indexOf(':')).toLowerCase(), l.slice(l.indexOf(':') + 1).trim()]),
      );
      const length = Number(headers['content-length'] ?? 0);
      if (received.length < end + 4 + length) return;
      answer = {
        status: Number(statusLine.split(' ')[1]),
        headers,
        body: received.subarray(end + 4, end + 4 + length).toString('utf8'),
        sent: socket.bytesWritten,
      };
      socket.destroy();
      resolve(answer);
    });
    socket.on('error', () => {}); // a reset after the answer is expected; without one, 'close' rejects
    socket.on('close', () => {
      if (answer) return;
      const got = JSON.stringify(received.toString('latin1').slice(0, 99));
      reject(new Error(`no answer (sent ${socket.bytesWritten} bytes, got ${got})`));
    });
    socket.once('connect', async () => {
      try {
        if (typeof write === 'function') await write(socket, () => answer !== undefined || socket.destroyed);
        else socket.write(write);
      } catch {
        // the server closed the connection while we wrote: its answer (if any) decides
      }
    });
  });
}

/** Writes `chunk` repeatedly (waiting for the socket to drain) until `total` bytes or an answer. */
export async function writeRepeatedly(
  socket: net.Socket,
  answered: () => boolean,
  chunk: Buffer,
  total: number,
): Promise<void> {
  for (let written = 0; written < total && !answered(); written += chunk.length) {
    if (!socket.write(chunk)) {
      await new Promise<void>((r) => {
        const done = () => {
          socket.off('drain', done).off('close', done);
          r();
        };
        socket.on('drain', done).on('close', done);
      });
    }
  }
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
