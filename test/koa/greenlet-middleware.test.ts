import { expect } from 'chai';
import Koa, { type Context } from 'koa';
import { getcurrent } from '../../runtime';
import { greenlet, type SyncNext } from '../../runtime/koa';
import { coloured, listen, recordErrors, sleep, twin, type Running } from './helpers';

describe('koa: greenlet(handler)', () => {
  let running: Running | undefined;
  afterEach(async () => {
    await running?.close();
    running = undefined;
  });

  it('runs sync-style middleware top to bottom: next() returns when downstream is done', async () => {
    const app = new Koa();
    const log: string[] = [];
    const timing = coloured('timing', function* (ctx: Context, next: SyncNext) {
      const start = performance.now();
      log.push('timing: before next');
      yield* twin(next)();
      log.push('timing: after next');
      ctx.set('X-Response-Time', `${(performance.now() - start).toFixed(1)}ms`);
    });
    const handler = coloured('handler', function* (ctx: Context) {
      log.push('handler: start');
      yield* twin(sleep)(30);
      log.push('handler: done');
      ctx.body = 'ok';
    });
    app.use(greenlet(timing));
    app.use(greenlet(handler));
    running = await listen(app);

    const res = await fetch(running.url);
    expect(await res.text()).to.equal('ok');
    expect(parseFloat(res.headers.get('x-response-time')!)).to.be.at.least(29);
    expect(log).to.deep.equal(['timing: before next', 'handler: start', 'handler: done', 'timing: after next']);
  });

  it("mixes with async and untransformed middleware: a plain `return next()` gets Koa's promise", async () => {
    const app = new Koa();
    const log: string[] = [];
    app.use(async (ctx, next) => {
      log.push('async: before');
      await next();
      log.push('async: after');
    });
    app.use(
      greenlet((ctx, next) => {
        log.push(`plain: in a greenlet ${getcurrent() !== null}`);
        return next(); // untransformed code: the plain form of the synchronized next
      }),
    );
    app.use(
      greenlet(
        coloured('leaf', function* (ctx: Context) {
          yield* twin(sleep)(5);
          log.push('leaf');
          ctx.body = 'mixed';
        }),
      ),
    );
    running = await listen(app);

    expect(await (await fetch(running.url)).text()).to.equal('mixed');
    expect(log).to.deep.equal(['async: before', 'plain: in a greenlet true', 'leaf', 'async: after']);
  });

  it('runs a hand-written protocol generator function (Koa itself would answer 404)', async () => {
    const app = new Koa();
    app.use(
      greenlet(function* (ctx: Context): Generator<unknown, void, unknown> {
        const n = (yield Promise.resolve(41)) as number;
        ctx.body = { n: n + 1 };
      } as never),
    );
    running = await listen(app);
    expect(await (await fetch(running.url)).json()).to.deep.equal({ n: 42 });
  });

  it("passes the middleware's own `this` to the handler", async () => {
    const seen: unknown[] = [];
    const mw = greenlet(
      coloured('withThis', function* (this: unknown, ctx: Context) {
        seen.push(this);
        ctx.body = 'x';
      }),
    );
    const ctx = { res: {} } as Context;
    const self = { name: 'caller' };
    await mw.call(self, ctx as never, async () => {});
    expect(seen).to.deep.equal([self]);
  });

  it('ctx.throw(404) after a suspension reaches Koa: 404 answered, not logged as a server error', async () => {
    const app = new Koa();
    const errors = recordErrors(app);
    app.use(
      greenlet(
        coloured('find', function* (ctx: Context) {
          yield* twin(sleep)(5);
          ctx.throw(404, 'no such note');
        }),
      ),
    );
    running = await listen(app);

    const res = await fetch(`${running.url}/notes/9`);
    expect(res.status).to.equal(404);
    expect(await res.text()).to.equal('no such note');
    expect(errors.map((e: any) => [e.status, e.expose])).to.deep.equal([[404, true]]); // Koa's onerror skips these
  });

  it("a thrown Error becomes a 500 through Koa's error handling, with the greenlet call chain in its stack", async () => {
    const app = new Koa();
    const errors = recordErrors(app);
    const loadNote = coloured('loadNote', function* (id: string) {
      yield* twin(sleep)(5);
      throw new Error(`database lost note ${id}`);
    });
    app.use(
      greenlet(
        coloured('showNote', function* (ctx: Context) {
          ctx.body = yield* twin(loadNote)('7');
        }),
      ),
    );
    running = await listen(app);

    const res = await fetch(running.url);
    expect(res.status).to.equal(500);
    expect(await res.text()).to.equal('Internal Server Error');
    expect(errors).to.have.length(1);
    expect(errors[0].message).to.equal('database lost note 7');
    expect(errors[0].stack).to.include('greenlet showNote');
  });

  it('an error thrown before the first suspension is a 500 too', async () => {
    const app = new Koa();
    const errors = recordErrors(app);
    app.use(
      greenlet(() => {
        throw new TypeError('bad input handling');
      }),
    );
    running = await listen(app);
    expect((await fetch(running.url)).status).to.equal(500);
    expect(errors.map((e) => e.message)).to.deep.equal(['bad input handling']);
  });
});
