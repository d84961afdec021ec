/**
 * attachWebSockets: every upgrade goes through the Koa app, so its middleware and router decide
 * it. A refused upgrade gets a real HTTP response on its socket, then the socket is closed.
 */
import { expect } from 'chai';
import type { Context, Next } from 'koa';
import { greenlet, type SyncNext } from '../../runtime/koa';
import { websocket, type SyncWebSocket } from '../../runtime/websocket';
import { open, recv, refusal, send, serve, until, type Served } from './helpers';
import { sleep, twin } from '../koa/helpers';

describe('websocket: upgrades through the Koa app', () => {
  let served: Served | undefined;
  afterEach(async () => {
    await served?.close();
    served = undefined;
  });

  /** An auth middleware as apps write it: a token in the query string (browsers cannot set headers on a WebSocket). */
  async function auth(ctx: Context, next: Next) {
    if (ctx.query.token !== 'secret') {
      ctx.status = 401;
      ctx.body = { error: 'log in first' };
      return;
    }
    ctx.state.user = 'ada';
    await next();
  }

  it('lets an auth middleware refuse the upgrade: 401 and its body on the socket, which is then closed', async () => {
    served = await serve((router, app) => {
      app.use(auth);
      router.get(
        '/chat',
        websocket(function* (ws: SyncWebSocket, ctx: Context) {
          yield* send(ws, `hello ${ctx.state.user}`);
        } as never),
      );
    });
    const refused = await refusal(`${served.url}/chat?token=wrong`);
    expect([refused.status, JSON.parse(refused.body)]).to.deep.equal([401, { error: 'log in first' }]);
    expect(refused.headers.connection).to.equal('close');
    const client = await open(`${served.url}/chat?token=secret`);
    expect(await client.next()).to.equal('hello ada');
  });

  it('answers an upgrade no route takes with 404', async () => {
    served = await serve((router) =>
      router.get(
        '/chat',
        websocket(() => {}),
      ),
    );
    expect((await refusal(`${served.url}/nowhere`)).status).to.equal(404);
  });

  it('refuses an origin not in `origins` with 403, and accepts a listed one', async () => {
    served = await serve((router) => {
      router.get(
        '/chat',
        websocket(
          function* (ws: SyncWebSocket) {
            yield* send(ws, 'welcome');
          } as never,
          { origins: ['https://notes.example'] },
        ),
      );
    });
    expect((await refusal(`${served.url}/chat`, { origin: 'https://evil.example' })).status).to.equal(403);
    expect((await refusal(`${served.url}/chat`)).status).to.equal(403); // no Origin at all
    const client = await open(`${served.url}/chat`, { origin: 'https://notes.example' });
    expect(await client.next()).to.equal('welcome');
  });

  it('runs sync-style middleware around it: next() returns once the upgrade is done, with status 101', async () => {
    const log: string[] = [];
    served = await serve((router, app) => {
      app.use(
        greenlet(function* logger(ctx: Context, next: SyncNext) {
          yield* twin(sleep)(1); // a middleware that waits before passing the upgrade on
          yield* twin(next)();
          log.push(`${ctx.method} ${ctx.path} ${ctx.status}`);
        } as never),
      );
      router.get(
        '/chat',
        websocket(function* (ws: SyncWebSocket) {
          yield* send(ws, String(yield* recv(ws)).toUpperCase());
        } as never),
      );
    });
    const client = await open(`${served.url}/chat`);
    client.send('hi');
    expect(await client.next()).to.equal('HI');
    await refusal(`${served.url}/missing`);
    await until(() => log.length === 2);
    expect(log).to.deep.equal(['GET /chat 101', 'GET /missing 404']);
  });

  it('answers a malformed handshake with 400 through the app', async () => {
    served = await serve((router) =>
      router.get(
        '/chat',
        websocket(() => {}),
      ),
    );
    const { request } = await import('node:http');
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(`${served!.url.replace('ws:', 'http:')}/chat`, {
        headers: {
          connection: 'Upgrade',
          upgrade: 'websocket',
          'sec-websocket-version': '13',
          'sec-websocket-key': 'short',
        },
      });
      req.on('response', (res) => resolve(res.statusCode!));
      req.on('upgrade', () => reject(new Error('upgraded')));
      req.on('error', reject);
      req.end();
    });
    expect(status).to.equal(400);
  });
});
