/**
 * Where function values go: a whole-program, flow-insensitive points-to analysis for functions
 * (Andersen-style inclusion constraints, solved to a fixed point), field-based as in Feldthaus et
 * al., "Efficient Construction of Approximate Call Graphs for JavaScript IDE Services" (ICSE
 * 2013): a property is one location per *name*, whatever object holds it. Objects themselves are
 * not tracked, so nothing is lost where an object comes from code the analysis cannot see, and
 * `{ ...o }`, `Object.assign` and destructuring need no model: they read and write names.
 *
 * Values and locations are described in value-flow-model.ts.
 *
 * Types prune in two places: a location typed as a primitive holds no function (see
 * `primitiveTyped`), and a container typed to hold none is not followed; and a call of a member
 * the program declares (`o.m(x)`) reads only the functions of `.m` that can be `m` by what they
 * return (`memberCallee`, return-fit.ts).
 *
 * ```ts
 * const loadFlags = synchronize(async () => ['beta']);   // SUSPENDS ⊆ loadFlags
 * orDefault(loadFlags, []);                              // loadFlags ⊆ param fn of orDefault
 * function orDefault(fn, d) { try { return fn(); } ... } // fn() may call: {SUSPENDS}
 * query({ run: () => count('users') });                  // arrow ⊆ .run;  opts.run() may call it
 * renderer[prop] = (...a) => user.apply(renderer, a);    // prop: 'link' | 'code' → .link, .code
 * ```
 *
 * Calls bind as values arrive: when `f` reaches a callee, the call's arguments flow into `f`'s
 * parameters and `f`'s returns into the call (merged per callee location: `CallSummary`). Code
 * outside the program (a `.d.ts`) may hand back what it was given as data, unless it is a lib
 * global whose result is a primitive (`JSON.stringify`): data arguments flow into `.[]`, and its
 * results and its callbacks' parameters are the `outside` container. A callback it is given is
 * called there: that is an escape, which `checks.ts` reports when the callback may suspend. This
 * phase only computes; it decides nothing.
 */
import ts from 'typescript';
import { bindThroughCall, declaredArgumentType, possiblyBoundFunction, viaCallOrApply } from './call-targets';
import { FunctionNode, isFunctionNode, parametersOf, propertyNameText, skipParens } from './inventory';
import { isSynchronizeDecorated } from './suspension-points';
import { Requirement, returnFit, strictNullChecks } from './return-fit';
import { runtimeCodeKind } from './runtime-code';
import { ANY_KEY, ELEMENTS, KeyParameters, onKey, typeKeys } from './value-flow-keys';
import { FlowTypes } from './value-flow-types';
import { CallSummary, Container, FlowValue, isFunction, Location, Ref, SUSPENDS, Value } from './value-flow-model';
import {
  arrayConstructorMethod,
  containerMethod,
  CONTAINER_CONSTRUCTORS,
  ContainerMethod,
  isLibFile,
  objectConstructorMethod,
} from './value-flow-builtins';

export { SUSPENDS };
export type { FlowValue };

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
  /** Writes under keys the analysis cannot bound, with what they may write. */
  unboundedWrites(): Array<{ node: ts.Node; values: ReadonlySet<FlowValue> }>;
  /**
   * Each `new Function` (`made`) with the calls that may run what it makes, and each direct
   * `eval` (its own call), with the functions that code may reach and call: see runtime-code.ts.
   */
  runtimeCode(): Array<{ made: ts.Node; calls: ts.Node[]; values: ReadonlySet<FlowValue> }>;
}

const ANY_READ = '*read';

/** An object only ever indexed, held by a private field (`privateMapOf`): its own fields, and what any key reads. */
interface PrivateMap {
  /** Everything written into it: what a read under any key gets. */
  all: Location;
  /** Written under keys that cannot be bounded: a read under any name gets it too. */
  unbounded: Location;
  field(name: string): Location;
}

/**
 * Steps (a value arriving at a location) the solver may take. The fuzzer's 40-program batches
 * take ~0.4 M, this repository's fixtures far fewer; bench/compile's 1,000-file project needs
 * far more today (~90 s unbudgeted; see the README's limits).
 */
export const VALUE_FLOW_BUDGET = 5_000_000;
const BUDGET = new Error('value-flow budget');

export function analyseValueFlow(program: ts.Program, budget = VALUE_FLOW_BUDGET): ValueFlow {
  const checker = program.getTypeChecker();
  const types = new FlowTypes(checker);
  const bySymbol = new Map<ts.Symbol, Location>();
  const byNode = new Map<ts.Node, Location>();
  const fields = new Map<string, Location>();
  const returns = new Map<FunctionNode, Location>();
  /** The callee's values of each call (apart from the call's own value, what it returns). */
  const callees = new Map<ts.Node, Location>();
  const defined = new Set<FunctionNode>();
  /** Never written to: what a read that cannot carry a function reads. */
  const nothing = new Location(true);
  const fit = returnFit(checker, strictNullChecks(program.getCompilerOptions()));
  /** Per field, per what the member must return: the callee location of calls of a program-declared member (`memberCallee`). */
  const members = new Map<Location, Map<Requirement, Location>>();
  /** Functions whose body reads `arguments`: every argument they get is also in that container. */
  const readsArguments = new Set<FunctionNode>();
  const work: Array<[Location, Value]> = [];
  const containers = new Map<ts.Node, Container>();
  const unbounded: Array<{ node: ts.Node; at: Location }> = [];
  /** Writes into containers at a receiver: if none arrives there, the receiver came from outside. */
  const pendingWrites: Array<[Location, Location]> = [];
  /** Parameters used as property keys (`o[k]`), with the keys their callers pass. */
  const keyParams = new KeyParameters(checker);
  /** Calls of members declared only in `.d.ts` files, bound only if the program extends their owner. */
  const libraryCalls: Array<{ owners: ts.Symbol[]; call: () => void }> = [];
  const libraryHeritage = new Set<ts.Symbol>();
  /** What each `new Function(…)` makes (a container only as a marker), the callees it reaches, `eval`s. */
  const madeAtRunTime = new Map<Container, ts.Node>();
  const runtimeCallees = new Map<Location, Set<ts.Node>>();
  const evals: ts.CallExpression[] = [];
  /** Private fields that hold a map of their class's own (`privateMapOf`), by declaration. */
  const privateMaps = new Map<ts.Node, PrivateMap | null>();
  /** Classes with `#private` members, numbered: a private name's field is its class's (`nameKey`). */
  const privateOwners = new Map<ts.Node, number>();
  /** What any name holds, with the containers' elements there: made on first use (`reachableFrom`). */
  let anyNameReach: Set<FlowValue> | undefined;
  /** Each program class's direct subclasses, made on first use (`subclassConstructors`). */
  let derived: Map<ts.ClassLikeDeclaration, ts.ClassLikeDeclaration[]> | undefined;

  /** Every name's values: read only through `ANY_NAME` (see `Ref`). */
  const anyRead = new Location();
  fields.set(ANY_READ, anyRead);
  const refs = new Map<Location, Ref>();
  const refTo = (l: Location): Ref => {
    let r = refs.get(l);
    if (!r) refs.set(l, (r = new Ref(l)));
    return r;
  };
  const ANY_NAME = refTo(anyRead);
  const field = (name: string): Location => {
    let l = fields.get(name);
    if (!l) {
      fields.set(name, (l = new Location()));
      edge(l, anyRead);
    }
    return l;
  };
  /** A read under any name (`ANY_NAME`), made at each site so that only its uses take the values. */
  const readAnyName = (): Location => {
    const l = new Location();
    add(l, ANY_NAME);
    return l;
  };
  /** The used locations that hold a `Ref` to a location: what arrives there arrives at them too. */
  const refUsers = new Map<Location, Set<Location>>();
  /** A location's first use: it takes what the locations it refers to hold (without copying it). */
  const use = (l: Location): void => {
    for (const v of l.values) if (v instanceof Ref) subscribe(l, v.of, false);
  };
  function subscribe(user: Location, of: Location, arriveNow: boolean): void {
    let users = refUsers.get(of);
    if (!users) refUsers.set(of, (users = new Set()));
    if (users.has(user)) return;
    users.add(user);
    for (const v of of.values) {
      if (v instanceof Ref) subscribe(user, v.of, arriveNow);
      else if (arriveNow) arrive(user, v, of);
    }
  }
  /** What a location holds, with what its `Ref`s hold. */
  function valuesFor(l: Location): Iterable<Value> {
    let refs = false;
    for (const v of l.values) if (v instanceof Ref) refs = true;
    if (!refs) return l.values;
    const out = new Set<Value>();
    const seen = new Set<Location>();
    const collect = (at: Location): void => {
      if (seen.has(at)) return;
      seen.add(at);
      for (const v of at.values) {
        if (v instanceof Ref) collect(v.of);
        else out.add(v);
      }
    };
    collect(l);
    if (l.admits) for (const v of out) if (!admitted(l, v)) out.delete(v);
    return out;
  }
  const admitted = (l: Location, v: Value): boolean => !l.admits || !isFunction(v) || l.admits(v);
  const isUsed = (l: Location): boolean =>
    !!l.summary ||
    l.givenOutside ||
    l.escapes ||
    !!l.callbacks ||
    !!l.elementReaders ||
    !!l.patternReaders ||
    !!l.elementWriters;
  /** The containers code outside the program makes: their elements are all it was given. */
  const outside = new Container(undefined, field(ELEMENTS));
  const OUTSIDE_HELD = refTo(outside.elements);
  const symbolLocation = (sym: ts.Symbol): Location => {
    let l = bySymbol.get(sym);
    if (!l) bySymbol.set(sym, (l = new Location(types.isPrimitiveSymbol(sym))));
    return l;
  };
  const located = (n: ts.Node, l: Location): Location => {
    byNode.set(n, l);
    return l;
  };
  const nodeLocation = (n: ts.Node): Location => {
    let l = byNode.get(n);
    if (!l) byNode.set(n, (l = new Location()));
    return l;
  };
  const returnOf = (fn: FunctionNode): Location => {
    let l = returns.get(fn);
    if (!l) returns.set(fn, (l = new Location(types.returnsPrimitive(fn))));
    return l;
  };

  function edge(from: Location, to: Location): void {
    if (from === to || to.closed || from.to?.has(to)) return;
    (from.to ??= new Set()).add(to);
    for (const v of from.values) if (!to.values.has(v)) work.push([to, v]);
  }

  /** The merged calls through `l` (made on first use; functions already there are bound now). */
  function summaryOf(l: Location): CallSummary {
    if (!l.summary) {
      l.summary = {
        args: [],
        spreadFrom: Infinity,
        spread: new Location(),
        result: new Location(),
        argExprs: [],
        keyAt: [],
      };
      use(l);
      for (const v of valuesFor(l)) if (isFunction(v)) bindSummary(v, l.summary);
    }
    return l.summary;
  }

  /** A call through `callee` with these arguments; its value comes from `result`. */
  function addCall(callee: Location, args: ts.Expression[], argValues: Location[], result: Location | undefined): void {
    const s = summaryOf(callee);
    const before = [s.args.length, s.spreadFrom];
    args.forEach((arg, i) => {
      if (ts.isSpreadElement(arg)) {
        s.spreadFrom = Math.min(s.spreadFrom, i);
        readElements(argValues[i], s.spread);
      } else {
        while (s.args.length <= i) s.args.push(new Location());
        edge(argValues[i], s.args[i]);
        if (s.scatter) edge(argValues[i], s.spread);
        (s.argExprs[i] ??= []).push(arg);
        if (s.keyAt[i]) keyParams.passKeys(arg, s.keyAt[i]);
      }
    });
    if (result) edge(s.result, result);
    if (s.args.length !== before[0] || s.spreadFrom !== before[1]) rebind(callee);
  }

  /** A summary changed shape (more positions, an earlier spread): bind what is there again. */
  function rebind(l: Location): void {
    for (const v of valuesFor(l)) if (isFunction(v)) bindSummary(v, l.summary!);
  }

  /** Arguments into parameters (rest parameters and spread arguments through `.[]`), returns out. */
  function bindSummary(f: FunctionNode, s: CallSummary): void {
    edge(returnOf(f), s.result);
    const params = parametersOf(f);
    keyParams.bound(f, params, s);
    const args = readsArguments.has(f) ? containerOf(f).elements : undefined;
    s.args.forEach((a, i) => {
      if (args) edge(a, args);
      const p = i < params.length ? params[i] : params[params.length - 1];
      if (!p) return;
      if (p.dotDotDotToken) edge(a, containerOf(p).elements);
      else if (i < params.length) edge(a, parameterLocation(p));
    });
    if (s.spreadFrom === Infinity) return;
    if (args) edge(s.spread, args);
    for (let j = Math.min(s.spreadFrom, params.length); j < params.length; j++) {
      edge(s.spread, params[j].dotDotDotToken ? containerOf(params[j]).elements : parameterLocation(params[j]));
    }
  }

  /** A function called by code outside the program: its parameters get what that code holds. */
  function calledOutside(f: FunctionNode): void {
    keyParams.calledWithAnyKeys(f);
    for (const p of parametersOf(f)) fromOutside(p, parameterLocation(p));
    edge(returnOf(f), field(ELEMENTS));
  }

  /**
   * A value code outside hands to the program at `at`: one of the functions it was given, or a
   * container of its own (`outside`, whose elements are what it was given). Only reads of such a
   * container read what code outside holds; a program container's readers do not.
   */
  function fromOutside(at: ts.Node, to: Location): void {
    if (types.primitiveTyped(at) || types.isOutsideFunctionType(at)) return;
    add(to, OUTSIDE_HELD);
    add(to, outside);
  }
  function add(l: Location, v: Value): void {
    work.push([l, v]);
  }

  /** The container of a rest parameter, of a function's `arguments`, or made at an expression. */
  function containerOf(site: ts.Node): Container {
    let c = containers.get(site);
    if (!c) containers.set(site, (c = new Container(site)));
    return c;
  }

  /** Elements of the containers that reach `from` (the `outside` one: what code outside holds) into `to`. */
  function readElements(from: Location, to: Location): void {
    if (to.closed) return;
    (from.elementReaders ??= []).push(to);
    use(from);
    for (const v of valuesFor(from)) if (v instanceof Container) elementsInto(v, to);
  }

  /** A container's elements into `to`; the `outside` one's as a `Ref` (it holds a lot). */
  function elementsInto(c: Container, to: Location): void {
    if (c === outside) add(to, OUTSIDE_HELD);
    else edge(c.elements, to);
  }

  function writeElements(into: Location, value: Location): void {
    (into.elementWriters ??= []).push(value);
    use(into);
    for (const v of valuesFor(into)) if (v instanceof Container) edge(value, v.elements);
    pendingWrites.push([into, value]);
  }

  /** An array pattern's elements: a container's, or a function itself (a Map entry `[k, f]`). */
  function readPattern(from: Location, to: Location): void {
    if (to.closed) return;
    (from.patternReaders ??= []).push(to);
    use(from);
    for (const v of from.values) if (!(v instanceof Container)) add(to, v);
    for (const v of valuesFor(from)) if (v instanceof Container) elementsInto(v, to);
  }

  /** A callback a container method calls: on each function arriving at `at`. */
  function onFunction(at: Location, bind: (f: FunctionNode) => void): void {
    (at.callbacks ??= []).push(bind);
    use(at);
    for (const v of valuesFor(at)) if (isFunction(v)) bind(v);
  }

  /** Data handed to code outside: its containers are shared with that code. */
  function escape(l: Location): void {
    if (l.escapes) return;
    l.escapes = true;
    use(l);
    edge(l, field(ELEMENTS));
    for (const v of valuesFor(l)) if (v instanceof Container) shareWithOutside(v);
  }

  function shareWithOutside(c: Container): void {
    edge(c.elements, field(ELEMENTS));
    add(c.elements, OUTSIDE_HELD);
  }

  const files = program
    .getSourceFiles()
    .filter((f) => !f.isDeclarationFile && !program.isSourceFileFromExternalLibrary(f));
  for (const file of files) visit(file, undefined);
  // calls of library members whose library type the program extends: they may run its methods
  for (const c of libraryCalls) if (c.owners.some((o) => libraryHeritage.has(o))) c.call();
  // Reads under a key the analysis cannot bound (`o[k]` with `k: string`) read every name.

  let steps = 0;
  try {
    solve();
    // A write into a receiver no program container reaches: the receiver came from outside.
    for (let changed = true; changed;) {
      changed = false;
      for (const [into, value] of pendingWrites) {
        if ([...valuesFor(into)].some((v) => v instanceof Container) || value.to?.has(field(ELEMENTS))) continue;
        edge(value, field(ELEMENTS));
        changed = true;
      }
      if (keyParams.unreachedMethodsTakeAnyKey()) changed = true;
      solve();
    }
  } catch (e) {
    if (e !== BUDGET) throw e;
    return {
      exhausted: true,
      calleeValues: () => undefined,
      valuesOf: () => undefined,
      unboundedWrites: () => [],
      runtimeCode: () => [],
    };
  }

  function solve(): void {
    while (work.length) {
      if (++steps > budget) throw BUDGET;
      const [l, v] = work.pop()!;
      if (l.values.has(v) || l.closed || (v instanceof Ref && v.of === l) || !admitted(l, v)) continue;
      l.values.add(v);
      if (l.to) for (const to of l.to) if (!to.values.has(v)) work.push([to, v]);
      if (isUsed(l)) arrive(l, v);
      for (const u of refUsers.get(l) ?? []) arrive(u, v, l);
    }
  }

  /** What a value arriving at `l` does there: the constraints `l`'s uses made. */
  function arrive(l: Location, v: Value, via?: Location): void {
    if (v instanceof Ref) return subscribe(l, v.of, true);
    if (!admitted(l, v)) return;
    if (v instanceof Container) {
      for (const r of l.elementReaders ?? []) elementsInto(v, r);
      for (const r of l.patternReaders ?? []) elementsInto(v, r);
      for (const w of l.elementWriters ?? []) edge(w, v.elements);
      if (l.escapes) shareWithOutside(v);
      // called here; what it returns was made at run time too (zod's factory returns its parser)
      const made = l.summary && madeAtRunTime.get(v);
      if (made) {
        (runtimeCallees.get(l) ?? runtimeCallees.set(l, new Set()).get(l)!).add(made);
        add(l.summary!.result, v);
      }
      return;
    }
    // a function in an array pattern's place stands for itself (a Map entry): one from a `Ref` goes on as that `Ref`
    for (const r of l.patternReaders ?? []) add(r, via ? refTo(via) : v);
    if (v === SUSPENDS) return;
    if (l.summary) bindSummary(v, l.summary);
    if (l.givenOutside) calledOutside(v);
    for (const bind of l.callbacks ?? []) bind(v);
  }

  /** Asked after solving, once per call site by call-graph.ts: a `Ref` to `.[]` expands to thousands. */
  const functionsCache = new Map<Location, ReadonlySet<FlowValue>>();
  function functionsAt(l: Location | undefined): ReadonlySet<FlowValue> | undefined {
    if (!l) return undefined;
    let out = functionsCache.get(l);
    if (!out)
      functionsCache.set(
        l,
        (out = new Set([...valuesFor(l)].filter((v): v is FlowValue => !(v instanceof Container)))),
      );
    return out;
  }

  return {
    exhausted: false,
    calleeValues(call) {
      return functionsAt(callees.get(call));
    },
    valuesOf(e) {
      return functionsAt(byNode.get(skipParens(e)));
    },
    unboundedWrites() {
      return unbounded.map((w) => ({ node: w.node, values: functionsAt(w.at)! }));
    },
    runtimeCode() {
      const byMaker = new Map<ts.Node, { made: ts.Node; calls: ts.Node[]; values: Set<FlowValue> }>();
      for (const [call, at] of callees) {
        const makers = runtimeCallees.get(at);
        if (!makers) continue;
        const args = ts.isCallExpression(call) ? call.arguments : [];
        const values = reachableFrom(
          args.filter((a) => !types.primitiveTyped(a)).map((a) => byNode.get(skipParens(a))),
        );
        for (const made of makers) {
          const entry = byMaker.get(made) ?? byMaker.set(made, { made, calls: [], values: new Set() }).get(made)!;
          entry.calls.push(call);
          for (const v of values) entry.values.add(v);
        }
      }
      for (const e of evals) {
        const inScope = checker.getSymbolsInScope(e, ts.SymbolFlags.Value).map((s) => bySymbol.get(s));
        // a direct eval in a class body may also index its `#private` maps
        const maps = [...privateMaps.values()].flatMap((m) => (m ? [m.all] : []));
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
    anyNameReach ??= functionsWithin([anyRead]);
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
      for (const v of valuesFor(l)) {
        if (v instanceof Container) walk(v.elements);
        else if (!(v instanceof Ref)) out.add(v);
      }
    };
    for (const l of from) if (l) walk(l);
    return out;
  }

  // ---- constraints ----------------------------------------------------------------------------

  /** Walks statements and declarations; `fn` is the innermost function (for `return`). */
  function visit(node: ts.Node, fn: FunctionNode | undefined): void {
    if (isFunctionNode(node)) {
      if (!node.body || defined.has(node)) return;
      defined.add(node);
      defineFunction(node);
      ts.forEachChild(node, (c) => visit(c, node));
      return;
    }
    if (ts.isTypeNode(node) && !ts.isExpressionWithTypeArguments(node)) return;
    if (ts.isClassDeclaration(node)) noteLibraryHeritage(node);
    if (ts.isDecorator(node)) {
      // called by the decorator helpers with a member's name: its key parameters take any key
      const decorator = valueOf(node.expression, fn);
      onFunction(decorator, (f) => keyParams.calledWithAnyKeys(f));
      // `@traced m() {}`: `traced(m, context)`, and what it returns replaces `m` under its name
      const member = node.parent;
      if (ts.isMethodDeclaration(member) || ts.isAccessor(member)) {
        const given = new Location();
        add(given, member);
        const replaced = new Location();
        addCall(decorator, [member.name as ts.Expression], [given], replaced);
        writeNamed(member.name, keysOfName(member.name, undefined), replaced);
      }
      return;
    }
    if (ts.isExpression(node) && !ts.isIdentifier(node)) {
      valueOf(node, fn);
      return;
    }
    if (ts.isVariableDeclaration(node)) {
      if (node.initializer) bindTo(node.name, valueOf(node.initializer, fn), fn);
      else if (ts.isIdentifier(node.name)) symbolLocation(types.symbolOf(node.name)!);
      return;
    }
    if (ts.isReturnStatement(node)) {
      if (node.expression && fn) edge(valueOf(node.expression, fn), returnOf(fn));
      return;
    }
    if (ts.isForOfStatement(node)) {
      const iterated = valueOf(node.expression, fn);
      const target = ts.isVariableDeclarationList(node.initializer)
        ? node.initializer.declarations[0]?.name
        : node.initializer;
      if (target && !types.primitiveTyped(target)) {
        const each = new Location();
        readElements(iterated, each);
        bindTo(target as ts.BindingName | ts.Expression, each, fn);
      }
      visit(node.statement, fn);
      return;
    }
    if ((ts.isPropertyDeclaration(node) || ts.isPropertyAssignment(node)) && node.initializer) {
      const v = valueOf(node.initializer, fn);
      writeNamed(node.name, keysOfName(node.name, fn), v);
      return;
    }
    if (ts.isExportAssignment(node)) {
      const sym = (node as unknown as { symbol?: ts.Symbol }).symbol;
      const v = valueOf(node.expression, fn);
      if (sym) edge(v, symbolLocation(sym));
      return;
    }
    ts.forEachChild(node, (c) => visit(c, fn));
  }

  /** A function's own facts: where its value is stored, what its parameters default to. */
  function defineFunction(f: FunctionNode): void {
    if (ts.isFunctionDeclaration(f) && f.name) add(symbolLocation(types.symbolOf(f.name)!), f);
    if (ts.isFunctionExpression(f) && f.name) add(symbolLocation(types.symbolOf(f.name)!), f);
    if (ts.isArrowFunction(f) || ts.isFunctionExpression(f)) add(nodeLocation(f), f);
    if (ts.isMethodDeclaration(f) && (ts.isClassLike(f.parent) || ts.isObjectLiteralExpression(f.parent))) {
      const own = new Location();
      add(own, f);
      if (isSynchronizeDecorated(checker, f)) add(own, SUSPENDS);
      writeNamed(f.name, keysOfName(f.name, undefined), own);
    }
    if (ts.isGetAccessorDeclaration(f)) for (const n of keysOfName(f.name, undefined)) edge(returnOf(f), field(n));
    if (ts.isSetAccessorDeclaration(f)) keyParams.calledWithAnyKeys(f);
    if (ts.isSetAccessorDeclaration(f) && parametersOf(f)[0])
      for (const n of keysOfName(f.name, undefined)) edge(field(n), parameterLocation(parametersOf(f)[0]));
    if (f.body && !ts.isBlock(f.body)) edge(valueOf(f.body, f), returnOf(f));
    if (f.modifiers?.some((m) => m.kind === ts.SyntaxKind.AsyncKeyword)) edge(returnOf(f), field(ELEMENTS)); // awaited: `.[]`
    for (const p of f.parameters) {
      if (p.dotDotDotToken) add(parameterLocation(p), containerOf(p));
      // `constructor(private load: () => T)`: the parameter is also the field
      if (ts.isConstructorDeclaration(f) && ts.isIdentifier(p.name) && ts.getModifiers(p)?.length)
        edge(parameterLocation(p), field(p.name.text));
      if (p.initializer) edge(valueOf(p.initializer, f), parameterLocation(p));
      if (!ts.isIdentifier(p.name)) bindTo(p.name, parameterLocation(p), f);
    }
    if (usesArguments(f)) readsArguments.add(f);
  }

  /** The location of a parameter's value: its symbol, or the declaration for a pattern. */
  function parameterLocation(p: ts.ParameterDeclaration): Location {
    if (ts.isIdentifier(p.name)) {
      const sym = types.symbolOf(p.name);
      if (sym) return symbolLocation(sym);
    }
    return nodeLocation(p);
  }

  /**
   * Stores `from` into an assignment target or binding pattern. Patterns read names (fields are
   * per name, so the object read does not matter); array patterns read `.[]`.
   */
  function bindTo(target: ts.BindingName | ts.Expression, from: Location, fn: FunctionNode | undefined): void {
    target = ts.isIdentifier(target) ? target : ts.isBindingName(target) ? target : skipParens(target as ts.Expression);
    if (ts.isIdentifier(target)) {
      const sym = types.symbolOf(target);
      if (sym) edge(from, symbolLocation(sym));
      return;
    }
    if (ts.isObjectBindingPattern(target)) {
      for (const el of target.elements) {
        if (el.dotDotDotToken) continue; // the rest object: its names are the same fields
        const key = el.propertyName ?? (ts.isIdentifier(el.name) ? el.name : undefined);
        const src = key ? keyReadLocation(keysOfName(key, fn)) : readAnyName();
        bindElement(el, src, fn);
      }
      return;
    }
    if (ts.isArrayBindingPattern(target)) {
      for (const el of target.elements) {
        if (ts.isOmittedExpression(el)) continue;
        if (el.dotDotDotToken)
          bindTo(el.name, from, fn); // the rest: the same elements
        else bindElement(el, patternElement(from, el.name), fn);
      }
      return;
    }
    if (ts.isObjectLiteralExpression(target)) {
      for (const p of target.properties) {
        if (ts.isShorthandPropertyAssignment(p)) {
          const src = field(p.name.text);
          if (p.objectAssignmentInitializer)
            edge(valueOf(p.objectAssignmentInitializer, fn), symbolLocation(types.symbolOf(p.name)!));
          bindTo(p.name, src, fn);
        } else if (ts.isPropertyAssignment(p)) bindTo(p.initializer, keyReadLocation(keysOfName(p.name, fn)), fn);
      }
      return;
    }
    if (ts.isArrayLiteralExpression(target)) {
      for (const e of target.elements) {
        if (ts.isSpreadElement(e)) bindTo(e.expression, from, fn);
        else if (!ts.isOmittedExpression(e)) bindTo(e, patternElement(from, e), fn);
      }
      return;
    }
    if (ts.isBinaryExpression(target) && target.operatorToken.kind === ts.SyntaxKind.EqualsToken) {
      edge(valueOf(target.right, fn), locationOfTarget(target.left, fn));
      bindTo(target.left, from, fn);
      return;
    }
    edge(from, locationOfTarget(target as ts.Expression, fn));
  }

  /** One element of an array pattern over `from`. */
  function patternElement(from: Location, at: ts.Node): Location {
    if (types.primitiveTyped(at)) return nothing;
    const l = new Location();
    readPattern(from, l);
    return l;
  }

  function bindElement(el: ts.BindingElement, src: Location, fn: FunctionNode | undefined): void {
    if (el.initializer) {
      const joined = new Location();
      edge(src, joined);
      edge(valueOf(el.initializer, fn), joined);
      src = joined;
    }
    bindTo(el.name, src, fn);
  }

  /** Where a write to `target` goes: a variable, or the fields an access names. */
  function locationOfTarget(target: ts.Expression, fn: FunctionNode | undefined): Location {
    target = skipParens(target);
    if (ts.isIdentifier(target)) {
      const sym = types.symbolOf(target);
      return sym ? symbolLocation(sym) : new Location();
    }
    if (ts.isPropertyAccessExpression(target)) {
      valueOf(target.expression, fn);
      return field(nameKey(target.name));
    }
    if (ts.isElementAccessExpression(target)) {
      const object = valueOf(target.expression, fn);
      const keys = keysOf(target.argumentExpression, fn);
      const passed = keyParams.parameterKeys(target.argumentExpression, keys);
      const map = privateMapOf(target.expression);
      if (map) {
        const l = new Location();
        const write = (k: string) => edge(l, k === ELEMENTS || k === ANY_KEY ? map.unbounded : map.field(k));
        if (passed) onKey(passed, write);
        else keys.forEach(write);
        return l;
      }
      if (passed) {
        const l = new Location();
        onKey(passed, (k) => {
          if (k === ELEMENTS || k === ANY_KEY) writeElements(object, l);
          if (k === ANY_KEY) writeUnbounded(target, l);
          else if (k !== ELEMENTS) edge(l, field(k));
        });
        return l;
      }
      if (!keys.includes(ELEMENTS) && !keys.includes(ANY_KEY)) return keyWriteLocation(keys);
      // `xs[i] = v`: into the containers `xs` holds (or, if none, what code outside holds)
      const l = new Location();
      writeElements(object, l);
      edge(l, keyWriteLocation(keys.filter((k) => k !== ELEMENTS && k !== ANY_KEY)));
      if (keys.includes(ANY_KEY)) writeUnbounded(target, l);
      return l;
    }
    return new Location();
  }

  /** A write under property names; an unbounded one (`{ [k]: v }`) is recorded for checks.ts. */
  function writeNamed(at: ts.Node, names: string[], v: Location): void {
    for (const n of names) if (n !== ANY_KEY) edge(v, field(n));
    if (names.includes(ANY_KEY)) writeUnbounded(at, v);
  }

  /**
   * A write under a key the analysis cannot bound (`o[k] = v` with `k: string`). It is read by
   * reads under such keys and by `Object.values`, not by reads of a name: were it, one
   * `out[k] = f(v)` in a generic helper would put every function under every name. A function
   * that may suspend written here is reported instead (checks.ts: it could be called by a name).
   */
  function writeUnbounded(at: ts.Node, v: Location): void {
    edge(v, field(ANY_KEY));
    unbounded.push({ node: at, at: v });
  }

  /** One location that writes to each of `names` (`o[k] = v` with `k: 'a' | 'b'`). */
  function keyWriteLocation(names: string[]): Location {
    if (names.length === 1) return field(names[0]);
    const l = new Location();
    for (const n of names) edge(l, field(n));
    return l;
  }

  /** The value of an expression (its location), with the constraints of its parts. */
  function valueOf(e: ts.Expression, fn: FunctionNode | undefined): Location {
    const inner = skipParens(e);
    if (inner !== e) {
      const l = valueOf(inner, fn);
      byNode.set(e, l);
      return l;
    }
    const existing = byNode.get(e);
    if (existing && !ts.isArrowFunction(e) && !ts.isFunctionExpression(e)) return existing;
    // Names and property reads are their location itself (shared by every use), so that every
    // call through one location binds once: see CallSummary.
    if (ts.isIdentifier(e)) {
      const sym = types.symbolOf(e);
      // `arguments` resolves to the checker's one `arguments` symbol (no declaration), shared by every function
      if (!sym || (e.text === 'arguments' && !sym.declarations?.length)) {
        const owner = e.text === 'arguments' ? argumentsOwner(e) : undefined;
        if (!owner) return located(e, new Location());
        const l = nodeLocation(e);
        add(l, containerOf(owner));
        return l;
      }
      const l = symbolLocation(sym);
      if (types.isBrandedSymbol(sym, e)) add(l, SUSPENDS);
      return located(e, l);
    }
    if (ts.isPropertyAccessExpression(e)) {
      valueOf(e.expression, fn);
      // `ns.f` of a namespace import: the declaration's own symbol
      const sym = types.symbolOf(e.name);
      const declared =
        sym?.valueDeclaration &&
        (ts.isFunctionDeclaration(sym.valueDeclaration) || ts.isVariableDeclaration(sym.valueDeclaration))
          ? symbolLocation(sym)
          : undefined;
      const branded = types.isBranded(checker.getTypeAtLocation(e));
      if (!declared && !branded) return located(e, field(nameKey(e.name)));
      const l = nodeLocation(e);
      // a module's namespace object holds its exports and nothing the program writes (`ns.f = g` throws)
      if (!declared || !types.isModuleNamespace(e.expression)) edge(field(nameKey(e.name)), l);
      if (declared) edge(declared, l);
      if (branded) add(l, SUSPENDS);
      return l;
    }
    if (ts.isElementAccessExpression(e)) {
      const object = valueOf(e.expression, fn);
      const keys = keysOf(e.argumentExpression, fn);
      const passed = keyParams.parameterKeys(e.argumentExpression, keys);
      const map = privateMapOf(e.expression);
      if (map) {
        const l = nodeLocation(e);
        const read = (k: string) => {
          edge(k === ELEMENTS || k === ANY_KEY ? map.all : map.field(k), l);
          edge(map.unbounded, l);
        };
        if (passed) onKey(passed, read);
        else keys.forEach(read);
        return l;
      }
      if (passed) {
        // `o[k]` with `k` a parameter: the names its callers pass (see value-flow-keys.ts)
        const l = nodeLocation(e);
        onKey(passed, (k) => {
          if (k === ELEMENTS || k === ANY_KEY) readElements(object, l);
          if (k === ANY_KEY) add(l, ANY_NAME);
          else if (k === ELEMENTS) add(l, OUTSIDE_HELD);
          else edge(field(k), l);
        });
        seedIfBranded(e, l);
        return l;
      }
      const read = keyReadLocation(keys);
      const indexed = keys.includes(ELEMENTS) || keys.includes(ANY_KEY);
      const branded = types.isBranded(checker.getTypeAtLocation(e));
      if (!indexed && !branded) return located(e, read);
      const l = nodeLocation(e);
      edge(read, l);
      if (indexed) readElements(object, l); // `xs[i]`: the elements of the containers `xs` holds
      if (branded) add(l, SUSPENDS);
      return l;
    }
    const here = nodeLocation(e);
    if (ts.isArrowFunction(e) || ts.isFunctionExpression(e)) {
      visit(e, fn);
      return here;
    }
    if (ts.isClassExpression(e)) {
      noteLibraryHeritage(e);
      ts.forEachChild(e, (c) => visit(c, fn));
      return here;
    }
    if (ts.isCallExpression(e) || ts.isTaggedTemplateExpression(e)) {
      call(e, fn);
      seedIfBranded(e, here);
      return here;
    }
    if (ts.isNewExpression(e)) {
      construct(e, fn);
      return here;
    }
    if (ts.isConditionalExpression(e)) {
      valueOf(e.condition, fn);
      edge(valueOf(e.whenTrue, fn), here);
      edge(valueOf(e.whenFalse, fn), here);
      return here;
    }
    if (ts.isBinaryExpression(e)) {
      const op = e.operatorToken.kind;
      if (op === ts.SyntaxKind.EqualsToken) {
        const v = valueOf(e.right, fn);
        if (isSameKeyCopy(e.left, e.right)) valueOf((skipParens(e.left) as ts.ElementAccessExpression).expression, fn);
        else bindTo(e.left, v, fn);
        edge(v, here);
        return here;
      }
      const logical =
        op === ts.SyntaxKind.BarBarToken ||
        op === ts.SyntaxKind.AmpersandAmpersandToken ||
        op === ts.SyntaxKind.QuestionQuestionToken;
      const logicalAssign =
        op === ts.SyntaxKind.BarBarEqualsToken ||
        op === ts.SyntaxKind.AmpersandAmpersandEqualsToken ||
        op === ts.SyntaxKind.QuestionQuestionEqualsToken;
      if (logicalAssign) {
        // `a ??= b`: the value is `a` as read, or `b`, which is also written to `a`
        edge(valueOf(e.left, fn), here);
        const v = valueOf(e.right, fn);
        edge(v, locationOfTarget(e.left, fn));
        edge(v, here);
        return here;
      }
      const l = valueOf(e.left, fn);
      const r = valueOf(e.right, fn);
      if (logical) edge(l, here);
      if (logical || op === ts.SyntaxKind.CommaToken) edge(r, here);
      return here;
    }
    if (ts.isObjectLiteralExpression(e)) {
      noteLibraryHeritage(e);
      for (const p of e.properties) {
        if (ts.isPropertyAssignment(p)) {
          const v = valueOf(p.initializer, fn);
          writeNamed(p.name, keysOfName(p.name, fn), v);
        } else if (ts.isShorthandPropertyAssignment(p)) {
          const sym = checker.getShorthandAssignmentValueSymbol(p);
          const v = nodeLocation(p);
          if (sym) edge(symbolLocation(types.resolveAlias(sym)), v);
          seedIfBranded(p.name, v);
          edge(v, field(p.name.text));
        } else if (ts.isSpreadAssignment(p)) {
          valueOf(p.expression, fn); // per-name fields: a spread copies nothing new
        } else {
          if (ts.isComputedPropertyName(p.name)) valueOf(p.name.expression, fn);
          visit(p, fn);
        }
      }
      return here;
    }
    if (ts.isArrayLiteralExpression(e)) {
      const c = containerOf(e);
      if (types.holdsFunctions(e)) add(here, c);
      for (const el of e.elements) {
        if (ts.isSpreadElement(el)) readElements(valueOf(el.expression, fn), c.elements);
        else if (!ts.isOmittedExpression(el)) edge(valueOf(el, fn), c.elements);
      }
      return here;
    }
    if (ts.isAwaitExpression(e)) {
      edge(valueOf(e.expression, fn), here);
      fromOutside(e, here); // a promise's value: what async functions return, and code outside
      return here;
    }
    if (ts.isSpreadElement(e)) return located(e, valueOf(e.expression, fn));
    if (ts.isYieldExpression(e)) {
      if (e.expression) valueOf(e.expression, fn);
      return here;
    }
    if (
      ts.isPrefixUnaryExpression(e) ||
      ts.isPostfixUnaryExpression(e) ||
      ts.isTypeOfExpression(e) ||
      ts.isVoidExpression(e) ||
      ts.isDeleteExpression(e)
    ) {
      ts.forEachChild(e, (c) => visit(c, fn));
      return here;
    }
    ts.forEachChild(e, (c) => visit(c, fn));
    return here;
  }

  /**
   * `dst[k] = src[k]` or `this[k] = this[k].bind(this)` with one unbounded key `k`: what is read
   * under each name goes back under the same name, which per-name fields already hold. Taken as
   * a write under every name, it would put every function under every name (Sridharan et al.,
   * "Correlation Tracking for Points-To Analysis of JavaScript", ECOOP 2012, name this pattern).
   */
  function isSameKeyCopy(left: ts.Expression, right: ts.Expression): boolean {
    const target = skipParens(left);
    if (!ts.isElementAccessExpression(target) || !ts.isIdentifier(target.argumentExpression)) return false;
    let source = skipParens(right);
    const bound = possiblyBoundFunction(checker, source);
    if (bound) source = bound;
    if (!ts.isElementAccessExpression(source) || !ts.isIdentifier(source.argumentExpression)) return false;
    const key = types.symbolOf(target.argumentExpression);
    return !!key && key === types.symbolOf(source.argumentExpression);
  }

  /** A call: the callee's functions get its arguments and give their returns, as they arrive. */
  function call(e: ts.CallExpression | ts.TaggedTemplateExpression, fn: FunctionNode | undefined): void {
    const here = types.primitiveTyped(e) ? nothing : nodeLocation(e);
    const runtime = runtimeCodeKind(checker, e);
    if (runtime === 'function') makesAtRunTime(e, here);
    else if (runtime === 'eval') evals.push(e as ts.CallExpression);
    const args: ts.Expression[] = ts.isCallExpression(e) ? [...e.arguments] : templateArguments(e.template);
    const argValues = args.map((a) => valueOf(a, fn));
    if (ts.isTaggedTemplateExpression(e)) ts.forEachChild(e.template, (c) => visit(c, fn));
    if (ts.isCallExpression(e) && e.expression.kind === ts.SyntaxKind.ImportKeyword) return;
    if (ts.isCallExpression(e) && e.expression.kind === ts.SyntaxKind.SuperKeyword) {
      const decl = checker.getResolvedSignature(e)?.getDeclaration();
      if (decl && ts.isConstructorDeclaration(decl) && decl.body)
        addCall(constructorLocation(decl), args, argValues, undefined);
      return;
    }
    // `_bind.call(f, t, ...a)`, Function.prototype.bind read as a value: `f.bind(t, ...a)`
    const boundByCall = bindThroughCall(checker, e as ts.Expression);
    const bound = boundByCall ?? possiblyBoundFunction(checker, e as ts.Expression);
    if (bound) {
      // `f.bind(t, ...a)`: the same functions (bindTwin keeps the twin). With arguments `a`, the
      // positions of later calls shift: any argument may then reach any parameter.
      const target = valueOf(bound, fn);
      edge(target, here);
      const bindArgs = boundByCall ? argValues.slice(1) : argValues;
      if (bindArgs.length > 1) {
        const s = summaryOf(target);
        for (const a of bindArgs.slice(1)) edge(a, s.spread);
        s.spreadFrom = 0;
        rebind(target);
        const later = summaryOf(here);
        later.scatter = true;
        later.spreadFrom = 0;
        for (const a of later.args) edge(a, later.spread);
      }
      return;
    }
    const via = viaCallOrApply(checker, e);
    if (via) {
      // `f.call(t, ...a)` / `f.apply(t, arr)`: a call of `f`; the site's callee values are `f`'s
      const target = memberCallee(via.fn, fn);
      callees.set(e, target);
      if (via.how === 'call') addCall(target, args.slice(1), argValues.slice(1), here);
      else {
        addCall(target, [], [], here);
        if (argValues[1]) readElements(argValues[1], target.summary!.spread);
        if (target.summary!.spreadFrom > 0) {
          target.summary!.spreadFrom = 0;
          rebind(target);
        }
      }
      return;
    }
    const callee = ts.isCallExpression(e) ? e.expression : e.tag;
    const target = memberCallee(callee, fn);
    // `console.error(e)`, `cache.get(k)`: the library's own member, not every `.error` or `.get`
    // of the program (call-graph.ts takes none of them either)
    const libraryOwner = libraryMemberOwners(callee);
    callees.set(e, libraryOwner ? nothing : target);
    if (!libraryOwner) addCall(target, args, argValues, here);
    else
      libraryCalls.push({
        owners: libraryOwner,
        call: () => (callees.set(e, target), addCall(target, args, argValues, here)),
      });
    if (!libraryOwner && ts.isCallExpression(e)) memberCallOrApply(e, fn, args, argValues, here);
    const declaration = checker.getResolvedSignature(e)?.getDeclaration();
    if (!declaration || !declaration.getSourceFile().isDeclarationFile) return;
    const method = containerMethod(declaration);
    const receiver =
      ts.isPropertyAccessExpression(skipParens(callee)) || ts.isElementAccessExpression(skipParens(callee))
        ? valueOf((skipParens(callee) as ts.PropertyAccessExpression).expression, fn)
        : undefined;
    const arrayMethod = arrayConstructorMethod(declaration);
    const objectMethod = objectConstructorMethod(declaration);
    if (method && receiver) containerCall(method, receiver, args, argValues, here);
    else if (arrayMethod) arrayFromCall(arrayMethod, e, args, argValues, here);
    else if (objectMethod) objectCall(objectMethod, e, argValues, here);
    else outsideCall(e, declaration, args, argValues, here);
  }

  /**
   * `op.call(t, x)` / `op.apply(t, xs)` that types do not take for Function.prototype's: `op`'s type
   * declares its own `call` (rxjs's `Operator`, which holds a plain function), or says nothing
   * (`any`). A function that reaches `op` runs as with Function.prototype's, so the site also calls
   * what `op` holds; its callees are both (the rewrite dispatches `op.call` at run time, and
   * `dispatch` takes Function.prototype's `call` and `apply` for calls of their receiver).
   */
  function memberCallOrApply(
    e: ts.CallExpression,
    fn: FunctionNode | undefined,
    args: ts.Expression[],
    argValues: Location[],
    here: Location,
  ): void {
    const callee = skipParens(e.expression);
    if (!ts.isPropertyAccessExpression(callee) || (callee.name.text !== 'call' && callee.name.text !== 'apply')) return;
    const receiver = valueOf(callee.expression, fn);
    const both = new Location();
    edge(callees.get(e)!, both);
    edge(receiver, both);
    callees.set(e, both);
    if (callee.name.text === 'call') addCall(receiver, args.slice(1), argValues.slice(1), here);
    else {
      addCall(receiver, [], [], here);
      if (argValues[1]) readElements(argValues[1], receiver.summary!.spread);
      if (receiver.summary!.spreadFrom > 0) {
        receiver.summary!.spreadFrom = 0;
        rebind(receiver);
      }
    }
  }

  /** A method of a program container (see value-flow-builtins.ts). */
  function containerCall(
    m: ContainerMethod,
    receiver: Location,
    args: ts.Expression[],
    argValues: Location[],
    here: Location,
  ): void {
    args.forEach((arg, i) => {
      const stored =
        m.writes && ((m.writes.indices ?? []).includes(i) || (m.writes.from !== undefined && i >= m.writes.from));
      if (!stored) return;
      if (ts.isSpreadElement(arg)) {
        const items = new Location();
        readElements(argValues[i], items);
        writeElements(receiver, items);
      } else writeElements(receiver, argValues[i]);
    });
    if (m.element) readElements(receiver, here);
    if (m.alias) edge(receiver, here);
    if (m.callback) {
      const returnsTo = m.callback.returns === 'result' ? here : m.callback.returns === 'elements' ? undefined : null;
      args.forEach((_, i) =>
        onFunction(argValues[i], (f) => {
          keyParams.calledWithAnyKeys(f);
          for (const p of parametersOf(f)) readElements(receiver, parameterLocation(p));
          if (returnsTo === undefined) writeElements(receiver, returnOf(f));
          if (returnsTo) {
            edge(returnOf(f), returnsTo);
            for (const p of parametersOf(f)) edge(returnOf(f), parameterLocation(p)); // reduce's accumulator
            if (argValues[1]) for (const p of parametersOf(f)) edge(argValues[1], parameterLocation(p));
          }
        }),
      );
    }
  }

  /** `Array.from(items, f?)`, `Array.of(...items)`: a new container. */
  function arrayFromCall(
    m: 'from' | 'of',
    e: ts.CallExpression | ts.TaggedTemplateExpression,
    args: ts.Expression[],
    argValues: Location[],
    here: Location,
  ): void {
    const c = containerOf(e);
    if (types.holdsFunctions(e)) add(here, c);
    if (m === 'of') {
      args.forEach((a, i) =>
        ts.isSpreadElement(a) ? readElements(argValues[i], c.elements) : edge(argValues[i], c.elements),
      );
      return;
    }
    if (!argValues[0]) return;
    readElements(argValues[0], c.elements);
    if (argValues[1])
      onFunction(argValues[1], (f) => {
        keyParams.calledWithAnyKeys(f);
        for (const p of parametersOf(f)) readElements(argValues[0], parameterLocation(p));
        edge(returnOf(f), c.elements);
      });
  }

  /** `Object.values(o)`, `Object.entries(o)`: every property; `Object.fromEntries(pairs)`. */
  function objectCall(
    m: 'values' | 'entries' | 'fromEntries' | 'first' | 'none',
    e: ts.Node,
    argValues: Location[],
    here: Location,
  ): void {
    if (m === 'none') return;
    if (m === 'first') {
      if (argValues[0]) edge(argValues[0], here);
      return;
    }
    if (m === 'fromEntries') {
      if (!argValues[0]) return;
      const pairs = new Location();
      readElements(argValues[0], pairs);
      const values = new Location();
      readPattern(pairs, values);
      writeUnbounded(e, values);
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
    const c = containerOf(e);
    add(here, c);
    edge(names ? keyReadLocation(names) : readAnyName(), c.elements);
  }

  /** `new C(...)`: a program constructor gets the arguments; one outside the program is a container. */
  function construct(e: ts.NewExpression, fn: FunctionNode | undefined): void {
    valueOf(e.expression, fn);
    if (runtimeCodeKind(checker, e) === 'function') makesAtRunTime(e, nodeLocation(e));
    const args = [...(e.arguments ?? [])];
    const argValues = args.map((a) => valueOf(a, fn));
    const decl = checker.getResolvedSignature(e)?.getDeclaration();
    const ctor = ts.isIdentifier(e.expression) ? e.expression.text : undefined;
    if (decl && ts.isConstructorDeclaration(decl) && decl.body && !decl.getSourceFile().isDeclarationFile) {
      addCall(constructorLocation(decl), args, argValues, undefined);
      // `new this.actionCtor(this, work)` with `actionCtor: typeof Action`: the value may be any
      // subclass (rxjs's QueueAction), whose constructor may keep `work` as a field
      if (!isClassName(e.expression))
        for (const sub of subclassConstructors(decl.parent))
          addCall(constructorLocation(sub), args, argValues, undefined);
    } else if (ctor && CONTAINER_CONSTRUCTORS.has(ctor) && decl && isLibFile(decl.getSourceFile())) {
      // `new Map(entries)`: the entries' pairs are flattened, a Map holds its values as elements
      const c = containerOf(e);
      if (types.holdsFunctions(e)) add(nodeLocation(e), c);
      if (ctor === 'Array') argValues.forEach((a) => edge(a, c.elements));
      else if (argValues[0]) {
        const items = new Location();
        readElements(argValues[0], items);
        readPattern(items, c.elements);
      }
    } else if (decl && decl.getSourceFile().isDeclarationFile) outsideCall(e, decl, args, argValues, nodeLocation(e));
  }

  /**
   * The callee of `o.m(x)` where `o`'s type declares `m` in the program: a location fed by the
   * field `.m` that holds only the functions that can be `m` by what they return (return-fit.ts),
   * one per name and requirement (every `min` declared to return a schema shares one), with its
   * call summary. So a hook's arguments no longer reach a builder of the same name, nor the
   * builder's callers the hook.
   */
  function memberCallee(callee: ts.Expression, fn: FunctionNode | undefined): Location {
    const l = valueOf(callee, fn);
    const e = skipParens(callee);
    if (!ts.isPropertyAccessExpression(e) || l !== fields.get(nameKey(e.name))) return l;
    if (checker.getTypeAtLocation(e.expression).flags & (ts.TypeFlags.Any | ts.TypeFlags.Unknown)) return l;
    const decls = checker.getSymbolAtLocation(e.name)?.declarations;
    if (!decls?.length || decls.some((d) => d.getSourceFile().isDeclarationFile)) return l;
    const req = fit.requirementOf(checker.getTypeAtLocation(e));
    if (!req) return l;
    let byReq = members.get(l);
    if (!byReq) members.set(l, (byReq = new Map()));
    let member = byReq.get(req);
    if (!member) {
      byReq.set(req, (member = new Location()));
      member.admits = (f) => !fit.cannotMeet(f, req);
      edge(l, member);
    }
    return member;
  }

  /** `new Function(…)`: a function the program never sees, followed to the calls that run it. */
  function makesAtRunTime(e: ts.Node, here: Location): void {
    const made = new Container(e);
    madeAtRunTime.set(made, e);
    add(here, made);
  }

  /** Whether `e` names a class itself (`new Action(...)`), not a value that may hold a subclass. */
  function isClassName(e: ts.Expression): boolean {
    const sym = ts.isIdentifier(e) || ts.isPropertyAccessExpression(e) ? types.symbolOf(e) : undefined;
    return !!sym && !!(sym.flags & ts.SymbolFlags.Class);
  }

  /** The constructors (with bodies) of the program's classes that extend `base`, however deep. */
  function subclassConstructors(base: ts.ClassLikeDeclaration): ts.ConstructorDeclaration[] {
    if (!derived) {
      derived = new Map();
      const note = (c: ts.ClassLikeDeclaration): void => {
        const ext = c.heritageClauses?.find((h) => h.token === ts.SyntaxKind.ExtendsKeyword)?.types[0];
        const sym = ext && types.symbolOf(ext.expression);
        for (const d of sym?.declarations ?? [])
          if (ts.isClassLike(d)) (derived!.get(d) ?? derived!.set(d, []).get(d)!).push(c);
      };
      const walk = (n: ts.Node): void => {
        if (ts.isClassLike(n)) note(n);
        ts.forEachChild(n, walk);
      };
      files.forEach(walk);
    }
    const out: ts.ConstructorDeclaration[] = [];
    const seen = new Set<ts.ClassLikeDeclaration>();
    const visit = (c: ts.ClassLikeDeclaration): void => {
      for (const sub of derived!.get(c) ?? []) {
        if (seen.has(sub)) continue;
        seen.add(sub);
        const ctor = sub.members.find(
          (m): m is ts.ConstructorDeclaration => ts.isConstructorDeclaration(m) && !!m.body,
        );
        if (ctor) out.push(ctor);
        visit(sub);
      }
    };
    visit(base);
    return out;
  }

  function constructorLocation(decl: ts.ConstructorDeclaration): Location {
    const l = nodeLocation(decl);
    add(l, decl);
    return l;
  }

  /**
   * The functions of an object literal handed to code outside (`new Proxy(t, { get(t, k) { … } })`,
   * `new Transform({ transform() { … } })`): that code calls them with what it holds and any key.
   */
  function handlerMembers(arg: ts.Expression): FunctionNode[] {
    const lit = skipParens(arg);
    if (!ts.isObjectLiteralExpression(lit)) return [];
    const out: FunctionNode[] = [];
    for (const p of lit.properties) {
      if (ts.isMethodDeclaration(p) || ts.isGetAccessorDeclaration(p) || ts.isSetAccessorDeclaration(p)) out.push(p);
      else if (
        ts.isPropertyAssignment(p) &&
        (ts.isArrowFunction(skipParens(p.initializer)) || ts.isFunctionExpression(skipParens(p.initializer)))
      )
        out.push(skipParens(p.initializer) as FunctionNode);
    }
    return out;
  }

  /** `o.m` where `m` is declared only in `.d.ts` files and `o`'s type says what it is (not `any`). */
  function libraryMemberOwners(callee: ts.Expression): ts.Symbol[] | undefined {
    const c = skipParens(callee);
    if (!ts.isPropertyAccessExpression(c)) return undefined;
    if (checker.getTypeAtLocation(c.expression).flags & (ts.TypeFlags.Any | ts.TypeFlags.Unknown)) return undefined;
    const decls = checker.getSymbolAtLocation(c.name)?.declarations ?? [];
    if (decls.length === 0 || !decls.every((d) => d.getSourceFile().isDeclarationFile)) return undefined;
    // the merged symbol of the declaring interface or class (`Map`'s members are declared over several lib files)
    const owners = decls
      .map((d) =>
        d.parent && (ts.isInterfaceDeclaration(d.parent) || ts.isClassDeclaration(d.parent)) && d.parent.name
          ? checker.getSymbolAtLocation(d.parent.name)
          : undefined,
      )
      .filter((x): x is ts.Symbol => !!x);
    return owners.length === decls.length ? owners : undefined;
  }

  /**
   * The library types the program extends or implements (`class Cache extends Map`, `implements
   * Iterator<T>`, an object literal typed as one): a call of their members may run the program's.
   */
  function noteLibraryHeritage(node: ts.ClassLikeDeclaration | ts.ObjectLiteralExpression): void {
    const types: ts.Type[] = [];
    if (ts.isObjectLiteralExpression(node)) {
      if (
        !node.properties.some(
          (p) =>
            ts.isMethodDeclaration(p) ||
            ts.isGetAccessorDeclaration(p) ||
            ts.isSetAccessorDeclaration(p) ||
            (ts.isPropertyAssignment(p) &&
              (ts.isArrowFunction(p.initializer) || ts.isFunctionExpression(p.initializer))),
        )
      )
        return;
      const t = checker.getContextualType(node);
      if (t) types.push(...(t.isUnion() ? t.types : [t]));
    } else {
      for (const clause of node.heritageClauses ?? [])
        for (const h of clause.types) types.push(checker.getTypeAtLocation(h));
    }
    const seen = new Set<ts.Type>();
    const walk = (t: ts.Type): void => {
      if (seen.has(t)) return;
      seen.add(t);
      const sym = t.getSymbol();
      if (sym) libraryHeritage.add(sym);
      if (t.isClassOrInterface()) for (const b of checker.getBaseTypes(t)) walk(b);
      if ((t as ts.TypeReference).target && (t as ts.TypeReference).target !== t) walk((t as ts.TypeReference).target);
    };
    types.forEach(walk);
  }

  /**
   * A call of code outside the program: data it is given may come back from it (`.[]`); a
   * callback it is given is called with what it holds (`.[]`), and what that returns is kept.
   */
  function outsideCall(
    at: ts.Expression,
    decl: ts.Declaration,
    args: ts.Expression[],
    argValues: Location[],
    here: Location,
  ): void {
    fromOutside(at, here);
    const keeps = mayKeep(at, decl);
    args.forEach((arg, i) => {
      if (!declaresCallback(decl, i)) {
        if (keeps) escape(argValues[i]);
        handlerMembers(arg).forEach(calledOutside);
      } else if (!argValues[i].givenOutside) {
        argValues[i].givenOutside = true;
        use(argValues[i]);
        for (const v of valuesFor(argValues[i])) if (isFunction(v)) calledOutside(v);
      }
    });
  }

  /**
   * Whether code outside may hand back what it is given: not a lib function or a method of a lib
   * global (`JSON.stringify`, `console.log`, `Math.max`, `String(x)`) whose result is a primitive.
   * A package's functions and objects may keep anything.
   */
  function mayKeep(at: ts.Expression, decl: ts.Declaration): boolean {
    if (!isLibFile(decl.getSourceFile()) || !types.primitiveTyped(at)) return true;
    if (!ts.isCallExpression(at)) return true;
    const callee = skipParens(at.expression);
    if (ts.isIdentifier(callee)) return false;
    if (!ts.isPropertyAccessExpression(callee)) return true;
    const receiver = checker.getSymbolAtLocation(callee.expression);
    const d = receiver && (receiver.valueDeclaration ?? receiver.declarations?.[0]);
    return !(d && d.getSourceFile().isDeclarationFile && (ts.isVariableDeclaration(d) || ts.isModuleDeclaration(d)));
  }

  function declaresCallback(decl: ts.Declaration, index: number): boolean {
    if (!ts.isFunctionLike(decl)) return false;
    const type = declaredArgumentType(checker, parametersOf(decl), index);
    if (!type) return false;
    const t = checker.getNonNullableType(type);
    const callable = (x: ts.Type) => x.getCallSignatures().length > 0 || x.symbol?.name === 'Function';
    return t.isUnion() ? t.types.every(callable) : callable(t);
  }

  function keysOf(key: ts.Expression, fn: FunctionNode | undefined): string[] {
    valueOf(key, fn);
    return typeKeys(checker.getTypeAtLocation(key));
  }

  /** A read under these keys (each of them); an unbounded key reads every name. */
  function keyReadLocation(names: string[]): Location {
    if (names.includes(ANY_KEY)) return readAnyName();
    if (names.length === 1 && names[0] !== ELEMENTS) return field(names[0]);
    const l = new Location();
    for (const n of names) {
      if (n === ELEMENTS)
        add(l, OUTSIDE_HELD); // `.[]`: a `Ref`
      else edge(field(n), l);
    }
    return l;
  }

  function keysOfName(name: ts.PropertyName, fn: FunctionNode | undefined): string[] {
    if (ts.isComputedPropertyName(name)) {
      const text = propertyNameText(name);
      return text !== undefined ? [text] : keysOf(name.expression, fn);
    }
    if (ts.isNumericLiteral(name)) return [ELEMENTS];
    if (ts.isPrivateIdentifier(name)) return [nameKey(name)];
    const text = propertyNameText(name);
    return text === undefined ? [ANY_KEY] : [text];
  }

  /**
   * `this.#handlers[event]` where `#handlers = {}` is only ever indexed (never read whole, passed
   * on or reassigned): an object no other code can reach, so its keys are its own fields, not the
   * program's fields of those names. Read under any key, it gives what was written into it, not
   * every field of the program (an exported `emit` no call reaches takes any event name).
   */
  function privateMapOf(e: ts.Expression): PrivateMap | undefined {
    e = skipParens(e);
    if (!ts.isPropertyAccessExpression(e) || !ts.isPrivateIdentifier(e.name)) return undefined;
    const sym = checker.getSymbolAtLocation(e.name);
    const decl = sym?.valueDeclaration;
    if (!sym || !decl || !ts.isPropertyDeclaration(decl)) return undefined;
    let map = privateMaps.get(decl);
    if (map === undefined) {
      map = isPrivateMap(sym, decl) ? newPrivateMap() : null;
      privateMaps.set(decl, map);
    }
    return map ?? undefined;
  }

  function isPrivateMap(sym: ts.Symbol, decl: ts.PropertyDeclaration): boolean {
    let init = decl.initializer && skipParens(decl.initializer);
    while (init && (ts.isAsExpression(init) || ts.isSatisfiesExpression(init))) init = skipParens(init.expression);
    if (!init || !ts.isObjectLiteralExpression(init) || init.properties.length) return false;
    let indexedOnly = true;
    const walk = (n: ts.Node): void => {
      if (!indexedOnly) return;
      if (ts.isPrivateIdentifier(n) && n !== decl.name && checker.getSymbolAtLocation(n) === sym) {
        const access = n.parent;
        let use: ts.Node = access;
        while (ts.isParenthesizedExpression(use.parent)) use = use.parent;
        if (
          !ts.isPropertyAccessExpression(access) ||
          !ts.isElementAccessExpression(use.parent) ||
          use.parent.expression !== use
        )
          indexedOnly = false;
      }
      ts.forEachChild(n, walk);
    };
    walk(decl.parent);
    return indexedOnly;
  }

  function newPrivateMap(): PrivateMap {
    const all = new Location();
    const unbounded = new Location();
    edge(unbounded, all);
    const fields = new Map<string, Location>();
    return {
      all,
      unbounded,
      field(k) {
        let l = fields.get(k);
        if (!l) {
          fields.set(k, (l = new Location()));
          edge(l, all);
        }
        return l;
      },
    };
  }

  /**
   * A member name's field. `#x` belongs to its class: fifty classes' `#handlers` are fifty fields,
   * not one (merged, every event bus's `emit` called every other's handlers).
   */
  function nameKey(name: ts.MemberName): string {
    if (!ts.isPrivateIdentifier(name)) return name.text;
    const owner = checker.getSymbolAtLocation(name)?.valueDeclaration?.parent;
    if (!owner) return name.text;
    let id = privateOwners.get(owner);
    if (id === undefined) privateOwners.set(owner, (id = privateOwners.size));
    return `${name.text}@${id}`;
  }

  function seedIfBranded(e: ts.Node, l: Location): void {
    if (types.isBranded(checker.getTypeAtLocation(e))) add(l, SUSPENDS);
  }
}

/** The function whose `arguments` an identifier reads (arrows have none of their own). */
function argumentsOwner(id: ts.Identifier): FunctionNode | undefined {
  for (let n: ts.Node | undefined = id.parent; n; n = n.parent) {
    if (isFunctionNode(n) && !ts.isArrowFunction(n)) return n;
  }
  return undefined;
}

function templateArguments(t: ts.TemplateLiteral): ts.Expression[] {
  return ts.isNoSubstitutionTemplateLiteral(t) ? [] : t.templateSpans.map((s) => s.expression);
}

/** Whether `f`'s own body (not a nested non-arrow function's) reads `arguments`. */
function usesArguments(f: FunctionNode): boolean {
  if (ts.isArrowFunction(f) || !f.body) return false;
  let found = false;
  const walk = (n: ts.Node): void => {
    if (found) return;
    if (ts.isIdentifier(n) && n.text === 'arguments') found = true;
    else if (!(isFunctionNode(n) && !ts.isArrowFunction(n))) ts.forEachChild(n, walk);
  };
  ts.forEachChild(f.body, walk);
  return found;
}
