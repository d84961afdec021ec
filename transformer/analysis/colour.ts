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
import {
  accessMode,
  bindThroughCall,
  CallTarget,
  functionOfArgument,
  isOpaqueType,
  methodFits,
  possiblyBoundFunction,
  resolveCallee,
  resolveCallTarget,
  viaCallOrApply,
} from './call-targets';
import {
  buildInventory,
  calleeOf,
  CallLike,
  CallSite,
  FunctionNode,
  functionName,
  Inventory,
  isWithin,
  propertyNameText,
  skipParens,
} from './inventory';
import {
  calleeText,
  colouredAmong,
  colouredFunctionOf,
  decoratedByUntransformed,
  writtenUnderUnboundedKey,
  implicitGetterReads,
  passedToUntransformed,
  redeclaredParameters,
  uncolourableSpec,
  unsupportedAccess,
} from './checks';
import { stronglyConnected } from './scc';
import { callsToMakeRecords, DelegatingCall } from './delegation-depth';
import { Codes, createDiagnostic, DiagnosticSpec } from '../diagnostics';
import { lexicalUses } from './lexical-uses';
import { isRuntimeExport } from './suspension-points';
import { isRuntimeFile } from './runtime-files';
import { synchronizeNames } from './synchronize-names';
import { implicitCalls } from './implicit-calls';
import { analyseValueFlow, FlowValue, SUSPENDS, VALUE_FLOW_BUDGET } from './value-flow';
import type { BuiltinHelper } from '../protocol-names';

/** How a call that may suspend is emitted inside a coloured function. */
export type CallPlan =
  /** `yield* f$twin(...)`, or `yield f$twin(...)` (an explicit call record) when `explicit`. */
  | { kind: 'direct'; fn: FunctionNode; explicit: boolean }
  /** Look the twin up at run time (`TWIN`), delegate if there is one, else call plainly. */
  | { kind: 'dispatch'; explicit: boolean }
  /**
   * A suspension point: call the promise-returning function behind it and wait inline (`RAW`);
   * `awaitSync(p)` of a value typed as a promise waits for `p` itself (`bare`).
   */
  | { kind: 'wait'; bare: boolean }
  /** Inside an `async` function: run the call as a greenlet and `await` it. */
  | { kind: 'await' }
  /**
   * `f.bind(t, ...args)` of a coloured function: `__tsg.bindTwin(f, t, ...args)`; `throughCall`:
   * `_bind.call(f, t, ...args)`, Function.prototype.bind read as a value (call-targets.ts).
   */
  | { kind: 'bind'; throughCall: boolean }
  /** `o.#m` of a coloured private method read as a value: `__tsg.withTwin(o.#m, o.#m$twin)`. */
  | { kind: 'privateTwin'; fn: FunctionNode }
  /** `f.call(t, ...args)` / `f.apply(t, args)` of a function that may suspend. */
  | { kind: 'via'; how: 'call' | 'apply'; inAsync: boolean; explicit: boolean }
  /** A read (`o.p`), write (`o.p = v`) or compound write (`o.p += v`) of an accessor that may suspend. */
  | { kind: 'accessor'; mode: 'read' | 'write' | 'readwrite'; inAsync: boolean }
  /** A builtin whose callback may suspend: its suspending version (`__tsg.builtins.map`), awaited in an async function. */
  | { kind: 'builtin'; helper: BuiltinHelper; inAsync: boolean }
  /** `synchronize(async () => …)` bound to a name: the name goes into its options (synchronize-names.ts). */
  | { kind: 'name'; name: string };

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
  /**
   * Files whose only change is a name for an anonymous synchronized function (a `name` plan).
   * The build rewrites them; `generate` copies them as written (typed, with default names).
   */
  namedFiles: Set<ts.SourceFile>;
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
  // What value flow says each call may run (value-flow.ts), beside what types say: the sites that
  // may call each function, and the sites whose callee may be a suspension point.
  const flow = analyseValueFlow(program);
  const flowCallers = new Map<FunctionNode, CallSite[]>();
  const flowSuspending: CallSite[] = [];

  for (const site of inv.calls) {
    siteOrder.set(site, siteOrder.size);
    // `f.call(t, x)` is a call of `f`: analysed as one, emitted through `dispatch(f).call(t, x)`
    // `_bind.call(f, t)` only binds, as `f.bind(t)` does: a call of nothing (its plan is a bind)
    const binds = ts.isCallExpression(site.call) && bindThroughCall(checker, site.call) !== undefined;
    const via = binds ? undefined : viaCallOrApply(checker, site.call);
    if (via) viaOf.set(site, via.how);
    const t: CallTarget = binds
      ? { kind: 'opaque' }
      : via
        ? resolveCallee(checker, via.fn, undefined)
        : resolveCallTarget(checker, site.call);
    targets.set(site, t);
    const callback =
      t.kind === 'builtin' && ts.isCallExpression(site.call)
        ? functionOfArgument(checker, site.call.arguments[t.callbackIndex])
        : undefined;
    if (callback) {
      let list = builtinSitesOf.get(callback);
      if (!list) builtinSitesOf.set(callback, (list = []));
      list.push(site);
    }
    const callees =
      t.kind === 'static'
        ? [t.fn]
        : t.kind === 'method'
          ? [...new Set(t.declared)]
          : t.kind === 'accessor'
            ? t.fns
            : callback
              ? [callback]
              : [];
    calleesOf.set(site, callees);
    for (const fn of callees) {
      let list = callers.get(fn);
      if (!list) callers.set(fn, (list = []));
      list.push(site);
    }
    const memberName =
      t.kind === 'method' || t.kind === 'accessor' ? t.name : t.kind === 'value' ? t.member?.name : undefined;
    if (memberName !== undefined) {
      let list = methodSites.get(memberName);
      if (!list) methodSites.set(memberName, (list = []));
      list.push(site);
    }
    if (t.kind === 'value') valueSites.push(site);
    const known = new Set(callees);
    for (const v of flowTargets(site, t, via?.fn)) {
      if (v === SUSPENDS) {
        flowSuspending.push(site);
        continue;
      }
      if (t.kind === 'builtin') {
        let list = builtinSitesOf.get(v);
        if (!list) builtinSitesOf.set(v, (list = []));
        if (!list.includes(site)) list.push(site);
      }
      if (known.has(v)) continue;
      known.add(v);
      callees.push(v);
      let list = flowCallers.get(v);
      if (!list) flowCallers.set(v, (list = []));
      list.push(site);
    }
  }
  const methodNames = new Map<FunctionNode, string>();
  for (const [name, fns] of inv.methodsByName) for (const fn of fns) methodNames.set(fn, name);

  const coloured = new Set<FunctionNode>();
  const suspending = new Set<CallSite>();
  const reasons: Analysis['reasons'] = new Map();
  const siteCallee = new Map<CallSite, FunctionNode | 'suspension point'>();
  const work: Array<[CallSite, FunctionNode | 'suspension point']> = [];

  for (const site of inv.calls) if (targets.get(site)!.kind === 'suspend') work.push([site, 'suspension point']);
  for (const site of flowSuspending) work.push([site, 'suspension point']);
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
    for (const caller of flowCallers.get(fn) ?? []) work.push([caller, fn]);
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
      // Not flows: `any` (mutually assignable with every type), and a greenlet root handed to the
      // runtime (`spawnGreenlet(main)` would make every `() => void` in the program a candidate).
      const flows = (inv.valueUses.get(fn) ?? []).flatMap((u: ts.Expression) => {
        if (passedToRuntime(checker, u)) return [];
        const contextual = checker.getNonNullableType(checker.getContextualType(u) ?? checker.getTypeAtLocation(fn));
        return [
          contextual,
          ...declaredParameterTypes(checker, inv, u).map((t) => checker.getNonNullableType(t)),
        ].filter((t) => !isOpaqueType(t));
      });
      for (const d of decorators) {
        const param = checker.getResolvedSignature(d)?.getDeclaration()?.parameters[0];
        if (param) flows.push(checker.getNonNullableType(checker.getTypeAtLocation(param)));
      }
      for (const vs of valueSites) {
        if (suspending.has(vs)) continue;
        const t = checker.getNonNullableType((targets.get(vs) as { type: ts.Type }).type);
        if (flows.some((c) => checker.isTypeAssignableTo(c, t) && checker.isTypeAssignableTo(t, c)))
          work.push([vs, fn]);
      }
    }
  }

  const recursive = stronglyConnected(coloured, (fn) =>
    (inv.callsByFunction.get(fn) ?? [])
      .filter((s) => suspending.has(s))
      .flatMap((s) => calleesOf.get(s)!.filter((c) => coloured.has(c))),
  );

  const plans = new Map<ts.Node, CallPlan>();
  const specs: DiagnosticSpec[] = [];
  const files = new Set<ts.SourceFile>();
  const analysis: Analysis = {
    program,
    inventory: inv,
    coloured,
    plans,
    reasons,
    diagnostics: [],
    files,
    namedFiles: new Set(),
    colourPath,
  };

  /** Calls that would delegate with `yield*`: how deep they nest is capped below. */
  const delegating: (DelegatingCall & { plan: { explicit: boolean } })[] = [];
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
        specs.push({
          code: Codes.UnsupportedCall,
          node: site.call,
          path,
          message: `This ${how}() may suspend, but it is inside an optional chain. Test for null/undefined first, then call it.`,
        });
      } else if (inAsync || coloured.has(fn)) {
        const explicit = calleesOf
          .get(site)!
          .some((c) => recursive.get(c) !== undefined && recursive.get(c) === recursive.get(fn));
        const plan = { kind: 'via', how, inAsync, explicit } as const satisfies CallPlan;
        plans.set(site.call, plan);
        if (!inAsync && !explicit)
          delegating.push({ caller: fn, callees: calleesOf.get(site)!.filter((c) => coloured.has(c)), plan });
      } else {
        specs.push(uncolourableSpec(fn, site.call, path));
      }
      continue;
    }
    if (t.kind === 'accessor') {
      const problem = unsupportedAccess(site.call as ts.PropertyAccessExpression | ts.ElementAccessExpression);
      if (problem) {
        specs.push({
          code: Codes.UnsupportedCall,
          node: site.call,
          path,
          message: `This property access runs an accessor that may suspend, but ${problem}`,
        });
        continue;
      }
      if (inAsync || coloured.has(fn)) {
        plans.set(site.call, {
          kind: 'accessor',
          mode: accessMode(site.call as ts.Expression) as 'read' | 'write' | 'readwrite',
          inAsync,
        });
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
      plans.set(site.call, { kind: 'wait', bare: isAwaitSyncOfPromise(checker, site.call) });
    } else {
      const plan: CallPlan & { explicit: boolean } =
        t.kind === 'static' &&
        coloured.has(t.fn) &&
        t.fn.getSourceFile() === fn.getSourceFile() &&
        isDirectlyCallable(t.fn, site.call)
          ? { kind: 'direct', fn: t.fn, explicit }
          : { kind: 'dispatch', explicit };
      plans.set(site.call, plan);
      if (!explicit) delegating.push({ caller: fn, callees: callees.filter((c) => coloured.has(c)), plan });
    }
  }
  // Long chains of `yield*` edges get a record every so often (see delegation-depth.ts).
  for (const call of callsToMakeRecords(delegating)) call.plan.explicit = true;
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
    files.add(fn.getSourceFile());
    if (ts.isMethodDeclaration(fn) && !ts.isPrivateIdentifier(fn.name) && propertyNameText(fn.name) === undefined) {
      specs.push({
        code: Codes.UnsupportedCall,
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
  // `this.#m` handed on as a value (also `this.#m.call(t)`, which dispatches through it): a private
  // method's plain entry can only get its twin where an instance is at hand, so the read site hangs it on
  for (const { access, method } of inv.privateMethodValues) {
    if (!coloured.has(method) || accessMode(access) !== 'read') continue;
    plans.set(access, { kind: 'privateTwin', fn: method });
    files.add(access.getSourceFile());
  }
  // `f.bind(t)` of a coloured function, anywhere: the bound function must keep a (bound) twin
  for (const site of inv.calls) {
    if (!ts.isCallExpression(site.call)) continue;
    const throughCall = bindThroughCall(checker, site.call);
    const boundFn = throughCall ?? possiblyBoundFunction(checker, site.call);
    if (!boundFn) continue;
    const boundValues = flow.valuesOf(boundFn);
    const mayBeColoured = boundValues?.has(SUSPENDS) || colouredAmong(boundValues, coloured);
    if (!mayBeColoured && !colouredFunctionOf(checker, site.call, coloured)) continue;
    plans.set(site.call, { kind: 'bind', throughCall: !!throughCall });
    files.add(site.call.getSourceFile());
  }
  for (const site of inv.calls) {
    const t = targets.get(site)!;
    if (ts.isCallExpression(site.call) && t.kind !== 'static' && t.kind !== 'suspend' && t.kind !== 'builtin')
      specs.push(...passedToUntransformed(checker, site.call, coloured, colourPath, flow.valuesOf));
  }
  for (const construction of inv.constructions)
    specs.push(...passedToUntransformed(checker, construction, coloured, colourPath, flow.valuesOf));
  for (const fn of coloured) specs.push(...decoratedByUntransformed(checker, fn, colourPath));
  specs.push(...writtenUnderUnboundedKey(flow.unboundedWrites(), coloured, colourPath));
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
  for (const [call, name] of synchronizeNames(checker, inv.calls)) {
    if (plans.has(call)) continue;
    plans.set(call, { kind: 'name', name });
    if (!files.has(call.getSourceFile())) analysis.namedFiles.add(call.getSourceFile());
  }
  specs.sort(
    (a, b) =>
      a.node.getSourceFile().fileName.localeCompare(b.node.getSourceFile().fileName) ||
      a.node.getStart() - b.node.getStart(),
  );
  analysis.diagnostics = specs.map(createDiagnostic);
  return analysis;

  /**
   * What value flow says a call may run. A method call (`o.m()`) leaves the program's class
   * methods to the type-based dispatch above (a `Map`'s `get` is not every class's `get`), and a
   * call of a member declared outside the program (`console.log`, `map.get`) takes none, unless
   * the receiver's type says nothing (`any`).
   */
  function flowTargets(site: CallSite, t: CallTarget, viaFn: ts.Expression | undefined): FlowValue[] {
    const call = site.call;
    if (t.kind === 'static' || t.kind === 'suspend' || t.kind === 'accessor') return [];
    if (!ts.isCallExpression(call) && !ts.isTaggedTemplateExpression(call)) return [];
    if (t.kind === 'builtin') {
      const arg = ts.isCallExpression(call) ? call.arguments[t.callbackIndex] : undefined;
      return arg ? [...(flow.valuesOf(arg) ?? [])] : [];
    }
    const values = flow.calleeValues(call);
    if (!values || values.size === 0) return [];
    const callee = viaFn ?? skipParens(calleeOf(call));
    // `o[k]()` with `k: 'load' | 'save'`: no one member for the type-based dispatch to take
    if (!ts.isPropertyAccessExpression(callee)) return [...values];
    // a receiver typed `any`/`unknown` says nothing of which member it has (isOpaqueType would also take every non-callable receiver)
    if (checker.getTypeAtLocation(callee.expression).flags & (ts.TypeFlags.Any | ts.TypeFlags.Unknown))
      return [...values];
    const decls = checker.getSymbolAtLocation(callee.name)?.declarations ?? [];
    if (decls.length && decls.every((d) => d.getSourceFile().isDeclarationFile)) return [];
    return [...values].filter((v) => v === SUSPENDS || !isClassMember(v));
  }

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
      if (
        t.kind !== 'accessor'
          ? isGetter || isSetter
          : (!isGetter || t.mode === 'write') && (!isSetter || t.mode === 'read')
      )
        continue;
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
    return colourChain(reasons, fn).flatMap(({ fn: f, reason }) =>
      reason.callee === 'suspension point'
        ? [functionName(f), `${calleeText(reason.site)} (suspends)`]
        : [functionName(f)],
    );
  }

  function pathOfSite(site: CallSite): string[] {
    const callee = siteCallee.get(site);
    if (callee === undefined || callee === 'suspension point') return [`${calleeText(site.call)} (suspends)`];
    return colourPath(callee);
  }
}
/**
 * `awaitSync(p)` with `p` typed as a promise or thenable: the wait is for `p` itself, with no call. (Any other
 * argument goes through awaitSync's raw function, which also passes plain values and generator
 * objects through as they are.)
 */
function isAwaitSyncOfPromise(checker: ts.TypeChecker, call: CallLike): boolean {
  if (
    !ts.isCallExpression(call) ||
    call.arguments.length !== 1 ||
    call.questionDotToken ||
    ts.isSpreadElement(call.arguments[0])
  )
    return false;
  if (!isRuntimeExport(checker, skipParens(call.expression), 'awaitSync')) return false;
  const t = checker.getTypeAtLocation(call.arguments[0]);
  if (t.isUnion() || t.flags & (ts.TypeFlags.Any | ts.TypeFlags.Unknown | ts.TypeFlags.TypeParameter)) return false;
  const then = t.getProperty('then');
  return !!then && checker.getTypeOfSymbolAtLocation(then, call).getCallSignatures().length > 0; // a promise or a thenable: waited for
}

/** `use` is an argument of one of ts-greenlet's own APIs (`spawnGreenlet(fn)`, `router.get(path, fn)`). */
function passedToRuntime(checker: ts.TypeChecker, use: ts.Expression): boolean {
  const at = argumentOf(use);
  const file = at && checker.getResolvedSignature(at.call)?.getDeclaration()?.getSourceFile();
  return !!file && isRuntimeFile(file.fileName);
}

/** The call (or `new`) `arg` is an argument of, through parentheses, and its position. */
function argumentOf(arg: ts.Expression): { call: ts.CallExpression | ts.NewExpression; index: number } | undefined {
  let inner: ts.Node = arg;
  let call: ts.Node = arg.parent;
  while (ts.isParenthesizedExpression(call)) {
    inner = call;
    call = call.parent;
  }
  if (!(ts.isCallExpression(call) || ts.isNewExpression(call)) || !call.arguments) return undefined;
  const index = call.arguments.indexOf(inner as ts.Expression);
  return index < 0 ? undefined : { call, index };
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
  const at = argumentOf(arg);
  if (!at) return [];
  const { call, index } = at;
  const decl = checker.getResolvedSignature(call)?.getDeclaration();
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

/** A method or accessor of a class: calls of it by name are dispatched by type. */
function isClassMember(fn: FunctionNode): boolean {
  return (
    (ts.isMethodDeclaration(fn) || ts.isGetAccessorDeclaration(fn) || ts.isSetAccessorDeclaration(fn)) &&
    ts.isClassLike(fn.parent)
  );
}

/** Functions that can become generators. The rest report a diagnostic when a call in them may suspend. */
function isColourable(fn: FunctionNode): boolean {
  if (ts.isConstructorDeclaration(fn)) return false;
  // accessors get twins too, but a `#private` one cannot be found by an access site's dispatch
  if (
    (ts.isGetAccessorDeclaration(fn) || ts.isSetAccessorDeclaration(fn)) &&
    (ts.isPrivateIdentifier(fn.name) || propertyNameText(fn.name) === undefined)
  )
    return false;
  if (fn.modifiers?.some((m) => m.kind === ts.SyntaxKind.AsyncKeyword)) return false;
  if ((ts.isFunctionDeclaration(fn) || ts.isFunctionExpression(fn) || ts.isMethodDeclaration(fn)) && fn.asteriskToken)
    return false;
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
  if (ts.isFunctionDeclaration(fn))
    return !!fn.name && ts.isIdentifier(callee) && callee.text === fn.name.text && isWithin(call, fn.parent);
  return ts.isMethodDeclaration(fn) && ts.isPrivateIdentifier(fn.name);
}

/**
 * Why `fn` is coloured, one hop per function: each function from `fn` down to the suspension
 * point with the call (`reasons`) that coloured it. Diagnostics print it as a colour path,
 * `ts-greenlet explain` with each call's place.
 */
export function colourChain(
  reasons: Analysis['reasons'],
  fn: FunctionNode,
): Array<{ fn: FunctionNode; reason: { site: CallLike; callee: FunctionNode | 'suspension point' } }> {
  const out: Array<{ fn: FunctionNode; reason: { site: CallLike; callee: FunctionNode | 'suspension point' } }> = [];
  const seen = new Set<FunctionNode>();
  let cur: FunctionNode | 'suspension point' = fn;
  while (cur !== 'suspension point' && !seen.has(cur)) {
    seen.add(cur);
    const reason = reasons.get(cur);
    if (!reason) break;
    out.push({ fn: cur, reason });
    cur = reason.callee;
  }
  return out;
}
