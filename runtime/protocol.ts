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
 *                                              const row = yield* query[TWIN](id);   // delegation
 *                                              return row.name;
 *                                            }
 *                                            setTwin(load, load$twin, "load");
 * ```
 *
 * Inside a twin, three forms of waiting are legal:
 *
 * | emitted              | meaning                                                              |
 * |----------------------|----------------------------------------------------------------------|
 * | `yield promise`      | park the greenlet until the promise settles; resume with its value,  |
 * |                      | or throw its rejection (the same object) at the `yield`.             |
 * | `yield generatorObj` | an explicit call record: the trampoline pushes the generator on its  |
 * |                      | own stack and resumes the caller with its return value / its error.  |
 * |                      | O(1) per resume and no native stack: used on recursive edges.        |
 * | `yield* twin(...)`   | direct delegation: fastest for shallow, non-recursive edges, but     |
 * |                      | each resume walks every delegating frame and V8 overflows ~10k deep. |
 *
 * Any other yielded value resumes the generator at once with that value (`awaitSync(42)` is 42).
 *
 * A coloured call that does not suspend never yields, so it completes in the same tick.
 *
 * Dynamic call sites (a callee that may or may not be coloured) read the twin at run time:
 * `(t = twinOf(fn)) ? yield* t.call(thisArg, ...args) : fn.call(thisArg, ...args)`.
 *
 * Synchronized functions carry a runtime-made twin (`function* (...a) { return yield fn(...a) }`),
 * so a call of one from transformed code is an ordinary delegation.
 */

/** The property that holds a function's generator twin. Shared across copies of the runtime. */
export const TWIN: unique symbol = Symbol.for('ts-greenlet.twin') as never;
/** Set on a twin's `prototype` so the trampoline can name suspended frames without a stack capture. */
export const FRAME_NAME: unique symbol = Symbol.for('ts-greenlet.frameName') as never;

export type Twin = (this: unknown, ...args: any[]) => Generator<unknown, unknown, unknown>;

const GeneratorFunction = Object.getPrototypeOf(function* () {}).constructor as Function;
const GeneratorPrototype = Object.getPrototypeOf(Object.getPrototypeOf((function* () {})()));

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
  if (twin.name !== name) Object.defineProperty(twin, 'name', { value: name, configurable: true });
  if (name && plain.name !== name) Object.defineProperty(plain, 'name', { value: name, configurable: true });
  Object.defineProperty(twin.prototype, FRAME_NAME, { value: name || '<anonymous>' });
  return plain;
}

/** The name of the coloured function a generator object was made by, for call chains. */
export function frameName(gen: object): string {
  return (gen as any)[FRAME_NAME] ?? '<generator>';
}
