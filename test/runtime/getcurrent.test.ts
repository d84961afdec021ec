/** `getcurrent()`: the running greenlet inside, `null` in every continuation that runs outside. */
import { expect } from 'chai';
import { getcurrent, Greenlet, spawnGreenlet, synchronize } from '../../runtime';
import { colour, delay, settle, sleep, twin } from '../helpers/coloured';

describe('runtime: getcurrent', () => {
  it('is null at top level and in a test body', () => {
    expect(getcurrent()).to.equal(null);
  });

  it('is the greenlet inside it, before and after suspensions, in every frame', async () => {
    const seen: unknown[] = [];
    const leaf = colour('leaf', function* leaf$twin() {
      seen.push(getcurrent());
      yield* twin(sleep)(1);
      seen.push(getcurrent());
    });
    const g = new Greenlet(
      colour('root', function* root$twin() {
        seen.push(getcurrent());
        yield* twin(leaf)();
        yield twin(leaf)();
        seen.push(getcurrent());
      }),
    );
    expect(g.parent).to.equal(null); // spawned from outside any greenlet
    await g.start(undefined, []);
    expect(seen).to.have.length(6);
    for (const s of seen) expect(s).to.equal(g);
    expect(getcurrent()).to.equal(null);
  });

  it('gives a greenlet spawned inside another that one as parent, and restores it after', async () => {
    let outer: Greenlet<any> | null = null;
    let inner: Greenlet<any> | null = null;
    let afterChild: unknown;
    const child = colour('child', function* child$twin() {
      inner = getcurrent();
      yield* twin(sleep)(1);
      expect(getcurrent()).to.equal(inner);
    });
    await spawnGreenlet(
      colour('parent', function* parent$twin() {
        outer = getcurrent();
        const done = spawnGreenlet(child); // runs the child up to its first suspension, right here
        afterChild = getcurrent();
        yield done;
      }),
    );
    expect(inner).to.not.equal(null);
    expect(inner).to.not.equal(outer);
    expect(inner!.parent).to.equal(outer);
    expect(outer!.parent).to.equal(null);
    expect(afterChild).to.equal(outer);
  });

  it('is null in continuations the greenlet schedules but does not run', async () => {
    const seen: Record<string, unknown> = {};
    const probe = synchronize(async function probe() {
      await delay(1);
      seen.asyncAfterAwait = getcurrent();
      return 'probed';
    });
    let timerFired!: Promise<void>;
    await spawnGreenlet(
      colour('scheduler', function* scheduler$twin() {
        queueMicrotask(() => (seen.microtask = getcurrent()));
        Promise.resolve().then(() => (seen.then = getcurrent()));
        process.nextTick(() => (seen.nextTick = getcurrent()));
        timerFired = new Promise((resolve) =>
          setTimeout(() => {
            seen.timeout = getcurrent();
            resolve();
          }, 1),
        );
        setImmediate(() => (seen.immediate = getcurrent()));
        yield* twin(probe)();
        yield* twin(sleep)(5);
      }),
    ).then(() => (seen.spawnThen = getcurrent()));
    await timerFired;
    await settle(5);
    for (const key of ['microtask', 'then', 'nextTick', 'timeout', 'immediate', 'asyncAfterAwait', 'spawnThen']) {
      expect(seen, key).to.have.property(key, null);
    }
  });

  it('is null after a greenlet ends with an error', async () => {
    let inCatch: unknown = 'unset';
    await spawnGreenlet(
      colour('failing', function* failing$twin() {
        yield* twin(sleep)(1);
        throw new Error('x');
      }),
    ).catch(() => (inCatch = getcurrent()));
    expect(inCatch).to.equal(null);
    expect(getcurrent()).to.equal(null);
  });

  it('is null again after a greenlet runs to completion synchronously', () => {
    let inside: unknown;
    void spawnGreenlet(
      colour('sync', function* sync$twin() {
        inside = getcurrent();
      }),
    );
    expect(inside).to.be.instanceOf(Greenlet);
    expect(getcurrent()).to.equal(null);
  });
});
