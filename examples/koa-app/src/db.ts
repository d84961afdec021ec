/**
 * The database: embedded PGlite (real Postgres in WASM) by default, or a real Postgres through
 * `pg` when DATABASE_URL is set. `query` is synchronized: handlers call it like a plain function;
 * `queryAsync` is the promise-returning form for async/await code.
 */
import { synchronize } from 'ts-greenlet';

export type Row = Record<string, unknown>;
type Runner = { query(sql: string, params?: unknown[]): Promise<{ rows: Row[] }>; close(): Promise<void> };

let runner: Runner | undefined;

export async function openDatabase(dataDir = process.env.DATA_DIR ?? 'memory://'): Promise<void> {
  if (process.env.DATABASE_URL) {
    const { Pool } = await import('pg');
    const pool = new Pool({ connectionString: process.env.DATABASE_URL });
    runner = { query: (sql, params) => pool.query(sql, params), close: () => pool.end() };
  } else {
    const { PGlite } = await import('@electric-sql/pglite');
    const db = await PGlite.create(dataDir);
    runner = { query: (sql, params) => db.query<Row>(sql, params), close: () => db.close() };
  }
  await runner.query(`create table if not exists notes (
    id serial primary key,
    title text not null,
    body text not null default '',
    tags text[] not null default '{}',
    created_at timestamptz not null default now()
  )`);
}

export async function closeDatabase(): Promise<void> {
  await runner?.close();
  runner = undefined;
}

/** Rows of `sql`; suspends the calling greenlet until Postgres answers. */
export const query = synchronize(async function query(sql: string, params: unknown[] = []): Promise<Row[]> {
  if (!runner) throw new Error('openDatabase() first');
  return (await runner.query(sql, params)).rows;
});

/** The same as a plain async function, for native async/await code (`async-app.ts`, the HTTP benchmark). */
export async function queryAsync(sql: string, params: unknown[] = []): Promise<Row[]> {
  if (!runner) throw new Error('openDatabase() first');
  return (await runner.query(sql, params)).rows;
}
