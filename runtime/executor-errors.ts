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

export function serializeError(error: unknown, seen = new Set<unknown>()): SerializedError | { thrown: unknown } {
  if (!(error instanceof Error)) return { thrown: cloneable(error) ? error : cloneableProjection(error) };
  seen.add(error);
  const props: Record<string, unknown> = {};
  for (const key of Object.keys(error)) {
    const value = (error as any)[key];
    if (key !== 'cause' && cloneable(value)) props[key] = value;
  }
  // AggregateError's `errors` is own but not enumerable
  if (error instanceof AggregateError)
    props.errors = error.errors.map((e) => (seen.has(e) ? String(e) : rebuildable(serializeError(e, seen))));
  const serialized: SerializedError = { name: error.name, message: error.message, stack: error.stack, props };
  // a cause that loops back (`e.cause = e`) is cut where it would repeat
  if (error.cause !== undefined && !seen.has(error.cause)) serialized.cause = serializeError(error.cause, seen);
  return serialized;
}

/** An `errors` entry travels as a record and is rebuilt with the AggregateError. */
const REBUILD = '__tsgSerializedError';
function rebuildable(record: SerializedError | { thrown: unknown }): unknown {
  return { [REBUILD]: record };
}

/** A thrown non-Error object that cannot be cloned whole (`{ code, fn }`): its cloneable own properties. */
function cloneableProjection(value: unknown): unknown {
  if (value === null || typeof value !== 'object') return String(value);
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value)) if (cloneable((value as any)[key])) out[key] = (value as any)[key];
  return out;
}

const STANDARD: Record<string, ErrorConstructor> = {
  Error,
  TypeError,
  RangeError,
  SyntaxError,
  ReferenceError,
  EvalError,
  URIError,
};

/** The error to throw in the caller: same name, message, stack and cloneable properties. */
export function rebuildError(record: SerializedError | { thrown: unknown }): unknown {
  if ('thrown' in record) return record.thrown;
  const error = new (STANDARD[record.name] ?? Error)(record.message);
  if (error.name !== record.name)
    Object.defineProperty(error, 'name', { value: record.name, configurable: true, writable: true });
  Object.assign(error, record.props);
  if (Array.isArray(record.props.errors)) {
    const errors = record.props.errors.map((e) =>
      e !== null && typeof e === 'object' && REBUILD in e ? rebuildError((e as any)[REBUILD]) : e,
    );
    Object.defineProperty(error, 'errors', { value: errors, configurable: true, writable: true, enumerable: false });
  }
  if (record.stack !== undefined) error.stack = record.stack;
  if (record.cause !== undefined) error.cause = rebuildError(record.cause);
  return error;
}

function cloneable(value: unknown): boolean {
  return cloneProblem(value) === undefined;
}

/** Why `value` cannot be structured-cloned (to or from a worker), or undefined if it can. */
export function cloneProblem(value: unknown): string | undefined {
  if (typeof value === 'function') return `it is a function${value.name ? ` (${value.name})` : ''}`;
  if (typeof value === 'symbol') return `it is a symbol (${String(value)})`;
  if (value === null || typeof value !== 'object') return undefined;
  try {
    structuredClone(value);
    return undefined;
  } catch (error) {
    return (error as Error).message;
  }
}
