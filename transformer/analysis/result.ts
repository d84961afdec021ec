/**
 * What the analysis hands the rewrite: the coloured functions, a plan for every call that may
 * suspend, and the diagnostics. The rewrite reads only this; it never decides colour itself.
 */
import ts from '../ts';
import type { CallLike, FunctionNode, Inventory } from './inventory';
import type { BuiltinHelper } from '../protocol-names';

/** How a call that may suspend is emitted inside a coloured function. */
export type CallPlan =
  /**
   * `yield* f$twin(...)`; `yield f$twin(...)` (an explicit call record) when `explicit`; when
   * `recursive` (a call within its strongly connected component), `yield*` for the first levels
   * and records past them, decided at run time (`unnest(yield* nest(f$twin(...)))`).
   */
  | { kind: 'direct'; fn: FunctionNode; explicit: boolean; recursive: boolean }
  /** Look the twin up at run time (`TWIN`), delegate if there is one, else call plainly. */
  | { kind: 'dispatch'; explicit: boolean; recursive: boolean }
  /**
   * A suspension point: call the promise-returning function behind it and wait inline (`RAW`);
   * `awaitSync(p)` of a value typed as a promise waits for `p` itself (`bare`).
   */
  | { kind: 'wait'; bare: boolean }
  /** Inside an `async` function: run the call as a greenlet and `await` it. */
  | { kind: 'await' }
  /**
   * `f.bind(t, ...args)` of a coloured function: `__tsg.bindTwin(f, t, ...args)`; `throughCall`:
   * `_bind.call(f, t, ...args)`, Function.prototype.bind read as a value (call-targets.ts).
   */
  | { kind: 'bind'; throughCall: boolean }
  /** `o.#m` of a coloured private method read as a value: `__tsg.withTwin(o.#m, o.#m$twin)`. */
  | { kind: 'privateTwin'; fn: FunctionNode }
  /** `f.call(t, ...args)` / `f.apply(t, args)` of a function that may suspend. */
  | { kind: 'via'; how: 'call' | 'apply'; inAsync: boolean; explicit: boolean; recursive: boolean }
  /** A read (`o.p`), write (`o.p = v`) or compound write (`o.p += v`) of an accessor that may suspend. */
  | { kind: 'accessor'; mode: 'read' | 'write' | 'readwrite'; inAsync: boolean }
  /** A builtin whose callback may suspend: its suspending version (`__tsg.builtins.map`), awaited in an async function. */
  | { kind: 'builtin'; helper: BuiltinHelper; inAsync: boolean }
  /** `synchronize(async () => …)` bound to a name: the name goes into its options (synchronize-names.ts). */
  | { kind: 'name'; name: string };

export interface Analysis {
  program: ts.Program;
  inventory: Inventory;
  coloured: Set<FunctionNode>;
  plans: Map<ts.Node, CallPlan>;
  /** Why each function is coloured: the call that made it so. */
  reasons: Reasons;
  diagnostics: ts.Diagnostic[];
  /** Files with something to rewrite; every other file is emitted untouched. */
  files: Set<ts.SourceFile>;
  /**
   * Files whose only change is a name for an anonymous synchronized function (a `name` plan).
   * The build rewrites them; `generate` copies them as written (typed, with default names).
   */
  namedFiles: Set<ts.SourceFile>;
  colourPath(fn: FunctionNode): string[];
}

/** Why each function is coloured: the call that made it so (a call of a coloured function, or of a suspension point). */
export type Reasons = Map<FunctionNode, { site: CallLike; callee: FunctionNode | 'suspension point' }>;
