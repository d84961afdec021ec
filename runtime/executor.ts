/**
 * The executor: blocking or CPU-heavy module-level functions run in a worker-thread pool and are
 * called sync-style from a greenlet (the seed's `loop.run_in_executor`).
 *
 * ```ts
 * useExecutor({ maxThreads: 4 });                                    // optional
 * const digest = runInExecutor(require.resolve('./hashing'), 'pbkdf2', password); // in a greenlet
 * ```
 *
 * Functions cannot be sent to another thread, so a task names its function by module path and
 * export; the worker loads the module (once per thread) and calls it. Arguments and results are
 * structured-cloned; errors come back with their name, message, stack and properties.
 *
 * Why piscina: it is the pool the Node.js ecosystem settled on (maintained by Node core
 * contributors, used by Fastify and Vitest), and it already does what a hand-written pool would
 * get wrong at first: task hand-off through Atomics rather than a message event per task, a
 * queue with back-pressure, an AbortSignal per task that terminates a worker stuck in a task
 * nobody waits for, replacement of crashed workers, and idle workers that are unref'd and reaped
 * so an idle pool neither burns memory nor keeps the process alive.
 */
import { availableParallelism } from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Piscina } from 'piscina';
import { ConfigurationError, GreenletExit } from './errors';
import type { ExecutorOutcome } from './executor-errors';
import { rebuildError } from './executor-errors';
import type { ExecutorTask } from './executor-worker';
import { noteSuspendedFrames, scopeErrorFor } from './greenlet';
import { setTwin } from './protocol';
import { requirePeer } from './peer';
import type { SYNCHRONIZED } from './synchronize';

export interface ExecutorOptions {
  /**
   * Most threads the pool runs at once. Default: one per core but one, so CPU-heavy tasks leave a
   * core to the event loop (the point of the executor) and gain nothing from more threads than
   * cores; at least 1. Raise it for blocking I/O (the seed's ThreadPoolExecutor has 150 threads;
   * a worker thread costs ~10 MB, far more than a Python thread).
   */
  maxThreads?: number;
  /** Threads kept alive while idle; default 1. */
  minThreads?: number;
  /** Milliseconds an idle thread above `minThreads` lives on; default 10 000. */
  idleTimeout?: number;
  /** Tasks that may wait for a thread before `runInExecutor` fails; default unbounded. */
  maxQueue?: number;
}

const WORKER = path.join(__dirname, 'executor-worker.js');

let configured: ExecutorOptions = {};
let pool: Piscina | null = null;

/**
 * Configures the pool. Tasks already running finish on the old pool; later calls use the new
 * one, which starts with the first task. Not calling it at all gives the defaults.
 */
export function useExecutor(options: ExecutorOptions = {}): void {
  for (const key of ['maxThreads', 'minThreads'] as const) {
    const n = options[key];
    if (n !== undefined && !(Number.isInteger(n) && n >= (key === 'maxThreads' ? 1 : 0))) {
      throw new ConfigurationError(
        `useExecutor: ${key} must be a ${key === 'maxThreads' ? 'positive' : 'non-negative'} integer; got ${n}.`,
      );
    }
  }
  configured = { ...options };
  const old = pool;
  pool = null;
  void old?.close();
}

function currentPool(): Piscina {
  if (pool) return pool;
  // Loaded on first use, so programs that never use the executor never load piscina.
  const { Piscina } = requirePeer<typeof import('piscina')>('piscina', '^5.3.2', 'runInExecutor (the executor)');
  const maxThreads = configured.maxThreads ?? Math.max(1, availableParallelism() - 1);
  pool = new Piscina({
    filename: WORKER,
    maxThreads,
    minThreads: Math.min(configured.minThreads ?? 1, maxThreads),
    idleTimeout: configured.idleTimeout ?? 10_000,
    maxQueue: configured.maxQueue ?? Infinity,
  });
  return pool;
}

type AnyFunction = (...args: any[]) => any;

/**
 * A synchronized call of `module`'s export `exportName` in the pool. Give the function's type for
 * typed arguments and result: `runInExecutor<typeof import('./hashing').pbkdf2>(path, 'pbkdf2', pw)`.
 */
export type RunInExecutor = (<F extends AnyFunction = (...args: unknown[]) => unknown>(
  module: string | URL,
  exportName: string,
  ...args: Parameters<F>
) => Awaited<ReturnType<F>>) & { readonly [SYNCHRONIZED]: true };

/**
 * Calls `module`'s export `exportName(...args)` in a worker thread; inside a greenlet it suspends
 * until the worker is done and returns its result, or throws its error. `module` is an absolute
 * path (`require.resolve('./tasks')`), a `file:` URL, or a `node:` builtin. A greenlet cancelled
 * while it waits (`GreenletExit`, a client that disconnected) aborts the task.
 */
export const runInExecutor: RunInExecutor = setTwin(
  function runInExecutor(): never {
    throw scopeErrorFor('runInExecutor');
  },
  function* runInExecutorTwin(module: string | URL, exportName: string, ...args: unknown[]) {
    const task: ExecutorTask = { module: modulePath(module), exportName, args };
    const abort = new AbortController();
    let outcome: ExecutorOutcome;
    try {
      outcome = (yield currentPool().run(task, { signal: abort.signal })) as ExecutorOutcome;
    } catch (error) {
      if (error instanceof GreenletExit) abort.abort(error); // nobody waits for the result now
      noteSuspendedFrames(error);
      throw error;
    }
    if ('value' in outcome) return outcome.value;
    const error = rebuildError(outcome.error);
    noteSuspendedFrames(error);
    throw error;
  },
  'runInExecutor',
) as never;

function modulePath(module: string | URL): string {
  if (module instanceof URL || module.startsWith('file:')) return fileURLToPath(module);
  if (path.isAbsolute(module) || module.startsWith('node:')) return module;
  throw new ConfigurationError(
    `runInExecutor needs the module as an absolute path, a file: URL or a node: builtin; got '${module}'. ` +
      `Worker threads load it by path: pass require.resolve('${module}') or path.join(__dirname, ...).`,
  );
}
