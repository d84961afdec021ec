/** `synchronize` in all its forms, `awaitSync`, `spawnGreenletOnScopeError`, `isGenerator`. */
import { expect } from 'chai';
import {
  awaitSync,
  ConfigurationError,
  getcurrent,
  Greenlet,
  isGenerator,
  ScopeError,
  spawnGreenlet,
  spawnGreenletOnScopeError,
  synchronize,
} from '../../runtime';
import { colour, delay, twin, TWIN, unhandledDuring } from '../helpers/coloured';

const double = async (n: number) => {
  await delay(1);
  return n * 2;
};

/** Calls synchronized `fn` the way transformed code does: delegating to its twin, in a greenlet. */
function inGreenlet<R>(fn: (...args: any[]) => R, thisArg: unknown, ...args: unknown[]): Promise<Awaited<R>> {
  return spawnGreenlet(
    colour('caller', function* caller$twin() {
      return yield* (fn as any)[TWIN].apply(thisArg, args);
    }),
  ) as never;
}

describe('runtime: synchronize', () => {
  describe('forms', () => {
    it('synchronize(fn): greenlet code gets the value', async () => {
      const doubleSync = synchronize(double);
      expect(await inGreenlet(doubleSync, undefined, 21)).to.equal(42);
    });

    it('synchronize(fn, { strict: false }): the same inside, the promise outside', async () => {
      const lax = synchronize(double, { strict: false });
      expect(await inGreenlet(lax, undefined, 4)).to.equal(8);
      const p = lax(5) as unknown;
      expect(p).to.be.instanceOf(Promise);
      expect(await p).to.equal(10);
    });

    it('synchronize(fn, { strict: true }) is the default', () => {
      const strict = synchronize(double, { strict: true });
      expect(() => strict(1)).to.throw(ScopeError);
    });

    it('synchronize({ strict: false }) is a factory', async () => {
      const lax = synchronize({ strict: false });
      const wrapped = lax(double);
      expect(await inGreenlet(wrapped, undefined, 3)).to.equal(6);
      expect(await (wrapped(7) as unknown as Promise<number>)).to.equal(14);
      const strictFactory = synchronize({});
      expect(() => strictFactory(double)(1)).to.throw(ScopeError);
    });

    it('returns the very promise the wrapped function returned when not strict', () => {
      const p = Promise.resolve('same');
      const lax = synchronize(() => p, { strict: false });
      expect(lax()).to.equal(p);
    });

    it('passes `this` and arguments through to the wrapped function', async () => {
      const obj = {
        base: 100,
        add: synchronize(async function (this: { base: number }, a: number, b: number) {
          return this.base + a + b;
        }),
      };
      expect(await inGreenlet(obj.add, obj, 1, 2)).to.equal(103);
    });

    it('gives the wrapper and its twin the function name', () => {
      const named = synchronize(async function loadUser() {});
      expect(named.name).to.equal('loadUser');
      expect(twin(named).name).to.equal('loadUser');
    });

    it('works as a TC39 method decorator: @synchronize', async () => {
      class Repo {
        constructor(private readonly prefix: string) {}
        @synchronize
        async find(id: number): Promise<string> {
          await delay(1);
          return `${this.prefix}${id}`;
        }
      }
      const repo = new Repo('user-');
      expect(await inGreenlet(repo.find, repo, 7)).to.equal('user-7');
      expect(() => repo.find(1)).to.throw(ScopeError, /find/);
      expect(Repo.prototype.find.name).to.equal('find');
    });

    it('works as a TC39 method decorator with options: @synchronize({ strict: false })', async () => {
      class Repo {
        @synchronize({ strict: false })
        async find(id: number): Promise<number> {
          return id + 1;
        }
      }
      const repo = new Repo();
      expect(await inGreenlet(repo.find, repo, 1)).to.equal(2);
      expect(await repo.find(2)).to.equal(3); // outside a greenlet: the promise
    });
  });

  describe('ConfigurationError', () => {
    for (const [label, value] of [
      ['a number', 42],
      ['a string', 'fn'],
      ['null', null],
      ['undefined', undefined],
      ['an array', [1]],
      ['a symbol', Symbol('s')],
    ] as const) {
      it(`rejects ${label} with strict on`, () => {
        expect(() => synchronize(value as never)).to.throw(ConfigurationError, /needs a function/);
        expect(() => synchronize(value as never, { strict: true })).to.throw(ConfigurationError);
        expect(() => synchronize({})(value as never)).to.throw(ConfigurationError);
      });
    }

    it('rejects an object given with options (alone, an object is the options of the factory form)', () => {
      expect(() => synchronize({ then() {} } as never, {})).to.throw(ConfigurationError, /needs a function/);
    });

    it('rejects a generator function with strict on, naming it', () => {
      function* gen() {}
      expect(() => synchronize(gen as never)).to.throw(ConfigurationError, /generator function \(gen\)/);
      expect(() => synchronize({ strict: true })(gen as never)).to.throw(ConfigurationError);
    });

    it('returns a non-function or generator function as it is with strict off', () => {
      function* gen() {}
      expect(synchronize(gen as never, { strict: false })).to.equal(gen);
      expect(synchronize({ strict: false })(42 as never)).to.equal(42);
    });

    it('is a ConfigurationError (an Error) as a decorator on a generator method', () => {
      expect(() => {
        class Bad {
          @synchronize
          *gen() {}
        }
        return Bad;
      }).to.throw(ConfigurationError, /@synchronize on gen/);
    });

    it('is a ConfigurationError on a field, strict or not', () => {
      const field = { kind: 'field', name: 'load' } as never;
      expect(() => synchronize(undefined as never, field)).to.throw(
        ConfigurationError,
        /@synchronize decorates methods; it was put on a field \(load\)/,
      );
      expect(() => synchronize({ strict: false })(undefined as never, field)).to.throw(
        ConfigurationError,
        /decorates methods/,
      );
    });
  });

  describe('ScopeError', () => {
    it('is thrown outside a greenlet, naming the function and saying what to do', () => {
      const loadUser = synchronize(async function loadUser() {});
      let error: unknown;
      try {
        loadUser();
      } catch (e) {
        error = e;
      }
      expect(error).to.be.instanceOf(ScopeError);
      expect(error).to.be.instanceOf(Error);
      expect((error as ScopeError).name).to.equal('ScopeError');
      expect((error as ScopeError).functionName).to.equal('loadUser');
      expect((error as Error).message).to.match(/^loadUser\(\) was called outside a greenlet/);
      expect((error as Error).message).to.include('spawnGreenlet(');
      expect((error as Error).message).to.include('{ strict: false }');
    });

    it('does not call the wrapped function when it throws ScopeError', () => {
      let calls = 0;
      const f = synchronize(async () => {
        calls++;
      });
      expect(() => f()).to.throw(ScopeError);
      expect(calls).to.equal(0);
    });

    it('names untransformed code when the plain wrapper is called inside a greenlet', async () => {
      const loadUser = synchronize(async function loadUser() {});
      let error: unknown;
      await spawnGreenlet(() => {
        // A plain function greenlet stands in for a library callback the transformer did not see.
        try {
          loadUser();
        } catch (e) {
          error = e;
        }
      });
      expect(error).to.be.instanceOf(ScopeError);
      expect((error as Error).message).to.match(/^loadUser\(\) has to wait for a promise, but it was called from code/);
    });
  });

  describe('awaitSync', () => {
    it('returns plain values as they are, inside and outside a greenlet', async () => {
      const obj = { a: 1 };
      expect(awaitSync(5)).to.equal(5);
      expect(awaitSync(obj)).to.equal(obj);
      expect(awaitSync(null)).to.equal(null);
      let inside: unknown[] = [];
      await spawnGreenlet(
        colour('f', function* f$twin() {
          inside = [yield* twin(awaitSync)(5), yield* twin(awaitSync)(obj), yield* twin(awaitSync)(undefined)];
        }),
      );
      expect(inside).to.deep.equal([5, obj, undefined]);
      expect(inside[1]).to.equal(obj);
    });

    it('waits for promises and thenables inside a greenlet', async () => {
      const thenable = { then: (resolve: (v: string) => void) => setTimeout(() => resolve('thenable'), 1) };
      const result = await spawnGreenlet(
        colour('f', function* f$twin() {
          const a = yield* twin(awaitSync)(delay(1).then(() => 'promise'));
          const b = yield* twin(awaitSync)(thenable as unknown as Promise<string>);
          return [a, b];
        }),
      );
      expect(result).to.deep.equal(['promise', 'thenable']);
    });

    it('throws a rejection at the call site as the same object', async () => {
      const boom = { not: 'an error' };
      let caught: unknown;
      await spawnGreenlet(
        colour('f', function* f$twin() {
          try {
            yield* twin(awaitSync)(Promise.reject(boom));
          } catch (e) {
            caught = e;
          }
        }),
      );
      expect(caught).to.equal(boom);
    });

    it('throws ScopeError naming awaitSync for a promise outside a greenlet, leaking nothing', async () => {
      let error: unknown;
      const leaked = await unhandledDuring(() => {
        try {
          awaitSync(Promise.reject(new Error('nobody waits for me')));
        } catch (e) {
          error = e;
        }
      });
      expect(error).to.be.instanceOf(ScopeError);
      expect((error as ScopeError).functionName).to.equal('awaitSync');
      expect(leaked).to.deep.equal([]);
    });
  });

  describe('spawnGreenletOnScopeError', () => {
    it('outside a greenlet: spawns one and returns its promise', async () => {
      let ranIn: Greenlet<any> | null = null;
      const work = colour('work', function* work$twin(n: number) {
        ranIn = getcurrent();
        yield delay(1);
        return n + 1;
      });
      const wrapped = spawnGreenletOnScopeError(work);
      const p = wrapped(1) as unknown as Promise<number>;
      expect(p).to.be.instanceOf(Promise);
      expect(ranIn).to.be.instanceOf(Greenlet); // ran synchronously up to its suspension
      expect(ranIn!.name).to.equal('work');
      expect(await p).to.equal(2);
    });

    it('outside a greenlet: a plain function runs as a greenlet too', async () => {
      const wrapped = spawnGreenletOnScopeError(function plain(a: number, b: number) {
        return getcurrent() !== null ? a + b : -1;
      });
      expect(await (wrapped(2, 3) as unknown as Promise<number>)).to.equal(5);
    });

    it('inside a greenlet: runs there (same greenlet) and may suspend', async () => {
      const seen: unknown[] = [];
      const work = colour('work', function* work$twin(n: number) {
        seen.push(getcurrent());
        yield delay(1);
        seen.push(getcurrent());
        return n * 10;
      });
      const wrapped = spawnGreenletOnScopeError(work);
      const g = new Greenlet(
        colour('outer', function* outer$twin() {
          return yield* twin(wrapped)(4);
        }),
      );
      expect(await g.start(undefined, [])).to.equal(40);
      expect(seen).to.deep.equal([g, g]);
    });

    it('inside a greenlet: a generator function or a plain function runs there', async () => {
      const gen = spawnGreenletOnScopeError(function* gen(n: number) {
        yield delay(1);
        return n + 100;
      } as (n: number) => any);
      const plain = spawnGreenletOnScopeError((n: number) => n - 1);
      const result = await spawnGreenlet(
        colour('outer', function* outer$twin() {
          return [yield* twin(gen)(1), yield* twin(plain)(1)];
        }),
      );
      expect(result).to.deep.equal([101, 0]);
    });
  });

  describe('isGenerator', () => {
    it('is true for generator functions and generator objects only', () => {
      function* gen() {}
      async function* asyncGen() {}
      expect(isGenerator(gen)).to.equal(true);
      expect(isGenerator(gen())).to.equal(true);
      expect(isGenerator(twin(synchronize(double)))).to.equal(true);
      expect(isGenerator(function plain() {})).to.equal(false);
      expect(isGenerator(async () => {})).to.equal(false);
      expect(isGenerator(asyncGen)).to.equal(false);
      expect(isGenerator({ next() {}, throw() {}, return() {} })).to.equal(false);
      expect(isGenerator([1, 2][Symbol.iterator]())).to.equal(false);
      expect(isGenerator(null)).to.equal(false);
      expect(isGenerator(undefined)).to.equal(false);
      expect(isGenerator(Promise.resolve())).to.equal(false);
    });
  });
});
