/**
 * One connection's life: its handler runs as a greenlet from the upgrade until it returns, and
 * the session ends once both the greenlet and the socket are done.
 *
 * How the handler ends decides the close: it returned, 1000; it threw, 1011 and the app's
 * `error` event (as Koa reports a handler's error); `GreenletExit` (`server.close()`) or an
 * uncaught `WebSocketClosed` (the peer left), quietly. The session observes the greenlet's end
 * itself (`FinishObserver`): no promise reaction, no closure per connection.
 *
 * The session is an `AsyncResource` made in the upgrade's async context: the greenlet is woken
 * from socket events (`wakeReader`) and cancelled from `server.close()` in that context, so
 * AsyncLocalStorage (Koa's `app.currentContext`) reads the same across waits as when a promise
 * resumed it, and the session costs no separate object for it.
 */
import { AsyncResource } from 'node:async_hooks';
import type { Context } from 'koa';
import { GreenletExit } from '../errors';
import { Greenlet, type FinishObserver } from '../greenlet';
import { INTERNAL_ERROR, NORMAL_CLOSURE, GOING_AWAY, WebSocketClosed } from './closed';
import type { ConnectionOwner, Message, SyncWebSocket } from './connection';
import type { Hub, Shutdownable } from './hub';

export class Session extends AsyncResource implements FinishObserver, ConnectionOwner, Shutdownable {
  private greenlet: Greenlet<unknown> | null = null;
  /**
   * The upgrade's context, for the `error` event, if the handler declares it (`(ws, ctx) => …`,
   * and a view): its frame holds it for its life anyway. One that does not (`(ws) => …`) lets it
   * go, and with it the request, its response and their headers (~3 KB a connection); its error
   * is reported without it.
   */
  private ctx: Context | null = null;

  constructor(
    private readonly conn: SyncWebSocket,
    private readonly hub: Hub,
  ) {
    super('ts-greenlet.websocket', { requireManualDestroy: true });
    conn.owner = this;
    hub.sessions.add(this);
  }

  /** Runs `handler(ws, ctx)` (or the view's loop) as a greenlet, synchronously to its first wait. */
  start(handler: Function, name: string, ctx: Context): void {
    if (handler.length >= 2) this.ctx = ctx;
    // observed, so it makes no promise: `greenletFinished` hears how it ended
    const g = new Greenlet(handler, { name, observer: this });
    this.greenlet = g;
    g.run(undefined, [this.conn, ctx]);
  }

  wakeReader(reader: Greenlet<any>, conn: SyncWebSocket, message: Message | null): boolean {
    return this.runInAsyncScope(reader.wake, reader, conn, message);
  }

  greenletFinished(g: Greenlet<unknown>, value: unknown, isError: boolean): boolean {
    this.greenlet = null;
    const quiet = !isError || value instanceof GreenletExit || value instanceof WebSocketClosed;
    this.conn.closeIfOpen(!isError ? NORMAL_CLOSURE : quiet ? GOING_AWAY : INTERNAL_ERROR);
    this.conn.release();
    const { ctx } = this;
    this.ctx = null;
    if (!quiet) {
      const { app } = this.hub; // the app the upgrade went through: `ctx.app`
      // reported once the promise rejects, with the greenlet's call chain appended to the error
      g.promise.catch((error) => app.emit('error', error, ctx ?? undefined));
    }
    this.endIfDone();
    return quiet;
  }

  connectionClosed(): void {
    this.endIfDone();
  }

  /** `server.close()`: the peer gets `code`, the handler `GreenletExit` at its suspension point. */
  shutdown(code: number, reason: string): void {
    this.conn.closeIfOpen(code, reason);
    const g = this.greenlet;
    if (g !== null) this.runInAsyncScope(g.cancel, g, reason);
  }

  private endIfDone(): void {
    if (this.conn.ended && this.greenlet === null) {
      this.hub.sessions.delete(this);
      this.emitDestroy();
    }
  }
}
