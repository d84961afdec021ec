/**
 * `websocket(handler, options)`: the Koa route handler that completes an upgrade (`ws` in
 * `noServer` mode) and runs `handler(ws, ctx)` as a greenlet for the life of the connection.
 * Anything else gets `426 Upgrade Required`; a refused origin 403; a malformed handshake 400;
 * an upgrade while the server is closing 503. The route answers these through Koa, so logging
 * middleware sees them; a completed upgrade leaves `ctx.status` 101 and `ctx.respond` false.
 */
import type { RouterContext } from '@koa/router';
import type { Context, Middleware } from 'koa';
import { ws } from './ws-peer';
import { ConfigurationError } from '../errors';
import { markMapped } from '../koa/handler-middleware';
import { SyncWebSocket, type ConnectionSettings } from './connection';
import { Heartbeat } from './heartbeat';
import { resolveOptions, type ResolvedOptions, type WebSocketOptions } from './options';
import { Session } from './session';
import { pendingUpgrade, takeSocket } from './upgrade';
import { isViewClass, viewRunner, type ViewClass } from './view';

/** A sync-style WebSocket handler: runs as a greenlet; `ws.recv()` and `ws.send()` may wait. */
export type WebSocketHandler<C = RouterContext> = (ws: SyncWebSocket, ctx: C) => unknown;

const KEY = /^[+/0-9A-Za-z]{22}==$/; // what RFC 6455 allows as Sec-WebSocket-Key (16 bytes, base64)

export function websocket<C = RouterContext>(
  handler: WebSocketHandler<C> | ViewClass,
  options: WebSocketOptions = {},
): Middleware<any, any> {
  if (typeof handler !== 'function')
    throw new ConfigurationError(
      `websocket() needs a handler function or a WebSocketConnectionView class; got ${typeof handler}.`,
    );
  const resolved = resolveOptions(options);
  const run: Function = isViewClass(handler) ? viewRunner(handler) : handler;
  const name = handler.name || 'websocket handler';
  const wss = new ws.WebSocketServer({
    noServer: true,
    clientTracking: false, // the hub tracks sessions
    perMessageDeflate: false,
    maxPayload: resolved.maxPayload,
    ...(resolved.protocols.length > 0 && {
      handleProtocols: (offered: Set<string>) => resolved.protocols.find((p) => offered.has(p)) ?? false,
    }),
  });
  const settings: ConnectionSettings = {
    highWaterMark: resolved.highWaterMark,
    heartbeat: resolved.heartbeat > 0 ? new Heartbeat(resolved.heartbeat) : null,
  };
  // Marked as mapped: a GreenletRouter registers it as it is (it is no sync-style handler itself).
  return markMapped(function websocketRoute(ctx: Context): void {
    if (!refused(ctx, resolved)) upgrade(ctx);
  });

  function upgrade(ctx: Context): void {
    const pending = pendingUpgrade(ctx.req)!;
    ctx.status = 101;
    ctx.respond = false;
    takeSocket(ctx.req, pending);
    const { socket, head, hub } = pending;
    // Synchronous (no verifyClient, no compression): the socket is ours when this returns.
    wss.handleUpgrade(ctx.req, socket, head, (ws) => {
      const conn = new SyncWebSocket(ws, settings);
      new Session(conn, hub).start(run, name, ctx);
    });
  }
}

/** Answers (and returns true) when the request is not an upgrade this route may complete. */
function refused(ctx: Context, options: ResolvedOptions): boolean {
  const pending = pendingUpgrade(ctx.req);
  if (pending === undefined || ctx.get('upgrade').toLowerCase() !== 'websocket') {
    ctx.set('Upgrade', 'websocket');
    return answer(ctx, 426, 'Upgrade Required: this URL serves WebSocket connections');
  }
  if (pending.hub.closing) return answer(ctx, 503, 'the server is shutting down');
  if (options.origins !== null && !options.origins.has(ctx.get('origin')))
    return answer(ctx, 403, 'origin not allowed');
  const version = ctx.get('sec-websocket-version');
  if (ctx.method !== 'GET' || !KEY.test(ctx.get('sec-websocket-key')) || (version !== '13' && version !== '8')) {
    return answer(ctx, 400, 'invalid WebSocket handshake');
  }
  return false;
}

function answer(ctx: Context, status: number, message: string): true {
  ctx.status = status;
  ctx.body = message;
  return true;
}
