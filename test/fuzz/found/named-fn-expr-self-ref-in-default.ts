// Found by the differential fuzzer (npm run fuzz, seed 7); generator flag `selfReferenceInDefault`.
//
// A coloured named function expression whose own name is used only in a parameter default.
// `emitExpression` checks for self-references in the body only (`referencesName(fn.body, ...)`),
// so it keeps the name on the generator: inside, `g` is the generator function itself, which has
// no twin, so `dispatch(g)` calls it plainly and gets a generator object back; the recursive
// call never runs.
//
// Expected: prints `ok 3` (f(2): y = g(1) = 1 + g(0) = 1 + io(0) = 1; 2 + 1 = 3).
// Actual:   prints `ok 2[object Generator]`.
import { synchronize, spawnGreenlet } from 'ts-greenlet';

const io = synchronize(async (v: number) => v);

const f = function g(n: number, y: number = n > 0 ? g(n - 1) : io(0)): number {
  return n + y;
};

spawnGreenlet(f, 2).then((v) => console.log('ok', v));
