/**
 * The notes service's HTTP behaviour, against a build of examples/koa-app in `dist`: the build
 * through the transformer (`test/examples/koa-app.test.ts`) and the ejected async/await one
 * (`test/eject/koa-app.test.ts`) must answer the same, and so must its async twin adopted back to
 * sync-style (`test/adopt/koa-async-app.test.ts`).
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { expect } from 'chai';

/**
 * Declares the suite; `prepare` runs first in its `before` hook and returns the build's directory.
 * `app` names the module and factory serving the notes (the adopted async twin: `async-app.js`).
 */
export function describeNotesOverHttp(
  title: string,
  prepare: () => string,
  app: { module: string; factory: string } = { module: 'app.js', factory: 'createApp' },
): void {
  describe(title, function () {
    this.timeout(60_000);
    let server: Server;
    let base: string;
    let db: { openDatabase(dir?: string): Promise<void>; closeDatabase(): Promise<void> };

    before(async () => {
      const dist = prepare();
      db = require(path.join(dist, 'db.js'));
      const createApp = require(path.join(dist, app.module))[app.factory];
      await db.openDatabase('memory://');
      server = createApp().listen(0);
      await new Promise((r) => server.once('listening', r));
      base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    });
    after(async () => {
      await new Promise((r) => server.close(r));
      await db.closeDatabase();
    });

    const post = (body: string) =>
      fetch(`${base}/notes`, { method: 'POST', body, headers: { 'content-type': 'application/json' } });

    it('creates, lists, finds, filters by tag and deletes notes', async () => {
      const created = await post(JSON.stringify({ title: ' first ', body: 'b', tags: ['x'] }));
      expect(created.status).to.equal(201);
      const note = await created.json();
      expect(note).to.deep.include({ title: 'first', body: 'b', tags: ['x'] });
      await post(JSON.stringify({ title: 'second' }));
      expect((await (await fetch(`${base}/notes`)).json()).map((n: { title: string }) => n.title)).to.deep.equal([
        'first',
        'second',
      ]);
      expect(await (await fetch(`${base}/notes/${note.id}`)).json()).to.deep.equal(note);
      expect((await (await fetch(`${base}/notes?tag=x`)).json()).length).to.equal(1);
      expect((await (await fetch(`${base}/notes?tag=`)).json()).length).to.equal(2);
      expect((await fetch(`${base}/notes/${note.id}`, { method: 'DELETE' })).status).to.equal(204);
      expect((await fetch(`${base}/notes/${note.id}`)).status).to.equal(404);
    });

    it('answers 4xx with one JSON error shape naming the field at fault, 404 for unknown ids, and keeps serving', async () => {
      const cases: Array<[Response, number, { error: string; field?: string }]> = [
        [await post('{not json'), 400, { error: 'malformed JSON body' }],
        [await post(JSON.stringify({ title: '' })), 400, { error: 'title must be a non-empty string', field: 'title' }],
        [
          await post(JSON.stringify({ title: 't', tags: [1] })),
          400,
          { error: 'tags must be an array of strings', field: 'tags' },
        ],
        [await post('[]'), 400, { error: 'body must be a JSON object' }],
        [
          await fetch(`${base}/notes`, { method: 'POST', body: '{"title":"t"}' }),
          415,
          { error: 'body must be application/json', field: 'content-type' },
        ],
        [await fetch(`${base}/notes/abc`), 400, { error: 'id must be a positive decimal integer', field: 'id' }],
        [await fetch(`${base}/notes/999999`), 404, { error: 'no such note' }],
      ];
      for (const [res, status, error] of cases) {
        expect(res.status).to.equal(status);
        expect(await res.json()).to.deep.equal(error);
      }
      expect((await fetch(`${base}/notes`)).status).to.equal(200);
    });

    it('pages GET /notes: ?limit= (default 100, at most 1000), the next page in a Link header', async () => {
      for (let i = 0; i < 5; i++) await post(JSON.stringify({ title: `paged ${i}`, tags: ['paged'] }));
      const titles: string[] = [];
      const links: string[] = [];
      for (let url: string | undefined = '/notes?tag=paged&limit=2'; url;) {
        const res: Response = await fetch(base + url);
        titles.push(...((await res.json()) as Array<{ title: string }>).map((n) => n.title));
        url = /^<([^>]+)>; rel="next"$/.exec(res.headers.get('link') ?? '')?.[1];
        if (url) links.push(url);
      }
      expect(titles).to.deep.equal(['paged 0', 'paged 1', 'paged 2', 'paged 3', 'paged 4']);
      expect(links).to.have.length(2);
      expect(links.every((l) => /^\/notes\?after=\d+&limit=2&tag=paged$/.test(l))).to.equal(true);
      for (let i = 0; i < 100; i++) await post(JSON.stringify({ title: `more ${i}` }));
      const first = await fetch(`${base}/notes`);
      expect(((await first.json()) as unknown[]).length).to.equal(100);
      expect(first.headers.get('link')).to.match(/^<\/notes\?after=\d+&limit=100>; rel="next"$/);
      expect((await fetch(`${base}/notes?limit=1000`)).headers.get('link')).to.equal(null);
      expect((await fetch(`${base}/notes?after=2147483647`)).status).to.equal(200);
    });

    it('serves concurrent requests on one event loop', async () => {
      const results = await Promise.all(
        Array.from({ length: 50 }, (_, i) => post(JSON.stringify({ title: `n${i}` })).then((r) => r.status)),
      );
      expect(results.every((s) => s === 201)).to.equal(true);
    });
  });
}
