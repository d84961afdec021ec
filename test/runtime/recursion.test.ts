/**
 * Deep recursion: with explicit call records on the recursive edge the trampoline keeps the
 * frames on its own stack, so depth is bounded by the heap, not by V8's native stack (~10k).
 */
import { expect } from 'chai';
import { protocol, spawnGreenlet } from '../../runtime';
import { colour, sleep, twin } from '../helpers/coloured';

const DEPTH = 1_000_000;

describe('runtime: deep recursion', function () {
  this.timeout(60_000);

  it(`recurses ${DEPTH.toLocaleString('en')} frames deep with a suspension at the leaf`, async () => {
    let leafReached = 0;
    const down: any = colour('down', function* down$twin(n: number): Generator<unknown, number, unknown> {
      if (n === 0) {
        leafReached++;
        yield* twin(sleep)(1); // a real wait, with the whole chain suspended
        return 0;
      }
      // The recursive edge as the transformer emits it: an explicit call record.
      const below = (yield down[protocol.TWIN](n - 1)) as number;
      return below + 1;
    });
    expect(await spawnGreenlet(down, DEPTH)).to.equal(DEPTH);
    expect(leafReached).to.equal(1);
  });

  it('unwinds an error through a million frames, each finally running once', async () => {
    let finallies = 0;
    const boom = new Error('at the bottom');
    const down: any = colour('down', function* down$twin(n: number): Generator<unknown, number, unknown> {
      try {
        if (n === 0) {
          yield Promise.reject(boom);
          return 0;
        }
        return (yield down[protocol.TWIN](n - 1)) as number;
      } finally {
        finallies++;
      }
    });
    let reason: unknown;
    await spawnGreenlet(down, DEPTH).catch((e) => (reason = e));
    expect(reason).to.equal(boom);
    expect(finallies).to.equal(DEPTH + 1);
    // The call chain stays readable (bounded) however deep the error came from.
    expect(boom.stack).to.match(/greenlet down: call chain, outermost first\n {4}at down\n/);
    expect(boom.stack).to.match(/\.\.\. 999901 more frames \.\.\./);
    expect(boom.stack!.length).to.be.below(10_000);
  });

  it('mixes yield* on non-recursive edges with records on the recursive one', async () => {
    const helper = colour('helper', function* helper$twin(n: number) {
      if (n % 100_000 === 0) yield* twin(sleep)(0); // suspend now and then, deep in the chain
      return 1;
    });
    const walk: any = colour('walk', function* walk$twin(n: number): Generator<unknown, number, unknown> {
      const here = yield* twin(helper)(n);
      if (n === 0) return here;
      return here + ((yield walk[protocol.TWIN](n - 1)) as number);
    });
    expect(await spawnGreenlet(walk, 300_000)).to.equal(300_001);
  });
});
