/**
 * `server.close()` closes every WebSocket with 1001 and ends its handler with `GreenletExit` at
 * its suspension point (its `finally` runs); the server then closes as usual.
 */
import { expect } from 'chai';
import { GreenletExit, synchronize } from '../../runtime';
import { openSessions } from '../../runtime/websocket/hub';
import { SERVER_SHUTDOWN, websocket, type SyncWebSocket } from '../../runtime/websocket';
import { open, recv, send, serve, until } from './helpers';
import { twin } from '../koa/helpers';

/** A wait nothing ends but a cancel (and no timer that would keep the test process alive). */
const forever = synchronize(() => new Promise<void>(() => {}));

describe('websocket: server shutdown', () => {
  it('closes each socket with 1001 and cancels each handler where it waits; finally runs; the server closes', async () => {
    const events: string[] = [];
    const served = await serve((router) => {
      router.get(
        '/reader',
        websocket(function* (ws: SyncWebSocket) {
          try {
            yield* send(ws, 'ready');
            yield* recv(ws);
            events.push('recv returned');
          } catch (e) {
            events.push(e instanceof GreenletExit ? `reader exit: ${e.reason}` : String(e));
            throw e;
          } finally {
            events.push('reader finally');
          }
        } as never),
      );
      router.get(
        '/sleeper',
        websocket(function* (ws: SyncWebSocket) {
          try {
            yield* send(ws, 'ready');
            yield* twin(forever)(); // not waiting on the socket at all
          } finally {
            events.push(`sleeper finally, closed ${ws.closed}`);
          }
        } as never),
      );
    });
    const clients = [await open(`${served.url}/reader`), await open(`${served.url}/sleeper`)];
    for (const c of clients) expect(await c.next()).to.equal('ready');
    const closed = new Promise<void>((resolve) => served.server.close(() => resolve()));
    expect(await Promise.all(clients.map((c) => c.closed))).to.deep.equal([
      { code: 1001, reason: SERVER_SHUTDOWN },
      { code: 1001, reason: SERVER_SHUTDOWN },
    ]);
    await closed;
    expect(events).to.deep.equal([`reader exit: ${SERVER_SHUTDOWN}`, 'reader finally', 'sleeper finally, closed true']);
    await until(() => openSessions(served.server) === 0);
  });
});
