/**
 * `WebSocketConnectionView`: a connection as a class with hooks, like aiopyramid's
 * `WebsocketConnectionView`. Mounted with `websocket(ViewClass)`, it is made per connection and
 * its hooks run in the connection's greenlet, so they may call synchronized code (a database
 * query, `this.send`) like plain functions.
 *
 * ```ts
 * class Echo extends WebSocketConnectionView {
 *   onMessage(message: Message) { this.send(message); }
 * }
 * router.get('/echo', websocket(Echo));
 * ```
 */
import type { Context } from 'koa';
import { GreenletExit } from '../errors';
import { isThenable, RAW, twinOf } from '../protocol';
import { synchronize, type Synchronized } from '../synchronize';
import { GOING_AWAY, INTERNAL_ERROR, WebSocketClosed } from './closed';
import { SyncWebSocket, type Message, type Sendable } from './connection';

export class WebSocketConnectionView<C = Context> {
  /** Sends a message (`ws.send`): waits while the send buffer is over the high-water mark. */
  declare readonly send: Synchronized<(message: Sendable) => Promise<void> | void>;

  constructor(
    readonly ws: SyncWebSocket,
    readonly ctx: C,
  ) {}

  /** The connection is open: greet, subscribe, load state. */
  onOpen(): unknown {
    return undefined;
  }

  /** A message came (`string` for text, `Buffer` for binary); the next is read once this returns. */
  onMessage(_message: Message): unknown {
    return undefined;
  }

  /**
   * Runs last, also after an error: the close code and reason, or, when the view ends first, the
   * code it will close with (1001 for a server shutdown, 1011 for an error from a hook).
   */
  onClose(_code: number, _reason: string): unknown {
    return undefined;
  }

  static {
    // the function behind `ws.send`, so a view's send waits exactly as the socket's does
    const sendOnSocket = (SyncWebSocket.prototype.send as any)[RAW] as (
      this: SyncWebSocket,
      message: Sendable,
    ) => Promise<void> | void;
    (this.prototype as any).send = synchronize(function send(
      this: WebSocketConnectionView<unknown>,
      message: Sendable,
    ) {
      return sendOnSocket.call(this.ws, message);
    });
  }
}

export type ViewClass = new (ws: SyncWebSocket, ctx: any) => WebSocketConnectionView<any>;

export function isViewClass(x: Function): x is ViewClass {
  return x === WebSocketConnectionView || x.prototype instanceof WebSocketConnectionView;
}

/** The greenlet body for a view class: open, a hook per message, close. */
export function viewRunner(View: ViewClass): (ws: SyncWebSocket, ctx: unknown) => Generator<unknown, void, unknown> {
  return function* runView(ws, ctx) {
    const view = new View(ws, ctx);
    const recv = twinOf(ws.recv)!;
    let closeCode = GOING_AWAY;
    try {
      yield* callHook(view, view.onOpen, []);
      for (let m = yield* recv.call(ws); m !== null; m = yield* recv.call(ws))
        yield* callHook(view, view.onMessage, [m]);
    } catch (error) {
      if (!(error instanceof GreenletExit || error instanceof WebSocketClosed)) closeCode = INTERNAL_ERROR;
      throw error;
    } finally {
      yield* callHook(view, view.onClose, [ws.closeCode ?? closeCode, ws.closeReason]);
    }
  };
}

/** A hook as the view defines it: coloured (its twin), plain, or async (its promise waited for). */
function* callHook(view: object, hook: Function, args: unknown[]): Generator<unknown, unknown, unknown> {
  const twin = twinOf(hook);
  if (twin !== undefined) return yield* twin.apply(view, args);
  const result = hook.apply(view, args);
  return isThenable(result) ? yield result : result;
}
