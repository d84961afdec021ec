import { expect } from 'chai';
import Koa, { type Context } from 'koa';
import { GreenletRouter } from '../../runtime/koa';
import { coloured, listen, sleep, twin, type Running } from './helpers';

describe('koa: new Koa({ asyncLocalStorage: true }) across suspensions', () => {
  let running: Running | undefined;
  afterEach(async () => {
    await running?.close();
    running = undefined;
  });

  it("app.currentContext is the request's own ctx before and after each suspension, deep in the call chain", async () => {
    const app = new Koa({ asyncLocalStorage: true });
    /** A coloured helper that knows nothing of ctx: reads it from storage after waiting. */
    const currentUser = coloured('currentUser', function* (ms: number) {
      yield* twin(sleep)(ms);
      return (app.currentContext as Context).query.user;
    });
    const router = new GreenletRouter();
    router.get(
      '/who',
      coloured('who', function* (ctx: Context) {
        const before = app.currentContext === ctx;
        const user = yield* twin(currentUser)(Number(ctx.query.ms));
        yield Promise.resolve(); // a bare promise suspension too
        ctx.body = { user, before, after: app.currentContext === ctx };
      }),
    );
    app.use(router.routes());
    running = await listen(app);

    // Interleaved: the slower request starts first and finishes last.
    const [slow, fast] = await Promise.all([
      fetch(`${running.url}/who?user=ada&ms=40`).then((r) => r.json()),
      fetch(`${running.url}/who?user=grace&ms=5`).then((r) => r.json()),
    ]);
    expect(slow).to.deep.equal({ user: 'ada', before: true, after: true });
    expect(fast).to.deep.equal({ user: 'grace', before: true, after: true });
  });
});
