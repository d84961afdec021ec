/**
 * `ts-greenlet/transformer`: the default export is a ts-patch program transformer
 * (`{ "transform": "ts-greenlet/transformer" }` in `compilerOptions.plugins`, build with `tspc`);
 * `createTransformer(program, options?)` is the same for ts-loader, webpack and `program.emit`.
 */
import ts from './ts';
import { analyse } from './analysis/analyse';
import type { Analysis } from './analysis/result';
import { formatDiagnostic } from './diagnostics';
import { rewriteFile } from './rewrite/file';

export interface TransformerOptions {
  /** Module transformed code imports the protocol from (default `ts-greenlet/protocol`). */
  runtimeModule?: string;
  /**
   * Receives ts-greenlet's diagnostics. ts-patch passes its own; without one, errors are thrown
   * as a single `Error` listing them, so a build never succeeds with a miscompile.
   */
  addDiagnostic?: (d: ts.Diagnostic) => void;
  /**
   * `javascript` (default): the tree goes on to TypeScript's emit; CommonJS output requires the
   * protocol. `typescript`: the tree is printed as TypeScript (`ts-greenlet generate`), so the
   * protocol comes in by an `import` and the compiler that reads it decides the module format.
   */
  output?: 'javascript' | 'typescript';
}

const analyses = new WeakMap<ts.Program, Analysis>();

/** The whole-program analysis, computed once per program. */
export function getAnalysis(program: ts.Program): Analysis {
  let a = analyses.get(program);
  if (!a) analyses.set(program, (a = analyse(program)));
  return a;
}

export function createTransformer(
  program: ts.Program,
  options: TransformerOptions = {},
): ts.TransformerFactory<ts.SourceFile> {
  const runtimeModule = options.runtimeModule ?? 'ts-greenlet/protocol';
  // One set per transformer, not per emit: ts-loader and per-file emits make a context per file,
  // and each reported every diagnostic of the program again.
  const reported = new Set<ts.Diagnostic>();
  return (context) => {
    const analysis = getAnalysis(program);
    const report = () => {
      const fresh = analysis.diagnostics.filter((d) => !reported.has(d));
      fresh.forEach((d) => reported.add(d));
      if (!fresh.length) return;
      if (options.addDiagnostic) fresh.forEach(options.addDiagnostic);
      else if (fresh.some((d) => d.category === ts.DiagnosticCategory.Error)) {
        throw new Error(`ts-greenlet:\n${fresh.map((d) => formatDiagnostic(d)).join('\n')}`);
      }
    };
    return (file) => {
      const out = rewriteFile(context, analysis, file, { runtimeModule, output: options.output ?? 'javascript' });
      report();
      return out;
    };
  };
}

/** ts-patch's program pattern: `(program, config, extras) => transformer`. */
export default function tsGreenletTransformer(
  program: ts.Program,
  config: { runtimeModule?: string } = {},
  extras?: { addDiagnostic?: (d: ts.Diagnostic) => number },
): ts.TransformerFactory<ts.SourceFile> {
  const add = extras?.addDiagnostic;
  return createTransformer(program, {
    runtimeModule: config.runtimeModule,
    addDiagnostic: add ? (d) => void add(d) : undefined,
  });
}

export { analyse } from './analysis/analyse';
export type { Analysis } from './analysis/result';
export { formatDiagnostic } from './diagnostics';
