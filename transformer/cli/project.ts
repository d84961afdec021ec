/**
 * What every CLI command starts from: the user's tsconfig read and its program built the way
 * `tsc -p` does, ts-greenlet's analysis of it, and the diagnostics of both, formatted as `tsc` does.
 *
 * The program is made with the `typescript` package the transformer runs on, not through a
 * ts-morph `Project`: ts-morph 28 brings its own TypeScript (6.0.2) and its `Project` leaves each
 * file's module format unset, so under `"module": "node20"` a CommonJS package would be emitted as
 * ES modules — a build that differs from `tsc`'s without a word.
 */
import fs from 'node:fs';
import path from 'node:path';
import ts from '../ts';
import type { Analysis } from '../analysis/result';
import { getAnalysis } from '../index';
import { formatDiagnostic } from '../diagnostics';
import { CliError } from './args';

export interface LoadedProject {
  program: ts.Program;
  analysis: Analysis;
  /** The tsconfig's directory. */
  configDir: string;
  /** TypeScript's own errors (options, syntax, types). */
  typeErrors: readonly ts.Diagnostic[];
  /** ts-greenlet's (TSG codes). */
  tsgErrors: readonly ts.Diagnostic[];
}

/** `-p` names a tsconfig file or a directory holding `tsconfig.json`, as with `tsc -p`. */
export function loadProject(projectArg: string | undefined): LoadedProject {
  const configPath = resolveConfig(projectArg ?? '.');
  const configErrors: ts.Diagnostic[] = [];
  const host: ts.ParseConfigFileHost = { ...ts.sys, onUnRecoverableConfigFileDiagnostic: (d) => configErrors.push(d) };
  const config = ts.getParsedCommandLineOfConfigFile(configPath, {}, host);
  if (!config) {
    const text = configErrors.map((d) => ts.flattenDiagnosticMessageText(d.messageText, ' ')).join(' ');
    throw new CliError(`Cannot read ${displayPath(configPath)}: ${text}`);
  }
  const program = ts.createProgram({
    rootNames: config.fileNames,
    options: config.options,
    projectReferences: config.projectReferences,
    configFileParsingDiagnostics: config.errors,
  });
  const typeErrors = [...config.errors, ...ts.getPreEmitDiagnostics(program)].filter(
    (d) => d.category === ts.DiagnosticCategory.Error,
  );
  const analysis = getAnalysis(program);
  const tsgErrors = analysis.diagnostics.filter((d) => d.category === ts.DiagnosticCategory.Error);
  return { program, analysis, configDir: path.dirname(configPath), typeErrors, tsgErrors };
}

function resolveConfig(arg: string): string {
  const abs = path.resolve(arg);
  const file = fs.existsSync(abs) && fs.statSync(abs).isDirectory() ? path.join(abs, 'tsconfig.json') : abs;
  if (!fs.existsSync(file)) {
    throw new CliError(
      `No tsconfig at ${displayPath(file)}. Pass the project with -p <tsconfig.json or its directory>.`,
    );
  }
  return file;
}

/** The project's own source files: what the CLI writes out. Declaration files and packages are not. */
export function ownSourceFiles(loaded: LoadedProject): ts.SourceFile[] {
  return loaded.program
    .getSourceFiles()
    .filter((f) => !f.isDeclarationFile && !loaded.program.isSourceFileFromExternalLibrary(f));
}

/** Prints diagnostics the way `tsc` lists them: `src/a.ts:3:5 - error TS2322: ...`, `... - error TSG39001: ...`. */
export function printDiagnostics(diagnostics: readonly ts.Diagnostic[], out: (line: string) => void): void {
  for (const d of diagnostics) out(formatDiagnostic(d, undefined, { tsc: true, showPath: displayPath }));
}

/** A path for messages and JSON: relative to the working directory when inside it, else absolute; forward slashes. */
export function displayPath(file: string): string {
  const rel = path.relative(process.cwd(), file);
  return (rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : file).split(path.sep).join('/');
}
