/** The options of `websocket(handler, options)`, and their defaults. */
import { ConfigurationError } from '../errors';

export interface WebSocketOptions {
  /** The largest message accepted, in bytes; a bigger one closes the connection with 1009. Default 1 MiB. */
  maxPayload?: number;
  /**
   * The `Origin` headers allowed to connect (e.g. `['https://example.com']`); any other origin,
   * or none, is refused with 403 before the upgrade. Default: every origin. Browsers send
   * `Origin`, so set it for any page-facing endpoint that relies on cookies (cross-site hijacking).
   */
  origins?: readonly string[];
  /**
   * Ping every this many milliseconds; a peer that has not answered the previous ping is
   * dropped (its handler sees `recv()` return `null`, `send()` throw). Default: no pings.
   */
  heartbeat?: number;
  /**
   * Bytes buffered for sending above which `send()` waits until they are written; also the
   * bytes of received, unread messages above which reading from the peer pauses. Default 64 KiB.
   */
  highWaterMark?: number;
  /** Subprotocols the server speaks, preferred first; the first the client also offers is chosen. */
  protocols?: readonly string[];
}

export interface ResolvedOptions {
  maxPayload: number;
  origins: ReadonlySet<string> | null;
  heartbeat: number;
  highWaterMark: number;
  protocols: readonly string[];
}

export function resolveOptions(options: WebSocketOptions): ResolvedOptions {
  const { maxPayload = 1024 * 1024, heartbeat = 0, highWaterMark = 64 * 1024, origins, protocols = [] } = options;
  for (const [name, value] of Object.entries({ maxPayload, heartbeat, highWaterMark })) {
    if (!Number.isFinite(value) || value < 0)
      throw new ConfigurationError(`websocket: ${name} must be a number >= 0; got ${String(value)}.`);
  }
  return { maxPayload, heartbeat, highWaterMark, origins: origins ? new Set(origins) : null, protocols };
}
