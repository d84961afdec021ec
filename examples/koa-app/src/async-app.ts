/**
 * The notes service of `app.ts` written with native async/await: the same routes, validation and
 * responses, with `async` handlers on a plain @koa/router Router and a repository of async
 * functions calling `queryAsync`. It is the baseline of the HTTP benchmark (`npm run bench:http`).
 * Nothing here calls synchronized code, so the ts-greenlet transformer leaves this file as it is.
 */
import Router from '@koa/router';
import Koa from 'koa';
import { queryAsync, type Row } from './db';
import { answerError, answerStatusAsJson, linkNextPage, parseJsonBodies } from './edge';
import { type Note, PAGE_SQL, type Page, toPage } from './notes';
import { type ListInput, listInput, type NewNote, newNoteInput, noteIdInput } from './schema';

// ---- the repository -------------------------------------------------------------------------

function toNote(row: Row): Note {
  return { id: Number(row.id), title: String(row.title), body: String(row.body), tags: row.tags as string[] };
}

export async function listNotesAsync({ tag, after, limit }: ListInput): Promise<Page> {
  return toPage(await queryAsync(PAGE_SQL, [after, tag ?? null, limit + 1]), limit);
}

export async function findNoteAsync(id: number): Promise<Note | undefined> {
  const [row] = await queryAsync('select * from notes where id = $1', [id]);
  return row ? toNote(row) : undefined;
}

export async function createNoteAsync(n: NewNote): Promise<Note> {
  const [row] = await queryAsync('insert into notes (title, body, tags) values ($1, $2, $3) returning *', [
    n.title,
    n.body,
    n.tags,
  ]);
  return toNote(row);
}

export async function deleteNoteAsync(id: number): Promise<boolean> {
  return (await queryAsync('delete from notes where id = $1 returning id', [id])).length > 0;
}

// ---- the app --------------------------------------------------------------------------------

export function createAsyncApp(): Koa {
  const app = new Koa({ asyncLocalStorage: true });
  app.use(async function errors(ctx, next) {
    try {
      await next();
      answerStatusAsJson(ctx);
    } catch (err) {
      if (answerError(ctx, err)) ctx.app.emit('error', err, ctx);
    }
  });
  app.use(parseJsonBodies);
  const router = new Router();
  router.get('/notes', async (ctx) => {
    const input = listInput(ctx);
    const page = await listNotesAsync(input);
    linkNextPage(ctx, input, page.next);
    ctx.body = page.notes;
  });
  router.get('/notes/:id', async (ctx) => {
    ctx.body = (await findNoteAsync(noteIdInput(ctx))) ?? ctx.throw(404, 'no such note');
  });
  router.post('/notes', async (ctx) => {
    ctx.status = 201;
    ctx.body = await createNoteAsync(newNoteInput(ctx));
  });
  router.delete('/notes/:id', async (ctx) => {
    if (!(await deleteNoteAsync(noteIdInput(ctx)))) ctx.throw(404, 'no such note');
    ctx.status = 204;
  });
  app.use(router.routes()).use(router.allowedMethods());
  return app;
}
