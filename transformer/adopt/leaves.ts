/**
 * The leaves the user names, wrapped with `synchronize` so sync-style code calls them like plain
 * functions (their own code, and their `Promise<…>` type, stay as they are).
 *
 * ```ts
 * // source                                          // adopted
 * export async function query(sql: string) {…}      export const query = synchronize(async function query(sql: string) {…});
 * const sleep = async (ms: number) => …;            const sleep = synchronize(async (ms: number) => …);
 * ```
 */
import ts from '../ts';
import type { EditSet } from '../eject/edits';
import type { Kept } from './decide';
import { asyncFunctions, type Target, targetOf } from './targets';
import type { Use } from './uses';

/**
 * The async functions named `names` in `files`, and the names matching none. A name with `*` is
 * a pattern (`--leaf 'fetch*,*Query'`): every async function whose name it matches.
 */
export function findLeaves(
  checker: ts.TypeChecker,
  files: readonly ts.SourceFile[],
  names: readonly string[],
): { leaves: Target[]; missing: string[] } {
  const all = asyncFunctions(files).flatMap((fn) => targetOf(checker, fn) ?? []);
  const leaves = all.filter((t) => names.some((n) => nameMatches(n, t.name.text)));
  return { leaves, missing: names.filter((n) => !leaves.some((l) => nameMatches(n, l.name.text))) };
}

function nameMatches(pattern: string, name: string): boolean {
  if (!pattern.includes('*')) return pattern === name;
  const parts = pattern.split('*').map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&'));
  return new RegExp(`^${parts.join('.*')}$`).test(name);
}

/** Wraps `leaf` (a `Kept` when it cannot be: `export default async function`). */
export function wrapLeaf(edits: EditSet, leaf: Target): Kept | undefined {
  const fn = leaf.fn;
  if ((leaf.symbol.declarations?.length ?? 0) > 1)
    return { node: fn, reason: `${leaf.name.text} has overload signatures; wrap it by hand: synchronize(…)` };
  if (ts.isFunctionDeclaration(fn)) {
    const mods = ts.getModifiers(fn) ?? [];
    if (mods.some((m) => m.kind === ts.SyntaxKind.DefaultKeyword))
      return { node: fn, reason: `${leaf.name.text} is a default export; wrap it by hand: synchronize(…)` };
    const asyncMod = mods.find((m) => m.kind === ts.SyntaxKind.AsyncKeyword)!;
    const file = fn.getSourceFile();
    edits.insert(file, asyncMod.getStart(), `const ${leaf.name.text} = synchronize(`);
    edits.insert(file, fn.getEnd(), ');');
    return undefined;
  }
  edits.wrap(fn, 'synchronize(', ')');
  return undefined;
}

/** Calls of a leaf that are not awaited: after adopt they are sync-style calls, which may not be what the caller means. */
export function leafNotes(leaf: Target, uses: readonly Use[]): Kept[] {
  const file = leaf.fn.getSourceFile();
  const early = ts.isFunctionDeclaration(leaf.fn)
    ? uses.filter(
        (u) => u.node.getSourceFile() === file && u.node.getStart() < leaf.fn.getStart() && atTopLevel(u.node),
      )
    : [];
  const hoisting = early.map((u) => ({
    node: u.node,
    reason: `${leaf.name.text} is used here, at the top level above its declaration: as a const it is not hoisted as a function declaration is`,
  }));
  return hoisting.concat(
    uses
      .filter((u) => u.kind === 'value' || !u.awaited)
      .map((u) => ({
        node: u.node,
        reason:
          u.kind === 'value'
            ? `${leaf.name.text} is used as a value here; it is now a synchronized function (check the code it goes to)`
            : `${leaf.name.text}(…) is called without await here; in an async function the transform now awaits it, elsewhere it needs a greenlet`,
      })),
  );
}

function atTopLevel(node: ts.Node): boolean {
  for (let n = node.parent; n; n = n.parent) if (ts.isFunctionLike(n) || ts.isClassLike(n)) return false;
  return true;
}
