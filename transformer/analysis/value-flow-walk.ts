/**
 * The syntax walk of value flow (value-flow.ts): every statement, declaration and expression of
 * the program's own files, once, as constraints on the solver (value-flow-solver.ts). A name or a
 * property read is its location itself; any other expression gets a location of its own that its
 * parts flow into. Property accesses, calls and `new` are modelled in their own files, which see
 * the walk only as a `FlowWalker`.
 *
 * ```ts
 * const g = cond ? f : h;             // f, h ⊆ the conditional ⊆ g
 * const { run } = opts;               // .run ⊆ run (a pattern reads names)
 * for (const cb of callbacks) cb();   // the elements of the containers callbacks holds ⊆ cb
 * return handler;                     // handler ⊆ the return of the enclosing function
 * ```
 */
import ts from '../ts';
import { FunctionNode, isFunctionNode, isGenerator, parametersOf, skipParens } from './inventory';
import { ReturnFit } from './return-fit';
import { isSynchronizeDecorated } from './suspension-points';
import { Calls } from './value-flow-calls';
import { Fields } from './value-flow-fields';
import { ELEMENTS, KeyParameters } from './value-flow-keys';
import { FlowWalker, Location, SUSPENDS } from './value-flow-model';
import { OutsideCode } from './value-flow-outside';
import { FlowSolver } from './value-flow-solver';
import { FlowTypes } from './value-flow-types';

export class FlowWalk implements FlowWalker {
  /** Functions already walked: each once, where it is first met. */
  private readonly defined = new Set<FunctionNode>();
  readonly fields: Fields;
  readonly calls: Calls;
  private readonly outside: OutsideCode;
  private readonly checker: ts.TypeChecker;

  constructor(
    private readonly solver: FlowSolver,
    private readonly types: FlowTypes,
    private readonly keyParams: KeyParameters,
    fit: ReturnFit,
    /** The program's own files: no `.d.ts`, nothing from a package. */
    private readonly files: readonly ts.SourceFile[],
    /** The program file a `require('./m')` loads, if it is one. */
    requiredFile: (call: ts.CallExpression) => ts.SourceFile | undefined = () => undefined,
    /** `experimentalDecorators`: a method decorator gets a descriptor, not the method. */
    private readonly legacyDecorators = false,
  ) {
    this.checker = types.checker;
    this.fields = new Fields(solver, types, keyParams, this);
    this.outside = new OutsideCode(solver, types);
    this.calls = new Calls(solver, types, keyParams, this.fields, this.outside, this, fit, files, requiredFile);
  }

  /** Every file, then the calls of library members that the program's classes turn out to extend. */
  walkProgram(): void {
    for (const file of this.files) this.visit(file, undefined);
    this.outside.runLibraryCalls();
  }

  /** Walks statements and declarations; `fn` is the innermost function (for `return`). */
  visit(node: ts.Node, fn: FunctionNode | undefined): void {
    // names, literals, keywords and punctuation: nothing to walk, no value of their own here
    if (node.kind <= ts.SyntaxKind.LastToken) return;
    const { solver, types, fields, outside, keyParams } = this;
    if (isFunctionNode(node)) {
      if (!node.body || this.defined.has(node)) return;
      this.defined.add(node);
      this.defineFunction(node);
      ts.forEachChild(node, (c) => this.visit(c, node));
      return;
    }
    if (ts.isTypeNode(node) && !ts.isExpressionWithTypeArguments(node)) return;
    if (ts.isClassDeclaration(node)) outside.noteLibraryHeritage(node);
    if (ts.isDecorator(node)) {
      // called by the decorator helpers with a member's name: its key parameters take any key
      const decorator = this.valueOf(node.expression, fn);
      solver.onFunction(decorator, (f) => keyParams.calledWithAnyKeys(f));
      // `@traced m() {}`: `traced(m, context)`, and what it returns replaces `m` under its name
      const member = node.parent;
      if (this.legacyDecorators && (ts.isMethodDeclaration(member) || ts.isAccessor(member))) {
        // experimentalDecorators: `traced(proto, 'm', descriptor)`, with `m` as the descriptor's
        // `value` (`get`/`set` for an accessor), which the decorator may wrap and write back
        const given = new Location();
        solver.add(given, member);
        const slot = ts.isMethodDeclaration(member) ? 'value' : ts.isGetAccessorDeclaration(member) ? 'get' : 'set';
        solver.edge(given, solver.field(slot));
      } else if (ts.isMethodDeclaration(member) || ts.isAccessor(member)) {
        const given = new Location();
        solver.add(given, member);
        const replaced = new Location();
        solver.addCall(decorator, [member.name as ts.Expression], [given], replaced);
        fields.writeNamed(member.name, fields.keysOfName(member.name, undefined), replaced);
      }
      return;
    }
    if (ts.isExpression(node) && !ts.isIdentifier(node)) {
      this.valueOf(node, fn);
      return;
    }
    if (ts.isVariableDeclaration(node)) {
      if (node.initializer) this.bindTo(node.name, this.valueOf(node.initializer, fn), fn);
      else if (ts.isIdentifier(node.name)) solver.symbolLocation(types.symbolOf(node.name)!);
      return;
    }
    if (ts.isThrowStatement(node)) {
      // a thrown value may be caught by any `catch`, or reach code outside as a rejection
      solver.escape(this.valueOf(node.expression, fn));
      return;
    }
    if (ts.isCatchClause(node)) {
      // `catch (e)`: what was thrown, by the program (`throw f`) or by code outside
      const d = node.variableDeclaration;
      if (d) {
        const caught = new Location();
        solver.fromOutside(d, caught);
        this.bindTo(d.name, caught, fn);
      }
      this.visit(node.block, fn);
      return;
    }
    if (ts.isReturnStatement(node)) {
      if (!node.expression || !fn) return;
      const v = this.valueOf(node.expression, fn);
      solver.edge(v, solver.returnOf(fn));
      // a generator's return is the last `next().value`, and a `yield*`'s value: read as its elements
      if (isGenerator(fn)) solver.edge(v, solver.generatorOf(fn).elements);
      return;
    }
    if (ts.isForOfStatement(node)) {
      const iterated = this.valueOf(node.expression, fn);
      const target = ts.isVariableDeclarationList(node.initializer)
        ? node.initializer.declarations[0]?.name
        : node.initializer;
      if (target && !types.primitiveTyped(target)) {
        const each = new Location();
        solver.readElements(iterated, each);
        this.bindTo(target as ts.BindingName | ts.Expression, each, fn);
      }
      this.visit(node.statement, fn);
      return;
    }
    if ((ts.isPropertyDeclaration(node) || ts.isPropertyAssignment(node)) && node.initializer) {
      const v = this.valueOf(node.initializer, fn);
      fields.writeNamed(node.name, fields.keysOfName(node.name, fn), v);
      return;
    }
    if (ts.isExportAssignment(node)) {
      const sym = (node as unknown as { symbol?: ts.Symbol }).symbol;
      const v = this.valueOf(node.expression, fn);
      if (sym) solver.edge(v, solver.symbolLocation(sym));
      return;
    }
    ts.forEachChild(node, (c) => this.visit(c, fn));
  }

  /** A function's own facts: where its value is stored, what its parameters default to. */
  private defineFunction(f: FunctionNode): void {
    const { solver, types, fields, keyParams, checker } = this;
    if (ts.isFunctionDeclaration(f) && f.name) solver.add(solver.symbolLocation(types.symbolOf(f.name)!), f);
    // `export default function () {}`: no name, but importers hold the module's `default`
    if (ts.isFunctionDeclaration(f) && !f.name) {
      const module = checker.getSymbolAtLocation(f.getSourceFile());
      const own = module && checker.getExportsOfModule(module).find((x) => x.valueDeclaration === f);
      if (own) solver.add(solver.symbolLocation(own), f);
    }
    if (ts.isFunctionExpression(f) && f.name) solver.add(solver.symbolLocation(types.symbolOf(f.name)!), f);
    if (ts.isArrowFunction(f) || ts.isFunctionExpression(f)) solver.add(solver.nodeLocation(f), f);
    if (ts.isMethodDeclaration(f) && (ts.isClassLike(f.parent) || ts.isObjectLiteralExpression(f.parent))) {
      const own = new Location();
      solver.add(own, f);
      if (isSynchronizeDecorated(checker, f)) solver.add(own, SUSPENDS);
      fields.writeNamed(f.name, fields.keysOfName(f.name, undefined), own);
    }
    if (ts.isGetAccessorDeclaration(f))
      for (const n of fields.keysOfName(f.name, undefined)) solver.edge(solver.returnOf(f), solver.field(n));
    if (ts.isSetAccessorDeclaration(f)) keyParams.calledWithAnyKeys(f);
    if (ts.isSetAccessorDeclaration(f) && parametersOf(f)[0])
      for (const n of fields.keysOfName(f.name, undefined))
        solver.edge(solver.field(n), solver.parameterLocation(parametersOf(f)[0]));
    if (f.body && !ts.isBlock(f.body)) solver.edge(this.valueOf(f.body, f), solver.returnOf(f));
    if (f.modifiers?.some((m) => m.kind === ts.SyntaxKind.AsyncKeyword))
      solver.edge(solver.returnOf(f), solver.field(ELEMENTS)); // awaited: `.[]`
    // `function* g() { yield f; }`: a call returns a generator, a container of what it yields
    // (`for (const h of g())`, `[...g()]`; `g().next()` hands it outside, whose values come back)
    if (isGenerator(f)) solver.add(solver.returnOf(f), solver.generatorOf(f));
    if (ts.isMethodDeclaration(f) && isIterationKey(f.name)) solver.iterableMethod(f, isGenerator(f));
    for (const p of f.parameters) {
      if (p.dotDotDotToken) solver.add(solver.parameterLocation(p), solver.containerOf(p));
      // `constructor(private load: () => T)`: the parameter is also the field
      if (ts.isConstructorDeclaration(f) && ts.isIdentifier(p.name) && ts.getModifiers(p)?.length)
        solver.edge(solver.parameterLocation(p), solver.field(p.name.text));
      if (p.initializer) solver.edge(this.valueOf(p.initializer, f), solver.parameterLocation(p));
      if (!ts.isIdentifier(p.name)) this.bindTo(p.name, solver.parameterLocation(p), f);
    }
    if (usesArguments(f)) solver.readsArguments.add(f);
  }

  /**
   * Stores `from` into an assignment target or binding pattern. Patterns read names (fields are
   * per name, so the object read does not matter); array patterns read `.[]`.
   */
  private bindTo(target: ts.BindingName | ts.Expression, from: Location, fn: FunctionNode | undefined): void {
    const { solver, types, fields } = this;
    target = ts.isIdentifier(target) ? target : ts.isBindingName(target) ? target : skipParens(target as ts.Expression);
    if (ts.isIdentifier(target)) {
      const sym = types.symbolOf(target);
      if (sym) solver.edge(from, solver.symbolLocation(sym));
      return;
    }
    if (ts.isObjectBindingPattern(target)) {
      for (const el of target.elements) {
        if (el.dotDotDotToken) continue; // the rest object: its names are the same fields
        const key = el.propertyName ?? (ts.isIdentifier(el.name) ? el.name : undefined);
        const src = key ? fields.keyReadLocation(fields.keysOfName(key, fn)) : solver.readAnyName();
        this.bindElement(el, src, fn);
      }
      return;
    }
    if (ts.isArrayBindingPattern(target)) {
      for (const el of target.elements) {
        if (ts.isOmittedExpression(el)) continue;
        if (el.dotDotDotToken)
          this.bindTo(el.name, from, fn); // the rest: the same elements
        else this.bindElement(el, this.patternElement(from, el.name), fn);
      }
      return;
    }
    if (ts.isObjectLiteralExpression(target)) {
      for (const p of target.properties) {
        if (ts.isShorthandPropertyAssignment(p)) {
          const src = solver.field(p.name.text);
          if (p.objectAssignmentInitializer)
            solver.edge(
              this.valueOf(p.objectAssignmentInitializer, fn),
              solver.symbolLocation(types.symbolOf(p.name)!),
            );
          this.bindTo(p.name, src, fn);
        } else if (ts.isPropertyAssignment(p))
          this.bindTo(p.initializer, fields.keyReadLocation(fields.keysOfName(p.name, fn)), fn);
      }
      return;
    }
    if (ts.isArrayLiteralExpression(target)) {
      for (const e of target.elements) {
        if (ts.isSpreadElement(e)) this.bindTo(e.expression, from, fn);
        else if (!ts.isOmittedExpression(e)) this.bindTo(e, this.patternElement(from, e), fn);
      }
      return;
    }
    if (ts.isBinaryExpression(target) && target.operatorToken.kind === ts.SyntaxKind.EqualsToken) {
      solver.edge(this.valueOf(target.right, fn), fields.locationOfTarget(target.left, fn));
      this.bindTo(target.left, from, fn);
      return;
    }
    solver.edge(from, fields.locationOfTarget(target as ts.Expression, fn));
  }

  /** One element of an array pattern over `from`. */
  private patternElement(from: Location, at: ts.Node): Location {
    const { solver, types } = this;
    if (types.primitiveTyped(at)) return solver.nothing;
    const l = new Location();
    solver.readPattern(from, l);
    return l;
  }

  private bindElement(el: ts.BindingElement, src: Location, fn: FunctionNode | undefined): void {
    const { solver } = this;
    if (el.initializer) {
      const joined = new Location();
      solver.edge(src, joined);
      solver.edge(this.valueOf(el.initializer, fn), joined);
      src = joined;
    }
    this.bindTo(el.name, src, fn);
  }

  /** The value of an expression (its location), with the constraints of its parts. */
  valueOf(e: ts.Expression, fn: FunctionNode | undefined): Location {
    const { solver, types, fields, calls, outside, checker } = this;
    const inner = skipParens(e);
    if (inner !== e) {
      const l = this.valueOf(inner, fn);
      solver.byNode.set(e, l);
      return l;
    }
    const existing = solver.byNode.get(e);
    if (existing && !ts.isArrowFunction(e) && !ts.isFunctionExpression(e)) return existing;
    // Names and property reads are their location itself (shared by every use), so that every
    // call through one location binds once: see CallSummary.
    if (ts.isIdentifier(e)) {
      const sym = types.symbolOf(e);
      // `arguments` resolves to the checker's one `arguments` symbol (no declaration), shared by every function
      if (!sym || (e.text === 'arguments' && !sym.declarations?.length)) {
        const owner = e.text === 'arguments' ? argumentsOwner(e) : undefined;
        if (!owner) return solver.located(e, new Location());
        const l = solver.nodeLocation(e);
        solver.add(l, solver.containerOf(owner));
        return l;
      }
      const l = solver.symbolLocation(sym);
      if (types.isBrandedSymbol(sym)) solver.add(l, SUSPENDS);
      return solver.located(e, l);
    }
    if (ts.isPropertyAccessExpression(e)) return fields.readProperty(e, fn);
    if (ts.isElementAccessExpression(e)) return fields.readElement(e, fn);
    const here = solver.nodeLocation(e);
    if (ts.isArrowFunction(e) || ts.isFunctionExpression(e)) {
      this.visit(e, fn);
      return here;
    }
    if (ts.isClassExpression(e)) {
      outside.noteLibraryHeritage(e);
      ts.forEachChild(e, (c) => this.visit(c, fn));
      return here;
    }
    if (ts.isCallExpression(e) || ts.isTaggedTemplateExpression(e)) {
      calls.call(e, fn);
      solver.seedIfBranded(e, here);
      return here;
    }
    if (ts.isNewExpression(e)) {
      calls.construct(e, fn);
      return here;
    }
    if (ts.isConditionalExpression(e)) {
      this.valueOf(e.condition, fn);
      solver.edge(this.valueOf(e.whenTrue, fn), here);
      solver.edge(this.valueOf(e.whenFalse, fn), here);
      return here;
    }
    if (ts.isBinaryExpression(e)) {
      const op = e.operatorToken.kind;
      if (op === ts.SyntaxKind.EqualsToken) {
        const v = this.valueOf(e.right, fn);
        if (fields.isSameKeyCopy(e.left, e.right))
          this.valueOf((skipParens(e.left) as ts.ElementAccessExpression).expression, fn);
        else this.bindTo(e.left, v, fn);
        solver.edge(v, here);
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
        solver.edge(this.valueOf(e.left, fn), here);
        const v = this.valueOf(e.right, fn);
        solver.edge(v, fields.locationOfTarget(e.left, fn));
        solver.edge(v, here);
        return here;
      }
      const l = this.valueOf(e.left, fn);
      const r = this.valueOf(e.right, fn);
      if (logical) solver.edge(l, here);
      if (logical || op === ts.SyntaxKind.CommaToken) solver.edge(r, here);
      return here;
    }
    if (ts.isObjectLiteralExpression(e)) {
      outside.noteLibraryHeritage(e);
      for (const p of e.properties) {
        if (ts.isPropertyAssignment(p)) {
          const v = this.valueOf(p.initializer, fn);
          fields.writeNamed(p.name, fields.keysOfName(p.name, fn), v);
        } else if (ts.isShorthandPropertyAssignment(p)) {
          const sym = checker.getShorthandAssignmentValueSymbol(p);
          const v = solver.nodeLocation(p);
          const resolved = sym && types.resolveAlias(sym);
          if (resolved) solver.edge(solver.symbolLocation(resolved), v);
          if (types.isBrandedRead(resolved, p.name)) solver.add(v, SUSPENDS);
          solver.edge(v, solver.field(p.name.text));
        } else if (ts.isSpreadAssignment(p)) {
          this.valueOf(p.expression, fn); // per-name fields: a spread copies nothing new
        } else {
          if (ts.isComputedPropertyName(p.name)) this.valueOf(p.name.expression, fn);
          this.visit(p, fn);
        }
      }
      return here;
    }
    if (ts.isArrayLiteralExpression(e)) {
      const c = solver.containerOf(e);
      if (types.holdsFunctions(e)) solver.add(here, c);
      for (const el of e.elements) {
        if (ts.isSpreadElement(el)) solver.readElements(this.valueOf(el.expression, fn), c.elements);
        else if (!ts.isOmittedExpression(el)) solver.edge(this.valueOf(el, fn), c.elements);
      }
      return here;
    }
    if (ts.isAwaitExpression(e)) {
      solver.edge(this.valueOf(e.expression, fn), here);
      solver.fromOutside(e, here); // a promise's value: what async functions return, and code outside
      return here;
    }
    if (ts.isSpreadElement(e)) return solver.located(e, this.valueOf(e.expression, fn));
    if (ts.isYieldExpression(e)) {
      // what the generator yields are its elements; `yield*` yields the elements of what it delegates to
      const v = e.expression && this.valueOf(e.expression, fn);
      const yielded = fn && isGenerator(fn) ? solver.generatorOf(fn).elements : undefined;
      if (v && yielded) {
        if (e.asteriskToken) solver.readElements(v, yielded);
        else solver.edge(v, yielded);
      }
      // its value: what the caller's `next(x)` passes (code outside, or the program through it),
      // and for `yield*` the delegate's return (read with its elements)
      if (v && e.asteriskToken) solver.readElements(v, here);
      solver.fromOutside(e, here);
      return here;
    }
    if (
      ts.isPrefixUnaryExpression(e) ||
      ts.isPostfixUnaryExpression(e) ||
      ts.isTypeOfExpression(e) ||
      ts.isVoidExpression(e) ||
      ts.isDeleteExpression(e)
    ) {
      ts.forEachChild(e, (c) => this.visit(c, fn));
      return here;
    }
    ts.forEachChild(e, (c) => this.visit(c, fn));
    return here;
  }
}

/** `[Symbol.iterator]` or `[Symbol.asyncIterator]`: a method the engine calls to iterate. */
function isIterationKey(name: ts.PropertyName): boolean {
  if (!ts.isComputedPropertyName(name)) return false;
  const e = skipParens(name.expression);
  return (
    ts.isPropertyAccessExpression(e) &&
    ts.isIdentifier(e.expression) &&
    e.expression.text === 'Symbol' &&
    (e.name.text === 'iterator' || e.name.text === 'asyncIterator')
  );
}

/** The function whose `arguments` an identifier reads (arrows have none of their own). */
function argumentsOwner(id: ts.Identifier): FunctionNode | undefined {
  for (let n: ts.Node | undefined = id.parent; n; n = n.parent) {
    if (isFunctionNode(n) && !ts.isArrowFunction(n)) return n;
  }
  return undefined;
}

/** Whether `f`'s own body (not a nested non-arrow function's) reads `arguments`. */
function usesArguments(f: FunctionNode): boolean {
  if (ts.isArrowFunction(f) || !f.body) return false;
  // The walk below visits every node of the body; most bodies never spell the word (an
  // identifier can only be `arguments` spelled out or with an escape, `\u0061rguments`).
  const text = f.getSourceFile().text.slice(f.body.pos, f.body.end);
  if (!text.includes('arguments') && !text.includes('\\')) return false;
  let found = false;
  const walk = (n: ts.Node): void => {
    if (found) return;
    if (ts.isIdentifier(n) && n.text === 'arguments') found = true;
    else if (!(isFunctionNode(n) && !ts.isArrowFunction(n))) ts.forEachChild(n, walk);
  };
  ts.forEachChild(f.body, walk);
  return found;
}
