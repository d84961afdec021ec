/**
 * How transformed code gets the protocol, by the output's module format: CommonJS output
 * requires it (`const __tsg = require("ts-greenlet/protocol")`, no interop helpers), ES module
 * output imports it (`import * as __tsg from "ts-greenlet/protocol"`); both run.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { expect } from 'chai';
import { createTransformer } from '../../transformer';
import { makeProject } from '../helpers/project';

const program = (ext: string) => `import { synchronize, spawnGreenlet } from 'ts-greenlet';
const later = synchronize(async (x: number) => new Promise<number>((r) => setTimeout(() => r(x * 2), 5)));
function twice(x: number): number {
  return later(x) + 1;
}
spawnGreenlet(twice, 20).then((v) => console.log('${ext}', v));
`;

describe('module formats of the output', () => {
  it('CommonJS requires the protocol, an ES module imports it; both run', function () {
    this.timeout(30_000);
    const dir = makeProject({ 'main.cts': program('cjs'), 'main.mts': program('esm') });
    try {
      const options: ts.CompilerOptions = {
        target: ts.ScriptTarget.ES2022,
        module: ts.ModuleKind.Node20,
        strict: true,
        skipLibCheck: true,
        types: [],
        outDir: path.join(dir, 'dist'),
      };
      const roots = ['main.cts', 'main.mts'].map((f) => path.join(dir, 'src', f));
      const prog = ts.createProgram(roots, options);
      expect(
        ts.getPreEmitDiagnostics(prog).map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n')),
      ).to.deep.equal([]);
      const result = prog.emit(undefined, undefined, undefined, false, { before: [createTransformer(prog)] });
      expect(result.emitSkipped).to.equal(false);
      const cjs = fs.readFileSync(path.join(dir, 'dist/main.cjs'), 'utf8');
      const esm = fs.readFileSync(path.join(dir, 'dist/main.mjs'), 'utf8');
      expect(cjs).to.include('const __tsg = require("ts-greenlet/protocol");');
      expect(cjs).not.to.match(/__importStar|__createBinding/);
      expect(esm).to.include('import * as __tsg from "ts-greenlet/protocol";');
      for (const [file, ext] of [
        ['main.cjs', 'cjs'],
        ['main.mjs', 'esm'],
      ]) {
        expect(execFileSync(process.execPath, [path.join(dir, 'dist', file)], { encoding: 'utf8' })).to.equal(
          `${ext} 41\n`,
        );
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
