/**
 * Calls of the lib's containers in value flow (value-flow.ts): what a method of a program's
 * array, Map or Set stores, reads and calls back (one row of value-flow-builtins.ts each), and
 * what `Array.from`, `Array.of`, `Object.values`/`entries`/`fromEntries` and `new Map(entries)`
 * make. A container the program makes is a value of its own (value-flow-model.ts), so one array's
 * functions do not reach every other array's readers.
 */
import ts from '../ts';
import { parametersOf } from './inventory';
import { ContainerMethod } from './value-flow-builtins';
import { Fields } from './value-flow-fields';
import { KeyParameters } from './value-flow-keys';
import { Location } from './value-flow-model';
import { FlowSolver } from './value-flow-solver';
import { FlowTypes } from './value-flow-types';

export class ContainerCalls {
  constructor(
    private readonly solver: FlowSolver,
    private readonly types: FlowTypes,
    private readonly keyParams: KeyParameters,
    private readonly fields: Fields,
  ) {}

  /** A method of a program container (see value-flow-builtins.ts). */
  containerCall(
    m: ContainerMethod,
    receiver: Location,
    args: ts.Expression[],
    argValues: Location[],
    here: Location,
  ): void {
    const solver = this.solver;
    args.forEach((arg, i) => {
      const stored =
        m.writes && ((m.writes.indices ?? []).includes(i) || (m.writes.from !== undefined && i >= m.writes.from));
      if (!stored) return;
      if (ts.isSpreadElement(arg)) {
        const items = new Location();
        solver.readElements(argValues[i], items);
        solver.writeElements(receiver, items);
      } else solver.writeElements(receiver, argValues[i]);
    });
    if (m.element) solver.readElements(receiver, here);
    if (m.alias) solver.edge(receiver, here);
    if (m.callback) {
      const returnsTo = m.callback.returns === 'result' ? here : m.callback.returns === 'elements' ? undefined : null;
      args.forEach((_, i) =>
        solver.onFunction(argValues[i], (f) => {
          this.keyParams.calledWithAnyKeys(f);
          for (const p of parametersOf(f)) solver.readElements(receiver, solver.parameterLocation(p));
          if (returnsTo === undefined) solver.writeElements(receiver, solver.returnOf(f));
          if (returnsTo) {
            solver.edge(solver.returnOf(f), returnsTo);
            // reduce's accumulator
            for (const p of parametersOf(f)) solver.edge(solver.returnOf(f), solver.parameterLocation(p));
            if (argValues[1]) for (const p of parametersOf(f)) solver.edge(argValues[1], solver.parameterLocation(p));
          }
        }),
      );
    }
  }

  /** `Array.from(items, f?)`, `Array.of(...items)`: a new container. */
  arrayFromCall(
    m: 'from' | 'of',
    e: ts.CallExpression | ts.TaggedTemplateExpression,
    args: ts.Expression[],
    argValues: Location[],
    here: Location,
  ): void {
    const solver = this.solver;
    const c = solver.containerOf(e);
    if (this.types.holdsFunctions(e)) solver.add(here, c);
    if (m === 'of') {
      args.forEach((a, i) =>
        ts.isSpreadElement(a) ? solver.readElements(argValues[i], c.elements) : solver.edge(argValues[i], c.elements),
      );
      return;
    }
    if (!argValues[0]) return;
    solver.readElements(argValues[0], c.elements);
    if (argValues[1])
      solver.onFunction(argValues[1], (f) => {
        this.keyParams.calledWithAnyKeys(f);
        for (const p of parametersOf(f)) solver.readElements(argValues[0], solver.parameterLocation(p));
        solver.edge(solver.returnOf(f), c.elements);
      });
  }

  /** `Object.values(o)`, `Object.entries(o)`: every property; `Object.fromEntries(pairs)`. */
  objectCall(
    m: 'values' | 'entries' | 'fromEntries' | 'first' | 'none',
    e: ts.Node,
    argValues: Location[],
    here: Location,
  ): void {
    const { solver, types } = this;
    const checker = types.checker;
    if (m === 'none') return;
    if (m === 'first') {
      if (argValues[0]) solver.edge(argValues[0], here);
      return;
    }
    if (m === 'fromEntries') {
      if (!argValues[0]) return;
      const pairs = new Location();
      solver.readElements(argValues[0], pairs);
      const values = new Location();
      solver.readPattern(pairs, values);
      this.fields.writeUnbounded(e, values);
      return;
    }
    // the properties the argument's type names, where it has no index signature and is not generic
    const arg = ts.isCallExpression(e) ? e.arguments[0] : undefined;
    const t = arg && checker.getTypeAtLocation(arg);
    const open =
      !t ||
      t.flags & (ts.TypeFlags.Any | ts.TypeFlags.Unknown | ts.TypeFlags.TypeParameter) ||
      checker.getIndexInfosOfType(t).length > 0 ||
      t.isUnionOrIntersection();
    const names =
      open || !arg
        ? undefined
        : checker
            .getPropertiesOfType(t!)
            .filter((p) => types.mayHoldFunctions(checker.getTypeOfSymbolAtLocation(p, arg), 0))
            .map((p) => p.name);
    if (names && names.length === 0) return;
    if (!open && t && checker.getIndexInfosOfType(t).some((i) => !types.mayHoldFunctions(i.type, 0))) return;
    const c = solver.containerOf(e);
    solver.add(here, c);
    solver.edge(names ? this.fields.keyReadLocation(names) : solver.readAnyName(), c.elements);
  }

  /** `new Map(entries)`, `new Set(items)`, `new Array(...)` of the lib: a new container. */
  construct(ctor: string, e: ts.NewExpression, argValues: Location[]): void {
    const solver = this.solver;
    // `new Map(entries)`: the entries' pairs are flattened, a Map holds its values as elements
    const c = solver.containerOf(e);
    if (this.types.holdsFunctions(e)) solver.add(solver.nodeLocation(e), c);
    if (ctor === 'Array') argValues.forEach((a) => solver.edge(a, c.elements));
    else if (argValues[0]) {
      const items = new Location();
      solver.readElements(argValues[0], items);
      solver.readPattern(items, c.elements);
    }
  }
}
