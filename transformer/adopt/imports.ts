/**
 * `synchronize` imported where a leaf is wrapped: added to an existing `ts-greenlet` import, or
 * as a new import after the file's last one.
 *
 * ```ts
 * // source                                   // adopted
 * import { awaitSync } from 'ts-greenlet';    import { awaitSync, synchronize } from 'ts-greenlet';
 * import pg from 'pg';                        import pg from 'pg';
 *                                             import { synchronize } from 'ts-greenlet';
 * ```
 */
import ts from 'typescript';
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
