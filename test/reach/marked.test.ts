/**
 * Reach: marked 15 (a Markdown parser), compiled from its own TypeScript sources (the
 * `sourcesContent` of the npm package's source map; the pinned devDependency), left unmodified,
 * and extended through its public API by sync-style code that does I/O through a synchronized
 * function. marked wraps each user renderer function in an arrow it stores on its renderer
 * under a union key (`renderer[prop] = (...args) => rendererFunc.apply(renderer, args)`), then
 * calls `this.renderer.link(token)`: value flow must carry the user's function through that.
 *
 * The corpus is marked's own README. The output must equal the same program with a plain
 * (non-suspending) lookup, every lookup must really wait (counted), and no two overlap.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import ts from 'typescript';
import { createTransformer, formatDiagnostic } from '../../transformer';
import { repo } from '../helpers/project';
import { runBothAlike } from './run-user';
import { REACH_OPTIONS, writeReachProject } from './build';

const markedDir = path.join(repo, 'node_modules', 'marked');

/** The extension, written once; `LOOKUP` is a synchronized I/O function or a plain one. */
const extension = (lookup: string, start: string) => `
import { Marked } from './src/Instance.ts';
import { synchronize, spawnGreenlet } from 'ts-greenlet';

export const stats = { waits: 0, active: 0, overlap: 0 };
${lookup}

const marked = new Marked({
  renderer: {
    link({ href, text }) {
      return \`<a href="\${href}" title="\${titleOf(href)}">\${text}</a>\`;
    },
    codespan({ text }) {
      return text.length < 4 ? false : \`<code data-t="\${titleOf(text)}">\${text}</code>\`;
    },
  },
  walkTokens(token) {
    if (token.type === 'heading') token.depth = Math.min(6, token.depth + titleOf(token.text).length % 2);
  },
});

export function render(md: string): string {
  return marked.parse(md, { async: false }) as string;
}

const corpus = require('node:fs').readFileSync(process.argv[2], 'utf8');
${start}
`;

const SUSPENDING = `const titleOf = synchronize(async (href: string): Promise<string> => {
  if (stats.active++) stats.overlap++;
  await new Promise((r) => setTimeout(r, 1));
  stats.active--;
  stats.waits++;
  return \`title:\${href.length}\`;
});`;
const PLAIN = `function titleOf(href: string): string {
  stats.waits++;
  return \`title:\${href.length}\`;
}`;
const print = `(out: string) => { console.log(out); console.error(JSON.stringify(stats)); }`;

/** marked's sources from its source map, and the two type-only modules it has no code for. */
function writeProject(dir: string, user: string): void {
  const map = JSON.parse(fs.readFileSync(path.join(markedDir, 'lib', 'marked.cjs.map'), 'utf8')) as {
    sources: string[];
    sourcesContent: string[];
  };
  writeReachProject(dir, user, (src) => {
    map.sources.forEach((s, i) => fs.writeFileSync(path.join(src, path.basename(s)), map.sourcesContent[i]));
    for (const typesOnly of ['MarkedOptions.ts', 'Tokens.ts'])
      fs.writeFileSync(path.join(src, typesOnly), `export type * from 'marked';\n`);
  });
  fs.symlinkSync(markedDir, path.join(dir, 'node_modules', 'marked'), 'dir');
}

function build(dir: string, transform: boolean): string[] {
  const options: ts.CompilerOptions = { ...REACH_OPTIONS, outDir: path.join(dir, 'out') };
  const program = ts.createProgram({ rootNames: [path.join(dir, 'user.ts')], options });
  const diagnostics: ts.Diagnostic[] = [];
  const before = transform ? [createTransformer(program, { addDiagnostic: (d) => diagnostics.push(d) })] : [];
  program.emit(undefined, undefined, undefined, false, { before });
  return [...new Set(diagnostics.map((d) => formatDiagnostic(d, dir)))].sort();
}

describe('reach: marked 15 from its sources, with a sync-style extension', function () {
  this.timeout(120_000);
  let root: string;
  before(() => (root = fs.mkdtempSync(path.join(os.tmpdir(), 'tsg-reach-marked-'))));
  after(() => fs.rmSync(root, { recursive: true, force: true }));

  it('renders its README exactly as the plain program does, every lookup waited for, none overlapping', () => {
    const sync = path.join(root, 'sync');
    const plain = path.join(root, 'plain');
    writeProject(sync, extension(SUSPENDING, `spawnGreenlet(render, corpus).then(${print});`));
    writeProject(plain, extension(PLAIN, `Promise.resolve(render(corpus)).then(${print});`));
    const diagnostics = build(sync, true);
    build(plain, false);
    if (process.env.REACH_SHOW) for (const d of diagnostics) console.log(`      ${d}`);
    // Known, and right as far as value flow can tell: marked's async mode hands the coloured
    // lexer and parser to promise callbacks (TSG39007), and its extension registry stores
    // renderers under `ext.name: string` (TSG39008). This extension uses neither; see the README.
    expect(diagnostics.map((d) => d.replace(/ - (TSG\d+).*/, ' $1'))).to.deep.equal([
      'src/Instance.ts:302:17 TSG39007',
      'src/Instance.ts:304:17 TSG39007',
      'src/Instance.ts:305:17 TSG39007',
      'src/Instance.ts:96:15 TSG39008',
    ]);
    runBothAlike(sync, plain, path.join(markedDir, 'README.md'), 20);
  });
});
