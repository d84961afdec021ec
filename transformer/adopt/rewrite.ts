/**
 * An adopted function (or Koa handler) made sync: `async` dropped, each `await` (all on calls of adopted
 * functions, `decide.ts` made sure) dropped, a `Promise<T>` return type made `T`.
 *
 * ```ts
 * // source                                                   // adopted
 * export async function find(id: number): Promise<Note> {     export function find(id: number): Note {
 *   const [row] = await query('…', [id]); // the row            const [row] = query('…', [id]); // the row
 *   return (await count()).n > 0;                                return count().n > 0;
 * ```
 */
import ts from '../ts';
import type { EditSet } from '../eject/edits';
import { ownNodes, type TargetFn } from './targets';

/** `fn`: an adopted function, or a Koa handler (`koa.ts`). */
export function makeSync(edits: EditSet, fn: TargetFn): void {
  const file = fn.getSourceFile();
  const asyncMod = ts.getModifiers(fn)!.find((m) => m.kind === ts.SyntaxKind.AsyncKeyword)!;
  let end = asyncMod.getEnd();
  while (/[ \t]/.test(file.text[end])) end++;
  edits.replace(file, asyncMod.getStart(), end, '');
  for (const a of ownNodes(fn).awaits) {
    edits.replace(file, a.getStart(), a.expression.getStart(), '');
    // `(await q()).x` → `q().x`: a call binds as tightly as the access (not as a `new` callee: `new (q())()`)
    const p = a.parent;
    if (ts.isParenthesizedExpression(p) && !ts.isNewExpression(p.parent) && p.getText() === `(${a.getText()})`) {
      edits.replace(file, p.getStart(), a.getStart(), '');
      edits.replace(file, a.getEnd(), p.getEnd(), '');
    }
  }
  const type = fn.type;
  if (
    type &&
    ts.isTypeReferenceNode(type) &&
    ts.isIdentifier(type.typeName) &&
    type.typeName.text === 'Promise' &&
    type.typeArguments?.length === 1
  )
    edits.replace(file, type.getStart(), type.getEnd(), type.typeArguments[0].getText());
}
