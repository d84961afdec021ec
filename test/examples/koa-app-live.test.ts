/**
 * The example's live page (examples/koa-app/src/live.ts, compiled through the transformer):
 * `/live` serves the page; `/live/notes` is a WebSocket whose sync-style handler sends the notes
 * from the database, then again after each change. Driven here by a real `ws` client; the
 * browser test (live-page.test.ts) drives the page itself.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { expect } from 'chai';
import { attachWebSockets } from '../../runtime/websocket';
import { open } from '../websocket/helpers';

const dist = path.resolve(__dirname, '../../../examples/koa-app/dist');

describe('example: koa-app live notes over a WebSocket', function () {
  this.timeout(30_000);
  let server: Server;
  let base: string;
  let db: { openDatabase(dir?: string): Promise<void>; closeDatabase(): Promise<void> };

  before(async () => {
    db = require(path.join(dist, 'db.js'));
    const { createApp } = require(path.join(dist, 'app.js'));
    await db.openDatabase('memory://');
    const app = createApp();
    server = attachWebSockets(app.listen(0, '127.0.0.1'), app);
    await new Promise((r) => server.once('listening', r));
    base = `127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(async () => {
    await new Promise((r) => server.close(r));
    await db.closeDatabase();
  });

  const titles = (m: string | Buffer) => (JSON.parse(String(m)) as Array<{ title: string }>).map((n) => n.title);
  const post = (title: string) =>
    fetch(`http://${base}/notes`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ title }),
    });

  it('serves the page, sends the notes on connect, and again when one is created or deleted', async () => {
    const page = await fetch(`http://${base}/live`);
    expect(page.headers.get('content-type')).to.match(/^text\/html/);
    expect(await page.text()).to.contain("'/live/notes'");
    await post('before');
    const client = await open(`ws://${base}/live/notes`);
    expect(titles(await client.next())).to.deep.equal(['before']);
    const created = await (await post('while watching')).json();
    let seen = titles(await client.next());
    while (seen.length < 2) seen = titles(await client.next()); // the first poll may repeat the list
    expect(seen).to.deep.equal(['before', 'while watching']);
    await fetch(`http://${base}/notes/${created.id}`, { method: 'DELETE' });
    expect(titles(await client.next())).to.deep.equal(['before']);
    client.socket.close();
    expect((await client.closed).code).to.equal(1005);
  });
});
