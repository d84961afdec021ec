/**
 * The imports adopt's rewrites need: `synchronize` where a leaf is wrapped (added to an existing
 * `ts-greenlet` import, or as a new import after the file's last one), and what `koa.ts` uses from
 * `ts-greenlet/koa` (`importKoa`).
 *
 * ```ts
 * // source                                   // adopted
 * import { awaitSync } from 'ts-greenlet';    import { awaitSync, synchronize } from 'ts-greenlet';
 * import pg from 'pg';                        import pg from 'pg';
 *                                             import { synchronize } from 'ts-greenlet';
 * ```
 */
import ts from '../ts';
import type { EditSet } from '../eject/edits';

export function importSynchronize(edits: EditSet, file: ts.SourceFile): void {
  const imports = file.statements.filter(ts.isImportDeclaration);
  for (const i of imports) {
    if (!ts.isStringLiteral(i.moduleSpecifier) || i.moduleSpecifier.text !== 'ts-greenlet') continue;
    const clause = i.importClause;
    const named = clause?.namedBindings;
    if (!clause || clause.isTypeOnly || !named || !ts.isNamedImports(named)) continue;
    if (named.elements.some((e) => !e.isTypeOnly && e.name.text === 'synchronize')) return;
    if (!named.elements.length) continue;
    edits.insert(file, named.elements[named.elements.length - 1].getEnd(), ', synchronize');
    return;
  }
  const line = "import { synchronize } from 'ts-greenlet';";
  const last = imports[imports.length - 1];
  if (last) edits.insert(file, last.getEnd(), `\n${line}`);
  else edits.insert(file, file.statements[0]?.getStart() ?? 0, `${line}\n\n`);
}

/** What a file takes from `ts-greenlet/koa` after `koa.ts`, in the order the import lists it. */
const KOA_ORDER = ['GreenletRouter', 'greenlet', 'SyncNext'] as const;

/**
 * The `ts-greenlet/koa` names `koa.ts` used, imported: added to an existing import of it, or as
 * a new import, which takes the place of the @koa/router import when `Router` is no longer used.
 * An import of koa's `Next` that only typed a `next` now `SyncNext` goes too.
 *
 * ```ts
 * // source                                 // adopted
 * import Router from '@koa/router';         import { GreenletRouter, greenlet } from 'ts-greenlet/koa';
 * import Koa, { type Next } from 'koa';     import Koa from 'koa';
 * import Router, { type RouterContext }     import { type RouterContext } from '@koa/router';
 *   from '@koa/router';                     import { GreenletRouter } from 'ts-greenlet/koa';
 * ```
 */
export function importKoa(
  checker: ts.TypeChecker,
  edits: EditSet,
  file: ts.SourceFile,
  names: ReadonlySet<string>,
  replaced: readonly ts.Identifier[],
): void {
  const imports = file.statements.filter(ts.isImportDeclaration);
  let wanted = KOA_ORDER.filter((n) => names.has(n));
  const existing = imports.find((i) => moduleOf(i) === 'ts-greenlet/koa' && namedOf(i) && !i.importClause?.isTypeOnly);
  if (existing) {
    const elements = namedOf(existing)!.elements;
    wanted = wanted.filter((n) => !elements.some((e) => e.name.text === n && (e.propertyName ?? e.name).text === n));
  }
  const specs = wanted.map((n) => (n === 'SyncNext' ? `type ${n}` : n));
  if (existing && specs.length) {
    const elements = namedOf(existing)!.elements;
    edits.insert(file, elements[elements.length - 1].getEnd(), `, ${specs.join(', ')}`);
  }
  let line = !existing && specs.length ? `import { ${specs.join(', ')} } from 'ts-greenlet/koa';` : '';
  const aliases = new Set(replaced.map((id) => checker.getSymbolAtLocation(id)));
  for (const alias of aliases) {
    const unused = alias && unusedImport(checker, file, alias, replaced);
    if (!unused) continue;
    if (line && unused.whole && unused.from === '@koa/router') {
      edits.replace(file, unused.start, unused.end, line);
      line = '';
    } else if (unused.whole) dropStatement(edits, file, unused.start, unused.end, imports);
    else edits.replace(file, unused.start, unused.end, '');
  }
  const last = imports[imports.length - 1];
  if (line) edits.insert(file, last ? last.getEnd() : 0, last ? `\n${line}` : `${line}\n\n`);
}

/** The binding `alias` of an import in `file`, if `replaced` were its only uses: the range to drop (`whole`: its statement). */
function unusedImport(
  checker: ts.TypeChecker,
  file: ts.SourceFile,
  alias: ts.Symbol,
  replaced: readonly ts.Identifier[],
): { start: number; end: number; whole: boolean; from?: string } | undefined {
  const decl = alias.declarations?.[0];
  if (!decl || decl.getSourceFile() !== file || !(ts.isImportClause(decl) || ts.isImportSpecifier(decl))) return;
  const stmt = ts.findAncestor(decl, ts.isImportDeclaration)!;
  let used = false;
  const visit = (n: ts.Node): void => {
    if (used || n === stmt) return;
    if (ts.isIdentifier(n) && !replaced.includes(n) && checker.getSymbolAtLocation(n) === alias) used = true;
    ts.forEachChild(n, visit);
  };
  visit(file);
  if (used) return undefined;
  const clause = stmt.importClause!;
  const named = namedOf(stmt);
  const from = moduleOf(stmt);
  const bindings = (clause.name ? 1 : 0) + (named?.elements.length ?? (clause.namedBindings ? 1 : 0));
  if (bindings === 1) return { start: stmt.getStart(), end: stmt.getEnd(), whole: true, from };
  // `Router, ` before the braces; `, { type Next }` after a default; else a specifier and a comma beside it
  if (ts.isImportClause(decl))
    return { start: decl.name!.getStart(), end: clause.namedBindings!.getStart(), whole: false };
  const elements = named!.elements;
  if (elements.length === 1) return { start: clause.name!.getEnd(), end: named!.getEnd(), whole: false };
  const i = elements.indexOf(decl);
  return i < elements.length - 1
    ? { start: elements[i].getStart(), end: elements[i + 1].getStart(), whole: false }
    : { start: elements[i - 1].getEnd(), end: elements[i].getEnd(), whole: false };
}

function moduleOf(i: ts.ImportDeclaration): string | undefined {
  return ts.isStringLiteral(i.moduleSpecifier) ? i.moduleSpecifier.text : undefined;
}

function namedOf(i: ts.ImportDeclaration): ts.NamedImports | undefined {
  const b = i.importClause?.namedBindings;
  return b && ts.isNamedImports(b) ? b : undefined;
}

/**
 * An import statement `[start, end)` removed with its line. The last import's end is where new
 * imports go (`synchronize`, `ts-greenlet/koa`), so its removal stops there and takes the line
 * break before it instead of the one after (removing past that end would swallow them).
 */
function dropStatement(
  edits: EditSet,
  file: ts.SourceFile,
  start: number,
  end: number,
  imports: readonly ts.ImportDeclaration[],
): void {
  const last = imports[imports.length - 1];
  if (end !== last?.getEnd()) return edits.replace(file, start, lineEnd(file, end), '');
  const before = file.text.slice(0, start).match(/\r?\n[ \t]*$/);
  if (before) return edits.replace(file, start - before[0].length, end, '');
  edits.replace(file, start, end, ''); // its line, the file's first, stays (empty)
}

/** `end`, past the line break that follows it. */
function lineEnd(file: ts.SourceFile, end: number): number {
  if (file.text[end] === '\r') end++;
  return file.text[end] === '\n' ? end + 1 : end;
}
