/**
 * What users write: a sync-style handler and a view subclass in a real project compiled by `tspc`
 * with the transformer, importing `ts-greenlet/websocket` through the package's exports (its
 * `.d.ts`). `ws.recv()`, `ws.send()` and `this.send()` are called plainly; the transformer must
 * colour their callers from the `Synchronized` brand in the declarations alone.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import type { Middleware } from 'koa';
import { makeProject, repo } from '../helpers/project';
import { open, serve, type Served } from './helpers';

const source = `
import { synchronize } from 'ts-greenlet';
import { websocket, WebSocketConnectionView, type Message, type SyncWebSocket } from 'ts-greenlet/websocket';

/** A lookup that really waits. */
const lengthOf = synchronize(async (word: string) => {
  await new Promise((resolve) => setTimeout(resolve, 2));
  return word.length;
});

function reply(ws: SyncWebSocket, message: Message): void {
  ws.send(\`\${String(message)}:\${lengthOf(String(message))}\`);
}

export const echo = websocket((ws, ctx) => {
  ws.send(\`hello \${ctx.params.name}\`);
  let message: Message | null;
  while ((message = ws.recv()) !== null) reply(ws, message);
});

class Counter extends WebSocketConnectionView {
  count = 0;
  onMessage(message: Message): void {
    this.count += lengthOf(String(message));
    this.send(String(this.count));
  }
}

export const counter = websocket(Counter);
`;

describe('websocket: handlers compiled by tspc with the transformer', function () {
  this.timeout(60_000);
  let dir: string;
  let served: Served | undefined;
  let routes: { echo: Middleware; counter: Middleware };

  before(() => {
    dir = makeProject({ 'main.ts': source });
    execFileSync(process.execPath, [path.join(repo, 'node_modules/ts-patch/bin/tspc.js'), '-p', dir], {
      encoding: 'utf8',
    });
    routes = require(path.join(dir, 'dist/main.js'));
  });
  after(async () => {
    await served?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('runs a sync-style handler and a view whose callers of recv/send were coloured', async () => {
    const js = fs.readFileSync(path.join(dir, 'dist/main.js'), 'utf8');
    expect(js)
      .to.contain('function* reply$twin')
      .and.to.match(/rawOf\(\(_\w = ws\)\.recv\)/);
    served = await serve((router) => {
      router.get('/echo/:name', routes.echo);
      router.get('/count', routes.counter);
    });
    const echo = await open(`${served.url}/echo/ada`);
    expect(await echo.next()).to.equal('hello ada');
    echo.send('four');
    echo.send('xy');
    expect([await echo.next(), await echo.next()]).to.deep.equal(['four:4', 'xy:2']);
    const counter = await open(`${served.url}/count`);
    counter.send('abc');
    counter.send('de');
    expect([await counter.next(), await counter.next()]).to.deep.equal(['3', '5']);
  });
});
