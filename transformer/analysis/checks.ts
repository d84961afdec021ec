/**
 * What cannot be carried: the checks behind ts-greenlet's diagnostics, asked by the analysis
 * (`analyse.ts`) once it knows what is coloured and how each call is planned. Each says where a suspension would meet code that
 * cannot wait, or a form the rewrite cannot split, and what to do instead.
 *
 * ```ts
 * setTimeout(load, 10);        // TSG39007: passed where untransformed code calls it
 * const { total } = order;     // TSG39006: a destructuring runs the getter plainly
 * new Promise((r) => r(load())); // TSG39007: the executor runs inside the constructor
 * ```
 */
import ts from '../ts';
import { analysisChecker } from './checker-cache';
import type { CallPlan } from './result';
import {
  CallLike,
  CallSite,
  FunctionNode,
  functionName,
  Inventory,
  isWithin,
  propertyNameText,
  shortPlace,
  skipParens,
} from './inventory';
import { accessMode, CallTarget } from './call-targets';
import { implicitCalls } from './implicit-calls';
import { lexicalUses } from './lexical-uses';
import { VALUE_FLOW_BUDGET, ValueFlow } from './value-flow';
import { Codes, DiagnosticSpec } from '../diagnostics';
import { isRuntimeFile } from './runtime-files';
import { isNonStrictSynchronized } from './suspension-points';
import { LibraryMemberContext } from './library-members';
import { overridesLibraryMethod } from './library-runs';
import { passedToUntransformed } from './passed-to-library';
import { colouredAmong } from './value-flow-queries';

/**
 * The checks that run once colour and plans are known, in the order their diagnostics are
 * listed for one place (the caller sorts by place): parameters the rewrite would merge, reads
 * and calls the engine makes implicitly, coloured functions that cannot be registered or split,
 * and coloured functions escaping to code that is not compiled (packages, code made at run time).
 */
export function checkProgram(
  program: ts.Program,
  inv: Inventory,
  targets: Map<CallSite, CallTarget>,
  coloured: Set<FunctionNode>,
  suspending: Set<CallSite>,
  colourPath: (fn: FunctionNode) => string[],
  plans: Map<ts.Node, CallPlan>,
  flow: ValueFlow,
): DiagnosticSpec[] {
  const checker = analysisChecker(program);
  const specs: DiagnosticSpec[] = [];
  specs.push(...redeclaredParameters(plans, suspending));
  specs.push(...implicitGetterReads(checker, inv, coloured, colourPath));
  specs.push(
    ...implicitCalls(
      checker,
      program.getSourceFiles().filter((f) => !f.isDeclarationFile && !program.isSourceFileFromExternalLibrary(f)),
      coloured,
      colourPath,
    ),
  );
  for (const fn of coloured) {
    if (ts.isMethodDeclaration(fn) && !ts.isPrivateIdentifier(fn.name) && propertyNameText(fn.name) === undefined) {
      specs.push({
        // a well-known symbol's method is called by the engine (implicit); another computed name cannot get its twin
        code: /^\[Symbol\.\w+\]$/.test(fn.name.getText()) ? Codes.ImplicitCall : Codes.ComputedName,
        node: fn.name,
        path: colourPath(fn),
        message: /^\[Symbol\.(a?sync)?[dD]ispose\]$|^\[Symbol\.dispose\]$|^\[Symbol\.asyncDispose\]$/.test(
          fn.name.getText(),
        )
          ? `The method ${functionName(fn)} may suspend, but the engine calls it at the end of a \`using\` block, where nothing can wait. Give the class a close() method, declare the variable with \`const\`, and call close() in a \`finally\` block.`
          : /^\[Symbol\.\w+\]$/.test(fn.name.getText())
            ? `The method ${functionName(fn)} may suspend, but the engine calls it implicitly (a well-known symbol), where nothing can wait. Give it a plain name and call that name explicitly.`
            : `The method ${functionName(fn)} may suspend, but its name is computed; ts-greenlet cannot register its twin. Give it a plain name, or move the suspending work into a named method.`,
      });
    }
    if (!ts.isArrowFunction(fn)) continue;
    for (const bad of lexicalUses(fn).superWrites) {
      specs.push({
        code: Codes.SuperInArrow,
        node: bad,
        path: colourPath(fn),
        message: `'${bad.getText()}' assigns through super inside the arrow function ${functionName(fn)}, which may suspend; a generator cannot do that. Assign it in the method, outside the arrow.`,
      });
    }
  }
  const accessorNames = new Set<string>();
  for (const fn of coloured)
    if (ts.isGetAccessorDeclaration(fn) || ts.isSetAccessorDeclaration(fn)) {
      const n = propertyNameText(fn.name);
      if (n !== undefined) accessorNames.add(n);
    }
  const suspendingNames = new Map<string, boolean>();
  const suspendingName = (name: string): boolean => {
    let has = suspendingNames.get(name);
    if (has === undefined) {
      const values = flow.fieldValues(name);
      has = !!values && [...values].some((v) => v === 'suspends' || coloured.has(v));
      suspendingNames.set(name, has);
    }
    return has;
  };
  const members: LibraryMemberContext = {
    checker,
    coloured,
    colourPath,
    valuesOf: flow.valuesOf,
    fieldValues: flow.fieldValues,
    containedFunctions: flow.containedFunctions,
    suspendingName,
    suspendingAccessorNames: accessorNames,
  };
  for (const site of inv.calls) {
    const t = targets.get(site)!;
    if (ts.isCallExpression(site.call) && t.kind !== 'static' && t.kind !== 'suspend' && t.kind !== 'builtin')
      specs.push(...passedToUntransformed(site.call, members));
  }
  for (const construction of inv.constructions)
    specs.push(...constructedFunctions(checker, construction, coloured, colourPath));
  for (const construction of inv.constructions) specs.push(...passedToUntransformed(construction, members));
  for (const fn of coloured) {
    specs.push(...decoratedByUntransformed(checker, fn, colourPath));
    specs.push(...overridesLibraryMethod(checker, fn, colourPath));
  }
  specs.push(...writtenUnderUnboundedKey(flow.unboundedWrites(), coloured, colourPath));
  specs.push(...writtenOverLibraryMethod(checker, flow.libraryMethodWrites(), coloured, colourPath));
  specs.push(...handedToRuntimeCode(flow.runtimeCode(), coloured, colourPath));
  const first = program
    .getSourceFiles()
    .find((f) => !f.isDeclarationFile && !program.isSourceFileFromExternalLibrary(f));
  if (flow.exhausted && first) {
    specs.push({
      code: Codes.ValueFlowBudget,
      node: first,
      category: ts.DiagnosticCategory.Warning,
      message: `ts-greenlet's value-flow analysis stopped at its budget (${VALUE_FLOW_BUDGET.toLocaleString('en')} steps) on this program, so calls through function values are matched by type alone: one that reaches a suspending function some other way would run its plain entry (ScopeError). Please report this program; splitting it into smaller projects avoids it.`,
    });
  }
  return specs;
}

/**
 * `new F(x)` of a plain function (not a class) that may suspend: called with `new`, it runs its
 * plain entry (a twin is a generator, which cannot construct), so it cannot wait.
 *
 * ```ts
 * function User(this: U, id: string) { this.name = load(id); }
 * new (User as any)('a');   // TSG39002
 * ```
 */
export function constructedFunctions(
  checker: ts.TypeChecker,
  construction: ts.NewExpression,
  coloured: Set<FunctionNode>,
  colourPath: (fn: FunctionNode) => string[],
): DiagnosticSpec[] {
  // Only the function the callee names (as a class's constructor is found): one that arrives
  // through values (`new this.ctor()`, `new promiseCtor(...)`) may be any function value flow
  // lets through a field or code outside, and over-colouring is not suspension
  const callee = skipParens(construction.expression);
  let sym =
    ts.isIdentifier(callee) || ts.isPropertyAccessExpression(callee) ? checker.getSymbolAtLocation(callee) : undefined;
  if (sym && sym.flags & ts.SymbolFlags.Alias) sym = checker.getAliasedSymbol(sym);
  const d = sym?.valueDeclaration;
  const fn = d && ts.isVariableDeclaration(d) && d.initializer ? skipParens(d.initializer) : d;
  if (!fn || !(ts.isFunctionDeclaration(fn) || ts.isFunctionExpression(fn)) || !coloured.has(fn)) return [];
  return [
    {
      code: Codes.UncolourableContext,
      node: construction,
      path: colourPath(fn),
      message: `${functionName(fn)} may suspend, but it is called with \`new\` here, and a constructor cannot wait. Make it a class with a static factory method that does the waiting (static create(...) { const x = new C(); x.init(); return x; }), or call it without \`new\`.`,
    },
  ];
}

/**
 * A function that may suspend written over a method a library declares: the library's own code
 * calls that member (`w.visit = (n) => load(n); w.walk(nodes)`), as a plain function.
 */
export function writtenOverLibraryMethod(
  checker: ts.TypeChecker,
  writes: Array<{ node: ts.PropertyAccessExpression; values: ReadonlySet<FunctionNode | 'suspends'> }>,
  coloured: Set<FunctionNode>,
  colourPath: (fn: FunctionNode) => string[],
): DiagnosticSpec[] {
  return writes.flatMap(({ node, values }) => {
    const fn = colouredAmong(values, coloured);
    const synchronized =
      !fn && values.has('suspends') && !isNonStrictSynchronized(checker, checker.getTypeAtLocation(node.parent));
    if (!fn && !synchronized) return [];
    return [
      {
        code: Codes.PassedToUntransformed,
        node,
        path: fn ? colourPath(fn) : undefined,
        message: `${fn ? (functionName(fn) === '<anonymous>' ? 'This function' : functionName(fn)) : 'A synchronized function'} may suspend, but it is written over ${node.getText()}, a member declared by code that was not compiled by ts-greenlet, whose own code may call it as a plain function (ScopeError, or a silent fallback under a \`try/catch\`). Call it from coloured code instead, and give the library a member that does not wait.`,
      },
    ];
  });
}

/**
 * A function that may suspend, written under a key value flow cannot bound: it may be read back
 * under any name, and the calls of those names were not made to wait for it.
 *
 * ```ts
 * for (const [k, v] of Object.entries(src)) out[k] = wrap(v); // k: string
 * out.load(); // would run load's plain entry
 * ```
 */
export function writtenUnderUnboundedKey(
  writes: Array<{ node: ts.Node; values: ReadonlySet<FunctionNode | 'suspends'>; proxyTrap?: true }>,
  coloured: Set<FunctionNode>,
  colourPath: (fn: FunctionNode) => string[],
): DiagnosticSpec[] {
  const out: DiagnosticSpec[] = [];
  for (const { node, values, proxyTrap } of writes) {
    // a method with a computed name has its own diagnostic
    if (ts.isComputedPropertyName(node) && (ts.isMethodDeclaration(node.parent) || ts.isAccessor(node.parent)))
      continue;
    const fn = colouredAmong(values, coloured);
    if (!fn && !values.has('suspends')) continue;
    const name = fn && functionName(fn);
    const what = !fn
      ? 'a synchronized function'
      : name === '<anonymous>'
        ? 'a function that may suspend'
        : `${name}, which may suspend,`;
    out.push({
      code: Codes.UnboundedKey,
      node,
      path: fn ? colourPath(fn) : undefined,
      message: proxyTrap
        ? `This Proxy \`get\` trap may return ${what} to reads of the proxy's properties under names its type does not declare (an index signature, \`any\`), so a call of it there would not wait for it (ScopeError, or a silent fallback under a \`try/catch\`). Type the proxy with the names it serves (\`new Proxy<{ users(id: string): User }>(...)\`), or call the function from a plain object's methods.`
        : `This may store ${what} under a computed key ts-greenlet cannot bound, so a call of it by name elsewhere would not wait for it. Give the key a union of literal types (\`k: 'load' | 'save'\`), or keep such functions in a Map and call them from there.`,
    });
  }
  return out;
}

/**
 * Code made or run at run time (runtime-code.ts) that may reach a function that may suspend: it
 * calls it as a plain function. One error per `new Function` or `eval`, naming one such function.
 */
export function handedToRuntimeCode(
  sites: Array<{ made: ts.Node; calls: ts.Node[]; values: ReadonlySet<FunctionNode | 'suspends'> }>,
  coloured: Set<FunctionNode>,
  colourPath: (fn: FunctionNode) => string[],
): DiagnosticSpec[] {
  const out: DiagnosticSpec[] = [];
  for (const { made, calls, values } of sites) {
    const fns = [...values].filter((v): v is FunctionNode => v !== 'suspends' && coloured.has(v));
    if (!fns.length && !values.has('suspends')) continue;
    const fn = fns[0];
    const more = fns.length > 1 ? ` (and ${fns.length - 1} more)` : '';
    const what = fn ? `${functionName(fn)}${more}, which may suspend` : 'a synchronized function';
    const source =
      calls[0] === made
        ? 'This `eval` runs code ts-greenlet cannot compile, in a scope'
        : `This makes a function at run time, which ts-greenlet cannot compile; it may be called (${calls.length === 1 ? `at ${shortPlace(calls[0])}` : `at ${calls.length} places, e.g. ${shortPlace(calls[0])}`}) with values`;
    out.push({
      code: Codes.RuntimeCode,
      node: made,
      path: fn ? colourPath(fn) : undefined,
      message: `${source} from which it may reach ${what}: it calls it as a plain function (ScopeError when it suspends, a silent fallback under a \`try/catch\`). Keep suspending functions out of its reach, or take the library's path that makes no code at run time (zod: \`z.config({ jitless: true })\`).`,
    });
  }
  return out;
}

/**
 * A coloured method decorated by a decorator from a package: if that decorator wraps the method,
 * the wrapper (not compiled here) calls it as a plain function. ts-greenlet's own decorators
 * (`@get`, ...) only record it. A decorator written in the program is compiled, and its wrapper
 * is coloured through the value it is given.
 */
export function decoratedByUntransformed(
  checker: ts.TypeChecker,
  fn: FunctionNode,
  colourPath: (fn: FunctionNode) => string[],
): DiagnosticSpec[] {
  if (!ts.canHaveDecorators(fn)) return [];
  return (ts.getDecorators(fn) ?? []).flatMap((d) => {
    const decl = checker.getResolvedSignature(d)?.getDeclaration();
    const file = decl?.getSourceFile();
    if (!file || !file.isDeclarationFile || isRuntimeFile(file.fileName)) return [];
    return [
      {
        code: Codes.PassedToUntransformed,
        node: d,
        path: colourPath(fn),
        message: `${functionName(fn)} may suspend, but it is decorated by ${d.expression.getText()}, which was not compiled by ts-greenlet: a wrapper it returns would call the method as a plain function (ScopeError when it suspends). Move the work that suspends into an undecorated method and call that from this one.`,
      },
    ];
  });
}

/** Why an access that runs a suspending accessor cannot be rewritten, or undefined if it can. */
export function unsupportedAccess(node: ts.PropertyAccessExpression | ts.ElementAccessExpression): string | undefined {
  if (node.expression.kind === ts.SyntaxKind.SuperKeyword)
    return 'it is reached through `super`. Call a method of the base class instead.';
  if (node.flags & ts.NodeFlags.OptionalChain)
    return 'it is inside an optional chain. Test for null/undefined first, then read the property.';
  const mode = accessMode(node);
  let outer: ts.Node = node.parent;
  while (ts.isParenthesizedExpression(outer) || ts.isNonNullExpression(outer)) outer = outer.parent;
  if (mode === 'readwrite' && !ts.isBinaryExpression(outer))
    return 'it is incremented or decremented. Write `o.p = o.p + 1` instead.';
  if (mode !== 'read' && !ts.isBinaryExpression(outer))
    return 'it is a destructuring or loop target. Assign it with `o.p = value` instead.';
  if (
    ts.isBinaryExpression(outer) &&
    [
      ts.SyntaxKind.AmpersandAmpersandEqualsToken,
      ts.SyntaxKind.BarBarEqualsToken,
      ts.SyntaxKind.QuestionQuestionEqualsToken,
    ].includes(outer.operatorToken.kind)
  ) {
    return 'it is the target of a logical assignment. Write `if (!o.p) o.p = value` instead.';
  }
  return undefined;
}

/**
 * A parameter default that may suspend moves the parameters into the body (`var [a, b = f()] =
 * args`: a generator cannot wait in its parameter list). Their scope is then the body's, so a
 * body `var a` or `function a` that redeclares one would be the same binding, which it is not
 * in the source (a closure in a default sees the parameter). Reported instead.
 */
export function redeclaredParameters(plans: Map<ts.Node, CallPlan>, sites: Set<CallSite>): DiagnosticSpec[] {
  const moved = new Set<FunctionNode>();
  for (const site of sites) {
    if (site.context.kind !== 'function' || !plans.has(site.call)) continue;
    const fn = site.context.fn;
    if (fn.parameters.some((p) => isWithin(site.call, p))) moved.add(fn);
  }
  const out: DiagnosticSpec[] = [];
  for (const fn of moved) {
    if (!fn.body || !ts.isBlock(fn.body)) continue;
    const params = new Set(fn.parameters.flatMap((p) => bindingNames(p.name)));
    const walk = (n: ts.Node): void => {
      if (ts.isFunctionDeclaration(n) && n.parent === fn.body && n.name && params.has(n.name.text))
        out.push(spec(n.name));
      if (ts.isVariableDeclarationList(n) && !(n.flags & ts.NodeFlags.BlockScoped)) {
        for (const d of n.declarations)
          for (const id of bindingIdentifiers(d.name)) if (params.has(id.text)) out.push(spec(id));
      }
      if (!ts.isFunctionLike(n) && !ts.isClassLike(n)) ts.forEachChild(n, walk);
    };
    fn.body.statements.forEach(walk);
  }
  return out;

  function spec(id: ts.Identifier): DiagnosticSpec {
    return {
      code: Codes.RedeclaredParameter,
      node: id,
      message: `'${id.text}' redeclares a parameter of a function whose parameter defaults may suspend; those parameters move into the body, where the two would become one variable. Rename the variable in the body.`,
    };
  }
}

/**
 * Destructuring and spread read properties with no access site to delegate from: a getter that
 * may suspend would run plainly there (ScopeError when it suspends). Reported instead.
 *
 * ```ts
 * const { total } = order;   // TSG39006: `const total = order.total`
 * const copy = { ...order }; // TSG39006: spread reads order.total
 * ```
 */
export function implicitGetterReads(
  checker: ts.TypeChecker,
  inv: Inventory,
  coloured: Set<FunctionNode>,
  colourPath: (fn: FunctionNode) => string[],
): DiagnosticSpec[] {
  const colouredGetter = (sym: ts.Symbol | undefined) =>
    sym?.declarations?.find((d): d is ts.GetAccessorDeclaration => ts.isGetAccessorDeclaration(d) && coloured.has(d));
  const out: DiagnosticSpec[] = [];
  for (const { node } of inv.implicitReads) {
    if (ts.isSpreadAssignment(node)) {
      const props = checker.getPropertiesOfType(checker.getTypeAtLocation(node.expression));
      const getter = props.map(colouredGetter).find((g) => g);
      if (!getter) continue;
      out.push({
        code: Codes.ImplicitCall,
        node,
        path: colourPath(getter),
        message: `Spreading ${node.expression.getText()} reads ${propertyNameText(getter.name) ?? getter.name.getText()} through its getter, which may suspend, outside any place that can wait. Read the property into a variable first and build the object from named properties.`,
      });
      continue;
    }
    const sym = ts.isBindingElement(node)
      ? bindingElementProperty(checker, node)
      : ts.isShorthandPropertyAssignment(node) || ts.isPropertyAssignment(node)
        ? checker.getPropertyOfType(
            checker.getTypeOfAssignmentPattern(node.parent as ts.ObjectLiteralExpression),
            node.name.getText(),
          )
        : undefined;
    const getter = colouredGetter(sym);
    if (!getter) continue;
    const name = propertyNameText(getter.name) ?? getter.name.getText();
    out.push({
      code: Codes.ImplicitCall,
      node,
      path: colourPath(getter),
      message: `This destructuring reads ${name} through its getter, which may suspend, where nothing can wait. Read it as a property instead: \`const ${name} = o.${name}\`.`,
    });
  }
  return out;
}

/** The property a binding element of an object pattern reads, from the type being destructured. */
export function bindingElementProperty(checker: ts.TypeChecker, element: ts.BindingElement): ts.Symbol | undefined {
  const key = element.propertyName ?? element.name;
  const text = ts.isIdentifier(key) || ts.isStringLiteral(key) || ts.isNumericLiteral(key) ? key.text : undefined;
  if (text === undefined) return undefined;
  return checker.getPropertyOfType(checker.getTypeAtLocation(element.parent), text);
}

export function bindingNames(name: ts.BindingName): string[] {
  return bindingIdentifiers(name).map((id) => id.text);
}

export function bindingIdentifiers(name: ts.BindingName): ts.Identifier[] {
  if (ts.isIdentifier(name)) return [name];
  return name.elements.flatMap((e) => (ts.isOmittedExpression(e) ? [] : bindingIdentifiers(e.name)));
}

export function uncolourableSpec(fn: FunctionNode, call: CallLike, path: string[]): DiagnosticSpec {
  const name = functionName(fn);
  if (ts.isConstructorDeclaration(fn)) {
    return {
      code: Codes.UncolourableContext,
      node: call,
      path,
      message: `This call may suspend, but it is in the constructor of ${name.replace(/\.constructor$/, '')}, and a constructor cannot wait. Move the work into a static factory method (static create(...) { const x = new C(); x.init(); return x; }).`,
    };
  }
  if (ts.isGetAccessorDeclaration(fn) || ts.isSetAccessorDeclaration(fn)) {
    return {
      code: Codes.AccessorSuspends,
      node: call,
      path,
      message: `This call may suspend, but it is in the accessor ${name}, which is #private or has a computed name, so its twin cannot be found where it is read. Give it a plain name, or make it a method.`,
    };
  }
  return {
    code: Codes.GeneratorSuspends,
    node: call,
    path,
    message: `This call may suspend, but it is in the generator ${name}; its own yields would mix with the greenlet's. Collect what it needs before the generator runs, or make it an async generator that awaits spawnGreenlet(...).`,
  };
}
