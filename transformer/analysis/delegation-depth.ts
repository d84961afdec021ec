/**
 * How deep `yield*` delegation may nest: past `MAX_NESTED_DELEGATION` edges, a call becomes an
 * explicit call record, which runs on the trampoline's own stack and starts a fresh nest.
 *
 * Every resume of a suspended chain re-enters each delegating frame, so a `yield*` chain costs
 * per level on the native stack (about three native calls a level). Past ~10 levels the time
 * climbs faster than the instructions (probably the CPU's return-address predictor running out),
 * and a record every 5th or 10th edge with `yield*` between beat both `yield*` everywhere and records
 * everywhere at depth 100; the sweep's figures are in bench/RESULTS.md (`npm run bench`). Ten
 * keeps chains of up to ten calls all `yield*`, where `yield*` is fastest. The cap also keeps a
 * long chain that is not recursive off V8's own limit: resumes of nested generators overflow the
 * native stack a few thousand frames deep (a chain of 5,000 distinct functions threw RangeError
 * before; test/transformer/long-chain.test.ts).
 *
 * ```js
 * // a chain of distinct coloured functions, f0 calls f1 calls … calls f24 (the leaf waits)
 * function* f23$twin() { return (yield* f24$twin()); }   // f14 … f23: yield*, 10 edges below f14
 * function* f13$twin() { return (__tsg.resumeInline(yield __tsg.markRecord(f14$twin()))); }  // f14 starts a nest
 * function* f3$twin() { return (yield* f4$twin()); }     // f3 … f12: yield*
 * function* f2$twin() { return (__tsg.resumeInline(yield __tsg.markRecord(f3$twin()))); }
 * function* f0$twin() { return (yield* f1$twin()); }     // f0, f1: yield*
 * ```
 * Heights are counted from the leaves: the first cut is ten edges above the deepest leaf.
 */
import type { FunctionNode } from './inventory';

export const MAX_NESTED_DELEGATION = 10;

/** A call that would delegate with `yield*`, in `caller`, to any of `callees` (coloured). */
export interface DelegatingCall {
  caller: FunctionNode;
  callees: FunctionNode[];
}

/**
 * The calls to make explicit records so that no chain of `yield*` edges is longer than
 * `MAX_NESTED_DELEGATION`. The `yield*` edges form a DAG: recursive edges are left out. They count
 * how deep they nest at run time (`nesting` in runtime/greenlet.ts) and make records past ten, so
 * they add at most ten frames to a chain's native depth; a record here starts their count anew.
 */
export function callsToMakeRecords<C extends DelegatingCall>(calls: readonly C[]): Set<C> {
  const byCaller = new Map<FunctionNode, C[]>();
  for (const c of calls) {
    const list = byCaller.get(c.caller);
    if (list) list.push(c);
    else byCaller.set(c.caller, [c]);
  }
  /** `yield*` edges nested below a function's frame, at most, once its cut calls are records. */
  const height = new Map<FunctionNode, number>();
  const cut = new Set<C>();
  const heightOf = (fn: FunctionNode) => height.get(fn) ?? 0; // in progress (a cycle) or a leaf

  // Iterative post-order, so a long chain cannot overflow the compiler's stack.
  const entered = new Set<FunctionNode>();
  for (const root of byCaller.keys()) {
    if (entered.has(root)) continue;
    const stack: { fn: FunctionNode; next: FunctionNode[] }[] = [];
    const enter = (fn: FunctionNode) => {
      entered.add(fn);
      stack.push({ fn, next: (byCaller.get(fn) ?? []).flatMap((c) => c.callees) });
    };
    enter(root);
    while (stack.length) {
      const top = stack[stack.length - 1];
      const callee = top.next.pop();
      if (callee !== undefined) {
        if (!entered.has(callee)) enter(callee);
        continue;
      }
      stack.pop();
      let h = 0;
      for (const c of byCaller.get(top.fn) ?? []) {
        const below = 1 + Math.max(0, ...c.callees.map(heightOf));
        if (below > MAX_NESTED_DELEGATION) cut.add(c);
        else h = Math.max(h, below);
      }
      height.set(top.fn, h);
    }
  }
  return cut;
}
