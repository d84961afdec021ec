/**
 * The chains the runtime benchmark times (`runtime.ts`) and counts instructions of
 * (`instructions.ts`): native async/await against what the transformer emits.
 *
 * The greenlet forms are written the way emitted code reads, property loads included: a chain
 * of distinct functions compiles to `yield*` edges, a recursive one to explicit call records
 * (`fixtures/recursion/million/output.js`), and a leaf `awaitSync(p)` with `p` typed as a promise to
 *
 *   __tsg.resumeInline(yield __tsg.markInlineWait(p))
 *
 * (a synchronized function's call has `__tsg.rawOf(f).call(this, ...)` in place of `p`: the call
 * of its async function, which native code pays too). Each form has its own functions so that
 * V8's feedback for one cannot help or hurt another.
 */
import { awaitSync, protocol, spawnGreenlet } from '../runtime';
import { MAX_NESTED_DELEGATION } from '../transformer/analysis/delegation-depth';

export type Gen<R = number> = Generator<unknown, R, unknown>;
/** As emitted code imports it: `const __tsg = require("ts-greenlet/protocol")`. */
const __tsg = protocol;

// Each leaf waits on an already-resolved promise, as at a leaf whose I/O already completed: the
// cheapest possible wait, so the figures show the machinery's cost, not the I/O's. It is a new
// one per wait (`Promise.resolve(1)`), as real I/O returns a new promise per call: one promise
// made once, long since in old space, hid what storing a young object costs (a write barrier),
// and made the inline wait's mark look ~75 instructions cheaper than it was in real code.
/** One shared resolved promise, for the recursion run (one wait per chain). */
export const resolved = Promise.resolve(1);
// The twin forms delegate to awaitSync's generator twin at each wait (`yield* awaitSync[TWIN](p)`,
// what the transformer emitted before inline waits), for comparison.
const awaitSyncFn = awaitSync as unknown as { [k: symbol]: (p: unknown) => Gen };

// ---- native async/await -----------------------------------------------------------------------

async function nativeChain(d: number): Promise<number> {
  if (d === 1) return await Promise.resolve(1);
  return (await nativeChain(d - 1)) + 0;
}
async function nativeDriver(n: number, d: number): Promise<number> {
  let sum = 0;
  for (let i = 0; i < n; i++) sum += await nativeChain(d);
  return sum;
}

// ---- greenlet chains, as the transformer emits them -------------------------------------------

/** `yield*` on every edge; the leaf delegates to awaitSync's twin. */
function* starAwaitSync(d: number): Gen {
  if (d === 1) return (yield* awaitSyncFn[__tsg.TWIN](Promise.resolve(1))) as number;
  return (yield* starAwaitSync(d - 1)) + 0;
}
/** `yield*` on every edge; the leaf waits inline. */
function* starInline(d: number): Gen {
  if (d === 1) return __tsg.resumeInline(yield __tsg.markInlineWait(Promise.resolve(1))) as number;
  return (yield* starInline(d - 1)) + 0;
}
/**
 * What a chain of distinct functions compiles to (`transformer/analysis/delegation-depth.ts`):
 * `yield*` on each edge but every 11th from the leaf, which is an explicit record, so no more
 * than ten `yield*` edges nest. At depths 1 and 10 it is `starInline`.
 */
function* cappedInline(d: number): Gen {
  if (d === 1) return __tsg.resumeInline(yield __tsg.markInlineWait(Promise.resolve(1))) as number;
  if ((d - 1) % (MAX_NESTED_DELEGATION + 1) === 0)
    return (__tsg.resumeInline(yield __tsg.markRecord(cappedInline(d - 1))) as number) + 0;
  return (yield* cappedInline(d - 1)) + 0;
}
/**
 * A reference, not emitted: the leaf yields the promise bare. The fastest a wait can be, but a
 * rejection would lose the `yield*` frames of its call chain, which the inline wait keeps.
 */
function* starBare(d: number): Gen {
  if (d === 1) return (yield Promise.resolve(1)) as number;
  return (yield* starBare(d - 1)) + 0;
}
/** Explicit call records on every edge, inline wait at the leaf. */
function* recordInline(d: number): Gen {
  if (d === 1) return __tsg.resumeInline(yield __tsg.markInlineWait(Promise.resolve(1))) as number;
  return (__tsg.resumeInline(yield __tsg.markRecord(recordInline(d - 1))) as number) + 0;
}
/** Explicit call records on every edge, awaitSync twin at the leaf. */
function* recordAwaitSync(d: number): Gen {
  if (d === 1) return (yield* awaitSyncFn[__tsg.TWIN](Promise.resolve(1))) as number;
  return (__tsg.resumeInline(yield __tsg.markRecord(recordAwaitSync(d - 1))) as number) + 0;
}

// One driver per form, each calling one chain: a shared driver's `yield*` would see every form's
// generators and go polymorphic, which emitted code, one callee per call site, does not.
function* starAwaitSyncDriver(n: number, d: number): Gen {
  let sum = 0;
  for (let i = 0; i < n; i++) sum += yield* starAwaitSync(d);
  return sum;
}
function* starInlineDriver(n: number, d: number): Gen {
  let sum = 0;
  for (let i = 0; i < n; i++) sum += yield* starInline(d);
  return sum;
}
function* cappedInlineDriver(n: number, d: number): Gen {
  let sum = 0;
  for (let i = 0; i < n; i++) sum += yield* cappedInline(d);
  return sum;
}
function* starBareDriver(n: number, d: number): Gen {
  let sum = 0;
  for (let i = 0; i < n; i++) sum += yield* starBare(d);
  return sum;
}
function* recordInlineDriver(n: number, d: number): Gen {
  let sum = 0;
  for (let i = 0; i < n; i++) sum += __tsg.resumeInline(yield __tsg.markRecord(recordInline(d))) as number;
  return sum;
}
function* recordAwaitSyncDriver(n: number, d: number): Gen {
  let sum = 0;
  for (let i = 0; i < n; i++) sum += __tsg.resumeInline(yield __tsg.markRecord(recordAwaitSync(d))) as number;
  return sum;
}

// ---- the same chains, not suspending ------------------------------------------------------------

function plainChain(d: number): number {
  if (d === 1) return 1;
  return plainChain(d - 1) + 0;
}
function plainDriver(n: number, d: number): number {
  let sum = 0;
  for (let i = 0; i < n; i++) sum += plainChain(d);
  return sum;
}
function* starSync(d: number): Gen {
  if (d === 1) return 1;
  return (yield* starSync(d - 1)) + 0;
}
function* recordSync(d: number): Gen {
  if (d === 1) return 1;
  return (__tsg.resumeInline(yield __tsg.markRecord(recordSync(d - 1))) as number) + 0;
}
function* starSyncDriver(n: number, d: number): Gen {
  let sum = 0;
  for (let i = 0; i < n; i++) sum += yield* starSync(d);
  return sum;
}
function* recordSyncDriver(n: number, d: number): Gen {
  let sum = 0;
  for (let i = 0; i < n; i++) sum += __tsg.resumeInline(yield __tsg.markRecord(recordSync(d))) as number;
  return sum;
}

for (const f of [
  starAwaitSync,
  starInline,
  cappedInline,
  cappedInlineDriver,
  starBare,
  recordInline,
  recordAwaitSync,
  starAwaitSyncDriver,
  starInlineDriver,
  starBareDriver,
  recordInlineDriver,
  recordAwaitSyncDriver,
]) {
  __tsg.setTwin(function () {}, f as never, f.name);
}
for (const f of [starSync, recordSync, starSyncDriver, recordSyncDriver])
  __tsg.setTwin(function () {}, f as never, f.name);

/** Runs `n` calls of a chain of depth `d` to their end. */
export type ChainRunner = (n: number, d: number) => Promise<unknown> | unknown;

export const NATIVE = 'native async/await';
/** Emitted for a long chain of distinct functions; the same as `yield*` up to depth 10. */
export const CAPPED = 'yield* (10 deep at most) + inline wait';
/** Shown for comparison; the targets are for the forms the transformer emits. */
export const REFERENCE = 'yield* + bare yield (reference)';
export const SUSPENDING_FORMS: Record<string, ChainRunner> = {
  [NATIVE]: nativeDriver,
  'yield* + awaitSync twin': (n, d) => spawnGreenlet(starAwaitSyncDriver as never, n, d),
  'yield* + inline wait': (n, d) => spawnGreenlet(starInlineDriver as never, n, d),
  [CAPPED]: (n, d) => spawnGreenlet(cappedInlineDriver as never, n, d),
  'records + awaitSync twin': (n, d) => spawnGreenlet(recordAwaitSyncDriver as never, n, d),
  'records + inline wait': (n, d) => spawnGreenlet(recordInlineDriver as never, n, d),
  [REFERENCE]: (n, d) => spawnGreenlet(starBareDriver as never, n, d),
};
/** The suspending forms at depth `d`: the capped chain only where it differs from `yield*`. */
export function suspendingFormsAt(d: number): Record<string, ChainRunner> {
  if (d > MAX_NESTED_DELEGATION) return SUSPENDING_FORMS;
  const { [CAPPED]: _same, ...rest } = SUSPENDING_FORMS;
  return rest;
}
/** The forms the transformer emits today (the targets are judged on the best of them). */
export const EMITTED = ['yield* + inline wait', CAPPED, 'records + inline wait'];

export const PLAIN = 'plain calls';
export const SYNC_FORMS: Record<string, ChainRunner> = {
  [PLAIN]: plainDriver,
  'yield*': (n, d) => spawnGreenlet(starSyncDriver as never, n, d),
  records: (n, d) => spawnGreenlet(recordSyncDriver as never, n, d),
};

// ---- issue 16: a greenlet per call, recursion, a call through a value ---------------------------

/**
 * The three forms of `spawn-forms/forms.ts`, compiled by `tspc` with the transformer (the `bench`
 * script builds them), each with its async/await twin: `[greenlet, native]` runners per row.
 */
export const SPAWN_ROWS = {
  'greenlet per call, self-recursive chain': ['spawnRecursive', 'nativeRecursive'],
  'greenlet per call, distinct functions': ['spawnDistinct', 'nativeDistinct'],
  'one greenlet, entered through a value': ['viaValue', 'nativeViaValue'],
} as const;
export type SpawnRow = keyof typeof SPAWN_ROWS;

/** The compiled module's runners, by export name (`spawnRecursive`, `nativeRecursive`, ...). */
export function spawnRunners(): Record<string, ChainRunner> {
  return require('./spawn-forms/forms') as Record<string, ChainRunner>;
}
