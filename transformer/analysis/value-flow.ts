/**
 * Where function values go: a whole-program, flow-insensitive points-to analysis for functions
 * (Andersen-style inclusion constraints, solved to a fixed point), field-based as in Feldthaus et
 * al., "Efficient Construction of Approximate Call Graphs for JavaScript IDE Services" (ICSE
 * 2013): a property is one location per *name*, whatever object holds it. Objects themselves are
 * not tracked, so nothing is lost where an object comes from code the analysis cannot see, and
 * `{ ...o }`, `Object.assign` and destructuring need no model: they read and write names.
 *
 * Types prune in three places: a location typed as a primitive holds no function (see
 * `primitiveTyped`), and a container typed to hold none is not followed; and a call of a member
 * the program declares (`o.m(x)`) reads only the functions of `.m` that can be `m` by what they
 * return (`memberCallee`, return-fit.ts).
 *
 * ```ts
 * const loadFlags = synchronize(async () => ['beta']);   // SUSPENDS ⊆ loadFlags
 * orDefault(loadFlags, []);                              // loadFlags ⊆ param fn of orDefault
 * function orDefault(fn, d) { try { return fn(); } ... } // fn() may call: {SUSPENDS}
 * query({ run: () => count('users') });                  // arrow ⊆ .run;  opts.run() may call it
 * renderer[prop] = (...a) => user.apply(renderer, a);    // prop: 'link' | 'code' → .link, .code
 * ```
 *
 * Calls bind as values arrive: when `f` reaches a callee, the call's arguments flow into `f`'s
 * parameters and `f`'s returns into the call (merged per callee location: `CallSummary`). Code
 * outside the program (a `.d.ts`) may hand back what it was given, and calls the callbacks it is
 * given: that is an escape, which `checks.ts` reports when the callback may suspend. This phase
 * only computes; it decides nothing. Its parts, each in a file of its own:
 *
 * | file                          | what it holds                                                   |
 * |-------------------------------|-----------------------------------------------------------------|
 * | value-flow-model.ts           | the values and the locations (its table), `FlowWalker`          |
 * | value-flow-solver.ts          | the state, the operations that add constraints, the fixed point |
 * | value-flow-walk.ts            | the syntax walk: statements, declarations, expressions          |
 * | value-flow-fields.ts          | property reads and writes: one location per name                |
 * | value-flow-private-maps.ts    | `#private` objects only ever indexed: fields of their own       |
 * | value-flow-keys.ts            | keys that flow through parameters (`o[k]`, `k` a parameter)     |
 * | value-flow-calls.ts           | calls and `new`: which location a call goes through             |
 * | value-flow-container-calls.ts | the lib's arrays, Maps and Sets (value-flow-builtins.ts)        |
 * | value-flow-outside.ts         | code outside the program: what it keeps, what it calls back     |
 * | value-flow-types.ts           | what types say: primitives, containers of functions, the brand  |
 * | value-flow-queries.ts         | `ValueFlow`: what the solved flow answers                       |
 */
import ts from '../ts';
import { analysisChecker } from './checker-cache';
import { returnFit, strictNullChecks } from './return-fit';
import { KeyParameters } from './value-flow-keys';
import { FlowValue, SUSPENDS } from './value-flow-model';
import { exhaustedValueFlow, solvedValueFlow, ValueFlow } from './value-flow-queries';
import { FlowSolver } from './value-flow-solver';
import { FlowTypes } from './value-flow-types';
import { FlowWalk } from './value-flow-walk';

export { SUSPENDS };
export type { FlowValue, ValueFlow };

/**
 * Steps (a value arriving at a location) the solver may take. The fuzzer's 40-program batches
 * take ~0.4 M, this repository's fixtures far fewer, bench/compile's 1,000-file project well
 * under the budget (~3 s); past it, colour falls back to types (TSG39009).
 */
export const VALUE_FLOW_BUDGET = 5_000_000;

/** The program's own file a `require('./m')` call loads (Node's resolution), if any. */
function requiredFile(program: ts.Program, call: ts.CallExpression): ts.SourceFile | undefined {
  const from = call.getSourceFile();
  const spec = (call.arguments[0] as ts.StringLiteralLike).text;
  const mode = program.getModeForUsageLocation(from, call.arguments[0] as ts.StringLiteralLike);
  const resolved = ts.resolveModuleName(
    spec,
    from.fileName,
    program.getCompilerOptions(),
    ts.sys,
    undefined,
    undefined,
    mode,
  ).resolvedModule;
  const file = resolved && program.getSourceFile(resolved.resolvedFileName);
  return file && !file.isDeclarationFile && !program.isSourceFileFromExternalLibrary(file) ? file : undefined;
}

export function analyseValueFlow(program: ts.Program, budget = VALUE_FLOW_BUDGET): ValueFlow {
  const checker = analysisChecker(program);
  const types = new FlowTypes(checker);
  const keyParams = new KeyParameters(checker);
  const solver = new FlowSolver(types, keyParams, budget);
  // 1. the constraints of the program's own files
  const files = program
    .getSourceFiles()
    .filter((f) => !f.isDeclarationFile && !program.isSourceFileFromExternalLibrary(f));
  const fit = returnFit(checker, strictNullChecks(program.getCompilerOptions()));
  const walk = new FlowWalk(
    solver,
    types,
    keyParams,
    fit,
    files,
    (call) => requiredFile(program, call),
    !!program.getCompilerOptions().experimentalDecorators,
  );
  walk.walkProgram();
  // 2. the fixed point
  if (!solver.solveToFixedPoint()) return exhaustedValueFlow();
  // 3. what the queries read
  return solvedValueFlow(solver, types, {
    callees: walk.calls.callees,
    unbounded: walk.fields.unbounded,
    libraryMethodWrites: walk.fields.libraryMethodWrites,
    evals: walk.calls.evals,
    privateMapContents: () => walk.fields.privateMaps.contents(),
  });
}
