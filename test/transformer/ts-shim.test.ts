/**
 * `transformer/ts.ts` is the TypeScript API the transformer calls through: a fast-mode copy of
 * the values it names (see there why). A value missing from the copy still works (the copy's
 * prototype is `typescript`), only slowly, so this test is what keeps the list whole.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import typescript from 'typescript';
import ts from '../../transformer/ts';
import { repo } from '../helpers/project';

function sources(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? sources(p) : e.name.endsWith('.ts') ? [p] : [];
  });
}

describe('transformer/ts: the TypeScript API the transformer calls', () => {
  it('imports the copy, not `typescript`, in every transformer file', () => {
    const direct = sources(path.join(repo, 'transformer')).filter(
      (f) => !f.endsWith(`${path.sep}ts.ts`) && /^import ts from 'typescript';$/m.test(fs.readFileSync(f, 'utf8')),
    );
    expect(direct).to.deep.equal([]);
  });

  it('has every value the transformer names as an own property of the copy', () => {
    const named = new Set<string>();
    for (const f of sources(path.join(repo, 'transformer'))) {
      for (const m of fs.readFileSync(f, 'utf8').matchAll(/\bts\.([A-Za-z_]\w*)/g)) named.add(m[1]);
    }
    const values = [...named].filter((n) => (typescript as unknown as Record<string, unknown>)[n] !== undefined);
    expect(values.length).to.be.greaterThan(100);
    const missing = values.filter((n) => !Object.prototype.hasOwnProperty.call(ts, n));
    expect(missing, 'add these to transformer/ts.ts').to.deep.equal([]);
    expect(Object.getPrototypeOf(ts)).to.equal(typescript);
  });

  it('is a fast-mode object (V8)', () => {
    // %HasFastProperties needs --allow-natives-syntax, so a child process looks
    const script = `
      const copy = require(${JSON.stringify(require.resolve('../../transformer/ts'))}).default;
      console.log(JSON.stringify(%HasFastProperties(copy)));`;
    const out = execFileSync(process.execPath, ['--allow-natives-syntax', '-e', script], { encoding: 'utf8' });
    expect(JSON.parse(out)).to.equal(true);
  });
});
