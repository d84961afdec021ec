/**
 * Code made or run at run time, which the transform never sees: `new Function(…)` / `Function(…)`
 * make a function from a string, `eval(…)` runs a string in the caller's scope. Such code calls
 * whatever it reaches as plain functions, so a coloured function it may reach throws ScopeError
 * when it suspends — or, under a `try/catch`, turns into a silent fallback. value-flow.ts follows
 * the functions made here to the calls that run them; checks.ts reports what they may reach.
 *
 * ```ts
 * const run = new Function('rules', 'v', 'return rules.min(v)'); // 'function'
 * run(rules, 'abc');          // TSG: may call rules.min, which may suspend
 * eval('rules.min(v)');       // 'eval': TSG: may call what any name in scope holds
 * ```
 */
import ts from '../ts';
import { skipParens } from './inventory';
import { isLibFile } from './value-flow-builtins';

export type RuntimeCode = 'function' | 'eval';

/**
 * Whether `e` makes a function from a string (it resolves to a signature of the lib's
 * `FunctionConstructor`, however the callee got there: zod does `const F = Function; new F(...args,
 * body)`) or is a direct `eval`. The resolved signature is the one the checker kept when it checked
 * the call; the callee's type would be checked again (a flow analysis per call: ~0.3 s of analyse()
 * on bench/compile's project).
 */
export function runtimeCodeKind(
  checker: ts.TypeChecker,
  e: ts.CallExpression | ts.NewExpression | ts.TaggedTemplateExpression,
): RuntimeCode | undefined {
  if (ts.isTaggedTemplateExpression(e)) return undefined;
  const callee = skipParens(e.expression);
  if (ts.isIdentifier(callee) && callee.text === 'eval') {
    const decl = checker.getSymbolAtLocation(callee)?.declarations?.[0];
    return decl && isLibFile(decl.getSourceFile()) && ts.isCallExpression(e) ? 'eval' : undefined;
  }
  if (callee.kind === ts.SyntaxKind.SuperKeyword || callee.kind === ts.SyntaxKind.ImportKeyword) return undefined;
  const owner = checker.getResolvedSignature(e)?.declaration?.parent;
  return owner &&
    ts.isInterfaceDeclaration(owner) &&
    owner.name.text === 'FunctionConstructor' &&
    isLibFile(owner.getSourceFile())
    ? 'function'
    : undefined;
}
