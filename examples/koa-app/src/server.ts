/** `npm start`: open the database (PGlite in ./data unless DATABASE_URL is set) and serve. */
import type { AddressInfo } from 'node:net';
import { closeDatabase, openDatabase } from './db';
import { createApp } from './app';
import { createServer, stopGracefullyOnSignals } from './serve';
import { attachWebSockets } from 'ts-greenlet/websocket';

async function main(): Promise<void> {
  await openDatabase(process.env.DATABASE_URL ? undefined : (process.env.DATA_DIR ?? `${__dirname}/../data`));
  const app = createApp();
  const server = createServer(app).listen(Number(process.env.PORT ?? 3000), () => {
    const { port } = server.address() as AddressInfo; // PORT=0 picks a free one
    console.log(`notes service on http://localhost:${port}  (try: curl localhost:${port}/notes)`);
  });
  attachWebSockets(server, app); // the live page's WebSocket (/live/notes) goes through the app
  stopGracefullyOnSignals(server, closeDatabase);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
