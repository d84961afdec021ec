/**
 * The heartbeat of one `websocket()` route: one timer for all its connections (not one each),
 * running only while it has some. Every interval a connection that has not answered the last
 * ping (nor sent anything since) is dropped, and the others are pinged.
 */
import type { WebSocket } from 'ws';
import { connectionOf, type SyncWebSocket } from './connection';

export class Heartbeat {
  private readonly connections = new Set<SyncWebSocket>();
  private timer: NodeJS.Timeout | null = null;

  constructor(private readonly interval: number) {}

  add(conn: SyncWebSocket): void {
    conn.alive = true;
    conn.socket.on('pong', onPong);
    this.connections.add(conn);
    // unref'd: a heartbeat alone does not keep the process alive (its sockets do)
    this.timer ??= setInterval(() => this.beat(), this.interval).unref();
  }

  remove(conn: SyncWebSocket): void {
    conn.socket.off('pong', onPong);
    this.connections.delete(conn);
    if (this.connections.size === 0 && this.timer !== null) {
      clearInterval(this.timer);
      this.timer = null;
    }
  }

  private beat(): void {
    for (const conn of this.connections) {
      const socket = conn.socket;
      // A paused socket is one whose handler reads slower than the peer sends: its pongs sit
      // unread behind the messages, and the peer has shown it is there.
      if (!conn.alive && !socket.isPaused) {
        socket.terminate(); // its `close` (1006) ends recv/send and removes it from here
        continue;
      }
      conn.alive = false;
      socket.ping();
    }
  }
}

function onPong(this: WebSocket): void {
  connectionOf(this).alive = true;
}
