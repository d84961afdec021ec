/**
 * The words of adopt's report: expressions shortened, places, what a function is passed to.
 *
 * ```ts
 * await Promise.all([q(1), q(2)])   // describe: "Promise.all(…) (promises run side by side)"
 * setTimeout(later, 10)             // passedTo(later): " passed to setTimeout"
 * ```
 */
import ts from '../ts';
import { skipParens } from './targets';

export function describe(e: ts.Expression): string {
  const x = skipParens(e);
  if (ts.isCallExpression(x)) {
    const name = callee(x);
    if (/^Promise\.(all|race|any|allSettled)$/.test(name)) return `${name}(…) (promises run side by side)`;
    return `${name}(…), which is not adopted`;
  }
  return ts.isIdentifier(x) || ts.isPropertyAccessExpression(x)
    ? `${short(x)}, a promise value, not a call of an adopted function`
    : `${short(x)}, not a call of an adopted function`;
}

export function callee(c: ts.CallExpression): string {
  return short(c.expression);
}

export function short(e: ts.Node): string {
  const text = e.getText().replace(/\s+/g, ' ');
  return text.length > 40 ? `${text.slice(0, 37)}…` : text;
}

/** ` (passed to f)` when `node` is, or is wrapped in, an argument of a call. */
export function passedTo(node: ts.Node): string {
  let n: ts.Node = node;
  while (ts.isParenthesizedExpression(n.parent)) n = n.parent;
  const p = n.parent;
  return (ts.isCallExpression(p) || ts.isNewExpression(p)) && p.expression !== n
    ? ` passed to ${short(p.expression)}`
    : '';
}

export function label(fn: ts.SignatureDeclaration): string {
  const t = fn.name ?? (ts.isVariableDeclaration(fn.parent) ? fn.parent.name : undefined);
  return t ? short(t) : 'an anonymous async function';
}
