/**
 * Koa pieces both apps share (the sync-style `app.ts` and its async twin), so both answer alike:
 * the body parser with its limits, the rendering of errors as `{ error, field }`, and the link to
 * the next page of a list.
 */
import { bodyParser } from '@koa/bodyparser';
import type Koa from 'koa';
import { limits } from './limits';
import { type ErrorBody, type ListInput, RequestError } from './schema';

const parser = bodyParser({
  enableTypes: ['json'],
  jsonLimit: limits.jsonBodyBytes,
  // Reading stops at the limit (413). A malformed body, or one with a `__proto__` key, is a
  // SyntaxError; other refusals (an aborted request) are http-errors, already exposed.
  onError(err) {
    if ((err as { status?: number }).status === 413)
      throw new RequestError(413, `body must be at most ${limits.jsonBodyBytes} bytes`);
    if (err instanceof SyntaxError) throw new RequestError(400, 'malformed JSON body');
    throw err;
  },
});

const PARSED_METHODS = new Set(['POST', 'PUT', 'PATCH']); // the parser's own default

/**
 * JSON bodies, parsed into `ctx.request.body` before the router runs, at most `jsonBodyBytes`.
 * Two checks the parser does not make: the bytes must be UTF-8 (RFC 8259; the parser would quietly
 * turn bad bytes into U+FFFD), and compressed bodies are refused (that check reads the bytes on the
 * wire, and a notes client has no need to compress a body of at most 1 MB).
 */
export async function parseJsonBodies(ctx: Koa.Context, next: Koa.Next): Promise<void> {
  // Anything else is left unread: the route decides (415 on POST /notes).
  if (!PARSED_METHODS.has(ctx.method) || !ctx.is('application/json')) return next();
  const coding = ctx.get('content-encoding').toLowerCase();
  if (coding !== '' && coding !== 'identity') {
    ctx.set('Accept-Encoding', 'identity');
    throw new RequestError(415, 'compressed bodies are not accepted', 'content-encoding');
  }
  const utf8 = new TextDecoder('utf-8', { fatal: true });
  let valid = true;
  // Sees every chunk the parser sees: both listen from the same tick, before the stream flows.
  const check = (chunk: Buffer) => {
    if (valid) {
      try {
        utf8.decode(chunk, { stream: true });
      } catch {
        valid = false;
      }
    }
  };
  ctx.req.on('data', check);
  try {
    await parser(ctx, async () => {
      ctx.req.off('data', check);
      try {
        utf8.decode(); // a sequence cut off at the end
      } catch {
        valid = false;
      }
      if (!valid) throw new RequestError(400, 'body must be UTF-8');
      return next();
    });
  } finally {
    ctx.req.off('data', check);
  }
}

/** Renders `err` as the error answer; returns whether it is the service's fault (to be logged). */
export function answerError(ctx: Koa.Context, err: unknown): boolean {
  const e = err as { status?: number; expose?: boolean; message: string; field?: string };
  ctx.status = e.status ?? 500;
  const body: ErrorBody = { error: e.expose ? e.message : 'internal error' };
  if (e.expose && e.field !== undefined) body.field = e.field;
  ctx.body = body;
  if (!ctx.req.complete) dropRestOfBody(ctx.req);
  return ctx.status >= 500;
}

/** How long a client may go on sending a body that was refused. */
const LINGER_MS = 2000;

/**
 * The rest of a refused body (too large, wrong type) is read and dropped, never kept: closing
 * the connection with bytes unread would make the kernel reset it, which can destroy the answer
 * before the client reads it. A client still sending after LINGER_MS is cut off.
 */
function dropRestOfBody(req: Koa.Context['req']): void {
  req.resume();
  const cutOff = setTimeout(() => req.socket.destroy(), LINGER_MS).unref();
  req.once('end', () => clearTimeout(cutOff));
}

/** Koa's own 404 (no route) and 405 (allowedMethods) have a text body: give them the JSON one. */
export function answerStatusAsJson(ctx: Koa.Context): void {
  if (ctx.status < 400 || ctx.body != null) return;
  const status = ctx.status;
  ctx.body = { error: ctx.message.toLowerCase() } satisfies ErrorBody;
  ctx.status = status; // setting a body on an unset status would make it 200
}

/** `Link: </notes?after=…>; rel="next"` (RFC 8288) when another page follows; the body stays an array. */
export function linkNextPage(ctx: Koa.Context, input: ListInput, next: number | undefined): void {
  if (next === undefined) return;
  const query = new URLSearchParams({ after: String(next), limit: String(input.limit) });
  if (input.tag !== undefined) query.set('tag', input.tag);
  ctx.set('Link', `<${ctx.path}?${query}>; rel="next"`);
}
