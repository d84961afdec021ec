/**
 * The async twin of the example app (`examples/koa-app/src/async-app.ts`) adopted with the CLI
 * (`ts-greenlet adopt --leaf queryAsync`) in a copy of the project: its repository functions and
 * route handlers read as sync code (on a GreenletRouter), the tree type-checks and builds through
 * the transform (`ts-greenlet build`), and it answers over HTTP as the sync-style app does. Ejected
 * again, it is the async twin once more, byte for byte, built with plain
 * TypeScript and answering the same.
 */
import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import ts from 'typescript';
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
    /ts-greenlet adopt: 2 of 11 files changed, 1 leaf wrapped with synchronize, 4 functions and 4 Koa handlers made sync; rewritten in place\./,
  );
  expect(summary).to.match(/Made sync: .*listNotesAsync, .*findNoteAsync, .*createNoteAsync, .*deleteNoteAsync$/m);
  expect(summary).to.match(/^Koa routers made GreenletRouters: \S*async-app\.ts:55$/m);
  expect(summary).to.match(/^Koa route handlers made sync: (\S*async-app\.ts:(56|62|65|69)(, |$)){4}/m);
  expect(summary).to.match(
    /^Exported, and made sync .*: listNotesAsync, findNoteAsync, createNoteAsync, deleteNoteAsync$/m,
  );
  // the error middleware catches around `await next()`: as a greenlet, a disconnect would land in its catch
  expect(summary).to.match(
    /^Kept as written \(and why\):\n {2}\S*async-app\.ts:46: errors \(app\.use\) stays async: it waits at line 48 inside try\/catch: run as a greenlet, a client that disconnects would throw GreenletExit into that catch$/m,
  );
  expect(summary.split('\n')).to.have.length(7);

  const adopted = fs.readFileSync(path.join(dir, 'src/async-app.ts'), 'utf8');
  expect(adopted).to.include('export function findNoteAsync(id: number): Note | undefined {');
  expect(adopted).to.include("  const [row] = queryAsync('select * from notes where id = $1', [id]);");
  expect(adopted).to.include("  return queryAsync('delete from notes where id = $1 returning id', [id]).length > 0;");
  // the handlers read as sync code on a GreenletRouter; @koa/router's import gave way to ts-greenlet/koa's
  expect(adopted).to.include("import { GreenletRouter } from 'ts-greenlet/koa';\nimport Koa from 'koa';\n");
  expect(adopted).to.not.match(/^import .*'@koa\/router';$/m);
  expect(adopted).to.include(
    [
      '  const router = new GreenletRouter();',
      "  router.get('/notes', (ctx) => {",
      '    const input = listInput(ctx);',
      '    const page = listNotesAsync(input);',
      '    linkNextPage(ctx, input, page.next);',
      '    ctx.body = page.notes;',
      '  });',
      "  router.get('/notes/:id', (ctx) => {",
      "    ctx.body = findNoteAsync(noteIdInput(ctx)) ?? ctx.throw(404, 'no such note');",
      '  });',
      "  router.post('/notes', (ctx) => {",
      '    ctx.status = 201;',
      '    ctx.body = createNoteAsync(newNoteInput(ctx));',
      '  });',
      "  router.delete('/notes/:id', (ctx) => {",
      "    if (!deleteNoteAsync(noteIdInput(ctx))) ctx.throw(404, 'no such note');",
      '    ctx.status = 204;',
      '  });',
    ].join('\n'),
  );
  expect(adopted).to.include('  app.use(async function errors(ctx, next) {\n    try {\n      await next();');
  expect(fs.readFileSync(path.join(dir, 'src/db.ts'), 'utf8')).to.include(
    'export const queryAsync = synchronize(async function queryAsync(sql: string, params: unknown[] = []): Promise<Row[]> {',
  );

  const built: string[] = [];
  const status = main(['build', '-p', dir], (l) => built.push(l));
  expect(built.join('\n'), 'the adopted app type-checks and builds through the transform').to.match(
    // the example's 11 coloured functions, the 4 adopted ones and the 4 handlers, which now run as greenlet code
    /^ts-greenlet: built .*: 19 functions coloured in 4 files\.$/,
  );
  expect(status).to.equal(0);
  return path.join(dir, 'dist');
}

describeNotesOverHttp('adopt: the async twin of koa-app, adopted to sync-style, over HTTP', adoptAndBuild, {
  module: 'async-app.js',
  factory: 'createAsyncApp',
});

/** The adopted copy ejected again (once for the tests below): its directory, `ejected/` under it holding the sources. */
let roundTrip: string | undefined;
function adoptedThenEjected(): string {
  if (roundTrip) return roundTrip;
  const { dir } = adoptedCopy();
  const lines: string[] = [];
  main(['eject', '-p', dir, '--outDir', path.join(dir, 'ejected')], (l) => lines.push(l));
  expect(lines[0]).to.match(/^ts-greenlet eject: \d+ of 11 files changed, 19 functions made async/);
  return (roundTrip = dir);
}

/** The round trip type-checked and built with plain TypeScript (no transform); its build's directory. */
function roundTripBuilt(): string {
  const dir = adoptedThenEjected();
  const src = path.join(dir, 'ejected');
  const program = ts.createProgram({
    rootNames: fs.readdirSync(src).map((f) => path.join(src, f)),
    options: {
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.Node20,
      strict: true,
      skipLibCheck: true,
      rootDir: src,
      outDir: path.join(dir, 'ejected-dist'),
      types: ['node'],
      typeRoots: [path.join(repo, 'node_modules/@types')],
    },
  });
  const errors = ts.getPreEmitDiagnostics(program).map((d) => ts.flattenDiagnosticMessageText(d.messageText, ' '));
  expect(errors, 'adopted then ejected, the app type-checks').to.deep.equal([]);
  program.emit();
  return path.join(dir, 'ejected-dist');
}

describe('adopt, then eject: the async twin of koa-app round trip', function () {
  this.timeout(60_000);

  it('gives async-app.ts back byte for byte; the leaf comes back as a const-bound async function', async () => {
    const dir = adoptedThenEjected();
    const read = (root: string, f: string) => fs.readFileSync(path.join(root, f), 'utf8');
    const original = read(path.join(app, 'src'), 'async-app.ts');
    const ejected = read(path.join(dir, 'ejected'), 'async-app.ts');
    // eject parenthesizes `await` where Prettier would: `!(await deleteNoteAsync(…))`
    expect(ejected).to.equal(original);
    expect(read(path.join(dir, 'ejected'), 'db.ts')).to.include(
      'export const queryAsync = async function queryAsync(sql: string, params: unknown[] = []): Promise<Row[]> {',
    );
  });
});

describeNotesOverHttp('adopt, then eject: the async twin of koa-app round trip, over HTTP', roundTripBuilt, {
  module: 'async-app.js',
  factory: 'createAsyncApp',
});
