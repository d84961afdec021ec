/**
 * ts-greenlet runtime: sync-looking code that waits on promises without blocking the event loop.
 * The public names here are a contract (see the README); `protocol` is what transformed code uses.
 *
 * Each name is a plain data property, not a re-export (as in `protocol-exports.ts`): TypeScript
 * compiles `export { x } from` to `exports.x = void 0` and then a getter, which turns the exports
 * object into a dictionary, and compiled callers read it on every call (`(0,
 * ts_greenlet_1.spawnGreenlet)(...)`): a generic load and a getter call, ~80 instructions a spawn.
 */
import * as errors from './errors';
import * as greenlet from './greenlet';
import * as sync from './synchronize';
import * as protocolModule from './protocol';
import * as executor from './executor';
import * as protocolExports from './protocol-exports';

export type { GreenletOptions } from './greenlet';
export type { NonStrict, Synchronized, SynchronizeOptions, SynchronizeWith } from './synchronize';
export type { ExecutorOptions, RunInExecutor } from './executor';

export const ScopeError = errors.ScopeError;
export type ScopeError = errors.ScopeError;
export const ConfigurationError = errors.ConfigurationError;
export type ConfigurationError = errors.ConfigurationError;
export const GreenletExit = errors.GreenletExit;
export type GreenletExit = errors.GreenletExit;

export const Greenlet = greenlet.Greenlet;
export type Greenlet<T = unknown> = greenlet.Greenlet<T>;
export const getcurrent = greenlet.getcurrent;
export const spawnGreenlet = greenlet.spawnGreenlet;
export const spawnGreenletWith = greenlet.spawnGreenletWith;

export const synchronize = sync.synchronize;
export const awaitSync = sync.awaitSync;
export const spawnGreenletOnScopeError = sync.spawnGreenletOnScopeError;
/**
 * The brand of a synchronized function's type: a key for types; at run time `undefined`, as it
 * always was (an export that ES modules importing it by name still find).
 */
export const SYNCHRONIZED: typeof sync.SYNCHRONIZED = undefined as never;
/** The mark of a synchronized function whose plain entry returns its promise (`synchronize.ts`). */
export const NON_STRICT: typeof sync.NON_STRICT = undefined as never;

export const isGenerator = protocolModule.isGenerator;
export const useExecutor = executor.useExecutor;
export const runInExecutor = executor.runInExecutor;
export const protocol = protocolExports;
