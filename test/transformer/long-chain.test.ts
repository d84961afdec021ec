/**
 * A chain of distinct coloured functions longer than V8's `yield*` nesting allows (~4,900 frames,
 * see the runtime benchmark): the transformer caps nested `yield*` edges at ten with an explicit
 * record between (transformer/analysis/delegation-depth.ts), so it runs. Before the cap, a
 * 5,000-function chain threw RangeError (Maximum call stack size exceeded) at the first resume.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { compile } from '../helpers/compile';

const FUNCTIONS = 5_000;

/** `f0` calls `f1` … calls `f4999`, whose leaf waits; `fail` makes the leaf's promise reject. */
function chainSource(n: number): string {
  const lines = [
    "import { awaitSync, spawnGreenlet } from 'ts-greenlet';",
    `function f${n - 1}(fail: boolean): number { return awaitSync(fail ? Promise.reject(new Error('leaf')) : Promise.resolve(1)); }`,
  ];
  for (let i = n - 2; i >= 0; i--) lines.push(`function f${i}(fail: boolean): number { return f${i + 1}(fail) + 1; }`);
  lines.push("spawnGreenlet(f0, false).then((v) => console.log('value', v));");
  lines.push("spawnGreenlet(f0, true).catch((e: Error) => console.log('error', e.message));");
  return lines.join('\n') + '\n';
}

describe('transformer: a long chain of distinct functions', function () {
  this.timeout(60_000);
  const root = path.resolve(__dirname, '../../..');
  let dir: string;
  before(() => {
    fs.mkdirSync(path.join(root, '.fuzz-tmp'), { recursive: true });
    dir = fs.mkdtempSync(path.join(root, '.fuzz-tmp', 'chain-'));
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it(`runs ${FUNCTIONS.toLocaleString('en')} nested calls, with a record every 11th edge`, () => {
    const input = path.join(dir, 'input.ts');
    fs.writeFileSync(input, chainSource(FUNCTIONS));
    const out = compile([input], dir);
    expect(out.typeErrors).to.deep.equal([]);
    expect(out.diagnostics).to.deep.equal([]);
    const js = out.js.get(input)!;
    expect(js.match(/markRecord/g)).to.have.length(Math.floor((FUNCTIONS - 1) / 11));
    fs.writeFileSync(path.join(dir, 'input.js'), js);
    const stdout = execFileSync(process.execPath, [path.join(dir, 'input.js')], {
      cwd: dir,
      encoding: 'utf8',
      timeout: 20_000,
    });
    expect(stdout.trim().split('\n').sort()).to.deep.equal(['error leaf', `value ${FUNCTIONS}`]);
  });
});
