/**
 * The forms adopt writes and keeps, one small program each, checked as text: a leaf and the
 * chain of its callers made sync, and the callers that must stay async, reported with a reason.
 */
import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import ts from 'typescript';
import { compilerOptions, sharedHost } from '../helpers/compile';
import { adopt, type AdoptResult } from '../../transformer/adopt';
import { label } from '../../transformer/adopt/words';

const repo = path.resolve(__dirname, '../../..');

function adoptSource(source: string, leaves = ['q']): { text: string; result: AdoptResult; kept: string[] } {
  fs.mkdirSync(path.join(repo, 'test-artifacts'), { recursive: true });
  const dir = fs.mkdtempSync(path.join(repo, 'test-artifacts', 'adopt-forms-'));
  try {
    const file = path.join(dir, 'input.ts');
    fs.writeFileSync(file, source);
    const program = ts.createProgram({ rootNames: [file], options: compilerOptions, host: sharedHost });
    const result = adopt(program, [program.getSourceFile(file)!], leaves);
    const kept = result.kept.map((k) => {
      const sf = k.node.getSourceFile();
      return `${sf.getLineAndCharacterOfPosition(k.node.getStart()).line + 1}: ${k.reason}`;
    });
    return { text: result.files.get(file)!.after, result, kept };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

const LEAF = `export async function q(id: number): Promise<{ id: number; n: number }> {
  return { id, n: id * 2 };
}
`;

describe('adopt: forms', function () {
  this.timeout(30_000);

  it("takes a leaf name with '*' as a pattern over the async functions' names", () => {
    const { text, result } = adoptSource(
      `export async function fetchUser(id: number): Promise<string> {
  return 'u' + id;
}
export async function fetchTeam(id: number): Promise<string> {
  return 't' + id;
}
export async function card(id: number): Promise<string> {
  return (await fetchUser(id)) + (await fetchTeam(id));
}
`,
      ['fetch*'],
    );
    expect(result.missing).to.deep.equal([]);
    expect(text).to.include('export const fetchUser = synchronize(async function fetchUser(');
    expect(text).to.include('export const fetchTeam = synchronize(async function fetchTeam(');
    expect(text).to.include('export function card(id: number): string {');
  });

  it('wraps the leaf, imports synchronize, and makes its chain of callers sync, comments and formatting kept', () => {
    const { text, result, kept } = adoptSource(`import fs from 'node:fs';

${LEAF}
/** The row's n. */
export async function one(id: number): Promise<number> {
  const row = await q(id); // the row
  return (await q(row.id)).n   +   1; // odd spacing stays
}

export const two = async (id: number): Promise<number> =>
  // twice
  (await one(id)) * 2;

async function three(): Promise<string> {
  return String(await two(1)) + fs.sep;
}

export async function main(): Promise<void> {
  console.log(await three());
}
`);
    expect(text).to.include(
      "import fs from 'node:fs';\nimport { synchronize } from 'ts-greenlet';\n\nexport const q = synchronize(async function q(id: number): Promise<{ id: number; n: number }> {",
    );
    expect(text).to.include('  return { id, n: id * 2 };\n});\n');
    expect(text).to.include("/** The row's n. */\nexport function one(id: number): number {");
    expect(text).to.include('  const row = q(id); // the row\n  return q(row.id).n   +   1; // odd spacing stays');
    expect(text).to.include('export const two = (id: number): number =>\n  // twice\n  one(id) * 2;');
    expect(text).to.include('function three(): string {\n  return String(two(1)) + fs.sep;');
    expect(text).to.include('export function main(): void {\n  console.log(three());');
    expect(result.adopted.map((t) => t.name.text)).to.deep.equal(['one', 'two', 'three', 'main']);
    expect(kept).to.deep.equal([]);
  });

  it('adds synchronize to an existing ts-greenlet import, and wraps a const-bound leaf', () => {
    const { text } = adoptSource(`import { awaitSync } from 'ts-greenlet';
export const q = async (id: number) => ({ id, n: awaitSync(Promise.resolve(id)) });
export async function f(): Promise<number> {
  return (await q(1)).n;
}
`);
    expect(text).to.include("import { awaitSync, synchronize } from 'ts-greenlet';");
    expect(text).to.include(
      'export const q = synchronize(async (id: number) => ({ id, n: awaitSync(Promise.resolve(id)) }));',
    );
    expect(text).to.include('export function f(): number {\n  return q(1).n;');
  });

  it('keeps and reports callers that race, start without awaiting, await other things, or are passed away', () => {
    const { text, result, kept } = adoptSource(`${LEAF}
export async function both(): Promise<number> {
  const [a, b] = await Promise.all([q(1), q(2)]);
  return a.n + b.n;
}
export async function starts(): Promise<number> {
  const p = q(1);
  await q(2);
  return (await p).n;
}
export async function slow(): Promise<number> {
  await new Promise((r) => setTimeout(r, 1));
  return (await q(1)).n;
}
export async function viaPromise(): Promise<{ n: number }> {
  await q(0);
  return Promise.resolve({ n: 1 });
}
export async function later(): Promise<void> {
  await q(3);
}
setTimeout(later, 10);
export async function fine(): Promise<number> {
  return (await q(4)).n;
}
export async function usesFine(): Promise<number> {
  return (await fine()) + (await slow());
}
async function* gen() {
  yield await q(5);
}
export async function loops(xs: AsyncIterable<number>): Promise<void> {
  for await (const x of xs) await q(x);
}
`);
    expect(result.adopted.map((t) => t.name.text)).to.deep.equal(['fine']);
    expect(text).to.include('export function fine(): number {\n  return q(4).n;');
    expect(text).to.include('  return (await fine()) + (await slow());'); // an async caller keeps its awaits
    const leafCall =
      'q(…) is called without await here; in an async function the transform now awaits it, elsewhere it needs a greenlet';
    expect(kept).to.deep.equal([
      '5: both stays async: it awaits Promise.all(…) (promises run side by side)',
      `6: ${leafCall}`,
      `6: ${leafCall}`,
      '9: starts stays async: it calls q(…) at line 10 without awaiting it (it starts work it does not wait for)',
      `10: ${leafCall}`,
      '14: slow stays async: it awaits new Promise((r) => setTimeout(r, 1)), not a call of an adopted function',
      '18: viaPromise stays async: it returns a promise on purpose (Promise.resolve({ n: 1 }))',
      '22: later stays async: it is used as a value at input.ts:25 passed to setTimeout, so adopt cannot see all its callers',
      '29: usesFine stays async: it awaits slow(…), which is not adopted',
      '32: gen stays async: it is a generator',
      '35: loops stays async: it uses for await',
    ]);
  });

  it('keeps a caller that starts other work without awaiting it, has overloads or a typed binding; notes a hoisted leaf', () => {
    const { result, kept } = adoptSource(`export const early = q(0);
${LEAF}
declare function log(s: string): Promise<void>;
export async function logs(): Promise<number> {
  log('started');
  return (await q(1)).n;
}
export async function over(id: number): Promise<number>;
export async function over(id: string): Promise<number>;
export async function over(id: number | string): Promise<number> {
  return (await q(Number(id))).n;
}
export const typed: (id: number) => Promise<number> = async (id) => (await q(id)).n;
`);
    expect(result.adopted).to.deep.equal([]);
    expect(kept).to.deep.equal([
      '1: q is used here, at the top level above its declaration: as a const it is not hoisted as a function declaration is',
      '1: q(…) is called without await here; in an async function the transform now awaits it, elsewhere it needs a greenlet',
      '7: logs stays async: it calls log(…) at line 8 without awaiting it (it starts work it does not wait for)',
      '13: over stays async: it has overload signatures (make it sync by hand)',
      '16: typed stays async: its binding is declared with the type (id: number) => Promise<number>, which says it returns a promise',
    ]);
  });
});

describe('adopt: forms, Koa', function () {
  this.timeout(30_000);

  it('makes a router a GreenletRouter, its handlers that wait only on adopted calls or next() sync, and middleware greenlet(…)', () => {
    const { text, result, kept } = adoptSource(`import Router from '@koa/router';
import Koa, { type Next } from 'koa';

${LEAF}
async function guarded(id: number): Promise<number> {
  try {
    return (await q(id)).n;
  } catch {
    return 0;
  }
}

const app = new Koa();
app.use(async (ctx, next) => {
  const start = Date.now();
  await next();
  ctx.set('X-Time', String(Date.now() - start));
});
const router = new Router();
router.get('/one/:id', async (ctx) => {
  ctx.body = (await q(Number(ctx.params.id))).n;
});
router.use(async (ctx, next: Next): Promise<void> => {
  await next();
  ctx.set('X-Router', 'yes');
});
router.get('/slow', async (ctx) => {
  await new Promise((r) => setTimeout(r, 1));
  ctx.body = (await q(1)).n;
});
router.get('/both', async (ctx) => {
  const [a, b] = await Promise.all([q(1), q(2)]);
  ctx.body = a.n + b.n;
});
router.get('/guarded', async (ctx) => {
  ctx.body = await guarded(1);
});
router
  .get('/chained', async (ctx) => {
    ctx.body = (await q(2)).n;
  })
  .post('/chained', async (ctx) => {
    await new Promise((r) => setTimeout(r, 1));
    ctx.body = (await q(3)).n;
  });
app.use(router.routes());
`);
    expect(text).to.include(
      "import { GreenletRouter, greenlet, type SyncNext } from 'ts-greenlet/koa';\nimport Koa from 'koa';\nimport { synchronize } from 'ts-greenlet';\n",
    );
    expect(text).to.include(
      "app.use(greenlet((ctx, next) => {\n  const start = Date.now();\n  next();\n  ctx.set('X-Time', String(Date.now() - start));\n}));",
    );
    expect(text).to.include('const router = new GreenletRouter();');
    expect(text).to.include("router.get('/one/:id', (ctx) => {\n  ctx.body = q(Number(ctx.params.id)).n;\n});");
    expect(text).to.include("router.use((ctx, next: SyncNext): void => {\n  next();\n  ctx.set('X-Router', 'yes');");
    expect(text).to.include("router.get('/slow', async (ctx) => {\n  await new Promise"); // kept as written
    expect(text).to.include(
      "  .get('/chained', (ctx) => {\n    ctx.body = q(2).n;\n  })\n  .post('/chained', async (ctx) => {",
    );
    expect(result.koa.handlers).to.have.length(3);
    expect(result.koa.middleware).to.have.length(1);
    const cancel = 'run as a greenlet, a client that disconnects would throw GreenletExit into that catch';
    expect(kept).to.deep.equal([
      "30: the router.get('/slow') handler stays async: it awaits new Promise((r) => setTimeout(r, 1)), not a call of an adopted function",
      "34: the router.get('/both') handler stays async: it awaits Promise.all(…) (promises run side by side)",
      '35: q(…) is called without await here; in an async function the transform now awaits it, elsewhere it needs a greenlet',
      '35: q(…) is called without await here; in an async function the transform now awaits it, elsewhere it needs a greenlet',
      `38: the router.get('/guarded') handler stays async: it calls guarded(…), which waits inside try/catch at input.ts:10: ${cancel}`,
      "45: the router.post('/chained') handler stays async: it awaits new Promise((r) => setTimeout(r, 1)), not a call of an adopted function",
    ]);
  });

  it('makes head and options handlers sync as get ones; a method GreenletRouter does not type keeps its handler', () => {
    const { text, result, kept } = adoptSource(`import Router from '@koa/router';
import type { Next } from 'koa';

${LEAF}
const router = new Router();
router.head('/one', async (ctx, next: Next) => {
  ctx.set('X-N', String((await q(1)).n));
  await next();
});
router.options('/one', async (ctx) => {
  ctx.set('Allow', String((await q(2)).n));
});
router.register('/one', ['PURGE'], async (ctx) => {
  ctx.body = (await q(3)).n;
});
`);
    // the import of Next, the last, goes where the new imports are added
    expect(text).to.include(
      "import { GreenletRouter, type SyncNext } from 'ts-greenlet/koa';\nimport { synchronize } from 'ts-greenlet';\n\nexport const q",
    );
    expect(text).to.include('const router = new GreenletRouter();');
    expect(text).to.include(
      "router.head('/one', (ctx, next: SyncNext) => {\n  ctx.set('X-N', String(q(1).n));\n  next();\n});",
    );
    expect(text).to.include("router.options('/one', (ctx) => {\n  ctx.set('Allow', String(q(2).n));\n});");
    expect(text).to.include("router.register('/one', ['PURGE'], async (ctx) => {\n  ctx.body = (await q(3)).n;");
    expect(result.koa.handlers).to.have.length(2);
    expect(kept).to.deep.equal([
      "16: the router.register('/one') handler stays async: GreenletRouter types no router.register handlers (only get, post, put, patch, delete, del, head, options, all, use, param)",
    ]);
  });

  it('makes a handler passed by name sync where it is declared when every use of the name registers it', () => {
    const { text, result, kept } = adoptSource(`import Router, { type RouterContext } from '@koa/router';
import type { Next } from 'koa';

${LEAF}
async function listNotes(ctx: RouterContext): Promise<void> {
  ctx.body = (await q(1)).n;
}
const audit = async (ctx: RouterContext, next: Next) => {
  await next();
  ctx.set('X-N', String((await q(2)).n));
};
const show = async function (ctx: RouterContext) {
  ctx.body = (await q(3)).n;
};
export { listNotes };
export const router = new Router();
router.use(audit);
router.get('/notes', listNotes).get('/all', listNotes);
router.get('/show', show);
`);
    expect(text).to.include(
      "import { type RouterContext } from '@koa/router';\nimport { GreenletRouter, type SyncNext }",
    );
    expect(text).to.include('function listNotes(ctx: RouterContext): void {\n  ctx.body = q(1).n;\n}');
    expect(text).to.include(
      "const audit = (ctx: RouterContext, next: SyncNext) => {\n  next();\n  ctx.set('X-N', String(q(2).n));",
    );
    expect(text).to.include('const show = function (ctx: RouterContext) {\n  ctx.body = q(3).n;');
    expect(text).to.include("router.get('/notes', listNotes).get('/all', listNotes);"); // registrations as they were
    expect(result.koa.handlers.map((fn) => label(fn))).to.deep.equal(['audit', 'listNotes', 'show']);
    expect(kept).to.deep.equal([]);
  });

  it('keeps a handler passed by name that is used otherwise, on a router that stays, or does not qualify', () => {
    const { text, result, kept } = adoptSource(`import Router, { type RouterContext } from '@koa/router';

${LEAF}
async function shared(ctx: RouterContext) {
  ctx.body = (await q(1)).n;
}
async function later(ctx: RouterContext) {
  ctx.body = (await q(2)).n;
}
async function slow(ctx: RouterContext) {
  await new Promise((r) => setTimeout(r, 1));
  ctx.body = (await q(3)).n;
}
async function both(ctx: RouterContext) {
  ctx.body = (await q(4)).n;
}
async function purge(ctx: RouterContext) {
  ctx.body = (await q(5)).n;
}
function pass(ctx: RouterContext, next: () => Promise<void>) {
  return next();
}
export const router = new Router();
router.get('/shared', shared);
router.get('/later', later);
router.get('/slow', slow);
router.get('/both', both);
router.get('/purge', purge);
router.register('/purge', ['PURGE'], purge);
router.get('/one', async (ctx) => {
  await shared(ctx);
});
setTimeout(later, 10);
const other = new Router();
other.use(pass);
other.get('/both', both);
`);
    expect(text).to.include('export const router = new Router();'); // no handler on it is made sync
    expect(text).to.include('const other = new Router();');
    for (const name of ['shared', 'later', 'slow', 'both', 'purge'])
      expect(text).to.include(`async function ${name}(ctx: RouterContext) {`);
    expect(result.koa.handlers).to.have.length(0);
    expect(kept).to.deep.equal([
      '7: shared (router.get) stays async: it is also used at input.ts:34, not as a route handler (adopt makes a named handler sync only when every use is one)',
      '10: later (router.get) stays async: it is also used at input.ts:36 passed to setTimeout, not as a route handler (adopt makes a named handler sync only when every use is one)',
      '13: slow (router.get) stays async: it awaits new Promise((r) => setTimeout(r, 1)), not a call of an adopted function',
      '17: both (router.get) stays async: it is registered at input.ts:39 on a router (input.ts:37) that stays a @koa/router Router: the plain handler at input.ts:23 uses next, which on a GreenletRouter would wait for downstream',
      '20: purge (router.get) stays async: it is registered at input.ts:32: GreenletRouter types no router.register handlers (only get, post, put, patch, delete, del, head, options, all, use, param)',
    ]);
  });

  it('keeps a router whose plain handler uses next (on a GreenletRouter it would wait), and @koa/router imported', () => {
    const { text, result, kept } = adoptSource(`import Router from '@koa/router';
${LEAF}
export const router = new Router();
router.use((ctx, next) => {
  ctx.set('X-Plain', '1');
  return next();
});
router.get('/one', async (ctx) => {
  ctx.body = (await q(1)).n;
});
`);
    expect(text).to.include("import Router from '@koa/router';\nimport { synchronize } from 'ts-greenlet';\n");
    expect(text).to.include("router.get('/one', async (ctx) => {\n  ctx.body = (await q(1)).n;");
    expect(result.koa).to.deep.equal({ routers: [], handlers: [], middleware: [] });
    expect(kept).to.deep.equal([
      "11: the router.get('/one') handler stays async: its router (input.ts:6) stays a @koa/router Router: the plain handler at input.ts:7 uses next, which on a GreenletRouter would wait for downstream",
    ]);
  });
});
