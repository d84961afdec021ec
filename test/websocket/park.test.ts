/**
 * A `recv()` that waits parks the greenlet on the connection with no promise (`parkOn`), and the
 * socket's events wake it. These are the ways a greenlet can leave such a park without the
 * connection's help; none may lose a message or wake the greenlet where it no longer waits.
 */
import { expect } from 'chai';
import { getcurrent, protocol, type Greenlet } from '../../runtime';
import { websocket, type SyncWebSocket } from '../../runtime/websocket';
import { delay, open, recv, send, serve, until, type Served } from './helpers';

describe('websocket: recv parks without a promise', () => {
  let served: Served | undefined;
  afterEach(async () => {
    await served?.close();
    served = undefined;
  });

  it('keeps the message for the next recv when an untransformed caller could not wait in recv', async () => {
    const seen: unknown[] = [];
    served = await serve((router) => {
      router.get(
        '/left',
        websocket(function* (ws: SyncWebSocket) {
          try {
            protocol.runPlain(recv(ws), 'untransformedReader'); // parks, then is told it cannot wait
          } catch (e) {
            seen.push((e as Error).name);
          }
          seen.push(yield* recv(ws));
          yield* send(ws, 'done');
        } as never),
      );
    });
    const client = await open(`${served.url}/left`);
    await until(() => seen.length === 1);
    client.send('kept');
    expect(await client.next()).to.equal('done');
    expect(seen).to.deep.equal(['ScopeError', 'kept']);
  });

  it('does not wake a greenlet with one connection’s message while it waits on another’s', async () => {
    const seen: unknown[] = [];
    let first: SyncWebSocket | undefined;
    let reader: Greenlet | null = null;
    let done!: () => void;
    const release = new Promise<void>((resolve) => (done = resolve));
    served = await serve((router) => {
      router.get(
        '/first',
        websocket(function* (ws: SyncWebSocket) {
          first = ws;
          yield release; // reads nothing itself: the other connection's handler does
        } as never),
      );
      router.get(
        '/second',
        websocket(function* (ws: SyncWebSocket) {
          reader = getcurrent();
          try {
            protocol.runPlain(recv(first!), 'untransformedReader'); // leaves `first` a stale reader
          } catch {
            // ScopeError, as above
          }
          seen.push(yield* recv(ws)); // parked on its own connection
          seen.push(yield* recv(first!)); // `first`'s message, queued meanwhile
        } as never),
      );
    });
    const a = await open(`${served.url}/first`);
    await until(() => first !== undefined);
    const b = await open(`${served.url}/second`);
    await until(() => reader !== null);
    a.send('for first');
    await delay(50);
    expect(seen).to.deep.equal([]); // not woken by `first`'s message
    b.send('for second');
    await until(() => seen.length === 2);
    expect(seen).to.deep.equal(['for second', 'for first']);
    done();
  });
});
