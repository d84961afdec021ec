/**
 * The async twin of the example app (`examples/koa-app/src/async-app.ts`) adopted with the CLI
 * (`ts-greenlet adopt --leaf queryAsync`) in a copy of the project: its repository functions read
 * as sync code, the tree type-checks and builds through the transform (`ts-greenlet build`), and
 * it answers over HTTP as the sync-style app does.
 */
import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { main } from '../../transformer/cli';
import { describeNotesOverHttp } from '../helpers/notes-http';

const repo = path.resolve(__dirname, '../../..');
const app = path.join(repo, 'examples/koa-app');

/** A copy of the app (two levels under the repo, as its tsconfig's relative paths need), adopted; its directory and the summary. */
function adoptedCopy(): { dir: string; summary: string } {
  fs.mkdirSync(path.join(repo, 'test-artifacts'), { recursive: true });
  const dir = fs.mkdtempSync(path.join(repo, 'test-artifacts', 'adopt-'));
  process.once('exit', () => fs.rmSync(dir, { recursive: true, force: true }));
  fs.cpSync(path.join(app, 'src'), path.join(dir, 'src'), { recursive: true });
  fs.copyFileSync(path.join(app, 'tsconfig.json'), path.join(dir, 'tsconfig.json'));
  const lines: string[] = [];
  expect(main(['adopt', '-p', dir, '--leaf', 'queryAsync'], (l) => lines.push(l))).to.equal(0);
  return { dir, summary: lines.join('\n') };
}

/** Adopts a copy of the app, checks what changed and what was kept, and builds it through the transform. */
function adoptAndBuild(): string {
  const { dir, summary } = adoptedCopy();
  expect(summary).to.match(
    /ts-greenlet adopt: 2 of 11 files changed, 1 leaf wrapped with synchronize, 4 functions made sync/,
  );
  expect(summary).to.match(/Made sync: .*listNotesAsync, .*findNoteAsync, .*createNoteAsync, .*deleteNoteAsync$/m);
  expect(summary).to.match(
    /^Exported, and made sync .*: listNotesAsync, findNoteAsync, createNoteAsync, deleteNoteAsync$/m,
  );
  // the four route handlers are passed to the router, whose callers adopt cannot see: kept async, listed
  expect(
    summary.match(
      /async-app\.ts:\d+: an anonymous async function stays async: it is a function value passed to router\.\w+/g,
    ),
  ).to.have.length(4);

  const adopted = fs.readFileSync(path.join(dir, 'src/async-app.ts'), 'utf8');
  expect(adopted).to.include('export function findNoteAsync(id: number): Note | undefined {');
  expect(adopted).to.include("  const [row] = queryAsync('select * from notes where id = $1', [id]);");
  expect(adopted).to.include("  return queryAsync('delete from notes where id = $1 returning id', [id]).length > 0;");
  expect(adopted).to.include('    const page = await listNotesAsync(input);'); // an async handler keeps its await
  expect(fs.readFileSync(path.join(dir, 'src/db.ts'), 'utf8')).to.include(
    'export const queryAsync = synchronize(async function queryAsync(sql: string, params: unknown[] = []): Promise<Row[]> {',
  );

  const built: string[] = [];
  const status = main(['build', '-p', dir], (l) => built.push(l));
  expect(built.join('\n'), 'the adopted app type-checks and builds through the transform').to.match(
    // the example's 11 coloured functions and the 4 adopted ones, which now run as greenlet code
    /^ts-greenlet: built .*: 15 functions coloured in 4 files\.$/,
  );
  expect(status).to.equal(0);
  return path.join(dir, 'dist');
}

describeNotesOverHttp('adopt: the async twin of koa-app, adopted to sync-style, over HTTP', adoptAndBuild, {
  module: 'async-app.js',
  factory: 'createAsyncApp',
});

describe('adopt, then eject: the async twin of koa-app round trip', function () {
  this.timeout(60_000);

  it('gives async-app.ts back byte for byte; the leaf comes back as a const-bound async function', () => {
    const { dir } = adoptedCopy();
    const lines: string[] = [];
    main(['eject', '-p', dir, '--outDir', path.join(dir, 'ejected')], (l) => lines.push(l));
    expect(lines[0]).to.match(/^ts-greenlet eject: \d+ of 11 files changed, 15 functions made async/);
    const read = (root: string, f: string) => fs.readFileSync(path.join(root, f), 'utf8');
    expect(read(path.join(dir, 'ejected'), 'async-app.ts')).to.equal(read(path.join(app, 'src'), 'async-app.ts'));
    expect(read(path.join(dir, 'ejected'), 'db.ts')).to.include(
      'export const queryAsync = async function queryAsync(sql: string, params: unknown[] = []): Promise<Row[]> {',
    );
  });
});
