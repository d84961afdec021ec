/**
 * `ts-greenlet/websocket`: WebSocket handlers in sync style on `ws`, routed through the Koa app.
 *
 * ```ts
 * router.get('/chat', websocket((ws, ctx) => {
 *   for (let m = ws.recv(); m !== null; m = ws.recv()) ws.send(`${ctx.state.user}: ${m}`);
 * }));
 * app.use(router.routes());
 * attachWebSockets(app.listen(3000), app);
 * ```
 */
export { websocket, type WebSocketHandler } from './route';
export { attachWebSockets } from './upgrade';
export { WebSocketConnectionView, type ViewClass } from './view';
export { WebSocketClosed, SERVER_SHUTDOWN } from './closed';
export { SyncWebSocket, type Message, type Sendable } from './connection';
export type { WebSocketOptions } from './options';
