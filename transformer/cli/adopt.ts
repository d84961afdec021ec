/**
 * `ts-greenlet adopt --leaf <name>[,<name>…] [--dry-run] [--force]`: async/await code moved to
 * sync-style over the named leaves (`transformer/adopt/`), rewritten in place or shown as a diff.
 *
 * ```text
 * ts-greenlet adopt: 2 of 11 files changed, 1 leaf wrapped with synchronize, 4 functions and 4 Koa handlers made sync; rewritten in place.
 * Made sync: src/async-app.ts:20 listNotesAsync, …
 * Koa routers made GreenletRouters: src/async-app.ts:55
 * Koa route handlers made sync: src/async-app.ts:56, …
 * Exported, and made sync on the callers this program has (…): listNotesAsync, …
 * Kept as written (and why):
 *   src/async-app.ts:46: errors (app.use) stays async: it waits at line 48 inside try/catch: …
 * ```
 *
 * Exit status 1 when a leaf name matches no async function, or when the adopted program would
 * have type errors (or TSG errors) the original has not, which are listed: nothing is written
 * then, unless `--force`.
 */
import fs from 'node:fs';
import ts from '../ts';
import { adopt } from '../adopt';
import { newErrors } from '../adopt/check';
import { unifiedDiff } from '../eject/diff';
import { place } from '../eject/state';
import { CliError } from './args';
import { count } from './build';
import { displayPath, LoadedProject, ownSourceFiles, printDiagnostics } from './project';

export function adoptCommand(
  loaded: LoadedProject,
  options: { leaves: readonly string[]; dryRun: boolean; force: boolean },
  out: (line: string) => void,
): number {
  if (!options.leaves.length)
    throw new CliError(
      'adopt needs the leaf functions to wrap: --leaf <name>[,<name>...] (async functions; a name with * is a pattern, e.g. "fetch*").',
    );
  const files = ownSourceFiles(loaded);
  const result = adopt(loaded.program, files, options.leaves);
  if (result.missing.length) {
    out(`ts-greenlet adopt: no async function named ${result.missing.join(', ')}; nothing was changed.`);
    return 1;
  }
  const changed = [...result.files].filter(([, f]) => f.before !== f.after);
  const errors = changed.length ? newErrors(loaded.program, new Map(changed.map(([n, f]) => [n, f.after]))) : [];
  const blocked = errors.length > 0 && !options.force;
  if (options.dryRun)
    for (const [name, f] of changed) out(unifiedDiff(displayPath(name), f.before, f.after, 'adopted').trimEnd());
  else if (!blocked) for (const [name, f] of changed) fs.writeFileSync(name, f.after);
  const at = (n: Parameters<typeof place>[0]) => {
    const p = place(n);
    return `${displayPath(p.file)}:${p.line}`;
  };
  const { routers, handlers, middleware } = result.koa;
  const koa = handlers.length + middleware.length;
  const made = `${count(result.adopted.length, 'function')}${koa ? ` and ${count(koa, 'Koa handler')}` : ''} made sync`;
  const outcome = options.dryRun
    ? 'nothing written (--dry-run)'
    : blocked
      ? 'nothing written: the result has new errors (below)'
      : 'rewritten in place';
  out(
    `ts-greenlet adopt: ${changed.length} of ${count(files.length, 'file')} changed, ${`${result.leaves.length} ${result.leaves.length === 1 ? 'leaf' : 'leaves'}`} wrapped with synchronize, ${made}; ${outcome}.`,
  );
  if (result.adopted.length) out(`Made sync: ${result.adopted.map((t) => `${at(t.fn)} ${t.name.text}`).join(', ')}`);
  if (routers.length) out(`Koa routers made GreenletRouters: ${routers.map(at).join(', ')}`);
  if (handlers.length) out(`Koa route handlers made sync: ${handlers.map(at).join(', ')}`);
  if (middleware.length) out(`Koa middleware made sync, wrapped with greenlet: ${middleware.map(at).join(', ')}`);
  const exported = result.adopted.filter((t) => isExported(t.fn)).map((t) => t.name.text);
  if (exported.length)
    out(
      `Exported, and made sync on the callers this program has (code outside it now gets sync-style functions): ${exported.join(', ')}`,
    );
  if (result.kept.length) out('Kept as written (and why):');
  for (const k of result.kept) out(`  ${at(k.node)}: ${k.reason}`);
  if (errors.length) {
    out(
      `The adopted program has ${count(errors.length, 'new error')}${options.force ? ' (written anyway: --force)' : '; fix them, or adopt with --force to write it anyway'}:`,
    );
    printDiagnostics(errors, (line) => out(`  ${line}`));
  }
  return blocked ? 1 : 0;
}

/** `export function f` or `export const f = …`. */
function isExported(fn: ts.Node): boolean {
  let stmt: ts.Node = fn;
  while (!ts.isFunctionDeclaration(stmt) && !ts.isVariableStatement(stmt) && !ts.isSourceFile(stmt)) stmt = stmt.parent;
  return (
    !ts.isSourceFile(stmt) &&
    !!ts.getModifiers(stmt as ts.FunctionDeclaration)?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword)
  );
}
