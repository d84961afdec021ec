/**
 * `ts-greenlet adopt`: code written with async/await moved to sync-style where it reads and
 * behaves the same, formatting and comments kept (position edits, applied as eject's are).
 *
 * ```ts
 * // source                                           // adopt --leaf query
 * export async function query(sql: string) {…}        export const query = synchronize(async function query(sql: string) {…});
 * async function find(id: number): Promise<Note> {    function find(id: number): Note {
 *   return toNote(await query('…', [id]));              return toNote(query('…', [id]));
 * }                                                   }
 * const router = new Router();                        const router = new GreenletRouter();
 * router.get('/', async (ctx) => {                    router.get('/', (ctx) => {       // koa.ts: run as a greenlet
 *   ctx.body = await find(1);                           ctx.body = find(1);
 * ```
 *
 * | file          | concern                                                        |
 * |---------------|----------------------------------------------------------------|
 * | `targets.ts`  | which async functions have a name adopt can follow             |
 * | `uses.ts`     | where each is used: awaited call, bare call, value             |
 * | `decide.ts`   | the fixed point: what becomes sync, what stays async           |
 * | `reasons.ts`  | why a caller stays async (`words.ts`: the report's wording)    |
 * | `leaves.ts`   | the named leaves wrapped with `synchronize`                    |
 * | `koa.ts`      | Koa: `GreenletRouter`, `greenlet(mw)`, handlers made sync      |
 * |               | (`koa-sites.ts`: what it sees, `koa-verdict.ts`: which can be) |
 * | `rewrite.ts`  | `async`, `await` and `Promise<T>` dropped                      |
 * | `imports.ts`  | `synchronize`, `ts-greenlet/koa` imported; `@koa/router` not   |
 * | `check.ts`    | the result type-checked in memory before the CLI writes it     |
 */
import ts from '../ts';
import { applyEdits } from '../eject/apply';
import { EditSet } from '../eject/edits';
import { decide, type Kept } from './decide';
import { importKoa, importSynchronize } from './imports';
import { adoptKoa, type KoaAdoption } from './koa';
import { findLeaves, leafNotes, wrapLeaf } from './leaves';
import { makeSync } from './rewrite';
import type { Target } from './targets';
import { usesOf } from './uses';

export type { Kept } from './decide';
export type { Target } from './targets';

export interface AdoptResult {
  /** Every file given, by name: its text before and after (the same when nothing changed). */
  files: Map<string, { before: string; after: string }>;
  /** The leaves wrapped with `synchronize`. */
  leaves: Target[];
  /** Leaf names that match no async function. */
  missing: string[];
  /** Functions made sync (leaves not included). */
  adopted: Target[];
  /** Koa: routers made GreenletRouters, handlers made sync, middleware wrapped with `greenlet`. */
  koa: Pick<KoaAdoption, 'routers' | 'handlers' | 'middleware'>;
  /** Functions kept async, and leaf uses to check, sorted by file and position. */
  kept: Kept[];
}

export function adopt(program: ts.Program, files: readonly ts.SourceFile[], leafNames: readonly string[]): AdoptResult {
  const checker = program.getTypeChecker();
  const { leaves, missing } = findLeaves(checker, files, leafNames);
  const edits = new EditSet();
  const problems: Kept[] = [];
  const wrapped = leaves.filter((leaf) => {
    const problem = wrapLeaf(edits, leaf);
    if (problem) problems.push(problem);
    return !problem;
  });
  const decision = decide(checker, files, wrapped);
  const adopted = decision.adopted;
  const waits = new Map<ts.Symbol, ts.SignatureDeclaration | undefined>(wrapped.map((l) => [l.symbol, undefined]));
  for (const t of adopted) waits.set(t.symbol, t.fn);
  const koa = adoptKoa(checker, files, waits, edits);
  // decide's word on a handler ("a function value passed to router.get") gives way to koa.ts's
  const kept = decision.kept.filter((k) => !koa.seen.has(k.node)).concat(koa.kept, problems);
  const leafUses = usesOf(checker, files, new Set(wrapped.map((l) => l.symbol)));
  for (const leaf of wrapped) kept.push(...leafNotes(leaf, leafUses.get(leaf.symbol) ?? []));
  for (const file of new Set(wrapped.map((l) => l.fn.getSourceFile()))) importSynchronize(edits, file);
  for (const t of adopted) makeSync(edits, t.fn);
  for (const [file, names] of koa.names) importKoa(checker, edits, file, names, koa.replaced);

  const inputs = new Map<string, { text: string; edits: ReturnType<typeof edits.edits> }>();
  for (const file of files)
    if (edits.edits(file).length) inputs.set(file.fileName, { text: file.text, edits: edits.edits(file) });
  const after = applyEdits(inputs);
  const out: AdoptResult['files'] = new Map();
  for (const file of files) out.set(file.fileName, { before: file.text, after: after.get(file.fileName) ?? file.text });
  kept.sort(
    (a, b) =>
      a.node.getSourceFile().fileName.localeCompare(b.node.getSourceFile().fileName) ||
      a.node.getStart() - b.node.getStart(),
  );
  const { routers, handlers, middleware } = koa;
  return { files: out, leaves: wrapped, missing, adopted, koa: { routers, handlers, middleware }, kept };
}
