/**
 * The HTTP server around the Koa app: the timeouts of `limits.ts`, JSON answers for the requests
 * Node refuses before Koa sees them, and a graceful stop on SIGTERM/SIGINT.
 */
import http, { type ServerResponse, STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import type Koa from 'koa';
import { limits } from './limits';

/** An HTTP server for `app` that drops clients too slow to send their headers or their request. */
export function createServer(app: Koa): http.Server {
  const server = http.createServer(
    {
      headersTimeout: Math.min(limits.headersTimeoutMs, limits.requestTimeoutMs), // Node requires ≤
      requestTimeout: limits.requestTimeoutMs,
      // How often Node looks for expired requests: its default, 30 s, would make a short timeout late.
      connectionsCheckingInterval: Math.min(1000, Math.ceil(limits.headersTimeoutMs / 4)),
    },
    app.callback(),
  );
  server.on('clientError', answerClientError);
  return server;
}

const CLIENT_ERROR_STATUS: Record<string, number> = {
  HPE_HEADER_OVERFLOW: 431,
  HPE_CHUNK_EXTENSIONS_OVERFLOW: 413,
  ERR_HTTP_REQUEST_TIMEOUT: 408, // headersTimeout or requestTimeout
};

/**
 * Node's own answer to a request it cannot parse or that took too long has an empty body; this
 * one is the service's usual `{ error }`. As Node does, nothing is written once a response has
 * started on the socket.
 */
function answerClientError(err: NodeJS.ErrnoException, socket: Duplex): void {
  const started = (socket as { _httpMessage?: ServerResponse })._httpMessage?.headersSent;
  if (err.code === 'ECONNRESET' || !socket.writable || started) {
    socket.destroy();
    return;
  }
  const status = CLIENT_ERROR_STATUS[err.code ?? ''] ?? 400;
  const body = JSON.stringify({ error: STATUS_CODES[status]!.toLowerCase() });
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: application/json; charset=utf-8\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}

/**
 * On SIGTERM or SIGINT: stop accepting connections, let the requests in flight finish (their
 * answers and any later request on an open connection say `Connection: close`, so keep-alive
 * clients cannot hold the server open), then run `close` (the database) and exit 0. Connections
 * still busy after `shutdownTimeoutMs` are cut and the stop goes on; a second signal cuts them at once.
 */
export function stopGracefullyOnSignals(server: http.Server, close: () => Promise<void>): void {
  const inFlight = new Set<ServerResponse>();
  let stopping = false;
  server.on('request', (_req, res: ServerResponse) => {
    // Runs after Koa's listener has started the request, always before it answers (a later tick).
    if (stopping) return void res.setHeader('Connection', 'close');
    inFlight.add(res);
    res.once('close', () => inFlight.delete(res));
  });
  const stop = () => {
    if (stopping) return void server.closeAllConnections();
    stopping = true;
    for (const res of inFlight) if (!res.headersSent) res.setHeader('Connection', 'close');
    let finished = false;
    const finish = () => {
      if (finished) return;
      finished = true;
      close().then(
        () => process.exit(0),
        (err) => {
          console.error(err);
          process.exit(1);
        },
      );
    };
    server.close(finish);
    server.closeIdleConnections();
    // closeAllConnections does not reach upgraded sockets, which would hold close() open: finish anyway.
    setTimeout(() => {
      server.closeAllConnections();
      finish();
    }, limits.shutdownTimeoutMs).unref();
  };
  process.on('SIGINT', stop).on('SIGTERM', stop);
}
