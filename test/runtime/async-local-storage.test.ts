/**
 * AsyncLocalStorage propagates across suspensions: the trampoline resumes a greenlet from a
 * promise reaction registered in the greenlet's own context. Koa 3's `currentContext` relies on it.
 */
import { expect } from 'chai';
import { AsyncLocalStorage } from 'node:async_hooks';
import { AddressInfo } from 'node:net';
import Koa from 'koa';
import { spawnGreenlet } from '../../runtime';
import { colour, delay, sleep, twin } from '../helpers/coloured';

describe('runtime: AsyncLocalStorage', () => {
  it('keeps the store of the spawning context across suspensions, per greenlet', async () => {
    const als = new AsyncLocalStorage<string>();
    const seen: string[] = [];
    const worker = colour('worker', function* worker$twin(ms: number) {
      seen.push(`${als.getStore()}:start`);
      yield* twin(sleep)(ms);
      seen.push(`${als.getStore()}:slept`);
      yield delay(ms);
      seen.push(`${als.getStore()}:awaited`);
      return als.getStore();
    });
    const results = await Promise.all([
      als.run('a', () => spawnGreenlet(worker, 5)),
      als.run('b', () => spawnGreenlet(worker, 12)),
    ]);
    expect(results).to.deep.equal(['a', 'b']);
    expect(seen).to.have.members(['a:start', 'a:slept', 'a:awaited', 'b:start', 'b:slept', 'b:awaited']);
    expect(als.getStore()).to.equal(undefined);
  });

  it("keeps Koa 3's currentContext across suspensions in a greenlet spawned by a handler", async () => {
    const app = new Koa({ asyncLocalStorage: true });
    const handle = colour('handle', function* handle$twin() {
      const before = app.currentContext;
      yield* twin(sleep)(5);
      const afterSleep = app.currentContext;
      yield delay(5);
      const afterAwait = app.currentContext;
      return { before, afterSleep, afterAwait };
    });
    const checks: boolean[] = [];
    app.use(async (ctx) => {
      const { before, afterSleep, afterAwait } = await spawnGreenlet(handle);
      checks.push(before === ctx && afterSleep === ctx && afterAwait === ctx);
      ctx.body = { path: afterAwait?.path ?? null, same: before === ctx && afterSleep === ctx && afterAwait === ctx };
    });
    const server = app.listen(0, '127.0.0.1');
    await new Promise<void>((resolve) => server.once('listening', () => resolve()));
    const { port } = server.address() as AddressInfo;
    try {
      // Concurrent requests: each greenlet must see its own context while they interleave.
      const bodies = await Promise.all(
        ['/one', '/two', '/three'].map((path) => fetch(`http://127.0.0.1:${port}${path}`).then((r) => r.json())),
      );
      expect(bodies).to.deep.equal([
        { path: '/one', same: true },
        { path: '/two', same: true },
        { path: '/three', same: true },
      ]);
      expect(checks).to.deep.equal([true, true, true]);
    } finally {
      server.close();
      server.closeAllConnections?.();
    }
  });
});
