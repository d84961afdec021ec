/**
 * What the analysis takes for ts-greenlet's runtime (`transformer/analysis/runtime-files.ts`):
 * files under `runtime/` or `dist/runtime/` of the package named `ts-greenlet`, by real path, and
 * nothing else, however its path reads. A user's own `src/runtime/x.ts` exporting a
 * `synchronize` decorator is the user's code: it marks no suspension point.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import ts from 'typescript';
import { expect } from 'chai';
import { createTransformer } from '../../transformer';
import { isRuntimeFile } from '../../transformer/analysis/runtime-files';
import { makeProject, repo } from '../helpers/project';

describe('runtime files', () => {
  it('are the runtime of the package named ts-greenlet, sources, build or an installed copy', () => {
    expect(isRuntimeFile(path.join(repo, 'runtime/synchronize.ts'))).to.equal(true);
    expect(isRuntimeFile(path.join(repo, 'dist/runtime/koa/index.d.ts'))).to.equal(true);
    expect(isRuntimeFile(path.join(repo, 'transformer/index.ts'))).to.equal(false);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tsg-runtime-files-'));
    try {
      const installed = path.join(dir, 'node_modules/ts-greenlet');
      const other = path.join(dir, 'node_modules/not-greenlet');
      for (const [root, name] of [
        [installed, 'ts-greenlet'],
        [other, 'not-greenlet'],
        [dir, 'app'],
      ]) {
        fs.mkdirSync(path.join(root, 'dist/runtime'), { recursive: true });
        fs.mkdirSync(path.join(root, 'src/runtime'), { recursive: true });
        fs.writeFileSync(path.join(root, 'package.json'), JSON.stringify({ name }));
      }
      fs.symlinkSync(installed, path.join(dir, 'linked'), 'dir');
      for (const f of ['dist/runtime/index.d.ts', 'src/runtime/x.ts']) {
        for (const root of [installed, other, dir]) fs.writeFileSync(path.join(root, f), 'export {};\n');
      }
      expect(isRuntimeFile(path.join(installed, 'dist/runtime/index.d.ts'))).to.equal(true);
      expect(isRuntimeFile(path.join(dir, 'linked/dist/runtime/index.d.ts')), 'through a link').to.equal(true);
      expect(isRuntimeFile(path.join(installed, 'src/runtime/x.ts')), 'not the runtime dir').to.equal(false);
      expect(isRuntimeFile(path.join(other, 'dist/runtime/index.d.ts')), 'another package').to.equal(false);
      expect(isRuntimeFile(path.join(dir, 'src/runtime/x.ts')), "the user's runtime/").to.equal(false);
      expect(isRuntimeFile(path.join(dir, 'dist/runtime/index.d.ts')), "the user's dist/runtime/").to.equal(false);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it("a user's src/runtime/x.ts exporting synchronize and awaitSync marks no suspension point", () => {
    const dir = makeProject({
      'main.ts': `import { synchronize, awaitSync } from './runtime/x';
class Repo {
  @synchronize
  find(id: number): number { return id; }
}
export function show(r: Repo): number {
  return awaitSync(r.find(1));
}
`,
    });
    try {
      fs.mkdirSync(path.join(dir, 'src/runtime'));
      fs.writeFileSync(
        path.join(dir, 'src/runtime/x.ts'),
        `export function synchronize<T>(value: T, _context: ClassMethodDecoratorContext): T { return value; }
export function awaitSync<T>(value: T): T { return value; }
`,
      );
      const options: ts.CompilerOptions = {
        target: ts.ScriptTarget.ES2022,
        module: ts.ModuleKind.Node20,
        strict: true,
        skipLibCheck: true,
        types: [],
      };
      const program = ts.createProgram([path.join(dir, 'src/main.ts')], options);
      expect(
        ts.getPreEmitDiagnostics(program).map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n')),
      ).to.deep.equal([]);
      const out: string[] = [];
      program.emit(
        program.getSourceFile(path.join(dir, 'src/main.ts')),
        (_name, text) => out.push(text),
        undefined,
        false,
        { before: [createTransformer(program)] },
      );
      expect(out.join('')).not.to.include('__tsg');
      expect(out.join('')).not.to.include('function*');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
