/**
 * Errors crossing the worker-thread boundary. Structured cloning keeps an Error's message and
 * stack but drops its own properties (`status`, `expose`, `code`) that Koa and callers rely on,
 * so the worker sends a plain record and the caller's thread rebuilds the error from it.
 */
export interface SerializedError {
  name: string;
  message: string;
  stack: string | undefined;
  /** Own enumerable properties that survive structured cloning. */
  props: Record<string, unknown>;
  cause?: SerializedError | { thrown: unknown };
}

/** What the worker sends back for one task. */
export type ExecutorOutcome = { value: unknown } | { error: SerializedError | { thrown: unknown } };

export function serializeError(error: unknown): SerializedError | { thrown: unknown } {
  if (!(error instanceof Error)) return { thrown: cloneable(error) ? error : String(error) };
  const props: Record<string, unknown> = {};
  for (const key of Object.keys(error)) {
    const value = (error as any)[key];
    if (key !== 'cause' && cloneable(value)) props[key] = value;
  }
  const serialized: SerializedError = { name: error.name, message: error.message, stack: error.stack, props };
  if (error.cause !== undefined) serialized.cause = serializeError(error.cause);
  return serialized;
}

const STANDARD: Record<string, ErrorConstructor> = {
  Error, TypeError, RangeError, SyntaxError, ReferenceError, EvalError, URIError,
};

/** The error to throw in the caller: same name, message, stack and cloneable properties. */
export function rebuildError(record: SerializedError | { thrown: unknown }): unknown {
  if ('thrown' in record) return record.thrown;
  const error = new (STANDARD[record.name] ?? Error)(record.message);
  if (error.name !== record.name) Object.defineProperty(error, 'name', { value: record.name, configurable: true, writable: true });
  Object.assign(error, record.props);
  if (record.stack !== undefined) error.stack = record.stack;
  if (record.cause !== undefined) error.cause = rebuildError(record.cause);
  return error;
}

function cloneable(value: unknown): boolean {
  if (typeof value === 'function' || typeof value === 'symbol') return false;
  if (value === null || typeof value !== 'object') return true;
  try {
    structuredClone(value);
    return true;
  } catch {
    return false;
  }
}
