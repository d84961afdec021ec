/**
 * Suspension points: the calls where a greenlet may wait.
 *
 * - a call of a value whose type carries the `Synchronized` brand (`synchronize(...)`,
 *   `awaitSync`, `spawnGreenletOnScopeError(...)`), recognised by the brand's declaration
 *   (`declare const SYNCHRONIZED: unique symbol`), so it holds across modules, re-exports,
 *   aliases and `.d.ts` files;
 * - a call of a method decorated with `@synchronize` / `@synchronize({...})` (a decorator cannot
 *   change a method's type, so the declaration is what marks it).
 */
import ts from '../ts';
import { isRuntimeFile } from './runtime-files';

const BRAND = 'SYNCHRONIZED';
const NON_STRICT = 'NON_STRICT';

/** True if `type` (or every member of a union) has the `[SYNCHRONIZED]` property. */
export function hasSynchronizedBrand(checker: ts.TypeChecker, type: ts.Type): boolean {
  return everyPartHas(checker, type, BRAND);
}

/**
 * True if `type` (or every member of a union) has the `[NON_STRICT]` mark as well: a synchronized
 * function whose plain entry returns its promise (`spawnGreenletOnScopeError(fn)`,
 * `synchronize(fn, { strict: false })`), which code ts-greenlet did not compile may call.
 */
export function isNonStrictSynchronized(checker: ts.TypeChecker, type: ts.Type): boolean {
  return everyPartHas(checker, type, NON_STRICT);
}

/** True if `type` (or every member of a union) has the property keyed by the runtime's `brand` symbol. */
function everyPartHas(checker: ts.TypeChecker, type: ts.Type, brand: string): boolean {
  const t = checker.getNonNullableType(type);
  if (t.isUnion()) return t.types.length > 0 && t.types.every((u) => everyPartHas(checker, u, brand));
  for (const prop of checker.getPropertiesOfType(t)) {
    if (isBrandProperty(checker, prop, brand)) return true;
  }
  return false;
}

/**
 * Whether a call may narrow a reference to a branded type: its signature, as the call
 * instantiates it, is a type guard or assertion (`x is T`, `asserts x is T`) whose type has a
 * branded part. Without one in the program, narrowing only picks parts of a union, so a member or
 * name declared as a method or a function declaration is unbranded at every use, and its type
 * at a use need not be asked (call-targets.ts).
 */
export function narrowsToBrand(checker: ts.TypeChecker, call: ts.Node): boolean {
  if (!ts.isCallExpression(call) && !ts.isTaggedTemplateExpression(call)) return false;
  const sig = checker.getResolvedSignature(call);
  const t = sig && checker.getTypePredicateOfSignature(sig)?.type;
  return !!t && hasBrandedPart(checker, t);
}

/**
 * Whether `type`, or one part of it as a union (null and undefined aside), carries the brand:
 * what a value of it may be, where `hasSynchronizedBrand` asks what every value of it is.
 * `branded` answers for one part (value flow passes its memoised one).
 */
export function hasBrandedPart(
  checker: ts.TypeChecker,
  type: ts.Type,
  branded: (t: ts.Type) => boolean = (t) => hasSynchronizedBrand(checker, t),
): boolean {
  const t = checker.getNonNullableType(type);
  return t.isUnion() ? t.types.some(branded) : branded(t);
}

function isBrandProperty(checker: ts.TypeChecker, prop: ts.Symbol, brand: string): boolean {
  if (!String(prop.escapedName).startsWith(`__@${brand}@`)) return false;
  const decl = prop.declarations?.[0];
  if (!decl || !ts.isPropertySignature(decl) || !ts.isComputedPropertyName(decl.name)) return false;
  let sym = checker.getSymbolAtLocation(decl.name.expression);
  if (sym && sym.flags & ts.SymbolFlags.Alias) sym = checker.getAliasedSymbol(sym);
  const target = sym?.valueDeclaration;
  return !!target && ts.isVariableDeclaration(target) && target.name.getText() === brand;
}

/** True if `decl` is a method decorated with `@synchronize` or `@synchronize(options)`. */
export function isSynchronizeDecorated(checker: ts.TypeChecker, decl: ts.Node): boolean {
  if (!ts.isMethodDeclaration(decl) || !ts.canHaveDecorators(decl)) return false;
  for (const d of ts.getDecorators(decl) ?? []) {
    const callee = ts.isCallExpression(d.expression) ? d.expression.expression : d.expression;
    if (isRuntimeExport(checker, callee, 'synchronize')) return true;
  }
  return false;
}

/** True if `expr` names the runtime's export `name` (through imports, aliases, namespaces). */
export function isRuntimeExport(checker: ts.TypeChecker, expr: ts.Expression, name: string): boolean {
  let sym = checker.getSymbolAtLocation(expr);
  if (sym && sym.flags & ts.SymbolFlags.Alias) sym = checker.getAliasedSymbol(sym);
  if (!sym || sym.name !== name) return false;
  const file = sym.valueDeclaration?.getSourceFile() ?? sym.declarations?.[0]?.getSourceFile();
  return !!file && isRuntimeFile(file.fileName);
}
