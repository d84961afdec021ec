/**
 * What value flow (value-flow.ts) answers once solved: the functions that may reach a callee or an
 * expression, the writes under keys it cannot bound, and the functions code made at run time may
 * call. Read by call-graph.ts, call-plans.ts and checks.ts; nothing here adds a constraint.
 */
import ts from '../ts';
import { FunctionNode, skipParens } from './inventory';
import { Container, FlowValue, Location, Ref } from './value-flow-model';
import { FlowSolver } from './value-flow-solver';
import { FlowTypes } from './value-flow-types';

export interface ValueFlow {
  /**
   * The solver stopped at its step budget (the program's functions merge through generic helpers
   * faster than it can follow): nothing below is known, and checks.ts says so with a warning.
   */
  exhausted: boolean;
  /** What may be called at a call's callee (`f` of `f(x)`, `f.call(t)`, `o.m()`), or undefined if nothing is known. */
  calleeValues(call: ts.CallExpression | ts.TaggedTemplateExpression): ReadonlySet<FlowValue> | undefined;
  /** What an expression may evaluate to. */
  valuesOf(e: ts.Expression): ReadonlySet<FlowValue> | undefined;
  /** The functions in the arrays, Maps and Sets an expression may evaluate to, however deep. */
  containedFunctions(e: ts.Expression): ReadonlySet<FlowValue>;
  /** What property `name` of any object may hold (value flow's field of that name). */
  fieldValues(name: string): ReadonlySet<FlowValue> | undefined;
  /** Writes over a method a library declares (`w.visit = f`), with what they may write. */
  libraryMethodWrites(): Array<{ node: ts.PropertyAccessExpression; values: ReadonlySet<FlowValue> }>;
  /** Writes under keys the analysis cannot bound, with what they may write. */
  unboundedWrites(): Array<{ node: ts.Node; values: ReadonlySet<FlowValue>; proxyTrap?: true }>;
  /**
   * Each `new Function` (`made`) with the calls that may run what it makes, and each direct
   * `eval` (its own call), with the functions that code may reach and call: see runtime-code.ts.
   */
  runtimeCode(): Array<{ made: ts.Node; calls: ts.Node[]; values: ReadonlySet<FlowValue> }>;
}

/** The answer when the solver ran out of budget: nothing is known. */
export function exhaustedValueFlow(): ValueFlow {
  return {
    exhausted: true,
    calleeValues: () => undefined,
    valuesOf: () => undefined,
    fieldValues: () => undefined,
    containedFunctions: () => new Set(),
    unboundedWrites: () => [],
    libraryMethodWrites: () => [],
    runtimeCode: () => [],
  };
}

/** What the syntax walk recorded for the queries, beside the solver's locations. */
export interface WalkRecords {
  /** The callee's values of each call (apart from the call's own value, what it returns). */
  readonly callees: ReadonlyMap<ts.Node, Location>;
  /** Writes over a library's methods (`Fields.libraryMethodWrites`). */
  libraryMethodWrites: Array<{ node: ts.PropertyAccessExpression; at: Location }>;
  /** Writes under keys that cannot be bounded (`writeUnbounded`). */
  readonly unbounded: ReadonlyArray<{ node: ts.Node; at: Location; proxyTrap?: true }>;
  /** Each direct `eval` (see runtime-code.ts). */
  readonly evals: readonly ts.CallExpression[];
  /** What the `#private` maps hold (`privateMapOf`): a direct eval in a class body may index them. */
  privateMapContents(): Location[];
}

/**
 * The queries over a solved flow. A plain object of closures, not a class: checks.ts hands
 * `flow.valuesOf` on as a function.
 */
export function solvedValueFlow(solver: FlowSolver, types: FlowTypes, records: WalkRecords): ValueFlow {
  /** Asked after solving, once per call site by call-graph.ts: a `Ref` to `.[]` expands to thousands. */
  const functionsCache = new Map<Location, ReadonlySet<FlowValue>>();
  /** What any name holds, with the containers' elements there: made on first use (`reachableFrom`). */
  let anyNameReach: Set<FlowValue> | undefined;

  function functionsAt(l: Location | undefined): ReadonlySet<FlowValue> | undefined {
    if (!l) return undefined;
    let out = functionsCache.get(l);
    if (!out)
      functionsCache.set(
        l,
        (out = new Set([...solver.valuesFor(l)].filter((v): v is FlowValue => !(v instanceof Container)))),
      );
    return out;
  }

  return {
    exhausted: false,
    calleeValues(call) {
      return functionsAt(records.callees.get(call));
    },
    valuesOf(e) {
      return functionsAt(solver.byNode.get(skipParens(e)));
    },
    containedFunctions(e) {
      const at = solver.byNode.get(skipParens(e));
      if (!at) return new Set();
      const containers = [...solver.valuesFor(at)].filter((v): v is Container => v instanceof Container);
      return functionsWithin(containers.map((c) => c.elements));
    },
    fieldValues(name) {
      return functionsAt(solver.existingField(name));
    },
    libraryMethodWrites() {
      return records.libraryMethodWrites.map((w) => ({ node: w.node, values: functionsAt(w.at)! }));
    },
    unboundedWrites() {
      return records.unbounded.map((w) => ({ node: w.node, values: functionsAt(w.at)!, proxyTrap: w.proxyTrap }));
    },
    runtimeCode() {
      const byMaker = new Map<ts.Node, { made: ts.Node; calls: ts.Node[]; values: Set<FlowValue> }>();
      for (const [call, at] of records.callees) {
        const makers = solver.runtimeCallees.get(at);
        if (!makers) continue;
        const args = ts.isCallExpression(call) ? call.arguments : [];
        const values = reachableFrom(
          args.filter((a) => !types.primitiveTyped(a)).map((a) => solver.byNode.get(skipParens(a))),
        );
        for (const made of makers) {
          const entry = byMaker.get(made) ?? byMaker.set(made, { made, calls: [], values: new Set() }).get(made)!;
          entry.calls.push(call);
          for (const v of values) entry.values.add(v);
        }
      }
      for (const e of records.evals) {
        const inScope = types.checker.getSymbolsInScope(e, ts.SymbolFlags.Value).map((s) => solver.bySymbol.get(s));
        // a direct eval in a class body may also index its `#private` maps
        const maps = records.privateMapContents();
        byMaker.set(e, { made: e, calls: [e], values: reachableFrom([...inScope, ...maps], true) });
      }
      return [...byMaker.values()];
    },
  };

  /**
   * The functions code made at run time may call, given these values (`given`: the non-primitive
   * ones): the functions among them, in the containers among them, and — since it may read their
   * properties — whatever any name holds (fields are per name, not per object). That last part is
   * the same for every call: collected once (`anyNameReach`).
   */
  function reachableFrom(given: Array<Location | undefined>, always = false): Set<FlowValue> {
    if (!given.length && !always) return new Set();
    anyNameReach ??= functionsWithin([solver.anyRead]);
    const out = functionsWithin(given);
    for (const v of anyNameReach) out.add(v);
    return out;
  }

  /** The functions at these locations and among the elements of the containers there, however deep. */
  function functionsWithin(from: Array<Location | undefined>): Set<FlowValue> {
    const out = new Set<FlowValue>();
    const seen = new Set<Location>();
    const walk = (l: Location): void => {
      if (seen.has(l)) return;
      seen.add(l);
      for (const v of solver.valuesFor(l)) {
        if (v instanceof Container) walk(v.elements);
        else if (!(v instanceof Ref)) out.add(v);
      }
    };
    for (const l of from) if (l) walk(l);
    return out;
  }
}

/** A coloured function among what value flow says may be here. */
export function colouredAmong(
  values: ReadonlySet<FunctionNode | 'suspends'> | undefined,
  coloured: Set<FunctionNode>,
): FunctionNode | undefined {
  for (const v of values ?? []) if (v !== 'suspends' && coloured.has(v)) return v;
  return undefined;
}
