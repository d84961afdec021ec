/**
 * Property reads and writes in value flow (value-flow.ts): a property is one location per *name*,
 * whatever object holds it (`.name`), so a read or a write is the fields its key may name. A key
 * is a name, `[]` (an element of a container) or `*` (any name: see value-flow-keys.ts); a key
 * parameter's keys are what its callers pass; a `#private` map has fields of its own
 * (value-flow-private-maps.ts).
 *
 * ```ts
 * o.run = f;          // f ⊆ .run
 * o[k] = f;           // k: 'a' | 'b' → f ⊆ .a, .b;   k: string → f ⊆ .* (recorded for checks.ts)
 * xs[i] = f;          // f ⊆ elements of the containers xs holds
 * o[k]();             // k: string → every name's values (a `Ref` to .*read)
 * ```
 */
import ts from '../ts';
import { possiblyBoundFunction } from './call-targets';
import { FunctionNode, propertyNameText, skipParens } from './inventory';
import { ANY_KEY, ELEMENTS, KeyParameters, onKey, typeKeys } from './value-flow-keys';
import { FlowWalker, Location, SUSPENDS } from './value-flow-model';
import { isDataMember } from './value-flow-outside';
import { PrivateMaps } from './value-flow-private-maps';
import { FlowSolver } from './value-flow-solver';
import { FlowTypes } from './value-flow-types';

export class Fields {
  /** Writes under keys that cannot be bounded, for checks.ts (`writeUnbounded`). */
  /** Writes under unbounded keys, and what a Proxy's `get` trap returns (`proxyTrap`, value-flow-calls.ts). */
  readonly unbounded: Array<{ node: ts.Node; at: Location; proxyTrap?: true }> = [];
  /** Writes over a member a library declares and calls (`stream._transform = f`, `rules.link = f`). */
  readonly libraryMethodWrites: Array<{ node: ts.PropertyAccessExpression; at: Location }> = [];
  /** Classes with `#private` members, numbered: a private name's field is its class's (`nameKey`). */
  private readonly privateOwners = new Map<ts.Node, number>();
  readonly privateMaps: PrivateMaps;
  private readonly checker: ts.TypeChecker;

  constructor(
    private readonly solver: FlowSolver,
    private readonly types: FlowTypes,
    private readonly keyParams: KeyParameters,
    private readonly walker: FlowWalker,
  ) {
    this.checker = types.checker;
    this.privateMaps = new PrivateMaps(solver, types.checker);
  }

  /** `o.name`: the field, or for a declaration read through a namespace or a branded value, a location fed by it. */
  readProperty(e: ts.PropertyAccessExpression, fn: FunctionNode | undefined): Location {
    const { solver, types } = this;
    this.walker.valueOf(e.expression, fn);
    // `ns.f` of a namespace import: the declaration's own symbol
    const sym = types.symbolOf(e.name);
    const declared =
      sym?.valueDeclaration &&
      (ts.isFunctionDeclaration(sym.valueDeclaration) || ts.isVariableDeclaration(sym.valueDeclaration))
        ? solver.symbolLocation(sym)
        : undefined;
    const branded = types.isBrandedRead(sym, e);
    if (!declared && !branded) return solver.located(e, solver.field(this.nameKey(e.name)));
    const l = solver.nodeLocation(e);
    // a module's namespace object holds its exports and nothing the program writes (`ns.f = g` throws)
    if (!declared || !types.isModuleNamespace(e.expression)) solver.edge(solver.field(this.nameKey(e.name)), l);
    if (declared) solver.edge(declared, l);
    if (branded) solver.add(l, SUSPENDS);
    return l;
  }

  /** `o[k]`: the fields `k` may name, and for an element or any key, the elements of the containers `o` holds. */
  readElement(e: ts.ElementAccessExpression, fn: FunctionNode | undefined): Location {
    const solver = this.solver;
    const object = this.walker.valueOf(e.expression, fn);
    const keys = this.keysOf(e.argumentExpression, fn);
    const passed = this.keyParams.parameterKeys(e.argumentExpression, keys);
    const map = this.privateMaps.privateMapOf(e.expression);
    if (map) {
      const l = solver.nodeLocation(e);
      const read = (k: string) => {
        solver.edge(k === ELEMENTS || k === ANY_KEY ? map.all : map.field(k), l);
        solver.edge(map.unbounded, l);
      };
      if (passed) onKey(passed, read);
      else keys.forEach(read);
      return l;
    }
    if (passed) {
      // `o[k]` with `k` a parameter: the names its callers pass (see value-flow-keys.ts)
      const l = solver.nodeLocation(e);
      onKey(passed, (k) => {
        if (k === ELEMENTS || k === ANY_KEY) solver.readElements(object, l);
        if (k === ANY_KEY) solver.add(l, solver.anyName);
        else if (k === ELEMENTS) solver.add(l, solver.outsideHeld);
        else solver.edge(solver.field(k), l);
      });
      solver.seedIfBranded(e, l);
      return l;
    }
    const read = this.keyReadLocation(keys);
    const indexed = keys.includes(ELEMENTS) || keys.includes(ANY_KEY);
    const branded = this.types.isBranded(this.checker.getTypeAtLocation(e));
    if (!indexed && !branded) return solver.located(e, read);
    const l = solver.nodeLocation(e);
    solver.edge(read, l);
    if (indexed) solver.readElements(object, l); // `xs[i]`: the elements of the containers `xs` holds
    if (branded) solver.add(l, SUSPENDS);
    return l;
  }

  /**
   * A member a library declares and may call: a method, or a property typed as a function
   * (`rules.link_open: RenderRule`, `onload: (ev) => any`), not one that holds any value
   * (`PropertyDescriptor.value: any`).
   */
  private libraryCallable(sym: ts.Symbol): boolean {
    if (!sym.declarations!.some(isDataMember)) return true;
    const t = this.checker.getNonNullableType(this.checker.getTypeOfSymbol(sym));
    return (t.isUnion() ? t.types : [t]).some((x) => x.getCallSignatures().length > 0);
  }

  /**
   * An object the program made itself, whatever type it is given: `const opts = { ...pack } as
   * MarkedOptions` (marked's own code, typed by its published `.d.ts`), `new Local()`. A write
   * into it is the program's; where the object goes from there is checked where it is passed.
   */
  private madeByProgram(e: ts.Expression): boolean {
    const id = skipParens(e);
    if (!ts.isIdentifier(id)) return false;
    const d = this.types.symbolOf(id)?.valueDeclaration;
    const init = d && ts.isVariableDeclaration(d) && d.initializer ? skipParens(d.initializer) : undefined;
    if (!init) return false;
    if (ts.isObjectLiteralExpression(init) || ts.isArrayLiteralExpression(init)) return true;
    if (!ts.isNewExpression(init)) return false;
    const cls = this.types.symbolOf(init.expression)?.valueDeclaration;
    return !!cls && !cls.getSourceFile().isDeclarationFile;
  }

  /**
   * `md.renderer.rules.code_inline = f`: a name under the string index of a library object's
   * member (`rules: Record<string, RendererRule>`) whose values are functions.
   */
  private libraryCallableIndex(target: ts.PropertyAccessExpression): boolean {
    const object = skipParens(target.expression);
    if (!ts.isPropertyAccessExpression(object)) return false;
    const decls = this.types.symbolOf(object.name)?.declarations ?? [];
    if (!decls.length || !decls.every((d) => d.getSourceFile().isDeclarationFile)) return false;
    const index = this.checker.getTypeAtLocation(object).getStringIndexType();
    const t = index && this.checker.getNonNullableType(index);
    return !!t && (t.isUnion() ? t.types : [t]).some((x) => x.getCallSignatures().length > 0);
  }

  /** Where a write to `target` goes: a variable, or the fields an access names. */
  locationOfTarget(target: ts.Expression, fn: FunctionNode | undefined): Location {
    const solver = this.solver;
    target = skipParens(target);
    if (ts.isIdentifier(target)) {
      const sym = this.types.symbolOf(target);
      return sym ? solver.symbolLocation(sym) : new Location();
    }
    if (ts.isPropertyAccessExpression(target)) {
      this.walker.valueOf(target.expression, fn);
      const field = solver.field(this.nameKey(target.name));
      // `globalThis.handler = f` writes the global `var handler` that plain `handler(x)` reads
      const sym = this.types.symbolOf(target.name);
      const decls = sym?.declarations ?? [];
      if (
        ((decls.length && decls.every((d) => d.getSourceFile().isDeclarationFile) && this.libraryCallable(sym!)) ||
          (!sym && this.libraryCallableIndex(target))) &&
        !this.madeByProgram(target.expression)
      ) {
        const l = new Location();
        solver.edge(l, field);
        this.libraryMethodWrites.push({ node: target, at: l });
        return l;
      }
      if (!sym?.valueDeclaration || !ts.isVariableDeclaration(sym.valueDeclaration)) return field;
      const l = new Location();
      solver.edge(l, field);
      solver.edge(l, solver.symbolLocation(sym));
      return l;
    }
    if (ts.isElementAccessExpression(target)) {
      const object = this.walker.valueOf(target.expression, fn);
      const keys = this.keysOf(target.argumentExpression, fn);
      const passed = this.keyParams.parameterKeys(target.argumentExpression, keys);
      const map = this.privateMaps.privateMapOf(target.expression);
      if (map) {
        const l = new Location();
        const write = (k: string) => solver.edge(l, k === ELEMENTS || k === ANY_KEY ? map.unbounded : map.field(k));
        if (passed) onKey(passed, write);
        else keys.forEach(write);
        return l;
      }
      if (passed) {
        const l = new Location();
        onKey(passed, (k) => {
          if (k === ELEMENTS || k === ANY_KEY) solver.writeElements(object, l);
          if (k === ANY_KEY) this.writeUnbounded(target, l);
          else if (k !== ELEMENTS) solver.edge(l, solver.field(k));
        });
        return l;
      }
      if (!keys.includes(ELEMENTS) && !keys.includes(ANY_KEY)) return this.keyWriteLocation(keys);
      // `xs[i] = v`: into the containers `xs` holds (or, if none, what code outside holds)
      const l = new Location();
      solver.writeElements(object, l);
      solver.edge(l, this.keyWriteLocation(keys.filter((k) => k !== ELEMENTS && k !== ANY_KEY)));
      if (keys.includes(ANY_KEY)) this.writeUnbounded(target, l);
      return l;
    }
    return new Location();
  }

  /** A write under property names; an unbounded one (`{ [k]: v }`) is recorded for checks.ts. */
  writeNamed(at: ts.Node, names: string[], v: Location): void {
    for (const n of names) if (n !== ANY_KEY) this.solver.edge(v, this.solver.field(n));
    if (names.includes(ANY_KEY)) this.writeUnbounded(at, v);
  }

  /**
   * A write under a key the analysis cannot bound (`o[k] = v` with `k: string`). It is read by
   * reads under such keys and by `Object.values`, not by reads of a name: were it, one
   * `out[k] = f(v)` in a generic helper would put every function under every name. A function
   * that may suspend written here is reported instead (checks.ts: it could be called by a name).
   */
  writeUnbounded(at: ts.Node, v: Location, proxyTrap?: true): void {
    this.solver.edge(v, this.solver.field(ANY_KEY));
    this.unbounded.push({ node: at, at: v, proxyTrap });
  }

  /** One location that writes to each of `names` (`o[k] = v` with `k: 'a' | 'b'`). */
  private keyWriteLocation(names: string[]): Location {
    if (names.length === 1) return this.solver.field(names[0]);
    const l = new Location();
    for (const n of names) this.solver.edge(l, this.solver.field(n));
    return l;
  }

  /** A read under these keys (each of them); an unbounded key reads every name. */
  keyReadLocation(names: string[]): Location {
    const solver = this.solver;
    if (names.includes(ANY_KEY)) return solver.readAnyName();
    if (names.length === 1 && names[0] !== ELEMENTS) return solver.field(names[0]);
    const l = new Location();
    for (const n of names) {
      if (n === ELEMENTS)
        solver.add(l, solver.outsideHeld); // `.[]`: a `Ref`
      else solver.edge(solver.field(n), l);
    }
    return l;
  }

  private keysOf(key: ts.Expression, fn: FunctionNode | undefined): string[] {
    this.walker.valueOf(key, fn);
    return typeKeys(this.checker.getTypeAtLocation(key));
  }

  keysOfName(name: ts.PropertyName, fn: FunctionNode | undefined): string[] {
    if (ts.isComputedPropertyName(name)) {
      const text = propertyNameText(name);
      return text !== undefined ? [text] : this.keysOf(name.expression, fn);
    }
    if (ts.isNumericLiteral(name)) return [ELEMENTS];
    if (ts.isPrivateIdentifier(name)) return [this.nameKey(name)];
    const text = propertyNameText(name);
    return text === undefined ? [ANY_KEY] : [text];
  }

  /**
   * A member name's field. `#x` belongs to its class: fifty classes' `#handlers` are fifty fields,
   * not one (merged, every event bus's `emit` called every other's handlers).
   */
  nameKey(name: ts.MemberName): string {
    if (!ts.isPrivateIdentifier(name)) return name.text;
    const owner = this.checker.getSymbolAtLocation(name)?.valueDeclaration?.parent;
    if (!owner) return name.text;
    let id = this.privateOwners.get(owner);
    if (id === undefined) this.privateOwners.set(owner, (id = this.privateOwners.size));
    return `${name.text}@${id}`;
  }

  /**
   * `dst[k] = src[k]` or `this[k] = this[k].bind(this)` with one unbounded key `k`: what is read
   * under each name goes back under the same name, which per-name fields already hold. Taken as
   * a write under every name, it would put every function under every name (Sridharan et al.,
   * "Correlation Tracking for Points-To Analysis of JavaScript", ECOOP 2012, name this pattern).
   */
  isSameKeyCopy(left: ts.Expression, right: ts.Expression): boolean {
    const target = skipParens(left);
    if (!ts.isElementAccessExpression(target) || !ts.isIdentifier(target.argumentExpression)) return false;
    let source = skipParens(right);
    const bound = possiblyBoundFunction(this.checker, source);
    if (bound) source = bound;
    if (!ts.isElementAccessExpression(source) || !ts.isIdentifier(source.argumentExpression)) return false;
    const key = this.types.symbolOf(target.argumentExpression);
    return !!key && key === this.types.symbolOf(source.argumentExpression);
  }
}
