/**
 * examples/koa-app/src/async-app.ts, the native async/await baseline of `npm run bench:http`,
 * answers exactly as the sync-style app does: same statuses, same bodies.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type Koa from 'koa';
import { expect } from 'chai';

const dist = path.resolve(__dirname, '../../../examples/koa-app/dist');

describe('example: koa-app written with async/await (the HTTP benchmark baseline)', function () {
  this.timeout(30_000);
  const servers: Server[] = [];
  let sync: string;
  let async: string;
  let db: { openDatabase(dir?: string): Promise<void>; closeDatabase(): Promise<void> };

  async function serve(app: Koa): Promise<string> {
    const server = app.listen(0, '127.0.0.1');
    servers.push(server);
    await new Promise((r) => server.once('listening', r));
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  before(async () => {
    db = require(path.join(dist, 'db.js'));
    await db.openDatabase('memory://');
    sync = await serve(require(path.join(dist, 'app.js')).createApp());
    async = await serve(require(path.join(dist, 'async-app.js')).createAsyncApp());
  });
  after(async () => {
    await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
    await db.closeDatabase();
  });

  /** Status, body parsed if JSON (ids left out: both apps share one database) and the Link header. */
  async function answer(
    base: string,
    method: string,
    url: string,
    body?: string,
    type = 'application/json',
  ): Promise<[number, unknown, string | null]> {
    const res = await fetch(`${base}${url}`, { method, body, headers: body ? { 'content-type': type } : {} });
    const text = await res.text();
    const json = res.headers.get('content-type')?.includes('json') ? JSON.parse(text) : text;
    const strip = (n: unknown) =>
      n && typeof n === 'object' && 'id' in n ? { ...n, id: typeof (n as { id: unknown }).id } : n;
    return [res.status, Array.isArray(json) ? json.map(strip) : strip(json), res.headers.get('link')];
  }

  it('has the same routes, validation and responses as the sync-style app', async () => {
    const created = await (
      await fetch(`${async}/notes`, {
        method: 'POST',
        body: JSON.stringify({ title: 'seen by both', tags: ['p'] }),
        headers: { 'content-type': 'application/json' },
      })
    ).json();
    const cases: Array<[string, string, string?, string?]> = [
      ['POST', '/notes', JSON.stringify({ title: ' t ', body: 'b', tags: ['x'] })],
      ['POST', '/notes', JSON.stringify({ title: 'u', tags: ['x'] })],
      ['GET', `/notes/${created.id}`],
      ['GET', '/notes?tag=p'],
      ['GET', '/notes?tag=x&limit=1'],
      ['GET', '/notes?tag=&limit=2'],
      ['GET', `/notes?tag=x&limit=1&after=${created.id}`],
      ['GET', '/notes?limit=0'],
      ['GET', '/notes?after=1e3'],
      ['GET', '/notes?tag=%00'],
      ['GET', '/notes/1e3'],
      ['GET', '/notes/2147483648'],
      ['GET', '/notes/99999999999999999999'],
      ['POST', '/notes', JSON.stringify({ title: 'a\u0000' })],
      ['POST', '/notes', JSON.stringify({ title: 't', tags: ['\u0000'] })],
      ['POST', '/notes', JSON.stringify({ title: 't', extra: 1 })],
      ['POST', '/notes', JSON.stringify({ title: 't' }), 'text/plain'],
      ['POST', '/nowhere', '{}'],
      ['POST', '/notes', '{not json'],
      ['POST', '/notes', JSON.stringify({ title: '' })],
      ['POST', '/notes', JSON.stringify({ title: 't', body: 1 })],
      ['POST', '/notes', JSON.stringify({ title: 't', tags: [1] })],
      ['POST', '/notes', '[]'],
      ['GET', '/notes/abc'],
      ['GET', '/notes/999999'],
      ['DELETE', '/notes/999999'],
      ['PUT', '/notes'],
    ];
    for (const [method, url, body, type] of cases) {
      const expected = await answer(sync, method, url, body, type);
      expect(await answer(async, method, url, body, type), `${method} ${url} ${body ?? ''}`).to.deep.equal(expected);
    }
    expect((await fetch(`${async}/notes/${created.id}`, { method: 'DELETE' })).status).to.equal(204);
    expect((await fetch(`${sync}/notes/${created.id}`)).status).to.equal(404);
  });
});
