/**
 * Every call whose plan waits gets `await`, in parentheses where the call is an operand that
 * binds tighter than `await` does, or where Prettier would put them.
 *
 * ```ts
 * // source                        // ejected
 * const rows = query(sql);         const rows = await query(sql);
 * return find(id).name;            return (await find(id)).name;
 * render(load(id), 2 ** depth());  await render(await load(id), 2 ** (await depth()));
 * if (!remove(id)) ...             if (!(await remove(id))) ...
 * ```
 *
 * Which calls wait is the analysis's plan, never decided here: `direct`, `dispatch`, `wait`,
 * `via` (inside coloured functions) and `await` (inside async ones) wait; `bind`, `privateTwin`
 * and `name` change nothing in async/await code; `builtin` is `builtins.ts`'s, `awaitSync`
 * `runtime-calls.ts`'s.
 */
import ts from '../ts';
import type { CallPlan } from '../analysis/result';
import type { CallLike } from '../analysis/inventory';
import { isRuntimeExport } from '../analysis/suspension-points';
import { moveDefault } from './defaults';
import { enclosingFunction, insideKept, type EjectState } from './state';

export function ejectAwaits(state: EjectState): void {
  const reportedRecursion = new Set<ts.Node>();
  for (const [node, plan] of state.analysis.plans) {
    if (insideKept(state, node)) continue;
    if (plan.kind === 'accessor') {
      state.left.push({
        node,
        kind: 'left',
        reason: `this ${plan.mode === 'read' ? 'read' : 'write'} runs an accessor that may suspend, and async/await has no async accessors. Call a method instead.`,
      });
      continue;
    }
    if (!waits(plan)) continue;
    const call = node as CallLike;
    if (cannotAwaitHere(state, call)) continue;
    if (ts.isCallExpression(call) && isRuntimeExport(state.checker, call.expression, 'awaitSync')) continue;
    if (('explicit' in plan && plan.explicit) || ('recursive' in plan && plan.recursive)) {
      const fn = enclosingFunction(call);
      if (fn && !reportedRecursion.has(fn)) {
        reportedRecursion.add(fn);
        state.left.push({
          node: call,
          kind: 'caveat',
          reason:
            'a recursive call (or one deep in a chain of calls): each level of async/await keeps a native frame, and it overflows near 10,000 levels where greenlets went 1,000,000 deep.',
        });
      }
    }
    addAwait(state, call);
  }
}

function waits(plan: CallPlan): boolean {
  return ['direct', 'dispatch', 'wait', 'await', 'via'].includes(plan.kind);
}

/** `e` → `await e`, or `(await e)` where `e` is an operand of something tighter than `await`. */
export function addAwait(state: EjectState, e: ts.Expression): void {
  if (ts.isAwaitExpression(e.parent)) return; // already awaited as written (`await f()` in an async function)
  if (continuesOptionalChain(e)) {
    state.left.push({
      node: e,
      kind: 'caveat',
      reason:
        'an awaited call inside an optional chain: the rest of the chain becomes `?.`, so a null result reads undefined where the original threw.',
    });
    state.edits.wrap(e, '(await ', ')');
    const dot = (e.parent as ts.PropertyAccessExpression).getChildren().find((c) => c.kind === ts.SyntaxKind.DotToken);
    if (dot) state.edits.replace(e.getSourceFile(), dot.getStart(), dot.getEnd(), '?.');
    return;
  }
  if (needsParens(e) || readsBetterInParens(e)) state.edits.wrap(e, '(await ', ')');
  else state.edits.before(e, 'await ');
}

/**
 * Where Prettier would add them, though the grammar needs none: an operand of a unary or
 * binary operator, a condition, a spread (`!(await f())`, `(await f()) ?? d`,
 * `[...(await f())]`), so that an ejected file reads as one formatted by hand.
 */
function readsBetterInParens(e: ts.Expression): boolean {
  const p = e.parent;
  if (ts.isBinaryExpression(p))
    return !(
      p.operatorToken.kind >= ts.SyntaxKind.FirstAssignment && p.operatorToken.kind <= ts.SyntaxKind.LastAssignment
    );
  if (ts.isConditionalExpression(p)) return p.condition === e;
  return (
    ts.isPrefixUnaryExpression(p) ||
    ts.isTypeOfExpression(p) ||
    ts.isVoidExpression(p) ||
    ts.isDeleteExpression(p) ||
    ts.isSpreadElement(p) ||
    ts.isSpreadAssignment(p)
  );
}

/** True when `e` is an operand that binds tighter than a unary `await` (so `await` needs parentheses). */
export function needsParens(e: ts.Expression): boolean {
  const p = e.parent;
  if ((ts.isPropertyAccessExpression(p) || ts.isElementAccessExpression(p)) && p.expression === e) return true;
  if ((ts.isCallExpression(p) || ts.isNewExpression(p)) && p.expression === e) return true;
  if (ts.isTaggedTemplateExpression(p) && p.tag === e) return true;
  if (ts.isNonNullExpression(p)) return true;
  if (ts.isBinaryExpression(p) && p.left === e && p.operatorToken.kind === ts.SyntaxKind.AsteriskAsteriskToken)
    return true;
  return false;
}

/**
 * True (and listed) where `await` cannot go: a parameter's default value that cannot move into
 * the body (`defaults.ts`). Every rewrite that would await something asks this first.
 */
export function cannotAwaitHere(state: EjectState, e: ts.Node): boolean {
  const param = parameterWithDefault(e);
  return !!param && !moveDefault(state, param);
}

/** The parameter whose default value (or a default inside whose pattern) `node` is part of. */
function parameterWithDefault(node: ts.Node): ts.ParameterDeclaration | undefined {
  for (let n = node.parent; n && !ts.isFunctionLike(n); n = n.parent) if (ts.isParameter(n)) return n;
  return undefined;
}

/** `a?.f().x`: the call is a link in an optional chain that goes on after it. */
function continuesOptionalChain(e: ts.Expression): boolean {
  const p = e.parent;
  return (
    !!(e.flags & ts.NodeFlags.OptionalChain) &&
    ts.isPropertyAccessExpression(p) &&
    p.expression === e &&
    !!(p.flags & ts.NodeFlags.OptionalChain) &&
    !p.questionDotToken
  );
}
