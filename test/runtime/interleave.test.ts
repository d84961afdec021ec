/** Greenlets share the event loop: they interleave, and timers and I/O run while one waits. */
import { expect } from 'chai';
import { promises as fs } from 'node:fs';
import * as http from 'node:http';
import { AddressInfo } from 'node:net';
import { spawnGreenlet, synchronize } from '../../runtime';
import { colour, sleep, twin } from '../helpers/coloured';

const readFile = synchronize((path: string) => fs.readFile(path, 'utf8'));

describe('runtime: interleaving', () => {
  it('runs a greenlet synchronously up to its first suspension', async () => {
    const log: string[] = [];
    const f = colour('f', function* f$twin() {
      log.push('before');
      yield* twin(sleep)(1);
      log.push('after');
    });
    const done = spawnGreenlet(f);
    log.push('spawned');
    await done;
    expect(log).to.deep.equal(['before', 'spawned', 'after']);
  });

  it('interleaves two greenlets at their suspension points', async () => {
    const log: string[] = [];
    const worker = colour('worker', function* worker$twin(name: string, ms: number) {
      for (let i = 0; i < 3; i++) {
        log.push(`${name}${i}`);
        yield* twin(sleep)(ms);
      }
      return name;
    });
    // a waits 10 ms a step, b 50 ms: a2 (~20 ms) and b1 (~50 ms) are far apart, so timer jitter
    // on a loaded machine cannot reorder them.
    const results = await Promise.all([spawnGreenlet(worker, 'a', 10), spawnGreenlet(worker, 'b', 50)]);
    expect(results).to.deep.equal(['a', 'b']);
    expect(log).to.deep.equal(['a0', 'b0', 'a1', 'a2', 'b1', 'b2']);
  });

  it('interleaves greenlets whose frames are explicit call records', async () => {
    const log: string[] = [];
    const step = colour('step', function* step$twin(name: string, i: number) {
      log.push(`${name}${i}`);
      yield Promise.resolve(); // a microtask-level suspension: still a turn for the other greenlet
    });
    const run = colour('run', function* run$twin(name: string) {
      for (let i = 0; i < 3; i++) yield twin(step)(name, i);
    });
    await Promise.all([spawnGreenlet(run, 'a'), spawnGreenlet(run, 'b')]);
    expect(log).to.deep.equal(['a0', 'b0', 'a1', 'b1', 'a2', 'b2']);
  });

  it('lets a timer tick while a greenlet waits', async () => {
    let ticks = 0;
    const interval = setInterval(() => ticks++, 5);
    let ticksDuringWait = -1;
    try {
      await spawnGreenlet(
        colour('waiter', function* waiter$twin() {
          const before = ticks;
          yield* twin(sleep)(100); // ~20 intervals; asking for 3 leaves room for a slow machine
          ticksDuringWait = ticks - before;
        }),
      );
    } finally {
      clearInterval(interval);
    }
    expect(ticksDuringWait).to.be.at.least(3);
  });

  it('serves I/O (an HTTP request and a file read) while another greenlet waits', async () => {
    const server = http.createServer((_req, res) => res.end('pong'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const log: string[] = [];
    try {
      const slow = spawnGreenlet(
        colour('slow', function* slow$twin() {
          log.push('slow: waiting');
          yield* twin(sleep)(300);
          log.push('slow: done');
        }),
      );
      const body = await fetch(`http://127.0.0.1:${port}/`).then((r) => r.text());
      log.push(`fetched ${body}`);
      const text = await spawnGreenlet(
        colour('reader', function* reader$twin() {
          return yield* twin(readFile)(__filename);
        }),
      );
      log.push(`read ${text.length > 0}`);
      await slow;
    } finally {
      server.close();
    }
    expect(log).to.deep.equal(['slow: waiting', 'fetched pong', 'read true', 'slow: done']);
  });
});
