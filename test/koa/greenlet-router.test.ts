import { expect } from 'chai';
import Koa, { type Context } from 'koa';
import Router, { type RouterContext } from '@koa/router';
import { getcurrent, protocol } from '../../runtime';
import { GreenletRouter, inExecutor, type SyncNext } from '../../runtime/koa';
import { TASKS } from '../executor-tasks';
import { coloured, listen, recordErrors, sleep, twin, type Running } from './helpers';

describe('koa: GreenletRouter', () => {
  let running: Running | undefined;
  afterEach(async () => {
    await running?.close();
    running = undefined;
  });

  /** One app with every kind of handler the mapper knows. */
  function serve(router: Router<any, any>): Promise<Running> {
    const app = new Koa();
    app.use(router.routes()).use(router.allowedMethods());
    return listen(app);
  }

  it("maps async, plain, coloured, generator and executor handlers the way aiopyramid's default mapper does", async () => {
    const router = new GreenletRouter();
    const seen: Record<string, boolean> = {};
    router.get('/async', async (ctx) => {
      seen.async = getcurrent() !== null;
      await new Promise((resolve) => setTimeout(resolve, 5));
      ctx.body = 'async';
    });
    router.get('/plain', (ctx) => {
      seen.plain = getcurrent() !== null;
      ctx.body = 'plain';
    });
    router.get(
      '/notes/:id',
      coloured('showNote', function* (ctx: RouterContext) {
        yield* twin(sleep)(10);
        seen.coloured = getcurrent() !== null;
        ctx.body = { id: ctx.params.id };
      }),
    );
    router.get('/generator', function* (ctx: RouterContext): Generator<unknown, void, unknown> {
      ctx.body = yield Promise.resolve('generator');
    } as never);
    router.get('/report/:id', inExecutor(TASKS, 'describeRequest'));
    running = await serve(router);

    expect(await (await fetch(`${running.url}/async`)).text()).to.equal('async');
    expect(await (await fetch(`${running.url}/plain`)).text()).to.equal('plain');
    expect(await (await fetch(`${running.url}/notes/12`)).json()).to.deep.equal({ id: '12' });
    expect(await (await fetch(`${running.url}/generator`)).text()).to.equal('generator');
    const report = await (await fetch(`${running.url}/report/5?full=1`, { headers: { 'x-test': 'yes' } })).json();
    expect(report).to.deep.include({
      method: 'GET',
      path: '/report/5',
      params: { id: '5' },
      query: { full: '1' },
      agent: 'yes',
    });
    expect(report.threadId).to.be.above(0); // a worker thread, not the main one
    expect(seen).to.deep.equal({ async: false, plain: true, coloured: true });
  });

  it('maps router.use, all, param and several handlers per route', async () => {
    const router = new GreenletRouter();
    const log: string[] = [];
    router.use(
      coloured('audit', function* (ctx: Context, next: SyncNext) {
        log.push(`audit ${ctx.path}`);
        yield* twin(next)();
        log.push(`audited ${ctx.status}`);
      }),
    );
    router.param(
      'user',
      coloured('loadUser', function* (id: string, ctx: RouterContext, next: SyncNext) {
        yield* twin(sleep)(5);
        if (id === '0') ctx.throw(404, 'no user 0');
        ctx.state.user = { id, name: `user ${id}` };
        yield* twin(next)();
      }),
    );
    router.get(
      '/users/:user',
      coloured('guard', function* (ctx: RouterContext, next: SyncNext) {
        log.push('guard');
        yield* twin(next)();
      }),
      (ctx: RouterContext) => {
        ctx.body = ctx.state.user;
      },
    );
    router.all(
      '/any',
      coloured('any', function* (ctx: RouterContext) {
        yield* twin(sleep)(1);
        ctx.body = ctx.method;
      }),
    );
    running = await serve(router);

    expect(await (await fetch(`${running.url}/users/3`)).json()).to.deep.equal({ id: '3', name: 'user 3' });
    expect((await fetch(`${running.url}/users/0`)).status).to.equal(404);
    expect(await (await fetch(`${running.url}/any`, { method: 'PUT' })).text()).to.equal('PUT');
    expect(log).to.deep.equal([
      'audit /users/3',
      'guard',
      'audited 200',
      'audit /users/0',
      'audit /any',
      'audited 200',
    ]);
  });

  it('types and maps head and options handlers as it does get: plain ones run as greenlets with a SyncNext', async () => {
    const router = new GreenletRouter();
    const seen: Record<string, boolean> = {};
    router.use(
      coloured('stamp', function* (ctx: Context, next: SyncNext) {
        yield* twin(next)();
        ctx.set('X-Stamp', ctx.method);
      }),
    );
    router.head('/doc', (ctx, next: SyncNext) => {
      seen.head = getcurrent() !== null;
      ctx.set('X-Size', '42');
      ctx.status = 200;
      next(); // typed SyncNext: on a @koa/router Router this handler would not type-check
    });
    router.options(
      '/doc',
      coloured('allow', function* (ctx: RouterContext) {
        yield* twin(sleep)(1);
        seen.options = getcurrent() !== null;
        ctx.set('Allow', 'HEAD, OPTIONS');
        ctx.status = 204;
      }),
    );
    running = await serve(router);

    const head = await fetch(`${running.url}/doc`, { method: 'HEAD' });
    expect([head.status, head.headers.get('x-size'), head.headers.get('x-stamp')]).to.deep.equal([200, '42', 'HEAD']);
    const options = await fetch(`${running.url}/doc`, { method: 'OPTIONS' });
    expect([options.status, options.headers.get('allow'), options.headers.get('x-stamp')]).to.deep.equal([
      204,
      'HEAD, OPTIONS',
      'OPTIONS',
    ]);
    expect(seen).to.deep.equal({ head: true, options: true });
  });

  it("reads a handler's twin when it runs: a route registered above the twin's setTwin works", async () => {
    const router = new GreenletRouter();
    function lateHandler(ctx: RouterContext): void {
      ctx.body = 'plain entry: wrong';
    }
    router.get('/late', lateHandler);
    // What transformed code does after a hoisted function declaration the route was registered above.
    protocol.setTwin(
      lateHandler,
      function* (ctx: RouterContext): Generator<unknown, void, unknown> {
        yield* twin(sleep)(1);
        ctx.body = 'late twin';
      } as never,
      'lateHandler',
    );
    running = await serve(router);
    expect(await (await fetch(`${running.url}/late`)).text()).to.equal('late twin');
  });

  it('moves an existing app over by changing the constructor only', async () => {
    function app(router: Router) {
      router.get('/', async (ctx) => {
        ctx.body = 'home';
      });
      router.post('/items', (ctx) => {
        ctx.status = 201;
        ctx.body = { created: true };
      });
      router.redirect('/old', '/');
      return router;
    }
    for (const router of [app(new Router()), app(new GreenletRouter())]) {
      running = await serve(router);
      expect(await (await fetch(running.url)).text()).to.equal('home');
      const created = await fetch(`${running.url}/items`, { method: 'POST' });
      expect([created.status, await created.json()]).to.deep.equal([201, { created: true }]);
      expect((await fetch(`${running.url}/old`, { redirect: 'manual' })).status).to.equal(301);
      expect((await fetch(`${running.url}/items`, { method: 'DELETE' })).status).to.equal(405);
      await running.close();
      running = undefined;
    }
  });

  it("nests routers and keeps errors on Koa's path", async () => {
    const api = new GreenletRouter({ prefix: '/api' });
    api.get(
      '/boom',
      coloured('boom', function* () {
        yield* twin(sleep)(1);
        throw new Error('api exploded');
      }),
    );
    const root = new GreenletRouter();
    root.use(api.routes());
    const app = new Koa();
    const errors = recordErrors(app);
    app.use(root.routes());
    running = await listen(app);
    expect((await fetch(`${running.url}/api/boom`)).status).to.equal(500);
    expect(errors.map((e) => e.message)).to.deep.equal(['api exploded']);
  });
});
