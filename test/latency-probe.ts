/**
 * A separate process that measures how fast a server answers, for the executor test. It has to
 * be out of process: a client on the server's own event loop is blocked whenever the server is,
 * so it could not even send a request while the loop burns.
 *
 * Protocol (IPC): `{ start: url, every: ms }` → replies `'started'`, pings `url` every `ms`;
 * `'stop'` → replies with the latencies (ms from sending to having read the response), then exits.
 */
let stopped = false;
let stopRequested: () => void = () => {};

process.on('message', async (message: { start: string; every: number } | 'stop') => {
  if (message === 'stop') {
    stopped = true;
    stopRequested();
    return;
  }
  const latencies: number[] = [];
  await ping(message.start); // warm: open the connection before measuring
  process.send!('started');
  while (!stopped) {
    latencies.push(await ping(message.start));
    await new Promise<void>((resolve) => {
      stopRequested = resolve;
      setTimeout(resolve, message.every);
    });
  }
  process.send!(latencies, () => process.exit(0));
});

async function ping(url: string): Promise<number> {
  const t0 = performance.now();
  const res = await fetch(url);
  await res.arrayBuffer();
  if (!res.ok) throw new Error(`${url}: ${res.status}`);
  return performance.now() - t0;
}
