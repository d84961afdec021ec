/** Edge cases of the protocol (runtime/protocol.ts): what counts as a record, a wait, a value. */
import { execFileSync } from 'node:child_process';
import { expect } from 'chai';
import { protocol, spawnGreenlet } from '../../runtime';
import { colour, delay, twin } from '../helpers/coloured';

describe('runtime: protocol edge cases', () => {
  it('resumes at once with a yielded object that merely looks like an iterator', async () => {
    const iteratorLike = {
      next: () => ({ done: true, value: 'x' }),
      [Symbol.iterator]() {
        return this;
      },
    };
    const arrayIterator = [1, 2][Symbol.iterator]();
    const result = await spawnGreenlet(
      colour('f', function* f$twin() {
        return [yield iteratorLike, yield arrayIterator, yield 7, yield null];
      }),
    );
    expect(result).to.deep.equal([iteratorLike, arrayIterator, 7, null]);
  });

  it('waits for a yielded thenable function and a promise subclass', async () => {
    class MyPromise<T> extends Promise<T> {}
    const thenableFn = Object.assign(() => {}, { then: (resolve: (v: string) => void) => resolve('fn') });
    const result = await spawnGreenlet(
      colour('f', function* f$twin() {
        return [yield thenableFn, yield MyPromise.resolve('sub')];
      }),
    );
    expect(result).to.deep.equal(['fn', 'sub']);
  });

  it('throws at the yield, as await does, when looking at the yielded value throws', async () => {
    const badThen = Object.defineProperty({}, 'then', {
      get() {
        throw new Error('then getter');
      },
    });
    const badNext = Object.defineProperty({}, 'next', {
      get() {
        throw new Error('next getter');
      },
    });
    class ThrowingThen<T> extends Promise<T> {
      then(): never {
        throw new Error('subclass then');
      }
    }
    const caught: string[] = [];
    const result = await spawnGreenlet(
      colour('f', function* f$twin() {
        for (const value of [badThen, badNext, new ThrowingThen(() => {})]) {
          try {
            yield value;
          } catch (error) {
            caught.push((error as Error).message);
          }
        }
        return 'still running';
      }),
    );
    expect(caught).to.deep.equal(['then getter', 'next getter', 'subclass then']);
    expect(result).to.equal('still running');
  });

  it('keeps running frames below a record that yielded a throwing thenable', async () => {
    const badThen = Object.defineProperty({}, 'then', {
      get() {
        throw new Error('then getter');
      },
    });
    function* callee(): Generator<unknown, string, unknown> {
      try {
        yield badThen;
      } catch (error) {
        return `callee caught ${(error as Error).message}`;
      }
      return 'no error';
    }
    const result = await spawnGreenlet(
      colour('f', function* f$twin() {
        return yield callee();
      }),
    );
    expect(result).to.equal('callee caught then getter');
  });

  it('runs a record from a generator function that was never registered with setTwin', async () => {
    function* unregistered(n: number): Generator<unknown, number, unknown> {
      yield delay(1);
      return n * 2;
    }
    const result = await spawnGreenlet(
      colour('f', function* f$twin() {
        return (yield unregistered(21)) as number;
      }),
    );
    expect(result).to.equal(42);
  });

  it('runs a twin that returns an iterator other than a generator, in a greenlet and plainly', async () => {
    // What a hand-rolled or compiled-down twin could hand back: any iterator in the protocol.
    const plain = function () {
      return protocol.runPlain(handRolled() as never, 'handRolled');
    };
    function handRolled(): Iterator<unknown, unknown, unknown> {
      let step = 0;
      return {
        next(value?: unknown) {
          step++;
          if (step === 1) return { done: false, value: 20 }; // a plain value: comes straight back
          return { done: true, value: (value as number) + 1 };
        },
      };
    }
    protocol.setTwin(plain, handRolled as never, 'handRolled');
    expect(plain()).to.equal(21);
    expect(await spawnGreenlet(plain)).to.equal(21);
  });

  it("marks only an inline wait's own yield: a later bare `yield promise` still throws at the yield", async () => {
    const { markInlineWait, resumeInline, runPlain } = protocol;
    const boom = new Error('bare');
    const seen: unknown[] = [];
    const f = colour('f', function* f$twin() {
      seen.push(resumeInline(yield markInlineWait(42))); // not a promise: resumes at once
      seen.push(resumeInline(yield markInlineWait(delay(1).then(() => 'waited'))));
      try {
        yield Promise.reject(boom);
      } catch (error) {
        seen.push(error);
      }
      return 'done';
    });
    expect(await spawnGreenlet(f)).to.equal('done');
    expect(seen).to.deep.equal([42, 'waited', boom]);
    // runPlain takes a marked yield too (it waits for nothing): the mark must not reach a greenlet
    const marksAndStops = colour('g', function* g$twin() {
      return resumeInline(yield markInlineWait(7));
    });
    expect(runPlain((marksAndStops as any)[protocol.TWIN](), 'g')).to.equal(7);
    const bare = colour('h', function* h$twin() {
      try {
        yield Promise.reject(boom);
      } catch (error) {
        return error;
      }
    });
    expect(await spawnGreenlet(bare)).to.equal(boom);
  });

  it('runs a marked record as an unmarked one, and the mark covers only its own yield', async () => {
    const { markRecord, resumeInline, runPlain } = protocol;
    const boom = new Error('child');
    function* child(i: number): Generator<unknown, number, unknown> {
      const v = (yield delay(1).then(() => i)) as number;
      if (i === 2) throw boom;
      return v * 10;
    }
    const iteratorLike = { next: () => ({ done: true, value: 'x' }) };
    const f = colour('f', function* f$twin() {
      const seen: unknown[] = [];
      // the record stack empties and fills again across waits, marked and unmarked alike
      for (let i = 0; i < 4; i++) {
        try {
          seen.push(i % 2 ? yield child(i) : resumeInline(yield markRecord(child(i))));
        } catch (error) {
          seen.push(error);
        }
      }
      seen.push(yield iteratorLike); // after a marked record, not a record: comes straight back
      return seen;
    });
    expect(await spawnGreenlet(f)).to.deep.equal([0, 10, boom, 30, iteratorLike]);
    // runPlain takes a marked record too; the mark must not make a later greenlet's value a record
    const plainRecords = colour('g', function* g$twin() {
      return (
        (resumeInline(
          yield markRecord(
            (function* () {
              return 4;
            })(),
          ),
        ) as number) + 1
      );
    });
    expect(runPlain((plainRecords as any)[protocol.TWIN](), 'g')).to.equal(5);
    const after = colour('h', function* h$twin() {
      return yield iteratorLike;
    });
    expect(await spawnGreenlet(after)).to.equal(iteratorLike);
  });

  it('runs a marked record that is an iterator other than a generator, in a greenlet and plainly', async () => {
    // What `yield __tsg.markRecord(f$twin(x))` hands over when the twin was compiled down to ES5.
    function handRolled(n: number): Iterator<unknown, unknown, unknown> {
      let step = 0;
      return {
        next(value?: unknown) {
          step++;
          if (step === 1) return { done: false, value: delay(1).then(() => n) }; // a wait
          if (step === 2 && n === 0) throw new Error('zero');
          return { done: true, value: (value as number) * 2 };
        },
      };
    }
    const f = colour('f', function* f$twin(n: number) {
      try {
        return protocol.resumeInline(yield protocol.markRecord(handRolled(n)));
      } catch (error) {
        return (error as Error).message;
      }
    });
    expect(await spawnGreenlet(f, 21)).to.equal(42);
    expect(await spawnGreenlet(f, 0)).to.equal('zero');
    const g = colour('g', function* g$twin() {
      return protocol.resumeInline(yield protocol.markRecord({ next: () => ({ done: true, value: 'plain' }) }));
    });
    expect(protocol.runPlain((g as any)[protocol.TWIN](), 'g')).to.equal('plain');
  });

  it('exports its names as data properties: emitted code reads them at every suspension', () => {
    const getters = Object.entries(Object.getOwnPropertyDescriptors(protocol))
      .filter(([, d]) => d.get !== undefined)
      .map(([k]) => k);
    expect(getters).to.deep.equal([]);
    expect(protocol.markInlineWait).to.be.a('function');
    expect(protocol.markRecord).to.be.a('function');
  });

  it('keeps renamed twins and the exports objects in fast mode (V8): read on every call', () => {
    // %HasFastProperties needs --allow-natives-syntax, so a child process looks
    const script = `
      const { protocol, synchronize } = require(${JSON.stringify(require.resolve('../../runtime'))});
      function f() {}
      function* f$twin() {}
      protocol.setTwin(f, f$twin, 'f');
      const fast = (o) => %HasFastProperties(o);
      console.log(JSON.stringify([f$twin.name, fast(f$twin), fast(protocol.twinOf(synchronize(async () => 1))),
        fast(require(${JSON.stringify(require.resolve('../../runtime'))})), fast(protocol)]));`;
    const out = execFileSync(process.execPath, ['--allow-natives-syntax', '-e', script], { encoding: 'utf8' });
    expect(JSON.parse(out)).to.deep.equal(['f', true, true, true, true]);
  });

  it('names both functions and marks the twin as a frame', () => {
    const f = colour('loadUser', function* whatever() {});
    expect(f.name).to.equal('loadUser');
    expect(twin(f).name).to.equal('loadUser');
    expect(protocol.twinOf(f)).to.equal(twin(f));
    expect(protocol.twinOf(() => {})).to.equal(undefined);
    expect(protocol.isGeneratorObject(twin(f)())).to.equal(true);
  });
});
