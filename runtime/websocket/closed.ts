/** `WebSocketClosed` and the close codes the integration sends (RFC 6455, section 7.4.1). */

/** The handler returned: a normal closure. */
export const NORMAL_CLOSURE = 1000;
/** The server is shutting down (`server.close()`), or the handler was cancelled. */
export const GOING_AWAY = 1001;
/** The handler threw: the peer learns that much, the app's `error` event gets the error. */
export const INTERNAL_ERROR = 1011;
/** No close frame came: the TCP connection just ended (or was dropped by the heartbeat). */
export const ABNORMAL_CLOSURE = 1006;

/**
 * The code ws closes with for a protocol error (`error.code` from its receiver): 1009 too big,
 * 1008 too many fragments, 1007 text that is not UTF-8, 1002 any other bad frame. After such a
 * close ws reads nothing more, so the peer's reply never arrives and `close` reports 1006.
 */
export function protocolErrorCode(error: Error & { code?: unknown }): number {
  switch (error.code) {
    case 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH':
    case 'WS_ERR_UNSUPPORTED_DATA_PAYLOAD_LENGTH':
      return 1009;
    case 'WS_ERR_TOO_MANY_BUFFERED_PARTS':
      return 1008;
    case 'WS_ERR_INVALID_UTF8':
      return 1007;
    default:
      return 1002;
  }
}

/** The reason given to `Greenlet.cancel()` when `server.close()` ends a handler. */
export const SERVER_SHUTDOWN = 'server shutting down';

/**
 * Thrown by `send()` once the connection is closed or closing: the peer went away, or either
 * side sent a close frame. An uncaught one ends the handler quietly (nobody is left to answer).
 */
export class WebSocketClosed extends Error {
  override name = 'WebSocketClosed';
  constructor(
    /** The close code, once known (1006 when the connection ended without a close frame). */
    readonly code: number | undefined,
    readonly reason = '',
  ) {
    super(
      code === undefined
        ? 'the WebSocket is closing'
        : `the WebSocket is closed (${code}${reason ? `: ${reason}` : ''})`,
    );
  }
}
