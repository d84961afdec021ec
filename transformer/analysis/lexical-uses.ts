/**
 * What a coloured arrow reads of its enclosing function's scope (`arguments`, `new.target`,
 * `super`), which its generator twin cannot see and must be handed. A write through `super`
 * cannot be handed over: the analysis reports it (TSG39005).
 *
 * ```ts
 * class B extends A { m() { return () => super.load(arguments[0]); } }
 * // superReads, arguments  →  ((_arguments, _superGet) => arrowTwin(function* () { ... }, "m", this))(arguments, (k) => super[k])
 * ```
 */
import ts from '../ts';
import { accessMode } from './call-targets';

export function isExpressionUse(id: ts.Identifier): boolean {
  const p = id.parent;
  return !(ts.isPropertyAccessExpression(p) && p.name === id) && !(ts.isPropertyAssignment(p) && p.name === id);
}

/** What an arrow's body (not its nested functions) reads of its enclosing function's scope. */
export function lexicalUses(fn: ts.ArrowFunction): {
  arguments: boolean;
  newTarget: boolean;
  superReads: boolean;
  superWrites: ts.Node[];
} {
  const out = { arguments: false, newTarget: false, superReads: false, superWrites: [] as ts.Node[] };
  const walk = (n: ts.Node): void => {
    if (ts.isIdentifier(n) && n.text === 'arguments' && isExpressionUse(n)) out.arguments = true;
    else if (ts.isMetaProperty(n) && n.keywordToken === ts.SyntaxKind.NewKeyword) out.newTarget = true;
    else if (
      (ts.isPropertyAccessExpression(n) || ts.isElementAccessExpression(n)) &&
      n.expression.kind === ts.SyntaxKind.SuperKeyword
    ) {
      if (accessMode(n) === 'read') out.superReads = true;
      else out.superWrites.push(n);
    }
    if (!(ts.isFunctionLike(n) && !ts.isArrowFunction(n))) ts.forEachChild(n, walk);
  };
  ts.forEachChild(fn, walk);
  return out;
}
