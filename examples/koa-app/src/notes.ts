/** The notes repository, in sync style: each function calls the synchronized `query`. */
import { query } from './db';

export interface Note {
  id: number;
  title: string;
  body: string;
  tags: string[];
}

export class ValidationError extends Error {
  status = 400;
  expose = true;
}

function toNote(row: Record<string, unknown>): Note {
  return { id: Number(row.id), title: String(row.title), body: String(row.body), tags: row.tags as string[] };
}

export function listNotes(tag?: string): Note[] {
  const rows = tag ? query('select * from notes where $1 = any(tags) order by id', [tag]) : query('select * from notes order by id');
  return rows.map(toNote);
}

export function findNote(id: number): Note | undefined {
  const [row] = query('select * from notes where id = $1', [id]);
  return row ? toNote(row) : undefined;
}

/** Checks an untrusted body and says exactly what is wrong. */
export function validate(input: unknown): Omit<Note, 'id'> {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) throw new ValidationError('body must be a JSON object');
  const { title, body = '', tags = [] } = input as Record<string, unknown>;
  if (typeof title !== 'string' || title.trim() === '') throw new ValidationError('title must be a non-empty string');
  if (typeof body !== 'string') throw new ValidationError('body must be a string');
  if (!Array.isArray(tags) || !tags.every((t) => typeof t === 'string')) throw new ValidationError('tags must be an array of strings');
  return { title: title.trim(), body, tags: tags as string[] };
}

export function createNote(input: unknown): Note {
  const n = validate(input);
  const [row] = query('insert into notes (title, body, tags) values ($1, $2, $3) returning *', [n.title, n.body, n.tags]);
  return toNote(row);
}

export function deleteNote(id: number): boolean {
  return query('delete from notes where id = $1 returning id', [id]).length > 0;
}
