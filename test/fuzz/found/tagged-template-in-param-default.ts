// Found by the differential fuzzer (npm run fuzz, seed 15); generator flag `tagParamDefaults`.
//
// A parameter default that is a tagged template whose tag may suspend. Like the accessor case
// (accessor-in-param-default.ts), the check that moves suspending defaults into the twin's body
// (`containsPlannedCall`) only looks for call expressions, so `yield*` is emitted in the
// generator's parameter list.
//
// Expected: prints `ok 7` (the tag waits for io and returns 3 strings + 2 * 2 values = 7).
// Actual:   the emitted module does not load:
//           SyntaxError: Yield expression not allowed in formal parameter
import { synchronize, spawnGreenlet } from 'ts-greenlet';

const io = synchronize(async (v: number) => v);

function tag(strings: TemplateStringsArray, ...values: number[]): number {
  return io(strings.length + values.length * 2);
}

function f(x: number = tag`a${1}b${2}c`): number {
  return x;
}

spawnGreenlet(f).then((v) => console.log('ok', v));
