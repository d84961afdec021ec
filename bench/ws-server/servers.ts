/**
 * The two echo servers of `npm run bench:ws`, compiled by `tspc` with the transformer (like the
 * example app), so the sync-style one runs exactly what users get:
 *
 * - `sync`: Koa + GreenletRouter + `websocket(handler)` + `attachWebSockets`; the handler loops
 *   over `ws.recv()` / `ws.send()` in a greenlet per connection.
 * - `plain`: `ws`'s own WebSocketServer on the http.Server, an async `message` listener that
 *   sends the message back (text as text, binary as binary, as the sync handler does).
 * - `awaiting`: the same, but the listener awaits once before it sends, as an async handler
 *   that does any I/O first does: the send leaves the socket's `message` event for a microtask,
 *   which is where a greenlet resumed by a promise sends from too.
 * - `looping` (not in `bench:ws`'s table; `npm run bench:ws-heap -- --variants=looping`): the
 *   async/await twin of the sync-style handler, an async function per connection that loops
 *   awaiting the next message, which is what its heap per idle connection compares with best.
 */
import http from 'node:http';
import Koa from 'koa';
import { WebSocketServer, type WebSocket } from 'ws';
import { GreenletRouter } from 'ts-greenlet/koa';
import { attachWebSockets, websocket, type Message, type SyncWebSocket } from 'ts-greenlet/websocket';

function echo(ws: SyncWebSocket): void {
  let message: Message | null;
  while ((message = ws.recv()) !== null) ws.send(message);
}

export function syncServer(): http.Server {
  const app = new Koa();
  const router = new GreenletRouter();
  router.get('/echo', websocket(echo));
  app.use(router.routes());
  return attachWebSockets(http.createServer(app.callback()), app);
}

export function plainServer(awaitFirst = false): http.Server {
  const server = http.createServer((_req, res) => res.writeHead(426).end());
  const wss = new WebSocketServer({ server, path: '/echo', perMessageDeflate: false, clientTracking: false });
  wss.on('connection', (ws) => {
    ws.on('message', async (data: Buffer, isBinary: boolean) => {
      if (awaitFirst) await null;
      ws.send(isBinary ? data : data.toString('utf8'));
    });
  });
  return server;
}

export function awaitingServer(): http.Server {
  return plainServer(true);
}

export function loopingServer(): http.Server {
  const server = http.createServer((_req, res) => res.writeHead(426).end());
  const wss = new WebSocketServer({ server, path: '/echo', perMessageDeflate: false, clientTracking: false });
  wss.on('connection', (ws) => void echoLoop(new Inbox(ws)));
  return server;
}

async function echoLoop(inbox: Inbox): Promise<void> {
  let message: Buffer | string | null;
  while ((message = await inbox.next()) !== null) inbox.ws.send(message);
}

/** A socket's messages as promises, one at a time, as an async handler would read them. */
class Inbox {
  private readonly queue: Array<Buffer | string | null> = [];
  private waiting: ((message: Buffer | string | null) => void) | null = null;

  constructor(readonly ws: WebSocket) {
    ws.on('message', (data: Buffer, isBinary: boolean) => this.push(isBinary ? data : data.toString('utf8')));
    ws.on('close', () => this.push(null));
  }

  next(): Promise<Buffer | string | null> {
    if (this.queue.length > 0) return Promise.resolve(this.queue.shift()!);
    return new Promise((resolve) => (this.waiting = resolve));
  }

  private push(message: Buffer | string | null): void {
    const waiting = this.waiting;
    this.waiting = null;
    if (waiting !== null) waiting(message);
    else this.queue.push(message);
  }
}
