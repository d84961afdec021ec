/**
 * Call plans: how each call that may suspend is emitted (result.ts's `CallPlan`), decided here so
 * the rewrite only obeys. A call in a coloured function delegates (`yield*`), makes an explicit
 * record (recursion, and every so often along long `yield*` chains), dispatches at run time, or
 * waits inline; in an `async` function it is awaited; where nothing can wait it is a diagnostic.
 *
 * ```ts
 * function show(id) { return find(id).name; }  // { kind: 'direct', fn: find, explicit: false }
 * function walk(n) { return walk(n.next); }    // { kind: 'direct', fn: walk, recursive: true }
 * function run(f) { return f(); }               // { kind: 'dispatch', explicit: false }
 * async function h() { return show(1); }       // { kind: 'await' }
 * const x = show(1);                            // module top level: TSG39001
 * ```
 */
import ts from '../ts';
import { accessMode, bindThroughCall, possiblyBoundFunction } from './call-targets';
import { calleeOf, CallLike, FunctionNode, Inventory, isWithin, skipParens } from './inventory';
import { uncolourableSpec, unsupportedAccess } from './checks';
import { colouredFunctionOf } from './passed-to-library';
import { colouredAmong } from './value-flow-queries';
import { callsToMakeRecords, DelegatingCall } from './delegation-depth';
import { Codes, DiagnosticSpec } from '../diagnostics';
import { isRuntimeExport } from './suspension-points';
import { synchronizeNames } from './synchronize-names';
import { SUSPENDS, ValueFlow } from './value-flow';
import type { CallGraph } from './call-graph';
import type { Colouring } from './colour';
import type { CallPlan } from './result';

export interface CallPlans {
  plans: Map<ts.Node, CallPlan>;
  /** Files with something to rewrite, and files whose only change is a synchronized function's name. */
  files: Set<ts.SourceFile>;
  namedFiles: Set<ts.SourceFile>;
  /** Calls that may suspend where nothing can wait, or in a form that cannot be split. */
  specs: DiagnosticSpec[];
}

export function planCalls(
  checker: ts.TypeChecker,
  inv: Inventory,
  graph: CallGraph,
  colouring: Colouring,
  flow: ValueFlow,
): CallPlans {
  const { coloured, suspending, recursive } = colouring;
  const plans = new Map<ts.Node, CallPlan>();
  const specs: DiagnosticSpec[] = [];
  const files = new Set<ts.SourceFile>();
  const namedFiles = new Set<ts.SourceFile>();
  /** Calls that would delegate with `yield*`: how deep they nest is capped below. */
  const delegating: (DelegatingCall & { plan: { explicit: boolean } })[] = [];
  for (const site of suspending) {
    const path = colouring.pathOfSite(site);
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
    const t = graph.targets.get(site)!;
    const inAsync = fn.modifiers?.some((m) => m.kind === ts.SyntaxKind.AsyncKeyword) ?? false;
    const how = graph.viaOf.get(site);
    if (how) {
      if (site.call.flags & ts.NodeFlags.OptionalChain) {
        specs.push({
          code: Codes.UnsupportedForm,
          node: site.call,
          path,
          message: `This ${how}() may suspend, but it is inside an optional chain. Test for null/undefined first, then call it.`,
        });
      } else if (inAsync || coloured.has(fn)) {
        const isRecursive = graph.calleesOf
          .get(site)!
          .some((c) => recursive.get(c) !== undefined && recursive.get(c) === recursive.get(fn));
        const plan = { kind: 'via', how, inAsync, explicit: false, recursive: isRecursive } satisfies CallPlan;
        plans.set(site.call, plan);
        if (!inAsync && !isRecursive)
          delegating.push({ caller: fn, callees: graph.calleesOf.get(site)!.filter((c) => coloured.has(c)), plan });
      } else {
        specs.push(uncolourableSpec(fn, site.call, path));
      }
      continue;
    }
    if (t.kind === 'accessor') {
      const problem = unsupportedAccess(site.call as ts.PropertyAccessExpression | ts.ElementAccessExpression);
      if (problem) {
        specs.push({
          code: Codes.UnsupportedForm,
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
    const callees = graph.calleesOf.get(site)!;
    // within its strongly connected component: nested `yield*` up to a limit, then records, at run time
    const isRecursive = callees.some((c) => recursive.get(c) !== undefined && recursive.get(c) === recursive.get(fn));
    if (t.kind === 'suspend') {
      plans.set(site.call, { kind: 'wait', bare: isAwaitSyncOfPromise(checker, site.call) });
    } else {
      const plan: CallPlan & { explicit: boolean } =
        t.kind === 'static' &&
        coloured.has(t.fn) &&
        t.fn.getSourceFile() === fn.getSourceFile() &&
        isDirectlyCallable(t.fn, site.call)
          ? { kind: 'direct', fn: t.fn, explicit: false, recursive: isRecursive }
          : { kind: 'dispatch', explicit: false, recursive: isRecursive };
      plans.set(site.call, plan);
      if (!isRecursive) delegating.push({ caller: fn, callees: callees.filter((c) => coloured.has(c)), plan });
    }
  }
  // Long chains of `yield*` edges get a record every so often (see delegation-depth.ts).
  for (const call of callsToMakeRecords(delegating)) call.plan.explicit = true;
  for (const fn of coloured) files.add(fn.getSourceFile());
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
  for (const [call, name] of synchronizeNames(checker, inv.calls)) {
    if (plans.has(call)) continue;
    plans.set(call, { kind: 'name', name });
    if (!files.has(call.getSourceFile())) namedFiles.add(call.getSourceFile());
  }
  return { plans, files, namedFiles, specs };
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
