/** The notes service: Koa 3 with sync-style handlers on a GreenletRouter. */
import Koa from 'koa';
import { GreenletExit } from 'ts-greenlet';
import { greenlet, GreenletRouter, type SyncNext } from 'ts-greenlet/koa';
import { answerError, answerStatusAsJson, linkNextPage, parseJsonBodies } from './edge';
import { mountLive } from './live';
import { createNote, deleteNote, findNote, listNotes } from './notes';
import { listInput, newNoteInput, noteIdInput } from './schema';

export function createApp(): Koa {
  const app = new Koa({ asyncLocalStorage: true });
  app.use(
    greenlet(function errors(ctx: Koa.Context, next: SyncNext) {
      try {
        next();
        answerStatusAsJson(ctx);
      } catch (err) {
        if (err instanceof GreenletExit) throw err; // the client went away: nothing to answer or log
        if (answerError(ctx, err)) ctx.app.emit('error', err, ctx);
      }
    }),
  );
  app.use(parseJsonBodies);
  const router = new GreenletRouter();
  router.get('/notes', (ctx) => {
    const input = listInput(ctx);
    const page = listNotes(input);
    linkNextPage(ctx, input, page.next);
    ctx.body = page.notes;
  });
  router.get('/notes/:id', (ctx) => {
    ctx.body = findNote(noteIdInput(ctx)) ?? ctx.throw(404, 'no such note');
  });
  router.post('/notes', (ctx) => {
    ctx.status = 201;
    ctx.body = createNote(newNoteInput(ctx));
  });
  router.delete('/notes/:id', (ctx) => {
    if (!deleteNote(noteIdInput(ctx))) ctx.throw(404, 'no such note');
    ctx.status = 204;
  });
  mountLive(router);
  app.use(router.routes()).use(router.allowedMethods());
  return app;
}
