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
import { FunctionNode, isFunctionNode, parametersOf, skipParens } from './inventory';
import { isSynchronizeDecorated } from './suspension-points';
import { Requirement, returnFit, strictNullChecks } from './return-fit';
import { runtimeCodeKind } from './runtime-code';
import { ELEMENTS, KeyParameters } from './value-flow-keys';
import { FlowValue, FlowWalker, Location, SUSPENDS } from './value-flow-model';
import { Fields } from './value-flow-fields';
import { exhaustedValueFlow, solvedValueFlow, ValueFlow } from './value-flow-queries';
import { FlowSolver } from './value-flow-solver';
import { FlowTypes } from './value-flow-types';
import {
  arrayConstructorMethod,
  containerMethod,
  CONTAINER_CONSTRUCTORS,
  ContainerMethod,
  isLibFile,
  objectConstructorMethod,
} from './value-flow-builtins';

export { SUSPENDS };
export type { FlowValue, ValueFlow };

/**
 * Steps (a value arriving at a location) the solver may take. The fuzzer's 40-program batches
 * take ~0.4 M, this repository's fixtures far fewer; bench/compile's 1,000-file project needs
 * far more today (~90 s unbudgeted; see the README's limits).
 */
export const VALUE_FLOW_BUDGET = 5_000_000;

export function analyseValueFlow(program: ts.Program, budget = VALUE_FLOW_BUDGET): ValueFlow {
  const checker = program.getTypeChecker();
  const types = new FlowTypes(checker);
  const keyParams = new KeyParameters(checker);
  const solver = new FlowSolver(types, keyParams, budget);
  const walker: FlowWalker = { valueOf, visit };
  const fields = new Fields(solver, types, keyParams, walker);
  /** The callee's values of each call (apart from the call's own value, what it returns). */
  const callees = new Map<ts.Node, Location>();
  const defined = new Set<FunctionNode>();
  const fit = returnFit(checker, strictNullChecks(program.getCompilerOptions()));
  /** Per field, per what the member must return: the callee location of calls of a program-declared member (`memberCallee`). */
  const members = new Map<Location, Map<Requirement, Location>>();
  /** Calls of members declared only in `.d.ts` files, bound only if the program extends their owner. */
  const libraryCalls: Array<{ owners: ts.Symbol[]; call: () => void }> = [];
  const libraryHeritage = new Set<ts.Symbol>();
  /** Each direct `eval` (see runtime-code.ts). */
  const evals: ts.CallExpression[] = [];
  /** Each program class's direct subclasses, made on first use (`subclassConstructors`). */
  let derived: Map<ts.ClassLikeDeclaration, ts.ClassLikeDeclaration[]> | undefined;

  const files = program
    .getSourceFiles()
    .filter((f) => !f.isDeclarationFile && !program.isSourceFileFromExternalLibrary(f));
  for (const file of files) visit(file, undefined);
  // calls of library members whose library type the program extends: they may run its methods
  for (const c of libraryCalls) if (c.owners.some((o) => libraryHeritage.has(o))) c.call();
  // Reads under a key the analysis cannot bound (`o[k]` with `k: string`) read every name.

  if (!solver.solveToFixedPoint()) return exhaustedValueFlow();
  return solvedValueFlow(solver, types, {
    callees,
    unbounded: fields.unbounded,
    evals,
    privateMapContents: () => fields.privateMaps.contents(),
  });

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
      solver.onFunction(decorator, (f) => keyParams.calledWithAnyKeys(f));
      // `@traced m() {}`: `traced(m, context)`, and what it returns replaces `m` under its name
      const member = node.parent;
      if (ts.isMethodDeclaration(member) || ts.isAccessor(member)) {
        const given = new Location();
        solver.add(given, member);
        const replaced = new Location();
        solver.addCall(decorator, [member.name as ts.Expression], [given], replaced);
        fields.writeNamed(member.name, fields.keysOfName(member.name, undefined), replaced);
      }
      return;
    }
    if (ts.isExpression(node) && !ts.isIdentifier(node)) {
      valueOf(node, fn);
      return;
    }
    if (ts.isVariableDeclaration(node)) {
      if (node.initializer) bindTo(node.name, valueOf(node.initializer, fn), fn);
      else if (ts.isIdentifier(node.name)) solver.symbolLocation(types.symbolOf(node.name)!);
      return;
    }
    if (ts.isReturnStatement(node)) {
      if (node.expression && fn) solver.edge(valueOf(node.expression, fn), solver.returnOf(fn));
      return;
    }
    if (ts.isForOfStatement(node)) {
      const iterated = valueOf(node.expression, fn);
      const target = ts.isVariableDeclarationList(node.initializer)
        ? node.initializer.declarations[0]?.name
        : node.initializer;
      if (target && !types.primitiveTyped(target)) {
        const each = new Location();
        solver.readElements(iterated, each);
        bindTo(target as ts.BindingName | ts.Expression, each, fn);
      }
      visit(node.statement, fn);
      return;
    }
    if ((ts.isPropertyDeclaration(node) || ts.isPropertyAssignment(node)) && node.initializer) {
      const v = valueOf(node.initializer, fn);
      fields.writeNamed(node.name, fields.keysOfName(node.name, fn), v);
      return;
    }
    if (ts.isExportAssignment(node)) {
      const sym = (node as unknown as { symbol?: ts.Symbol }).symbol;
      const v = valueOf(node.expression, fn);
      if (sym) solver.edge(v, solver.symbolLocation(sym));
      return;
    }
    ts.forEachChild(node, (c) => visit(c, fn));
  }

  /** A function's own facts: where its value is stored, what its parameters default to. */
  function defineFunction(f: FunctionNode): void {
    if (ts.isFunctionDeclaration(f) && f.name) solver.add(solver.symbolLocation(types.symbolOf(f.name)!), f);
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
    if (f.body && !ts.isBlock(f.body)) solver.edge(valueOf(f.body, f), solver.returnOf(f));
    if (f.modifiers?.some((m) => m.kind === ts.SyntaxKind.AsyncKeyword))
      solver.edge(solver.returnOf(f), solver.field(ELEMENTS)); // awaited: `.[]`
    for (const p of f.parameters) {
      if (p.dotDotDotToken) solver.add(solver.parameterLocation(p), solver.containerOf(p));
      // `constructor(private load: () => T)`: the parameter is also the field
      if (ts.isConstructorDeclaration(f) && ts.isIdentifier(p.name) && ts.getModifiers(p)?.length)
        solver.edge(solver.parameterLocation(p), solver.field(p.name.text));
      if (p.initializer) solver.edge(valueOf(p.initializer, f), solver.parameterLocation(p));
      if (!ts.isIdentifier(p.name)) bindTo(p.name, solver.parameterLocation(p), f);
    }
    if (usesArguments(f)) solver.readsArguments.add(f);
  }

  /**
   * Stores `from` into an assignment target or binding pattern. Patterns read names (fields are
   * per name, so the object read does not matter); array patterns read `.[]`.
   */
  function bindTo(target: ts.BindingName | ts.Expression, from: Location, fn: FunctionNode | undefined): void {
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
          const src = solver.field(p.name.text);
          if (p.objectAssignmentInitializer)
            solver.edge(valueOf(p.objectAssignmentInitializer, fn), solver.symbolLocation(types.symbolOf(p.name)!));
          bindTo(p.name, src, fn);
        } else if (ts.isPropertyAssignment(p))
          bindTo(p.initializer, fields.keyReadLocation(fields.keysOfName(p.name, fn)), fn);
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
      solver.edge(valueOf(target.right, fn), fields.locationOfTarget(target.left, fn));
      bindTo(target.left, from, fn);
      return;
    }
    solver.edge(from, fields.locationOfTarget(target as ts.Expression, fn));
  }

  /** One element of an array pattern over `from`. */
  function patternElement(from: Location, at: ts.Node): Location {
    if (types.primitiveTyped(at)) return solver.nothing;
    const l = new Location();
    solver.readPattern(from, l);
    return l;
  }

  function bindElement(el: ts.BindingElement, src: Location, fn: FunctionNode | undefined): void {
    if (el.initializer) {
      const joined = new Location();
      solver.edge(src, joined);
      solver.edge(valueOf(el.initializer, fn), joined);
      src = joined;
    }
    bindTo(el.name, src, fn);
  }

  /** The value of an expression (its location), with the constraints of its parts. */
  function valueOf(e: ts.Expression, fn: FunctionNode | undefined): Location {
    const inner = skipParens(e);
    if (inner !== e) {
      const l = valueOf(inner, fn);
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
      if (types.isBrandedSymbol(sym, e)) solver.add(l, SUSPENDS);
      return solver.located(e, l);
    }
    if (ts.isPropertyAccessExpression(e)) return fields.readProperty(e, fn);
    if (ts.isElementAccessExpression(e)) return fields.readElement(e, fn);
    const here = solver.nodeLocation(e);
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
      solver.seedIfBranded(e, here);
      return here;
    }
    if (ts.isNewExpression(e)) {
      construct(e, fn);
      return here;
    }
    if (ts.isConditionalExpression(e)) {
      valueOf(e.condition, fn);
      solver.edge(valueOf(e.whenTrue, fn), here);
      solver.edge(valueOf(e.whenFalse, fn), here);
      return here;
    }
    if (ts.isBinaryExpression(e)) {
      const op = e.operatorToken.kind;
      if (op === ts.SyntaxKind.EqualsToken) {
        const v = valueOf(e.right, fn);
        if (fields.isSameKeyCopy(e.left, e.right))
          valueOf((skipParens(e.left) as ts.ElementAccessExpression).expression, fn);
        else bindTo(e.left, v, fn);
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
        solver.edge(valueOf(e.left, fn), here);
        const v = valueOf(e.right, fn);
        solver.edge(v, fields.locationOfTarget(e.left, fn));
        solver.edge(v, here);
        return here;
      }
      const l = valueOf(e.left, fn);
      const r = valueOf(e.right, fn);
      if (logical) solver.edge(l, here);
      if (logical || op === ts.SyntaxKind.CommaToken) solver.edge(r, here);
      return here;
    }
    if (ts.isObjectLiteralExpression(e)) {
      noteLibraryHeritage(e);
      for (const p of e.properties) {
        if (ts.isPropertyAssignment(p)) {
          const v = valueOf(p.initializer, fn);
          fields.writeNamed(p.name, fields.keysOfName(p.name, fn), v);
        } else if (ts.isShorthandPropertyAssignment(p)) {
          const sym = checker.getShorthandAssignmentValueSymbol(p);
          const v = solver.nodeLocation(p);
          if (sym) solver.edge(solver.symbolLocation(types.resolveAlias(sym)), v);
          solver.seedIfBranded(p.name, v);
          solver.edge(v, solver.field(p.name.text));
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
      const c = solver.containerOf(e);
      if (types.holdsFunctions(e)) solver.add(here, c);
      for (const el of e.elements) {
        if (ts.isSpreadElement(el)) solver.readElements(valueOf(el.expression, fn), c.elements);
        else if (!ts.isOmittedExpression(el)) solver.edge(valueOf(el, fn), c.elements);
      }
      return here;
    }
    if (ts.isAwaitExpression(e)) {
      solver.edge(valueOf(e.expression, fn), here);
      solver.fromOutside(e, here); // a promise's value: what async functions return, and code outside
      return here;
    }
    if (ts.isSpreadElement(e)) return solver.located(e, valueOf(e.expression, fn));
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

  /** A call: the callee's functions get its arguments and give their returns, as they arrive. */
  function call(e: ts.CallExpression | ts.TaggedTemplateExpression, fn: FunctionNode | undefined): void {
    const here = types.primitiveTyped(e) ? solver.nothing : solver.nodeLocation(e);
    const runtime = runtimeCodeKind(checker, e);
    if (runtime === 'function') solver.makesAtRunTime(e, here);
    else if (runtime === 'eval') evals.push(e as ts.CallExpression);
    const args: ts.Expression[] = ts.isCallExpression(e) ? [...e.arguments] : templateArguments(e.template);
    const argValues = args.map((a) => valueOf(a, fn));
    if (ts.isTaggedTemplateExpression(e)) ts.forEachChild(e.template, (c) => visit(c, fn));
    if (ts.isCallExpression(e) && e.expression.kind === ts.SyntaxKind.ImportKeyword) return;
    if (ts.isCallExpression(e) && e.expression.kind === ts.SyntaxKind.SuperKeyword) {
      const decl = checker.getResolvedSignature(e)?.getDeclaration();
      if (decl && ts.isConstructorDeclaration(decl) && decl.body)
        solver.addCall(constructorLocation(decl), args, argValues, undefined);
      return;
    }
    // `_bind.call(f, t, ...a)`, Function.prototype.bind read as a value: `f.bind(t, ...a)`
    const boundByCall = bindThroughCall(checker, e as ts.Expression);
    const bound = boundByCall ?? possiblyBoundFunction(checker, e as ts.Expression);
    if (bound) {
      // `f.bind(t, ...a)`: the same functions (bindTwin keeps the twin). With arguments `a`, the
      // positions of later calls shift: any argument may then reach any parameter.
      const target = valueOf(bound, fn);
      solver.edge(target, here);
      const bindArgs = boundByCall ? argValues.slice(1) : argValues;
      if (bindArgs.length > 1) {
        const s = solver.summaryOf(target);
        for (const a of bindArgs.slice(1)) solver.edge(a, s.spread);
        s.spreadFrom = 0;
        solver.rebind(target);
        const later = solver.summaryOf(here);
        later.scatter = true;
        later.spreadFrom = 0;
        for (const a of later.args) solver.edge(a, later.spread);
      }
      return;
    }
    const via = viaCallOrApply(checker, e);
    if (via) {
      // `f.call(t, ...a)` / `f.apply(t, arr)`: a call of `f`; the site's callee values are `f`'s
      const target = memberCallee(via.fn, fn);
      callees.set(e, target);
      if (via.how === 'call') solver.addCall(target, args.slice(1), argValues.slice(1), here);
      else {
        solver.addCall(target, [], [], here);
        if (argValues[1]) solver.readElements(argValues[1], target.summary!.spread);
        if (target.summary!.spreadFrom > 0) {
          target.summary!.spreadFrom = 0;
          solver.rebind(target);
        }
      }
      return;
    }
    const callee = ts.isCallExpression(e) ? e.expression : e.tag;
    const target = memberCallee(callee, fn);
    // `console.error(e)`, `cache.get(k)`: the library's own member, not every `.error` or `.get`
    // of the program (call-graph.ts takes none of them either)
    const libraryOwner = libraryMemberOwners(callee);
    callees.set(e, libraryOwner ? solver.nothing : target);
    if (!libraryOwner) solver.addCall(target, args, argValues, here);
    else
      libraryCalls.push({
        owners: libraryOwner,
        call: () => (callees.set(e, target), solver.addCall(target, args, argValues, here)),
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
    solver.edge(callees.get(e)!, both);
    solver.edge(receiver, both);
    callees.set(e, both);
    if (callee.name.text === 'call') solver.addCall(receiver, args.slice(1), argValues.slice(1), here);
    else {
      solver.addCall(receiver, [], [], here);
      if (argValues[1]) solver.readElements(argValues[1], receiver.summary!.spread);
      if (receiver.summary!.spreadFrom > 0) {
        receiver.summary!.spreadFrom = 0;
        solver.rebind(receiver);
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
          keyParams.calledWithAnyKeys(f);
          for (const p of parametersOf(f)) solver.readElements(receiver, solver.parameterLocation(p));
          if (returnsTo === undefined) solver.writeElements(receiver, solver.returnOf(f));
          if (returnsTo) {
            solver.edge(solver.returnOf(f), returnsTo);
            for (const p of parametersOf(f)) solver.edge(solver.returnOf(f), solver.parameterLocation(p)); // reduce's accumulator
            if (argValues[1]) for (const p of parametersOf(f)) solver.edge(argValues[1], solver.parameterLocation(p));
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
    const c = solver.containerOf(e);
    if (types.holdsFunctions(e)) solver.add(here, c);
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
        keyParams.calledWithAnyKeys(f);
        for (const p of parametersOf(f)) solver.readElements(argValues[0], solver.parameterLocation(p));
        solver.edge(solver.returnOf(f), c.elements);
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
      if (argValues[0]) solver.edge(argValues[0], here);
      return;
    }
    if (m === 'fromEntries') {
      if (!argValues[0]) return;
      const pairs = new Location();
      solver.readElements(argValues[0], pairs);
      const values = new Location();
      solver.readPattern(pairs, values);
      fields.writeUnbounded(e, values);
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
    solver.edge(names ? fields.keyReadLocation(names) : solver.readAnyName(), c.elements);
  }

  /** `new C(...)`: a program constructor gets the arguments; one outside the program is a container. */
  function construct(e: ts.NewExpression, fn: FunctionNode | undefined): void {
    valueOf(e.expression, fn);
    if (runtimeCodeKind(checker, e) === 'function') solver.makesAtRunTime(e, solver.nodeLocation(e));
    const args = [...(e.arguments ?? [])];
    const argValues = args.map((a) => valueOf(a, fn));
    const decl = checker.getResolvedSignature(e)?.getDeclaration();
    const ctor = ts.isIdentifier(e.expression) ? e.expression.text : undefined;
    if (decl && ts.isConstructorDeclaration(decl) && decl.body && !decl.getSourceFile().isDeclarationFile) {
      solver.addCall(constructorLocation(decl), args, argValues, undefined);
      // `new this.actionCtor(this, work)` with `actionCtor: typeof Action`: the value may be any
      // subclass (rxjs's QueueAction), whose constructor may keep `work` as a field
      if (!isClassName(e.expression))
        for (const sub of subclassConstructors(decl.parent))
          solver.addCall(constructorLocation(sub), args, argValues, undefined);
    } else if (ctor && CONTAINER_CONSTRUCTORS.has(ctor) && decl && isLibFile(decl.getSourceFile())) {
      // `new Map(entries)`: the entries' pairs are flattened, a Map holds its values as elements
      const c = solver.containerOf(e);
      if (types.holdsFunctions(e)) solver.add(solver.nodeLocation(e), c);
      if (ctor === 'Array') argValues.forEach((a) => solver.edge(a, c.elements));
      else if (argValues[0]) {
        const items = new Location();
        solver.readElements(argValues[0], items);
        solver.readPattern(items, c.elements);
      }
    } else if (decl && decl.getSourceFile().isDeclarationFile)
      outsideCall(e, decl, args, argValues, solver.nodeLocation(e));
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
    if (!ts.isPropertyAccessExpression(e) || !solver.isField(l, fields.nameKey(e.name))) return l;
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
      solver.edge(l, member);
    }
    return member;
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
    const l = solver.nodeLocation(decl);
    solver.add(l, decl);
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
    solver.fromOutside(at, here);
    const keeps = mayKeep(at, decl);
    args.forEach((arg, i) => {
      if (!declaresCallback(decl, i)) {
        if (keeps) solver.escape(argValues[i]);
        handlerMembers(arg).forEach((f) => solver.calledOutside(f));
      } else solver.giveOutside(argValues[i]);
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
