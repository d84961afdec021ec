/**
 * ts-greenlet runtime: sync-looking code that waits on promises without blocking the event loop.
 * The public names here are a contract (see the README); `protocol` is what transformed code uses.
 */
export { ScopeError, ConfigurationError, GreenletExit } from './errors';
export { Greenlet, getcurrent, spawnGreenlet, spawnGreenletWith, type GreenletOptions } from './greenlet';
export {
  synchronize,
  awaitSync,
  spawnGreenletOnScopeError,
  type Synchronized,
  type SynchronizeOptions,
  type SynchronizeWith,
  SYNCHRONIZED,
} from './synchronize';
export { isGenerator } from './protocol';
export { useExecutor, runInExecutor, type ExecutorOptions, type RunInExecutor } from './executor';
import * as protocol from './protocol-exports';
export { protocol };
