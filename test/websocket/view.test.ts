/**
 * `websocket(ViewClass)`: a `WebSocketConnectionView` per connection, its hooks run in the
 * connection's greenlet. A coloured hook is written as the transformer emits a method
 * (its twin registered on the prototype, as `methodTwins` does); a plain and an async hook too.
 */
import { expect } from 'chai';
import type { Context } from 'koa';
import { protocol } from '../../runtime';
import { websocket, WebSocketConnectionView, type Message } from '../../runtime/websocket';
import { open, serve, until, type Served } from './helpers';
import { sleep, twin } from '../koa/helpers';

describe('websocket: WebSocketConnectionView', () => {
  let served: Served | undefined;
  afterEach(async () => {
    await served?.close();
    served = undefined;
  });

  it('calls onOpen, onMessage per message in order, and onClose with the code and reason', async () => {
    const log: string[] = [];
    class Shout extends WebSocketConnectionView<Context> {
      onOpen(): void {
        log.push(`open ${this.ctx.path}`); // a plain hook
      }
      onMessage(_message: Message): void {
        throw new Error('the plain entry ran');
      }
      async onClose(code: number, reason: string): Promise<void> {
        await new Promise((resolve) => setTimeout(resolve, 5)); // an async hook is waited for
        log.push(`close ${code} ${reason}`);
      }
    }
    protocol.setTwin(
      Shout.prototype.onMessage,
      function* (this: Shout, message: Message) {
        yield* twin(sleep)(1);
        yield* twin(this.send).call(this, String(message).toUpperCase());
        log.push(`message ${message}`);
      } as never,
      'Shout.onMessage',
    );
    served = await serve((router) => router.get('/shout', websocket(Shout)));
    const client = await open(`${served.url}/shout`);
    client.send('a');
    client.send('b');
    expect([await client.next(), await client.next()]).to.deep.equal(['A', 'B']);
    client.socket.close(4002, 'done');
    await until(() => log.length === 4);
    expect(log).to.deep.equal(['open /shout', 'message a', 'message b', 'close 4002 done']);
  });

  it('calls onClose with 1011 after a hook throws, and closes the socket with 1011', async () => {
    const log: string[] = [];
    class Fails extends WebSocketConnectionView {
      onMessage(): void {
        throw new Error('bad message');
      }
      onClose(code: number): void {
        log.push(`close ${code}`);
      }
    }
    served = await serve((router, app) => {
      app.on('error', (e: Error) => log.push(e.message));
      router.get('/fails', websocket(Fails));
    });
    const client = await open(`${served.url}/fails`);
    client.send('x');
    expect((await client.closed).code).to.equal(1011);
    await until(() => log.length === 2);
    expect(log).to.deep.equal(['close 1011', 'bad message']);
  });
});
