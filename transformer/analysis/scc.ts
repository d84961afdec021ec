/** Strongly connected components of the coloured call graph: the recursive edges get explicit call records. */
import type { FunctionNode } from './inventory';

/** Tarjan's SCCs over coloured functions: id of the component for functions on a cycle. */
export function stronglyConnected(
  nodes: Set<FunctionNode>,
  edges: (n: FunctionNode) => FunctionNode[],
): Map<FunctionNode, number> {
  const index = new Map<FunctionNode, number>();
  const low = new Map<FunctionNode, number>();
  const onStack = new Set<FunctionNode>();
  const stack: FunctionNode[] = [];
  const comp = new Map<FunctionNode, number>();
  let counter = 0;
  let compId = 0;
  for (const n of nodes) if (!index.has(n)) strong(n);
  return comp;

  // Iterative, so a long call chain cannot overflow the compiler's stack.
  function strong(root: FunctionNode): void {
    const frames: Array<{ n: FunctionNode; out: FunctionNode[]; i: number }> = [];
    const enter = (n: FunctionNode) => {
      index.set(n, counter);
      low.set(n, counter++);
      stack.push(n);
      onStack.add(n);
      frames.push({ n, out: edges(n), i: 0 });
    };
    enter(root);
    while (frames.length) {
      const f = frames[frames.length - 1];
      if (f.i < f.out.length) {
        const m = f.out[f.i++];
        if (!index.has(m)) enter(m);
        else if (onStack.has(m)) low.set(f.n, Math.min(low.get(f.n)!, index.get(m)!));
        continue;
      }
      frames.pop();
      if (frames.length) {
        const parent = frames[frames.length - 1].n;
        low.set(parent, Math.min(low.get(parent)!, low.get(f.n)!));
      }
      if (low.get(f.n) === index.get(f.n)) {
        const members: FunctionNode[] = [];
        let m: FunctionNode;
        do {
          m = stack.pop()!;
          onStack.delete(m);
          members.push(m);
        } while (m !== f.n);
        const selfLoop = edges(f.n).includes(f.n);
        if (members.length > 1 || selfLoop) {
          for (const x of members) comp.set(x, compId);
          compId++;
        }
      }
    }
  }
}
