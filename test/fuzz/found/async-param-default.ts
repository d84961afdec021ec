// Found by the differential fuzzer (npm run fuzz, seed 1); generator flag `asyncParamDefaults`.
//
// An `async` function whose parameter default calls something that may suspend. Inside an async
// function such a call is awaited (`await __tsg.callInGreenlet(...)`), but the transformer leaves
// the default in the parameter list, and `await` is not allowed in an async function's parameters.
//
// Expected: prints `ok 4` (the default is awaited, as it is for a call in the body).
// Actual:   the emitted module does not load:
//           SyntaxError: Illegal await-expression in formal parameters of async function
//           (no diagnostic either: the build succeeds with unloadable output).
import { synchronize } from 'ts-greenlet';

const io = synchronize(async (v: number) => v);

async function f(x: number, y: number = io(x)): Promise<number> {
  return x + y;
}

f(2).then((v) => console.log('ok', v));
