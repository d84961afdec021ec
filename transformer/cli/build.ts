/**
 * `ts-greenlet build`: what `tspc` with the tsconfig plugin does, without patching TypeScript.
 * Emits through the transform to the tsconfig's `outDir`; a TSG error stops the emit, so no
 * build ever holds a miscompiled file. Type errors are reported and, as with `tsc`, the output is
 * still written unless `noEmitOnError` is set.
 */
import ts from '../ts';
import { createTransformer } from '../index';
import { displayPath, LoadedProject, printDiagnostics } from './project';

export function build(loaded: LoadedProject, out: (line: string) => void): number {
  printDiagnostics(loaded.typeErrors, out);
  printDiagnostics(loaded.tsgErrors, out);
  if (loaded.tsgErrors.length) {
    out(`ts-greenlet: ${count(loaded.tsgErrors.length, 'error')} in the sync-style code; nothing was emitted.`);
    return 1;
  }
  const result = loaded.program.emit(undefined, undefined, undefined, false, {
    before: [createTransformer(loaded.program)],
  });
  printDiagnostics(
    result.diagnostics.filter((d) => d.category === ts.DiagnosticCategory.Error),
    out,
  );
  const coloured = loaded.analysis.coloured.size;
  const errors = loaded.typeErrors.length + result.diagnostics.length;
  if (result.emitSkipped) out(`ts-greenlet: ${count(errors, 'error')}; nothing was emitted (noEmitOnError).`);
  else
    out(
      `ts-greenlet: built ${displayPath(loaded.program.getCompilerOptions().outDir ?? loaded.configDir)}: ${count(coloured, 'function')} coloured in ${count(loaded.analysis.files.size, 'file')}${errors ? `, ${count(errors, 'type error')}` : ''}.`,
    );
  return errors || result.emitSkipped ? 1 : 0;
}

export function count(n: number, what: string): string {
  return `${n} ${what}${n === 1 ? '' : 's'}`;
}
