/**
 * `SyncWebSocket`, the `ws` a handler gets: `recv()` and `send()` are synchronized, so greenlet
 * code calls them like plain functions and the transformer colours their callers.
 *
 * ```ts
 * router.get('/echo', websocket((ws) => {
 *   for (let m = ws.recv(); m !== null; m = ws.recv()) ws.send(m);   // null: the peer closed
 * }));
 * ```
 *
 * Both return a plain value when they need not wait (a message already queued; a frame that fits
 * under the high-water mark), which resumes the greenlet at once. A `recv()` that waits parks the
 * greenlet on the connection (`parkOn`): the socket's `message` or `close` event wakes it, with no
 * promise, reaction or closure in between; only a `send()` over the mark makes a promise. The
 * socket's listeners are shared functions that find the connection through a symbol, so an idle
 * connection holds no closures of its own.
 */
import type { WebSocket } from 'ws';
import { ws } from './ws-peer';
import { synchronize, type Synchronized } from '../synchronize';
import { getcurrent, parkOn, scopeErrorFor, type Greenlet } from '../greenlet';
import { ABNORMAL_CLOSURE, protocolErrorCode, WebSocketClosed } from './closed';

/** A received message: `string` for a text frame, `Buffer` for a binary one. */
export type Message = string | Buffer;
/** What `send` takes: a string goes as a text frame, bytes as a binary one. */
export type Sendable = string | Uint8Array;

const CONNECTION = Symbol('ts-greenlet.websocket.connection');

/** The `Session` that runs the handler. */
export interface ConnectionOwner {
  /** Told once, when the socket has closed. */
  connectionClosed(conn: SyncWebSocket): void;
  /** Wakes `reader`, parked in `conn.recv()`, with `message`; false if it no longer waits there. */
  wakeReader(reader: Greenlet<any>, conn: SyncWebSocket, message: Message | null): boolean;
}

export class SyncWebSocket {
  /**
   * The code and reason of the close, once the socket has closed: the peer's, or the code this
   * side closed with for a bad frame (1002, 1007, 1008, 1009); 1006 when no close frame came.
   */
  closeCode: number | undefined = undefined;
  closeReason = '';
  /** The heartbeat's mark: a pong (or a message) came since the last ping. */
  alive = true;
  owner: ConnectionOwner | null = null;
  /** Received, unread messages, oldest first; made on the first one that has to wait. */
  private queue: Message[] | null = null;
  /** Their size in bytes, roughly (a string counts its length): it decides when reading pauses. */
  private queuedBytes = 0;
  /** The greenlet parked in `recv()`, if any (it may have left since: `wakeReader` tells). */
  private reader: Greenlet<any> | null = null;
  /** The `send()` waiting for its frame to be written, if any: rejected when the socket closes. */
  private writer: ((error: Error) => void) | null = null;
  private ended = false;
  private released = false;
  /** The close code of a protocol error ws closed the connection for, if any. */
  private errorCode: number | undefined = undefined;

  /**
   * The next message, or `null` once the peer has closed (messages that came before the close
   * are read first). Waits for one if none is queued. One greenlet reads a connection.
   */
  declare readonly recv: Synchronized<() => Promise<Message | null> | Message | null>;
  /**
   * Sends `data` and returns once the frame is handed to the socket; while more than
   * `highWaterMark` bytes are buffered for sending, it waits until they are written.
   * Throws `WebSocketClosed` once the connection is closing or closed.
   */
  declare readonly send: Synchronized<(data: Sendable) => Promise<void> | void>;

  constructor(
    /** The `ws` socket underneath, for what this class does not cover (pings, extensions). */
    readonly socket: WebSocket,
    private readonly highWaterMark: number,
  ) {
    (socket as any)[CONNECTION] = this;
    socket.on('message', SyncWebSocket.onMessage);
    socket.on('close', SyncWebSocket.onClose);
    socket.on('error', SyncWebSocket.onError);
  }

  /** True once either side has started closing: `send()` would throw. */
  get closed(): boolean {
    return this.socket.readyState !== ws.WebSocket.OPEN;
  }

  /** The subprotocol the server chose ('' for none). */
  get protocol(): string {
    return this.socket.protocol;
  }

  /** Starts the closing handshake (`ws`'s `close`); `recv()` returns `null` once it is done. */
  close(code?: number, reason?: string): void {
    this.socket.close(code, reason);
  }

  /** @internal Closes with `code` unless closing already. */
  closeIfOpen(code: number, reason?: string): void {
    if (this.socket.readyState === ws.WebSocket.OPEN) this.socket.close(code, reason);
  }

  /**
   * @internal The handler is done: unread messages and waiters go, and later messages are dropped
   * (nothing reads them; a paused socket would not read the peer's reply to the close either).
   */
  release(): void {
    this.released = true;
    this.queue = null;
    this.queuedBytes = 0;
    this.reader = null;
    this.writer = null;
    if (this.socket.isPaused) this.socket.resume();
  }

  // The synchronized functions and the socket's listeners: one of each for every connection,
  // inside the class body so they may read its private fields.
  static {
    // a message, null, or the park token (`parkOn`) that the trampoline takes for a wait
    (this.prototype as any).recv = synchronize(function recv(this: SyncWebSocket): unknown {
      const queue = this.queue;
      if (queue !== null && queue.length > 0) {
        const message = queue.shift()!;
        // exact again whenever the queue empties, so the rough count cannot drift far
        this.queuedBytes = queue.length === 0 ? 0 : this.queuedBytes - message.length;
        if (this.socket.isPaused && this.queuedBytes <= this.highWaterMark) this.socket.resume();
        return message;
      }
      if (this.ended) return null;
      const g = getcurrent();
      if (g === null) throw scopeErrorFor('recv'); // its untransformed caller outside any greenlet
      this.reader = g;
      return parkOn(this);
    });
    (this.prototype as any).send = synchronize(function send(
      this: SyncWebSocket,
      data: Sendable,
    ): Promise<void> | void {
      const socket = this.socket;
      if (socket.readyState !== ws.WebSocket.OPEN) throw new WebSocketClosed(this.closeCode, this.closeReason);
      const buffered = socket.bufferedAmount;
      // A string's UTF-8 is at most 3 bytes per UTF-16 unit: count it exactly only near the mark.
      const fits =
        typeof data === 'string'
          ? buffered + data.length * 3 <= this.highWaterMark || buffered + Buffer.byteLength(data) <= this.highWaterMark
          : buffered + data.byteLength <= this.highWaterMark;
      if (fits) {
        socket.send(data);
        return;
      }
      // Over the mark: wait for this frame's write callback; by then everything before it is
      // written too. A socket that closes first fails the callback, and `onClose` rejects as well.
      return new Promise((resolve, reject) => {
        this.writer = reject;
        socket.send(data, (error) => {
          if (this.writer === reject) this.writer = null;
          if (error) reject(new WebSocketClosed(this.closeCode ?? 1006, this.closeReason));
          else resolve();
        });
      });
    });
  }

  private static onMessage(this: WebSocket, data: Buffer, isBinary: boolean): void {
    const self = connectionOf(this);
    self.alive = true;
    if (self.released) return;
    const message = isBinary ? data : data.toString('utf8'); // ws has checked the UTF-8
    const reader = self.reader;
    if (reader !== null) {
      self.reader = null;
      if (self.owner!.wakeReader(reader, self, message)) return;
    }
    (self.queue ??= []).push(message);
    self.queuedBytes += data.length;
    // the handler is behind: stop reading, so TCP flow control slows the peer down
    if (self.queuedBytes > self.highWaterMark && !this.isPaused) this.pause();
  }

  private static onClose(this: WebSocket, code: number, reason: Buffer): void {
    const self = connectionOf(this);
    self.ended = true;
    self.closeCode = code === ABNORMAL_CLOSURE && self.errorCode !== undefined ? self.errorCode : code;
    self.closeReason = reason.toString('utf8');
    this.off('message', SyncWebSocket.onMessage);
    this.off('close', SyncWebSocket.onClose);
    this.off('error', SyncWebSocket.onError);
    const { reader, writer } = self;
    self.reader = null;
    self.writer = null;
    self.owner!.connectionClosed(self);
    writer?.(new WebSocketClosed(code, self.closeReason));
    if (reader !== null) self.owner!.wakeReader(reader, self, null);
  }

  // Protocol errors (a bad frame, a message over maxPayload): ws closes the connection with the
  // matching code and emits `close`; the handler learns of it from recv/send and `closeCode`.
  private static onError(this: WebSocket, error: Error): void {
    connectionOf(this).errorCode ??= protocolErrorCode(error);
  }
}

export function connectionOf(socket: WebSocket): SyncWebSocket {
  return (socket as any)[CONNECTION];
}
