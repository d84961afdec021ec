/**
 * Reach: rxjs 7 (reactive streams), compiled from its own TypeScript sources (the `src/` its npm
 * package ships, at the pinned devDependency's version), left unmodified, and extended through its
 * public API by a sync-style pipeline whose callbacks do I/O through a synchronized function:
 * `map`, `filter`, `concatMap`/`mergeMap` returning `of(...)`, `distinct` with a key selector,
 * `scan`, `reduce`, `tap`, `catchError`, a custom operator built with `new Observable(...)`, and
 * `subscribe({ next, error, complete })`; also a `Subject` with `groupBy`/`count`, an `Observer`
 * class, `defer`/`retry`/`finalize`, and `observeOn(queueScheduler)`. rxjs wraps each user
 * callback in an `OperatorSubscriber` whose `_next`, assigned in its constructor, calls it inside
 * `try/catch` and routes what it throws to `destination.error`: a call the analysis missed would be
 * a `ScopeError` caught and reported as a stream error, silently, so the output itself is the proof. Two shapes value flow had to learn
 * here: `Observable.subscribe` runs each operator as `operator.call(subscriber, source)`, where
 * `Operator` is an interface declaring `call` and the value a plain function
 * (fixtures/values/member-call-apply); and with rxjs's `config.useDeprecatedNextContext`,
 * SafeSubscriber binds an observer's callbacks with `_bind.call(fn, context)`, `_bind` being
 * `Function.prototype.bind` (fixtures/values/bind-through-call).
 *
 * The corpus is a few hundred generated events. The output — every value and error each
 * subscriber saw, as JSON — must equal the same program with a plain (non-suspending) lookup,
 * every lookup must really wait (counted), and no two overlap.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { repo } from '../helpers/project';
import { buildAndPin, writeReachProject } from './build';
import { runBothAlike } from './run-user';

const rxjsDir = path.join(repo, 'node_modules', 'rxjs');

/** The extension, written once; `LOOKUP` is a synchronized I/O function or a plain one. */
const extension = (lookup: string, start: string) => `
import {
  Observable, OperatorFunction, from, of, EMPTY, map, filter, concatMap, mergeMap, distinct, scan, reduce, tap,
  catchError, toArray, config, Subscription, Subject, Observer, groupBy, count, observeOn, queueScheduler, defer, retry,
  finalize,
} from './src/index';
import { synchronize, spawnGreenlet } from 'ts-greenlet';

export const stats = { waits: 0, active: 0, overlap: 0 };
const db = new Map<string, string>([
  ['user:u1', 'north'], ['user:u2', 'south'], ['user:u3', 'north'], ['user:u5', 'east'],
  ['price:A-1', '3'], ['price:B-2', '10'], ['price:C-3', '0'], ['price:D-4', '7'],
  ['limit:north', '20'], ['limit:south', '9'], ['limit:east', '14'],
  ['fx:north', '1'], ['fx:south', '2'], ['fx:east', '3'],
]);
${lookup}

interface Event { id: number; user: string; sku: string; qty: number }
interface Priced extends Event { region: string; price: number }

/** A custom operator: each event with its user's region, unknown users dropped (and counted). */
function withRegion<T extends Event>(dropped: string[]): OperatorFunction<T, T & { region: string }> {
  return (source) =>
    new Observable<T & { region: string }>((subscriber) =>
      source.subscribe({
        next(e) {
          const region = lookup('user', e.user);
          if (region === undefined) dropped.push(e.user + '#' + e.id);
          else subscriber.next({ ...e, region });
        },
        error(err) { subscriber.error(err); },
        complete() { subscriber.complete(); },
      }),
    );
}

/** Throws on purpose when an order is over its region's limit: catchError turns it into a rejection. */
function checkLimit(e: Priced): Priced {
  const limit = Number(lookup('limit', e.region));
  if (e.qty * e.price > limit * 4) throw new Error(\`order \${e.id} over \${e.region} limit \${limit}\`);
  return e;
}

export function process(events: Event[]): string {
  const out: string[] = [];
  const dropped: string[] = [];
  const seen: string[] = [];
  from(events)
    .pipe(
      filter((e) => lookup('price', e.sku) !== undefined),
      withRegion(dropped),
      map((e): Priced => ({ ...e, price: Number(lookup('price', e.sku)) })),
      distinct((e) => lookup('fx', e.region) + '/' + e.sku + '/' + e.qty),
      tap((e) => seen.push(e.id + ':' + lookup('fx', e.region))),
      concatMap((e) => (e.price === 0 ? EMPTY : of(e, { ...e, id: -e.id, qty: 1 }))),
      mergeMap((e) =>
        of(e).pipe(
          map(checkLimit),
          map((ok) => ({ ok: ok.id, total: ok.qty * ok.price * Number(lookup('fx', ok.region)) })),
          catchError((err: Error) => of({ rejected: err.message, fx: lookup('fx', e.region) })),
        ),
      ),
      tap((r) => out.push(JSON.stringify(r))),
      scan((acc, r) => ('total' in r ? { n: acc.n + 1, sum: acc.sum + r.total } : { ...acc, n: acc.n + 1 }), { n: 0, sum: 0 }),
    )
    .subscribe({
      next: (acc) => out.push(JSON.stringify(acc)),
      error: (err) => out.push('error ' + err),
      complete: () => out.push('complete, dropped ' + dropped.join(' ') + ', seen ' + seen.length),
    });

  // A stream that fails part-way: the user's error callback sees what a map callback threw.
  from(events)
    .pipe(
      map((e) => {
        const region = lookup('user', e.user);
        if (region === undefined && e.qty > 10) throw new Error('no user ' + e.user + ' at ' + e.id);
        return region ?? 'nowhere';
      }),
      reduce((acc, r) => ({ ...acc, [r]: (acc[r] ?? 0) + Number(lookup('fx', r)) }), {} as Record<string, number>),
    )
    .subscribe({
      next: (totals) => out.push('totals ' + JSON.stringify(totals)),
      error: (err: Error) => out.push('failed: ' + err.message + ' (' + lookup('user', 'u1') + ')'),
      complete: () => out.push('unreachable complete'),
    });

  // Per user, the regions of their events, collected with toArray.
  of('u1', 'u2', 'u4', 'u5')
    .pipe(
      concatMap((u) => from(events.filter((e) => e.user === u).slice(0, 5)).pipe(
        map((e) => lookup('price', e.sku) ?? 'none'),
        toArray(),
        map((prices) => u + ' ' + lookup('user', u) + ' ' + prices.join(',')),
      )),
    )
    .subscribe((line) => out.push(line));

  // rxjs's deprecated \`useDeprecatedNextContext\`: an observer's callbacks are bound to a context
  // with \`unsubscribe()\` (SafeSubscriber's \`_bind.call(fn, context)\`, Function.prototype.bind).
  config.useDeprecatedNextContext = true;
  try {
    from(events.slice(0, 60))
      .pipe(withRegion([]))
      .subscribe({
        next(e) {
          out.push('context ' + e.id + ' ' + lookup('fx', e.region));
          if (e.qty > 11) (this as unknown as Subscription).unsubscribe();
        },
        complete() {
          out.push('context complete');
        },
      });
  } finally {
    config.useDeprecatedNextContext = false;
  }

  // A Subject fed from a callback, grouped per region; an Observer class; a retried stream whose
  // teardown (finalize) looks up too; and the queue scheduler, which runs its work synchronously.
  const regions = new Subject<Event>();
  const tally = new Tally();
  regions
    .pipe(
      groupBy((e) => lookup('user', e.user) ?? 'unknown'),
      mergeMap((group) => group.pipe(count((e) => lookup('price', e.sku) !== undefined), map((n) => group.key + ' ' + n))),
    )
    .subscribe(tally);
  from(events).pipe(observeOn(queueScheduler)).subscribe((e) => regions.next(e));
  regions.complete();
  out.push(...tally.lines);
  let attempt = 0;
  defer(() => {
    const e = events[attempt++];
    if (lookup('user', e.user) !== 'east') throw new Error('attempt ' + attempt + ': ' + e.user);
    return of(e.id);
  })
    .pipe(
      retry(40),
      finalize(() => out.push('finally ' + lookup('fx', 'east'))),
    )
    .subscribe({ next: (id) => out.push('retried to ' + id), error: (err: Error) => out.push('gave up, ' + err.message) });
  return out.join('\\n');
}

class Tally implements Observer<string> {
  lines: string[] = [];
  next(line: string) {
    this.lines.push('group ' + line + ' fx ' + lookup('fx', line.split(' ')[0]));
  }
  error(err: unknown) {
    this.lines.push('group error ' + err);
  }
  complete() {
    this.lines.push('groups done ' + lookup('limit', 'north'));
  }
}

const corpus = JSON.parse(require('node:fs').readFileSync(globalThis.process.argv[2], 'utf8'));
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

/** A few hundred events from a seeded generator: some unknown users and SKUs, some over their limit. */
function corpus(n: number): unknown[] {
  let seed = 7;
  const rnd = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x80000000;
  const pick = <T>(xs: T[]): T => xs[Math.floor(rnd() * xs.length)];
  return Array.from({ length: n }, (_, id) => ({
    id: id + 1,
    user: pick(['u1', 'u2', 'u3', 'u5', 'u1', 'u2', 'u4']),
    sku: pick(['A-1', 'B-2', 'C-3', 'D-4', 'Z-9']),
    qty: 1 + Math.floor(rnd() * 12),
  }));
}

/** rxjs's sources as its npm package ships them, and the user's file beside them. */
function writeProject(dir: string, user: string): void {
  writeReachProject(dir, user, (src) => fs.cpSync(path.join(rxjsDir, 'src'), src, { recursive: true }));
}

describe('reach: rxjs 7 from its sources, with a sync-style pipeline doing I/O', function () {
  this.timeout(120_000);
  let root: string;
  before(() => (root = fs.mkdtempSync(path.join(os.tmpdir(), 'tsg-reach-rxjs-'))));
  after(() => fs.rmSync(root, { recursive: true, force: true }));

  it('runs 300 events through its operators exactly as the plain program does, every lookup waited for, none overlapping', () => {
    const sync = path.join(root, 'sync');
    const plain = path.join(root, 'plain');
    const data = path.join(root, 'events.json');
    fs.writeFileSync(data, JSON.stringify(corpus(300)));
    writeProject(sync, extension(SUSPENDING, `spawnGreenlet(process, corpus).then(${print});`));
    writeProject(plain, extension(PLAIN, `Promise.resolve(process(corpus)).then(${print});`));
    // Pinned (rxjs.diagnostics.txt, one per location and code: 12 places). None is on a call that
    // suspends when this test runs; a tspc build would stop on them. Observers share the names
    // `next`, `error`, `complete`, `unsubscribe` (value flow is field-based), so most of rxjs's
    // subscription machinery is coloured. What they are:
    // - TSG39007 at 10, where rxjs hands a function to code it cannot see, all right: timers
    //   (`timeoutProvider.setTimeout`, `intervalProvider.setInterval`, used by the async schedulers
    //   and by `reportUnhandledError`), microtasks (`Immediate.setImmediate`'s `resolved.then`, the
    //   asap scheduler), promises and async iterables (`innerFrom`'s `promise.then`, `.catch`,
    //   `scheduleAsyncIterable`'s `iterator.next().then`), and the `new Promise` executors of
    //   `firstValueFrom` and `lastValueFrom` (run by the Promise constructor: they cannot wait).
    // - TSG39008 at 1: `createObject` (`combineLatest`/`forkJoin` with a dictionary) writes values
    //   that may be functions under `key: string`, right as far as types tell.
    // - TSG39002 at 1: Subscriber's constructor calls `destination.add(this)`, for every subscriber
    //   this test makes. `add` on a closed subscription runs the finalizer at once, and finalizers
    //   are coloured: value flow follows no guard, so in `subscribe`'s `const subscriber =
    //   isSubscriber(x) ? x : new SafeSubscriber(x)` every function given to `subscribe(fn)` flows
    //   into the Subscription it returns, and on into `add(teardown)` and `finalizer()`. A false
    //   positive: the finalizer run here is the new subscriber itself, with no teardown yet.
    buildAndPin('rxjs', 'rxjs 7.8.2', sync, plain);

    const got = runBothAlike(sync, plain, data, 1000);
    // each stream ran: the rejections catchError made, completion, the failed stream's error callback, ...
    for (const mark of [
      '{"rejected":',
      'complete, dropped',
      'failed: no user',
      'u5 east',
      'context ',
      'groups done',
      'retried to',
    ])
      expect(got.stdout).to.include(mark);
  });
});
