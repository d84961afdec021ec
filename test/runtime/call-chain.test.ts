/**
 * An error escaping a greenlet carries its logical call chain: the suspended frames, outermost
 * first, in a section appended to `error.stack` — what V8's async stack traces give an await chain.
 */
import { expect } from 'chai';
import { spawnGreenlet, spawnGreenletWith, synchronize } from '../../runtime';
import { colour, delay, twin, TWIN } from '../helpers/coloured';

const fetchRow = synchronize(async function fetchRow(): Promise<never> {
  await delay(1);
  throw new Error('connection reset');
});

/** The appended section's frame lines, or `null` if there is none. */
function callChain(error: unknown, greenlet: string): string[] | null {
  const stack = String((error as Error).stack);
  const header = `greenlet ${greenlet}: call chain, outermost first`;
  const at = stack.indexOf(header);
  if (at < 0) return null;
  return stack
    .slice(at + header.length)
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
}

/** Index of the first line naming `fn` as a frame (`at fn ` or `at fn$twin `). */
function indexOfFrame(lines: string[], fn: string): number {
  return lines.findIndex((l) => l === `at ${fn}` || l.startsWith(`at ${fn} `) || l.startsWith(`at ${fn}$twin `));
}

async function rejection(p: Promise<unknown>): Promise<unknown> {
  return p.then(
    () => expect.fail('expected a rejection'),
    (e) => e,
  );
}

describe('runtime: logical call chain', () => {
  it('lists yield* frames outermost first when a rejection escapes', async () => {
    // Written with `fn[TWIN](...)`, exactly as the transformer emits a delegation.
    const repoLoad = colour('repoLoad', function* repoLoad$twin() {
      return yield* (fetchRow as any)[TWIN]();
    });
    const service = colour('service', function* service$twin() {
      return yield* repoLoad[TWIN]();
    });
    const handler = colour('handler', function* handler$twin() {
      return yield* service[TWIN]();
    });
    const error = await rejection(spawnGreenletWith({ name: 'request' }, handler));
    expect((error as Error).message).to.equal('connection reset');
    const chain = callChain(error, 'request');
    expect(chain, String((error as Error).stack)).to.not.equal(null);
    const idx = ['handler', 'service', 'repoLoad'].map((f) => indexOfFrame(chain!, f));
    expect(
      idx.every((i) => i >= 0),
      chain!.join('\n'),
    ).to.equal(true);
    expect(idx).to.deep.equal([...idx].sort((a, b) => a - b));
    expect(chain!.join('\n')).to.not.match(/Greenlet\.step|processTicksAndRejections|Function\./);
  });

  it('lists explicit call records outermost first', async () => {
    const leaf = colour('leaf', function* leaf$twin() {
      yield* twin(fetchRow)();
    });
    const mid = colour('mid', function* mid$twin() {
      yield twin(leaf)();
    });
    const top = colour('top', function* top$twin() {
      yield twin(mid)();
    });
    const error = await rejection(spawnGreenlet(top));
    const chain = callChain(error, 'top');
    expect(chain, String((error as Error).stack)).to.not.equal(null);
    const idx = ['top', 'mid', 'leaf'].map((f) => indexOfFrame(chain!, f));
    expect(
      idx.every((i) => i >= 0),
      chain!.join('\n'),
    ).to.equal(true);
    expect(idx).to.deep.equal([...idx].sort((a, b) => a - b));
  });

  it('lists a mixed chain (records above, yield* below) outermost first', async () => {
    const leaf = colour('leaf', function* leaf$twin() {
      yield* twin(fetchRow)();
    });
    const mid = colour('mid', function* mid$twin() {
      yield* twin(leaf)();
    });
    const top = colour('top', function* top$twin() {
      yield twin(mid)();
    });
    const root = colour('root', function* root$twin() {
      yield twin(top)();
    });
    const error = await rejection(spawnGreenlet(root));
    const chain = callChain(error, 'root');
    expect(chain, String((error as Error).stack)).to.not.equal(null);
    const idx = ['root', 'top', 'mid', 'leaf'].map((f) => indexOfFrame(chain!, f));
    expect(
      idx.every((i) => i >= 0),
      chain!.join('\n'),
    ).to.equal(true);
    expect(idx).to.deep.equal([...idx].sort((a, b) => a - b));
  });

  it('names the record frames of an error thrown (not rejected) after a suspension', async () => {
    const leaf = colour('leaf', function* leaf$twin() {
      yield delay(1);
      throw new Error('bad row');
    });
    const outer = colour('outer', function* outer$twin() {
      yield twin(leaf)();
    });
    const error = await rejection(spawnGreenlet(outer));
    const chain = callChain(error, 'outer');
    expect(chain).to.not.equal(null);
    expect(indexOfFrame(chain!, 'outer')).to.be.below(indexOfFrame(chain!, 'leaf'));
  });

  it('forgets frames that caught an error: only the last escape is described', async () => {
    const leaf = colour('leaf', function* leaf$twin() {
      yield* twin(fetchRow)();
    });
    const catcher = colour('catcher', function* catcher$twin() {
      try {
        yield twin(leaf)();
      } catch {
        /* swallowed */
      }
      yield delay(1);
      throw new Error('later');
    });
    const error = await rejection(spawnGreenlet(catcher));
    const chain = callChain(error, 'catcher') ?? [];
    expect(indexOfFrame(chain, 'leaf')).to.equal(-1);
  });

  it('leaves non-Error values and frozen errors as they are', async () => {
    const frozen = Object.freeze(new Error('frozen'));
    const throwsFrozen = colour('throwsFrozen', function* throwsFrozen$twin() {
      yield twin(
        colour('inner', function* inner$twin() {
          yield Promise.reject(frozen);
        }),
      )();
    });
    expect(await rejection(spawnGreenlet(throwsFrozen))).to.equal(frozen);
    const throwsString = colour('throwsString', function* throwsString$twin() {
      yield Promise.reject('text');
    });
    expect(await rejection(spawnGreenlet(throwsString))).to.equal('text');
  });
});
