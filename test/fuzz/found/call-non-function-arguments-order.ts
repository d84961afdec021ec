// Found by the differential fuzzer (npm run fuzz -- --seed 424242 --only 3651); generator flag
// `callNonFunction` (calls through a function array indexed out of range).
//
// Calling something that is not a function evaluates the arguments first and only then throws
// TypeError (ECMAScript EvaluateCall: ArgumentListEvaluation, then "IsCallable(func) is false").
// A call that may suspend goes through the runtime's dispatch, which throws as soon as it sees the
// callee, before the arguments' side effects.
//
// Expected: prints `ok argument evaluated, then TypeError`.
// Actual:   prints `ok TypeError` (the argument was never evaluated).
import { synchronize, spawnGreenlet } from 'ts-greenlet';

const io = synchronize(async (v: number) => v);
const fns: Array<(x: number) => number> = [(x) => io(x)];
const log: string[] = [];

function arg(): number {
  log.push('argument evaluated');
  return 1;
}

function main(): string {
  try {
    fns[1](arg()); // fns[1] is undefined
  } catch (e) {
    log.push((e as Error).constructor.name);
  }
  return log.join(', then ');
}

spawnGreenlet(main).then((r) => console.log('ok', r));
