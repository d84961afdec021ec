/**
 * The type checker the analysis asks, with two of its questions remembered per node:
 * `getTypeAtLocation` (for a name the checker narrows by control flow each time it is asked) and
 * `getSymbolAtLocation`. The phases ask both of the same nodes again and again (on bench/compile's
 * 1,000-file project, a third of value flow's questions alone are repeats). Safe because nothing
 * edits the program while it is analysed; every other question goes to the checker itself.
 */
import ts from '../ts';

const byChecker = new WeakMap<ts.TypeChecker, ts.TypeChecker>();

export function analysisChecker(program: ts.Program): ts.TypeChecker {
  const checker = program.getTypeChecker();
  let cached = byChecker.get(checker);
  if (!cached) byChecker.set(checker, (cached = remembering(checker)));
  return cached;
}

function remembering(checker: ts.TypeChecker): ts.TypeChecker {
  const types = new Map<ts.Node, ts.Type>();
  const symbols = new Map<ts.Node, ts.Symbol | null>(); // null: no symbol
  // the checker's methods are closures over its state, not methods of `this`: inherit the rest
  const out: ts.TypeChecker = Object.create(checker);
  out.getTypeAtLocation = (node) => {
    let t = types.get(node);
    if (!t) types.set(node, (t = checker.getTypeAtLocation(node)));
    return t;
  };
  out.getSymbolAtLocation = (node) => {
    let s = symbols.get(node);
    if (s === undefined) symbols.set(node, (s = checker.getSymbolAtLocation(node) ?? null));
    return s ?? undefined;
  };
  return out;
}
