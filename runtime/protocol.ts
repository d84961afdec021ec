/**
 * # The greenlet protocol
 *
 * The one place that says what the transformer emits and what the runtime accepts; other files
 * link here. Every coloured function `f` gets a generator *twin* that does the work; its name
 * stays a thin *plain entry* for code that was not transformed (it runs the twin as a greenlet's
 * body, `runPlain`, and throws `ScopeError` if the twin tries to wait outside a greenlet). Emitted
 * code reads these names from `ts-greenlet/protocol` (`protocol-exports.ts`), as
 * `const __tsg = require("ts-greenlet/protocol")` in CommonJS output and `import * as __tsg` in
 * ES modules; the transformer's `ProtocolHelper` type (`transformer/protocol-names.ts`) makes a
 * renamed export fail to compile there. Each builder in `transformer/rewrite/` carries its own
 * before/after; the fixtures' `output.js` files show every form in context.
 *
 * ## Emitted forms
 *
 * Definitions (`transformer/rewrite/functions.ts`, `file.ts`):
 *
 * | source                            | emitted                                                                                   |
 * |-----------------------------------|-------------------------------------------------------------------------------------------|
 * | `function f(a) {...}`             | `function f(a) { return __tsg.runPlain(f$twin.apply(this, arguments), "f"); }`            |
 * |                                   | `function* f$twin(a) {...}` and `__tsg.setTwin(f, f$twin, "f")` at the top of the scope    |
 * | `const g = function (a) {...}`    | `const g = __tsg.fnTwin(function* (a) {...}, "g")`                                        |
 * | `const h = (a) => ...`            | `const h = __tsg.arrowTwin(function* (a) {...}, "h", this)`                                |
 * |                                   | (`arrowTwinLazyThis(..., () => this)` in a derived constructor; see `functions.ts`)       |
 * | `class C { m() {...} }`           | `class C { static { __tsg.methodTwins(this.prototype, ["m"], ["C.m"]); } *m() {...} }`     |
 * | `{ m() {...} }`                   | `__tsg.methodTwins({ *m() {...} }, ["m"], ["m"])`                                          |
 * | `#m() {...}`                      | `#m() { return __tsg.runPlain(this.#m$twin.apply(this, arguments), "C.#m"); } *#m$twin() {...}` |
 * | `o.#m` as a value                 | `__tsg.withTwin(_a.#m, _a.#m$twin)`                                                        |
 * | `@dec m() {...}`                  | `@dec @__tsg.methodTwinDecorator(_m, "C.m") m() {...plain entry...} *[_m]() {...}`         |
 * | `get p() {...}` / `set p(v)`      | `get p() { return __tsg.runPlain(this[_get_p].apply(this, arguments), "C.p"); }`,         |
 * |                                   | `*[_get_p]() {...}`, and `__tsg.accessorTwins(this.prototype, "p", _get_p, _set_p)`        |
 * | `synchronize(async ...)` bound to `sleep` | `synchronize(async ..., { name: "sleep" })` (no twin: it names the ScopeError message) |
 *
 * Calls inside a twin (`transformer/rewrite/calls.ts`). A record edge (`markRecord`, as below) is one past ten
 * nested `yield*` edges (`analysis/delegation-depth.ts`); a recursive edge counts how deep it nests at run time:
 *
 * | source                            | emitted                                                                                   |
 * |-----------------------------------|-------------------------------------------------------------------------------------------|
 * | `query(sql)`, a suspension point  | `__tsg.resumeInline(yield __tsg.markInlineWait(__tsg.rawOf(query).call(void 0, sql)))`    |
 * | `awaitSync(p)`, `p` a promise     | `__tsg.resumeInline(yield __tsg.markInlineWait(p))`                                        |
 * | `load(id)`, declared in the file  | `(yield* load$twin(id))`                                                                   |
 * | `fact(n - 1)`, recursive          | `(_a = fact$twin(n - 1), __tsg.nesting.n < 10 ? (__tsg.nesting.n++, _a = (yield* _a), __tsg.nesting.n--, _a) : __tsg.resumeInline(yield __tsg.markRecord(_a)))` (`greenlet.ts`) |
 * | `f(x)`, `repo.find(id)`, any other| `(yield* __tsg.dispatch(f).call(void 0, x))`, `(yield* __tsg.dispatch((_a = repo).find).call(_a, id))` |
 * | `f.call(t, a)`, `f.apply(t, xs)`  | `(yield* __tsg.dispatch(f).call(t, a))`, `(yield* __tsg.dispatch(f).apply(t, xs))`          |
 * | `f.bind(t, a)`                    | `__tsg.bindTwin(f, t, a)` (the bound function keeps a bound twin)                          |
 * | `ids.map(cb)` and other builtins  | `(yield* __tsg.builtins.map((_a = ids), cb))` (`builtins.ts`)                              |
 * | `o.p`, `o.p = v`, `o.p += v`      | `(yield* __tsg.getProperty(o, "p"))`, `(yield* __tsg.setProperty(o, "p", v))` (`accessors.ts`) |
 * | ``tag`a${x}` ``                   | the call above, its arguments ``...__tsg.templateArgs`a${x}` `` (the same template object)  |
 * | `a?.b?.(x)`                       | `(_a = a) == null ? void 0 : (_b = _a.b) == null ? void 0 : (yield* __tsg.dispatch(_b).call(_a, x))` |
 * | in an `async` function: `f(x)`    | `__tsg.unbox(await __tsg.callInGreenlet(f, void 0, [x]))` (likewise its helper, for the rest) |
 *
 * A dynamic call site does not know whether its callee is coloured: `dispatch(f)` is `f`'s twin,
 * or for a plain `f` a function that calls it and returns a generator of its result.
 *
 * ## What the trampoline (`greenlet.ts`) accepts from a twin
 *
 * | yielded                           | meaning                                                                 |
 * |-----------------------------------|-------------------------------------------------------------------------|
 * | `markInlineWait(p)`               | park the greenlet until `p` settles; resume with its value, or a marker |
 * |                                   | that `resumeInline` throws as the rejection (the same object) inside    |
 * |                                   | the frame, where the `yield*` chain is on the native stack for the      |
 * |                                   | error's call chain. No generator per wait.                              |
 * | `markRecord(gen)`                 | an explicit call record: the trampoline pushes `gen` on its own stack   |
 * |                                   | without looking at it and resumes the caller with its return value, or  |
 * |                                   | an error marker `resumeInline` throws. O(1) per resume and no native    |
 * |                                   | stack. An iterator that is not a generator (a twin compiled to ES5)     |
 * |                                   | runs behind a delegating generator.                                     |
 * | a generator object                | a call record, unmarked (a value's `next` is `%GeneratorPrototype%.next`) |
 * | a thenable                        | waited for, as `yield p` (a rejection loses the `yield*` frames of its  |
 * |                                   | call chain, so the transformer never emits it)                          |
 * | `parkOn(owner)`'s token           | park without a promise: nothing is subscribed; `g.wake(owner, value)`   |
 * |                                   | resumes the frame with `value` (inline or not alike). Returned by a     |
 * |                                   | suspension point's raw function instead of a promise, so emitted code   |
 * |                                   | is the same (`ws.recv()` on an empty queue). `wake` is false once the   |
 * |                                   | greenlet left that park (cancelled; `runPlain` turned the token into a  |
 * |                                   | `ScopeError`), and the owner keeps the value for a later wait.           |
 * | anything else                     | resumes at once with that value (`awaitSync(42)` is 42)                 |
 *
 * `yield*` delegation costs nothing at the trampoline, but each resume walks every delegating
 * frame and V8's native stack overflows a few thousand frames deep; records cost more per edge
 * and nothing per level on resume. Hence the cap of ten nested `yield*` edges. A coloured call
 * that does not suspend never yields, so it completes in the same tick. Figures for each form:
 * `npm run bench`, in `bench/RESULTS.md`.
 *
 * Synchronized functions carry the function they wrap (`RAW`), which an inline wait calls
 * (`rawOf`), and a runtime-made twin (`function* (...a) { return yield fn(...a) }`) for call sites
 * that only know at run time what they call (`dispatch`).
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
export const GeneratorNext: (this: Generator, value?: unknown) => IteratorResult<unknown, unknown> =
  GeneratorPrototype.next;
export const GeneratorThrow: (this: Generator, error: unknown) => IteratorResult<unknown, unknown> =
  GeneratorPrototype.throw;

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
  if (twin.name !== name) {
    Object.defineProperty(twin, 'name', { value: name, configurable: true });
    makePropertiesFast(twin);
  }
  Object.defineProperty(twin.prototype, FRAME_NAME, { value: name || '<anonymous>' });
}

/**
 * Redefining a function's `name` turns it into a dictionary-mode object (V8), and every call
 * through a value (`dispatch(f).call(...)`, emitted for a call of an imported function too) then
 * loads `.call` from it with a generic lookup: ~110 instructions a call (callgrind, `npm run bench`,
 * "through a value"). V8 makes an object fast again when a property load looks through it as a
 * prototype (`MakePrototypesFast`), once that load's inline cache has feedback: hence the probe,
 * and the warm-up below. A V8 that does not leaves the twin as it was: slower, not wrong.
 */
function makePropertiesFast(o: object): void {
  Object.setPrototypeOf(PROBE, o);
  void PROBE.call;
  Object.setPrototypeOf(PROBE, null);
}
const PROBE = Object.create(null) as { call?: unknown };
// V8 gives a function's inline caches feedback after some calls; before that the load above does nothing.
for (let i = 0; i < 16; i++) makePropertiesFast(function () {});

/** The name of the coloured function a generator object was made by, for call chains. */
export function frameName(gen: object): string {
  return (gen as any)[FRAME_NAME] ?? '<generator>';
}
