/**
 * The two routes users take, on a real project in a temp directory: `tspc` reading the tsconfig
 * `plugins` entry, and `createTransformer` with `program.emit`. Also: untouched files are byte for
 * byte what plain `tsc` emits, and source maps point stack traces at the original lines.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { expect } from 'chai';
import { createTransformer } from '../../transformer';
import { makeProject, repo } from '../helpers/project';

const tspc = path.join(repo, 'node_modules/ts-patch/bin/tspc.js');

const seedSource = fs.readFileSync(path.join(repo, 'fixtures/seed/doctest/input.ts'), 'utf8');
const seedLines = fs.readFileSync(path.join(repo, 'fixtures/seed/doctest/exec.txt'), 'utf8');

describe('build routes', function () {
  this.timeout(60_000);
  const dirs: string[] = [];
  after(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

  it('tspc with { "transform": "ts-greenlet/transformer" } in compilerOptions.plugins', () => {
    const dir = makeProject({ 'main.ts': seedSource });
    dirs.push(dir);
    execFileSync(process.execPath, [tspc, '-p', dir], { encoding: 'utf8' });
    const out = execFileSync(process.execPath, [path.join(dir, 'dist/main.js')], { encoding: 'utf8' });
    expect(out).to.equal(seedLines);
  });

  it('tspc fails the build on a ts-greenlet error, with file:line:column and the code', () => {
    const dir = makeProject({
      'main.ts': `import { awaitSync } from 'ts-greenlet';\nfunction main(): number {\n  return awaitSync(Promise.resolve(1));\n}\nmain();\n`,
    });
    dirs.push(dir);
    const r = spawnSync(process.execPath, [tspc, '-p', dir], { encoding: 'utf8' });
    expect(r.status).to.not.equal(0);
    expect(r.stdout).to.match(/main\.ts[:(]5[:,]1\)?.*TSG39001/);
    expect(r.stdout).to.contain('spawnGreenlet');
  });

  it('createTransformer(program) with program.emit', () => {
    const dir = makeProject({ 'main.ts': seedSource });
    dirs.push(dir);
    const config = ts.getParsedCommandLineOfConfigFile(
      path.join(dir, 'tsconfig.json'),
      {},
      { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => {} },
    )!;
    const program = ts.createProgram(config.fileNames, config.options);
    const result = program.emit(undefined, undefined, undefined, false, { before: [createTransformer(program)] });
    expect(result.emitSkipped).to.equal(false);
    const out = execFileSync(process.execPath, [path.join(dir, 'dist/main.js')], { encoding: 'utf8' });
    expect(out).to.equal(seedLines);
  });

  it('an error thrown in coloured code reports the original file:line through the source map', () => {
    const dir = makeProject({
      'main.ts': [
        "import { awaitSync, spawnGreenlet } from 'ts-greenlet';",
        'function load(id: number): number {',
        '  const v = awaitSync(Promise.resolve(id));',
        "  throw new Error('failed at ' + v);",
        '}',
        'function outer(): number {',
        '  return load(7) + 1;',
        '}',
        'spawnGreenlet(outer).catch((e) => console.log(e.stack));',
        '',
      ].join('\n'),
    });
    dirs.push(dir);
    execFileSync(process.execPath, [tspc, '-p', dir], { encoding: 'utf8' });
    const out = execFileSync(process.execPath, ['--enable-source-maps', path.join(dir, 'dist/main.js')], {
      encoding: 'utf8',
    });
    expect(out).to.contain('Error: failed at 7');
    expect(out).to.match(/at load \(.*src[\\/]main\.ts:4:\d+\)/);
    expect(out).to.match(/at outer \(.*src[\\/]main\.ts:7:\d+\)/);
  });

  it('leaves files with nothing coloured byte for byte as tsc emits them', () => {
    const dir = makeProject({
      'plain.ts':
        'export class A { x = 1; m(a?: { b?: () => number }) { return a?.b?.() ?? this.x; } }\nexport const f = async () => [1, 2].map((x) => x * 2);\n',
      'coloured.ts':
        "import { awaitSync } from 'ts-greenlet';\nexport function g() { return awaitSync(Promise.resolve(1)); }\n",
    });
    dirs.push(dir);
    const config = ts.getParsedCommandLineOfConfigFile(
      path.join(dir, 'tsconfig.json'),
      {},
      { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => {} },
    )!;
    const program = ts.createProgram(config.fileNames, config.options);
    const emit = (withTransform: boolean) => {
      const files = new Map<string, string>();
      program.emit(
        undefined,
        (n, t) => files.set(path.basename(n), t),
        undefined,
        false,
        withTransform ? { before: [createTransformer(program)] } : undefined,
      );
      return files;
    };
    const plain = emit(false);
    const transformed = emit(true);
    expect(transformed.get('plain.js')).to.equal(plain.get('plain.js'));
    expect(transformed.get('coloured.js')).to.not.equal(plain.get('coloured.js'));
  });
});
