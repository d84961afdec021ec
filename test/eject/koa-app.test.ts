/**
 * The example app ejected with the CLI (`ts-greenlet eject --outDir`), type-checked and built
 * with plain TypeScript (no transformer), then driven over HTTP by the same suite as the
 * transformed build. Its live page stays on ts-greenlet's WebSockets, which eject lists as left.
 */
import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import ts from 'typescript';
import { main } from '../../transformer/cli';
import { describeNotesOverHttp } from '../helpers/notes-http';

const repo = path.resolve(__dirname, '../../..');
const app = path.join(repo, 'examples/koa-app');

/** Ejects the app into a directory of its own and builds it; returns the build's directory. */
function ejectAndBuild(): string {
  fs.mkdirSync(path.join(repo, 'test-artifacts'), { recursive: true });
  const dir = fs.mkdtempSync(path.join(repo, 'test-artifacts', 'eject-'));
  process.once('exit', () => fs.rmSync(dir, { recursive: true, force: true }));
  const lines: string[] = [];
  const status = main(['eject', '-p', app, '--outDir', path.join(dir, 'src')], (l) => lines.push(l));
  const summary = lines.join('\n');
  expect(summary).to.match(/ts-greenlet eject: 4 of 11 files changed, 11 functions made async/);
  // what stays on ts-greenlet: the WebSocket live page and the GreenletExit test, all listed
  expect(summary).to.match(/live\.ts:\d+: websocket from 'ts-greenlet\/websocket'/);
  expect(status, 'exit status 1: something was left as written').to.equal(1);
  // a disconnect cancels GreenletRouter handlers and greenlet() middleware; async ones run on
  expect(summary).to.match(/^ {2}\S*app\.ts:13: greenlet\(\) middleware is cancelled when the client disconnects/m);
  expect(summary).to.match(
    /^ {2}\S*app\.ts:24: GreenletRouter cancels a request's handlers when the client disconnects/m,
  );
  const src = fs.readdirSync(path.join(dir, 'src')).map((f) => path.join(dir, 'src', f));
  const program = ts.createProgram({
    rootNames: src,
    options: {
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.Node20,
      strict: true,
      skipLibCheck: true,
      rootDir: path.join(dir, 'src'),
      outDir: path.join(dir, 'dist'),
      types: ['node'],
      typeRoots: [path.join(repo, 'node_modules/@types')],
    },
  });
  const errors = ts.getPreEmitDiagnostics(program).map((d) => ts.flattenDiagnosticMessageText(d.messageText, ' '));
  expect(errors, 'the ejected app type-checks').to.deep.equal([]);
  program.emit();
  return path.join(dir, 'dist');
}

describeNotesOverHttp('eject: koa-app over HTTP, ejected to async/await', ejectAndBuild);
