/**
 * Shared pieces for the Koa tests: hand-written greenlet-protocol code (what the transformer will
 * emit: a plain entry plus a `function*` twin registered with setTwin) and a real server on
 * loopback.
 */
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import type Koa from 'koa';
import { protocol, synchronize } from '../../runtime';

/** A synchronized sleep: the suspension point the handlers below wait on. */
export const sleep = synchronize((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));

/** The generator twin of a coloured or synchronized function, for `yield* twin(f)(...)`. */
export function twin(fn: unknown): (...args: any[]) => Generator<unknown, any, unknown> {
  const t = protocol.twinOf(fn);
  if (!t) throw new Error(`${String(fn)} has no twin`);
  return t;
}

/** A coloured function as the transformer would emit it: a plain entry carrying `body` as its twin. */
export function coloured<This, A extends unknown[], R>(
  name: string,
  body: (this: This, ...args: A) => Generator<unknown, R, unknown>,
): (this: This, ...args: A) => R {
  const plain = function (this: This, ...args: A): R {
    return protocol.runPlain(body.apply(this, args) as never, name) as R;
  };
  return protocol.setTwin(plain, body as never, name);
}

export interface Running {
  url: string;
  server: Server;
  close(): Promise<void>;
}

/** `app.listen(0)` on loopback; `close()` drops kept-alive connections too. */
export function listen(app: Koa<any, any>): Promise<Running> {
  return new Promise((resolve) => {
    const server = app.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      resolve({
        url: `http://127.0.0.1:${port}`,
        server,
        close: () =>
          new Promise<void>((done) => {
            server.closeAllConnections();
            server.close(() => done());
          }),
      });
    });
  });
}

/** Collects what Koa would log: errors emitted on the app. */
export function recordErrors(app: Koa<any, any>): Error[] {
  const errors: Error[] = [];
  app.on('error', (error: Error) => errors.push(error));
  return errors;
}
