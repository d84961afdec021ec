/** `npm start`: open the database (PGlite in ./data unless DATABASE_URL is set) and serve. */
import { closeDatabase, openDatabase } from './db';
import { createApp } from './app';
import { attachWebSockets } from 'ts-greenlet/websocket';

async function main(): Promise<void> {
  await openDatabase(process.env.DATABASE_URL ? undefined : (process.env.DATA_DIR ?? `${__dirname}/../data`));
  const port = Number(process.env.PORT ?? 3000);
  const app = createApp();
  const server = app.listen(port, () => {
    console.log(`notes service on http://localhost:${port}  (try: curl localhost:${port}/notes)`);
  });
  attachWebSockets(server, app); // the live page's WebSocket (/live/notes) goes through the app
  const stop = () => server.close(() => void closeDatabase().then(() => process.exit(0)));
  process.on('SIGINT', stop).on('SIGTERM', stop);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
