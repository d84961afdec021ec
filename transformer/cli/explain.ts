/**
 * `ts-greenlet explain [names...] [--json]`: which functions are coloured, and for each the chain
 * of calls that reaches a suspension point — the analysis's `reasons`, read back hop by hop.
 *
 * ```text
 * src/notes.ts:12:17  find
 *     src/notes.ts:13:10  calls query (suspends)
 * src/app.ts:5:10  show
 *     src/app.ts:6:15  calls find
 *     src/notes.ts:13:10  calls query (suspends)
 * ```
 */
import ts from '../ts';
import { functionName, calleeOf } from '../analysis/inventory';
import { colourChain } from '../analysis/colour';
import { count } from './build';
import { displayPath, LoadedProject, printDiagnostics } from './project';

interface Place {
  file: string;
  line: number;
  column: number;
}
interface Hop extends Place {
  /** What the call calls, as written (`repo.find`, `query`). */
  calls: string;
  /** The coloured function it reaches, or true at the suspension point itself. */
  reaches: string | true;
}
export interface Explained extends Place {
  name: string;
  path: Hop[];
}

export function explainProject(loaded: LoadedProject): Explained[] {
  const { analysis } = loaded;
  const out: Explained[] = [];
  for (const fn of analysis.coloured) {
    const path: Hop[] = colourChain(analysis.reasons, fn).map(({ reason }) => {
      const text = calleeOf(reason.site).getText();
      return {
        ...place(reason.site),
        calls: text.length > 60 ? `${text.slice(0, 57)}...` : text,
        reaches: reason.callee === 'suspension point' ? true : functionName(reason.callee),
      };
    });
    out.push({
      name: functionName(fn),
      ...place(ts.isFunctionDeclaration(fn) || ts.isMethodDeclaration(fn) ? (fn.name ?? fn) : fn),
      path,
    });
  }
  return out.sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line || a.column - b.column);
}

export function explain(loaded: LoadedProject, names: string[], json: boolean, out: (line: string) => void): number {
  const all = explainProject(loaded);
  const wanted = names.length ? all.filter((e) => names.some((n) => e.name === n || e.name.endsWith(`.${n}`))) : all;
  if (json) {
    out(
      JSON.stringify(
        { coloured: wanted, errors: loaded.tsgErrors.map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n')) },
        null,
        2,
      ),
    );
    return names.length && !wanted.length ? 1 : 0;
  }
  for (const e of wanted) {
    out(`${e.file}:${e.line}:${e.column}  ${e.name}`);
    for (const h of e.path) out(`    ${h.file}:${h.line}:${h.column}  calls ${h.calls}${reachesNote(h)}`);
  }
  if (names.length && !wanted.length) {
    out(
      `ts-greenlet: no coloured function is named ${names.join(' or ')}: it cannot reach a suspension point, so it is left as it is.`,
    );
    return 1;
  }
  const files = new Set(all.map((e) => e.file)).size;
  out(
    `ts-greenlet: ${count(all.length, 'function')} coloured in ${count(files, 'file')}${loaded.tsgErrors.length ? `; ${count(loaded.tsgErrors.length, 'error')}:` : '.'}`,
  );
  printDiagnostics(loaded.tsgErrors, out);
  return 0;
}

/** ` (suspends)` at the end; the function reached when the call text does not name it (`cb` → `(fetchIt)`). */
function reachesNote(h: Hop): string {
  if (h.reaches === true) return ' (suspends)';
  const member = h.reaches.split('.').pop()!; // `Repo.find` is what `this.repo.find` names
  return h.calls === h.reaches || h.calls.endsWith(`.${member}`) ? '' : ` (${h.reaches})`;
}

function place(node: ts.Node): Place {
  const file = node.getSourceFile();
  const { line, character } = file.getLineAndCharacterOfPosition(node.getStart(file));
  return { file: displayPath(file.fileName), line: line + 1, column: character + 1 };
}
