/**
 * What a peer can do wrong, and what the options bound: bad frames, messages over maxPayload, a
 * peer that stops answering pings, a peer that stops reading (send waits) or sends faster than the
 * handler reads (reading pauses), and a peer that vanishes while the handler waits in send.
 */
import { expect } from 'chai';
import type WebSocket from 'ws';
import { openSessions } from '../../runtime/websocket/hub';
import { websocket, WebSocketClosed, type SyncWebSocket } from '../../runtime/websocket';
import { delay, listenersOn, open, recv, send, serve, until, type Served } from './helpers';
import { sleep, twin } from '../koa/helpers';

describe('websocket: limits and misbehaving peers', function () {
  this.timeout(20_000);
  let served: Served | undefined;
  afterEach(async () => {
    await served?.close();
    served = undefined;
  });

  /** A handler that reads until the peer closes, recording what happens. */
  function reader(events: string[]) {
    return function* (ws: SyncWebSocket) {
      try {
        for (let m = yield* recv(ws); m !== null; m = yield* recv(ws)) events.push(`message ${m.length}`);
        events.push(`null ${ws.closeCode}`);
      } finally {
        events.push('finally');
      }
    } as never;
  }

  /** Writes a raw frame on the client's TCP socket, past ws's own framing. */
  function writeRaw(client: WebSocket, frame: number[]): void {
    (client as unknown as { _socket: { write(b: Buffer): void } })._socket.write(Buffer.from(frame));
  }

  it('closes on bad frames: unmasked (1002), a reserved opcode (1002), invalid UTF-8 text (1007)', async () => {
    const events: string[] = [];
    served = await serve((router) => router.get('/r', websocket(reader(events))));
    const frames: Array<[number[], number]> = [
      [[0x81, 0x02, 0x68, 0x69], 1002], // text "hi" without the mask a client must set
      [[0x83, 0x80, 0, 0, 0, 0], 1002], // opcode 3 is reserved
      [[0x81, 0x82, 0, 0, 0, 0, 0xff, 0xfe], 1007], // masked (with zeros) text that is not UTF-8
    ];
    for (const [frame, code] of frames) {
      const client = await open(`${served.url}/r`);
      writeRaw(client.socket, frame);
      expect((await client.closed).code).to.equal(code);
    }
    await until(() => events.length === 6);
    expect(events).to.deep.equal(['null 1002', 'finally', 'null 1002', 'finally', 'null 1007', 'finally']);
    await until(() => openSessions(served!.server) === 0);
  });

  it('closes with 1009 on a message over maxPayload; one at the limit is read', async () => {
    const events: string[] = [];
    served = await serve((router) => router.get('/r', websocket(reader(events), { maxPayload: 1000 })));
    const client = await open(`${served.url}/r`);
    client.send('x'.repeat(1000));
    client.send('x'.repeat(1001));
    expect((await client.closed).code).to.equal(1009);
    await until(() => events.length === 3);
    expect(events).to.deep.equal(['message 1000', 'null 1009', 'finally']);
  });

  it('drops a peer that does not answer pings (heartbeat), keeps one that does, and stops its timer after', async () => {
    const events: string[] = [];
    served = await serve((router) => router.get('/r', websocket(reader(events), { heartbeat: 50 })));
    const timers = () => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
    const before = timers();
    const healthy = await open(`${served.url}/r`);
    const silent = await open(`${served.url}/r`, { autoPong: false });
    expect((await silent.closed).code).to.equal(1006); // terminated: no close frame
    await delay(200);
    expect(healthy.socket.readyState).to.equal(healthy.socket.OPEN);
    healthy.socket.close();
    await healthy.closed;
    await until(() => openSessions(served!.server) === 0);
    expect(events).to.deep.equal(['null 1006', 'finally', 'null 1005', 'finally']);
    expect(timers()).to.be.at.most(before); // the route's interval is cleared with its last connection
  });

  /** 64 KiB messages, numbered in their first bytes. */
  const big = (i: number) => Buffer.alloc(64 * 1024, i % 256).fill(String(i).padStart(8, '0'), 0, 8);

  it('send waits while more than highWaterMark is buffered: a paused peer holds the sender, nothing is lost', async () => {
    const total = 200; // 12.5 MiB: more than loopback's socket buffers take
    let sent = 0;
    let maxBuffered = 0;
    served = await serve((router) => {
      router.get(
        '/flood',
        websocket(
          function* (ws: SyncWebSocket) {
            for (let i = 0; i < total; i++) {
              yield* send(ws, big(i));
              sent++;
              maxBuffered = Math.max(maxBuffered, ws.socket.bufferedAmount);
            }
          } as never,
          { highWaterMark: 256 * 1024 },
        ),
      );
    });
    const client = await open(`${served.url}/flood`);
    client.socket.pause();
    let stalledAt = -1;
    await until(() => {
      const now = sent;
      if (now === stalledAt) return true;
      stalledAt = now;
      return false;
    }, 5000).catch(() => {});
    await delay(200);
    expect(sent).to.equal(stalledAt).and.to.be.below(total); // held while the peer reads nothing
    client.socket.resume();
    for (let i = 0; i < total; i++)
      expect(((await client.next()) as Buffer).subarray(0, 8).toString()).to.equal(String(i).padStart(8, '0'));
    // each send adds one frame at most past the mark before it waits
    expect(maxBuffered).to.be.at.most(256 * 1024 + 64 * 1024 + 16);
  });

  it('throws WebSocketClosed from a send waiting on a peer that vanishes; finally runs and nothing is left', async () => {
    const events: string[] = [];
    let socket: WebSocket | undefined;
    served = await serve((router) => {
      router.get(
        '/flood',
        websocket(
          function* (ws: SyncWebSocket) {
            socket = ws.socket;
            try {
              for (let i = 0; ; i++) yield* send(ws, big(i));
            } catch (e) {
              events.push(e instanceof WebSocketClosed ? `WebSocketClosed ${e.code}` : String(e));
            } finally {
              events.push('finally');
            }
          } as never,
          { highWaterMark: 64 * 1024 },
        ),
      );
    });
    const errors: Error[] = [];
    served.app.on('error', (e: Error) => errors.push(e));
    const client = await open(`${served.url}/flood`);
    client.socket.pause();
    await until(() => (socket?.bufferedAmount ?? 0) > 64 * 1024); // the handler now waits in send
    await delay(100);
    client.socket.terminate();
    await until(() => events.length === 2);
    expect(events).to.deep.equal(['WebSocketClosed 1006', 'finally']);
    await until(() => openSessions(served!.server) === 0);
    expect(listenersOn(socket!)).to.equal(0);
    expect(errors).to.deep.equal([]); // the reset is no error of the app's (Koa let go of the socket at the upgrade)
  });

  it('pauses reading from a peer that sends faster than the handler reads, and loses nothing', async () => {
    const got: string[] = [];
    let pausedSeen = false;
    served = await serve((router) => {
      router.get(
        '/slow',
        websocket(
          function* (ws: SyncWebSocket) {
            yield* twin(sleep)(300); // busy: messages pile up meanwhile
            pausedSeen = ws.socket.isPaused;
            for (let m = yield* recv(ws); m !== null; m = yield* recv(ws)) got.push(String(m).slice(0, 4));
          } as never,
          { highWaterMark: 16 * 1024 },
        ),
      );
    });
    const client = await open(`${served.url}/slow`);
    for (let i = 0; i < 100; i++) client.send(String(i).padStart(4, '0') + 'y'.repeat(10_000));
    await until(() => got.length === 100, 10_000);
    expect(pausedSeen).to.equal(true);
    expect(got).to.deep.equal(Array.from({ length: 100 }, (_, i) => String(i).padStart(4, '0')));
    client.socket.close();
  });
  it("closes promptly when the handler ends while reading is paused (the peer's close reply is still read)", async () => {
    served = await serve((router) => {
      router.get(
        '/quits',
        websocket(
          function* (ws: SyncWebSocket) {
            yield* twin(sleep)(200); // messages pile up past the mark: reading pauses
            expect(ws.socket.isPaused).to.equal(true);
          } as never,
          { highWaterMark: 16 * 1024 },
        ),
      );
    });
    const client = await open(`${served.url}/quits`);
    for (let i = 0; i < 100; i++) client.send('z'.repeat(10_000));
    const started = Date.now();
    expect((await client.closed).code).to.equal(1000);
    expect(Date.now() - started).to.be.below(2000); // not ws's 30 s close timeout
    await until(() => openSessions(served!.server) === 0);
  });
});
