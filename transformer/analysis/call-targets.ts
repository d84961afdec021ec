/**
 * What a call may run: a suspension point, a known function, a method dispatched at run time,
 * or an arbitrary function value. Decided from the TypeChecker only.
 *
 * ```ts
 * query(sql)          // suspend:  type carries the Synchronized brand
 * load(id)            // static:   [function load]          (also imports, re-exports, IIFEs)
 * repo.find(id)       // method:   every `find` whose owner type is assignable to typeof repo
 * cb(x)               // value:    coloured function values whose type is assignable to cb's, and
 *                     //           (call-graph.ts) the functions value-flow.ts finds flowing to cb
 * (anyValue as any)() // opaque:   never coloured; a suspension there meets ScopeError at run time
 * ```
 */
import ts from '../ts';
import { accessedProperty, calleeOf, CallLike, FunctionNode, Inventory, isFunctionNode, skipParens } from './inventory';
import { hasSynchronizedBrand, isSynchronizeDecorated } from './suspension-points';
import { isLibFile } from './value-flow-builtins';
import type { BuiltinHelper } from '../protocol-names';

export type CallTarget =
  | { kind: 'suspend' }
  | { kind: 'static'; fn: FunctionNode }
  | { kind: 'method'; name: string; receiver: ts.Type; declared: FunctionNode[] }
  /** A call through a value; `o.run(x)` through a function-typed property also has its `member`. */
  | { kind: 'value'; type: ts.Type; member?: { name: string; receiver: ts.Type } }
  /** A builtin taking a callback (`Array.prototype.map`, ...): a suspending version exists. */
  | { kind: 'builtin'; helper: BuiltinHelper; callbackIndex: number }
  /**
   * A property read or write that may run a getter or setter declared in the program: `fns` are
   * the declared property's own; an override whose class fits `receiver` may run instead.
   */
  | { kind: 'accessor'; fns: FunctionNode[]; name: string; receiver: ts.Type; mode: 'read' | 'write' | 'readwrite' }
  | { kind: 'opaque' };

export function resolveCallTarget(checker: ts.TypeChecker, call: CallLike, brandGuards: boolean): CallTarget {
  if (ts.isPropertyAccessExpression(call) || ts.isElementAccessExpression(call)) return accessorTarget(checker, call);
  return resolveCallee(checker, skipParens(calleeOf(call)), call, brandGuards);
}

/**
 * `f.call(thisArg, ...args)` / `f.apply(thisArg, args)` (Function.prototype's): the call of `f`
 * they stand for, or undefined.
 */
export function viaCallOrApply(
  checker: ts.TypeChecker,
  call: CallLike,
): { how: 'call' | 'apply'; fn: ts.Expression } | undefined {
  if (!ts.isCallExpression(call)) return undefined;
  const fn = functionPrototypeCall(checker, call, 'call') ?? functionPrototypeCall(checker, call, 'apply');
  return fn && { how: (skipParens(call.expression) as ts.PropertyAccessExpression).name.text as 'call' | 'apply', fn };
}

/** `f` of `f.<method>(...)` when `<method>` is Function.prototype's (lib's `Function` interfaces). */
function functionPrototypeCall(
  checker: ts.TypeChecker,
  call: ts.CallExpression,
  method: 'call' | 'apply' | 'bind',
): ts.Expression | undefined {
  const callee = skipParens(call.expression);
  if (!ts.isPropertyAccessExpression(callee) || callee.name.text !== method) return undefined;
  const decls = checker.getSymbolAtLocation(callee.name)?.declarations ?? [];
  const fromFunction =
    decls.length > 0 &&
    decls.every(
      (d) =>
        ts.isInterfaceDeclaration(d.parent) &&
        /^(Callable|Newable)?Function$/.test(d.parent.name.text) &&
        d.getSourceFile().isDeclarationFile,
    );
  return fromFunction ? skipParens(callee.expression) : undefined;
}

/** `f` of `f.bind(...)` (Function.prototype's bind), or undefined. */
export function boundFunction(checker: ts.TypeChecker, e: ts.Expression): ts.Expression | undefined {
  return ts.isCallExpression(e) ? functionPrototypeCall(checker, e, 'bind') : undefined;
}

/**
 * The type a signature declares for its argument at `index`: the parameter's, or a rest
 * parameter's element type (`any` if the rest is not an array); undefined past the last.
 */
export function declaredArgumentType(
  checker: ts.TypeChecker,
  declared: readonly ts.ParameterDeclaration[],
  index: number,
): ts.Type | undefined {
  // a `this` parameter takes no argument: `on(this: Emitter, cb: () => void)` gets `cb` at 0
  const params =
    declared.length && ts.isIdentifier(declared[0].name) && declared[0].name.text === 'this'
      ? declared.slice(1)
      : declared;
  const last = params[params.length - 1];
  const param = index < params.length ? params[index] : last?.dotDotDotToken ? last : undefined;
  if (!param) return undefined;
  const type = checker.getTypeAtLocation(param);
  if (!param.dotDotDotToken) return type;
  return checker.isArrayType(type) ? checker.getTypeArguments(type as ts.TypeReference)[0] : checker.getAnyType();
}

/**
 * `f` of `b.call(f, thisArg, ...args)` where `b` is Function.prototype's `bind` read as a value
 * (rxjs: `const _bind = Function.prototype.bind; ... _bind.call(fn, thisArg)`): `f.bind(thisArg,
 * ...args)`, its arguments one place on.
 */
export function bindThroughCall(checker: ts.TypeChecker, e: ts.Expression): ts.Expression | undefined {
  if (!ts.isCallExpression(e) || !e.arguments.length || ts.isSpreadElement(e.arguments[0])) return undefined;
  const via = viaCallOrApply(checker, e);
  if (via?.how !== 'call') return undefined;
  return functionPrototypeMethod(checker, via.fn) === 'bind' ? skipParens(e.arguments[0]) : undefined;
}

/**
 * Which of Function.prototype's `bind`, `call` and `apply` the value `e` is, by the declarations
 * of its type (`Function.prototype.call`, `const _bind = Function.prototype.bind`).
 */
export function functionPrototypeMethod(
  checker: ts.TypeChecker,
  e: ts.Expression,
): 'bind' | 'call' | 'apply' | undefined {
  const decls = checker.getTypeAtLocation(e).getSymbol()?.declarations ?? [];
  let name: string | undefined;
  for (const d of decls) {
    if (
      !ts.isMethodSignature(d) ||
      !ts.isInterfaceDeclaration(d.parent) ||
      !/^(Callable|Newable)?Function$/.test(d.parent.name.text) ||
      !d.getSourceFile().isDeclarationFile ||
      (name !== undefined && d.name.getText() !== name)
    )
      return undefined;
    name = d.name.getText();
  }
  return name === 'bind' || name === 'call' || name === 'apply' ? name : undefined;
}

/**
 * `f` of `f.bind(...)`, also where `f` is typed `any` or `unknown` (`this[name].bind(this)` in a
 * decorator): value flow decides whether a function is there.
 */
export function possiblyBoundFunction(checker: ts.TypeChecker, e: ts.Expression): ts.Expression | undefined {
  const strict = boundFunction(checker, e);
  if (strict || !ts.isCallExpression(e)) return strict;
  const callee = skipParens(e.expression);
  if (!ts.isPropertyAccessExpression(callee) || callee.name.text !== 'bind') return undefined;
  return checker.getTypeAtLocation(callee.expression).flags & (ts.TypeFlags.Any | ts.TypeFlags.Unknown)
    ? skipParens(callee.expression)
    : undefined;
}

/**
 * A parameter annotated `any`/`unknown`/`Function` where the callback's contextual type gives it
 * a synchronized type: `router.get('/', (ctx, next: any) => { next(); })` still waits on `next`
 * (the annotation erased the brand; the value is Koa's synchronized `next` all the same).
 */
function brandedByContext(checker: ts.TypeChecker, id: ts.Identifier, type: ts.Type): boolean {
  if (!(type.flags & (ts.TypeFlags.Any | ts.TypeFlags.Unknown)) && type.symbol?.name !== 'Function') return false;
  const p = checker.getSymbolAtLocation(id)?.valueDeclaration;
  if (!p || !ts.isParameter(p) || !p.type) return false;
  const fn = p.parent;
  if (!ts.isArrowFunction(fn) && !ts.isFunctionExpression(fn)) return false;
  const context = checker.getContextualType(fn);
  if (!context) return false;
  const index = fn.parameters.indexOf(p);
  const types = context.isUnion() ? context.types : [context];
  return types.some((t) =>
    t.getCallSignatures().some((sig) => {
      const param = sig.parameters[index];
      return !!param && hasSynchronizedBrand(checker, checker.getTypeOfSymbolAtLocation(param, fn));
    }),
  );
}

/**
 * The checker narrows no reference to a method or a function declaration (only a method whose
 * type is a union), so such a callee's declared type is its type at the call, unless a type
 * guard in the program may narrow to a branded type (`brandGuards`, see `narrowsToBrand`). The
 * type at the call is then not asked: the checker would narrow the receiver by control flow each
 * time (~0.15 s of analyse() on bench/compile's project).
 */
export function resolveCallee(
  checker: ts.TypeChecker,
  callee: ts.Expression,
  call: CallLike | undefined,
  brandGuards: boolean,
): CallTarget {
  if (ts.isFunctionExpression(callee) || ts.isArrowFunction(callee)) return { kind: 'static', fn: callee };
  if (callee.kind === ts.SyntaxKind.ImportKeyword) return { kind: 'opaque' };
  const nameNode = ts.isPropertyAccessExpression(callee)
    ? callee.name
    : ts.isElementAccessExpression(callee)
      ? callee.argumentExpression
      : callee;
  let sym = checker.getSymbolAtLocation(nameNode);
  if (sym && sym.flags & ts.SymbolFlags.Alias) sym = checker.getAliasedSymbol(sym);
  const decls = sym?.declarations ?? [];
  const unbranded =
    !brandGuards &&
    decls.length > 0 &&
    decls.every((d) => ts.isMethodDeclaration(d) || ts.isMethodSignature(d) || ts.isFunctionDeclaration(d));
  let type: ts.Type | undefined;
  const calleeType = (): ts.Type =>
    (type ??= unbranded ? checker.getTypeOfSymbol(sym!) : checker.getTypeAtLocation(callee));
  if (hasSynchronizedBrand(checker, calleeType())) return { kind: 'suspend' };
  if (ts.isIdentifier(callee) && brandedByContext(checker, callee, calleeType())) return { kind: 'suspend' };
  if (decls.some((d) => isSynchronizeDecorated(checker, d))) return { kind: 'suspend' };

  // `f.bind(t)(x)`, or `const g = f.bind(t); g(x)`: a call of `f` (through its bound twin)
  const boundInit =
    decls.length === 1 &&
    ts.isVariableDeclaration(decls[0]) &&
    decls[0].initializer &&
    (decls[0].parent.flags & ts.NodeFlags.Const) !== 0
      ? boundFunction(checker, skipParens(decls[0].initializer))
      : undefined;
  const bound = boundFunction(checker, callee) ?? boundInit;
  const boundFn = bound && functionOfArgument(checker, bound);
  if (boundFn) return { kind: 'static', fn: boundFn };

  const isMember = ts.isPropertyAccessExpression(callee) || ts.isElementAccessExpression(callee);
  const builtin = isMember && call && ts.isCallExpression(call) ? builtinOf(decls) : undefined;
  if (builtin) return { kind: 'builtin', helper: builtin[0], callbackIndex: builtin[1] };
  if (isMember && sym && decls.length && decls.every((d) => ts.isMethodDeclaration(d) || ts.isMethodSignature(d))) {
    const declared = decls.map(functionOfDeclaration).filter((f): f is FunctionNode => !!f);
    // `#m()` is never overridden, and `super.m()` always runs the base class's `m`
    const exact =
      ts.isPrivateIdentifier(nameNode) ||
      (callee as ts.PropertyAccessExpression).expression.kind === ts.SyntaxKind.SuperKeyword;
    if (exact && declared.length === 1) return { kind: 'static', fn: declared[0] };
    return withReceiver(checker, callee as ts.PropertyAccessExpression, { kind: 'method', name: sym.name, declared });
  }
  if (
    decls.length > 0 &&
    (!isMember || decls.every((d) => ts.isFunctionDeclaration(d) || ts.isVariableDeclaration(d)))
  ) {
    // by name, or through a namespace import (`ns.load()`)
    const bodies = decls.map(functionOfDeclaration).filter((f): f is FunctionNode => !!f);
    if (bodies.length === 1 && isStaticallyBound(decls, bodies[0])) return { kind: 'static', fn: bodies[0] };
    // A function declared without a body here (lib.d.ts, a package's .d.ts) was not transformed.
    if (decls.every((d) => ts.isFunctionDeclaration(d) && !d.body)) return { kind: 'opaque' };
  }
  if (isOpaqueType(calleeType())) return { kind: 'opaque' };
  // `p.run(x)` with `run: (x: number) => number`: a method named `run` of a fitting class may be it
  const member =
    isMember && sym
      ? withReceiver(checker, callee as ts.PropertyAccessExpression | ts.ElementAccessExpression, { name: sym.name })
      : undefined;
  return { kind: 'value', type: calleeType(), member };
}

/** The function a declaration stands for, if it is one with a body in the program. */
function functionOfDeclaration(d: ts.Declaration): FunctionNode | undefined {
  if (isFunctionNode(d)) return d.body ? d : undefined;
  if ((ts.isVariableDeclaration(d) || ts.isPropertyDeclaration(d) || ts.isPropertyAssignment(d)) && d.initializer) {
    const init = skipParens(d.initializer);
    if (ts.isArrowFunction(init) || ts.isFunctionExpression(init)) return init;
  }
  return undefined;
}

/** A function declaration, or a function bound to a `const`: the name always means that function. */
function isStaticallyBound(decls: readonly ts.Declaration[], fn: FunctionNode): boolean {
  const d = decls.find(
    (x) => x === fn || (ts.isVariableDeclaration(x) && x.initializer && skipParens(x.initializer) === fn),
  );
  if (!d) return false;
  if (ts.isFunctionDeclaration(d)) return decls.every((x) => ts.isFunctionDeclaration(x));
  return ts.isVariableDeclaration(d) && (d.parent.flags & ts.NodeFlags.Const) !== 0;
}

/** `any`, `unknown`, `Function`: the compiler cannot see what runs, so it colours nothing. */
export function isOpaqueType(t: ts.Type): boolean {
  if (t.flags & (ts.TypeFlags.Any | ts.TypeFlags.Unknown)) return true;
  return t.getNonNullableType().getCallSignatures().length === 0;
}

/**
 * Per inventory (one per analysis) and checker: each method's owner type, and whether a method
 * fits a receiver type. Many call sites share a receiver type (`this.items.find`, `cache.get`),
 * and `getTypeAtLocation` on an object literal re-checks it on every call, so both are computed once.
 */
interface CandidateMemo {
  checker: ts.TypeChecker;
  owners: Map<FunctionNode, ts.Type | undefined>;
  /** Per owner type (a class's methods share it), per receiver type: whether the owner fits. */
  fits: Map<ts.Type, Map<ts.Type, boolean>>;
}
const memos = new WeakMap<Inventory, CandidateMemo>();

function memoFor(checker: ts.TypeChecker, inv: Inventory): CandidateMemo {
  let memo = memos.get(inv);
  if (!memo || memo.checker !== checker) memos.set(inv, (memo = { checker, owners: new Map(), fits: new Map() }));
  return memo;
}

function memoOwnerType(memo: CandidateMemo, fn: FunctionNode): ts.Type | undefined {
  if (!memo.owners.has(fn)) memo.owners.set(fn, ownerType(memo.checker, fn));
  return memo.owners.get(fn);
}

/**
 * One program method `fn` (listed in `inv.methodsByName` under the call's name) against one method
 * call's receiver: can the call dispatch to it at run time? The analysis asks this only of
 * methods that get coloured, against the calls of their name.
 */
export function methodFits(checker: ts.TypeChecker, inv: Inventory, fn: FunctionNode, receiver: ts.Type): boolean {
  const r = checker.getNonNullableType(receiver);
  if (r.flags & ts.TypeFlags.Any) return false;
  const memo = memoFor(checker, inv);
  const owner = memoOwnerType(memo, fn);
  if (!owner) return false;
  let byReceiver = memo.fits.get(owner);
  if (!byReceiver) memo.fits.set(owner, (byReceiver = new Map()));
  let fits = byReceiver.get(r);
  if (fits === undefined) byReceiver.set(r, (fits = ownerFits(checker, owner, r)));
  return fits;
}

/**
 * Can an object of `owner` (the class or literal declaring a method) be what `receiver` holds?
 * `this` and `T extends Base` stand for their constraint; a generic owner (`DbBox<T>`) fits a
 * receiver whose class or interface it extends or implements (`Box<string>`), which
 * assignability alone would deny for its unbound `T`.
 */
function ownerFits(checker: ts.TypeChecker, owner: ts.Type, receiver: ts.Type): boolean {
  let r = receiver;
  if (r.flags & ts.TypeFlags.TypeParameter) r = checker.getBaseConstraintOfType(r) ?? r;
  if (r.flags & ts.TypeFlags.Unknown || r.flags & ts.TypeFlags.TypeParameter) return false;
  if (!lacksRequired(checker, owner, r) && checker.isTypeAssignableTo(owner, r)) return true;
  const targets = new Set(
    (r.isUnionOrIntersection() ? r.types : [r]).map((t) => t.getSymbol()).filter((x): x is ts.Symbol => !!x),
  );
  return targets.size > 0 && derivesFrom(checker, owner, targets, new Set());
}

/**
 * `owner` lacks a property every `receiver` has, so it is not assignable to it: most pairs the
 * analysis asks about (~29,000 on bench/compile's project, ~600 of them fit) are answered so,
 * without a structural comparison (~0.2 s there). An intersection's properties are not each
 * required of every part, so one is always compared.
 */
function lacksRequired(checker: ts.TypeChecker, owner: ts.Type, receiver: ts.Type): boolean {
  if (receiver.flags & ts.TypeFlags.Intersection || owner.flags & (ts.TypeFlags.Any | ts.TypeFlags.Never)) return false;
  for (const p of checker.getPropertiesOfType(receiver)) {
    // (escaped with `__`: a symbol's or a #private name, which no string names, or a name that starts with `__`)
    if (p.flags & ts.SymbolFlags.Optional || (p.escapedName as string).startsWith('__')) continue;
    if (!checker.getPropertyOfType(owner, p.name)) return true;
  }
  return false;
}

/** `type`'s class or interface, or one it extends or implements, is one of `targets`. */
export function derivesFrom(
  checker: ts.TypeChecker,
  type: ts.Type,
  targets: Set<ts.Symbol>,
  seen: Set<ts.Symbol>,
): boolean {
  const sym = type.getSymbol();
  if (!sym || seen.has(sym)) return false;
  if (targets.has(sym)) return true;
  seen.add(sym);
  const bases: ts.Type[] = [];
  if (type.isClassOrInterface()) bases.push(...(checker.getBaseTypes(type) ?? []));
  for (const decl of sym.declarations ?? []) {
    if (!ts.isClassLike(decl)) continue;
    for (const clause of decl.heritageClauses ?? [])
      for (const t of clause.types) bases.push(checker.getTypeAtLocation(t));
  }
  return bases.some((b) => derivesFrom(checker, (b as ts.TypeReference).target ?? b, targets, seen));
}

/** The type whose member `fn` is: a class's instance or static side, or an object literal. */
export function ownerType(checker: ts.TypeChecker, fn: FunctionNode): ts.Type | undefined {
  const member = ts.isArrowFunction(fn) || ts.isFunctionExpression(fn) ? fn.parent : fn;
  const owner = member.parent;
  if (ts.isClassLike(owner)) {
    const isStatic =
      ts.canHaveModifiers(member) && ts.getModifiers(member)?.some((m) => m.kind === ts.SyntaxKind.StaticKeyword);
    const classSym = owner.name ? checker.getSymbolAtLocation(owner.name) : checker.getSymbolAtLocation(owner);
    if (isStatic) return classSym ? checker.getTypeOfSymbolAtLocation(classSym, owner) : undefined;
    return checker.getTypeAtLocation(owner);
  }
  if (ts.isObjectLiteralExpression(owner)) return checker.getTypeAtLocation(owner);
  return undefined;
}

/**
 * The accessors an access may run: a read runs getters, a write setters, `+=` both; overrides
 * of the same name whose class fits the receiver are dispatched at run time like methods.
 */
function accessorTarget(
  checker: ts.TypeChecker,
  access: ts.PropertyAccessExpression | ts.ElementAccessExpression,
): CallTarget {
  const sym = accessedProperty(checker, access);
  const mode = accessMode(access);
  const fns = (sym?.declarations ?? []).filter(
    (d): d is ts.GetAccessorDeclaration | ts.SetAccessorDeclaration =>
      !!(d as ts.FunctionLikeDeclaration).body &&
      ((ts.isGetAccessorDeclaration(d) && mode !== 'write') || (ts.isSetAccessorDeclaration(d) && mode !== 'read')),
  );
  return withReceiver(checker, access, { kind: 'accessor', fns, name: sym?.name ?? '', mode });
}

/**
 * `receiver`: the type of `o` in `o.m`, asked only when a program method named `m` may be what
 * the call runs (call-graph.ts), which most calls never need: the checker narrows `o` by control
 * flow each time it is asked.
 */
function withReceiver<T extends object>(
  checker: ts.TypeChecker,
  access: ts.PropertyAccessExpression | ts.ElementAccessExpression,
  target: T,
): T & { readonly receiver: ts.Type } {
  return Object.defineProperty(target, 'receiver', {
    get: () => checker.getTypeAtLocation(access.expression),
    enumerable: true,
  }) as T & { readonly receiver: ts.Type };
}

/** How an expression is used: read, written (`=`, destructuring target), or both (`+=`, `++`). */
export function accessMode(node: ts.Expression): 'read' | 'write' | 'readwrite' {
  let inner: ts.Node = node;
  let outer: ts.Node = node.parent;
  while (ts.isParenthesizedExpression(outer) || ts.isNonNullExpression(outer)) {
    inner = outer;
    outer = outer.parent;
  }
  if (ts.isBinaryExpression(outer) && outer.left === inner) {
    const op = outer.operatorToken.kind;
    if (op === ts.SyntaxKind.EqualsToken) return 'write';
    if (op >= ts.SyntaxKind.FirstCompoundAssignment && op <= ts.SyntaxKind.LastCompoundAssignment) return 'readwrite';
  }
  if (
    (ts.isPrefixUnaryExpression(outer) || ts.isPostfixUnaryExpression(outer)) &&
    (outer.operator === ts.SyntaxKind.PlusPlusToken || outer.operator === ts.SyntaxKind.MinusMinusToken)
  )
    return 'readwrite';
  if (
    ts.isShorthandPropertyAssignment(outer) ||
    ts.isPropertyAssignment(outer) ||
    ts.isArrayLiteralExpression(outer) ||
    ts.isSpreadElement(outer)
  ) {
    // inside a destructuring assignment target?
    let p: ts.Node = outer;
    while (
      ts.isObjectLiteralExpression(p) ||
      ts.isArrayLiteralExpression(p) ||
      ts.isPropertyAssignment(p) ||
      ts.isShorthandPropertyAssignment(p) ||
      ts.isSpreadElement(p)
    ) {
      const up: ts.Node = p.parent;
      if (ts.isBinaryExpression(up) && up.left === p && up.operatorToken.kind === ts.SyntaxKind.EqualsToken)
        return 'write';
      if (ts.isForOfStatement(up) && up.initializer === p) return 'write';
      p = up;
    }
  }
  if ((ts.isForOfStatement(outer) || ts.isForInStatement(outer)) && outer.initializer === inner) return 'write';
  return 'read';
}

const ARRAY_METHODS: Record<string, [BuiltinHelper, number]> = Object.fromEntries(
  (
    [
      'forEach',
      'map',
      'filter',
      'reduce',
      'reduceRight',
      'some',
      'every',
      'find',
      'findIndex',
      'findLast',
      'findLastIndex',
      'flatMap',
    ] as const satisfies readonly BuiltinHelper[]
  ).map((m) => [m, [m, 0]]),
);
const COLLECTION: Record<string, [BuiltinHelper, number]> = { forEach: ['collectionForEach', 0] };

/** Builtins with a suspending version in the runtime (`runtime/builtins.ts`): helper and callback position. */
const BUILTINS: Record<string, Record<string, [BuiltinHelper, number]>> = {
  Array: { ...ARRAY_METHODS, sort: ['sort', 0] },
  ReadonlyArray: ARRAY_METHODS,
  Map: COLLECTION,
  ReadonlyMap: COLLECTION,
  Set: COLLECTION,
  ReadonlySet: COLLECTION,
  String: { replace: ['replace', 1], replaceAll: ['replaceAll', 1] },
  ArrayConstructor: { from: ['from', 1] },
};

function builtinOf(decls: readonly ts.Declaration[]): [BuiltinHelper, number] | undefined {
  for (const d of decls) {
    const file = d.getSourceFile();
    if (!isLibFile(file)) return undefined;
    const owner = d.parent;
    if (
      !ts.isInterfaceDeclaration(owner) ||
      !(ts.isMethodSignature(d) || ts.isPropertySignature(d)) ||
      !ts.isIdentifier(d.name)
    )
      return undefined;
    const hit = BUILTINS[owner.name.text]?.[d.name.text];
    if (hit) return hit;
  }
  return undefined;
}

/** The function an argument passes, when the checker can see which: an inline function or a named one. */
export function functionOfArgument(checker: ts.TypeChecker, arg: ts.Expression | undefined): FunctionNode | undefined {
  if (!arg) return undefined;
  const e = skipParens(arg);
  if (ts.isArrowFunction(e) || ts.isFunctionExpression(e)) return e;
  const bound = boundFunction(checker, e);
  if (bound) return functionOfArgument(checker, bound);
  if (!ts.isIdentifier(e) && !ts.isPropertyAccessExpression(e)) return undefined;
  let sym = checker.getSymbolAtLocation(ts.isPropertyAccessExpression(e) ? e.name : e);
  if (sym && sym.flags & ts.SymbolFlags.Alias) sym = checker.getAliasedSymbol(sym);
  for (const d of sym?.declarations ?? []) {
    // `o.g` of a getter passes what the getter returns, not the getter (that read is an accessor site)
    if (ts.isGetAccessorDeclaration(d) || ts.isSetAccessorDeclaration(d)) return undefined;
    const fn = functionOfDeclaration(d);
    if (fn) return fn;
  }
  return undefined;
}
