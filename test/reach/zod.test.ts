/**
 * Reach: zod 4 (schema validation), compiled from its own TypeScript sources (the `src/` its npm
 * package ships, at the pinned devDependency's version), left unmodified, and extended through its
 * public API by sync-style validators that do I/O through a synchronized function: `.refine()`,
 * `.superRefine()`, `.transform()`, `z.custom()` and `.check()`. zod stores each user function in
 * a check or a pipe on the schema object (`inst._zod.check = (payload) => { const r = def.fn(input)
 * … }`, `def.checks`, `_zod.onattach`, `def.transform`) and the sync `parse()` runs them through
 * `_zod.run`: value flow must carry the user's functions through those objects.
 *
 * The corpus is a few hundred generated orders, valid and invalid (nested objects, arrays, a
 * discriminated union, optional fields). The output — each safeParse's data or its issues, as
 * JSON — must equal the same program with a plain (non-suspending) lookup, every lookup must
 * really wait (counted), and no two overlap.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { repo } from '../helpers/project';
import { buildAndPin, writeReachProject } from './build';
import { runBothAlike } from './run-user';

const zodDir = path.join(repo, 'node_modules', 'zod');

/** The extension, written once; `LOOKUP` is a synchronized I/O function or a plain one. */
const extension = (lookup: string, start: string) => `
import * as z from './src/index.ts';
import { synchronize, spawnGreenlet } from 'ts-greenlet';

export const stats = { waits: 0, active: 0, overlap: 0 };
const db = new Map<string, string>([
  ['user:u1', 'Ada'], ['user:u2', 'Grace'], ['user:u3', 'Edsger'], ['user:u5', 'Barbara'],
  ['sku:A-1', '3'], ['sku:B-2', '10'], ['sku:C-3', '0'], ['sku:D-4', '7'],
  ['store:s1', 'Harbour St'], ['store:s2', 'Mill Lane'],
  ['country:FR', 'France'], ['country:NL', 'Netherlands'], ['country:JP', 'Japan'],
  ['tag:gift', 'y'], ['tag:rush', 'y'], ['tag:fragile', 'y'],
]);
${lookup}
// zod compiles each object schema's parser with \`new Function\` unless told not to (its public
// \`jitless\` setting): code the transformer cannot see. See the comment in the test.
z.config({ jitless: true });

const has = (kind: string, key: string): boolean => lookup(kind, key) !== undefined;

const Tag = z.custom<string>((v) => typeof v === 'string' && has('tag', v), { message: 'unknown tag' });

const Address = z.object({
  kind: z.literal('post'),
  street: z.string().min(1),
  country: z.string().length(2).refine((c) => has('country', c), { message: 'unknown country' })
    .transform((c) => lookup('country', c)!),
});

const Pickup = z.object({
  kind: z.literal('pickup'),
  store: z.string().transform((s, ctx) => {
    const name = lookup('store', s);
    if (name === undefined) ctx.addIssue({ code: 'custom', message: \`no store \${s}\` });
    return name ?? s;
  }),
});

const Line = z.object({ sku: z.string(), qty: z.number().int().positive() })
  .check((ctx) => {
    const stock = Number(lookup('sku', ctx.value.sku) ?? -1);
    if (stock < 0) ctx.issues.push({ code: 'custom', message: 'no such sku', input: ctx.value, path: ['sku'] });
    else if (stock < ctx.value.qty) ctx.issues.push({ code: 'custom', message: \`only \${stock} left\`, input: ctx.value, path: ['qty'] });
  });

const Order = z.object({
  id: z.string().regex(/^o\\d+$/),
  owner: z.string().refine((id) => has('user', id), { message: 'no such user' }),
  lines: z.array(Line).min(1),
  shipTo: z.discriminatedUnion('kind', [Address, Pickup]),
  tags: z.array(Tag).optional(),
  note: z.union([z.string().max(40), z.null()]).optional(),
})
  .superRefine((o, ctx) => {
    if (o.tags?.includes('rush') && o.shipTo.kind === 'pickup' && !has('user', 'u' + o.lines.length))
      ctx.addIssue({ code: 'custom', message: 'rush pickup needs a known courier', path: ['tags'] });
  })
  .transform((o) => ({ ...o, ownerName: lookup('user', o.owner) }));

export function validate(records: unknown[]): string {
  return records.map((r) => {
    const res = Order.safeParse(r);
    return JSON.stringify(res.success ? { ok: res.data } : { issues: res.error.issues });
  }).join('\\n');
}

const corpus = JSON.parse(require('node:fs').readFileSync(process.argv[2], 'utf8'));
${start}
`;

const SUSPENDING = `const lookup = synchronize(async (kind: string, key: string): Promise<string | undefined> => {
  if (stats.active++) stats.overlap++;
  await new Promise((r) => setTimeout(r, 1));
  stats.active--;
  stats.waits++;
  return db.get(kind + ':' + key);
});`;
const PLAIN = `function lookup(kind: string, key: string): string | undefined {
  stats.waits++;
  return db.get(kind + ':' + key);
}`;
const print = `(out: string) => { console.log(out); console.error(JSON.stringify(stats)); }`;

/** A few hundred orders from a seeded generator: about half valid, the rest wrong in one or more ways. */
function corpus(n: number): unknown[] {
  let seed = 13;
  const rnd = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x80000000;
  const pick = <T>(xs: T[]): T => xs[Math.floor(rnd() * xs.length)];
  const out: unknown[] = [];
  for (let i = 0; i < n; i++) {
    const bad = rnd() < 0.5;
    const flaw = () => bad && rnd() < 0.3;
    const lines = Array.from({ length: 1 + Math.floor(rnd() * 3) }, () => ({
      sku: flaw() ? 'Z-9' : pick(['A-1', 'B-2', 'D-4', 'C-3']),
      qty: flaw() ? pick([0, 2.5, '3', 40]) : 1 + Math.floor(rnd() * 3),
    }));
    const shipTo =
      rnd() < 0.6
        ? {
            kind: 'post',
            street: flaw() ? '' : `${i} Main St`,
            country: flaw() ? pick(['DE', 'FRA', 7]) : pick(['FR', 'NL', 'JP']),
          }
        : flaw()
          ? { kind: 'drone', store: 's1' }
          : { kind: 'pickup', store: flaw() ? 's9' : pick(['s1', 's2']) };
    const order: Record<string, unknown> = {
      id: flaw() ? `x${i}` : `o${i}`,
      owner: flaw() ? 'u4' : pick(['u1', 'u2', 'u3', 'u5']),
      lines: flaw() ? [] : lines,
      shipTo,
    };
    if (rnd() < 0.5) order.tags = flaw() ? ['gift', 'cheap'] : pick([['gift'], ['rush'], ['rush', 'fragile'], []]);
    if (rnd() < 0.3) order.note = flaw() ? 'x'.repeat(50) : pick([null, 'leave at door']);
    if (bad && rnd() < 0.05) out.push(pick([null, 42, 'order', [order]]));
    else out.push(order);
  }
  return out;
}

/** zod's sources as its npm package ships them, and the user's file beside them. */
function writeProject(dir: string, user: string): void {
  writeReachProject(dir, user, (src) =>
    fs.cpSync(path.join(zodDir, 'src'), src, { recursive: true, filter: (s) => path.basename(s) !== 'tests' }),
  );
}

describe('reach: zod 4 from its sources, with sync-style validators doing I/O', function () {
  this.timeout(120_000);
  let root: string;
  before(() => (root = fs.mkdtempSync(path.join(os.tmpdir(), 'tsg-reach-zod-'))));
  after(() => fs.rmSync(root, { recursive: true, force: true }));

  it('validates 300 orders exactly as the plain program does, every lookup waited for, none overlapping', () => {
    const sync = path.join(root, 'sync');
    const plain = path.join(root, 'plain');
    const data = path.join(root, 'orders.json');
    fs.writeFileSync(data, JSON.stringify(corpus(300)));
    writeProject(sync, extension(SUSPENDING, `spawnGreenlet(validate, corpus).then(${print});`));
    writeProject(plain, extension(PLAIN, `Promise.resolve(validate(corpus)).then(${print});`));

    // Pinned (zod.diagnostics.txt, one per location and code: 45 places), none of them on the path this test
    // runs; a tspc build would stop on the errors. What they are:
    // - TSG39001 at 7, all in user.ts: module-top-level calls that build schemas (`z.string().min(1)`,
    //   `.refine(...)`, `.transform(...)`, `.check(...)`), which never suspend at run time.
    //   Over-colouring: value flow is field-based, and zod uses one name for a builder and a hook
    //   (`schema.transform(fn)` and `def.transform`). A call of a declared member takes only the
    //   functions that can be it by what they return (return-fit.ts: 12 places before), but a
    //   generic `apply<T>(fn: (s: this) => T): T` or an `any`-returning helper can be any member.
    //   And `codec(a, b, params)` writes `transform: params.decode as any`, which puts every
    //   `.decode` (the schemas' own `_decode`, coloured as `parse` runs the user's checks) under
    //   `.transform`, although this program never calls `codec`: that needs reachability or
    //   fields split by declared type, not a return type.
    // - TSG39007 at 24: coloured functions handed to builtins: zod's async path (`Promise.all`,
    //   `result.then(...)` of `parseAsync`, right as in marked), and `Object.defineProperty`,
    //   `Reflect` and `new Proxy` accessors and `init` values (`defineLazy`, `$constructor`'s `init`);
    //   and the `descriptor` a Proxy's `defineProperty` trap hands to `Reflect.defineProperty`
    //   (`util.ts:714`): it comes from code outside, which may hold the `get`s zod defines.
    // - TSG39008 at 11: values that may be functions written under unbounded keys: `assignProp`
    //   (`util.ts:417`), `promiseAllObject`, `visit.ts`, `Object.fromEntries` in `z.enum`, and the
    //   object/record/map parsers writing parsed values (`payload.value[outKey] = result.value`);
    //   and `createTransparentProxy`'s `get` trap (`util.ts:688`, never called here): a proxy typed
    //   `{}` whose trap returns `Reflect.get(target, prop)`, which the analysis takes as anything
    //   code outside holds, under names the proxy's type does not declare.
    // - TSG39006 at 1: an accessor read inside an optional chain (`classic/schemas.ts:351`).
    // - TSG39011 at 2: the two `new Function` sites (`doc.ts`, `compile.ts`) that build zod's JIT
    //   parsers, which close over the shape and call each property's `_zod.run` as a plain function.
    //   The analysis cannot see that `jitless` turns them off, hence `z.config({ jitless: true })`
    //   in the extension: left on, they would throw ScopeError at run time.
    buildAndPin('zod', 'zod 4.6.7', sync, plain);

    const got = runBothAlike(sync, plain, data, 1000);
    expect(got.stdout.split('\n').filter((l) => l.startsWith('{"ok"')).length).to.be.within(60, 240);
  });
});
