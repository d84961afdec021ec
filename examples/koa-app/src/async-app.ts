/**
 * The notes service of `app.ts` written with native async/await: the same routes, validation and
 * responses, with `async` handlers on a plain @koa/router Router and a repository of async
 * functions calling `queryAsync`. It is the baseline of the HTTP benchmark (`npm run bench:http`).
 * Nothing here calls synchronized code, so the ts-greenlet transformer leaves this file as it is.
 */
import Router from '@koa/router';
import Koa from 'koa';
import { queryAsync, type Row } from './db';
import { type Note, validate, ValidationError } from './notes';

// ---- the repository -------------------------------------------------------------------------

function toNote(row: Row): Note {
  return { id: Number(row.id), title: String(row.title), body: String(row.body), tags: row.tags as string[] };
}

export async function listNotesAsync(tag?: string): Promise<Note[]> {
  const rows = tag
    ? await queryAsync('select * from notes where $1 = any(tags) order by id', [tag])
    : await queryAsync('select * from notes order by id');
  return rows.map(toNote);
}

export async function findNoteAsync(id: number): Promise<Note | undefined> {
  const [row] = await queryAsync('select * from notes where id = $1', [id]);
  return row ? toNote(row) : undefined;
}

export async function createNoteAsync(input: unknown): Promise<Note> {
  const n = validate(input);
  const [row] = await queryAsync('insert into notes (title, body, tags) values ($1, $2, $3) returning *', [n.title, n.body, n.tags]);
  return toNote(row);
}

export async function deleteNoteAsync(id: number): Promise<boolean> {
  return (await queryAsync('delete from notes where id = $1 returning id', [id])).length > 0;
}

// ---- the app --------------------------------------------------------------------------------

/** The request body as JSON; malformed JSON is a 400 that says so. */
async function readJson(ctx: Koa.Context): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of ctx.req) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  try {
    return JSON.parse(text);
  } catch {
    throw new ValidationError('malformed JSON body');
  }
}

function noteId(ctx: Koa.Context): number {
  const id = Number(ctx.params.id);
  if (!Number.isInteger(id) || id <= 0) throw new ValidationError('id must be a positive integer');
  return id;
}

export function createAsyncApp(): Koa {
  const app = new Koa({ asyncLocalStorage: true });
  app.use(async function errors(ctx, next) {
    try {
      await next();
    } catch (err) {
      const e = err as { status?: number; expose?: boolean; message: string };
      ctx.status = e.status ?? 500;
      ctx.body = { error: e.expose ? e.message : 'internal error' };
      if (ctx.status >= 500) ctx.app.emit('error', err, ctx);
    }
  });
  const router = new Router();
  router.get('/notes', async (ctx) => {
    ctx.body = await listNotesAsync(typeof ctx.query.tag === 'string' ? ctx.query.tag : undefined);
  });
  router.get('/notes/:id', async (ctx) => {
    ctx.body = (await findNoteAsync(noteId(ctx))) ?? ctx.throw(404, 'no such note');
  });
  router.post('/notes', async (ctx) => {
    ctx.status = 201;
    ctx.body = await createNoteAsync(await readJson(ctx));
  });
  router.delete('/notes/:id', async (ctx) => {
    if (!(await deleteNoteAsync(noteId(ctx)))) ctx.throw(404, 'no such note');
    ctx.status = 204;
  });
  app.use(router.routes()).use(router.allowedMethods());
  return app;
}
