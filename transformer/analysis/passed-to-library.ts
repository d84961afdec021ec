/**
 * A coloured function, or something holding one, handed to code that was not transformed (a
 * library, `setTimeout`, a promise's `then`): that code calls it as a plain function, so each is
 * TSG39007 (checks.ts runs this for every call of code outside the program). What a library
 * calls in an object it is given is found in library-members.ts, what else it runs in
 * library-runs.ts.
 *
 * ```ts
 * setTimeout(load, 10);                           // the function itself
 * new Transform({ transform(c, e, cb) { … } });   // a member of a literal written in the call
 * runPlugin(new UserPlugin(), x);                 // a member of an object (library-members.ts)
 * JSON.stringify({ get name() { return load(id); } }); // a getter it reads (library-runs.ts)
 * ```
 */
import ts from '../ts';
import { Codes, DiagnosticSpec } from '../diagnostics';
import { declaredArgumentType, functionOfArgument, functionPrototypeMethod, viaCallOrApply } from './call-targets';
import { calleeText, FunctionNode, functionName, propertyNameText, skipParens } from './inventory';
import {
  containedFunctionsCalledByLibrary,
  heldBy,
  LibraryMemberContext,
  membersCalledByLibrary,
  memberType,
} from './library-members';
import { accessorsUsedByLibrary, assignedIntoLibraryObject } from './library-runs';
import { isRuntimeFile } from './runtime-files';
import { isNonStrictSynchronized } from './suspension-points';
import { isLibFile } from './value-flow-builtins';
import { colouredAmong } from './value-flow-queries';

/**
 * A coloured function handed to code that was not transformed (a library, `setTimeout`, an
 * array method, a promise's `then`) is called as a plain function there, and meets ScopeError
 * the first time it suspends: report it now. The runtime's own greenlet-aware APIs
 * (`spawnGreenlet`, the Koa integration, ...) accept coloured functions.
 */
export function passedToUntransformed(
  call: ts.CallExpression | ts.NewExpression,
  members: LibraryMemberContext,
): DiagnosticSpec[] {
  if (!call.arguments?.length) return [];
  const { checker, coloured, colourPath, valuesOf } = members;
  const callee = skipParens(call.expression);
  let sym = checker.getSymbolAtLocation(ts.isPropertyAccessExpression(callee) ? callee.name : callee);
  if (sym && sym.flags & ts.SymbolFlags.Alias) sym = checker.getAliasedSymbol(sym);
  const decls = sym?.declarations ?? [];
  if (decls.length === 0 || decls.some((d) => isRuntimeFile(d.getSourceFile().fileName))) return [];
  if (!decls.every((d) => d.getSourceFile().isDeclarationFile)) return [];
  const out: DiagnosticSpec[] = [];
  const declaration = checker.getResolvedSignature(call)?.getDeclaration();
  const receiver = ts.isNewExpression(call) ? `new ${calleeText(call)}` : calleeText(call);
  // asked once a coloured or synchronized argument is found: most library calls pass none
  let through: ThroughCall | undefined;
  const mayCall = (index: number): boolean => {
    through ??= throughCall(checker, call);
    if (index === 0 && through.callsFirst) return true;
    return through.declaration
      ? index > 0 && mayCallArgument(checker, through.declaration, index - 1)
      : mayCallArgument(checker, declaration, index);
  };
  const advice =
    'Call it from coloured code instead (a loop, or one of the builtins ts-greenlet rewrites: Array, Map and Set forEach/map/filter/..., String replace), or pass spawnGreenletOnScopeError(fn) to get a promise.';
  // `Object.assign(target, …)`, `Reflect.set(target, …)`: any name of the target may be written
  const writesTarget =
    !!sym &&
    decls.every((d) => isLibFile(d.getSourceFile())) &&
    (sym.name === 'assign' || sym.name === 'set') &&
    decls.some((d) =>
      ts.isInterfaceDeclaration(d.parent)
        ? d.parent.name.text === 'ObjectConstructor'
        : ts.isModuleDeclaration(d.parent.parent) && d.parent.parent.name.getText() === 'Reflect',
    );
  if (writesTarget && sym!.name === 'assign') out.push(...assignedIntoLibraryObject(members, call));
  // `console.log(o)` shows a getter as `[Getter]` without running it; `Object.keys(o)` reads none
  const readsNoValues =
    decls.some((d) => ts.isInterfaceDeclaration(d.parent) && d.parent.name.text === 'Console') ||
    (!!sym && decls.every((d) => isLibFile(d.getSourceFile())) && KEYS_ONLY.has(sym.name));
  call.arguments.forEach((arg, index) => {
    const inner = skipParens(arg);
    const param =
      declaration && ts.isFunctionLike(declaration)
        ? declaredArgumentType(checker, declaration.parameters, index)
        : undefined;
    if (!readsNoValues) out.push(...accessorsUsedByLibrary(members, arg, param, receiver, index === 0 && writesTarget));
    // what the library calls in what it is given: functions in a container; members of an object
    // (a class instance, a variable, an array of them, a nested literal; the literal's own
    // members are reported one by one below)
    if (param && !(param.flags & (ts.TypeFlags.Any | ts.TypeFlags.Unknown))) {
      out.push(...containedFunctionsCalledByLibrary(members, arg, param, receiver));
      out.push(...membersCalledByLibrary(members, arg, param, receiver, ts.isObjectLiteralExpression(inner)));
    }
    if (ts.isObjectLiteralExpression(inner)) {
      // `new Transform({ transform(chunk, enc, cb) { ... } })`: the library calls the members its
      // parameter declares as functions (not `push({ text })`, which only stores the object)
      const declared =
        declaration && ts.isFunctionLike(declaration)
          ? declaredArgumentType(checker, declaration.parameters, index)
          : undefined;
      for (const member of inner.properties) {
        const fn = colouredMember(member);
        if (!fn && synchronizedMember(member) && declaresCallableMember(checker, declared, member))
          out.push({
            code: Codes.PassedToUntransformed,
            node: member,
            message: `${member.name?.getText() ?? 'This member'} is a synchronized function, but the object it belongs to is passed to ${receiver}, which was not compiled by ts-greenlet and calls it as a plain function: ScopeError, or a silent fallback under a \`try/catch\`. ${advice}`,
          });
        if (!fn || !declaresFunctionMember(checker, declared, member)) continue;
        out.push({
          code: Codes.PassedToUntransformed,
          node: member,
          path: colourPath(fn),
          message: `${functionName(fn)} may suspend, but the object it belongs to is passed to ${receiver}, which was not compiled by ts-greenlet and calls it as a plain function (ScopeError when it suspends). ${advice}`,
        });
      }
      return;
    }
    const values = valuesOf(arg);
    const fn = colouredFunctionOf(checker, arg, coloured) ?? colouredAmong(values, coloured);
    if (!fn) {
      // A synchronized function itself (`Reflect.apply(load, …)`, `setTimeout(load)`): its plain
      // entry throws ScopeError there. One marked NON_STRICT (`spawnGreenletOnScopeError(fn)`)
      // returns its promise instead: what such a library should be given.
      if (
        !values?.has('suspends') ||
        isNonStrictSynchronized(checker, checker.getTypeAtLocation(arg)) ||
        !mayCall(index)
      )
        return;
      out.push({
        code: Codes.PassedToUntransformed,
        node: arg,
        message: `This synchronized function is passed to ${receiver}, which was not compiled by ts-greenlet and calls it as a plain function: ScopeError, or a silent fallback under a \`try/catch\`. Call it from coloured code instead (a loop, or one of the builtins ts-greenlet rewrites), or pass spawnGreenletOnScopeError(fn) (or a synchronize(fn, { strict: false }) wrapper) if the library awaits what it returns.`,
      });
      return;
    }
    if (!mayCall(index)) return;
    const name = functionName(fn);
    out.push({
      code: Codes.PassedToUntransformed,
      node: arg,
      path: colourPath(fn),
      message: `${name === '<anonymous>' ? 'This function' : name} may suspend, but it is passed to ${receiver}, which was not compiled by ts-greenlet and calls it as a plain function (ScopeError when it suspends). ${advice}`,
    });
  });
  return out;

  /** `{ transform: load }` (or a getter returning it) with `load` synchronized (not marked NON_STRICT). */
  function synchronizedMember(member: ts.ObjectLiteralElementLike): boolean {
    return heldBy(valuesOf, member).has('suspends') && !isNonStrictSynchronized(checker, memberType(checker, member));
  }

  function colouredMember(member: ts.ObjectLiteralElementLike): FunctionNode | undefined {
    if (
      (ts.isMethodDeclaration(member) || ts.isGetAccessorDeclaration(member) || ts.isSetAccessorDeclaration(member)) &&
      coloured.has(member)
    )
      return member;
    const value = ts.isPropertyAssignment(member)
      ? member.initializer
      : ts.isShorthandPropertyAssignment(member)
        ? member.name
        : undefined;
    if (value && colouredFunctionOf(checker, value, coloured)) return colouredFunctionOf(checker, value, coloured);
    return colouredAmong(heldBy(valuesOf, member), coloured);
  }
}

/** The lib's functions that look at an object's keys, descriptors or shape, never at a getter's value. */
const KEYS_ONLY = new Set([
  'keys',
  'getOwnPropertyNames',
  'getOwnPropertySymbols',
  'getOwnPropertyDescriptor',
  'getOwnPropertyDescriptors',
  'ownKeys',
  'has',
  'hasOwn',
  'hasOwnProperty',
  'isFrozen',
  'isSealed',
  'isExtensible',
  'freeze',
  'seal',
  'preventExtensions',
  'getPrototypeOf',
  'setPrototypeOf',
  'defineProperty',
  'defineProperties',
  'deleteProperty',
  'is',
]);

/**
 * Whether a parameter of this type declares the member as a function (`{ transform(s): string }`),
 * strictly: a synchronized value stored where the library keeps any value (`value` of a
 * `PropertyDescriptor`, `Object.freeze`'s `T`) is called only by the program, which waits for it.
 */
function declaresCallableMember(
  checker: ts.TypeChecker,
  type: ts.Type | undefined,
  member: ts.ObjectLiteralElementLike,
): boolean {
  const name = member.name && propertyNameText(member.name);
  if (!type || name === undefined) return false;
  const nonNull = checker.getNonNullableType(type);
  return (nonNull.isUnion() ? nonNull.types : [nonNull]).some((t) => {
    const prop = t.flags & ts.TypeFlags.Object || t.isIntersection() ? checker.getPropertyOfType(t, name) : undefined;
    const pt = prop && checker.getNonNullableType(checker.getTypeOfSymbol(prop));
    return !!pt && (pt.isUnion() ? pt.types : [pt]).some((x) => x.getCallSignatures().length > 0);
  });
}

/** Whether a parameter of this type may call the object literal member (`any`: it may). */
function declaresFunctionMember(
  checker: ts.TypeChecker,
  type: ts.Type | undefined,
  member: ts.ObjectLiteralElementLike,
): boolean {
  if (!type || type.flags & (ts.TypeFlags.Any | ts.TypeFlags.Unknown)) return true;
  const name = member.name && propertyNameText(member.name);
  if (name === undefined) return true;
  const nonNull = checker.getNonNullableType(type);
  return (nonNull.isUnion() ? nonNull.types : [nonNull]).some((t) => {
    if (t.flags & (ts.TypeFlags.Any | ts.TypeFlags.Unknown | ts.TypeFlags.TypeParameter)) return true;
    const prop = checker.getPropertyOfType(t, name);
    if (!prop) return checker.getIndexInfosOfType(t).length > 0;
    const pt = checker.getNonNullableType(checker.getTypeOfSymbol(prop));
    return (
      pt.flags & (ts.TypeFlags.Any | ts.TypeFlags.Unknown) ||
      (pt.isUnion() ? pt.types : [pt]).some((x) => x.getCallSignatures().length > 0)
    );
  });
}

interface ThroughCall {
  /** `Function.prototype.call.call(f, t, x)`: that `call` runs with `f` as its `this`, and calls it. */
  callsFirst: boolean;
  /**
   * `Array.prototype.map.call(xs, f)`: a library function called through `call` is `xs.map(f)`,
   * checked against its own declaration, its arguments one place on (a program function called
   * so is analysed as a call of it).
   */
  declaration?: ts.SignatureDeclaration | ts.JSDocSignature;
}

function throughCall(checker: ts.TypeChecker, call: ts.CallExpression | ts.NewExpression): ThroughCall {
  const via = ts.isCallExpression(call) ? viaCallOrApply(checker, call) : undefined;
  if (!via) return { callsFirst: false };
  const method = functionPrototypeMethod(checker, via.fn);
  if (method) return { callsFirst: method === 'call' || method === 'apply' };
  const declaration =
    via.how === 'call' ? checker.getTypeAtLocation(via.fn).getCallSignatures()[0]?.getDeclaration() : undefined;
  return { callsFirst: false, declaration: declaration?.getSourceFile().isDeclarationFile ? declaration : undefined };
}

/**
 * Whether the untransformed callee may call what it gets at `index`: it declares a function
 * there (`setTimeout(handler: TimerHandler)`, `then(onfulfilled?: (value: T) => ...)`). One that
 * takes any value (`push(...items: T[])`, `Map.set(key: K, value: V)`, `console.log(...data:
 * any[])`) stores or shows it; where it flows from there is followed like any function value.
 */
export function mayCallArgument(
  checker: ts.TypeChecker,
  declaration: ts.SignatureDeclaration | ts.JSDocSignature | undefined,
  index: number,
): boolean {
  if (!declaration || !ts.isFunctionLike(declaration)) return true;
  const type = declaredArgumentType(checker, declaration.parameters, index);
  if (!type) return false; // an extra argument nobody reads
  const callable = (t: ts.Type): boolean => t.getCallSignatures().length > 0 || t.symbol?.name === 'Function';
  const nonNull = checker.getNonNullableType(type);
  return nonNull.isUnion() ? nonNull.types.some(callable) : callable(nonNull);
}

export function colouredFunctionOf(
  checker: ts.TypeChecker,
  arg: ts.Expression,
  coloured: Set<FunctionNode>,
): FunctionNode | undefined {
  const fn = functionOfArgument(checker, arg);
  return fn && coloured.has(fn) ? fn : undefined;
}
