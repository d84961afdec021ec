/** `cancel()` and AbortSignal: GreenletExit at the suspension point, `finally` runs and may wait. */
import { expect } from 'chai';
import { getcurrent, Greenlet, GreenletExit, spawnGreenlet, spawnGreenletWith } from '../../runtime';
import { colour, delay, settle, sleep, twin, unhandledDuring } from '../helpers/coloured';

/** Starts `fn` as a greenlet we hold on to (spawnGreenlet only hands back the promise). */
function start<A extends unknown[]>(fn: (...args: A) => unknown, ...args: A): Greenlet<any> {
  const g = new Greenlet<any>(fn);
  g.start(undefined, args);
  return g;
}

describe('runtime: cancel', () => {
  it('throws GreenletExit at the suspension point, ends dead, rejects with that GreenletExit', async () => {
    let atSuspension: unknown;
    let resumedNormally = false;
    const g = start(
      colour('victim', function* victim$twin() {
        try {
          yield* twin(sleep)(10_000);
          resumedNormally = true;
        } catch (error) {
          atSuspension = error;
          throw error;
        }
      }),
    );
    await delay(5);
    expect(g.dead).to.equal(false);
    g.cancel('shutting down');
    expect(g.dead).to.equal(true); // nothing left to wait for: it unwinds synchronously
    let reason: unknown;
    await g.promise.catch((e) => (reason = e));
    expect(atSuspension).to.be.instanceOf(GreenletExit);
    expect(reason).to.equal(atSuspension);
    expect((reason as GreenletExit).reason).to.equal('shutting down');
    expect(resumedNormally).to.equal(false);
  });

  it('runs finally blocks that themselves suspend, then ends dead and rejects', async () => {
    const log: string[] = [];
    const inner = colour('inner', function* inner$twin() {
      try {
        yield* twin(sleep)(10_000);
      } finally {
        log.push('inner finally: start');
        yield* twin(sleep)(5); // cleanup that has to wait
        log.push('inner finally: end');
      }
    });
    const outer = colour('outer', function* outer$twin() {
      try {
        yield twin(inner)(); // explicit record
      } finally {
        log.push('outer finally: start');
        yield Promise.resolve();
        log.push('outer finally: end');
      }
    });
    const g = start(outer);
    await delay(5);
    g.cancel();
    expect(g.dead).to.equal(false); // its finally is waiting
    log.push('cancel returned');
    let reason: unknown;
    await g.promise.catch((e) => (reason = e));
    expect(reason).to.be.instanceOf(GreenletExit);
    expect(g.dead).to.equal(true);
    expect(log).to.deep.equal([
      'inner finally: start',
      'cancel returned',
      'inner finally: end',
      'outer finally: start',
      'outer finally: end',
    ]);
  });

  it('ignores the abandoned promise when it settles later, and leaks nothing', async () => {
    let resumed = 0;
    const leaked = await unhandledDuring(async () => {
      const abandoned = delay(10).then(() => {
        throw new Error('late rejection of the abandoned promise');
      });
      const g = start(
        colour('f', function* f$twin() {
          try {
            yield abandoned;
          } finally {
            yield* twin(sleep)(30); // still parked here when `abandoned` rejects
            resumed++;
          }
        }),
      );
      g.cancel();
      await g.promise.catch(() => {});
    }, 40);
    expect(resumed).to.equal(1);
    expect(leaked).to.deep.equal([]);
  });

  it('lets a greenlet catch GreenletExit and return normally', async () => {
    const g = start(
      colour('stubborn', function* stubborn$twin() {
        try {
          yield* twin(sleep)(10_000);
        } catch (error) {
          if (error instanceof GreenletExit) return 'cleaned up';
          throw error;
        }
        return 'slept';
      }),
    );
    g.cancel();
    expect(await g.promise).to.equal('cleaned up');
    expect(g.dead).to.equal(true);
  });

  it('ignores cancel() of a dead greenlet', async () => {
    const g = start(
      colour('quick', function* quick$twin() {
        return 1;
      }),
    );
    expect(g.dead).to.equal(true);
    g.cancel();
    expect(await g.promise).to.equal(1);
  });

  it('cancelled before it starts, it never runs', async () => {
    let ran = false;
    const g = new Greenlet(
      colour('never', function* never$twin() {
        ran = true;
      }),
    );
    g.cancel();
    g.start(undefined, []);
    let reason: unknown;
    await g.promise.catch((e) => (reason = e));
    expect(reason).to.be.instanceOf(GreenletExit);
    expect(ran).to.equal(false);
    expect(g.dead).to.equal(true);
  });

  it('cancelling itself throws GreenletExit right there', async () => {
    const log: string[] = [];
    let reason: unknown;
    await spawnGreenlet(
      colour('self', function* self$twin() {
        try {
          yield* twin(sleep)(1);
          getcurrent()!.cancel('self');
          log.push('unreached');
        } finally {
          log.push('finally');
        }
      }),
    ).catch((e) => (reason = e));
    expect(log).to.deep.equal(['finally']);
    expect(reason).to.be.instanceOf(GreenletExit);
    expect((reason as GreenletExit).reason).to.equal('self');
  });

  it('cancelled by a greenlet it spawned, before it suspends, exits at its next suspension', async () => {
    const log: string[] = [];
    let parent: Greenlet<any> | null = null;
    const child = colour('child', function* child$twin() {
      parent!.cancel('from child'); // the parent is on the native stack, spawning us
      log.push('child goes on');
      yield delay(1);
      log.push('child done');
    });
    parent = new Greenlet(
      colour('parent', function* parent$twin() {
        const done = spawnGreenlet(child);
        log.push('parent goes on until it waits');
        try {
          yield delay(10_000);
          log.push('unreached');
        } finally {
          log.push('parent finally');
        }
        yield done;
      }),
    );
    const leaked = await unhandledDuring(async () => {
      let reason: unknown;
      await parent!.start(undefined, []).catch((e) => (reason = e));
      expect(reason).to.be.instanceOf(GreenletExit);
      expect((reason as GreenletExit).reason).to.equal('from child');
      await delay(5);
    });
    expect(log).to.deep.equal(['child goes on', 'parent goes on until it waits', 'parent finally', 'child done']);
    expect(leaked).to.deep.equal([]);
  });

  it('exits at its next suspension even when the wait it abandons is a promise subclass whose then throws', async () => {
    class ThrowingThen<T> extends Promise<T> {
      then(): never {
        throw new Error('subclass then');
      }
    }
    let parent: Greenlet<any> | null = null;
    const child = colour('child', function* child$twin() {
      parent!.cancel('from child');
    });
    parent = new Greenlet(
      colour('parent', function* parent$twin() {
        spawnGreenlet(child);
        yield new ThrowingThen(() => {});
        return 'unreached';
      }),
    );
    let reason: unknown;
    await parent.start(undefined, []).catch((e) => (reason = e));
    expect(reason).to.be.instanceOf(GreenletExit);
    expect(parent.dead).to.equal(true);
  });
  describe('AbortSignal', () => {
    it('cancels the greenlet with the signal reason when the signal aborts', async () => {
      const controller = new AbortController();
      const log: string[] = [];
      const done = spawnGreenletWith(
        { signal: controller.signal },
        colour('job', function* job$twin() {
          try {
            yield* twin(sleep)(10_000);
          } finally {
            log.push('finally');
          }
        }),
      );
      await delay(5);
      const why = new Error('client went away');
      controller.abort(why);
      let reason: unknown;
      await done.catch((e) => (reason = e));
      expect(reason).to.be.instanceOf(GreenletExit);
      expect((reason as GreenletExit).reason).to.equal(why);
      expect((reason as GreenletExit).message).to.include('client went away');
      expect(log).to.deep.equal(['finally']);
    });

    it('never starts a greenlet whose signal is already aborted', async () => {
      let ran = false;
      const done = spawnGreenletWith(
        { signal: AbortSignal.abort('too late') },
        colour('job', function* job$twin() {
          ran = true;
        }),
      );
      let reason: unknown;
      await done.catch((e) => (reason = e));
      expect(ran).to.equal(false);
      expect(reason).to.be.instanceOf(GreenletExit);
      expect((reason as GreenletExit).reason).to.equal('too late');
    });

    it('does nothing once the greenlet has finished (the listener is removed)', async () => {
      const controller = new AbortController();
      const result = await spawnGreenletWith(
        { signal: controller.signal },
        colour('job', function* job$twin() {
          yield* twin(sleep)(1);
          return 'ok';
        }),
      );
      controller.abort();
      await settle(5);
      expect(result).to.equal('ok');
    });
  });
});
