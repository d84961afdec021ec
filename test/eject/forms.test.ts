/**
 * The forms eject writes, one small program each, checked as text: what the fixtures run, in
 * the places they do not reach (precedence, wrappers written other ways, overloads, decorators).
 */
import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import ts from 'typescript';
import { compilerOptions, sharedHost } from '../helpers/compile';
import { analyse } from '../../transformer/analysis/analyse';
import { eject, type EjectResult } from '../../transformer/eject';

const repo = path.resolve(__dirname, '../../..');

function ejectSource(source: string): { text: string; result: EjectResult } {
  fs.mkdirSync(path.join(repo, 'test-artifacts'), { recursive: true });
  const dir = fs.mkdtempSync(path.join(repo, 'test-artifacts', 'eject-forms-'));
  try {
    const file = path.join(dir, 'input.ts');
    fs.writeFileSync(file, source);
    const program = ts.createProgram({ rootNames: [file], options: compilerOptions, host: sharedHost });
    const result = eject(analyse(program), [program.getSourceFile(file)!]);
    return { text: result.files.get(file)!.after, result };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

const HEADER = `import { awaitSync, spawnGreenlet, synchronize, type Synchronized } from 'ts-greenlet';
const load = synchronize(async (id: number) => ({ id, tags: ['a'] }));
`;

describe('eject: forms', function () {
  this.timeout(30_000);

  it('parenthesises an awaited call that is an operand binding tighter than await', () => {
    const { text } = ejectSource(`${HEADER}
export function f(n: number): number {
  return load(n).id + 2 ** load(n).id + load(n)!.tags.length; // a comment stays
}
`);
    expect(text).to.include('export async function f(n: number): Promise<number> {');
    expect(text).to.include(
      'return (await load(n)).id + 2 ** (await load(n)).id + (await load(n))!.tags.length; // a comment stays',
    );
    expect(text).to.not.include('ts-greenlet');
    expect(text).to.include("const load = async (id: number) => ({ id, tags: ['a'] });");
  });

  it('awaitSync(p) is await p; spawnGreenlet of a plain function runs it in an async arrow', () => {
    const { text } = ejectSource(`${HEADER}
function plain(n: number): number {
  return n;
}
export function g(p: Promise<number>): number {
  return awaitSync(p) + awaitSync(p.then((x) => x || 1)) + awaitSync(p || p);
}
spawnGreenlet(g, Promise.resolve(1)).then(console.log);
spawnGreenlet(plain, 2).then(console.log);
spawnGreenlet(() => g(Promise.resolve(3)));
`);
    expect(text).to.include('return (await p) + (await p.then((x) => x || 1)) + (await (p || p));');
    expect(text).to.include('g(Promise.resolve(1)).then(console.log);');
    expect(text).to.include('(async () => plain(2))().then(console.log);');
    expect(text).to.include('(async () => await g(Promise.resolve(3)))();');
  });

  it('wraps overloads, drops @synchronize, and turns Synchronized<F> into F', () => {
    const { text } = ejectSource(`${HEADER}
type Loader = (id: number) => Promise<number>;
export class Repo {
  constructor(private readonly raw: Synchronized<Loader>) {}
  @synchronize
  async fetch(id: number): Promise<number> {
    return id;
  }
  find(id: number): number;
  find(id: string): number;
  find(id: number | string): number {
    return this.fetch(Number(id)) + this.raw(1);
  }
}
`);
    expect(text).to.include('constructor(private readonly raw: Loader) {}');
    expect(text).to.match(/\n {2}async fetch\(id: number\): Promise<number> \{/);
    expect(text).to.not.include('@synchronize');
    expect(text).to.include('find(id: number): Promise<number>;\n  find(id: string): Promise<number>;');
    expect(text).to.include('async find(id: number | string): Promise<number> {');
    expect(text).to.include('return (await this.fetch(Number(id))) + (await this.raw(1));');
  });

  it('lists a suspending getter and the accesses of it, and keeps them as written', () => {
    const { text, result } = ejectSource(`${HEADER}
export class Account {
  get tags(): string[] {
    return load(1).tags;
  }
  count(): number {
    return this.tags.length;
  }
}
`);
    expect(text).to.include('get tags(): string[] {\n    return load(1).tags;');
    const reasons = result.left.map((l) => `${l.kind}: ${l.reason}`);
    expect(reasons.some((r) => r.startsWith('left: Account.tags may suspend, but a getter'))).to.equal(true);
    expect(reasons.some((r) => r.includes('runs an accessor that may suspend'))).to.equal(true);
  });
});
