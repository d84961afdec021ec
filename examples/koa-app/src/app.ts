/** The notes service: Koa 3 with sync-style handlers on a GreenletRouter. */
import Koa from 'koa';
import { GreenletExit, synchronize } from 'ts-greenlet';
import { greenlet, GreenletRouter, type SyncNext } from 'ts-greenlet/koa';
import { createNote, deleteNote, findNote, listNotes, ValidationError } from './notes';
import { mountLive } from './live';

/** The request body as JSON; malformed JSON is a 400 that says so. */
const readJson = synchronize(async function readJson(ctx: Koa.Context): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of ctx.req) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  try {
    return JSON.parse(text);
  } catch {
    throw new ValidationError('malformed JSON body');
  }
});

function noteId(ctx: Koa.Context): number {
  const id = Number(ctx.params.id);
  if (!Number.isInteger(id) || id <= 0) throw new ValidationError('id must be a positive integer');
  return id;
}

export function createApp(): Koa {
  const app = new Koa({ asyncLocalStorage: true });
  app.use(
    greenlet(function errors(ctx: Koa.Context, next: SyncNext) {
      try {
        next();
      } catch (err) {
        if (err instanceof GreenletExit) throw err; // the client went away: nothing to answer or log
        const e = err as { status?: number; expose?: boolean; message: string };
        ctx.status = e.status ?? 500;
        ctx.body = { error: e.expose ? e.message : 'internal error' };
        if (ctx.status >= 500) ctx.app.emit('error', err, ctx);
      }
    }),
  );
  const router = new GreenletRouter();
  router.get('/notes', (ctx) => {
    ctx.body = listNotes(typeof ctx.query.tag === 'string' ? ctx.query.tag : undefined);
  });
  router.get('/notes/:id', (ctx) => {
    ctx.body = findNote(noteId(ctx)) ?? ctx.throw(404, 'no such note');
  });
  router.post('/notes', (ctx) => {
    ctx.status = 201;
    ctx.body = createNote(readJson(ctx));
  });
  router.delete('/notes/:id', (ctx) => {
    if (!deleteNote(noteId(ctx))) ctx.throw(404, 'no such note');
    ctx.status = 204;
  });
  mountLive(router);
  app.use(router.routes()).use(router.allowedMethods());
  return app;
}
