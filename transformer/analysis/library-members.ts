/**
 * Objects handed to a library whose methods it calls: the library declares the members it calls
 * (`use(p: Plugin)` with `Plugin { transform(s: string): string }`), and calls them as plain
 * functions. A member that may suspend meets ScopeError there, or a silent fallback where the
 * program catches errors around the library call. checks.ts reports an object literal written
 * in the call itself member by member; this finds the rest:
 *
 * ```ts
 * class P implements Plugin { transform(s) { return load(s); } }
 * runPlugin(new P(), x);                 // TSG39007: P.transform, as `transform` of the argument
 * const p: Plugin = { transform: (s) => load(s) };
 * runAll([p], x);                         // TSG39007: the elements' `transform`
 * withHooks({ hooks: { before: load } }); // TSG39007: `hooks.before`, a synchronized function
 * ```
 *
 * Which functions an argument may hold under a name: value flow keeps one location per name
 * (fields are not per object), so those of its functions whose owner (a class's instances, an
 * object literal) fits the argument's type at that place, those with no known owner, and a
 * synchronized value where the argument's member is typed with the brand or declared only by an
 * interface or the library.
 */
import ts from '../ts';
import { Codes, DiagnosticSpec } from '../diagnostics';
import { FunctionNode, functionName, propertyNameText, skipParens } from './inventory';
import { derivesFrom, ownerType } from './call-targets';
import { memberFunction } from './implicit-calls';
import { isNonStrictSynchronized, hasSynchronizedBrand } from './suspension-points';
import { isLibFile } from './value-flow-builtins';
import type { FlowValue } from './value-flow-model';
import { colouredAmong } from './value-flow-queries';

/** How deep into the parameter's type members are looked for (`{ hooks: { before } }` is 2). */
const DEPTH = 3;

export interface LibraryMemberContext {
  checker: ts.TypeChecker;
  coloured: Set<FunctionNode>;
  colourPath: (fn: FunctionNode) => string[];
  /** What value flow's field `name` holds: every property `name` of every object. */
  fieldValues: (name: string) => ReadonlySet<FlowValue> | undefined;
  /** What an expression may evaluate to. */
  valuesOf: (e: ts.Expression) => ReadonlySet<FlowValue> | undefined;
  /** The functions in the containers an expression may evaluate to. */
  containedFunctions: (e: ts.Expression) => ReadonlySet<FlowValue>;
  /** Whether the field `name` holds a function that may suspend, or a synchronized one. */
  suspendingName: (name: string) => boolean;
  /** The names of the getters and setters that may suspend. */
  suspendingAccessorNames: ReadonlySet<string>;
}

/**
 * The members of `arg` that the library declares as functions (`declared`, its parameter's type)
 * and that may suspend. `skipOwn`: the argument is an object literal whose own members
 * checks.ts reports one by one, so only deeper ones are looked at here.
 */
export function membersCalledByLibrary(
  ctx: LibraryMemberContext,
  arg: ts.Expression,
  declared: ts.Type,
  receiver: string,
  skipOwn: boolean,
): DiagnosticSpec[] {
  const { checker } = ctx;
  // most parameters declare no function member that any object of the program holds a
  // suspending function under: decided from the parameter's type alone, once per type
  const wanted = callableMembers(ctx, declared).filter(
    (m) => ctx.suspendingName(m.name) && !(skipOwn && m.path.length === 0),
  );
  if (!wanted.length) return [];
  const origin = literalOrigin(checker, arg);
  const argType = checker.getNonNullableType(checker.getTypeAtLocation(arg));
  for (const m of wanted) {
    let at: ts.Type[] = [argType];
    for (const step of m.path) at = at.flatMap((t) => stepInto(checker, t, step));
    const fn =
      m.path.length === 0 && origin
        ? literalMember(ctx, origin, m.name)
        : at.map((t) => suspendingMember(ctx, t, m.name)).find((x) => x);
    if (fn) return [report(ctx, arg, [...m.path, m.name].join('.').replace(/\.\[i\]/g, '[i]'), fn, receiver)];
  }
  return [];
}

/**
 * Functions in an array, Map or Set handed to a library whose parameter says it holds functions
 * (`compose(mws: Middleware[])`, `route(m: Map<string, Handler>)`): the library calls them.
 *
 * ```ts
 * callAll([load], x);   // TSG39007: an element may suspend
 * ```
 */
export function containedFunctionsCalledByLibrary(
  ctx: LibraryMemberContext,
  arg: ts.Expression,
  declared: ts.Type,
  receiver: string,
): DiagnosticSpec[] {
  const { checker, coloured } = ctx;
  if (!holdsFunctions(checker, declared)) return [];
  // written in the call: its own elements (what a container handed to a library holds is shared
  // with everything code outside was given, by value flow's model of escapes)
  const written = literalElements(arg);
  const values = written ? new Set(written.flatMap((e) => [...(ctx.valuesOf(e) ?? [])])) : ctx.containedFunctions(arg);
  const fn = colouredAmong(values, coloured);
  if (!fn && !values.has('suspends')) return [];
  return [
    {
      code: Codes.PassedToUntransformed,
      node: arg,
      path: fn ? ctx.colourPath(fn) : undefined,
      message: `${arg.getText()} is passed to ${receiver}, which was not compiled by ts-greenlet and calls the functions it holds as plain functions; ${fn && functionName(fn) !== '<anonymous>' ? `${functionName(fn)}, one of them,` : fn ? 'one of them' : 'a synchronized function among them'} may suspend (ScopeError, or a silent fallback under a \`try/catch\`). Call them from coloured code instead (a loop of your own), or hand the library functions that do not wait.`,
    },
  ];
}

/** The elements of `[f, g]`, and the entries' values of `new Map([[k, f]])` / `new Set([f])`, written in place. */
function literalElements(arg: ts.Expression): ts.Expression[] | undefined {
  const e = skipParens(arg);
  if (ts.isArrayLiteralExpression(e)) return e.elements.some(ts.isSpreadElement) ? undefined : [...e.elements];
  if (
    ts.isNewExpression(e) &&
    ts.isIdentifier(e.expression) &&
    (e.expression.text === 'Map' || e.expression.text === 'Set') &&
    e.arguments?.length === 1
  ) {
    const items = literalElements(e.arguments[0]);
    if (!items) return undefined;
    if (e.expression.text === 'Set') return items;
    const values = items.map((x) => skipParens(x));
    return values.every(ts.isArrayLiteralExpression) ? values.flatMap((pair) => [...pair.elements]) : undefined;
  }
  return undefined;
}

/** An array, tuple, Map, Set or iterable type (a type parameter by its constraint) whose elements or values are functions. */
function holdsFunctions(checker: ts.TypeChecker, declared: ts.Type): boolean {
  let d = declared;
  if (d.flags & ts.TypeFlags.TypeParameter) d = checker.getBaseConstraintOfType(d) ?? d;
  return parts(checker, d).some((t) => {
    const element =
      elementType(checker, t) ??
      (fromDefaultLib(t) && (t as ts.TypeReference).target
        ? checker.getTypeArguments(t as ts.TypeReference).at(-1)
        : undefined);
    return !!element && parts(checker, element).some((e) => e.getCallSignatures().length > 0);
  });
}

/** A function member a library declares for a parameter: `transform` of `p: Plugin`, `before` at `hooks` of `{ hooks: { before } }`. */
interface DeclaredMember {
  /** Property names, `[i]` for an array's elements. */
  path: string[];
  name: string;
}

const declaredMembers = new WeakMap<ts.TypeChecker, Map<ts.Type, DeclaredMember[]>>();

/** The function members of a parameter's type, to `DEPTH`; cached per type. */
function callableMembers(ctx: LibraryMemberContext, declared: ts.Type): DeclaredMember[] {
  const { checker } = ctx;
  let cache = declaredMembers.get(checker);
  if (!cache) declaredMembers.set(checker, (cache = new Map()));
  const cached = cache.get(declared);
  if (cached) return cached;
  const out: DeclaredMember[] = [];
  const seen = new Set<ts.Type>();
  const visit = (d: ts.Type, path: string[]): void => {
    if (path.length > DEPTH || seen.has(d)) return;
    seen.add(d);
    // `use<T extends Plugin>(p: T)`: what the library knows of `p` is its constraint
    if (d.flags & ts.TypeFlags.TypeParameter) {
      const c = checker.getBaseConstraintOfType(d);
      if (c && c !== d) visit(c, path);
      return;
    }
    for (const dp of parts(checker, d)) {
      if (!isObjectLike(dp) || dp.getCallSignatures().length) continue;
      // `register(C: new () => Plugin)`: the library makes instances and calls their members
      const made = dp.getConstructSignatures();
      if (made.length) {
        for (const sig of made) visit(sig.getReturnType(), [...path, 'new()']);
        continue;
      }
      // `ps: Plugin[]`: the elements' members
      const element = elementType(checker, dp);
      if (element) {
        visit(element, [...path, '[i]']);
        continue;
      }
      if (fromDefaultLib(dp)) continue; // Date, Map, Promise: not what a plugin API declares
      for (const member of checker.getPropertiesOfType(dp)) {
        const mType = checker.getNonNullableType(checker.getTypeOfSymbol(member));
        if (parts(checker, mType).some((t) => t.getCallSignatures().length > 0)) out.push({ path, name: member.name });
        else visit(mType, [...path, member.name]);
      }
    }
  };
  visit(checker.getNonNullableType(declared), []);
  cache.set(declared, out);
  return out;
}

/** The types one step in: an object's property, or an array's elements. */
function stepInto(checker: ts.TypeChecker, t: ts.Type, step: string): ts.Type[] {
  return parts(checker, t).flatMap((p) => {
    if (step === 'new()')
      return p.getConstructSignatures().map((sig) => checker.getNonNullableType(sig.getReturnType()));
    if (step === '[i]') {
      const e = elementType(checker, p);
      return e ? [checker.getNonNullableType(e)] : [];
    }
    const m = isObjectLike(p) ? checker.getPropertyOfType(p, step) : undefined;
    return m ? [checker.getNonNullableType(checker.getTypeOfSymbol(m))] : [];
  });
}

/**
 * The object literal a `const` was made from, where nothing else can have been stored in it: every
 * other use of the name is a property read, a property write of a value that is no function, or
 * an argument. `const d: PropertyDescriptor = { value: 1 }` holds no `get`, whatever other
 * descriptors hold (fields are per name, so types alone would say any `get` may be there).
 */
export function literalOrigin(checker: ts.TypeChecker, arg: ts.Expression): ts.ObjectLiteralExpression | undefined {
  const id = skipParens(arg);
  if (!ts.isIdentifier(id)) return undefined;
  const sym = checker.getSymbolAtLocation(id);
  const d = sym?.valueDeclaration;
  if (!d || !ts.isVariableDeclaration(d) || !d.initializer || !ts.isVariableDeclarationList(d.parent)) return undefined;
  if (!(d.parent.flags & ts.NodeFlags.Const) || !ts.isIdentifier(d.name)) return undefined;
  const literal = skipParens(d.initializer);
  if (!ts.isObjectLiteralExpression(literal) || literal.properties.some((p) => !p.name)) return undefined;
  const statement = d.parent.parent;
  if (ts.isVariableStatement(statement) && statement.modifiers?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword))
    return undefined;
  let safe = true;
  const scan = (n: ts.Node): void => {
    if (!safe) return;
    if (ts.isIdentifier(n) && n !== d.name && n.text === id.text && checker.getSymbolAtLocation(n) === sym) {
      const p = n.parent;
      const read = ts.isPropertyAccessExpression(p) && p.expression === n;
      const written = read && ts.isBinaryExpression(p.parent) && p.parent.left === p;
      const argument = (ts.isCallExpression(p) || ts.isNewExpression(p)) && p.expression !== n;
      if (written) {
        // `d.value = x` where `value` holds no function: fine; `d.get = f`: anything may be there now
        const slot = checker.getPropertyOfType(
          checker.getTypeOfSymbol(sym!),
          (p as ts.PropertyAccessExpression).name.text,
        );
        const callable =
          !slot || parts(checker, checker.getTypeOfSymbol(slot)).some((t) => t.getCallSignatures().length > 0);
        const vt = checker.getTypeAtLocation((p.parent as ts.BinaryExpression).right);
        if (callable && (vt.getCallSignatures().length || vt.flags & (ts.TypeFlags.Any | ts.TypeFlags.Unknown)))
          safe = false;
      } else if (!read && !argument) safe = false;
      return;
    }
    ts.forEachChild(n, scan);
  };
  scan(d.getSourceFile());
  return safe ? literal : undefined;
}

/** What member `name` of a literal holds that may suspend: the literal's own member, or what it was given. */
function literalMember(
  ctx: LibraryMemberContext,
  literal: ts.ObjectLiteralExpression,
  name: string,
): FunctionNode | true | undefined {
  for (const p of literal.properties) {
    if (!p.name || propertyNameText(p.name) !== name) continue;
    const found = declaredSuspending(ctx, p, memberType(ctx.checker, p));
    if (found) return found;
  }
  return undefined;
}

/**
 * A member declaration that may suspend: a method or function that is coloured, or what it holds
 * (`heldBy`) — a coloured function, or `true` for a synchronized one whose type (`type`) is not
 * marked NON_STRICT.
 */
function declaredSuspending(
  ctx: LibraryMemberContext,
  d: ts.Declaration,
  type: ts.Type,
): FunctionNode | true | undefined {
  const fn = memberFunction(d);
  if (fn && ctx.coloured.has(fn)) return fn;
  const given = heldBy(ctx.valuesOf, d);
  const held = colouredAmong(given, ctx.coloured);
  if (held) return held;
  return given.has('suspends') && !isNonStrictSynchronized(ctx.checker, type) ? true : undefined;
}

/**
 * What a member declaration holds, as value flow says: a property's initial value, and what a
 * getter returns (`{ get transform() { return load; } }`: calling `p.transform(x)` calls that).
 */
export function heldBy(
  valuesOf: (e: ts.Expression) => ReadonlySet<FlowValue> | undefined,
  d: ts.Declaration,
): ReadonlySet<FlowValue> {
  const from: ts.Expression[] = [];
  if ((ts.isPropertyAssignment(d) || ts.isPropertyDeclaration(d)) && d.initializer) from.push(d.initializer);
  if (ts.isShorthandPropertyAssignment(d)) from.push(d.name);
  if (ts.isGetAccessorDeclaration(d) && d.body) {
    const visit = (n: ts.Node): void => {
      if (ts.isReturnStatement(n) && n.expression) from.push(n.expression);
      else if (!ts.isFunctionLike(n)) ts.forEachChild(n, visit);
    };
    ts.forEachChild(d.body, visit);
  }
  const out = new Set<FlowValue>();
  for (const e of from) for (const v of valuesOf(e) ?? []) out.add(v);
  return out;
}

/** The type of what a member holds: its value's, or for a getter, the property's. */
export function memberType(checker: ts.TypeChecker, d: ts.Declaration): ts.Type {
  if (ts.isPropertyAssignment(d)) return checker.getTypeAtLocation(d.initializer);
  if (ts.isShorthandPropertyAssignment(d)) return checker.getTypeAtLocation(d.name);
  const sym =
    ts.isObjectLiteralElementLike(d) || ts.isClassElement(d)
      ? d.name && checker.getSymbolAtLocation(d.name)
      : undefined;
  return sym ? checker.getTypeOfSymbol(sym) : checker.getTypeAtLocation(d);
}

/** A function that may suspend and that objects of type `a` may hold as `name`; `true`: a synchronized one. */
function suspendingMember(ctx: LibraryMemberContext, a: ts.Type, name: string): FunctionNode | true | undefined {
  const { checker, coloured } = ctx;
  const values = ctx.fieldValues(name);
  for (const ap of parts(checker, a)) {
    if (ap.flags & (ts.TypeFlags.Any | ts.TypeFlags.Unknown) || !isObjectLike(ap)) continue;
    const member = checker.getPropertyOfType(ap, name);
    if (!member) continue;
    const mType = checker.getTypeOfSymbol(member);
    if (hasSynchronizedBrand(checker, mType) && !isNonStrictSynchronized(checker, mType)) return true;
    const impls = member.declarations?.filter(isImplementation) ?? [];
    if (impls.length) {
      // the program's own member (a class's method, a literal's property): it, what it was given,
      // and for a class, its subclasses' overrides; not another class that only looks the same
      for (const d of impls) {
        const found = declaredSuspending(ctx, d, mType);
        if (found) return found;
      }
      const cls = classOf(ap);
      for (const v of values ?? []) {
        if (v === 'suspends' || !coloured.has(v)) continue;
        const owner = ownerOf(v);
        // `o.transform = f` after the object was made: any object may have it
        if (owner === 'unknown') return v;
        const ownerClass = owner === 'class' && cls ? ownerType(checker, v) : undefined;
        if (ownerClass && derivesFrom(checker, ownerClass, new Set([cls!]), new Set())) return v;
      }
      // a class's data property may be given any function of that name (`this.transform = load`)
      if (
        values?.has('suspends') &&
        impls.some((d) => ts.isPropertyDeclaration(d)) &&
        !isNonStrictSynchronized(checker, mType)
      )
        return true;
      continue;
    }
    // declared only by an interface, a type or the library: what any object of a fitting shape holds
    if (!values) continue;
    for (const v of values) {
      if (v === 'suspends' || !coloured.has(v)) continue;
      const owner = ownerType(checker, v);
      if (!owner || checker.isTypeAssignableTo(owner, ap)) return v;
    }
    // `{ transform: load }` stored where the argument's member is only declared
    if (values.has('suspends') && !isNonStrictSynchronized(checker, mType)) return true;
  }
  return undefined;
}

/** The program class whose instances `t` describes, if it is one. */
function classOf(t: ts.Type): ts.Symbol | undefined {
  const d = t.symbol?.valueDeclaration;
  return d && ts.isClassLike(d) && !d.getSourceFile().isDeclarationFile ? t.symbol : undefined;
}

/** Whose member a function is: a class's (static ones included), an object literal's, or unknown (`o.f = () => …`). */
function ownerOf(fn: FunctionNode): 'class' | 'literal' | 'unknown' {
  const member = ts.isArrowFunction(fn) || ts.isFunctionExpression(fn) ? fn.parent : fn;
  if (member && ts.isClassElement(member) && ts.isClassLike(member.parent)) return 'class';
  if (member && ts.isObjectLiteralElementLike(member) && ts.isObjectLiteralExpression(member.parent)) return 'literal';
  return 'unknown';
}

function report(
  ctx: LibraryMemberContext,
  arg: ts.Expression,
  at: string,
  fn: FunctionNode | true,
  receiver: string,
): DiagnosticSpec {
  const what = fn === true ? 'a synchronized function' : functionName(fn);
  return {
    code: Codes.PassedToUntransformed,
    node: arg,
    path: fn === true ? undefined : ctx.colourPath(fn),
    message: `${arg.getText()} is passed to ${receiver}, which was not compiled by ts-greenlet and calls its \`${at}\` as a plain function; that may be ${what}, which may suspend (ScopeError, or a silent fallback under a \`try/catch\`). Call the member from coloured code instead and hand the library its result, or give the library a member that returns a promise it awaits (spawnGreenletOnScopeError(fn)).`,
  };
}

/** A declaration with a body or a value: not an interface's or a `.d.ts`'s signature. */
function isImplementation(d: ts.Declaration): boolean {
  if (d.getSourceFile().isDeclarationFile) return false;
  return !ts.isPropertySignature(d) && !ts.isMethodSignature(d);
}

/** A type's union members; a type parameter (`this` in a class, `T extends Plugin`) as its constraint. */
export function parts(checker: ts.TypeChecker, t: ts.Type): readonly ts.Type[] {
  let n = t;
  if (n.flags & ts.TypeFlags.TypeParameter) n = checker.getBaseConstraintOfType(n) ?? n;
  n = checker.getNonNullableType(n);
  return n.isUnion() ? n.types : [n];
}

export function isObjectLike(t: ts.Type): boolean {
  return !!(t.flags & (ts.TypeFlags.Object | ts.TypeFlags.Intersection));
}

function elementType(checker: ts.TypeChecker, t: ts.Type): ts.Type | undefined {
  return checker.isArrayType(t) || checker.isTupleType(t) ? t.getNumberIndexType() : undefined;
}

function fromDefaultLib(t: ts.Type): boolean {
  const d = t.symbol?.declarations?.[0];
  return !!d && isLibFile(d.getSourceFile());
}
