/**
 * What the eject rewrites share: the analysis they obey, the edits they add, and what they
 * leave. A rewrite never decides colour; it reads `analysis.coloured` and `analysis.plans`.
 */
import ts from '../ts';
import type { Analysis } from '../analysis/result';
import { lineOf, type FunctionNode } from '../analysis/inventory';
import { EditSet } from './edits';

/**
 * Something eject did not change, or changed with a caveat, and why: listed with file:line.
 * `left`: the code stays as written, so the ejected program still needs ts-greenlet there.
 * `caveat`: rewritten, but async/await may not behave the same (a recursion too deep for it).
 */
export interface Left {
  node: ts.Node;
  kind: 'left' | 'caveat';
  reason: string;
}

export interface EjectState {
  analysis: Analysis;
  checker: ts.TypeChecker;
  edits: EditSet;
  left: Left[];
  /** Coloured functions made `async`. */
  rewritten: Set<FunctionNode>;
  /** Coloured functions that cannot be `async` (accessors, ...): nothing inside them is edited. */
  kept: Set<FunctionNode>;
  /** Identifiers naming a ts-greenlet export whose use a rewrite removed (`imports.ts` drops the import). */
  consumed: Set<ts.Identifier>;
  /** Parameters whose default waits, to move into their function's body (`defaults.ts`). */
  movedDefaults: Set<ts.ParameterDeclaration>;
  /** Helpers (`builtins.ts`) each file needs appended. */
  helpers: Map<ts.SourceFile, Set<string>>;
}

export function createState(analysis: Analysis): EjectState {
  return {
    analysis,
    checker: analysis.program.getTypeChecker(),
    edits: new EditSet(),
    left: [],
    rewritten: new Set(),
    kept: new Set(),
    consumed: new Set(),
    movedDefaults: new Set(),
    helpers: new Map(),
  };
}

/** The function a node's code runs in (its nearest enclosing function), if any. */
export function enclosingFunction(node: ts.Node): ts.SignatureDeclaration | undefined {
  for (let n = node.parent; n; n = n.parent) if (ts.isFunctionLike(n)) return n;
  return undefined;
}

/** True if `node` sits in a function eject keeps as written: its text must not change. */
export function insideKept(state: EjectState, node: ts.Node): boolean {
  for (let n: ts.Node | undefined = node; n; n = n.parent) if (state.kept.has(n as FunctionNode)) return true;
  return false;
}

/** `file:line` of a node, for the summary. */
export function place(node: ts.Node): { file: string; line: number } {
  return { file: node.getSourceFile().fileName, line: lineOf(node) };
}
