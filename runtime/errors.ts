/**
 * The runtime's error types. Names and `instanceof` behaviour are part of the public contract.
 */

/**
 * A synchronized function (or coloured code) tried to wait outside a greenlet, or from code the
 * transformer did not rewrite. The message names the function and says what to do, like
 * aiopyramid's `ScopeError`.
 */
export class ScopeError extends Error {
  override name = 'ScopeError';
  /** The function that tried to suspend. */
  readonly functionName: string;
  constructor(functionName: string, message?: string) {
    super(message ?? outsideGreenletMessage(functionName));
    this.functionName = functionName;
  }
}

/** `synchronize` was given something it cannot wrap (not a function, or a generator function). */
export class ConfigurationError extends Error {
  override name = 'ConfigurationError';
}

/**
 * Thrown into a greenlet at its suspension point by `Greenlet.cancel()`. `finally` blocks run (and
 * may suspend); the greenlet's promise then rejects with this error unless the greenlet caught it.
 */
export class GreenletExit extends Error {
  override name = 'GreenletExit';
  /** What `cancel(reason)` was given, if anything (an `AbortSignal`'s reason, say). */
  readonly reason: unknown;
  constructor(reason?: unknown) {
    super(reason === undefined ? 'greenlet cancelled' : `greenlet cancelled: ${describe(reason)}`);
    this.reason = reason;
  }
}

function describe(reason: unknown): string {
  if (reason instanceof Error) return reason.message;
  return String(reason);
}

/** ScopeError text for a call made where no greenlet is running. */
export function outsideGreenletMessage(fn: string): string {
  return (
    `${fn}() was called outside a greenlet and has to wait for a promise. ` +
    `Run the first plain function on this call path with spawnGreenlet(fn, ...args) ` +
    `(or mount it through ts-greenlet/koa); inside an async function the ts-greenlet transformer ` +
    `awaits such calls for you, so check that this file is compiled with the transformer. ` +
    `To get the promise instead of this error, synchronize it with { strict: false }.`
  );
}

/** ScopeError text for coloured code that was called from a place the transformer did not rewrite. */
export function untransformedCallerMessage(fn: string): string {
  return (
    `${fn}() has to wait for a promise, but it was called from code that the ts-greenlet ` +
    `transformer did not rewrite (a library callback, a getter, a constructor, plain JavaScript, ` +
    `or a call through 'any'), so nothing can suspend it. Call it from transformed code, or start ` +
    `a greenlet at that point with spawnGreenlet(${fn}, ...args) and use its promise.`
  );
}
