/**
 * The project `compile.ts` builds: 1,000 TypeScript files with a realistic mix (generic utilities,
 * models, plain modules and object literals, service classes, async API clients), a tenth of it
 * coloured, written to a temp directory with a `tsc` and a `tspc` tsconfig. `Plan` counts the
 * twins the transform must make, which `compile.ts` checks the output against.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const repo = path.resolve(__dirname, '../..');

// ---------------------------------------------------------------------------------------------
// The generated project
// ---------------------------------------------------------------------------------------------

const COUNTS = {
  lib: 60, // types, base, http + 57 utility modules
  model: 150,
  plain: 300,
  service: 300,
  api: 90,
  db: 5,
  repo: 30,
  svc: 40,
  flow: 24,
  main: 1,
};
const UTILS = COUNTS.lib - 3;
const WORDS = [
  'order',
  'invoice',
  'product',
  'account',
  'payment',
  'shipment',
  'review',
  'cart',
  'coupon',
  'ticket',
  'report',
  'session',
  'team',
  'project',
  'task',
  'comment',
  'vendor',
  'warehouse',
  'customer',
  'contract',
  'budget',
  'asset',
  'license',
  'device',
  'booking',
];

const cap = (s: string) => s[0].toUpperCase() + s.slice(1);
/** Model `i`: entity type name and lower-case stem (`Order3`, `order3`). */
const model = (i: number) => {
  const w = WORDS[i % WORDS.length];
  const n = Math.floor(i / WORDS.length);
  return { A: `${cap(w)}${n}`, a: `${w}${n}`, file: `../model/m${i}` };
};

/** Twins the transform must emit, tallied as the generator writes coloured functions. */
export interface Plan {
  declarations: number; // `function f` → runPlain + setTwin
  privateMethods: number; // `#m()` → runPlain, no setTwin
  arrows: number; // `(...) => ...` → arrowTwin
  methods: number; // class / object literal methods → methodTwins entries
  names: Set<string>; // functionName() of each, for comparing with the analysis
}

function generate(dir: string): { plan: Plan; files: number; lines: number; colouredFiles: Set<string> } {
  const plan: Plan = { declarations: 0, privateMethods: 0, arrows: 0, methods: 0, names: new Set() };
  const colouredFiles = new Set<string>();
  let files = 0;
  let lines = 0;
  const write = (rel: string, text: string, coloured = false) => {
    const full = path.join(dir, 'src', rel);
    fs.mkdirSync(path.dirname(full), { recursive: true });
    fs.writeFileSync(full, text.replace(/^\n/, ''));
    files++;
    lines += text.split('\n').length;
    if (coloured) colouredFiles.add(rel.replace(/\.ts$/, '.js'));
  };
  const decl = (name: string) => (plan.declarations++, plan.names.add(name));
  const priv = (name: string) => (plan.privateMethods++, plan.names.add(name));
  const arrow = (name: string) => (plan.arrows++, plan.names.add(name));
  const method = (name: string) => (plan.methods++, plan.names.add(name));

  // --- lib: shared types, an abstract base class, an HTTP interface, generic utilities -------
  write(
    'lib/types.ts',
    `
export type Id = number;
export type Timestamp = number & { readonly __brand: 'Timestamp' };
export type Result<T, E = Error> = { ok: true; value: T } | { ok: false; error: E };
export interface Page<T> {
  items: T[];
  total: number;
  next?: string;
}
export type Mutable<T> = { -readonly [K in keyof T]: T[K] };
export type KeysOfType<T, V> = { [K in keyof T]: T[K] extends V ? K : never }[keyof T];
export function now(): Timestamp {
  return Date.now() as Timestamp;
}
export function isOk<T, E>(r: Result<T, E>): r is { ok: true; value: T } {
  return r.ok;
}
`,
  );
  write(
    'lib/base.ts',
    `
import { now, type Timestamp } from './types';

export interface LogEntry {
  op: string;
  id: number;
  at: Timestamp;
}

export abstract class BaseService<T extends { id: number }> {
  readonly #log: LogEntry[] = [];
  protected constructor(protected readonly serviceName: string) {}

  abstract find(id: number): T | undefined;
  abstract list(): T[];

  protected log(op: string, id: number): void {
    this.#log.push({ op, id, at: now() });
    if (this.#log.length > 1000) this.#log.shift();
  }

  history(): readonly LogEntry[] {
    return this.#log;
  }

  count(): number {
    return this.list().length;
  }

  toString(): string {
    return \`\${this.serviceName} (\${this.count()} items)\`;
  }
}
`,
  );
  write(
    'lib/http.ts',
    `
export interface Http {
  get(url: string): Promise<unknown>;
  post(url: string, body: unknown): Promise<unknown>;
}

export class MemoryHttp implements Http {
  readonly #routes = new Map<string, unknown>();
  async get(url: string): Promise<unknown> {
    return this.#routes.get(url);
  }
  async post(url: string, body: unknown): Promise<unknown> {
    this.#routes.set(url, body);
    return { ok: true, url };
  }
}

export function createHttp(seed: Record<string, unknown> = {}): Http {
  const http = new MemoryHttp();
  for (const [url, body] of Object.entries(seed)) void http.post(url, body);
  return http;
}
`,
  );
  for (let u = 0; u < UTILS; u++) {
    const extras: string[] = [];
    if (u % 2 === 0)
      extras.push(`
export function pick${u}<T extends object, K extends keyof T>(o: T, ...keys: K[]): Pick<T, K> {
  const out = {} as Pick<T, K>;
  for (const k of keys) out[k] = o[k];
  return out;
}

export function uniqueBy${u}<T>(items: Iterable<T>, key: (item: T) => unknown): T[] {
  const seen = new Set<unknown>();
  const out: T[] = [];
  for (const item of items) {
    const k = key(item);
    if (!seen.has(k)) {
      seen.add(k);
      out.push(item);
    }
  }
  return out;
}
`);
    if (u % 3 === 0)
      extras.push(`
export type DeepReadonly${u}<T> = T extends (infer E)[]
  ? ReadonlyArray<DeepReadonly${u}<E>>
  : T extends object
    ? { readonly [K in keyof T]: DeepReadonly${u}<T[K]> }
    : T;

export function deepFreeze${u}<T>(o: T): DeepReadonly${u}<T> {
  if (o && typeof o === 'object') {
    Object.freeze(o);
    for (const v of Object.values(o)) deepFreeze${u}(v);
  }
  return o as DeepReadonly${u}<T>;
}
`);
    if (u % 4 === 1)
      extras.push(`
export class EventBus${u}<Events extends Record<string, unknown[]>> {
  #handlers: { [E in keyof Events]?: Array<(...args: Events[E]) => void> } = {};

  on<E extends keyof Events>(event: E, handler: (...args: Events[E]) => void): () => void {
    const list = (this.#handlers[event] ??= []);
    list.push(handler);
    return () => {
      const i = list.indexOf(handler);
      if (i >= 0) list.splice(i, 1);
    };
  }

  emit<E extends keyof Events>(event: E, ...args: Events[E]): number {
    const list = this.#handlers[event] ?? [];
    for (const h of list) h(...args);
    return list.length;
  }
}
`);
    if (u % 5 === 2)
      extras.push(`
export function sumBy${u}<T>(items: readonly T[], f: (item: T) => number): number {
  let s = 0;
  for (const item of items) s += f(item);
  return s;
}

export function range${u}(start: number, end: number, step = 1): number[] {
  const out: number[] = [];
  for (let i = start; step > 0 ? i < end : i > end; i += step) out.push(i);
  return out;
}
`);
    write(
      `lib/util${u}.ts`,
      `
import type { Result } from './types';

export function groupBy${u}<T, K extends PropertyKey>(items: readonly T[], key: (item: T) => K): Partial<Record<K, T[]>> {
  const out: Partial<Record<K, T[]>> = {};
  for (const item of items) {
    const k = key(item);
    (out[k] ??= []).push(item);
  }
  return out;
}

export function mapValues${u}<T, U>(o: Readonly<Record<string, T>>, f: (value: T, key: string) => U): Record<string, U> {
  const out: Record<string, U> = {};
  for (const [k, v] of Object.entries(o)) out[k] = f(v, k);
  return out;
}

export function clamp${u}(n: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, n));
}

export function memoize${u}<A extends unknown[], R>(fn: (...args: A) => R): (...args: A) => R {
  const cache = new Map<string, R>();
  return (...args: A): R => {
    const key = JSON.stringify(args);
    const hit = cache.get(key);
    if (hit !== undefined) return hit;
    const value = fn(...args);
    cache.set(key, value);
    return value;
  };
}

export function chunk${u}<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

export function tryCatch${u}<T>(f: () => T): Result<T, Error> {
  try {
    return { ok: true, value: f() };
  } catch (e) {
    return { ok: false, error: e instanceof Error ? e : new Error(String(e)) };
  }
}

export class Lru${u}<K, V> {
  readonly #map = new Map<K, V>();
  constructor(private readonly capacity: number) {}

  get(key: K): V | undefined {
    const v = this.#map.get(key);
    if (v !== undefined) {
      this.#map.delete(key);
      this.#map.set(key, v);
    }
    return v;
  }

  set(key: K, value: V): this {
    this.#map.delete(key);
    this.#map.set(key, value);
    if (this.#map.size > this.capacity) {
      const oldest = this.#map.keys().next();
      if (!oldest.done) this.#map.delete(oldest.value);
    }
    return this;
  }

  has(key: K): boolean {
    return this.#map.has(key);
  }

  get size(): number {
    return this.#map.size;
  }
}
${extras.join('')}`,
    );
  }

  // --- models: interfaces, unions, const objects, type guards ----------------------------------
  // Entities differ in shape (a field of their own, and some optional ones), as real ones do.
  const OPTIONAL = [
    'priority?: number;',
    'dueAt?: Timestamp;',
    "region?: 'eu' | 'us' | 'apac';",
    'approvedBy?: string;',
    'weight?: number;',
    "currency?: 'USD' | 'EUR';",
    'parentId?: Id;',
    'version?: number;',
  ];
  for (let i = 0; i < COUNTS.model; i++) {
    const { A, a } = model(i);
    const own = OPTIONAL.filter((_, b) => (i * 37 + 11) & (1 << b))
      .map((f) => `\n  ${f}`)
      .join('');
    write(
      `model/m${i}.ts`,
      `
import { now, type Id, type Timestamp } from '../lib/types';

export type ${A}Status = 'draft' | 'active' | 'archived';
export const ${A}Status = { Draft: 'draft', Active: 'active', Archived: 'archived' } as const;

export interface ${A}Line {
  sku: string;
  quantity: number;
  unitPrice: number;
}

export interface ${A} {
  id: Id;
  createdAt: Timestamp;
  status: ${A}Status;
  owner: string;
  amount: number;
  lines: ${A}Line[];
  ${a}Ref: string;
  tags?: string[];
  meta?: Record<string, string>;${own}
}

export type ${A}Event =
  | { type: 'created'; at: Timestamp; entity: ${A} }
  | { type: 'updated'; at: Timestamp; changes: Partial<${A}> }
  | { type: 'deleted'; at: Timestamp; id: Id };

export function is${A}(x: unknown): x is ${A} {
  return typeof x === 'object' && x !== null && 'id' in x && 'status' in x && 'lines' in x;
}

export function ${a}Total(e: Pick<${A}, 'lines'>): number {
  return e.lines.reduce((sum, l) => sum + l.quantity * l.unitPrice, 0);
}

export function describe${A}Event(ev: ${A}Event): string {
  switch (ev.type) {
    case 'created':
      return \`created \${ev.entity.id} at \${ev.at}\`;
    case 'updated':
      return \`updated \${Object.keys(ev.changes).join(', ')}\`;
    case 'deleted':
      return \`deleted \${ev.id}\`;
  }
}

export function make${A}(id: Id, owner: string, lines: ${A}Line[] = []): ${A} {
  const e: ${A} = { id, createdAt: now(), status: ${A}Status.Draft, owner, amount: 0, lines, ${a}Ref: \`${a.toUpperCase()}-\${id}\` };
  e.amount = ${a}Total(e);
  return e;
}
`,
    );
  }

  // --- plain modules: functions, arrows, object literals, generic helpers ---------------------
  for (let k = 0; k < COUNTS.plain; k++) {
    const ia = k % COUNTS.model;
    const ib = (k * 7 + 3) % COUNTS.model;
    const { A, a } = model(ia);
    const { A: B } = model(ib);
    const u1 = k % UTILS;
    const u2 = (k * 3 + 1) % UTILS;
    const prev = k % 10 !== 0;
    const importsB = `import { describe${B}Event, type ${B}Event } from '../model/m${ib}';\n`; // ib !== ia: 6k + 3 is odd
    const extra =
      k % 3 === 0
        ? `
export function diff${k}(before: ${A}, after: ${A}): Array<keyof ${A}> {
  const keys = Object.keys(after) as Array<keyof ${A}>;
  return keys.filter((key) => JSON.stringify(before[key]) !== JSON.stringify(after[key]));
}

export function page${k}(items: readonly ${A}[], size: number, cursor?: string): Page<${A}> {
  const start = cursor ? Number(cursor) : 0;
  const slice = items.slice(start, start + size);
  const next = start + size < items.length ? String(start + size) : undefined;
  return { items: slice, total: items.length, next };
}
`
        : k % 3 === 1
          ? `
export class Builder${k} {
  #lines: ${A}['lines'] = [];
  #owner = 'nobody';
  owner(name: string): this {
    this.#owner = name;
    return this;
  }
  line(sku: string, quantity: number, unitPrice: number): this {
    this.#lines.push({ sku, quantity, unitPrice });
    return this;
  }
  build(id: number): ${A} {
    return make${A}(id, this.#owner, [...this.#lines]);
  }
}
`
          : `
export const enum Level${k} {
  Low = 1,
  Medium = 5,
  High = 10,
}

export function level${k}(e: ${A}): Level${k} {
  const total = ${a}Total(e);
  return total > 1000 ? Level${k}.High : total > 100 ? Level${k}.Medium : Level${k}.Low;
}
`;
    write(
      `plain/p${k}.ts`,
      `
import { ${A}, ${a}Total, is${A}, make${A} } from '../model/m${ia}';
${importsB}import { groupBy${u1}, clamp${u1}, memoize${u1} } from '../lib/util${u1}';
import { chunk${u2}, mapValues${u2}, tryCatch${u2} } from '../lib/util${u2}';
import type { Page, Result } from '../lib/types';
${prev ? `import { format${k - 1} } from './p${k - 1}';\n` : ''}
export interface Stats${k} {
  count: number;
  total: number;
  average: number;
  byStatus: Record<string, number>;
}

export function stats${k}(items: readonly ${A}[]): Stats${k} {
  const groups = groupBy${u1}(items, (e) => e.status);
  const byStatus: Record<string, number> = {};
  for (const [status, list] of Object.entries(groups)) byStatus[status] = list?.length ?? 0;
  const total = items.reduce((s, e) => s + ${a}Total(e), 0);
  return { count: items.length, total, average: items.length ? total / items.length : 0, byStatus };
}

export const normalise${k} = (value: number, min = 0, max = 100): number => clamp${u1}(Math.round(value * 100) / 100, min, max);

export const format${k} = {
  currency(n: number): string {
    return \`$\${n.toFixed(2)}\`;
  },
  percent(n: number): string {
    return \`\${normalise${k}(n * 100)}%\`;
  },
  label(e: ${A}): string {
    return \`\${e.owner}#\${e.id} (\${e.status})\`;
  },
};

const labelled${k} = memoize${u1}((name: string, count: number): string => \`\${name}: \${count}\`);

export function report${k}(items: readonly ${A}[], events: readonly ${B}Event[]): string[] {
  const s = stats${k}(items);
  const lines = [labelled${k}('total', s.count), format${k}.currency(s.total), format${k}.percent(s.average / 1000)];
  for (const batch of chunk${u2}(events, 10)) lines.push(batch.map(describe${B}Event).join('; '));
${prev ? `  lines.push(format${k - 1}.currency(s.average));\n` : ''}  return lines;
}

export const summarise${k} = (items: readonly ${A}[]): string => {
  const s = stats${k}(items);
  return \`\${s.count} ${a}, \${format${k}.currency(s.total)}\`;
};

export function parse${k}(input: unknown): Result<${A}, Error> {
  return tryCatch${u2}(() => {
    if (!is${A}(input)) throw new TypeError('not a ${A}');
    return input;
  });
}

function weight${k}(e: ${A}): number {
  switch (e.status) {
    case 'active':
      return 3 + e.lines.length;
    case 'draft':
      return 1;
    default:
      return 0;
  }
}

export function rank${k}(items: readonly ${A}[], limit = 10): ${A}[] {
  return [...items].sort((x, y) => weight${k}(y) - weight${k}(x) || x.id - y.id).slice(0, limit);
}

export function totalsByOwner${k}(items: readonly ${A}[]): Record<string, number> {
  const byOwner = groupBy${u1}(items, (e) => e.owner) as Record<string, ${A}[]>;
  return mapValues${u2}(byOwner, (list) => list.reduce((s, e) => s + e.amount, 0));
}

export function sample${k}(n: number): ${A}[] {
  const out: ${A}[] = [];
  for (let i = 1; i <= n; i++) out.push(make${A}(i, i % 2 ? 'ann' : 'bob', [{ sku: \`sku-\${i}\`, quantity: i, unitPrice: 9.5 }]));
  return out;
}
${extra}`,
    );
  }

  // --- services: classes over an abstract base, private state, static factories ----------------
  for (let k = 0; k < COUNTS.service; k++) {
    const ia = k % COUNTS.model;
    const { A } = model(ia);
    const u = k % UTILS;
    write(
      `services/s${k}.ts`,
      `
import { BaseService } from '../lib/base';
import { ${A}, ${A}Status, is${A}, make${A} } from '../model/m${ia}';
import { Lru${u} } from '../lib/util${u}';
import { rank${k}, summarise${k} } from '../plain/p${k}';

export interface ${A}Query${k} {
  status?: ${A}Status;
  minAmount?: number;
  owner?: string;
  limit?: number;
}

export class ${A}Service${k} extends BaseService<${A}> {
  readonly #cache = new Lru${u}<number, ${A}>(256);
  private readonly items: ${A}[] = [];
  private nextId = 1;

  constructor(private readonly name: string) {
    super(name);
  }

  find(id: number): ${A} | undefined {
    const hit = this.#cache.get(id);
    if (hit) return hit;
    const found = this.items.find((e) => e.id === id);
    if (found) this.#cache.set(id, found);
    return found;
  }

  list(q: ${A}Query${k} = {}): ${A}[] {
    const out = this.items.filter(
      (e) => (q.status === undefined || e.status === q.status) && e.amount >= (q.minAmount ?? 0) && (q.owner === undefined || e.owner === q.owner),
    );
    return rank${k}(out, q.limit ?? out.length);
  }

  create(owner: string): ${A} {
    const e = make${A}(this.nextId++, owner);
    this.items.push(e);
    this.log('create', e.id);
    return e;
  }

  update(id: number, patch: Partial<Omit<${A}, 'id'>>): ${A} {
    const e = this.find(id);
    if (!e) throw new Error(\`\${this.name}: no ${A} \${id}\`);
    const next: unknown = { ...e, ...patch };
    this.check(next);
    Object.assign(e, next);
    this.log('update', id);
    return e;
  }

  remove(id: number): boolean {
    const i = this.items.findIndex((e) => e.id === id);
    if (i < 0) return false;
    this.items.splice(i, 1);
    this.log('remove', id);
    return true;
  }

  protected check(e: unknown): asserts e is ${A} {
    if (!is${A}(e)) throw new TypeError(\`\${this.name}: invalid ${A}\`);
  }

  summary(): string {
    return summarise${k}(this.items);
  }

  static named${k}(name: string): ${A}Service${k} {
    return new ${A}Service${k}(name);
  }
}
`,
    );
  }

  // --- async API clients ------------------------------------------------------------------------
  for (let k = 0; k < COUNTS.api; k++) {
    const s = (k * 3) % COUNTS.service;
    const ia = s % COUNTS.model;
    const { A, a } = model(ia);
    const u = (k * 5 + 2) % UTILS;
    write(
      `api/a${k}.ts`,
      `
import type { Http } from '../lib/http';
import { ${A}, is${A} } from '../model/m${ia}';
import { ${A}Service${s} } from '../services/s${s}';
import { chunk${u} } from '../lib/util${u}';

export interface Sync${k}Result {
  fetched: number;
  failed: number[];
  tookMs: number;
}

export async function fetch${A}${k}(http: Http, id: number): Promise<${A} | undefined> {
  const body = await http.get(\`/api/${a}/\${id}\`);
  return is${A}(body) ? body : undefined;
}

export async function sync${k}(http: Http, service: ${A}Service${s}, ids: readonly number[]): Promise<Sync${k}Result> {
  const started = Date.now();
  const failed: number[] = [];
  let fetched = 0;
  for (const batch of chunk${u}(ids, 8)) {
    const results = await Promise.all(batch.map((id) => fetch${A}${k}(http, id)));
    results.forEach((r, i) => {
      if (r) {
        service.update(r.id, r);
        fetched++;
      } else failed.push(batch[i]);
    });
  }
  return { fetched, failed, tookMs: Date.now() - started };
}

export const retry${k} = async <T>(f: () => Promise<T>, attempts = 3): Promise<T> => {
  let last: unknown;
  for (let i = 0; i < attempts; i++) {
    try {
      return await f();
    } catch (e) {
      last = e;
      await new Promise((resolve) => setTimeout(resolve, 10 * 2 ** i));
    }
  }
  throw last;
};

export async function push${k}(http: Http, service: ${A}Service${s}): Promise<number> {
  let n = 0;
  for (const e of service.list({ status: 'active' })) {
    await retry${k}(() => http.post(\`/api/${a}/\${e.id}\`, e));
    n++;
  }
  return n;
}
`,
    );
  }

  // --- coloured: synchronized functions -------------------------------------------------------
  for (let d = 0; d < COUNTS.db; d++) {
    write(
      `coloured/db${d}.ts`,
      `
import { synchronize } from 'ts-greenlet';

export interface Row${d} {
  id: number;
  [column: string]: unknown;
}

const latency${d} = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

export const query${d} = synchronize(async (sql: string, params: readonly unknown[] = []): Promise<Row${d}[]> => {
  await latency${d}();
  const id = typeof params[0] === 'number' ? params[0] : 1;
  return [{ id, name: \`\${/from (\\S+)/.exec(sql)?.[1] ?? 'row'}-\${id}\`, price: id * 10 }];
});

export const execute${d} = synchronize(async (sql: string, params: readonly unknown[]): Promise<number> => {
  await latency${d}();
  return sql.length > 0 ? params.length : 0;
});

export const fetchText${d} = synchronize(async (url: string): Promise<string> => {
  await latency${d}();
  return \`GET \${url}\`;
});

export function queryOne${d}(sql: string, id: number): Row${d} | undefined {
  return query${d}(sql, [id])[0];
}

export function placeholders${d}(n: number): string {
  return Array.from({ length: n }, () => '?').join(', ');
}
`,
      true,
    );
    decl(`queryOne${d}`);
  }

  // --- coloured: repositories (methods, #private methods, declarations, arrows) ---------------
  for (let k = 0; k < COUNTS.repo; k++) {
    const d = k % COUNTS.db;
    const ia = (k * 5 + 2) % COUNTS.model;
    const { A, a } = model(ia);
    write(
      `coloured/repo${k}.ts`,
      `
import { execute${d}, fetchText${d}, placeholders${d}, query${d}, queryOne${d}, type Row${d} } from './db${d}';
import type { ${A} } from '../model/m${ia}';

export interface ${A}Record${k} {
  id: number;
  name: string;
  price: number;
  status?: ${A}['status'];
}

function toRecord${k}(row: Row${d}): ${A}Record${k} {
  return { id: row.id, name: String(row['name'] ?? ''), price: Number(row['price'] ?? 0) };
}

export class ${A}Repo${k} {
  readonly #table = '${a}_${k}';
  constructor(private readonly schema: string) {}

  find(id: number): ${A}Record${k} | undefined {
    const row = queryOne${d}(\`select * from \${this.schema}.\${this.#table} where id = ?\`, id);
    return row && toRecord${k}(row);
  }

  list(limit = 20): ${A}Record${k}[] {
    return this.#rows(limit).map(toRecord${k});
  }

  save(r: ${A}Record${k}): boolean {
    return execute${d}(\`insert into \${this.#table} values (\${placeholders${d}(3)})\`, [r.id, r.name, r.price]) > 0;
  }

  refresh(id: number): string {
    return fetchText${d}(\`https://example.test/\${this.#table}/\${id}\`);
  }

  #rows(limit: number): Row${d}[] {
    return query${d}(\`select * from \${this.schema}.\${this.#table}\`).slice(0, limit);
  }

  describe(): string {
    return \`\${this.schema}.\${this.#table}\`;
  }
}

export function load${k}(id: number): ${A}Record${k} {
  const r = new ${A}Repo${k}('main').find(id);
  if (!r) throw new Error(\`${A} \${id} not found\`);
  return r;
}

export const loadMany${k} = (ids: readonly number[]): ${A}Record${k}[] => {
  const out: ${A}Record${k}[] = [];
  for (const id of ids) out.push(load${k}(id));
  return out;
};
`,
      true,
    );
    for (const m of ['find', 'list', 'save', 'refresh']) method(`${A}Repo${k}.${m}`);
    priv(`${A}Repo${k}.#rows`);
    decl(`load${k}`);
    arrow(`loadMany${k}`);
  }

  // --- coloured: services chaining across modules ---------------------------------------------
  for (let k = 0; k < COUNTS.svc; k++) {
    const r = k % COUNTS.repo;
    const { A: Ar } = model((r * 5 + 2) % COUNTS.model);
    const p = (k * 7) % COUNTS.plain;
    const prev = k % 5 !== 0; // chains of five modules: svc5n+4 → ... → svc5n → repo → db
    write(
      `coloured/svc${k}.ts`,
      `
import { load${r}, loadMany${r}, ${Ar}Repo${r}, type ${Ar}Record${r} } from './repo${r}';
import { format${p} } from '../plain/p${p}';
${prev ? `import { summary${k - 1} } from './svc${k - 1}';\n` : ''}
export interface Summary${k} {
  id: number;
  title: string;
  total: number;
  parts: string[];
}

export function summary${k}(id: number): Summary${k} {
  const rec = load${r}(id);
  const parts = [format${p}.currency(rec.price)];
${prev ? `  parts.push(...summary${k - 1}(id).parts);\n` : ''}  return { id, title: rec.name, total: rec.price, parts };
}

function subtotal${k}(ids: number[]): number {
  return loadMany${r}(ids).reduce((s, rec) => s + rec.price, 0);
}

export const total${k} = (ids: number[]): number => Math.round(subtotal${k}(ids) * 1.2 * 100) / 100;

export const handlers${k} = {
  show(id: number): Summary${k} {
    return summary${k}(id);
  },
  totals(ids: number[]): number {
    return total${k}(ids);
  },
  version(): string {
    return 'svc${k}/1';
  },
};

export class Controller${k} {
  constructor(private readonly repo: ${Ar}Repo${r}) {}

  get(id: number): string {
    return this.render(this.repo.find(id));
  }

  private render(rec: ${Ar}Record${r} | undefined): string {
    return rec ? \`\${rec.id}:\${rec.name}\` : 'not found';
  }

  static of(schema: string): Controller${k} {
    return new Controller${k}(new ${Ar}Repo${r}(schema));
  }
}
`,
      true,
    );
    decl(`summary${k}`);
    decl(`subtotal${k}`);
    arrow(`total${k}`);
    method('show');
    method('totals');
    method(`Controller${k}.get`);
  }

  // --- coloured: flows (interface dispatch, function values, awaitSync, greenlets, async) ------
  for (let k = 0; k < COUNTS.flow; k++) {
    const s = (k * 3 + 1) % COUNTS.svc;
    const r = k % COUNTS.repo;
    write(
      `coloured/flow${k}.ts`,
      `
import { awaitSync, spawnGreenlet } from 'ts-greenlet';
import { handlers${s}, summary${s}, total${s}, type Summary${s} } from './svc${s}';
import { load${r} } from './repo${r}';

export interface Loader${k}<T> {
  load(id: number): T;
}

export class RepoLoader${k} implements Loader${k}<string> {
  load(id: number): string {
    return load${r}(id).name;
  }
}

export class StaticLoader${k} implements Loader${k}<string> {
  constructor(private readonly prefix = 'static') {}
  load(id: number): string {
    return \`\${this.prefix}-\${id}\`;
  }
}

export function loadAll${k}(loaders: readonly Loader${k}<string>[], id: number): string[] {
  const out: string[] = [];
  for (const loader of loaders) out.push(loader.load(id));
  return out;
}

export function pipeline${k}(ids: number[]): number {
  const steps: Array<(id: number) => Summary${s}> = [summary${s}, handlers${s}.show];
  let n = 0;
  for (const id of ids) for (const step of steps) n += step(id).total;
  return n;
}

export function waitFor${k}(ms: number): number {
  return awaitSync(new Promise<number>((resolve) => setTimeout(() => resolve(ms), ms)));
}

export async function report${k}(ids: number[]): Promise<string> {
  const t = total${s}(ids);
  const names = loadAll${k}([new RepoLoader${k}(), new StaticLoader${k}()], ids[0] ?? 1);
  return \`\${names.join(',')}: \${t}\`;
}

export function start${k}(ids: number[]): Promise<number> {
  return spawnGreenlet(pipeline${k}, ids);
}

export const job${k} = (): Promise<number> => spawnGreenlet(() => waitFor${k}(1) + pipeline${k}([1, 2]));
`,
      true,
    );
    method(`RepoLoader${k}.load`);
    decl(`loadAll${k}`);
    decl(`pipeline${k}`);
    decl(`waitFor${k}`);
    arrow('<anonymous>'); // the arrow handed to spawnGreenlet in job${k}
  }

  // --- main: runs a greenlet through the chains, so the built output is exercised -------------
  write(
    'main.ts',
    `
import { spawnGreenlet } from 'ts-greenlet';
import { job0, pipeline0, report0 } from './coloured/flow0';
import { handlers1 } from './coloured/svc1';

spawnGreenlet(() => pipeline0([1, 2, 3]) + handlers1.totals([4, 5]))
  .then(async (n) => {
    const r = await report0([7]);
    const j = await job0();
    console.log(\`bench-ok \${n} \${r} \${j}\`);
  })
  .catch((e: unknown) => {
    console.error(e);
    process.exitCode = 1;
  });
`,
    true,
  );
  arrow('<anonymous>');

  return { plan, files, lines, colouredFiles };
}

export function writeProject(): { dir: string; plan: Plan; files: number; lines: number; colouredFiles: Set<string> } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tsg-bench-compile-'));
  fs.mkdirSync(path.join(dir, 'node_modules'));
  fs.symlinkSync(repo, path.join(dir, 'node_modules', 'ts-greenlet'), 'dir');
  const base = {
    compilerOptions: {
      target: 'ES2022',
      module: 'node20',
      strict: true,
      skipLibCheck: true,
      sourceMap: true,
      rootDir: 'src',
      types: ['node'],
      typeRoots: [path.join(repo, 'node_modules/@types')],
    },
    include: ['src'],
  };
  const json = (o: unknown) => JSON.stringify(o, null, 2);
  fs.writeFileSync(path.join(dir, 'tsconfig.base.json'), json(base));
  fs.writeFileSync(
    path.join(dir, 'tsconfig.tsc.json'),
    json({ extends: './tsconfig.base.json', compilerOptions: { outDir: 'out-tsc' } }),
  );
  fs.writeFileSync(
    path.join(dir, 'tsconfig.tspc.json'),
    json({
      extends: './tsconfig.base.json',
      compilerOptions: { outDir: 'out-tspc', plugins: [{ transform: 'ts-greenlet/transformer' }] },
    }),
  );
  return { dir, ...generate(dir) };
}
