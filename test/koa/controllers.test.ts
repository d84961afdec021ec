import { expect } from 'chai';
import Koa from 'koa';
import Router, { type RouterContext } from '@koa/router';
import { ConfigurationError, getcurrent, protocol } from '../../runtime';
import { del, get, GreenletRouter, mount, patch, post, put } from '../../runtime/koa';
import { listen, sleep, twin, type Running } from './helpers';

/** A controller whose sync-style methods are hand-written protocol code (plain entry + twin). */
class Notes {
  readonly notes = new Map<string, string>([['1', 'first note']]);
  constructor(readonly owner: string) {}

  @get('/notes/:id')
  show(ctx: RouterContext): void {
    return protocol.runPlain(showTwin.call(this, ctx), 'show') as void;
  }

  @post('/notes')
  // eslint-disable-next-line no-unused-private-class-members -- reached through its decorator
  async #create(ctx: RouterContext): Promise<void> {
    await new Promise((resolve) => setTimeout(resolve, 2));
    const id = String(this.notes.size + 1);
    this.notes.set(id, `note ${id}`);
    ctx.status = 201;
    ctx.body = { id, owner: this.owner };
  }

  @put('/notes/:id')
  replace(ctx: RouterContext): void {
    this.notes.set(ctx.params.id, 'replaced'); // a plain method: runs as a greenlet, never waits
    ctx.body = { inGreenlet: getcurrent() !== null, owner: this.owner };
  }

  @patch('/notes/:id')
  @del('/notes/:id')
  touch(ctx: RouterContext): void {
    ctx.body = `${ctx.method} by ${this.owner}`;
  }
}

function* showTwin(this: Notes, ctx: RouterContext): Generator<unknown, void, unknown> {
  yield* twin(sleep)(5);
  const note = this.notes.get(ctx.params.id);
  if (note === undefined) ctx.throw(404, `no note ${ctx.params.id}`);
  ctx.body = { note, owner: this.owner };
}
protocol.setTwin(Notes.prototype.show, showTwin as never, 'show');

/** Overrides `show` without decorating it: the override is what runs. */
class ArchivedNotes extends Notes {
  override show(ctx: RouterContext): void {
    ctx.body = { archived: true, owner: this.owner };
  }
}

describe('koa: controllers (@get/@post/@put/@patch/@del and mount)', () => {
  let running: Running | undefined;
  afterEach(async () => {
    await running?.close();
    running = undefined;
  });

  async function serve(router: Router<any, any>): Promise<string> {
    const app = new Koa();
    app.use(router.routes()).use(router.allowedMethods());
    running = await listen(app);
    return running.url;
  }

  it('runs each handler with `this` bound to its instance: coloured, async (private), plain', async () => {
    const url = await serve(mount(new GreenletRouter(), new Notes('ada')));

    expect(await (await fetch(`${url}/notes/1`)).json()).to.deep.equal({ note: 'first note', owner: 'ada' });
    const created = await fetch(`${url}/notes`, { method: 'POST' });
    expect([created.status, await created.json()]).to.deep.equal([201, { id: '2', owner: 'ada' }]);
    expect(await (await fetch(`${url}/notes/2`)).json()).to.deep.equal({ note: 'note 2', owner: 'ada' });
    expect(await (await fetch(`${url}/notes/2`, { method: 'PUT' })).json()).to.deep.equal({
      inGreenlet: true,
      owner: 'ada',
    });
    expect(await (await fetch(`${url}/notes/2`, { method: 'PATCH' })).text()).to.equal('PATCH by ada');
    expect(await (await fetch(`${url}/notes/2`, { method: 'DELETE' })).text()).to.equal('DELETE by ada');
    const missing = await fetch(`${url}/notes/99`);
    expect([missing.status, await missing.text()]).to.deep.equal([404, 'no note 99']);
  });

  it('keeps instances apart, mounts on a plain Router too, and runs a subclass override', async () => {
    const router = new Router({ prefix: '/b' });
    mount(router, new ArchivedNotes('grace'));
    const other = new GreenletRouter({ prefix: '/a' });
    mount(other, new Notes('ada'));
    router.use(other.routes());
    const url = await serve(router);

    expect(await (await fetch(`${url}/b/notes/1`)).json()).to.deep.equal({ archived: true, owner: 'grace' });
    expect(await (await fetch(`${url}/b/a/notes/1`)).json()).to.deep.equal({ note: 'first note', owner: 'ada' });
  });

  it('says what is wrong when mount gets a class, or a decorator sits on a static method', () => {
    expect(() => mount(new GreenletRouter(), Notes)).to.throw(
      ConfigurationError,
      /the class Notes has no routes.*new Notes\(\)/,
    );
    expect(() => mount(new GreenletRouter(), {})).to.throw(ConfigurationError, /has no routes/);
    expect(() => {
      class Bad {
        @get('/x')
        static list(): void {}
      }
      return Bad;
    }).to.throw(ConfigurationError, /@get\(\/x\) on list: route decorators go on instance methods/);
  });
});
