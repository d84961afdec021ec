/**
 * Greenlets and the trampoline that drives them (the protocol is in `protocol.ts`).
 *
 * A greenlet owns an explicit stack of generator objects. `step` runs the top one until it
 * yields a promise (park: return to the event loop), yields a generator (push it: an explicit
 * call), or finishes (pop, and hand its value or error to the frame below). Resuming is O(1)
 * whatever the depth, and the native stack never grows with the greenlet's logical depth.
 */
import { GreenletExit } from './errors';
import { appendCallChain } from './call-chain';
import { frameName, isGeneratorFunction, isGeneratorObject, TWIN } from './protocol';

let current: Greenlet<any> | null = null;

/** The greenlet running now, or `null` in code that runs outside any greenlet. */
export function getcurrent(): Greenlet<any> | null {
  return current;
}

export interface GreenletOptions {
  /** Aborting it cancels the greenlet with the signal's reason. */
  signal?: AbortSignal;
  /** Shown in call chains and `toString()`; defaults to the function's name. */
  name?: string;
}

type Frame = Generator<unknown, unknown, unknown>;

export class Greenlet<T = unknown> {
  /** The greenlet that was running when this one was spawned, or `null`. */
  readonly parent: Greenlet<any> | null;
  readonly name: string;
  /** Settles with the greenlet's return value or its error. */
  readonly promise: Promise<T>;
  /** True once the greenlet has returned or thrown. */
  dead = false;

  private readonly stack: Frame[] = [];
  private resolve!: (value: T) => void;
  private reject!: (error: unknown) => void;
  /** Bumped when a parked promise is abandoned (cancel), so its late settlement is ignored. */
  private epoch = 0;
  private parked = false;
  private running = false;
  /** Frames an error has unwound through so far, innermost first (for the logical call chain). */
  private unwound: string[] = [];
  private readonly onFulfilled = (value: unknown) => { if (this.epoch === 0) this.step(value, false); };
  private readonly onRejected = (error: unknown) => { if (this.epoch === 0) this.step(error, true); };
  private removeAbortListener: (() => void) | null = null;

  /**
   * Makes a greenlet for `fn` without starting it; `spawnGreenlet` is the usual way in.
   * `fn` may be a coloured function (its twin runs), a generator function, or a plain function.
   */
  constructor(
    private readonly fn: Function,
    options: GreenletOptions = {},
  ) {
    this.parent = current;
    this.name = options.name ?? (fn.name || '<anonymous>');
    this.promise = new Promise<T>((resolve, reject) => {
      this.resolve = resolve;
      this.reject = reject;
    });
    const { signal } = options;
    if (signal?.aborted) {
      this.finish(new GreenletExit(signal.reason), true);
    } else if (signal) {
      const onAbort = () => this.cancel(signal.reason);
      signal.addEventListener('abort', onAbort, { once: true });
      this.removeAbortListener = () => signal.removeEventListener('abort', onAbort);
    }
  }

  /** Runs the greenlet synchronously up to its first suspension; returns its promise. */
  start(thisArg: unknown, args: readonly unknown[]): Promise<T> {
    if (this.dead) return this.promise; // cancelled (or its signal aborted) before it started
    if (this.stack.length) throw new Error(`greenlet ${this.name} was already started`);
    const twin = (this.fn as any)[TWIN] ?? (isGeneratorFunction(this.fn) ? this.fn : null);
    if (twin === null) {
      this.runPlainFunction(thisArg, args);
      return this.promise;
    }
    let gen: Frame;
    const saved = current;
    current = this;
    try {
      gen = twin.apply(thisArg, args);
    } catch (error) {
      this.finish(error, true);
      return this.promise;
    } finally {
      current = saved;
    }
    this.stack.push(gen);
    this.step(undefined, false);
    return this.promise;
  }

  /**
   * Throws `GreenletExit` at the greenlet's suspension point; its `finally` blocks run and may
   * themselves suspend. Called by the greenlet on itself, it throws `GreenletExit` right there.
   * A dead greenlet ignores it.
   */
  cancel(reason?: unknown): void {
    if (this.dead) return;
    const exit = new GreenletExit(reason);
    if (this.running) throw exit;
    if (this.stack.length === 0) return this.finish(exit, true); // not started yet
    if (this.parked) {
      this.epoch++;
      this.parked = false;
    }
    this.step(exit, true);
  }

  toString(): string {
    return `<Greenlet ${this.name}${this.dead ? ' (dead)' : ''}>`;
  }

  private runPlainFunction(thisArg: unknown, args: readonly unknown[]): void {
    const saved = current;
    current = this;
    this.running = true;
    try {
      this.finish(this.fn.apply(thisArg, args), false);
    } catch (error) {
      this.finish(error, true);
    } finally {
      this.running = false;
      current = saved;
    }
  }

  /** The trampoline: resumes the top frame with `value` (or throws it) and runs until parked. */
  private step(value: unknown, isThrow: boolean): void {
    const stack = this.stack;
    const saved = current;
    current = this;
    this.running = true;
    this.parked = false;
    try {
      for (;;) {
        const top = stack[stack.length - 1];
        let r: IteratorResult<unknown, unknown>;
        try {
          r = isThrow ? top.throw(value) : top.next(value);
        } catch (error) {
          stack.pop();
          this.unwound.push(frameName(top));
          if (stack.length === 0) return this.finish(error, true);
          value = error;
          isThrow = true;
          continue;
        }
        if (isThrow) this.unwound.length = 0; // the frame caught it
        if (r.done) {
          stack.pop();
          if (stack.length === 0) return this.finish(r.value, false);
          value = r.value;
          isThrow = false;
          continue;
        }
        const y = r.value;
        if (y instanceof Promise) {
          this.park(y);
          return;
        }
        if (y !== null && typeof y === 'object') {
          if (isGeneratorObject(y)) {
            stack.push(y);
            value = undefined;
            isThrow = false;
            continue;
          }
          if (typeof (y as any).then === 'function') {
            this.park(Promise.resolve(y));
            return;
          }
        } else if (typeof y === 'function' && typeof (y as any).then === 'function') {
          this.park(Promise.resolve(y));
          return;
        }
        value = y;
        isThrow = false;
      }
    } finally {
      this.running = false;
      current = saved;
    }
  }

  private park(p: Promise<unknown>): void {
    this.parked = true;
    if (this.epoch === 0) {
      p.then(this.onFulfilled, this.onRejected);
    } else {
      // After a cancel abandoned a promise, tell this park's settlement from the stale one.
      const epoch = this.epoch;
      p.then(
        (v) => { if (this.epoch === epoch) this.step(v, false); },
        (e) => { if (this.epoch === epoch) this.step(e, true); },
      );
    }
  }

  private finish(value: unknown, isError: boolean): void {
    this.dead = true;
    this.parked = false;
    this.stack.length = 0;
    this.removeAbortListener?.();
    if (isError) {
      appendCallChain(value, this.unwound, this.name);
      this.reject(value);
    } else {
      this.resolve(value as T);
    }
    this.unwound = [];
  }
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
