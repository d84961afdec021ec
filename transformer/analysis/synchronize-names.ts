/**
 * Names for synchronized functions made from anonymous functions. JavaScript names a function
 * only where it is assigned directly; wrapped, it is anonymous, and every ScopeError it raised
 * said "synchronized function":
 *
 * ```ts
 * const sleep = synchronize(async (ms: number) => …);          // input
 * const sleep = synchronize(async (ms) => …, { name: "sleep" }); // output: ScopeError names `sleep`
 * const load = synchronize(async () => …, { strict: false });
 * const load = synchronize(async () => …, { strict: false, name: "load" });
 * ```
 *
 * Only where the name is certain (a variable, property or class field initialised with the call)
 * and the options are absent or an object literal without `name` or spreads.
 */
import ts from '../ts';
import type { CallSite } from './inventory';
import { propertyNameText, skipParens } from './inventory';
import { isRuntimeExport } from './suspension-points';

export function synchronizeNames(checker: ts.TypeChecker, calls: readonly CallSite[]): Map<ts.CallExpression, string> {
  const out = new Map<ts.CallExpression, string>();
  for (const site of calls) {
    const call = site.call;
    if (!ts.isCallExpression(call) || call.arguments.length < 1 || call.arguments.length > 2) continue;
    const callee = call.expression;
    if (!ts.isIdentifier(callee) && !ts.isPropertyAccessExpression(callee)) continue;
    const fn = skipParens(call.arguments[0]);
    if (!(ts.isArrowFunction(fn) || (ts.isFunctionExpression(fn) && !fn.name))) continue;
    const options = call.arguments[1];
    if (
      options &&
      !(
        ts.isObjectLiteralExpression(options) &&
        options.properties.every(
          (p) =>
            !ts.isSpreadAssignment(p) &&
            p.name &&
            propertyNameText(p.name) !== 'name' &&
            propertyNameText(p.name) !== undefined,
        )
      )
    )
      continue;
    const name = bindingName(call);
    if (name === undefined || !isRuntimeExport(checker, callee, 'synchronize')) continue;
    out.set(call, name);
  }
  return out;
}

/** The name the call's value is bound to: `const x = …`, `{ x: … }`, `x = …` as a class field. */
function bindingName(call: ts.CallExpression): string | undefined {
  let at: ts.Node = call;
  while (ts.isParenthesizedExpression(at.parent) || ts.isAsExpression(at.parent) || ts.isSatisfiesExpression(at.parent))
    at = at.parent;
  const p = at.parent;
  if (
    (ts.isVariableDeclaration(p) || ts.isPropertyAssignment(p) || ts.isPropertyDeclaration(p)) &&
    p.initializer === at
  ) {
    if (ts.isIdentifier(p.name) || ts.isStringLiteral(p.name)) return p.name.text;
    if (ts.isPrivateIdentifier(p.name)) return p.name.text;
  }
  return undefined;
}
