/**
 * `ts-greenlet/koa`: Koa 3 handlers, middleware and controllers written as sync-style code and
 * run as greenlets; routes that run in the worker-thread executor.
 */
export { greenlet, type GreenletHandler } from './greenlet';
export { GreenletRouter, type GreenletRouterHandler, type GreenletParamHandler } from './greenlet-router';
export { get, post, put, patch, del, mount, type RouteDecorator } from './controllers';
export { inExecutor, requestSnapshot, type ExecutorRequest, type InExecutorOptions } from './in-executor';
export { CLIENT_DISCONNECTED } from './disconnect';
export type { SyncNext } from './synchronized-next';
