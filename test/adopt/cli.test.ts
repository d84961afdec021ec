/**
 * `ts-greenlet adopt`: in place, `--dry-run` as a diff with nothing written, nothing written when
 * the result would not type-check (unless `--force`), and its usage errors.
 */
import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { main } from '../../transformer/cli';

const repo = path.resolve(__dirname, '../../..');

const SOURCE = `// the database
export async function query(sql: string): Promise<string[]> {
  return [sql];
}

export async function first(sql: string): Promise<string> {
  const [row] = await query(sql); // one row
  return row;
}

document.addEventListener('click', async () => {
  console.log(await first('select 1'));
});
`;

describe('adopt: CLI', function () {
  this.timeout(60_000);
  let dir: string;
  let file: string;
  const run = (...args: string[]) => {
    const lines: string[] = [];
    const status = main(['adopt', '-p', dir, ...args], (l) => lines.push(l));
    return { status, text: lines.join('\n') };
  };

  beforeEach(() => {
    fs.mkdirSync(path.join(repo, 'test-artifacts'), { recursive: true });
    dir = fs.mkdtempSync(path.join(repo, 'test-artifacts', 'adopt-cli-'));
    file = path.join(dir, 'db.ts');
    fs.writeFileSync(file, SOURCE);
    const options = { module: 'node20', strict: true, lib: ['es2023', 'dom'], types: [], noEmit: true };
    fs.writeFileSync(path.join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions: options }));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('--dry-run prints a unified diff and the summary with what was kept, and writes nothing', () => {
    const { status, text } = run('--leaf', 'query', '--dry-run');
    expect(status).to.equal(0);
    expect(text).to.include('+++ ');
    expect(text).to.include('db.ts (adopted)\n');
    expect(text).to.include(
      "-export async function query(sql: string): Promise<string[]> {\n+import { synchronize } from 'ts-greenlet';\n+\n+export const query = synchronize(async function query(sql: string): Promise<string[]> {",
    );
    expect(text).to.include(
      '-export async function first(sql: string): Promise<string> {\n-  const [row] = await query(sql); // one row\n+export function first(sql: string): string {\n+  const [row] = query(sql); // one row',
    );
    expect(text).to.include(
      '1 of 1 file changed, 1 leaf wrapped with synchronize, 1 function made sync; nothing written',
    );
    expect(text).to.match(
      /db\.ts:11: an anonymous async function stays async: it is a function value passed to document\.addEventListener/,
    );
    expect(fs.readFileSync(file, 'utf8')).to.equal(SOURCE);
  });

  it('rewrites in place; an unknown leaf changes nothing and exits 1', () => {
    const missing = run('--leaf', 'query,nothere');
    expect(missing).to.deep.equal({
      status: 1,
      text: 'ts-greenlet adopt: no async function named nothere; nothing was changed.',
    });
    expect(fs.readFileSync(file, 'utf8')).to.equal(SOURCE);
    expect(run('--leaf', 'query').text).to.include('rewritten in place.');
    expect(fs.readFileSync(file, 'utf8')).to.include(
      '});\n\nexport function first(sql: string): string {\n  const [row] = query(sql); // one row\n  return row;\n}\n',
    );
  });

  it('needs --leaf, which only adopt takes', () => {
    expect(run().text).to.include('adopt needs the leaf functions to wrap: --leaf <name>');
    const lines: string[] = [];
    expect(main(['eject', '--leaf', 'q'], (l) => lines.push(l))).to.equal(1);
    expect(lines.join('\n')).to.equal('ts-greenlet: --leaf is for adopt.');
    lines.length = 0;
    expect(main(['build', '--force'], (l) => lines.push(l))).to.equal(1);
    expect(lines.join('\n')).to.equal('ts-greenlet: --force is for adopt.');
  });

  it('writes nothing when the result has type errors the source has not (an error already there is no bar); --force writes', () => {
    // `Num` names a promise type, which adopt does not rewrite: `f` made sync no longer returns one
    const source = `${SOURCE}
type Num = Promise<number>;
export async function f(): Num {
  return (await first('select 1')).length;
}
export const before: string = 1;
`;
    fs.writeFileSync(file, source);
    const blocked = run('--leaf', 'query');
    expect(blocked.status).to.equal(1);
    expect(blocked.text).to.include(
      '1 of 1 file changed, 1 leaf wrapped with synchronize, 2 functions made sync; nothing written: the result has new errors (below).',
    );
    expect(blocked.text).to.match(
      /\nThe adopted program has 1 new error; fix them, or adopt with --force to write it anyway:\n {2}\S*db\.ts:19:3 - error TS2322: Type 'number' is not assignable to type 'Num'\.$/,
    );
    expect(fs.readFileSync(file, 'utf8')).to.equal(source);

    const forced = run('--leaf', 'query', '--force');
    expect(forced.status).to.equal(0);
    expect(forced.text).to.include('2 functions made sync; rewritten in place.');
    expect(forced.text).to.include('The adopted program has 1 new error (written anyway: --force):');
    expect(fs.readFileSync(file, 'utf8')).to.include("export function f(): Num {\n  return first('select 1').length;");
  });
});
