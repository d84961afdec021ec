/**
 * Compiles TypeScript through the transformer in memory, the way `program.emit` users do, with
 * one compiler host whose lib and package `.d.ts` files are parsed once for the whole test run.
 */
import path from 'node:path';
import ts from 'typescript';
import { createTransformer, formatDiagnostic } from '../../transformer';

export const compilerOptions: ts.CompilerOptions = {
  target: ts.ScriptTarget.ES2022,
  lib: ['lib.es2023.d.ts'],
  module: ts.ModuleKind.Node20,
  moduleResolution: ts.ModuleResolutionKind.Node16,
  strict: true,
  skipLibCheck: true,
  esModuleInterop: true,
  types: ['node'],
  sourceMap: false,
  newLine: ts.NewLineKind.LineFeed,
};

const shared = new Map<string, ts.SourceFile | undefined>();
const baseHost = ts.createCompilerHost(compilerOptions);
/** A host that parses lib and package `.d.ts` files once for the whole test run. */
export const sharedHost: ts.CompilerHost = {
  ...baseHost,
  getSourceFile(fileName, languageVersion, onError) {
    const cacheable =
      fileName.includes(`${path.sep}node_modules${path.sep}`) || fileName.includes(`${path.sep}dist${path.sep}`);
    if (!cacheable) return baseHost.getSourceFile(fileName, languageVersion, onError);
    if (!shared.has(fileName)) shared.set(fileName, baseHost.getSourceFile(fileName, languageVersion, onError));
    return shared.get(fileName);
  },
};

export interface Compiled {
  /** Emitted JavaScript by input file name. */
  js: Map<string, string>;
  /** ts-greenlet's diagnostics, formatted `file:line:col - TSGnnnn: ...` relative to `cwd`. */
  diagnostics: string[];
  /** TypeScript's own errors in the inputs (a fixture must type-check). */
  typeErrors: string[];
}

/** `options`: what a fixture's `options.json` adds (`{ "experimentalDecorators": true }`). */
export function compile(rootNames: string[], cwd: string, options: ts.CompilerOptions = {}): Compiled {
  const program = ts.createProgram({ rootNames, options: { ...compilerOptions, ...options }, host: sharedHost });
  const typeErrors = ts.getPreEmitDiagnostics(program).map((d) => formatDiagnostic(d, cwd));
  const diags: ts.Diagnostic[] = [];
  const js = new Map<string, string>();
  program.emit(
    undefined,
    (name, text) => {
      if (name.endsWith('.js')) js.set(name.replace(/\.js$/, '.ts'), text);
    },
    undefined,
    false,
    { before: [createTransformer(program, { addDiagnostic: (d) => diags.push(d) })] },
  );
  return { js, diagnostics: diags.map((d) => formatDiagnostic(d, cwd)), typeErrors };
}
