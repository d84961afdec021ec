/**
 * `websocket(handler)` on a GreenletRouter, with real `ws` clients over loopback: what the
 * handler's `ws` does (recv, send, close, closed, protocol), how the handler's end closes the
 * connection, and that an ended connection leaves nothing behind.
 */
import { expect } from 'chai';
import type { RouterContext } from '@koa/router';
import type WebSocket from 'ws';
import { getcurrent } from '../../runtime';
import { openSessions } from '../../runtime/websocket/hub';
import { WebSocketClosed, type SyncWebSocket } from '../../runtime/websocket';
import { websocket } from '../../runtime/websocket';
import { listenersOn, open, recv, send, serve, until, type Served } from './helpers';

describe('websocket: handlers', () => {
  let served: Served | undefined;
  afterEach(async () => {
    await served?.close();
    served = undefined;
  });

  it('runs the handler as a greenlet: recv gives text as string and binary as Buffer, in order; send answers', async () => {
    const seen: string[] = [];
    served = await serve((router) => {
      router.get(
        '/echo/:room',
        websocket(function* echo(ws: SyncWebSocket, ctx: RouterContext) {
          seen.push(`greenlet ${getcurrent() !== null}`, `room ${ctx.params.room}`);
          for (let m = yield* recv(ws); m !== null; m = yield* recv(ws)) {
            seen.push(typeof m === 'string' ? `text ${m}` : `binary ${m.toString('hex')}`);
            yield* send(ws, m);
          }
          seen.push(`peer closed ${ws.closeCode}`);
        } as never),
      );
    });
    const client = await open(`${served.url}/echo/lobby`);
    client.send('one');
    client.send(Buffer.from([1, 2]));
    client.send('three');
    expect(await client.next()).to.equal('one');
    expect(await client.next()).to.deep.equal(Buffer.from([1, 2]));
    expect(await client.next()).to.equal('three');
    client.socket.close(4000, 'bye');
    await until(() => seen.length === 6);
    expect(seen).to.deep.equal([
      'greenlet true',
      'room lobby',
      'text one',
      'binary 0102',
      'text three',
      'peer closed 4000',
    ]);
  });

  it('answers 426 Upgrade Required to a request that is no WebSocket upgrade', async () => {
    served = await serve((router) =>
      router.get(
        '/chat',
        websocket(() => {}),
      ),
    );
    const res = await fetch(served.url.replace('ws:', 'http:') + '/chat');
    expect(res.status).to.equal(426);
    expect(res.headers.get('upgrade')).to.equal('websocket');
  });

  it('closes with 1000 when the handler returns, and with 1011 (reported on the app) when it throws', async () => {
    const errors: Error[] = [];
    served = await serve((router, app) => {
      app.on('error', (e: Error) => errors.push(e));
      router.get(
        '/done',
        websocket(function* (ws: SyncWebSocket) {
          yield* send(ws, 'bye');
        } as never),
      );
      router.get(
        '/fails',
        websocket(function* (ws: SyncWebSocket) {
          yield* recv(ws);
          throw new Error('handler exploded');
        } as never),
      );
    });
    const done = await open(`${served.url}/done`);
    expect(await done.next()).to.equal('bye');
    expect((await done.closed).code).to.equal(1000);
    const fails = await open(`${served.url}/fails`);
    fails.send('go');
    expect((await fails.closed).code).to.equal(1011);
    await until(() => errors.length === 1);
    expect(errors[0].message).to.equal('handler exploded');
  });

  it("reports a handler's error with the upgrade's ctx if the handler declares it, and without it if not", async () => {
    const reports: unknown[] = [];
    served = await serve((router, app) => {
      app.on('error', (e: Error, ctx?: RouterContext) => reports.push(`${e.message} ${ctx?.params.id}`));
      router.get(
        '/with/:id',
        websocket(function* (ws: SyncWebSocket, _ctx: RouterContext) {
          yield* recv(ws);
          throw new Error('with');
        } as never),
      );
      router.get(
        '/without/:id',
        websocket(function* (ws: SyncWebSocket) {
          yield* recv(ws);
          throw new Error('without');
        } as never),
      );
    });
    for (const path of ['with/7', 'without/8']) {
      const client = await open(`${served.url}/${path}`);
      client.send('go');
      expect((await client.closed).code).to.equal(1011);
    }
    await until(() => reports.length === 2);
    expect(reports).to.deep.equal(['with 7', 'without undefined']);
  });

  it('has close(code, reason), closed and protocol; messages that came before the close are still read', async () => {
    const seen: unknown[] = [];
    served = await serve((router) => {
      router.get(
        '/p',
        websocket(
          function* (ws: SyncWebSocket) {
            seen.push(ws.protocol, ws.closed);
            const first = yield* recv(ws);
            ws.close(4001, 'enough');
            seen.push(first, ws.closed);
            try {
              yield* send(ws, 'too late');
            } catch (e) {
              seen.push(e instanceof WebSocketClosed);
            }
          } as never,
          { protocols: ['chat.v2', 'chat.v1'] },
        ),
      );
    });
    const client = await open(`${served.url}/p`, { protocols: ['chat.v1', 'chat.v2'] });
    expect(client.socket.protocol).to.equal('chat.v2');
    client.send('hi');
    expect(await client.closed).to.deep.equal({ code: 4001, reason: 'enough' });
    expect(seen).to.deep.equal(['chat.v2', false, 'hi', true, true]);
  });

  it('ends cleanly when the peer leaves: recv gives null, finally runs, no listener, buffer or session is left', async () => {
    let socket: WebSocket | undefined;
    const events: string[] = [];
    served = await serve((router) => {
      router.get(
        '/leave',
        websocket(function* (ws: SyncWebSocket) {
          socket = ws.socket;
          try {
            while ((yield* recv(ws)) !== null) events.push('message');
            events.push('null');
          } finally {
            events.push('finally');
          }
        } as never),
      );
    });
    const client = await open(`${served.url}/leave`);
    client.send('a');
    await until(() => events.length === 1);
    client.socket.terminate(); // no close frame: the TCP connection just goes
    await until(() => events.length === 3);
    expect(events).to.deep.equal(['message', 'null', 'finally']);
    await until(() => openSessions(served!.server) === 0);
    expect(listenersOn(socket!)).to.equal(0);
  });
  it("keeps app.currentContext (Koa asyncLocalStorage) the connection's own ctx across recv waits", async () => {
    const seen: string[] = [];
    served = await serve(
      (router, app) => {
        router.get(
          '/who/:name',
          websocket(function* (ws: SyncWebSocket, ctx: RouterContext) {
            for (let m = yield* recv(ws); m !== null; m = yield* recv(ws)) {
              const current = app.currentContext as RouterContext | undefined;
              seen.push(`${ctx.params.name} ${m} ${current === ctx}`);
              yield* send(ws, String(m));
            }
          } as never),
        );
      },
      { asyncLocalStorage: true },
    );
    const [ada, bob] = [await open(`${served.url}/who/ada`), await open(`${served.url}/who/bob`)];
    for (const m of ['1', '2']) {
      ada.send(m);
      bob.send(m);
      await Promise.all([ada.next(), bob.next()]);
    }
    expect(seen.sort()).to.deep.equal(['ada 1 true', 'ada 2 true', 'bob 1 true', 'bob 2 true']);
  });
});
