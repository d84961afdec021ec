// Found by the differential fuzzer (npm run fuzz, seed 7); generator flag `nestedArrowArguments`.
//
// `arguments` inside a coloured arrow that is nested in another coloured arrow. Each coloured
// arrow becomes `((_arguments_n) => arrowTwin(function* ... { ... }))(arguments)`; for the inner
// arrow that `(arguments)` is emitted inside the outer arrow's generator, so it passes the outer
// arrow's own arguments, not those of the enclosing function (`_arguments_1` should be passed on).
//
// Expected: prints `ok 3` (`arguments` is outer's: (1, 2, 3), so its length is 3).
// Actual:   prints `ok 1` (the length of the outer arrow's argument list, `h(0)`).
import { synchronize, spawnGreenlet } from 'ts-greenlet';

const io = synchronize(async (v: number) => v);

function outer(a: number, b: number, c: number): number {
  const h = (q: number): number => ((r: number): number => arguments.length + io(r))(q);
  return h(0);
}

spawnGreenlet(outer, 1, 2, 3).then((v) => console.log('ok', v));
