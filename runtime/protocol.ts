/**
 * # The greenlet protocol
 *
 * The one place that says what the transformer emits and what the trampoline (`greenlet.ts`)
 * accepts. Every coloured function `f` gets a generator *twin* that does the real work; the
 * original name becomes a thin plain entry for code that was not transformed.
 *
 * ```ts
 * // input                                   // output (CommonJS, abridged)
 * function load(id: string) {                function load(id) {
 *   const row = query(id);   // Synchronized   return runPlain(load$twin.apply(this, arguments), "load");
 *   return row.name;                         }
 * }                                          function* load$twin(id) {
 *                                              const row = resumeInline(yield markInlineWait(rawOf(query).call(void 0, id)));
 *                                              return row.name;
 *                                            }
 *                                            setTwin(load, load$twin, "load");
 * ```
 *
 * Inside a twin, these forms of waiting and calling are legal:
 *
 * | emitted              | meaning                                                              |
 * |----------------------|----------------------------------------------------------------------|
 * | `yield promise`      | park the greenlet until the promise settles; resume with its value,  |
 * |                      | or throw its rejection (the same object) at the `yield`.             |
 * | `yield generatorObj` | an explicit call record: the trampoline pushes the generator on its  |
 * |                      | own stack and resumes the caller with its return value / its error.  |
 * |                      | O(1) per resume and no native stack: used on recursive edges.        |
 * | `resumeInline(yield  | what the transformer emits for a record: the same, but the trampoline|
 * | markRecord(gen))`    | pushes it without looking, and the record's error comes back as a    |
 * |                      | marker that `resumeInline` throws inside the caller (its `yield*`    |
 * |                      | frames on the native stack for the call chain). An iterator that is  |
 * |                      | not a generator (a twin compiled down to ES5) runs behind a          |
 * |                      | delegating generator.                                                |
 * | `yield* twin(...)`   | direct delegation: fastest for shallow, non-recursive edges, but     |
 * |                      | each resume walks every delegating frame and V8 overflows ~10k deep. |
 * | `resumeInline(yield  | an inline wait, what a call of a suspension point compiles to: like  |
 * | markInlineWait(p))`  | `yield p`, but a rejection comes back as a marker that `resumeInline`|
 * |                      | throws from inside the frame, where the `yield*` chain is on the     |
 * |                      | native stack for the error's call chain. No generator per wait.      |
 *
 * Any other yielded value resumes the generator at once with that value (`awaitSync(42)` is 42).
 * A yielded value is a call record when its `next` is `%GeneratorPrototype%.next` (any generator
 * object); a thenable is waited for.
 *
 * What each form costs (`npm run bench`, Node 20; see the README's Benchmark section): a `yield*`
 * edge ~25 ns and a record edge ~50 ns when nothing waits; when the leaf waits, `yield*` chains
 * pay again per level on resume, records do not. Past ~10 nested `yield*` levels the time climbs
 * steeply, so the transformer caps the nesting at ten edges with a record in between
 * (`transformer/analysis/delegation-depth.ts`), besides a record on every recursive edge. `yield*
 * awaitSync[TWIN](p)` (or a synchronized twin) adds a generator, ~45 ns a wait, over the inline
 * wait; both record the `yield*` frames of a rejection's call chain (a bare `yield p` does not).
 *
 * A coloured call that does not suspend never yields, so it completes in the same tick.
 *
 * Dynamic call sites (a callee that may or may not be coloured) read the twin at run time:
 * `(t = twinOf(fn)) ? yield* t.call(thisArg, ...args) : fn.call(thisArg, ...args)`.
 *
 * Synchronized functions carry the function they wrap (`RAW`), which a call of one compiles to
 * (the inline wait above), and a runtime-made twin (`function* (...a) { return yield fn(...a) }`)
 * for calls that only know at run time what they call (through a value, `dispatch`).
 */

/**
 * The promise-returning function behind a suspension point (`synchronize(fn)` keeps `fn` here),
 * which an inline wait calls directly: `resumeInline(yield markInlineWait(fn[RAW](...args)))`.
 */
export const RAW: unique symbol = Symbol.for('ts-greenlet.raw') as never;

/** The property that holds a function's generator twin. Shared across copies of the runtime. */
export const TWIN: unique symbol = Symbol.for('ts-greenlet.twin') as never;
/** Set on a twin's `prototype` so the trampoline can name suspended frames without a stack capture. */
export const FRAME_NAME: unique symbol = Symbol.for('ts-greenlet.frameName') as never;

export type Twin = (this: unknown, ...args: any[]) => Generator<unknown, unknown, unknown>;

const GeneratorFunction = Object.getPrototypeOf(function* () {}).constructor as Function;
const GeneratorPrototype = Object.getPrototypeOf(Object.getPrototypeOf((function* () {})()));

/**
 * `%GeneratorPrototype%.next` / `.throw`. The trampolines tell an explicit call record by
 * `y.next === GeneratorNext` (one inline-cached load; the prototype walk of `isGeneratorObject`
 * cost ~20 ns a record, see bench/) and resume frames with `GeneratorNext.call(top, v)`, which
 * stays fast where `top.next(v)` would be a megamorphic load across many twins.
 */
export const GeneratorNext: (this: Generator, value?: unknown) => IteratorResult<unknown, unknown> = GeneratorPrototype.next;
export const GeneratorThrow: (this: Generator, error: unknown) => IteratorResult<unknown, unknown> = GeneratorPrototype.throw;

/** True for generator functions (`function*`), the only functions a greenlet can drive directly. */
export function isGeneratorFunction(x: unknown): x is Twin {
  return typeof x === 'function' && x instanceof GeneratorFunction;
}

/** True for generator functions and generator objects: what a greenlet can run. */
export function isGenerator(x: unknown): boolean {
  return isGeneratorFunction(x) || isGeneratorObject(x);
}

/** True for the objects a `function*` returns (an explicit call record, in the protocol). */
export function isGeneratorObject(x: unknown): x is Generator {
  if (x === null || typeof x !== 'object') return false;
  const proto = Object.getPrototypeOf(x);
  return proto !== null && Object.getPrototypeOf(proto) === GeneratorPrototype;
}

export function isThenable(x: unknown): x is PromiseLike<unknown> {
  return x !== null && (typeof x === 'object' || typeof x === 'function') && typeof (x as any).then === 'function';
}

/** The generator twin of a coloured or synchronized function, or `undefined` for plain ones. */
export function twinOf(fn: unknown): Twin | undefined {
  return typeof fn === 'function' ? (fn as any)[TWIN] : undefined;
}

/**
 * Registers `twin` as the generator form of `plain` and names both for stack traces and
 * ScopeError messages. Returns `plain`, so it can wrap an expression.
 */
export function setTwin<F extends Function>(plain: F, twin: Twin, name: string): F {
  Object.defineProperty(plain, TWIN, { value: twin, configurable: true });
  const jsName = name === '<anonymous>' ? '' : name; // `.name` as the untransformed function has it
  if (plain.name !== jsName) Object.defineProperty(plain, 'name', { value: jsName, configurable: true });
  nameTwin(twin, name);
  return plain;
}

/** Names a twin for stack traces and its generator objects for call chains (`frameName`). */
export function nameTwin(twin: Twin, name: string): void {
  if (twin.name !== name) Object.defineProperty(twin, 'name', { value: name, configurable: true });
  Object.defineProperty(twin.prototype, FRAME_NAME, { value: name || '<anonymous>' });
}

/** The name of the coloured function a generator object was made by, for call chains. */
export function frameName(gen: object): string {
  return (gen as any)[FRAME_NAME] ?? '<generator>';
}
