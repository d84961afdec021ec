/**
 * The live page: `/live` shows the notes and updates as they change, through a WebSocket whose
 * handler is sync-style code reading the database (`listNotes` calls the synchronized `query`).
 *
 * Changes are found by one poller for the whole process (not one per page), which reads a cheap
 * stamp of the table every POLL_MS while any page is open: writes from anywhere show up, from
 * this app, another process or psql, and the HTTP routes pay nothing for the page.
 */
import { spawnGreenlet, synchronize } from 'ts-greenlet';
import type { GreenletRouter } from 'ts-greenlet/koa';
import { websocket, type SyncWebSocket } from 'ts-greenlet/websocket';
import { query } from './db';
import { listNotes } from './notes';
import { LIVE_PAGE } from './live-page';
import { limits } from './limits';

const POLL_MS = 200;

let pages = 0; // live connections; the poller runs while there are any
let polling = false;
let version = 0; // bumped by the poller on each change it sees
/** The pages waiting for a change: each removes itself when woken or when its wait times out. */
const waiting = new Set<() => void>();

const sleep = synchronize((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));

/** Waits until the version is past `seen`, or `ms` have gone by. */
const waitForChange = synchronize(function waitForChange(seen: number, ms: number): Promise<void> | void {
  if (version !== seen) return;
  return new Promise<void>((resolve) => {
    const done = () => {
      clearTimeout(timer);
      waiting.delete(done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    waiting.add(done);
  });
});

function pollNotes(): void {
  let last = '';
  try {
    while (pages > 0) {
      const [row] = query('select count(*)::int as n, coalesce(max(id), 0)::int as top from notes');
      const stamp = `${row.n}:${row.top}`;
      if (stamp !== last) {
        last = stamp;
        version++;
        for (const wake of [...waiting]) wake();
      }
      sleep(POLL_MS);
    }
  } finally {
    polling = false;
  }
}

/** A page's connection: the notes as they are, then again after every change, until it leaves. */
function liveNotes(ws: SyncWebSocket): void {
  pages++;
  if (!polling) {
    polling = true;
    spawnGreenlet(pollNotes).catch((error) => console.error('live page poller:', error));
  }
  try {
    let shown = -1;
    while (!ws.closed) {
      if (shown !== version) {
        shown = version;
        ws.send(JSON.stringify(listNotes({ after: 0, limit: limits.pageMax }).notes)); // the first page, as GET /notes?limit=1000
      }
      waitForChange(shown, 1000); // and look at `closed` at least once a second
    }
  } finally {
    pages--;
  }
}

export function mountLive(router: GreenletRouter): void {
  router.get('/live', (ctx) => {
    ctx.type = 'html';
    ctx.body = LIVE_PAGE;
  });
  router.get('/live/notes', websocket(liveNotes, { heartbeat: 30_000 }));
}
