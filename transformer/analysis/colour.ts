/**
 * Colouring: which functions can reach a suspension point, and how each call that may suspend is
 * emitted. A worklist fixed point over the call graph, so recursion and mutual recursion settle.
 * The rewrite only reads the `Analysis` this returns; it never decides colour itself.
 *
 * ```ts
 * const query = synchronize(db.query); // suspension point (brand)
 * function find(id) { return query(id); }       // coloured: calls a suspension point
 * function show(id) { return find(id).name; }   // coloured: calls find
 * function pure(x) { return x + 1; }            // untouched
 * async function h() { return show(1); }        // boundary: that call is awaited
 * ```
 */
import ts from 'typescript';
import { accessMode, boundFunction, CallTarget, functionOfArgument, methodFits, resolveCallee, resolveCallTarget, viaCallOrApply } from './call-targets';
import { buildInventory, calleeOf, CallLike, CallSite, FunctionNode, functionName, Inventory, propertyNameText, skipParens } from './inventory';
import { Codes, createDiagnostic, DiagnosticSpec } from '../diagnostics';
import { lexicalUses } from './lexical-uses';

/** How a call that may suspend is emitted inside a coloured function. */
export type CallPlan =
  /** `yield* f$twin(...)`, or `yield f$twin(...)` (an explicit call record) when `explicit`. */
  | { kind: 'direct'; fn: FunctionNode; explicit: boolean }
  /** Look the twin up at run time (`TWIN`), delegate if there is one, else call plainly. */
  | { kind: 'dispatch'; explicit: boolean }
  /** A suspension point: call the promise-returning function behind it and wait inline (`RAW`). */
  | { kind: 'wait' }
  /** Inside an `async` function: run the call as a greenlet and `await` it. */
  | { kind: 'await' }
  /** `f.bind(t, ...args)` of a coloured function: `__tsg.bindTwin(f, t, ...args)`. */
  | { kind: 'bind' }
  /** `f.call(t, ...args)` / `f.apply(t, args)` of a function that may suspend. */
  | { kind: 'via'; how: 'call' | 'apply'; inAsync: boolean; explicit: boolean }
  /** A read (`o.p`), write (`o.p = v`) or compound write (`o.p += v`) of an accessor that may suspend. */
  | { kind: 'accessor'; mode: 'read' | 'write' | 'readwrite'; inAsync: boolean }
  /** A builtin whose callback may suspend: its suspending version (`__tsg.builtins.map`), awaited in an async function. */
  | { kind: 'builtin'; helper: string; inAsync: boolean };

export interface Analysis {
  program: ts.Program;
  inventory: Inventory;
  coloured: Set<FunctionNode>;
  plans: Map<ts.Node, CallPlan>;
  /** Why each function is coloured: the call that made it so. */
  reasons: Map<FunctionNode, { site: CallLike; callee: FunctionNode | 'suspension point' }>;
  diagnostics: ts.Diagnostic[];
  /** Files with something to rewrite; every other file is emitted untouched. */
  files: Set<ts.SourceFile>;
  colourPath(fn: FunctionNode): string[];
}

export function analyse(program: ts.Program): Analysis {
  const checker = program.getTypeChecker();
  const inv = buildInventory(program);
  const targets = new Map<CallSite, CallTarget>();
  const callers = new Map<FunctionNode, CallSite[]>(); // static edges and declared methods, reversed
  const valueSites: CallSite[] = [];
  // Callees of each site: static, declared, and (added by callersOf) the coloured methods that fit.
  const calleesOf = new Map<CallSite, FunctionNode[]>();
  const builtinSitesOf = new Map<FunctionNode, CallSite[]>(); // callback → builtin calls passing it
  // Method calls by name. Which other program methods of that name a call may dispatch to
  // (`methodFits`) is only asked of methods that get coloured: testing every method call
  // against every method of its name costs more than type-checking the program.
  const methodSites = new Map<string, CallSite[]>();
  const siteOrder = new Map<CallSite, number>();
  const viaOf = new Map<CallSite, 'call' | 'apply'>();

  for (const site of inv.calls) {
    siteOrder.set(site, siteOrder.size);
    // `f.call(t, x)` is a call of `f`: analysed as one, emitted through `dispatch(f).call(t, x)`
    const via = viaCallOrApply(checker, site.call);
    if (via) viaOf.set(site, via.how);
    const t = via ? resolveCallee(checker, via.fn, undefined) : resolveCallTarget(checker, site.call);
    targets.set(site, t);
    const callback = t.kind === 'builtin' && ts.isCallExpression(site.call) ? functionOfArgument(checker, site.call.arguments[t.callbackIndex]) : undefined;
    if (callback) {
      let list = builtinSitesOf.get(callback);
      if (!list) builtinSitesOf.set(callback, (list = []));
      list.push(site);
    }
    const callees = t.kind === 'static' ? [t.fn] : t.kind === 'method' ? [...new Set(t.declared)] : t.kind === 'accessor' ? t.fns : callback ? [callback] : [];
    calleesOf.set(site, callees);
    for (const fn of callees) {
      let list = callers.get(fn);
      if (!list) callers.set(fn, (list = []));
      list.push(site);
    }
    const memberName = t.kind === 'method' || t.kind === 'accessor' ? t.name : t.kind === 'value' ? t.member?.name : undefined;
    if (memberName !== undefined) {
      let list = methodSites.get(memberName);
      if (!list) methodSites.set(memberName, (list = []));
      list.push(site);
    }
    if (t.kind === 'value') valueSites.push(site);
  }
  const methodNames = new Map<FunctionNode, string>();
  for (const [name, fns] of inv.methodsByName) for (const fn of fns) methodNames.set(fn, name);

  const coloured = new Set<FunctionNode>();
  const suspending = new Set<CallSite>();
  const reasons: Analysis['reasons'] = new Map();
  const siteCallee = new Map<CallSite, FunctionNode | 'suspension point'>();
  const work: Array<[CallSite, FunctionNode | 'suspension point']> = [];

  for (const site of inv.calls) if (targets.get(site)!.kind === 'suspend') work.push([site, 'suspension point']);
  while (work.length) {
    const [site, callee] = work.pop()!;
    if (suspending.has(site)) continue;
    suspending.add(site);
    siteCallee.set(site, callee);
    if (site.context.kind !== 'function') continue;
    const fn = site.context.fn;
    if (!isColourable(fn) || coloured.has(fn)) continue;
    coloured.add(fn);
    reasons.set(fn, { site: site.call, callee });
    for (const caller of callersOf(fn)) work.push([caller, fn]);
    for (const bs of builtinSitesOf.get(fn) ?? []) work.push([bs, fn]);
    const decorators = (ts.canHaveDecorators(fn) && ts.getDecorators(fn)) || [];
    if (inv.functionValues.has(fn) || decorators.length) {
      // Where the value flows: the contextual type at each use (a parameter's, a variable's, an
      // array's element type), else its own. A call through a value is a candidate when its
      // callee's type and one of those are mutually assignable: `(x) => void` alone would let
      // almost any function flow everywhere.
      // An argument of a generic function also flows into the parameter as declared
      // (`f: (t: T) => number`), which its contextual type (`(t: string) => number`) does not match.
      // A decorated method flows into each decorator's first parameter: a wrapper the decorator
      // returns calls it there (`return function (...a) { ...; return fn.apply(this, a); }`).
      const flows = (inv.valueUses.get(fn) ?? []).flatMap((u: ts.Expression) => {
        const contextual = checker.getNonNullableType(checker.getContextualType(u) ?? checker.getTypeAtLocation(fn));
        return [contextual, ...declaredParameterTypes(checker, inv, u).map((t) => checker.getNonNullableType(t))];
      });
      for (const d of decorators) {
        const param = checker.getResolvedSignature(d)?.getDeclaration()?.parameters[0];
        if (param) flows.push(checker.getNonNullableType(checker.getTypeAtLocation(param)));
      }
      for (const vs of valueSites) {
        if (suspending.has(vs)) continue;
        const t = checker.getNonNullableType((targets.get(vs) as { type: ts.Type }).type);
        if (flows.some((c) => checker.isTypeAssignableTo(c, t) && checker.isTypeAssignableTo(t, c))) work.push([vs, fn]);
      }
    }
  }

  const recursive = stronglyConnected(coloured, (fn) =>
    (inv.callsByFunction.get(fn) ?? []).filter((s) => suspending.has(s)).flatMap((s) => calleesOf.get(s)!.filter((c) => coloured.has(c))),
  );

  const plans = new Map<ts.Node, CallPlan>();
  const specs: DiagnosticSpec[] = [];
  const files = new Set<ts.SourceFile>();
  const analysis: Analysis = { program, inventory: inv, coloured, plans, reasons, diagnostics: [], files, colourPath };

  for (const site of suspending) {
    const path = pathOfSite(site);
    const ctx = site.context;
    if (ctx.kind === 'module') {
      specs.push({
        code: Codes.TopLevelSuspension,
        node: site.call,
        path,
        message:
          'This call may suspend, but it runs at module top level, where nothing can wait. Move it into a function and start that with spawnGreenlet(fn), or call it from an async function.',
      });
      continue;
    }
    if (ctx.kind === 'class-initializer') {
      specs.push({
        code: Codes.UncolourableContext,
        node: site.call,
        path,
        message: ts.isEnumMember(ctx.node)
          ? "This call may suspend, but it runs in an enum member's initialiser, which cannot wait. Compute the value into a variable before the enum and use that."
          : 'This call may suspend, but it runs in a class field initialiser or static block, which cannot wait. Initialise the field in a method (or a static factory) instead.',
      });
      continue;
    }
    const fn = ctx.fn;
    files.add(fn.getSourceFile());
    const t = targets.get(site)!;
    const inAsync = fn.modifiers?.some((m) => m.kind === ts.SyntaxKind.AsyncKeyword) ?? false;
    const how = viaOf.get(site);
    if (how) {
      if (site.call.flags & ts.NodeFlags.OptionalChain) {
        specs.push({ code: Codes.UnsupportedCall, node: site.call, path, message: `This ${how}() may suspend, but it is inside an optional chain. Test for null/undefined first, then call it.` });
      } else if (inAsync || coloured.has(fn)) {
        const explicit = calleesOf.get(site)!.some((c) => recursive.get(c) !== undefined && recursive.get(c) === recursive.get(fn));
        plans.set(site.call, { kind: 'via', how, inAsync, explicit });
      } else {
        specs.push(uncolourableSpec(fn, site.call, path));
      }
      continue;
    }
    if (t.kind === 'accessor') {
      const problem = unsupportedAccess(site.call as ts.PropertyAccessExpression | ts.ElementAccessExpression);
      if (problem) {
        specs.push({ code: Codes.UnsupportedCall, node: site.call, path, message: `This property access runs an accessor that may suspend, but ${problem}` });
        continue;
      }
      if (inAsync || coloured.has(fn)) {
        plans.set(site.call, { kind: 'accessor', mode: accessMode(site.call as ts.Expression) as 'read' | 'write' | 'readwrite', inAsync });
        continue;
      }
    }
    if (t.kind === 'builtin' && (inAsync || coloured.has(fn))) {
      plans.set(site.call, { kind: 'builtin', helper: t.helper, inAsync });
      continue;
    }
    if (inAsync) {
      plans.set(site.call, { kind: 'await' });
      continue;
    }
    if (!coloured.has(fn)) {
      specs.push(uncolourableSpec(fn, site.call, path));
      continue;
    }
    const callees = calleesOf.get(site)!;
    const explicit = callees.some((c) => recursive.get(c) !== undefined && recursive.get(c) === recursive.get(fn));
    if (t.kind === 'suspend') {
      plans.set(site.call, { kind: 'wait' });
    } else if (t.kind === 'static' && coloured.has(t.fn) && t.fn.getSourceFile() === fn.getSourceFile() && isDirectlyCallable(t.fn, site.call)) {
      plans.set(site.call, { kind: 'direct', fn: t.fn, explicit });
    } else {
      plans.set(site.call, { kind: 'dispatch', explicit });
    }
  }
  specs.push(...redeclaredParameters(plans, suspending));
  specs.push(...implicitGetterReads(checker, inv, coloured, colourPath));
  for (const fn of coloured) {
    files.add(fn.getSourceFile());
    if (ts.isMethodDeclaration(fn) && !ts.isPrivateIdentifier(fn.name) && propertyNameText(fn.name) === undefined) {
      specs.push({
        code: Codes.UnsupportedCall,
        node: fn.name,
        path: colourPath(fn),
        message: `The method ${functionName(fn)} may suspend, but its name is computed; ts-greenlet cannot register its twin. Give it a plain name, or move the suspending work into a named method.`,
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
  // `f.bind(t)` of a coloured function, anywhere: the bound function must keep a (bound) twin
  for (const site of inv.calls) {
    if (!ts.isCallExpression(site.call) || !boundFunction(checker, site.call)) continue;
    if (!colouredFunctionOf(checker, site.call, coloured)) continue;
    plans.set(site.call, { kind: 'bind' });
    files.add(site.call.getSourceFile());
  }
  for (const site of inv.calls) {
    const t = targets.get(site)!;
    if (ts.isCallExpression(site.call) && t.kind !== 'static' && t.kind !== 'suspend' && t.kind !== 'builtin') specs.push(...passedToUntransformed(checker, site.call, coloured, colourPath));
  }
  for (const construction of inv.constructions) specs.push(...passedToUntransformed(checker, construction, coloured, colourPath));
  for (const fn of coloured) specs.push(...decoratedByUntransformed(checker, fn, colourPath));
  specs.sort((a, b) => a.node.getSourceFile().fileName.localeCompare(b.node.getSourceFile().fileName) || a.node.getStart() - b.node.getStart());
  analysis.diagnostics = specs.map(createDiagnostic);
  return analysis;

  /**
   * The sites that may call `fn`, in program order: its static and declared-method edges, and the
   * method calls of its name whose receiver its owner fits (recorded as callees of those sites).
   * Asked once, when `fn` is coloured.
   */
  function callersOf(fn: FunctionNode): CallSite[] {
    const known = callers.get(fn) ?? [];
    const name = methodNames.get(fn);
    if (name === undefined) return known;
    const found: CallSite[] = [];
    const isGetter = ts.isGetAccessorDeclaration(fn);
    const isSetter = ts.isSetAccessorDeclaration(fn);
    for (const site of methodSites.get(name) ?? []) {
      const t = targets.get(site) as Extract<CallTarget, { kind: 'method' | 'accessor' | 'value' }>;
      // a method for a call, a getter for a read, a setter for a write
      if (t.kind !== 'accessor' ? isGetter || isSetter : (!isGetter || t.mode === 'write') && (!isSetter || t.mode === 'read')) continue;
      const declared = t.kind === 'method' ? t.declared : t.kind === 'accessor' ? t.fns : [];
      const receiver = t.kind === 'value' ? t.member!.receiver : t.receiver;
      if (declared.includes(fn) || !methodFits(checker, inv, fn, receiver)) continue;
      calleesOf.get(site)!.push(fn);
      found.push(site);
    }
    if (!found.length) return known;
    return [...known, ...found].sort((a, b) => siteOrder.get(a)! - siteOrder.get(b)!);
  }

  function colourPath(fn: FunctionNode): string[] {
    const out: string[] = [];
    const seen = new Set<FunctionNode>();
    let cur: FunctionNode | 'suspension point' = fn;
    while (cur !== 'suspension point' && !seen.has(cur)) {
      seen.add(cur);
      const r = reasons.get(cur);
      if (!r) break;
      out.push(functionName(cur));
      if (r.callee === 'suspension point') out.push(`${calleeText(r.site)} (suspends)`);
      cur = r.callee;
    }
    return out;
  }

  function pathOfSite(site: CallSite): string[] {
    const callee = siteCallee.get(site);
    if (callee === undefined || callee === 'suspension point') return [`${calleeText(site.call)} (suspends)`];
    return colourPath(callee);
  }
}

/**
 * A coloured function handed to code that was not transformed (a library, `setTimeout`, an
 * array method, a promise's `then`) is called as a plain function there, and meets ScopeError
 * the first time it suspends: report it now. The runtime's own greenlet-aware APIs
 * (`spawnGreenlet`, the Koa integration, ...) accept coloured functions.
 */
function passedToUntransformed(
  checker: ts.TypeChecker,
  call: ts.CallExpression | ts.NewExpression,
  coloured: Set<FunctionNode>,
  colourPath: (fn: FunctionNode) => string[],
): DiagnosticSpec[] {
  if (!call.arguments?.length) return [];
  const callee = skipParens(call.expression);
  let sym = checker.getSymbolAtLocation(ts.isPropertyAccessExpression(callee) ? callee.name : callee);
  if (sym && sym.flags & ts.SymbolFlags.Alias) sym = checker.getAliasedSymbol(sym);
  const decls = sym?.declarations ?? [];
  if (decls.length === 0 || decls.some((d) => isRuntimeFile(d.getSourceFile().fileName))) return [];
  if (!decls.every((d) => d.getSourceFile().isDeclarationFile)) return [];
  const out: DiagnosticSpec[] = [];
  const declaration = checker.getResolvedSignature(call)?.getDeclaration();
  call.arguments.forEach((arg, index) => {
    const fn = colouredFunctionOf(checker, arg, coloured);
    if (!fn || !mayCallArgument(checker, declaration, index)) return;
    const name = functionName(fn);
    out.push({
      code: Codes.PassedToUntransformed,
      node: arg,
      path: colourPath(fn),
      message: `${name === '<anonymous>' ? 'This function' : name} may suspend, but it is passed to ${ts.isNewExpression(call) ? `new ${calleeText(call)}` : calleeText(call)}, which was not compiled by ts-greenlet and calls it as a plain function (ScopeError when it suspends). Call it from coloured code instead (a loop, or one of the builtins ts-greenlet rewrites: Array, Map and Set forEach/map/filter/..., String replace), or pass spawnGreenletOnScopeError(fn) to get a promise.`,
    });
  });
  return out;
}

/**
 * A coloured method decorated by a decorator from a package: if that decorator wraps the method,
 * the wrapper (not compiled here) calls it as a plain function. ts-greenlet's own decorators
 * (`@get`, ...) only record it. A decorator written in the program is compiled, and its wrapper
 * is coloured through the value it is given.
 */
function decoratedByUntransformed(checker: ts.TypeChecker, fn: FunctionNode, colourPath: (fn: FunctionNode) => string[]): DiagnosticSpec[] {
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

/**
 * Whether the untransformed callee may call what it gets at `index`: it declares a function
 * there (`setTimeout(handler: TimerHandler)`, `then(onfulfilled?: (value: T) => ...)`). One that
 * takes any value (`push(...items: T[])`, `Map.set(key: K, value: V)`, `console.log(...data:
 * any[])`) stores or shows it; where it flows from there is followed like any function value.
 */
function mayCallArgument(checker: ts.TypeChecker, declaration: ts.SignatureDeclaration | ts.JSDocSignature | undefined, index: number): boolean {
  if (!declaration || !ts.isFunctionLike(declaration)) return true;
  const params = declaration.parameters;
  const last = params[params.length - 1];
  const param = index < params.length ? params[index] : last?.dotDotDotToken ? last : undefined;
  if (!param) return false; // an extra argument nobody reads
  let type = checker.getTypeAtLocation(param);
  if (param.dotDotDotToken) type = checker.isArrayType(type) ? checker.getTypeArguments(type as ts.TypeReference)[0] : checker.getAnyType();
  const callable = (t: ts.Type): boolean => t.getCallSignatures().length > 0 || t.symbol?.name === 'Function';
  const nonNull = checker.getNonNullableType(type);
  return nonNull.isUnion() ? nonNull.types.some(callable) : callable(nonNull);
}

/**
 * The declared types of the parameter an argument is passed to: what a call through it inside
 * the callee has (`f: (t: T) => number` of a generic function, or of a generic class's method or
 * constructor, whose contextual type `(t: string) => number` would not match). Passed to a
 * method, it flows into the same parameter of each program method of that name the receiver
 * may hold: an interface's `get<T>(load: () => T)` is implemented by `get<T>(load: () => T)`
 * with a `T` of its own.
 */
function declaredParameterTypes(checker: ts.TypeChecker, inv: Inventory, arg: ts.Expression): ts.Type[] {
  let inner: ts.Node = arg;
  let call: ts.Node = arg.parent;
  while (ts.isParenthesizedExpression(call)) {
    inner = call;
    call = call.parent;
  }
  if (!(ts.isCallExpression(call) || ts.isNewExpression(call)) || !call.arguments) return [];
  const index = call.arguments.indexOf(inner as ts.Expression);
  const decl = index < 0 ? undefined : checker.getResolvedSignature(call)?.getDeclaration();
  if (!decl || !ts.isFunctionLike(decl)) return [];
  const out: ts.Type[] = [];
  const typeOf = (d: ts.SignatureDeclaration) => {
    const param = d.parameters[index];
    if (param && !param.dotDotDotToken && ts.isIdentifier(param.name)) out.push(checker.getTypeAtLocation(param));
  };
  typeOf(decl);
  const callee = skipParens(call.expression);
  if ((ts.isMethodSignature(decl) || ts.isMethodDeclaration(decl)) && ts.isPropertyAccessExpression(callee)) {
    const receiver = checker.getTypeAtLocation(callee.expression);
    for (const m of inv.methodsByName.get(callee.name.text) ?? []) {
      if (m !== decl && ts.isMethodDeclaration(m) && methodFits(checker, inv, m, receiver)) typeOf(m);
    }
  }
  return out;
}

function colouredFunctionOf(checker: ts.TypeChecker, arg: ts.Expression, coloured: Set<FunctionNode>): FunctionNode | undefined {
  const fn = functionOfArgument(checker, arg);
  return fn && coloured.has(fn) ? fn : undefined;
}

function isRuntimeFile(fileName: string): boolean {
  return /[\\/]runtime[\\/]/.test(fileName) && /ts-greenlet|[\\/]dist[\\/]runtime[\\/]/.test(fileName);
}

/** Why an access that runs a suspending accessor cannot be rewritten, or undefined if it can. */
function unsupportedAccess(node: ts.PropertyAccessExpression | ts.ElementAccessExpression): string | undefined {
  if (node.expression.kind === ts.SyntaxKind.SuperKeyword) return 'it is reached through `super`. Call a method of the base class instead.';
  if (node.flags & ts.NodeFlags.OptionalChain) return 'it is inside an optional chain. Test for null/undefined first, then read the property.';
  const mode = accessMode(node);
  let outer: ts.Node = node.parent;
  while (ts.isParenthesizedExpression(outer) || ts.isNonNullExpression(outer)) outer = outer.parent;
  if (mode === 'readwrite' && !ts.isBinaryExpression(outer)) return 'it is incremented or decremented. Write `o.p = o.p + 1` instead.';
  if (mode !== 'read' && !(ts.isBinaryExpression(outer))) return 'it is a destructuring or loop target. Assign it with `o.p = value` instead.';
  if (ts.isBinaryExpression(outer) && [ts.SyntaxKind.AmpersandAmpersandEqualsToken, ts.SyntaxKind.BarBarEqualsToken, ts.SyntaxKind.QuestionQuestionEqualsToken].includes(outer.operatorToken.kind)) {
    return 'it is the target of a logical assignment. Write `if (!o.p) o.p = value` instead.';
  }
  return undefined;
}

/** Functions that can become generators. The rest report a diagnostic when a call in them may suspend. */
function isColourable(fn: FunctionNode): boolean {
  if (ts.isConstructorDeclaration(fn)) return false;
  // accessors get twins too, but a `#private` one cannot be found by an access site's dispatch
  if ((ts.isGetAccessorDeclaration(fn) || ts.isSetAccessorDeclaration(fn)) && (ts.isPrivateIdentifier(fn.name) || propertyNameText(fn.name) === undefined)) return false;
  if (fn.modifiers?.some((m) => m.kind === ts.SyntaxKind.AsyncKeyword)) return false;
  if ((ts.isFunctionDeclaration(fn) || ts.isFunctionExpression(fn) || ts.isMethodDeclaration(fn)) && fn.asteriskToken) return false;
  return true;
}

/**
 * A direct call delegates to a twin declared in the same file, with no lookup: a named function
 * declaration, or a `#private` method (which no subclass can override).
 */
function isDirectlyCallable(fn: FunctionNode, call: CallLike): boolean {
  if (ts.isCallExpression(call) && call.questionDotToken) return false;
  const callee = skipParens(calleeOf(call));
  // by its own name (not a bound copy), from inside the scope that declares its twin beside it
  // (not from another block of a merged namespace, where the name is `N.f` under the hood)
  if (ts.isFunctionDeclaration(fn)) return !!fn.name && ts.isIdentifier(callee) && callee.text === fn.name.text && isWithin(call, fn.parent);
  return ts.isMethodDeclaration(fn) && ts.isPrivateIdentifier(fn.name);
}

/**
 * A parameter default that may suspend moves the parameters into the body (`var [a, b = f()] =
 * args`: a generator cannot wait in its parameter list). Their scope is then the body's, so a
 * body `var a` or `function a` that redeclares one would be the same binding, which it is not
 * in the source (a closure in a default sees the parameter). Reported instead.
 */
function redeclaredParameters(plans: Map<ts.Node, CallPlan>, sites: Set<CallSite>): DiagnosticSpec[] {
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
      if (ts.isFunctionDeclaration(n) && n.parent === fn.body && n.name && params.has(n.name.text)) out.push(spec(n.name));
      if (ts.isVariableDeclarationList(n) && !(n.flags & ts.NodeFlags.BlockScoped)) {
        for (const d of n.declarations) for (const id of bindingIdentifiers(d.name)) if (params.has(id.text)) out.push(spec(id));
      }
      if (!ts.isFunctionLike(n) && !ts.isClassLike(n)) ts.forEachChild(n, walk);
    };
    fn.body.statements.forEach(walk);
  }
  return out;

  function spec(id: ts.Identifier): DiagnosticSpec {
    return {
      code: Codes.UnsupportedCall,
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
 * const { total } = order;   // TSG9006: `const total = order.total`
 * const copy = { ...order }; // TSG9006: spread reads order.total
 * ```
 */
function implicitGetterReads(checker: ts.TypeChecker, inv: Inventory, coloured: Set<FunctionNode>, colourPath: (fn: FunctionNode) => string[]): DiagnosticSpec[] {
  const colouredGetter = (sym: ts.Symbol | undefined) => sym?.declarations?.find((d): d is ts.GetAccessorDeclaration => ts.isGetAccessorDeclaration(d) && coloured.has(d));
  const out: DiagnosticSpec[] = [];
  for (const { node } of inv.implicitReads) {
    if (ts.isSpreadAssignment(node)) {
      const props = checker.getPropertiesOfType(checker.getTypeAtLocation(node.expression));
      const getter = props.map(colouredGetter).find((g) => g);
      if (!getter) continue;
      out.push({
        code: Codes.UnsupportedCall,
        node,
        path: colourPath(getter),
        message: `Spreading ${node.expression.getText()} reads ${propertyNameText(getter.name) ?? getter.name.getText()} through its getter, which may suspend, outside any place that can wait. Read the property into a variable first and build the object from named properties.`,
      });
      continue;
    }
    const sym = ts.isBindingElement(node) ? bindingElementProperty(checker, node) : ts.isShorthandPropertyAssignment(node) || ts.isPropertyAssignment(node) ? checker.getPropertyOfType(checker.getTypeOfAssignmentPattern(node.parent as ts.ObjectLiteralExpression), node.name.getText()) : undefined;
    const getter = colouredGetter(sym);
    if (!getter) continue;
    const name = propertyNameText(getter.name) ?? getter.name.getText();
    out.push({
      code: Codes.UnsupportedCall,
      node,
      path: colourPath(getter),
      message: `This destructuring reads ${name} through its getter, which may suspend, where nothing can wait. Read it as a property instead: \`const ${name} = o.${name}\`.`,
    });
  }
  return out;
}

/** The property a binding element of an object pattern reads, from the type being destructured. */
function bindingElementProperty(checker: ts.TypeChecker, element: ts.BindingElement): ts.Symbol | undefined {
  const key = element.propertyName ?? element.name;
  const text = ts.isIdentifier(key) || ts.isStringLiteral(key) || ts.isNumericLiteral(key) ? key.text : undefined;
  if (text === undefined) return undefined;
  return checker.getPropertyOfType(checker.getTypeAtLocation(element.parent), text);
}

function bindingNames(name: ts.BindingName): string[] {
  return bindingIdentifiers(name).map((id) => id.text);
}

function bindingIdentifiers(name: ts.BindingName): ts.Identifier[] {
  if (ts.isIdentifier(name)) return [name];
  return name.elements.flatMap((e) => (ts.isOmittedExpression(e) ? [] : bindingIdentifiers(e.name)));
}

function isWithin(node: ts.Node, scope: ts.Node): boolean {
  for (let n: ts.Node | undefined = node; n; n = n.parent) if (n === scope) return true;
  return false;
}

function uncolourableSpec(fn: FunctionNode, call: CallLike, path: string[]): DiagnosticSpec {
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

function calleeText(call: CallLike | ts.NewExpression): string {
  const text = (ts.isNewExpression(call) ? call.expression : calleeOf(call)).getText();
  return text.length > 40 ? `${text.slice(0, 37)}...` : text;
}

/** Tarjan's SCCs over coloured functions: id of the component for functions on a cycle. */
function stronglyConnected(nodes: Set<FunctionNode>, edges: (n: FunctionNode) => FunctionNode[]): Map<FunctionNode, number> {
  const index = new Map<FunctionNode, number>();
  const low = new Map<FunctionNode, number>();
  const onStack = new Set<FunctionNode>();
  const stack: FunctionNode[] = [];
  const comp = new Map<FunctionNode, number>();
  let counter = 0;
  let compId = 0;
  for (const n of nodes) if (!index.has(n)) strong(n);
  return comp;

  // Iterative, so a long call chain cannot overflow the compiler's stack.
  function strong(root: FunctionNode): void {
    const frames: Array<{ n: FunctionNode; out: FunctionNode[]; i: number }> = [];
    const enter = (n: FunctionNode) => {
      index.set(n, counter);
      low.set(n, counter++);
      stack.push(n);
      onStack.add(n);
      frames.push({ n, out: edges(n), i: 0 });
    };
    enter(root);
    while (frames.length) {
      const f = frames[frames.length - 1];
      if (f.i < f.out.length) {
        const m = f.out[f.i++];
        if (!index.has(m)) enter(m);
        else if (onStack.has(m)) low.set(f.n, Math.min(low.get(f.n)!, index.get(m)!));
        continue;
      }
      frames.pop();
      if (frames.length) {
        const parent = frames[frames.length - 1].n;
        low.set(parent, Math.min(low.get(parent)!, low.get(f.n)!));
      }
      if (low.get(f.n) === index.get(f.n)) {
        const members: FunctionNode[] = [];
        let m: FunctionNode;
        do {
          m = stack.pop()!;
          onStack.delete(m);
          members.push(m);
        } while (m !== f.n);
        const selfLoop = edges(f.n).includes(f.n);
        if (members.length > 1 || selfLoop) {
          for (const x of members) comp.set(x, compId);
          compId++;
        }
      }
    }
  }
}
