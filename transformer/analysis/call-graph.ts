/**
 * The call graph: what each call may run. Types say it for static calls, declared methods,
 * accessors and builtins' callbacks (call-targets.ts); value flow (value-flow.ts) adds what may
 * flow to a callee whatever its type. Method calls by name are matched lazily: which program
 * methods of that name a call may dispatch to (`methodFits`) is only asked of methods that get
 * coloured, since testing every method call against every method of its name costs more than
 * type-checking the program.
 *
 * ```ts
 * find(id);              // static: find
 * repo.load(id);         // method: Repo.load, and each coloured `load` whose owner fits repo's type
 * handlers[k](req);      // value: what value flow says may be stored under those keys
 * ids.map(lookup);       // builtin: lookup, called back by map
 * ```
 */
import ts from '../ts';
import {
  bindThroughCall,
  CallTarget,
  functionOfArgument,
  methodFits,
  resolveCallee,
  resolveCallTarget,
  viaCallOrApply,
} from './call-targets';
import { calleeOf, CallSite, FunctionNode, Inventory, skipParens } from './inventory';
import { FlowValue, SUSPENDS, ValueFlow } from './value-flow';
import { narrowsToBrand } from './suspension-points';
import { isDataMember } from './value-flow-outside';

export interface CallGraph {
  targets: Map<CallSite, CallTarget>;
  /** Callees of each site: static, declared, value flow's, and (added by `callersOf`) the coloured methods that fit. */
  calleesOf: Map<CallSite, FunctionNode[]>;
  /** Callback → the builtin calls passing it. */
  builtinSitesOf: Map<FunctionNode, CallSite[]>;
  /** Calls through a value (matched by type too when value flow ran out of budget, colour.ts). */
  valueSites: CallSite[];
  /** `f.call(t, x)` / `f.apply(t, a)`: a call of `f`, emitted through `dispatch(f).call(t, x)`. */
  viaOf: Map<CallSite, 'call' | 'apply'>;
  /** The sites value flow says may call each function, and those whose callee may be a suspension point. */
  flowCallers: Map<FunctionNode, CallSite[]>;
  flowSuspending: CallSite[];
  /**
   * The sites that may call `fn`, in program order: its static and declared-method edges, and the
   * method calls of its name whose receiver its owner fits (recorded as callees of those sites).
   * Asked once, when `fn` is coloured.
   */
  callersOf(fn: FunctionNode): CallSite[];
}

export function buildCallGraph(checker: ts.TypeChecker, inv: Inventory, flow: ValueFlow): CallGraph {
  const targets = new Map<CallSite, CallTarget>();
  const callers = new Map<FunctionNode, CallSite[]>(); // static edges and declared methods, reversed
  const valueSites: CallSite[] = [];
  const calleesOf = new Map<CallSite, FunctionNode[]>();
  const builtinSitesOf = new Map<FunctionNode, CallSite[]>();
  const methodSites = new Map<string, CallSite[]>(); // method calls by name
  const siteOrder = new Map<CallSite, number>();
  const viaOf = new Map<CallSite, 'call' | 'apply'>();
  const flowCallers = new Map<FunctionNode, CallSite[]>();
  const flowSuspending: CallSite[] = [];
  // Value flow answers with one set per callee location, shared by every call through it (all
  // the calls of a field `.find`, thousands of values in all on large programs): each set's
  // values, and those that are no class member, are listed once.
  const listed = new Map<ReadonlySet<FlowValue>, FlowValue[]>();
  const nonMembers = new Map<ReadonlySet<FlowValue>, FlowValue[]>();

  // a type guard to a branded type makes every callee's type worth asking (call-targets.ts)
  const brandGuards = inv.calls.some((site) => narrowsToBrand(checker, site.call));
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
        ? resolveCallee(checker, via.fn, undefined, brandGuards)
        : resolveCallTarget(checker, site.call, brandGuards);
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
  return { targets, calleesOf, builtinSitesOf, valueSites, viaOf, flowCallers, flowSuspending, callersOf };

  /**
   * What value flow says a call may run. A method call (`o.m()`) leaves the program's class
   * methods to the type-based dispatch (`callersOf`) (a `Map`'s `get` is not every class's `get`), and a
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
    if (!ts.isPropertyAccessExpression(callee)) return listOf(values);
    // a receiver typed `any`/`unknown` says nothing of which member it has (isOpaqueType would also take every non-callable receiver);
    // such a receiver resolves no member, so its type is asked only then (the checker narrows it each time)
    const sym = checker.getSymbolAtLocation(callee.name);
    if (!sym && checker.getTypeAtLocation(callee.expression).flags & (ts.TypeFlags.Any | ts.TypeFlags.Unknown))
      return listOf(values);
    const decls = sym?.declarations ?? [];
    if (decls.length && decls.every((d) => d.getSourceFile().isDeclarationFile) && !decls.some(isDataMember)) return [];
    let out = nonMembers.get(values);
    if (!out) nonMembers.set(values, (out = listOf(values).filter((v) => v === SUSPENDS || !isClassMember(v))));
    return out;
  }

  function listOf(values: ReadonlySet<FlowValue>): FlowValue[] {
    let out = listed.get(values);
    if (!out) listed.set(values, (out = [...values]));
    return out;
  }

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
}

/** A method or accessor of a class: calls of it by name are dispatched by type. */
function isClassMember(fn: FunctionNode): boolean {
  return (
    (ts.isMethodDeclaration(fn) || ts.isGetAccessorDeclaration(fn) || ts.isSetAccessorDeclaration(fn)) &&
    ts.isClassLike(fn.parent)
  );
}
