/** `ts-greenlet eject --dry-run`: a unified diff of what would change and the summary; nothing written. */
import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { main } from '../../transformer/cli';
import { unifiedDiff } from '../../transformer/eject/diff';

const repo = path.resolve(__dirname, '../../..');
const app = path.join(repo, 'examples/koa-app');

describe('eject: CLI', function () {
  this.timeout(60_000);

  it('--dry-run prints a unified diff and the summary, and writes nothing', () => {
    const before = fs.readFileSync(path.join(app, 'src/notes.ts'), 'utf8');
    const lines: string[] = [];
    main(['eject', '-p', app, '--dry-run'], (l) => lines.push(l));
    const text = lines.join('\n');
    expect(text).to.include('--- examples/koa-app/src/notes.ts\n+++ examples/koa-app/src/notes.ts (ejected)');
    expect(text).to.include('-export function findNote(id: number): Note | undefined {');
    expect(text).to.include('+export async function findNote(id: number): Promise<Note | undefined> {');
    expect(text).to.include('+  return (await query(');
    expect(text).to.match(/nothing written \(--dry-run\)\.\nLeft as written/);
    expect(fs.existsSync(path.join(app, 'ejected'))).to.equal(false);
    expect(fs.readFileSync(path.join(app, 'src/notes.ts'), 'utf8')).to.equal(before);
  });

  it('--in-place rewrites the sources themselves', () => {
    const dir = path.join(repo, 'test-artifacts', `eject-in-place-${process.pid}`);
    fs.mkdirSync(dir, { recursive: true });
    try {
      fs.copyFileSync(path.join(repo, 'fixtures/calls/chain/input.ts'), path.join(dir, 'chain.ts'));
      fs.writeFileSync(
        path.join(dir, 'tsconfig.json'),
        JSON.stringify({ compilerOptions: { module: 'node20', strict: true, types: ['node'], noEmit: true } }),
      );
      const lines: string[] = [];
      expect(main(['eject', '-p', dir, '--in-place'], (l) => lines.push(l))).to.equal(0);
      expect(lines.join('\n')).to.include('1 of 1 file changed, 3 functions made async; rewritten in place.');
      const text = fs.readFileSync(path.join(dir, 'chain.ts'), 'utf8');
      expect(text).to.include('async function top(suspend: boolean): Promise<number> {');
      expect(text).to.include('const p = top(false);');
      expect(text).to.not.include('ts-greenlet');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('takes --outDir or --in-place, not both', () => {
    const lines: string[] = [];
    expect(main(['eject', '-p', app, '--in-place', '--outDir', 'x'], (l) => lines.push(l))).to.equal(1);
    expect(lines.join('\n')).to.include('not both');
  });

  it('diffs with three lines of context, hunks merged when their contexts touch', () => {
    const a = Array.from({ length: 20 }, (_, i) => `l${i}`);
    const b = a.map((l, i) => (i === 5 || i === 9 ? `${l}!` : l));
    const diff = unifiedDiff('f.ts', a.join('\n'), b.join('\n')).split('\n');
    expect(diff.slice(0, 3)).to.deep.equal(['--- f.ts', '+++ f.ts (ejected)', '@@ -3,11 +3,11 @@']);
    expect(diff.filter((l) => l.startsWith('-l') || l.startsWith('+l'))).to.deep.equal(['-l5', '+l5!', '-l9', '+l9!']);
    expect(unifiedDiff('f.ts', 'same', 'same')).to.equal('');
  });
});
