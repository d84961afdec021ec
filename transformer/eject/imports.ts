/**
 * Imports of ts-greenlet that the rewrites left unused are removed; any that are still used are
 * listed, since the ejected program then still needs ts-greenlet.
 *
 * ```ts
 * // source                                              // ejected
 * import { synchronize, spawnGreenlet } from 'ts-greenlet';     (removed: every use was rewritten)
 * import { getcurrent, synchronize } from 'ts-greenlet';  import { getcurrent } from 'ts-greenlet';   + listed
 * ```
 */
import ts from '../ts';
import type { EjectState } from './state';

export function ejectImports(state: EjectState, file: ts.SourceFile): void {
  for (const stmt of file.statements) {
    if (!ts.isImportDeclaration(stmt) || !ts.isStringLiteral(stmt.moduleSpecifier)) continue;
    if (!/^ts-greenlet(\/|$)/.test(stmt.moduleSpecifier.text)) continue;
    const clause = stmt.importClause;
    const named = clause?.namedBindings && ts.isNamedImports(clause.namedBindings) ? clause.namedBindings : undefined;
    const others = clause?.name || (clause?.namedBindings && ts.isNamespaceImport(clause.namedBindings));
    const kept = (named?.elements ?? []).filter((spec) => {
      const uses = usesOf(state.checker, file, spec.name).filter((id) => !state.consumed.has(id));
      if (uses.length)
        state.left.push({
          node: uses[0],
          kind: 'left',
          reason: `${spec.name.text} from ${stmt.moduleSpecifier.getText()} has no async/await counterpart here; the ejected code still imports it.`,
        });
      return uses.length > 0;
    });
    if (others) {
      state.left.push({
        node: stmt,
        kind: 'left',
        reason: 'a default or namespace import of ts-greenlet is kept as written.',
      });
    }
    if (named && kept.length === named.elements.length) continue;
    if (!kept.length && !others) {
      if (stmt === lastModuleMarker(file)) state.edits.replace(file, stmt.getStart(), stmt.getEnd(), 'export {};');
      else deleteStatement(state, file, stmt);
    } else if (named) {
      const text = kept.map((s) => s.getText()).join(', ');
      state.edits.replace(file, named.getStart(), named.getEnd(), `{ ${text} }`);
    }
  }
}

/**
 * The ts-greenlet import that alone makes `file` a module, if there is one: the last import, in a
 * file with no export and whose other imports are all ts-greenlet's. Removing it would turn the
 * file into a script (sloppy mode, globals shared with every other script), so it becomes
 * `export {};`.
 */
function lastModuleMarker(file: ts.SourceFile): ts.Statement | undefined {
  const imports = file.statements.filter(ts.isImportDeclaration);
  const exported = file.statements.some(
    (s) =>
      ts.isExportDeclaration(s) ||
      ts.isExportAssignment(s) ||
      ts.isImportEqualsDeclaration(s) ||
      (ts.canHaveModifiers(s) && ts.getModifiers(s)?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword)),
  );
  const all = imports.every(
    (i) => ts.isStringLiteral(i.moduleSpecifier) && /^ts-greenlet(\/|$)/.test(i.moduleSpecifier.text),
  );
  return exported || !all ? undefined : imports[imports.length - 1];
}

/** Identifiers in `file` (outside `name` itself) that refer to the import `name` declares. */
function usesOf(checker: ts.TypeChecker, file: ts.SourceFile, name: ts.Identifier): ts.Identifier[] {
  const target = checker.getSymbolAtLocation(name);
  const out: ts.Identifier[] = [];
  const visit = (n: ts.Node): void => {
    if (ts.isImportDeclaration(n)) return;
    if (ts.isIdentifier(n) && n.text === name.text && checker.getSymbolAtLocation(n) === target) out.push(n);
    ts.forEachChild(n, visit);
  };
  visit(file);
  return out;
}

/** The statement and its line break; comments above it stay, as they may say more than the import. */
function deleteStatement(state: EjectState, file: ts.SourceFile, stmt: ts.Statement): void {
  let end = stmt.getEnd();
  if (file.text[end] === '\r') end++;
  if (file.text[end] === '\n') end++;
  state.edits.replace(file, stmt.getStart(), end, '');
}
