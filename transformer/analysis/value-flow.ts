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
import { FunctionNode, isFunctionNode, parametersOf, skipParens } from './inventory';
import { isSynchronizeDecorated } from './suspension-points';
import { returnFit, strictNullChecks } from './return-fit';
import { Calls } from './value-flow-calls';
import { Fields } from './value-flow-fields';
import { ELEMENTS, KeyParameters } from './value-flow-keys';
import { FlowValue, FlowWalker, Location, SUSPENDS } from './value-flow-model';
import { OutsideCode } from './value-flow-outside';
import { exhaustedValueFlow, solvedValueFlow, ValueFlow } from './value-flow-queries';
import { FlowSolver } from './value-flow-solver';
import { FlowTypes } from './value-flow-types';

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
  const defined = new Set<FunctionNode>();

  const files = program
    .getSourceFiles()
    .filter((f) => !f.isDeclarationFile && !program.isSourceFileFromExternalLibrary(f));
  const outside = new OutsideCode(solver, types);
  const fit = returnFit(checker, strictNullChecks(program.getCompilerOptions()));
  const calls = new Calls(solver, types, keyParams, fields, outside, walker, fit, files);
  for (const file of files) visit(file, undefined);
  outside.runLibraryCalls();
  // Reads under a key the analysis cannot bound (`o[k]` with `k: string`) read every name.

  if (!solver.solveToFixedPoint()) return exhaustedValueFlow();
  return solvedValueFlow(solver, types, {
    callees: calls.callees,
    unbounded: fields.unbounded,
    evals: calls.evals,
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
    if (ts.isClassDeclaration(node)) outside.noteLibraryHeritage(node);
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
      outside.noteLibraryHeritage(e);
      ts.forEachChild(e, (c) => visit(c, fn));
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
      outside.noteLibraryHeritage(e);
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
  let found = false;
  const walk = (n: ts.Node): void => {
    if (found) return;
    if (ts.isIdentifier(n) && n.text === 'arguments') found = true;
    else if (!(isFunctionNode(n) && !ts.isArrowFunction(n))) ts.forEachChild(n, walk);
  };
  ts.forEachChild(f.body, walk);
  return found;
}
