/**
 * Colouring: which functions can reach a suspension point. A worklist fixed point over the call
 * graph (call-graph.ts), so recursion and mutual recursion settle; each coloured function keeps
 * the call that coloured it (`reasons`), which diagnostics print as a colour path.
 *
 * ```ts
 * const query = synchronize(db.query); // suspension point (brand)
 * function find(id) { return query(id); }       // coloured: calls a suspension point
 * function show(id) { return find(id).name; }   // coloured: calls find
 * function pure(x) { return x + 1; }            // untouched
 * async function h() { return show(1); }        // boundary: not coloured; call-plans.ts awaits that call
 * ```
 */
import ts from '../ts';
import { isOpaqueType, methodFits } from './call-targets';
import {
  CallLike,
  CallSite,
  FunctionNode,
  functionName,
  Inventory,
  isGenerator,
  propertyNameText,
  skipParens,
  calleeText,
} from './inventory';
import { isRuntimeFile } from './runtime-files';
import { stronglyConnected } from './scc';
import type { CallGraph } from './call-graph';
import type { Reasons } from './result';

export interface Colouring {
  coloured: Set<FunctionNode>;
  /** The calls that may suspend, each with the callee that makes it so. */
  suspending: Set<CallSite>;
  siteCallee: Map<CallSite, FunctionNode | 'suspension point'>;
  reasons: Reasons;
  /** Coloured functions by strongly connected component: the same number, the same recursion. */
  recursive: Map<FunctionNode, number>;
  colourPath(fn: FunctionNode): string[];
  /** The colour path of the callee that makes a call suspend. */
  pathOfSite(site: CallSite): string[];
}

export function colourFunctions(
  checker: ts.TypeChecker,
  inv: Inventory,
  graph: CallGraph,
  /**
   * Also match calls through values by type: only when value flow stopped at its budget and says
   * nothing. Otherwise value flow alone decides (types over-colour: rxjs's `createImpl(_super: any)`
   * would take every coloured one-parameter function).
   */
  byType: boolean,
): Colouring {
  const coloured = new Set<FunctionNode>();
  const suspending = new Set<CallSite>();
  const reasons: Reasons = new Map();
  const siteCallee = new Map<CallSite, FunctionNode | 'suspension point'>();
  const work: Array<[CallSite, FunctionNode | 'suspension point']> = [];

  for (const site of inv.calls) if (graph.targets.get(site)!.kind === 'suspend') work.push([site, 'suspension point']);
  for (const site of graph.flowSuspending) work.push([site, 'suspension point']);
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
    for (const caller of graph.callersOf(fn)) work.push([caller, fn]);
    for (const caller of graph.flowCallers.get(fn) ?? []) work.push([caller, fn]);
    for (const bs of graph.builtinSitesOf.get(fn) ?? []) work.push([bs, fn]);
    const decorators = (ts.canHaveDecorators(fn) && ts.getDecorators(fn)) || [];
    if (byType && (inv.functionValues.has(fn) || decorators.length)) {
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
      for (const vs of graph.valueSites) {
        if (suspending.has(vs)) continue;
        const t = checker.getNonNullableType((graph.targets.get(vs) as { type: ts.Type }).type);
        if (flows.some((c) => checker.isTypeAssignableTo(c, t) && checker.isTypeAssignableTo(t, c)))
          work.push([vs, fn]);
      }
    }
  }

  const recursive = stronglyConnected(coloured, (fn) =>
    (inv.callsByFunction.get(fn) ?? [])
      .filter((s) => suspending.has(s))
      .flatMap((s) => graph.calleesOf.get(s)!.filter((c) => coloured.has(c))),
  );

  const colourPath = colourPathOf(reasons);
  return {
    coloured,
    suspending,
    siteCallee,
    reasons,
    recursive,
    colourPath,
    pathOfSite: pathOfSiteOf(siteCallee, colourPath),
  };
}

// The two below are made outside `colourFunctions` so that they close over `reasons` and
// `siteCallee` only: the Analysis keeps `colourPath` through the emit, and a closure made in
// `colourFunctions` would keep its whole scope alive with it (the call graph, and through it value
// flow: ~110 MB on bench/compile's project, marked by every GC of the emit).

function colourPathOf(reasons: Reasons): (fn: FunctionNode) => string[] {
  return (fn) =>
    colourChain(reasons, fn).flatMap(({ fn: f, reason }) =>
      reason.callee === 'suspension point'
        ? [functionName(f), `${calleeText(reason.site)} (suspends)`]
        : [functionName(f)],
    );
}

function pathOfSiteOf(
  siteCallee: Map<CallSite, FunctionNode | 'suspension point'>,
  colourPath: (fn: FunctionNode) => string[],
): (site: CallSite) => string[] {
  return (site) => {
    const callee = siteCallee.get(site);
    if (callee === undefined || callee === 'suspension point') return [`${calleeText(site.call)} (suspends)`];
    return colourPath(callee);
  };
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
  return !isGenerator(fn);
}

/**
 * Why `fn` is coloured, one hop per function: each function from `fn` down to the suspension
 * point with the call (`reasons`) that coloured it. Diagnostics print it as a colour path,
 * `ts-greenlet explain` with each call's place.
 */
export function colourChain(
  reasons: Reasons,
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
