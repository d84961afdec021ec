/**
 * `ts-greenlet eject`: the program as plain async/await TypeScript, with no ts-greenlet at run
 * time, its formatting and comments kept. The analysis decides (which functions are coloured,
 * which calls wait); each rewrite below turns its part of that into edits; `apply.ts` applies
 * them. The phases, in order (later ones read what earlier ones recorded in the state):
 *
 * | phase            | what it edits                                                   |
 * |------------------|-----------------------------------------------------------------|
 * | `functions.ts`   | coloured functions → `async`, return types → `Promise<…>`       |
 * | `awaits.ts`      | calls whose plan waits → `await` (parenthesised where needed)   |
 * | `builtins.ts`    | `xs.map(cb)` with a suspending `cb` → `await mapInOrder(xs, cb)` |
 * | `signatures.ts`  | declared function types async functions flow through            |
 * | `runtime-calls.ts` | `synchronize(f)` → `f`, `spawnGreenlet(f, a)` → `f(a)`, `awaitSync(p)` → `await p` |
 * | `koa.ts`         | `GreenletRouter` → `Router`, `greenlet(mw)` → `mw`, `SyncNext` → `Next` |
 * | `imports.ts`     | ts-greenlet imports left unused                                 |
 * | `defaults.ts`    | parameter defaults that wait → the top of the body (with the edits made in them) |
 *
 * What cannot be ejected faithfully is kept as written and listed (`Left`), never changed silently.
 */
import ts from '../ts';
import type { Analysis } from '../analysis/result';
import type { FunctionNode } from '../analysis/inventory';
import { applyEdits } from './apply';
import { ejectAwaits } from './awaits';
import { helperSource } from './builtin-helpers';
import { ejectBuiltins } from './builtins';
import { ejectDefaults } from './defaults';
import { ejectFunctions } from './functions';
import { ejectImports } from './imports';
import { ejectKoa } from './koa';
import { ejectRuntimeCalls } from './runtime-calls';
import { ejectSignatures } from './signatures';
import { createState, type Left } from './state';

export type { Left } from './state';

export interface EjectResult {
  /** Every file given, by name: its text before and after (the same when nothing changed). */
  files: Map<string, { before: string; after: string }>;
  /** The coloured functions made async. */
  rewritten: FunctionNode[];
  /** What was kept as written, or rewritten with a caveat, sorted by file and position. */
  left: Left[];
}

/** Ejects `files` (the program's own sources) of the program `analysis` was made from. */
export function eject(analysis: Analysis, files: readonly ts.SourceFile[]): EjectResult {
  const state = createState(analysis);
  const own = new Set(files);
  ejectFunctions(state);
  ejectAwaits(state);
  ejectBuiltins(state);
  ejectSignatures(state, files);
  for (const file of files) ejectRuntimeCalls(state, file);
  for (const file of files) ejectKoa(state, file);
  for (const file of files) ejectImports(state, file);
  ejectDefaults(state);
  for (const [file, names] of state.helpers) {
    const text = `\n\n// Added by ts-greenlet eject: builtins whose callback is async, awaited one call at a time in the builtin's order.\n${helperSource(names)}\n`;
    state.edits.insert(file, file.text.length, file.text.endsWith('\n') ? text.slice(1) : text);
  }

  const inputs = new Map<string, { text: string; edits: ReturnType<typeof state.edits.edits> }>();
  for (const file of files) {
    const edits = state.edits.edits(file);
    if (edits.length) inputs.set(file.fileName, { text: file.text, edits });
  }
  const after = applyEdits(inputs);
  const out: EjectResult['files'] = new Map();
  for (const file of files) out.set(file.fileName, { before: file.text, after: after.get(file.fileName) ?? file.text });
  const left = state.left
    .filter((l) => own.has(l.node.getSourceFile()))
    .sort(
      (a, b) =>
        a.node.getSourceFile().fileName.localeCompare(b.node.getSourceFile().fileName) ||
        a.node.getStart() - b.node.getStart(),
    );
  return { files: out, rewritten: [...state.rewritten].filter((f) => own.has(f.getSourceFile())), left };
}
