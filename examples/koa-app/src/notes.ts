/** The notes repository, in sync style: each function calls the synchronized `query`. */
import { query } from './db';
import type { ListInput, NewNote } from './schema';

export interface Note {
  id: number;
  title: string;
  body: string;
  tags: string[];
}

/** One page of notes in id order; `next` is the cursor (`?after=`) of the next page, if there is one. */
export interface Page {
  notes: Note[];
  next?: number;
}

export function toNote(row: Record<string, unknown>): Note {
  return { id: Number(row.id), title: String(row.title), body: String(row.body), tags: row.tags as string[] };
}

/** The SQL of a page: one row more than asked for tells whether another page follows. */
export const PAGE_SQL =
  'select * from notes where id > $1 and ($2::text is null or $2 = any(tags)) order by id limit $3';

export function toPage(rows: Record<string, unknown>[], limit: number): Page {
  const notes = rows.slice(0, limit).map(toNote);
  return rows.length > limit ? { notes, next: notes[notes.length - 1].id } : { notes };
}

export function listNotes({ tag, after, limit }: ListInput): Page {
  return toPage(query(PAGE_SQL, [after, tag ?? null, limit + 1]), limit);
}

export function findNote(id: number): Note | undefined {
  const [row] = query('select * from notes where id = $1', [id]);
  return row ? toNote(row) : undefined;
}

export function createNote(n: NewNote): Note {
  const [row] = query('insert into notes (title, body, tags) values ($1, $2, $3) returning *', [
    n.title,
    n.body,
    n.tags,
  ]);
  return toNote(row);
}

export function deleteNote(id: number): boolean {
  return query('delete from notes where id = $1 returning id', [id]).length > 0;
}
