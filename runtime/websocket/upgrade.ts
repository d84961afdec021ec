/**
 * `attachWebSockets(server, app)`: every `upgrade` request of `server` goes through the Koa app,
 * so the app's own middleware (auth, sessions, logging) and router decide it, as for any request.
 *
 * Koa gets the upgrade request and a real `ServerResponse` on its socket. A `websocket()` route
 * takes the socket from that response and completes the upgrade; if nothing does, Koa's answer
 * (404, or the 401 an auth middleware set) is written to the socket as a plain HTTP response
 * with `Connection: close`, and the socket is ended once it is sent.
 */
import { type IncomingMessage, type Server, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type Koa from 'koa';
import { hubFor, type Hub } from './hub';

/** An upgrade on its way through the app, until a route takes it. */
export interface PendingUpgrade {
  readonly socket: Duplex;
  readonly head: Buffer;
  readonly res: ServerResponse;
  readonly hub: Hub;
  taken: boolean;
}

const UPGRADE = Symbol('ts-greenlet.websocket.upgrade');

/** The upgrade behind `req`, if it came through `attachWebSockets` and no route has taken it yet. */
export function pendingUpgrade(req: IncomingMessage): PendingUpgrade | undefined {
  return (req as any)[UPGRADE];
}

/**
 * Takes the socket away from the response: from here `ws` owns it. The response then emits
 * `finish`, as a sent 101 would: `on-finished` (through which Koa watches the socket for errors
 * and loggers time responses) lets go of the socket, which would otherwise report a peer's reset
 * hours later as an error of this request.
 */
export function takeSocket(req: IncomingMessage, upgrade: PendingUpgrade): void {
  upgrade.taken = true;
  // ws listens for the socket's errors from `handleUpgrade` on, which follows at once; a second
  // listener would make the socket's `error` an array of two for the connection's life
  upgrade.socket.off('error', destroy);
  (req as any)[UPGRADE] = undefined; // a handler that keeps `ctx` keeps `req`: not `head` and the rest
  upgrade.res.detachSocket(upgrade.socket as never);
  upgrade.res.emit('finish');
}

/**
 * Routes `server`'s upgrade requests through `app`, and makes `server.close()` close every
 * WebSocket with 1001 and cancel its handler. Returns `server`. It must be the server's only
 * `upgrade` listener (another would get the same sockets), and like `app.listen()` it composes
 * the app's middleware now: middleware added later does not see upgrades.
 */
export function attachWebSockets<S extends Server>(server: S, app: Koa<any, any>): S {
  const hub = hubFor(server, app);
  const handle = app.callback();
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', destroy); // Node leaves an upgraded socket without an error listener
    const res = new ServerResponse(req);
    res.shouldKeepAlive = false;
    res.assignSocket(socket as never);
    const upgrade: PendingUpgrade = { socket, head, res, hub, taken: false };
    res.once('finish', () => upgrade.taken || socket.end()); // not taken: the app's answer is out
    (req as any)[UPGRADE] = upgrade;
    void handle(req, res);
  });
  return server;
}

function destroy(this: Duplex): void {
  this.destroy();
}
