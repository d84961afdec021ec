/**
 * The adopted program checked in memory before anything is written: the same root files and
 * options with the edited texts in place of the originals, type-checked and analysed as `build`
 * does (TSG errors too), its errors set against the original's.
 * An error counts as new when the original had fewer of the same code and message in that file
 * (lines move under edits, so places are not compared).
 *
 * ```ts
 * type N = Promise<number>;                      // adopt --leaf q, in a file that already had an error:
 * async function f(): N { return (await q()).n } // function f(): N { return q().n }  → new: TS2322 at f
 * const s: string = 1;                           // the same TS2322 before and after → not new
 * ```
 */
import ts from '../ts';
import { getAnalysis } from '../index';

/** Errors of `program` with `edited` (new texts by file name) in place that `program` does not have. */
export function newErrors(program: ts.Program, edited: ReadonlyMap<string, string>): ts.Diagnostic[] {
  const options = program.getCompilerOptions();
  const host = ts.createCompilerHost(options);
  const getSourceFile = host.getSourceFile;
  host.getSourceFile = (fileName, languageVersion, onError, shouldCreate) => {
    const text = edited.get(fileName);
    if (text !== undefined) return ts.createSourceFile(fileName, text, languageVersion, true);
    return program.getSourceFile(fileName) ?? getSourceFile(fileName, languageVersion, onError, shouldCreate);
  };
  const readFile = host.readFile;
  host.readFile = (fileName) => edited.get(fileName) ?? readFile(fileName);
  const after = ts.createProgram({
    rootNames: program.getRootFileNames(),
    options,
    projectReferences: program.getProjectReferences(),
    host,
    oldProgram: program,
  });
  const before = new Map<string, number>();
  for (const d of errors(program)) before.set(key(d), (before.get(key(d)) ?? 0) + 1);
  return errors(after).filter((d) => {
    const left = before.get(key(d)) ?? 0;
    before.set(key(d), left - 1);
    return left <= 0;
  });
}

function errors(program: ts.Program): ts.Diagnostic[] {
  return [...ts.getPreEmitDiagnostics(program), ...getAnalysis(program).diagnostics].filter(
    (d) => d.category === ts.DiagnosticCategory.Error,
  );
}

function key(d: ts.Diagnostic): string {
  return `${d.file?.fileName ?? ''}\0${d.code}\0${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`;
}
