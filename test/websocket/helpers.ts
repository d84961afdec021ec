/**
 * Shared pieces for the WebSocket tests: a Koa app with a GreenletRouter and attachWebSockets on
 * loopback, real `ws` clients, and the handlers' waits written as the transformer emits them
 * (`yield*` into the twins of `ws.recv` / `ws.send`).
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import Koa from 'koa';
import WebSocket, { type ClientOptions } from 'ws';
import { protocol } from '../../runtime';
import { GreenletRouter } from '../../runtime/koa';
import { attachWebSockets, type Message, type Sendable, type SyncWebSocket } from '../../runtime/websocket';

/** `ws.recv()` in a twin. */
export function* recv(ws: SyncWebSocket): Generator<unknown, Message | null, unknown> {
  return (yield* protocol.twinOf(ws.recv)!.call(ws)) as Message | null;
}

/** `ws.send(data)` in a twin. */
export function* send(ws: SyncWebSocket, data: Sendable): Generator<unknown, void, unknown> {
  yield* protocol.twinOf(ws.send)!.call(ws, data);
}

export interface Served {
  app: Koa;
  router: GreenletRouter;
  server: Server;
  /** `ws://127.0.0.1:port` */
  url: string;
  close(): Promise<void>;
}

/** An app whose routes `setup` adds (middleware first, if any), listening with WebSockets attached. */
export async function serve(
  setup: (router: GreenletRouter, app: Koa) => void,
  options?: { asyncLocalStorage?: boolean },
): Promise<Served> {
  const app = new Koa(options);
  const router = new GreenletRouter();
  setup(router, app);
  app.use(router.routes()).use(router.allowedMethods());
  const server = attachWebSockets(app.listen(0, '127.0.0.1'), app);
  await new Promise((resolve) => server.once('listening', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    app,
    router,
    server,
    url: `ws://127.0.0.1:${port}`,
    close: () => new Promise<void>((done) => server.close(() => done())),
  };
}

/** A real `ws` client that queues what it receives, so a test can take messages in order. */
export class Client {
  readonly socket: WebSocket;
  readonly opened: Promise<void>;
  /** Settles with the close code and reason. */
  readonly closed: Promise<{ code: number; reason: string }>;
  private readonly messages: Array<string | Buffer> = [];
  private waiting: ((m: string | Buffer) => void) | null = null;

  constructor(url: string, options?: ClientOptions & { protocols?: string[] }) {
    this.socket = new WebSocket(url, options?.protocols, options);
    this.socket.on('error', () => {}); // the tests look at the close code
    this.opened = new Promise((resolve, reject) => {
      this.socket.once('open', resolve);
      this.socket.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
    });
    this.opened.catch(() => {});
    this.closed = new Promise((resolve) =>
      this.socket.once('close', (code, reason) => resolve({ code, reason: reason.toString() })),
    );
    this.socket.on('message', (data: Buffer, isBinary) => {
      const m = isBinary ? data : data.toString();
      if (this.waiting) {
        const w = this.waiting;
        this.waiting = null;
        w(m);
      } else this.messages.push(m);
    });
  }

  next(): Promise<string | Buffer> {
    if (this.messages.length) return Promise.resolve(this.messages.shift()!);
    return new Promise((resolve) => (this.waiting = resolve));
  }

  send(data: string | Buffer): void {
    this.socket.send(data);
  }
}

export async function open(url: string, options?: ClientOptions & { protocols?: string[] }): Promise<Client> {
  const client = new Client(url, options);
  await client.opened;
  return client;
}

/** Status line, headers and body of what the server wrote to a refused upgrade's socket. */
export function refusal(
  url: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: string; headers: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url, { headers });
    socket.on('error', reject);
    socket.on('open', () => reject(new Error('the upgrade was accepted')));
    socket.on('unexpected-response', (_req, res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode!, body, headers: res.headers }));
    });
  });
}

export const delay = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Polls `condition` every few ms until it holds (or fails after `ms`). */
export async function until(condition: () => boolean, ms = 3000): Promise<void> {
  const end = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${condition}`);
    await delay(5);
  }
}

/** The listeners the integration puts on a `ws` socket: none may outlive the connection. */
export function listenersOn(socket: WebSocket): number {
  return ['message', 'close', 'error', 'pong'].reduce((n, event) => n + socket.listenerCount(event), 0);
}
