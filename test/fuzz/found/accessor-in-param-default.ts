// Found by the differential fuzzer (npm run fuzz, seed 4); generator flag `accessorParamDefaults`.
//
// A parameter default that reads (or writes) an accessor that may suspend. A default holding a
// suspending *call* moves into the twin's body (`var [a, b = ...] = args`), but the check for
// that (`containsPlannedCall`) only looks for call expressions, so an accessor site stays in the
// generator's parameter list, where `yield` is not allowed.
//
// Expected: prints `ok 5 7` (the getter and the setter run as greenlet code, in order).
// Actual:   the emitted module does not load:
//           SyntaxError: Yield expression not allowed in formal parameter
import { synchronize, spawnGreenlet } from 'ts-greenlet';

const io = synchronize(async (v: number) => v);

class Box {
  r = 0;
  get five(): number {
    return io(5);
  }
  set seven(v: number) {
    this.r = io(v);
  }
}
const box = new Box();

function read(x: number = box.five): number {
  return x;
}
function write(x: number = ((box.seven = 7), box.r)): number {
  return x;
}

spawnGreenlet(() => [read(), write()]).then(([a, b]) => console.log('ok', a, b));
