// Found by the differential fuzzer (npm run fuzz -- --seed 31, against 2f6b176); generator flag
// `bindCall`.
//
// Calling a bound function that may suspend, in coloured code: `f.bind(t, a)(b)`, or
// `const bound = f.bind(t, a); bound(b)`. The bound function gets its twin (`bindTwin`), and
// passing it to a builtin works (fixtures/calls/bind), but calling it does not colour the caller:
// `g` and `h` stay plain, so the bound `f` runs as a plain call, suspends, and throws ScopeError
// (no diagnostic at compile time). Inside a `try`, the program's own `catch` swallows it and
// carries on.
//
// Expected: prints `g ok 3` and `h ok 3`.
// Actual:   prints `g err ScopeError` and `h err ScopeError`.
import { synchronize, spawnGreenlet } from 'ts-greenlet';

const io = synchronize(async (v: number) => v);

function f(a: number, b: number): number {
  return io(a + b);
}

function g(): number {
  return f.bind(undefined, 1)(2);
}

function h(): number {
  const bound = f.bind(undefined, 1);
  return bound(2);
}

spawnGreenlet(g).then(
  (v) => console.log('g ok', v),
  (e) => console.log('g err', e.constructor.name),
);
spawnGreenlet(h).then(
  (v) => console.log('h ok', v),
  (e) => console.log('h err', e.constructor.name),
);
