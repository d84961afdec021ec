/**
 * Plain entries (`runPlain`): what untransformed code calls. A coloured call that does not
 * suspend completes synchronously, in the same tick; one that tries to suspend is a ScopeError.
 */
import { expect } from 'chai';
import { getcurrent, Greenlet, protocol, ScopeError, spawnGreenlet } from '../../runtime';
import { colour, delay, sleep, twin, unhandledDuring } from '../helpers/coloured';

describe('runtime: runPlain and same-tick completion', () => {
  describe('a coloured call that does not suspend', () => {
    it('returns from its plain entry like a plain function, records and all', () => {
      const leaf = colour('leaf', function* leaf$twin(this: { k: number }, a: number) {
        return this.k + a + ((yield 1) as number) * 0; // a plain yielded value comes straight back
      });
      const mid = colour('mid', function* mid$twin(this: { k: number }, a: number) {
        const viaStar = yield* twin(leaf).call(this, a);
        const viaRecord = (yield twin(leaf).call(this, a)) as number;
        return viaStar + viaRecord + arguments.length;
      });
      expect(mid.call({ k: 10 }, 1)).to.equal(23);
    });

    it('propagates a thrown error to the plain caller as the same object', () => {
      const boom = { code: 'E' };
      const leaf = colour('leaf', function* leaf$twin(): Generator<unknown, never, unknown> {
        throw boom;
      });
      const mid = colour('mid', function* mid$twin() {
        yield twin(leaf)();
      });
      expect(() => mid())
        .to.throw()
        .that.equals(boom);
    });

    it('lets a record frame catch an error from below', () => {
      const leaf = colour('leaf', function* leaf$twin(): Generator<unknown, never, unknown> {
        throw new Error('caught');
      });
      const mid = colour('mid', function* mid$twin() {
        try {
          yield twin(leaf)();
        } catch (e) {
          return (e as Error).message;
        }
      });
      expect(mid()).to.equal('caught');
    });

    it('completes inside a greenlet in the same tick (before queued microtasks)', async () => {
      const log: string[] = [];
      const noWait = colour('noWait', function* noWait$twin() {
        log.push('noWait');
        return 1;
      });
      const g = spawnGreenlet(
        colour('outer', function* outer$twin() {
          queueMicrotask(() => log.push('microtask'));
          yield* twin(noWait)();
          yield twin(noWait)();
          log.push('outer done');
          yield delay(1);
        }),
      );
      log.push('spawn returned');
      await g;
      expect(log).to.deep.equal(['noWait', 'noWait', 'outer done', 'spawn returned', 'microtask']);
    });

    it('a greenlet that never suspends is dead when spawn returns', async () => {
      let sideEffect = false;
      const g = new Greenlet(
        colour('quick', function* quick$twin() {
          sideEffect = true;
          return 'done';
        }),
      );
      const p = g.start(undefined, []);
      expect(sideEffect).to.equal(true);
      expect(g.dead).to.equal(true);
      expect(await p).to.equal('done');
    });
  });

  describe('a coloured call that tries to suspend from a plain caller', () => {
    it('throws ScopeError naming the function, after its finally blocks ran', () => {
      const log: string[] = [];
      const leaf = colour('leaf', function* leaf$twin() {
        try {
          yield* twin(sleep)(1);
        } finally {
          log.push('leaf finally');
        }
      });
      const loadUser = colour('loadUser', function* loadUser$twin() {
        try {
          yield twin(leaf)();
        } finally {
          log.push('loadUser finally');
        }
      });
      let error: unknown;
      try {
        loadUser();
      } catch (e) {
        error = e;
      }
      expect(error).to.be.instanceOf(ScopeError);
      expect((error as ScopeError).functionName).to.equal('loadUser');
      expect((error as Error).message).to.match(/^loadUser\(\) was called outside a greenlet/);
      expect(log).to.deep.equal(['leaf finally', 'loadUser finally']);
    });

    it('names untransformed code when the plain entry is called inside a greenlet', async () => {
      const loadUser = colour('loadUser', function* loadUser$twin() {
        yield delay(1);
      });
      let error: unknown;
      await spawnGreenlet(() => {
        expect(getcurrent()).to.not.equal(null);
        try {
          loadUser();
        } catch (e) {
          error = e;
        }
      });
      expect(error).to.be.instanceOf(ScopeError);
      expect((error as Error).message).to.match(/^loadUser\(\) has to wait for a promise, but it was called from code/);
    });

    it('leaves no unhandled rejection behind when the abandoned promise rejects', async () => {
      let error: unknown;
      const leaked = await unhandledDuring(() => {
        const f = colour('f', function* f$twin() {
          yield delay(1).then(() => Promise.reject(new Error('abandoned')));
        });
        try {
          f();
        } catch (e) {
          error = e;
        }
      });
      expect(error).to.be.instanceOf(ScopeError);
      expect(leaked).to.deep.equal([]);
    });

    it('lets the twin catch the ScopeError and finish without waiting', () => {
      const f = colour('f', function* f$twin() {
        try {
          yield delay(1);
          return 'waited';
        } catch (e) {
          return e instanceof ScopeError ? 'fallback' : 'other';
        }
      });
      expect(f()).to.equal('fallback');
    });

    it('uses the name it was given, as the transformer emits it', () => {
      const gen = (function* anon() {
        yield Promise.resolve();
      })();
      expect(() => protocol.runPlain(gen, 'Repo.find')).to.throw(ScopeError, /^Repo\.find\(\)/);
    });
  });
});
