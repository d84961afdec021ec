/**
 * The WebSocket sessions of one `http.Server` (made by `attachWebSockets`): what `server.close()`
 * closes with 1001 and whose greenlets it cancels.
 */
import type { Server } from 'node:http';
import type Koa from 'koa';
import { ConfigurationError } from '../errors';
import { GOING_AWAY, SERVER_SHUTDOWN } from './closed';

/** What the hub needs of a session (`session.ts`). */
export interface Shutdownable {
  shutdown(code: number, reason: string): void;
}

export class Hub {
  readonly sessions = new Set<Shutdownable>();
  /** `server.close()` was called: new upgrades get 503. */
  closing = false;

  /** `app`: the Koa app the server's upgrades go through (whose `error` event hears of handler errors). */
  constructor(readonly app: Koa<any, any>) {}

  shutdown(): void {
    this.closing = true;
    for (const session of [...this.sessions]) session.shutdown(GOING_AWAY, SERVER_SHUTDOWN);
  }
}

const hubs = new WeakMap<Server, Hub>();

/**
 * The hub of `server`, made on the first call. `server.close()` is wrapped on the instance (the
 * http module has no event for "closing"): it shuts the hub down, then closes as before.
 */
export function hubFor(server: Server, app: Koa<any, any>): Hub {
  if (hubs.has(server)) throw new ConfigurationError('attachWebSockets: this server has WebSockets attached already.');
  const hub = new Hub(app);
  hubs.set(server, hub);
  const close = server.close;
  server.close = function (this: Server, callback?: (error?: Error) => void) {
    hub.shutdown();
    return close.call(this, callback);
  } as Server['close'];
  return hub;
}

/** How many sessions of `server` are still running or open (for tests and diagnostics). */
export function openSessions(server: Server): number {
  return hubs.get(server)?.sessions.size ?? 0;
}
