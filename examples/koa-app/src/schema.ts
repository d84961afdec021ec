/**
 * The edge: one small schema per route, checked before anything reaches the database, and one
 * error shape for every refusal, `{ error, field }` (`field` names the parameter, query
 * parameter, header or body property at fault, when one is). Whatever Postgres would reject
 * (ids beyond int4, NUL in text) is refused here as a 4xx, so a database error is always a 500
 * that means a bug or an outage, never bad input.
 */
import type { ParsedUrlQuery } from 'node:querystring';
import { limits } from './limits';

/** A refused request: Koa answers `status`; the message is safe to show (`expose`). */
export class RequestError extends Error {
  readonly expose = true;
  constructor(
    readonly status: number,
    message: string,
    readonly field?: string,
  ) {
    super(message);
  }
}

/** The JSON of every error answer. */
export interface ErrorBody {
  error: string;
  field?: string;
}

export interface NewNote {
  title: string;
  body: string;
  tags: string[];
}

export interface ListInput {
  tag?: string;
  /** Notes with ids above this one (0: from the start). */
  after: number;
  limit: number;
}

/** The parts of a Koa context the schemas read (a router context has them all). */
interface Request {
  params: Record<string, string>;
  query: ParsedUrlQuery;
  is(type: string): string | false | null;
  request: { body?: unknown };
}

// Number() would also take '1e3', '0x10', ' 7', '7.0' and '': ids are plain decimal digits.
const POSITIVE = /^[1-9][0-9]*$/;
const NON_NEGATIVE = /^(0|[1-9][0-9]*)$/;
// Postgres text cannot hold NUL; a lone surrogate is not Unicode (the driver would turn it into U+FFFD).
const NOT_STORABLE = /\0|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

function text(value: unknown, field: string, max: number, what = `${field} must be a string`): string {
  if (typeof value !== 'string') throw new RequestError(400, what, field);
  if (value.length > max) throw new RequestError(400, `${field} must be at most ${max} characters`, field);
  if (NOT_STORABLE.test(value))
    throw new RequestError(400, `${field} must be Unicode text without NUL characters`, field);
  return value;
}

/** One value of a query parameter: `?tag=a&tag=b` is refused rather than silently narrowed. */
function single(query: ParsedUrlQuery, field: string): string | undefined {
  const value = query[field];
  if (Array.isArray(value)) throw new RequestError(400, `${field} must be given at most once`, field);
  return value;
}

/** `GET|DELETE /notes/:id`. An id too large for int4 names no note: 404, as for any absent note. */
export function noteIdInput(ctx: Request): number {
  const param = ctx.params.id;
  if (!POSITIVE.test(param)) throw new RequestError(400, 'id must be a positive decimal integer', 'id');
  const id = Number(param);
  if (id > limits.idMax) throw new RequestError(404, 'no such note');
  return id;
}

/** `GET /notes?tag=&after=&limit=`. */
export function listInput(ctx: Request): ListInput {
  const tag = single(ctx.query, 'tag');
  const after = single(ctx.query, 'after');
  const limit = single(ctx.query, 'limit');
  if (after !== undefined && !NON_NEGATIVE.test(after)) throw new RequestError(400, 'after must be a note id', 'after');
  if (limit !== undefined && !(POSITIVE.test(limit) && Number(limit) <= limits.pageMax)) {
    throw new RequestError(400, `limit must be an integer from 1 to ${limits.pageMax}`, 'limit');
  }
  return {
    tag: tag === undefined || tag === '' ? undefined : text(tag, 'tag', limits.tagMax), // `?tag=` never filtered
    // Nothing lies above the largest id: clamping keeps the answer (an empty page) and Postgres' int4 range.
    after: after === undefined ? 0 : Math.min(Number(after), limits.idMax),
    limit: limit === undefined ? limits.pageDefault : Number(limit),
  };
}

const NOTE_FIELDS = new Set(['title', 'body', 'tags']);

/** `POST /notes`: a JSON object `{ title, body?, tags? }` and nothing else. */
export function newNoteInput(ctx: Request): NewNote {
  // The body parser reads JSON only; anything else arrives here unread.
  if (!ctx.is('application/json')) throw new RequestError(415, 'body must be application/json', 'content-type');
  const input = ctx.request.body;
  if (typeof input !== 'object' || input === null || Array.isArray(input))
    throw new RequestError(400, 'body must be a JSON object');
  for (const key of Object.keys(input)) {
    if (!NOTE_FIELDS.has(key)) throw new RequestError(400, 'unknown field: a note has title, body and tags', key);
  }
  const { title, body = '', tags = [] } = input as Record<string, unknown>;
  const trimmed = text(title, 'title', limits.titleMax, 'title must be a non-empty string').trim();
  if (trimmed === '') throw new RequestError(400, 'title must be a non-empty string', 'title');
  if (!Array.isArray(tags)) throw new RequestError(400, 'tags must be an array of strings', 'tags');
  if (tags.length > limits.tagsMax)
    throw new RequestError(400, `tags must have at most ${limits.tagsMax} entries`, 'tags');
  return {
    title: trimmed,
    body: text(body, 'body', limits.bodyMax),
    tags: tags.map((t) => text(t, 'tags', limits.tagMax, 'tags must be an array of strings')),
  };
}
