/** Builds a reach project (a library's `src/` and the user's `user.ts` beside it) into its `out/`. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import ts from 'typescript';
import { createTransformer, formatDiagnostic, getAnalysis } from '../../transformer';
import { repo } from '../helpers/project';

/** How a reach project is compiled: the library's `.ts` sources imported with their extensions. */
export const REACH_OPTIONS: ts.CompilerOptions = {
  target: ts.ScriptTarget.ES2022,
  module: ts.ModuleKind.Node20,
  moduleResolution: ts.ModuleResolutionKind.Node16,
  strict: true,
  skipLibCheck: true,
  allowImportingTsExtensions: true,
  rewriteRelativeImportExtensions: true,
  types: ['node'],
  typeRoots: [path.join(repo, 'node_modules', '@types')],
};

/** A reach project in `dir`: the library's sources (`writeSources` fills `src/`), ts-greenlet linked, `user.ts`. */
export function writeReachProject(dir: string, user: string, writeSources: (src: string) => void): void {
  fs.mkdirSync(path.join(dir, 'src'), { recursive: true });
  writeSources(path.join(dir, 'src'));
  fs.mkdirSync(path.join(dir, 'node_modules'), { recursive: true });
  fs.symlinkSync(repo, path.join(dir, 'node_modules', 'ts-greenlet'), 'dir');
  fs.writeFileSync(path.join(dir, 'user.ts'), user);
}

/**
 * Compiles the project file by file: the sync build transforms the program's own files with
 * `createTransformer` (the whole-program analysis over the library's sources and the user's file) and prints
 * them, as `ts-greenlet generate` does; both builds then transpile each file alone. A full
 * `program.emit` type-checks every file of the library first, which takes three times as long.
 */
export function buildReach(
  dir: string,
  transform: boolean,
): { diagnostics: string[]; coloured: number; files: number } {
  const options = REACH_OPTIONS;
  const program = ts.createProgram({ rootNames: [path.join(dir, 'user.ts')], options });
  const own = program
    .getSourceFiles()
    .filter((f) => !path.relative(dir, f.fileName).startsWith('..') && !f.fileName.includes('node_modules'));
  const diagnostics: ts.Diagnostic[] = [];
  const texts = new Map(own.map((f) => [f, f.text]));
  let coloured = 0;
  if (transform) {
    const analysis = getAnalysis(program);
    const rewritten = own.filter((f) => analysis.files.has(f) || analysis.namedFiles.has(f));
    const result = ts.transform(
      rewritten,
      [createTransformer(program, { addDiagnostic: (d) => diagnostics.push(d) })],
      options,
    );
    const printer = ts.createPrinter({ newLine: ts.NewLineKind.LineFeed });
    result.transformed.forEach((t, i) => texts.set(rewritten[i], printer.printFile(t)));
    result.dispose();
    const src = path.join(dir, 'src') + path.sep;
    coloured = [...analysis.coloured].filter((f) => path.resolve(f.getSourceFile().fileName).startsWith(src)).length;
  }
  for (const [f, text] of texts) {
    const rel = path.relative(dir, f.fileName);
    const js = ts.transpileModule(text, {
      fileName: f.fileName,
      compilerOptions: {
        target: ts.ScriptTarget.ES2022,
        module: ts.ModuleKind.CommonJS,
        rewriteRelativeImportExtensions: true,
        allowImportingTsExtensions: true,
      },
    }).outputText;
    const out = path.join(dir, 'out', rel.replace(/\.ts$/, '.js'));
    fs.mkdirSync(path.dirname(out), { recursive: true });
    fs.writeFileSync(out, js);
  }
  return {
    diagnostics: [...new Set(diagnostics.map((d) => formatDiagnostic(d, dir)))].sort(),
    coloured,
    files: own.length,
  };
}

/**
 * Builds a reach test's two projects (`sync` transformed, `plain` not), prints the library's
 * figures, and checks where its TSG diagnostics are against `test/reach/<name>.diagnostics.txt`,
 * one line per place and code; the file's first line pins the coloured count. `UPDATE=1` rewrites it.
 */
export function buildAndPin(name: string, label: string, sync: string, plain: string): void {
  const { diagnostics, coloured, files } = buildReach(sync, true);
  buildReach(plain, false);
  const located = [...new Set(diagnostics.map((d) => d.replace(/ - (TSG\d+).*/s, ' $1')))].sort();
  console.log(
    `      ${label}: ${coloured} of its functions coloured (${files} files in the program), TSG diagnostics at ${located.length} places`,
  );
  const pinnedFile = path.join(repo, 'test', 'reach', `${name}.diagnostics.txt`);
  const actual = [`# ${coloured} functions of ${name} coloured`, ...located];
  if (process.env.UPDATE) fs.writeFileSync(pinnedFile, actual.join('\n') + '\n');
  // REACH_SHOW=1: print each diagnostic in full (the pin keeps only its place and code)
  if (process.env.REACH_SHOW) for (const d of diagnostics) console.log(`      ${d}`);
  expect(actual).to.deep.equal(fs.readFileSync(pinnedFile, 'utf8').trim().split('\n'));
  // REACH_KEEP=1: keep the sync project (its sources, user.ts and out/) to chase a diagnostic with explain
  if (process.env.REACH_KEEP) {
    const kept = path.join(os.tmpdir(), `reach-${name}`);
    fs.rmSync(kept, { recursive: true, force: true });
    fs.cpSync(sync, kept, { recursive: true, verbatimSymlinks: true });
    console.log(`      kept in ${kept}`);
  }
}
