/**
 * The plain entry of a coloured function: what code that was not transformed calls.
 *
 * ```js
 * function load(id) { return runPlain(load$twin.apply(this, arguments), "load"); }
 * ```
 *
 * It drives the twin synchronously, explicit call records included. If the twin never waits,
 * the caller gets its value as from a plain function. If it tries to wait, nothing can suspend
 * the untransformed caller: a `ScopeError` naming the function is thrown at the suspension point
 * (so `finally` blocks run) and from there to the caller; the abandoned promise is marked
 * handled so it cannot surface as an unhandled rejection.
 */
import { delegateTo, enterNest, scopeErrorFor, takeParked, takeRecordMark } from './greenlet';
import { GeneratorNext, GeneratorThrow, isThenable } from './protocol';

type Frame = Generator<unknown, unknown, unknown>;

export function runPlain(gen: Frame, name: string): unknown {
  if (typeof gen !== 'object' || gen === null || gen.next !== GeneratorNext) return runIterator(gen, name);
  // its frames count their recursion from 0 (`nesting` in greenlet.ts); the caller's count comes back after
  const outer = enterNest(0);
  try {
    return drive(gen, name);
  } finally {
    enterNest(outer);
  }
}

/** Runs `gen` and the records it makes to the end. */
function drive(gen: Frame, name: string): unknown {
  /** The frames under `top`, each followed by its recursion count (`nesting`). */
  let stack: (Frame | number)[] | null = null; // only made if the twin makes an explicit call
  let top = gen;
  let value: unknown;
  let isThrow = false;
  for (;;) {
    let r: IteratorResult<unknown, unknown>;
    try {
      r = isThrow ? GeneratorThrow.call(top, value) : GeneratorNext.call(top, value);
    } catch (error) {
      if (!stack || stack.length === 0) throw error;
      enterNest(stack.pop() as number);
      top = stack.pop() as Frame;
      value = error;
      isThrow = true;
      continue;
    }
    isThrow = false;
    if (r.done) {
      if (!stack || stack.length === 0) return r.value;
      enterNest(stack.pop() as number);
      top = stack.pop() as Frame;
      value = r.value;
      continue;
    }
    const y = r.value;
    // Whatever it was, no trampoline takes it: a mark must not outlive this yield.
    const marked = takeRecordMark();
    if (y !== null && typeof y === 'object' && (y as Frame).next === GeneratorNext) {
      // an explicit call record (the same test as the trampoline's)
      (stack ??= []).push(top, enterNest(0));
      top = y as Frame;
      value = undefined;
    } else if (marked) {
      // a marked record that is another iterator (a twin compiled down to ES5, say)
      (stack ??= []).push(top, enterNest(0));
      top = delegateTo(y as Iterator<unknown, unknown, unknown>);
      value = undefined;
    } else if (takeParked(y)) {
      value = scopeErrorFor(name); // a park without a promise (`parkOn`): its owner sees it left
      isThrow = true;
    } else if (isThenable(y)) {
      Promise.resolve(y).catch(() => {});
      value = scopeErrorFor(name);
      isThrow = true;
    } else {
      value = y;
    }
  }
}

/** `runPlain` for a twin that returned an iterator other than a generator: same rules. */
function runIterator(iterator: Iterator<unknown, unknown, unknown>, name: string): unknown {
  const gen = (function* () {
    return yield* { [Symbol.iterator]: () => iterator };
  })();
  return runPlain(gen, name);
}
