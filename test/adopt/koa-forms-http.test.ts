/**
 * Koa forms adopted with the CLI answer over HTTP as their async originals do: a router made a
 * GreenletRouter with sync handlers (one with a synchronized `next`, one that throws after its
 * wait, a HEAD one passed by name, an OPTIONS one) and async ones it still awaits (one catching
 * around `await next()`), and `app.use` middleware made `greenlet(…)`. Real Koa, real requests.
 */
import fs from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { expect } from 'chai';
import { main } from '../../transformer/cli';

const repo = path.resolve(__dirname, '../../..');

const SOURCE = `import Router, { type RouterContext } from '@koa/router';
import Koa, { type Next } from 'koa';

export async function q(id: number): Promise<{ id: number; n: number }> {
  await new Promise((r) => setTimeout(r, 5));
  return { id, n: id * 2 };
}

export const app = new Koa();
app.use(async (ctx, next) => {
  ctx.set('X-Before', String(ctx.body === undefined));
  await next();
  ctx.set('X-After', String(ctx.body));
});
const router = new Router();
router.use(async (ctx, next) => {
  try {
    await next();
  } catch {
    ctx.status = 500;
    ctx.body = 'caught';
  }
});
router.use(async (ctx, next: Next) => {
  await next();
  ctx.set('X-Router', 'yes');
});
router.get('/fails', async (ctx) => {
  ctx.body = (await q(-1)).n;
  throw new Error('after the wait');
});
router.get('/one/:id', async (ctx) => {
  ctx.body = (await q(Number(ctx.params.id))).n;
});
router.get('/slow', async (ctx) => {
  await new Promise((r) => setTimeout(r, 1));
  ctx.body = (await q(1)).n;
});
router.get('/both', async (ctx) => {
  const [a, b] = await Promise.all([q(1), q(2)]);
  ctx.body = a.n + b.n;
});
async function noteSize(ctx: RouterContext) {
  ctx.set('X-N', String((await q(Number(ctx.params.id))).n));
  ctx.status = 200;
}
router.head('/notes/:id', noteSize);
router.options('/notes/:id', async (ctx) => {
  ctx.set('Allow', (await q(0)).n === 0 ? 'HEAD, OPTIONS' : 'none');
  ctx.status = 204;
});
app.use(router.routes());
`;

/** A project of SOURCE (two levels under the repo, as the example's tsconfig needs), built; adopted first if `leaf`. */
function built(leaf?: string): { dir: string; summary: string } {
  fs.mkdirSync(path.join(repo, 'test-artifacts'), { recursive: true });
  const dir = fs.mkdtempSync(path.join(repo, 'test-artifacts', 'adopt-koa-'));
  process.once('exit', () => fs.rmSync(dir, { recursive: true, force: true }));
  fs.mkdirSync(path.join(dir, 'src'));
  fs.writeFileSync(path.join(dir, 'src/app.ts'), SOURCE);
  fs.copyFileSync(path.join(repo, 'examples/koa-app/tsconfig.json'), path.join(dir, 'tsconfig.json'));
  const lines: string[] = [];
  if (leaf) expect(main(['adopt', '-p', dir, '--leaf', leaf], (l) => lines.push(l))).to.equal(0);
  expect(
    main(['build', '-p', dir], (l) => lines.push(l)),
    lines.join('\n'),
  ).to.equal(0);
  return { dir, summary: lines.join('\n') };
}

async function serve(dir: string): Promise<{ server: Server; base: string }> {
  const server: Server = require(path.join(dir, 'dist/app.js')).app.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  return { server, base: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

describe('adopt: Koa forms over HTTP, async originals against adopted', function () {
  this.timeout(60_000);

  it('answers the same: statuses, bodies and the headers set after next()', async () => {
    const original = built();
    const adopted = built('q');
    const text = fs.readFileSync(path.join(adopted.dir, 'src/app.ts'), 'utf8');
    expect(text).to.include("app.use(greenlet((ctx, next) => {\n  ctx.set('X-Before'");
    expect(text).to.include("router.use((ctx, next: SyncNext) => {\n  next();\n  ctx.set('X-Router', 'yes');");
    expect(text).to.include("router.get('/both', async (ctx) => {"); // kept: it races promises
    expect(text).to.include(
      "function noteSize(ctx: RouterContext) {\n  ctx.set('X-N', String(q(Number(ctx.params.id)).n));",
    );
    expect(text).to.include("router.options('/notes/:id', (ctx) => {");
    expect(text).to.include('router.use(async (ctx, next) => {\n  try {\n    await next();'); // kept: try/catch
    expect(adopted.summary).to.match(/1 leaf wrapped with synchronize, 0 functions and 6 Koa handlers made sync/);
    expect(adopted.summary).to.match(/built .*: 6 functions coloured in 1 file\./);

    const servers = [await serve(original.dir), await serve(adopted.dir)];
    try {
      const requests = ['/one/4', '/slow', '/both', '/fails', '/nowhere', 'HEAD /notes/3', 'OPTIONS /notes/3'];
      for (const request of requests) {
        const [method, url] = request.includes(' ') ? request.split(' ') : ['GET', request];
        const [a, b] = await Promise.all(
          servers.map(async ({ base }) => {
            const res = await fetch(base + url, { method });
            const headers = ['x-before', 'x-after', 'x-router', 'x-n', 'allow'].map((h) => res.headers.get(h));
            return { status: res.status, body: await res.text(), headers };
          }),
        );
        expect(b, request).to.deep.equal(a);
        if (request === '/one/4')
          expect(a).to.deep.equal({ status: 200, body: '8', headers: ['true', '8', 'yes', null, null] });
        if (request === '/fails')
          expect(a).to.deep.equal({ status: 500, body: 'caught', headers: ['true', 'caught', null, null, null] });
        if (request === 'HEAD /notes/3')
          expect(a).to.deep.equal({ status: 200, body: '', headers: ['true', 'undefined', 'yes', '6', null] });
        if (request === 'OPTIONS /notes/3')
          expect(a).to.deep.equal({
            status: 204,
            body: '',
            headers: ['true', 'undefined', 'yes', null, 'HEAD, OPTIONS'],
          });
      }
    } finally {
      await Promise.all(servers.map(({ server }) => new Promise((r) => server.close(r))));
    }
  });
});
