import { expect } from 'chai';
import { AsyncLocalStorage } from 'node:async_hooks';
import * as http from 'node:http';
import Koa, { type Context } from 'koa';
import { GreenletExit } from '../../runtime';
import { CLIENT_DISCONNECTED, greenlet, GreenletRouter, type SyncNext } from '../../runtime/koa';
import { coloured, listen, recordErrors, sleep, twin, type Running } from './helpers';

function deferred<T = void>(): { promise: Promise<T>; resolve: (v: T) => void } {
  let resolve!: (v: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

function within<T>(ms: number, promise: Promise<T>, what: string): Promise<T> {
  return Promise.race([
    promise,
    new Promise<T>((_, reject) => setTimeout(() => reject(new Error(`${what} took over ${ms} ms`)), ms)),
  ]);
}

describe('koa: a client that disconnects cancels its greenlets', () => {
  let running: Running | undefined;
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown) => unhandled.push(reason);
  before(() => process.on('unhandledRejection', onUnhandled));
  after(() => process.off('unhandledRejection', onUnhandled));
  afterEach(async () => {
    await running?.close();
    running = undefined;
  });

  it('throws GreenletExit at the suspension points, runs finally blocks (which may wait), logs nothing', async () => {
    const app = new Koa({ asyncLocalStorage: true });
    const errors = recordErrors(app);
    const started = deferred();
    const handlerDone = deferred();
    const events: string[] = [];
    let handlerExit: unknown;
    let finallySawContext = false;

    app.use(
      greenlet(
        coloured('timing', function* (ctx: Context, next: SyncNext) {
          try {
            yield* twin(next)();
            events.push('timing: next returned');
          } catch (error) {
            events.push(`timing: ${(error as Error).name}`);
            throw error;
          } finally {
            events.push('timing: finally');
          }
        }),
      ),
    );
    const router = new GreenletRouter();
    router.get(
      '/slow',
      coloured('slowReport', function* (ctx: Context) {
        try {
          started.resolve();
          yield* twin(sleep)(5000);
          ctx.body = 'too late';
        } catch (error) {
          handlerExit = error;
          throw error;
        } finally {
          yield* twin(sleep)(5); // cleanup may itself wait
          finallySawContext = app.currentContext === ctx;
          events.push('handler: finally');
          handlerDone.resolve();
        }
      }),
    );
    app.use(router.routes());
    running = await listen(app);

    const t0 = performance.now();
    const req = http.request(`${running.url}/slow`);
    req.on('error', () => {}); // ECONNRESET: we hung up ourselves
    req.end();
    await within(2000, started.promise, 'the handler starting');
    req.destroy();
    await within(1000, handlerDone.promise, 'cancellation');
    const cancelledAfter = performance.now() - t0;
    await new Promise((resolve) => setTimeout(resolve, 50)); // let Koa finish with the request

    expect(handlerExit).to.be.instanceOf(GreenletExit);
    expect((handlerExit as GreenletExit).reason).to.equal(CLIENT_DISCONNECTED);
    expect(finallySawContext, 'app.currentContext in the finally block').to.equal(true);
    // innermost first: the middleware's next() throws the exit once the handler has unwound
    expect(events).to.deep.equal(['handler: finally', 'timing: GreenletExit', 'timing: finally']);
    expect(errors, 'errors emitted on the app (logged by Koa)').to.deep.equal([]);
    expect(unhandled).to.deep.equal([]);
    expect(cancelledAfter).to.be.below(1000);
  });

  it('cancels each greenlet in its own async context', async () => {
    const app = new Koa();
    const als = new AsyncLocalStorage<string>();
    const seen: string[] = [];
    const handlerDone = deferred();
    const started = deferred();
    app.use((ctx, next) => als.run('outer', next));
    app.use(
      greenlet(
        coloured('mw', function* (ctx: Context, next: SyncNext) {
          try {
            yield* twin(sleep)(1); // suspends (and is watched) before downstream does
            yield* twin(next)();
          } finally {
            seen.push(`mw: ${als.getStore()}`);
          }
        }),
      ),
    );
    app.use((ctx, next) => als.run('inner', next));
    const router = new GreenletRouter();
    router.get(
      '/slow',
      coloured('slow', function* () {
        try {
          started.resolve();
          yield* twin(sleep)(5000);
        } finally {
          seen.push(`handler: ${als.getStore()}`);
          handlerDone.resolve();
        }
      }),
    );
    app.use(router.routes());
    running = await listen(app);
    const req = http.request(`${running.url}/slow`);
    req.on('error', () => {});
    req.end();
    await within(2000, started.promise, 'the handler starting');
    req.destroy();
    await within(1000, handlerDone.promise, 'cancellation');
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(seen).to.deep.equal(['handler: inner', 'mw: outer']);
  });

  it('leaves a request alone once its response is sent', async () => {
    const app = new Koa();
    const errors = recordErrors(app);
    let after: string | undefined;
    app.use(
      greenlet(
        coloured('respondThenWork', function* (ctx: Context, next: SyncNext) {
          yield* twin(next)();
          after = 'ran to the end';
        }),
      ),
    );
    app.use(
      greenlet(
        coloured('answer', function* (ctx: Context) {
          yield* twin(sleep)(5);
          ctx.body = 'done';
        }),
      ),
    );
    running = await listen(app);
    expect(await (await fetch(running.url)).text()).to.equal('done');
    expect(after).to.equal('ran to the end');
    expect(errors).to.deep.equal([]);
  });
});
