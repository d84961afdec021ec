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
import type { Heartbeat } from './heartbeat';

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

/** What the connections of one `websocket()` route share: one field each, not one per setting. */
export interface ConnectionSettings {
  /** Bytes buffered for sending, or received and unread, over which `send()` waits and reading pauses. */
  readonly highWaterMark: number;
  readonly heartbeat: Heartbeat | null;
}

// `state` bits
/** The heartbeat's mark: a pong (or a message) came since the last ping. */
const ALIVE = 1;
/** The socket has closed. */
const ENDED = 2;
/** The handler is done (`release`). */
const RELEASED = 4;

/**
 * What waits on a connection, made when something first has to: messages received faster than
 * the handler reads them, and a `send()` over the high-water mark. An idle connection has none.
 */
class Backlog {
  /** Received, unread messages, oldest first. */
  readonly messages: Message[] = [];
  /** Their size in bytes, roughly (a string counts its length): it decides when reading pauses. */
  bytes = 0;
  /** The `send()` waiting for its frame to be written, if any: rejected when the socket closes. */
  writer: ((error: Error) => void) | null = null;
}

/** How the connection closed, made when it does (or when ws reports the protocol error it closes for). */
interface Closing {
  code: number | undefined;
  reason: string;
  /** The code ws closes with for a protocol error, if that is why (`close` itself says 1006). */
  errorCode: number | undefined;
}

export class SyncWebSocket {
  /** `ALIVE`, `ENDED`, `RELEASED`. */
  private state = ALIVE;
  owner: ConnectionOwner | null = null;
  private backlog: Backlog | null = null;
  /** The greenlet parked in `recv()`, if any (it may have left since: `wakeReader` tells). */
  private reader: Greenlet<any> | null = null;
  private closing: Closing | null = null;

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
    private readonly settings: ConnectionSettings,
  ) {
    (socket as any)[CONNECTION] = this;
    socket.on('message', SyncWebSocket.onMessage);
    socket.on('close', SyncWebSocket.onClose);
    socket.on('error', SyncWebSocket.onError);
    settings.heartbeat?.add(this);
  }

  /**
   * The code and reason of the close, once the socket has closed: the peer's, or the code this
   * side closed with for a bad frame (1002, 1007, 1008, 1009); 1006 when no close frame came.
   */
  get closeCode(): number | undefined {
    return this.closing?.code;
  }
  get closeReason(): string {
    return this.closing?.reason ?? '';
  }

  /** The heartbeat's mark: a pong (or a message) came since the last ping. */
  get alive(): boolean {
    return (this.state & ALIVE) !== 0;
  }
  set alive(alive: boolean) {
    this.state = alive ? this.state | ALIVE : this.state & ~ALIVE;
  }

  /** @internal The socket has closed (its `close` event came). */
  get ended(): boolean {
    return (this.state & ENDED) !== 0;
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
    this.state |= RELEASED;
    this.backlog = null;
    this.reader = null;
    if (this.socket.isPaused) this.socket.resume();
  }

  // The synchronized functions and the socket's listeners: one of each for every connection,
  // inside the class body so they may read its private fields.
  static {
    // a message, null, or the park token (`parkOn`) that the trampoline takes for a wait
    (this.prototype as any).recv = synchronize(function recv(this: SyncWebSocket): unknown {
      const backlog = this.backlog;
      if (backlog !== null && backlog.messages.length > 0) {
        const { messages } = backlog;
        const message = messages.shift()!;
        // exact again whenever the queue empties, so the rough count cannot drift far
        backlog.bytes = messages.length === 0 ? 0 : backlog.bytes - message.length;
        if (this.socket.isPaused && backlog.bytes <= this.settings.highWaterMark) this.socket.resume();
        return message;
      }
      if ((this.state & ENDED) !== 0) return null;
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
      const { highWaterMark } = this.settings;
      // A string's UTF-8 is at most 3 bytes per UTF-16 unit: count it exactly only near the mark.
      const fits =
        typeof data === 'string'
          ? buffered + data.length * 3 <= highWaterMark || buffered + Buffer.byteLength(data) <= highWaterMark
          : buffered + data.byteLength <= highWaterMark;
      if (fits) {
        socket.send(data);
        return;
      }
      // Over the mark: wait for this frame's write callback; by then everything before it is
      // written too. A socket that closes first fails the callback, and `onClose` rejects as well.
      const backlog = (this.backlog ??= new Backlog());
      return new Promise((resolve, reject) => {
        backlog.writer = reject;
        socket.send(data, (error) => {
          if (backlog.writer === reject) backlog.writer = null;
          if (error) reject(new WebSocketClosed(this.closeCode ?? 1006, this.closeReason));
          else resolve();
        });
      });
    });
  }

  private static onMessage(this: WebSocket, data: Buffer, isBinary: boolean): void {
    const self = connectionOf(this);
    const state = (self.state |= ALIVE);
    if ((state & RELEASED) !== 0) return;
    const message = isBinary ? data : data.toString('utf8'); // ws has checked the UTF-8
    const reader = self.reader;
    if (reader !== null) {
      self.reader = null;
      if (self.owner!.wakeReader(reader, self, message)) return;
    }
    const backlog = (self.backlog ??= new Backlog());
    backlog.messages.push(message);
    backlog.bytes += data.length;
    // the handler is behind: stop reading, so TCP flow control slows the peer down
    if (backlog.bytes > self.settings.highWaterMark && !this.isPaused) this.pause();
  }

  private static onClose(this: WebSocket, code: number, reason: Buffer): void {
    const self = connectionOf(this);
    self.state |= ENDED;
    const closing = self.closingInfo();
    closing.code = code === ABNORMAL_CLOSURE && closing.errorCode !== undefined ? closing.errorCode : code;
    closing.reason = reason.toString('utf8');
    this.off('message', SyncWebSocket.onMessage);
    this.off('close', SyncWebSocket.onClose);
    this.off('error', SyncWebSocket.onError);
    self.settings.heartbeat?.remove(self);
    const { reader } = self;
    const writer = self.backlog?.writer;
    self.reader = null;
    if (writer) self.backlog!.writer = null;
    self.owner!.connectionClosed(self);
    writer?.(new WebSocketClosed(code, closing.reason));
    if (reader !== null) self.owner!.wakeReader(reader, self, null);
  }

  // Protocol errors (a bad frame, a message over maxPayload): ws closes the connection with the
  // matching code and emits `close`; the handler learns of it from recv/send and `closeCode`.
  private static onError(this: WebSocket, error: Error): void {
    connectionOf(this).closingInfo().errorCode ??= protocolErrorCode(error);
  }

  private closingInfo(): Closing {
    return (this.closing ??= { code: undefined, reason: '', errorCode: undefined });
  }
}

export function connectionOf(socket: WebSocket): SyncWebSocket {
  return (socket as any)[CONNECTION];
}
