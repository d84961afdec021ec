/** The `ws` clients bench:ws and bench:ws-heap open against a server's `/echo`. */
import WebSocket from 'ws';

/** `n` open connections to 127.0.0.1:`port`/echo, opened in batches of a hundred. */
export async function connect(port: number, n: number): Promise<WebSocket[]> {
  const clients: WebSocket[] = [];
  for (let i = 0; i < n; i += 100) {
    // in batches: a thousand SYNs at once overflow the listen backlog and cost seconds of retries
    const batch = Array.from(
      { length: Math.min(100, n - i) },
      () => new WebSocket(`ws://127.0.0.1:${port}/echo`, { perMessageDeflate: false }),
    );
    await Promise.all(
      batch.map((ws) => new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject))),
    );
    clients.push(...batch);
  }
  return clients;
}
