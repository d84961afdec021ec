/**
 * A builtin whose callback may suspend (the analysis's `builtin` plan) calls a helper that awaits
 * the callback in the builtin's order (`builtin-helpers.ts`), appended to the file.
 *
 * ```ts
 * // source                                  // ejected
 * const rows = ids.map((id) => load(id));    const rows = await mapInOrder(ids, async (id) => await load(id));
 * people.sort((a, b) => rank(a) - rank(b))   await sortInOrder(people, async (a, b) => await rank(a) - await rank(b))
 * Collection.from(set, (v) => check(v))      await fromInOrder(Collection, set, async (v) => await check(v))
 * ```
 */
import ts from '../ts';
import { addAwait, cannotAwaitHere } from './awaits';
import { HELPERS } from './builtin-helpers';
import { insideKept, type EjectState } from './state';

export function ejectBuiltins(state: EjectState): void {
  for (const [node, plan] of state.analysis.plans) {
    if (plan.kind !== 'builtin' || insideKept(state, node) || cannotAwaitHere(state, node)) continue;
    const call = node as ts.CallExpression;
    const callee = call.expression;
    if (
      !ts.isPropertyAccessExpression(callee) ||
      call.questionDotToken ||
      callee.questionDotToken ||
      !call.arguments.length
    ) {
      state.left.push({
        node: call,
        kind: 'left',
        reason: `this ${plan.helper} call's callback may suspend, but it is called through an optional chain or a computed name; write it as recv.${plan.helper}(…).`,
      });
      continue;
    }
    const helper = HELPERS[plan.helper];
    const file = call.getSourceFile();
    // recv.map(cb, t) → mapInOrder(recv, cb, t): the receiver becomes the first argument
    state.edits.before(call, `${helper.name}(`, -1);
    state.edits.replace(file, callee.expression.getEnd(), call.arguments[0].getStart(), ', ');
    addAwait(state, call);
    let names = state.helpers.get(file);
    if (!names) state.helpers.set(file, (names = new Set()));
    names.add(helper.name);
  }
}
