/**
 * The piscina worker entry: loads the task's module by path (functions cannot be sent to a
 * thread, modules can be loaded there), calls the named export with the cloned arguments and
 * sends back its value, or its error as a record (see `executor-errors.ts`).
 */
import { pathToFileURL } from 'node:url';
import { cloneProblem, serializeError, type ExecutorOutcome } from './executor-errors';

export interface ExecutorTask {
  /** An absolute path or a `node:` builtin. */
  module: string;
  exportName: string;
  args: unknown[];
}

const loaded = new Map<string, Promise<Record<string, unknown>>>();

export default async function runTask(task: ExecutorTask): Promise<ExecutorOutcome> {
  try {
    const fn = await exportedFunction(task.module, task.exportName);
    const value = await fn(...task.args);
    // checked here: a result the thread cannot send would reach the caller as an empty object
    const problem = cloneProblem(value);
    if (problem !== undefined) {
      throw new TypeError(
        `runInExecutor: the result of ${task.exportName} (${task.module}) cannot be sent back from the worker thread: ${problem}. Return structured-cloneable data: plain objects, arrays, strings, numbers, Buffers (no functions, promises or class instances with behaviour).`,
      );
    }
    return { value };
  } catch (error) {
    return { error: serializeError(error) };
  }
}

async function exportedFunction(module: string, exportName: string): Promise<(...args: unknown[]) => unknown> {
  let mod = loaded.get(module);
  if (!mod) {
    loaded.set(module, (mod = load(module)));
    mod.catch(() => loaded.delete(module)); // a module that failed to load is tried again next time
  }
  const exports = await mod;
  const fn = exports[exportName] ?? (exports.default as Record<string, unknown> | undefined)?.[exportName];
  if (typeof fn !== 'function') {
    throw new TypeError(`runInExecutor: ${module} has no exported function '${exportName}'.`);
  }
  return fn as (...args: unknown[]) => unknown;
}

/** `require` (CommonJS, and ES modules on Node >= 20.19); `import()` for what require refuses. */
async function load(module: string): Promise<Record<string, unknown>> {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- the task module is named at run time
    return require(module);
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code !== 'ERR_REQUIRE_ESM' && code !== 'ERR_REQUIRE_ASYNC_MODULE') throw error;
    return import(module.startsWith('node:') ? module : pathToFileURL(module).href);
  }
}
