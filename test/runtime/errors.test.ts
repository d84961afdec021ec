/** Rejections and throws through greenlet frames: same object, `finally` runs, nothing leaks. */
import { expect } from 'chai';
import { spawnGreenlet, synchronize } from '../../runtime';
import { colour, delay, settle, sleep, twin, unhandledDuring } from '../helpers/coloured';

/** A suspension point that rejects with exactly what it is given, after a real wait. */
const failLater = synchronize(async function failLater(reason: unknown): Promise<never> {
  await delay(1);
  throw reason;
});

describe('runtime: errors', () => {
  it('throws a rejection at the call site as the same object (yield* chain)', async () => {
    const boom = new Error('boom');
    let caught: unknown;
    const leaf = colour('leaf', function* leaf$twin() {
      return yield* twin(failLater)(boom);
    });
    const mid = colour('mid', function* mid$twin() {
      try {
        yield* twin(leaf)();
      } catch (error) {
        caught = error;
      }
      return 'recovered';
    });
    expect(await spawnGreenlet(mid)).to.equal('recovered');
    expect(caught).to.equal(boom);
  });

  it('throws a rejection at the call site as the same object (explicit call record)', async () => {
    const boom = new TypeError('explicit');
    let caught: unknown;
    const leaf = colour('leaf', function* leaf$twin() {
      return yield* twin(failLater)(boom);
    });
    const outer = colour('outer', function* outer$twin() {
      try {
        yield twin(leaf)(); // explicit record: the trampoline pushes the generator itself
      } catch (error) {
        caught = error;
      }
    });
    await spawnGreenlet(outer);
    expect(caught).to.equal(boom);
  });

  it('throws a rejection at a bare `yield promise` as the same object', async () => {
    const boom = new RangeError('bare');
    const rejected = Promise.reject(boom);
    let caught: unknown;
    await spawnGreenlet(
      colour('bare', function* bare$twin() {
        try {
          yield rejected;
        } catch (error) {
          caught = error;
        }
      }),
    );
    expect(caught).to.equal(boom);
  });

  it('rejects the spawn promise with the same object when nothing catches it', async () => {
    const boom = new Error('escapes');
    const leaf = colour('leaf', function* leaf$twin() {
      yield* twin(failLater)(boom);
    });
    const root = colour('root', function* root$twin() {
      yield twin(leaf)();
    });
    let reason: unknown;
    await spawnGreenlet(root).catch((e) => (reason = e));
    expect(reason).to.equal(boom);
  });

  it('runs finally blocks innermost first, on both kinds of edge, when an error unwinds', async () => {
    const log: string[] = [];
    const leaf = colour('leaf', function* leaf$twin() {
      try {
        yield* twin(failLater)(new Error('x'));
      } finally {
        log.push('leaf');
      }
    });
    const viaYieldStar = colour('viaYieldStar', function* viaYieldStar$twin() {
      try {
        yield* twin(leaf)();
      } finally {
        log.push('viaYieldStar');
      }
    });
    const viaRecord = colour('viaRecord', function* viaRecord$twin() {
      try {
        yield twin(viaYieldStar)();
      } finally {
        log.push('viaRecord');
      }
    });
    await spawnGreenlet(viaRecord).catch(() => {});
    expect(log).to.deep.equal(['leaf', 'viaYieldStar', 'viaRecord']);
  });

  it('runs finally blocks on a normal return after a suspension, and a finally return wins', async () => {
    const log: string[] = [];
    const f = colour('f', function* f$twin() {
      try {
        yield* twin(sleep)(1);
        return 'try';
      } finally {
        log.push('finally');
      }
    });
    const g = colour('g', function* g$twin(): Generator<unknown, string, unknown> {
      try {
        yield* twin(failLater)(new Error('hidden'));
        return 'unreached';
      } finally {
        // eslint-disable-next-line no-unsafe-finally
        return 'finally wins';
      }
    });
    expect(await spawnGreenlet(f)).to.equal('try');
    expect(log).to.deep.equal(['finally']);
    expect(await spawnGreenlet(g)).to.equal('finally wins');
  });

  for (const [label, value] of [
    ['a string', 'just a string'],
    ['a number', 42],
    ['undefined', undefined],
    ['null', null],
    ['a plain object', { code: 'E_PLAIN' }],
    ['a frozen error', Object.freeze(new Error('frozen'))],
  ] as const) {
    it(`keeps a non-Error throw intact: ${label}`, async () => {
      // Rejected at a suspension, caught and re-thrown synchronously through both kinds of edge.
      let atCallSite: unknown = 'not caught';
      const leaf = colour('leaf', function* leaf$twin() {
        try {
          yield* twin(failLater)(value);
        } catch (error) {
          atCallSite = error;
          throw error;
        }
      });
      const mid = colour('mid', function* mid$twin() {
        yield* twin(leaf)();
      });
      const root = colour('root', function* root$twin() {
        yield twin(mid)();
      });
      let settled = false;
      let reason: unknown = 'not rejected';
      await spawnGreenlet(root).then(
        () => (settled = true),
        (e) => (reason = e),
      );
      expect(settled).to.equal(false);
      expect(atCallSite).to.equal(value);
      expect(reason).to.equal(value);
    });
  }

  it('keeps a non-Error thrown synchronously (no suspension) intact', async () => {
    const thrower = colour('thrower', function* thrower$twin(): Generator<unknown, never, unknown> {
      throw 'sync string';
    });
    let reason: unknown;
    await spawnGreenlet(thrower).catch((e) => (reason = e));
    expect(reason).to.equal('sync string');
  });

  it("rejects the spawn promise with the greenlet's error and leaks no unhandled rejection", async () => {
    const boom = new Error('spawned');
    const reasons: unknown[] = [];
    const leaked = await unhandledDuring(async () => {
      const leaf = colour('leaf', function* leaf$twin() {
        yield* twin(sleep)(1);
        yield* twin(failLater)(boom);
      });
      const root = colour('root', function* root$twin() {
        yield twin(leaf)();
      });
      // Rejected, suspended and caught inside: must not leak either.
      const caughtInside = colour('caughtInside', function* caughtInside$twin() {
        try {
          yield Promise.reject(new Error('caught inside'));
        } catch {
          /* handled by the greenlet */
        }
      });
      // Thrown before the first suspension: the promise still rejects, it does not throw.
      const early = colour('early', function* early$twin(): Generator<unknown, never, unknown> {
        throw boom;
      });
      const promises = [spawnGreenlet(root), spawnGreenlet(caughtInside), spawnGreenlet(early)];
      const results = await Promise.allSettled(promises);
      for (const r of results) if (r.status === 'rejected') reasons.push(r.reason);
    });
    expect(reasons).to.deep.equal([boom, boom]);
    expect(leaked).to.deep.equal([]);
  });

  it('does not leak the rejection of a promise a plain-function greenlet returns', async () => {
    const boom = new Error('plain');
    let reason: unknown;
    const leaked = await unhandledDuring(async () => {
      await spawnGreenlet(() => Promise.reject(boom)).catch((e) => (reason = e));
    });
    expect(reason).to.equal(boom);
    expect(leaked).to.deep.equal([]);
  });

  it('settles, then does nothing more, so a late timer cannot resurrect the greenlet', async () => {
    let after = false;
    const f = colour('f', function* f$twin() {
      yield* twin(sleep)(1);
      after = true;
    });
    await spawnGreenlet(f);
    await settle();
    expect(after).to.equal(true);
  });
});
