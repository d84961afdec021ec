/**
 * Greenlets and the trampoline that drives them (the protocol is in `protocol.ts`).
 *
 * A greenlet owns an explicit stack of generator objects (`top`, and `below` once a frame makes
 * an explicit call). `step` runs the top one until it yields a promise (park: return to the event
 * loop), yields a generator (push it: an explicit call), or finishes (pop, and hand its value or
 * error to the frame below). Resuming is O(1) whatever the depth, and the native stack never
 * grows with the greenlet's logical depth.
 */
import { GreenletExit, outsideGreenletMessage, ScopeError, untransformedCallerMessage } from './errors';
import { appendCallChain, captureSuspendedFrames, isObject } from './call-chain';
import {
  frameName,
  GeneratorNext,
  GeneratorThrow,
  isGeneratorFunction,
  isGeneratorObject,
  isThenable,
  TWIN,
} from './protocol';

// `var`, not `let`: both are read and written on every suspension from inner functions, where
// a module-level `let` costs a hole check (TDZ) at each access.
var current: Greenlet<any> | null = null;

/**
 * Marked yields (see `protocol.ts`). `markInlineWait(p)` says that the frame's next yield is an
 * inline wait, `markRecord(gen)` that it is an explicit call record; the trampoline that takes
 * that yield (or `runPlain`, which cannot wait) clears the mark. Nothing runs between a mark and
 * its yield (`resumeInline(yield markInlineWait(p))`, `resumeInline(yield markRecord(f$twin(x)))`).
 * - A rejection of a marked wait, or an error from a marked record, resumes the frame with
 *   `REJECTED`, and `resumeInline` throws the error there, noting the frame's `yield*` chain.
 * - A marked record is pushed without a look at the value. Telling a generator from a promise
 *   by the value (`instanceof Promise`, then `.next === GeneratorNext`) took ~110 of ~860
 *   instructions a frame at depth 100, and the `.next` load goes megamorphic across many twins.
 * The mark is a small integer, not the value: storing each new promise in this module-level slot
 * (old space) took a write barrier's remembered-set insertion per wait, ~75 instructions.
 */
var yieldMark = 0;
const INLINE_WAIT = 1;
const RECORD = 2;
const REJECTED: unique symbol = Symbol('ts-greenlet.rejected');
/** A greenlet's `result` until it has ended. */
const UNSETTLED: unique symbol = Symbol('ts-greenlet.unsettled');
/**
 * Pushed above a frame that yielded a record without a mark (hand-written `yield gen`): an error
 * from the record is thrown at that yield, where a marked one goes through `resumeInline`.
 */
const UNMARKED = { [Symbol.toStringTag]: 'ts-greenlet.unmarked' } as unknown as Generator<unknown, unknown, unknown>;

export function markInlineWait<T>(value: T): T {
  yieldMark = INLINE_WAIT;
  return value;
}

/** `gen` is what a twin returns, a generator object (or another iterator: see `runRecords`). */
export function markRecord<T>(gen: T): T {
  yieldMark = RECORD;
  return gen;
}

/**
 * What a suspension point returns to park the greenlet without a promise (`parkOn`; see
 * `protocol.ts`). `parkingOn` is the owner it named, taken by the trampoline at that yield: nothing
 * runs between the two. Module-level, so parking allocates nothing.
 */
const PARKED: unique symbol = Symbol('ts-greenlet.parked');
var parkingOn: object | null = null;

/**
 * Parks the current greenlet on `owner` when the suspension point returns what this returns:
 * no promise, no reaction, no closure; `g.wake(owner, value)` resumes it. The caller registers
 * `getcurrent()` with the owner first (it must be in a greenlet), and `wake` is how the owner
 * tells whether the greenlet still waits there (see `wake`).
 */
export function parkOn(owner: object): unknown {
  parkingOn = owner;
  return PARKED;
}

/**
 * Recursion: `yield*` for the first levels, records past them. A recursive edge compiles to
 *
 * ```js
 * (_a = f$twin(x), __tsg.nesting.n < 10
 *   ? (__tsg.nesting.n++, _a = (yield* _a), __tsg.nesting.n--, _a)   // while few are nested
 *   : __tsg.resumeInline(yield __tsg.markRecord(_a)))                // past them: a record
 * ```
 *
 * `nesting.n` counts the recursive `yield*` edges nested on the native stack for the frames
 * running now (a field, read and written inline by emitted code: calls into the runtime for it
 * cost ~80 instructions a level). Whatever drives frames (a greenlet's trampoline, `runPlain`)
 * starts its own count at 0 (`RESUMED` for frames resumed after a park), sets it to 0 for each
 * record it runs, and puts the caller's back when the record returns, the greenlet parks, or the
 * run ends. An error that skips a decrement leaves the count too high, which only makes a record
 * sooner; too low, it would let the native stack grow.
 */
// Not `export const`: TypeScript's CommonJS output would read it as `exports.nesting` at every use.
const nesting = { n: 0 };
export { nesting };

/** For `runPlain`, which drives frames too: sets the count, returns the one it replaces. */
export function enterNest(depth: number): number {
  const outer = nesting.n;
  nesting.n = depth;
  return outer;
}

/** Called by `runPlain` at a yield: true (and the park forgotten) if it is `parkOn`'s. */
export function takeParked(value: unknown): boolean {
  if (value !== PARKED) return false;
  parkingOn = null;
  return true;
}

/**
 * Called by `runPlain` at every yield it sees: it waits for nothing, so no mark may outlive it.
 * True if the yield was a marked record.
 */
export function takeRecordMark(): boolean {
  const mark = yieldMark;
  yieldMark = 0;
  return mark === RECORD;
}

/**
 * `resumeInline(yield markInlineWait(p))`, `resumeInline(yield markRecord(gen))`: the value the
 * frame was resumed with, or the wait's rejection (the record's error) thrown here, where the
 * frames delegating with `yield*` down to this one are on the native stack for the call chain.
 */
export function resumeInline(value: unknown): unknown {
  if (value !== REJECTED) return value;
  const error = inlineRejection;
  inlineRejection = undefined;
  noteSuspendedFrames(error);
  throw error;
}

/**
 * The error `resumeInline` throws: set just before a frame is resumed with `REJECTED`, which it
 * reads first thing, so one slot serves every greenlet (a rejection is rare: the write barrier
 * that a module-level store costs does not matter here, as it would for every wait).
 */
var inlineRejection: unknown = undefined;

/**
 * Called where an error arrives in (or starts from) a frame that may be delegated to with
 * `yield*` (a suspension twin's catch, `resumeInline`): records those frames, from the native
 * stack, in the current greenlet's call chain. Once per resume: the innermost capture has them all.
 */
export function noteSuspendedFrames(error: unknown): void {
  const g = current;
  if (g !== null && isObject(error)) g.noteFrames(noteSuspendedFrames);
}

/** The greenlet running now, or `null` in code that runs outside any greenlet. */
export function getcurrent(): Greenlet<any> | null {
  return current;
}

/**
 * The `ScopeError` for `fn` trying to wait where nothing can suspend it: outside any greenlet, or
 * inside one but called from code the transformer did not rewrite. The one place its message is chosen.
 */
export function scopeErrorFor(fn: string): ScopeError {
  const message = getcurrent() ? untransformedCallerMessage(fn) : outsideGreenletMessage(fn);
  const err = new ScopeError(fn, message);
  Error.captureStackTrace?.(err, scopeErrorFor); // the stack starts where the wait was tried
  return err;
}

export interface GreenletOptions {
  /** Aborting it cancels the greenlet with the signal's reason. */
  signal?: AbortSignal;
  /** Shown in call chains and `toString()`; defaults to the function's name. */
  name?: string;
  /**
   * For integrations: told when the greenlet ends (as by `observeFinish`), in place of its
   * promise, which is then made only if asked for (`run` starts it without): a greenlet nobody
   * awaits costs no promise.
   */
  observer?: FinishObserver;
}

type Frame = Generator<unknown, unknown, unknown>;
/**
 * The frames under `top`, each followed by its `nesting.n` while its record runs if that is not 0,
 * and by `UNMARKED` when it made the record with a bare `yield`: `[f0, f1, 10, f2, UNMARKED]`.
 * (A 0 is left out: most records are made with none nested, and each entry is heap while suspended.)
 */
type Below = (Frame | number)[];

/**
 * `pushCaller` into a new array, made as a literal of what it holds: an empty one grows to 16
 * slots at the first push, and a suspended chain of ten records kept ~170 bytes more.
 */
function newBelow(caller: Frame, mark: number): Below {
  const n = nesting.n;
  nesting.n = 0;
  if (mark === RECORD) return n === 0 ? [caller] : [caller, n];
  return n === 0 ? [caller, UNMARKED] : [caller, n, UNMARKED];
}

/** Puts `caller` under the record it made (`mark`: how) and starts the record's count at 0. */
function pushCaller(below: Below, caller: Frame, mark: number): void {
  const n = nesting.n;
  if (n === 0) below.push(caller);
  else below.push(caller, n);
  if (mark !== RECORD) below.push(UNMARKED);
  nesting.n = 0;
}

/** Takes the caller back when its record has ended (`under`: what was popped), with its count. */
function popCaller(below: Below, under: Frame | number): Frame {
  if (under === UNMARKED) under = below.pop()!;
  if (typeof under === 'number') {
    nesting.n = under;
    return below.pop() as Frame;
  }
  nesting.n = 0;
  return under;
}
/** What a greenlet parks on: a promise, or `PARKED` (an owner will `wake` it). */
type Wait = Promise<unknown> | typeof PARKED;

// A greenlet's `state` bits: one field where seven booleans took seven (8 bytes each, for every
// suspended greenlet: a WebSocket connection keeps one for its life).
const DEAD = 1;
const RUNNING = 2;
/** Waiting: on a promise, or on an owner (`waitingOn`). */
const WAITING = 4;
/** The wait is an inline one: its rejection comes back through `resumeInline`. */
const WAITING_INLINE = 8;
/** This resume's `yield*` frames are in `unwound` already (the record's own name among them). */
const NOTED = 16;
/** An error is being unwound: `more.unwound` holds its call chain so far. */
const UNWINDING = 32;
/** A cancel arrived while it ran (see `cancel`): `more.pendingExit`. */
const EXIT_PENDING = 64;
/** Set by `callInGreenlet`: a returned thenable settles the promise boxed (`Returned`). */
const BOX_THENABLE = 128;
/** It has ended and `result` holds how; with `FAILED`, an error. */
const SETTLED = 256;
const FAILED = 512;
/**
 * `nesting.n` for frames resumed after a park: how many recursive `yield*` edges they have nested
 * is not kept (it would cost every wait a save and a restore), so the count says "at the limit or
 * past it", which is never too low: their recursive calls make records until those edges return.
 */
const RESUMED = 1 << 30;

/**
 * What only some greenlets need, made on first use: one that abandons a promise wait (a cancel),
 * unwinds an error, is cancelled while running, or has a signal. A greenlet that waits and ends
 * normally has none.
 */
class More {
  /** Bumped when a parked promise is abandoned (cancel), so its late settlement is ignored. */
  epoch = 0;
  /** A cancel that arrived while the greenlet was running but not current (see `cancel`). */
  pendingExit: GreenletExit | null = null;
  /**
   * The error being unwound's logical call chain so far, innermost first: the `yield*` frames of
   * each segment (`noteFrames`) and the names of records that had none noted.
   */
  unwound: string[] | null = null;
  removeAbortListener: (() => void) | null = null;
}

/**
 * Told when a greenlet ends, before its promise settles (integrations only: one object serves
 * many greenlets, so watching one costs no promise, reaction or closure of its own). Returning
 * true for an error settles the promise with `undefined` instead of rejecting it.
 */
export interface FinishObserver {
  greenletFinished(g: Greenlet<any>, value: unknown, isError: boolean): boolean;
}

export class Greenlet<T = unknown> {
  /** The greenlet that was running when this one was spawned, or `null`. */
  readonly parent: Greenlet<any> | null;
  /**
   * The name given at spawn, or the function to take it from when it is first asked for: reading
   * `fn.name` goes through V8's API getter (~200 instructions a spawn, most spawns never ask).
   */
  private nameOrFn: string | Function;
  /** `DEAD`, `RUNNING`, `WAITING`, ... */
  private state = 0;
  /** The running frame; `null` before start and once dead. Kept out of `below` so a greenlet
   * that only uses `yield*` never allocates an array (less heap per suspended greenlet). */
  private top: Frame | null = null;
  /** Frames under `top` (explicit call records), innermost last; made on the first record. */
  private below: Below | null = null;
  /** The owner it is parked on without a promise (`parkOn`), while it is. */
  private waitingOn: object | null = null;
  /** The function to run until it starts; `UNSETTLED` while it runs; then how it ended (`SETTLED`). */
  private result: unknown;
  /** The promise, made at once unless an observer is given (then when asked for: `promise`). */
  private promiseOrNull: Promise<T> | null = null;
  /** The promise's resolving functions while it is pending. */
  private resolve: ((value: T) => void) | null = null;
  private reject: ((error: unknown) => void) | null = null;
  private observer: FinishObserver | null;
  /**
   * What promise waits subscribe with, made on the first (here, not in `More`: most greenlets that
   * wait at all wait on a promise, and an object more per spawn cost ~40 instructions).
   */
  private onFulfilled: ((value: unknown) => void) | null = null;
  private onRejected: ((error: unknown) => void) | null = null;
  private extra: More | null = null;

  /**
   * Makes a greenlet for `fn` without starting it; `spawnGreenlet` is the usual way in.
   * `fn` may be a coloured function (its twin runs), a generator function, or a plain function.
   */
  constructor(fn: Function | null, options?: GreenletOptions) {
    this.parent = current;
    this.nameOrFn = options?.name ?? fn!;
    this.result = fn;
    this.observer = options?.observer ?? null;
    // Made here, not when asked for: the promise's first use is `start`'s return, and making it
    // there, after the run, took ~100 more instructions a spawn (callgrind, `npm run bench`).
    if (this.observer === null) this.promiseOrNull = this.pending();
    const signal = options?.signal;
    if (signal !== undefined) this.cancelOnAbort(signal);
  }

  /** True once the greenlet has returned or thrown. */
  get dead(): boolean {
    return (this.state & DEAD) !== 0;
  }

  /**
   * @internal Set by `callInGreenlet`: a returned thenable settles the promise boxed (`Returned`),
   * so the async caller's `await` gets it as it is, as it would get an async twin's value.
   */
  get boxThenable(): boolean {
    return (this.state & BOX_THENABLE) !== 0;
  }
  set boxThenable(on: boolean) {
    this.state = on ? this.state | BOX_THENABLE : this.state & ~BOX_THENABLE;
  }

  /** Shown in call chains and `toString()`: the name given at spawn, or the function's. */
  get name(): string {
    const n = this.nameOrFn;
    return typeof n === 'string' ? n : (this.nameOrFn = n.name || '<anonymous>');
  }

  /**
   * Settles with the greenlet's return value or its error. Made with the greenlet, or, for one
   * made with an `observer`, when first asked for: until then its error is the observer's alone
   * (no unhandled rejection), and it costs no promise.
   */
  get promise(): Promise<T> {
    let p = this.promiseOrNull;
    if (p !== null) return p;
    // not started, running, waiting, or finishing (the observer may ask): `settle` settles it
    p = (this.state & SETTLED) === 0 ? this.pending() : this.settled();
    return (this.promiseOrNull = p);
  }

  /** Runs the greenlet synchronously up to its first suspension; returns its promise. */
  start(thisArg: unknown, args: readonly unknown[]): Promise<T> {
    this.run(thisArg, args);
    return this.promise;
  }

  /** `start` without returning the promise: for a greenlet made with an `observer`, none is made. */
  run(thisArg: unknown, args: readonly unknown[]): void {
    if ((this.state & DEAD) !== 0) return; // cancelled (or its signal aborted) before it started
    const fn = this.result;
    if (fn === UNSETTLED) throw new Error(`greenlet ${this.name} was already started`);
    this.result = UNSETTLED; // `fn` is not kept alive by a suspended greenlet
    const twin = (fn as any)[TWIN] ?? (isGeneratorFunction(fn) ? fn : null);
    if (twin === null) return this.runPlainFunction(fn as Function, thisArg, args);
    let gen: Frame;
    // `current` is this greenlet from here through its first run (`resume`): one store of a
    // young greenlet into the module's old context, a write barrier (~50 instructions), not two.
    const saved = current;
    current = this;
    try {
      gen = callWithArgs(twin, thisArg, args);
    } catch (error) {
      current = saved;
      return this.finish(error, true);
    }
    // Not checked here that `gen` is a generator: `gen.next` is a megamorphic load (each twin's
    // generators have their own map). A twin that returned another iterator makes the first
    // `GeneratorNext` throw before anything runs, and `step` puts it behind `delegateTo` then.
    this.top = gen;
    this.resume(undefined, false, saved, nesting.n, 0);
  }

  /**
   * Throws `GreenletExit` at the greenlet's suspension point; its `finally` blocks run and may
   * themselves suspend. Called by the greenlet on itself, it throws `GreenletExit` right there.
   * Called while the greenlet is running further down the native stack (a greenlet it spawned
   * cancels it before suspending), the exit is thrown at its next suspension point (a plain
   * function has none: it runs to its end).
   * A dead greenlet ignores it.
   */
  cancel(reason?: unknown): void {
    const state = this.state;
    if ((state & DEAD) !== 0) return;
    const exit = new GreenletExit(reason);
    if ((state & RUNNING) !== 0) {
      if (current === this) throw exit;
      if ((state & EXIT_PENDING) === 0) {
        this.more().pendingExit = exit;
        this.state = state | EXIT_PENDING;
      }
      return;
    }
    if (this.top === null) return this.finish(exit, true); // not started yet
    if ((state & WAITING) !== 0) {
      this.state = state & ~WAITING;
      if (this.waitingOn !== null) this.waitingOn = null;
      else this.abandonPromiseWait();
    }
    this.step(exit, true);
  }

  /**
   * Resumes the greenlet with `value` if it is parked on `owner` (`parkOn`), and runs it to its
   * next wait; true then. False if it waits elsewhere or is not waiting at all (it left that park:
   * cancelled, or its untransformed caller could not wait): the owner keeps `value` for later.
   */
  wake(owner: object, value: unknown): boolean {
    if ((this.state & WAITING) === 0 || this.waitingOn !== owner) return false;
    this.waitingOn = null;
    this.step(value, false);
    return true;
  }

  /** Tells `observer` when this greenlet ends (one observer at a time; for integrations). */
  observeFinish(observer: FinishObserver): void {
    this.observer = observer;
  }

  /** @internal See `noteSuspendedFrames`. */
  noteFrames(below: Function): void {
    if ((this.state & NOTED) !== 0) return;
    this.state |= NOTED | UNWINDING;
    const frames = captureSuspendedFrames(below);
    const more = this.more();
    if (more.unwound === null) more.unwound = frames;
    else for (const f of frames) more.unwound.push(f);
  }

  toString(): string {
    return `<Greenlet ${this.name}${this.dead ? ' (dead)' : ''}>`;
  }

  private runPlainFunction(fn: Function, thisArg: unknown, args: readonly unknown[]): void {
    const saved = current;
    current = this;
    this.state |= RUNNING;
    try {
      this.finish(fn.apply(thisArg, args), false);
    } catch (error) {
      this.finish(error, true);
    } finally {
      this.state &= ~RUNNING;
      current = saved;
    }
  }

  /** The parts only some greenlets need (`More`), made now if not yet. */
  private more(): More {
    return (this.extra ??= new More());
  }

  // Closures that capture a local live in small methods of their own: a function with one
  // allocates a context on every call, taken or not (~60 instructions a wait, callgrind).

  private cancelOnAbort(signal: AbortSignal): void {
    if (signal.aborted) return this.finish(new GreenletExit(signal.reason), true);
    const onAbort = () => this.cancel(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    this.more().removeAbortListener = () => signal.removeEventListener('abort', onAbort);
  }

  /** The promise of a greenlet that has ended, as `settle` would have settled it. */
  private settled(): Promise<T> {
    const result = this.result;
    this.result = undefined;
    if ((this.state & FAILED) !== 0) return Promise.reject(result);
    // a native promise is adopted, as `resolve(result)` adopts it, not returned as it is
    return result instanceof Promise ? new Promise<T>((resolve) => resolve(result)) : Promise.resolve(result as T);
  }

  /** A new promise that `settle` settles. */
  private pending(): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.resolve = resolve;
      this.reject = reject;
    });
  }

  /**
   * The trampoline: resumes the top frame with `value` (or throws it) and runs until the greenlet
   * parks on a promise or finishes. Two loops do the running, because what is cheapest differs:
   * - `runDelegating`, while no explicit call record is pending: one frame (with its `yield*`
   *   callees inside it). A frame's error reaches the handler here, which needs no loop state.
   * - `runRecords`, once a frame has made an explicit call: frames live in locals, and each
   *   resume has its own handler, which pops the frame that threw.
   * Measured with callgrind at depth 1 (instructions per suspension, native async/await 1,432):
   * one loop with a handler around each resume took 1,597; this split takes ~1,540. Writing
   * `this.top` on every record push and pop instead of the second handler cost ~130 per call at
   * depth 10 (a write barrier: the greenlet is old, its frames are young).
   */
  private step(value: unknown, isThrow: boolean): void {
    const saved = current;
    current = this;
    this.resume(value, isThrow, saved, nesting.n, RESUMED);
  }

  /**
   * `step`, with `current` already this greenlet; `saved` is what it was before, and `savedDepth`
   * the `nesting.n` of the frames it interrupts.
   */
  private resume(
    value: unknown,
    isThrow: boolean,
    saved: Greenlet<any> | null,
    savedDepth: number,
    depth: number,
  ): void {
    this.state = (this.state | RUNNING) & ~WAITING;
    nesting.n = depth;
    let wait: Wait | undefined;
    try {
      const below = this.below;
      wait =
        below === null || below.length === 0 ? this.runDelegating(value, isThrow) : this.runRecords(value, isThrow);
    } catch (error) {
      if (
        (this.state & DEAD) === 0 &&
        !isGeneratorObject(this.top) &&
        Object.prototype.toString.call(this.top) !== '[object Generator]'
      ) {
        // `start` with a twin that returned some other iterator (not a generator of any realm:
        // one of another realm runs as it is, and its error is its own): run it behind a generator
        this.top = delegateTo(this.top as unknown as Iterator<unknown, unknown, unknown>);
        return this.resume(value, isThrow, saved, savedDepth, depth);
      }
      try {
        if ((this.state & DEAD) !== 0) throw error; // not a frame's error: finishing itself threw
        // The one frame `runDelegating` runs threw, and nothing is below it.
        this.noteUnwound(this.top!);
        this.finish(error, true);
      } finally {
        this.state &= ~RUNNING;
        current = saved;
        nesting.n = savedDepth;
      }
      return;
    }
    // Not a `finally`: restoring on the straight path costs ~7 instructions less per suspension.
    this.state &= ~RUNNING;
    current = saved;
    nesting.n = savedDepth;
    if (wait !== undefined) this.park(wait);
  }

  /** Runs `this.top` (no records below it) to its next wait; `undefined` once finished. */
  private runDelegating(value: unknown, isThrow: boolean): Wait | undefined {
    const top = this.top!;
    for (;;) {
      const r = isThrow ? GeneratorThrow.call(top, value) : GeneratorNext.call(top, value);
      isThrow = false;
      if ((this.state & UNWINDING) !== 0) this.forgetUnwound(); // the frame caught it
      value = r.value;
      if (r.done) {
        this.finish(value, false);
        return undefined;
      }
      const mark = yieldMark;
      yieldMark = 0;
      let wait: Wait | undefined;
      if (mark !== RECORD) {
        if (value instanceof Promise) {
          wait = value; // the one check on an unmarked suspension
        } else if (value === PARKED) {
          wait = PARKED;
        } else {
          const next = classifyYield(value);
          if (next === undefined) continue;
          if (next !== value) wait = next as Promise<unknown>; // else an unmarked record: `value`
        }
      }
      if (wait === undefined) {
        // The frame's first explicit call (`value`): from here on the records loop runs the
        // greenlet. A new array each time, young: young frames pushed into an old array cost a
        // write barrier each (~50 instructions a frame at depth 100 in a long-lived greenlet).
        this.below = newBelow(top, mark);
        this.top = value as Frame;
        return this.runRecords(undefined, false);
      }
      const exit = this.takePendingExit(wait);
      if (exit !== null) {
        value = exit;
        isThrow = true;
        continue;
      }
      if (mark === INLINE_WAIT) this.state |= WAITING_INLINE;
      else this.state &= ~WAITING_INLINE;
      return wait;
    }
  }

  /**
   * Runs the frames `this.top` and `this.below` to the next wait; `undefined` once finished.
   * `top` and `below` live in locals (`this.top` is written back only when it parks).
   */
  private runRecords(value: unknown, isThrow: boolean): Wait | undefined {
    let top = this.top!;
    let below = this.below!;
    for (;;) {
      let r: IteratorResult<unknown, unknown>;
      try {
        r = isThrow ? GeneratorThrow.call(top, value) : GeneratorNext.call(top, value);
      } catch (error) {
        if (!isGeneratorObject(top)) {
          // A marked record that is another iterator (a twin compiled down to ES5, say): the
          // resume threw before running anything. Run it behind a generator that delegates to it.
          top = delegateTo(top);
          continue;
        }
        this.noteUnwound(top);
        if (below.length === 0) {
          this.finish(error, true);
          return undefined;
        }
        const under = below.pop()!;
        top = popCaller(below, under);
        if (under === UNMARKED) {
          // the caller yielded a bare record: throw at its yield
          value = error;
          isThrow = true;
        } else {
          // a marked record: its caller's `resumeInline` throws it, noting its `yield*` frames
          inlineRejection = error;
          value = REJECTED;
          isThrow = false;
        }
        continue;
      }
      isThrow = false;
      if ((this.state & UNWINDING) !== 0) this.forgetUnwound(); // the frame caught it
      value = r.value;
      if (r.done) {
        if (below.length === 0) {
          this.finish(value, false);
          return undefined;
        }
        const under = below.pop()!;
        top = popCaller(below, under);
        continue;
      }
      const mark = yieldMark;
      yieldMark = 0;
      let wait: Wait | undefined;
      if (mark !== RECORD) {
        if (value instanceof Promise) {
          wait = value;
        } else if (value === PARKED) {
          wait = PARKED;
        } else {
          const next = classifyYield(value);
          if (next === undefined) continue;
          if (next !== value) wait = next as Promise<unknown>; // else an unmarked record: `value`
        }
      }
      if (wait === undefined) {
        // An explicit call record (`value`): run it on our stack, then resume `top` with its
        // result. A new array once the stack is empty (see `runDelegating`).
        if (below.length === 0) this.below = below = newBelow(top, mark);
        else pushCaller(below, top, mark);
        top = value as Frame;
        value = undefined;
        continue;
      }
      const exit = this.takePendingExit(wait);
      if (exit !== null) {
        value = exit;
        isThrow = true;
        continue;
      }
      this.top = top;
      if (mark === INLINE_WAIT) this.state |= WAITING_INLINE;
      else this.state &= ~WAITING_INLINE;
      return wait;
    }
  }

  /** An error leaves frame `f`: its name joins the call chain unless its frames were noted. */
  private noteUnwound(f: Frame): void {
    if ((this.state & NOTED) !== 0) {
      this.state &= ~NOTED;
      return;
    }
    this.state |= UNWINDING;
    (this.more().unwound ??= []).push(frameName(f));
  }

  private forgetUnwound(): void {
    this.state &= ~(UNWINDING | NOTED);
    if (this.extra !== null) this.extra.unwound = null;
  }

  /**
   * A cancel that arrived while the greenlet ran (see `cancel`) takes the place of the wait the
   * frame just asked for: the wait is abandoned, and the exit is thrown at the frame instead.
   */
  private takePendingExit(wait: Wait): GreenletExit | null {
    if ((this.state & EXIT_PENDING) === 0) return null;
    this.state &= ~EXIT_PENDING;
    const more = this.extra!;
    const exit = more.pendingExit;
    more.pendingExit = null;
    if (wait === PARKED)
      parkingOn = null; // the owner's `wake` will find it gone
    else abandon(wait); // its rejection must not surface as unhandled
    return exit;
  }

  private park(p: Wait): void {
    this.state |= WAITING;
    if (p === PARKED) {
      this.waitingOn = parkingOn;
      parkingOn = null;
      // the token yielded again, not returned by `parkOn`: nothing could ever wake it
      if (this.waitingOn === null) this.step(new Error('ts-greenlet: PARKED was yielded without parkOn'), true);
      return;
    }
    try {
      this.subscribe(p);
    } catch (error) {
      // A Promise subclass whose `then` throws: the frame gets the error, as `await` would give it.
      this.subscribe(Promise.reject(error));
    }
  }

  /** Its closures are made in `subscribeFirst` (see `cancelOnAbort`). */
  private subscribe(p: Promise<unknown>): void {
    const onFulfilled = this.onFulfilled;
    if (onFulfilled !== null) p.then(onFulfilled, this.onRejected);
    else this.subscribeFirst(p);
  }

  /**
   * A cancel leaves the promise it waited on: its late settlement must be ignored, so the shared
   * closures go, and every later wait subscribes with its own (`epoch` tells them apart).
   */
  private abandonPromiseWait(): void {
    this.more().epoch++;
    this.onFulfilled = this.onRejected = null;
  }

  /** The first promise wait makes its closures; one after a cancel abandoned a wait, its own. */
  private subscribeFirst(p: Promise<unknown>): void {
    const more = this.extra;
    if (more === null || more.epoch === 0) {
      // `extra` read when called: a cancel that abandons this wait makes it (`abandonPromiseWait`)
      this.onFulfilled = (value: unknown) => {
        if (this.extra === null || this.extra.epoch === 0) this.step(value, false);
      };
      this.onRejected = (error: unknown) => {
        if (this.extra === null || this.extra.epoch === 0) this.resumeRejected(error);
      };
      p.then(this.onFulfilled, this.onRejected);
    } else {
      // Tell this park's settlement from the stale one's.
      const epoch = more.epoch;
      p.then(
        (v) => {
          if (more.epoch === epoch) this.step(v, false);
        },
        (e) => {
          if (more.epoch === epoch) this.resumeRejected(e);
        },
      );
    }
  }

  private resumeRejected(error: unknown): void {
    if ((this.state & WAITING_INLINE) === 0) return this.step(error, true);
    inlineRejection = error;
    this.step(REJECTED, false);
  }

  private finish(value: unknown, isError: boolean): void {
    this.state = (this.state | DEAD) & ~WAITING;
    this.waitingOn = null;
    this.top = null;
    this.below = null;
    this.result = undefined; // the function, if it never started
    this.extra?.removeAbortListener?.();
    const observer = this.observer;
    this.observer = null;
    if (observer !== null && observer.greenletFinished(this, value, isError) && isError) {
      this.forgetUnwound();
      return this.settle(undefined, false);
    }
    if (isError) {
      appendCallChain(value, this.extra?.unwound ?? [], this.name);
      this.settle(value, true);
    } else {
      this.settle((this.state & BOX_THENABLE) !== 0 && isThenable(value) ? new Returned(value) : value, false);
    }
    this.forgetUnwound();
  }

  /**
   * Settles the promise if it was made, else keeps the outcome for when it is. The resolving
   * functions are left in place (they go with the greenlet): setting them to null took ~130
   * instructions more a spawn, and moved async/await's own count in the same process by ~70.
   */
  private settle(value: unknown, isError: boolean): void {
    this.state |= isError ? SETTLED | FAILED : SETTLED;
    const resolve = this.resolve;
    if (resolve === null) {
      this.result = value;
      return;
    }
    if (isError) this.reject!(value);
    else resolve(value as T);
  }
}

/**
 * A promise or thenable a sync-style call returned to an `async` caller. Resolving a promise with
 * a thenable adopts it, so the caller's `await` would wait for the job the callee started and
 * only handed back (`const done = enqueue(9)` would be the job's result, not its promise; a
 * query builder's `then` would run the query); it travels boxed and `unbox` opens it.
 */
export class Returned {
  constructor(readonly value: unknown) {}
}

/**
 * Runs `fn(...args)` as a new greenlet, synchronously up to its first suspension, and returns a
 * promise of its result. `fn` may be a coloured function, a generator function, or a plain one.
 */
export function spawnGreenlet<A extends unknown[], R>(fn: (...args: A) => R, ...args: A): Promise<Awaited<R>> {
  return new Greenlet<Awaited<R>>(fn).start(undefined, args);
}

/** `spawnGreenlet` with options: an `AbortSignal` that cancels the greenlet, a name. */
export function spawnGreenletWith<A extends unknown[], R>(
  options: GreenletOptions,
  fn: (...args: A) => R,
  ...args: A
): Promise<Awaited<R>> {
  return new Greenlet<Awaited<R>>(fn, options).start(undefined, args);
}

function ignore(): void {}

const FunctionCall = Function.prototype.call;

/**
 * `f.apply(thisArg, args)` for the few arguments a spawn passes: `Reflect.apply` with an array
 * goes through two generic builtins (~90 instructions a spawn, callgrind), where
 * `FunctionCall.call(f, ...)` compiles to a direct call.
 */
function callWithArgs(f: Function, thisArg: unknown, args: readonly unknown[]): Frame {
  switch (args.length) {
    case 0:
      return FunctionCall.call(f, thisArg);
    case 1:
      return FunctionCall.call(f, thisArg, args[0]);
    case 2:
      return FunctionCall.call(f, thisArg, args[0], args[1]);
    case 3:
      return FunctionCall.call(f, thisArg, args[0], args[1], args[2]);
    default:
      return Reflect.apply(f, thisArg, args);
  }
}

/** Marks a wait the greenlet no longer takes (a cancel came first) as handled. */
function abandon(wait: Promise<unknown>): void {
  try {
    wait.then(undefined, ignore);
  } catch {
    // A Promise subclass whose `then` throws: nothing was subscribed, so nothing can surface.
  }
}

/**
 * What a yielded value other than a native promise asks of the trampoline: a generator object is
 * an explicit call record (returned as is), a thenable is waited on (`Promise.resolve` of it),
 * anything else comes straight back (`undefined`: `awaitSync(42)` is 42). A getter that throws
 * while the value is looked at rejects the wait, as `await` rejects for a throwing `then`.
 */
function classifyYield(value: unknown): Frame | Promise<unknown> | undefined {
  if ((typeof value !== 'object' || value === null) && typeof value !== 'function') return undefined;
  try {
    if ((value as Frame).next === GeneratorNext) return value as Frame;
    return typeof (value as { then?: unknown }).then === 'function' ? Promise.resolve(value) : undefined;
  } catch (error) {
    return Promise.reject(error);
  }
}

/** A generator that runs `iterator` to its end: lets the trampoline treat every frame alike. */
export function* delegateTo(iterator: Iterator<unknown, unknown, unknown>): Frame {
  return yield* { [Symbol.iterator]: () => iterator };
}
