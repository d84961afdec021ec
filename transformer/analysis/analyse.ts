/**
 * The analysis, phase by phase. Each phase reads what the ones before it made; the rewrite reads
 * only the `Analysis` at the end, and never decides colour itself.
 *
 * ```ts
 * const query = synchronize(db.query);          // a suspension point
 * function find(id) { return query(id); }       // coloured; its call: { kind: 'wait' }
 * function show(id) { return find(id).name; }   // coloured; its call: { kind: 'direct', fn: find }
 * async function h() { return show(1); }        // a boundary; its call: { kind: 'await' }
 * ```
 */
import ts from '../ts';
import { analysisChecker } from './checker-cache';
import { buildInventory } from './inventory';
import { analyseValueFlow } from './value-flow';
import { buildCallGraph } from './call-graph';
import { colourFunctions } from './colour';
import { planCalls } from './call-plans';
import { checkProgram } from './checks';
import { createDiagnostic } from '../diagnostics';
import type { Analysis } from './result';

export function analyse(program: ts.Program): Analysis {
  const checker = analysisChecker(program);
  // 1. every function, call and function-valued use in the program's own files
  const inventory = buildInventory(program);
  // 2. where each function value may flow (whole program, flow-insensitive)
  const flow = analyseValueFlow(program);
  // 3. what each call may run: by types, and by value flow
  const graph = buildCallGraph(checker, inventory, flow);
  // 4. which functions can reach a suspension point (a fixed point over the graph)
  const colouring = colourFunctions(checker, inventory, graph, flow.exhausted);
  // 5. how each call that may suspend is emitted; calls where nothing can wait are diagnostics
  const { plans, files, namedFiles, specs } = planCalls(checker, inventory, graph, colouring, flow);
  // 6. what the rewrite cannot carry: escapes to uncompiled code, implicit calls, forms it cannot split
  specs.push(
    ...checkProgram(
      program,
      inventory,
      graph.targets,
      colouring.coloured,
      colouring.suspending,
      colouring.colourPath,
      plans,
      flow,
    ),
  );
  specs.sort(
    (a, b) =>
      a.node.getSourceFile().fileName.localeCompare(b.node.getSourceFile().fileName) ||
      a.node.getStart() - b.node.getStart(),
  );
  return {
    program,
    inventory,
    coloured: colouring.coloured,
    plans,
    reasons: colouring.reasons,
    diagnostics: specs.map(createDiagnostic),
    files,
    namedFiles,
    colourPath: colouring.colourPath,
  };
}
