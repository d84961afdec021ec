/**
 * The solver of value flow (value-flow.ts): the locations, the constraints between them, and the
 * propagation to a fixed point. The syntax walk adds constraints through the operations here
 * (`edge`, `add`, `addCall`, `readElements`, ...); each records what a location's uses are, so
 * that a value arriving later does there what the use says (`arrive`). Solving only propagates:
 * it never reads syntax, and nothing here decides colour.
 *
 * ```ts
 * const f = () => {};   // add(f's location, f)
 * const g = f;          // edge(f's location, g's location)
 * g(1);                 // addCall(g's location, [1]): f arrives there, so its parameters get 1
 * ```
 */
import ts from '../ts';
import { FunctionNode, parametersOf } from './inventory';
import { ELEMENTS, KeyParameters } from './value-flow-keys';
import { CallSummary, Container, isFunction, Location, Ref, SUSPENDS, Value } from './value-flow-model';
import { FlowTypes } from './value-flow-types';

const ANY_READ = '*read';
const BUDGET = new Error('value-flow budget');

export class FlowSolver {
  /** Values on their way to a location, one step each (see the budget): two arrays, no pair allocated per step. */
  private readonly workAt: Location[] = [];
  private readonly workValue: Value[] = [];
  private steps = 0;
  readonly bySymbol = new Map<ts.Symbol, Location>();
  readonly byNode = new Map<ts.Node, Location>();
  private readonly fields = new Map<string, Location>();
  private readonly returns = new Map<FunctionNode, Location>();
  private readonly containers = new Map<ts.Node, Container>();
  private readonly generators = new Map<FunctionNode, Container>();
  /** Never written to: what a read that cannot carry a function reads. */
  readonly nothing = new Location(true);
  /** Functions whose body reads `arguments`: every argument they get is also in that container. */
  readonly readsArguments = new Set<FunctionNode>();
  /** Writes into containers at a receiver: if none arrives there, the receiver came from outside. */
  private readonly pendingWrites: Array<[Location, Location]> = [];
  /** What each `new Function(…)` makes (a container only as a marker), and the callees it reaches. */
  private readonly madeAtRunTime = new Map<Container, ts.Node>();
  readonly runtimeCallees = new Map<Location, Set<ts.Node>>();
  private readonly refs = new Map<Location, Ref>();
  /** The used locations that hold a `Ref` to a location: what arrives there arrives at them too. */
  private readonly refUsers = new Map<Location, Set<Location>>();
  /** Every name's values: read only through `anyName` (see `Ref`). */
  readonly anyRead = new Location();
  readonly anyName: Ref;
  /** The containers code outside the program makes: their elements are all it was given. */
  private readonly outside: Container;
  /** What code outside holds, as a `Ref` to the `outside` container's elements (`.[]`). */
  readonly outsideHeld: Ref;
  /**
   * What the program's own iterables give (`*[Symbol.iterator]() { yield f; }`, or an iterator
   * whose `next()` returns `{ value: f }`): the engine calls those methods wherever something is
   * iterated, so every iteration reads this too (`iterableMethod`).
   */
  private readonly programIterated = new Location();

  constructor(
    private readonly types: FlowTypes,
    /** Parameters used as property keys (`o[k]`), with the keys their callers pass. */
    readonly keyParams: KeyParameters,
    private readonly budget: number,
  ) {
    this.fields.set(ANY_READ, this.anyRead);
    this.anyName = this.refTo(this.anyRead);
    this.outside = new Container(undefined, this.field(ELEMENTS));
    this.outsideHeld = this.refTo(this.outside.elements);
  }

  // ---- locations ------------------------------------------------------------------------------

  private refTo(l: Location): Ref {
    let r = this.refs.get(l);
    if (!r) this.refs.set(l, (r = new Ref(l)));
    return r;
  }

  field(name: string): Location {
    let l = this.fields.get(name);
    if (!l) {
      this.fields.set(name, (l = new Location()));
      this.edge(l, this.anyRead);
    }
    return l;
  }

  /** The field `name` if any property of that name was written or read (a query after solving makes none). */
  existingField(name: string): Location | undefined {
    return this.fields.get(name);
  }

  /** Whether `l` is the field `name` itself (not a location fed by it). */
  isField(l: Location, name: string): boolean {
    return l === this.fields.get(name);
  }

  /** A read under any name (`anyName`), made at each site so that only its uses take the values. */
  readAnyName(): Location {
    const l = new Location();
    this.add(l, this.anyName);
    return l;
  }

  symbolLocation(sym: ts.Symbol): Location {
    let l = this.bySymbol.get(sym);
    if (!l) this.bySymbol.set(sym, (l = new Location(this.types.isPrimitiveSymbol(sym))));
    return l;
  }

  located(n: ts.Node, l: Location): Location {
    this.byNode.set(n, l);
    return l;
  }

  nodeLocation(n: ts.Node): Location {
    let l = this.byNode.get(n);
    if (!l) this.byNode.set(n, (l = new Location()));
    return l;
  }

  returnOf(fn: FunctionNode): Location {
    let l = this.returns.get(fn);
    if (!l) this.returns.set(fn, (l = new Location(this.types.returnsPrimitive(fn))));
    return l;
  }

  /** The location of a parameter's value: its symbol, or the declaration for a pattern. */
  parameterLocation(p: ts.ParameterDeclaration): Location {
    if (ts.isIdentifier(p.name)) {
      const sym = this.types.symbolOf(p.name);
      if (sym) return this.symbolLocation(sym);
    }
    return this.nodeLocation(p);
  }

  /** The container of a rest parameter, of a function's `arguments`, or made at an expression. */
  containerOf(site: ts.Node): Container {
    let c = this.containers.get(site);
    if (!c) this.containers.set(site, (c = new Container(site)));
    return c;
  }

  /**
   * What a call of generator function `f` returns: a container of what it yields. Its own, not
   * `containerOf(f)`, which is `f`'s `arguments`.
   */
  generatorOf(f: FunctionNode): Container {
    let c = this.generators.get(f);
    if (!c) this.generators.set(f, (c = new Container(f)));
    return c;
  }

  // ---- values and their uses ------------------------------------------------------------------

  /** A location's first use: it takes what the locations it refers to hold (without copying it). */
  use(l: Location): void {
    for (const v of l.values) if (v instanceof Ref) this.subscribe(l, v.of, false);
  }

  private subscribe(user: Location, of: Location, arriveNow: boolean): void {
    let users = this.refUsers.get(of);
    if (!users) this.refUsers.set(of, (users = new Set()));
    if (users.has(user)) return;
    users.add(user);
    for (const v of of.values) {
      if (v instanceof Ref) this.subscribe(user, v.of, arriveNow);
      else if (arriveNow) this.arrive(user, v, of);
    }
  }

  /** What a location holds, with what its `Ref`s hold. */
  valuesFor(l: Location): Iterable<Value> {
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
    if (l.admits) for (const v of out) if (!this.admitted(l, v)) out.delete(v);
    return out;
  }

  /** Whether a container is among what `l` holds (`valuesFor`), without listing all of it. */
  private holdsContainer(l: Location, seen: Set<Location>): boolean {
    if (seen.has(l)) return false;
    seen.add(l);
    for (const v of l.values) {
      if (v instanceof Container) return true;
      if (v instanceof Ref && this.holdsContainer(v.of, seen)) return true;
    }
    return false;
  }

  private admitted(l: Location, v: Value): boolean {
    return !l.admits || !isFunction(v) || l.admits(v);
  }

  private isUsed(l: Location): boolean {
    return (
      !!l.summary ||
      l.givenOutside ||
      l.escapes ||
      !!l.callbacks ||
      !!l.elementReaders ||
      !!l.patternReaders ||
      !!l.elementWriters
    );
  }

  edge(from: Location, to: Location): void {
    if (from === to || to.closed || from.to?.has(to)) return;
    (from.to ??= new Set()).add(to);
    for (const v of from.values) if (!to.values.has(v)) this.push(to, v);
  }

  add(l: Location, v: Value): void {
    this.push(l, v);
  }

  private push(l: Location, v: Value): void {
    this.workAt.push(l);
    this.workValue.push(v);
  }

  /** A value typed with the `Synchronized` brand suspends, whatever flows there. */
  seedIfBranded(e: ts.Node, l: Location): void {
    if (this.types.isBranded(this.types.typeAt(e))) this.add(l, SUSPENDS);
  }

  // ---- calls ----------------------------------------------------------------------------------

  /** The merged calls through `l` (made on first use; functions already there are bound now). */
  summaryOf(l: Location): CallSummary {
    if (!l.summary) {
      l.summary = {
        args: [],
        spreadFrom: Infinity,
        spread: new Location(),
        result: new Location(),
        argExprs: [],
        keyAt: [],
      };
      this.use(l);
      for (const v of this.valuesFor(l)) if (isFunction(v)) this.bindSummary(v, l.summary);
    }
    return l.summary;
  }

  /** A call through `callee` with these arguments; its value comes from `result`. */
  addCall(callee: Location, args: ts.Expression[], argValues: Location[], result: Location | undefined): void {
    const s = this.summaryOf(callee);
    const before = [s.args.length, s.spreadFrom];
    args.forEach((arg, i) => {
      if (ts.isSpreadElement(arg)) {
        s.spreadFrom = Math.min(s.spreadFrom, i);
        this.readElements(argValues[i], s.spread);
      } else {
        while (s.args.length <= i) s.args.push(new Location());
        this.edge(argValues[i], s.args[i]);
        if (s.scatter) this.edge(argValues[i], s.spread);
        (s.argExprs[i] ??= []).push(arg);
        if (s.keyAt[i]) this.keyParams.passKeys(arg, s.keyAt[i]);
      }
    });
    if (result) this.edge(s.result, result);
    if (s.args.length !== before[0] || s.spreadFrom !== before[1]) this.rebind(callee);
  }

  /** A summary changed shape (more positions, an earlier spread): bind what is there again. */
  rebind(l: Location): void {
    for (const v of this.valuesFor(l)) if (isFunction(v)) this.bindSummary(v, l.summary!);
  }

  /** Arguments into parameters (rest parameters and spread arguments through `.[]`), returns out. */
  private bindSummary(f: FunctionNode, s: CallSummary): void {
    this.edge(this.returnOf(f), s.result);
    const params = parametersOf(f);
    this.keyParams.bound(f, params, s);
    const args = this.readsArguments.has(f) ? this.containerOf(f).elements : undefined;
    s.args.forEach((a, i) => {
      if (args) this.edge(a, args);
      const p = i < params.length ? params[i] : params[params.length - 1];
      if (!p) return;
      if (p.dotDotDotToken) this.edge(a, this.containerOf(p).elements);
      else if (i < params.length) this.edge(a, this.parameterLocation(p));
    });
    if (s.spreadFrom === Infinity) return;
    if (args) this.edge(s.spread, args);
    for (let j = Math.min(s.spreadFrom, params.length); j < params.length; j++) {
      this.edge(
        s.spread,
        params[j].dotDotDotToken ? this.containerOf(params[j]).elements : this.parameterLocation(params[j]),
      );
    }
  }

  /** A callback handed to code outside: what arrives at `l` is called there (`calledOutside`). */
  giveOutside(l: Location): void {
    if (l.givenOutside) return;
    l.givenOutside = true;
    this.use(l);
    for (const v of this.valuesFor(l)) if (isFunction(v)) this.calledOutside(v);
  }

  /** A function called by code outside the program: its parameters get what that code holds. */
  calledOutside(f: FunctionNode): void {
    this.keyParams.calledWithAnyKeys(f);
    for (const p of parametersOf(f)) this.fromOutside(p, this.parameterLocation(p));
    this.edge(this.returnOf(f), this.field(ELEMENTS));
  }

  /**
   * A value code outside hands to the program at `at`: one of the functions it was given, or a
   * container of its own (`outside`, whose elements are what it was given). Only reads of such a
   * container read what code outside holds; a program container's readers do not.
   */
  fromOutside(at: ts.Node, to: Location): void {
    if (this.types.primitiveTyped(at) || this.types.isOutsideFunctionType(at)) return;
    this.add(to, this.outsideHeld);
    this.add(to, this.outside);
  }

  /** `new Function(…)`: a function the program never sees, followed to the calls that run it. */
  makesAtRunTime(e: ts.Node, here: Location): void {
    const made = new Container(e);
    this.madeAtRunTime.set(made, e);
    this.add(here, made);
  }

  // ---- containers -----------------------------------------------------------------------------

  /** Elements of the containers that reach `from` (the `outside` one: what code outside holds) into `to`. */
  readElements(from: Location, to: Location): void {
    if (to.closed) return;
    this.edge(this.programIterated, to);
    (from.elementReaders ??= []).push(to);
    this.use(from);
    for (const v of this.valuesFor(from)) if (v instanceof Container) this.elementsInto(v, to);
  }

  /**
   * A program method the engine calls to iterate (`[Symbol.iterator]`, `[Symbol.asyncIterator]`):
   * what it returns is iterated (a generator's elements); one that is not a generator returns an
   * iterator, whose `next()` results carry the elements as `.value`.
   */
  iterableMethod(method: FunctionNode, isGenerator: boolean): void {
    this.readElements(this.returnOf(method), this.programIterated);
    if (!isGenerator) this.edge(this.field('value'), this.programIterated);
  }

  /** A container's elements into `to`; the `outside` one's as a `Ref` (it holds a lot). */
  private elementsInto(c: Container, to: Location): void {
    if (c === this.outside) this.add(to, this.outsideHeld);
    else this.edge(c.elements, to);
  }

  writeElements(into: Location, value: Location): void {
    (into.elementWriters ??= []).push(value);
    this.use(into);
    for (const v of this.valuesFor(into)) if (v instanceof Container) this.edge(value, v.elements);
    this.pendingWrites.push([into, value]);
  }

  /** An array pattern's elements: a container's, or a function itself (a Map entry `[k, f]`). */
  readPattern(from: Location, to: Location): void {
    if (to.closed) return;
    this.edge(this.programIterated, to);
    (from.patternReaders ??= []).push(to);
    this.use(from);
    for (const v of from.values) if (!(v instanceof Container)) this.add(to, v);
    for (const v of this.valuesFor(from)) if (v instanceof Container) this.elementsInto(v, to);
  }

  /** A callback a container method calls: on each function arriving at `at`. */
  onFunction(at: Location, bind: (f: FunctionNode) => void): void {
    (at.callbacks ??= []).push(bind);
    this.use(at);
    for (const v of this.valuesFor(at)) if (isFunction(v)) bind(v);
  }

  /** Data handed to code outside: its containers are shared with that code. */
  escape(l: Location): void {
    if (l.escapes) return;
    l.escapes = true;
    this.use(l);
    this.edge(l, this.field(ELEMENTS));
    for (const v of this.valuesFor(l)) if (v instanceof Container) this.shareWithOutside(v);
  }

  private shareWithOutside(c: Container): void {
    this.edge(c.elements, this.field(ELEMENTS));
    this.add(c.elements, this.outsideHeld);
  }

  // ---- the fixed point ------------------------------------------------------------------------

  /** Propagates every constraint to the fixed point; false if the step budget ran out first. */
  solveToFixedPoint(): boolean {
    try {
      this.solve();
      // A write into a receiver no program container reaches: the receiver came from outside.
      for (let changed = true; changed;) {
        changed = false;
        for (const [into, value] of this.pendingWrites) {
          if (this.holdsContainer(into, new Set()) || value.to?.has(this.field(ELEMENTS))) continue;
          this.edge(value, this.field(ELEMENTS));
          changed = true;
        }
        if (this.keyParams.unreachedMethodsTakeAnyKey()) changed = true;
        this.solve();
      }
      return true;
    } catch (e) {
      if (e !== BUDGET) throw e;
      return false;
    }
  }

  private solve(): void {
    while (this.workAt.length) {
      if (++this.steps > this.budget) throw BUDGET;
      const l = this.workAt.pop()!;
      const v = this.workValue.pop()!;
      if (l.values.has(v) || l.closed || (v instanceof Ref && v.of === l) || !this.admitted(l, v)) continue;
      l.hold(v);
      if (l.to) for (const to of l.to) if (!to.values.has(v)) this.push(to, v);
      if (this.isUsed(l)) this.arrive(l, v);
      const users = this.refUsers.get(l);
      if (users) for (const u of users) this.arrive(u, v, l);
    }
  }

  /** What a value arriving at `l` does there: the constraints `l`'s uses made. */
  private arrive(l: Location, v: Value, via?: Location): void {
    if (v instanceof Ref) return this.subscribe(l, v.of, true);
    if (!this.admitted(l, v)) return;
    // (`if (list) for …`, not `for … of list ?? []`: arrive runs millions of times on large
    // programs, and each `[]` was an allocation)
    if (v instanceof Container) {
      if (l.elementReaders) for (const r of l.elementReaders) this.elementsInto(v, r);
      if (l.patternReaders) for (const r of l.patternReaders) this.elementsInto(v, r);
      if (l.elementWriters) for (const w of l.elementWriters) this.edge(w, v.elements);
      if (l.escapes) this.shareWithOutside(v);
      // called here; what it returns was made at run time too (zod's factory returns its parser)
      const made = l.summary && this.madeAtRunTime.get(v);
      if (made) {
        (this.runtimeCallees.get(l) ?? this.runtimeCallees.set(l, new Set()).get(l)!).add(made);
        this.add(l.summary!.result, v);
      }
      return;
    }
    // a function in an array pattern's place stands for itself (a Map entry): one from a `Ref` goes on as that `Ref`
    if (l.patternReaders) for (const r of l.patternReaders) this.add(r, via ? this.refTo(via) : v);
    if (v === SUSPENDS) return;
    if (l.summary) this.bindSummary(v, l.summary);
    if (l.givenOutside) this.calledOutside(v);
    if (l.callbacks) for (const bind of l.callbacks) bind(v);
  }
}
