/**
 * Logical call chains for errors that escape a greenlet, the way V8's async stack traces show an
 * await chain. Two sources, both read only on the error path, kept in one list by the greenlet
 * (innermost first):
 *
 * - frames delegating with `yield*` are on the native stack where an error arrives in a frame
 *   (a suspension twin's catch, `resumeInline` of an inline wait or of a marked record), so they
 *   are captured there (`captureSuspendedFrames`), once per segment of `yield*` frames;
 * - frames on the trampoline's explicit stack with no captured segment are named by their twin
 *   (`FRAME_NAME`) as the error unwinds through them.
 *
 * ```
 * Error: connection reset
 *     at Socket.<anonymous> (db.js:40:13)
 *     greenlet handler: call chain, outermost first
 *     at handler (app.ts:12:5)
 *     at loadUser (repo.ts:7:10)
 * ```
 */
const annotated = new WeakSet<object>();

/** Where the trampoline's own frames start: everything below is the event loop, not the chain. */
const TRAMPOLINE_FRAME = /\bat (?:Greenlet\.(?:step|start|run|cancel)|spawnGreenlet|runPlain)\b/;
/** V8 shows each generator resumption as its own frame: `at leaf$twin.throw (<anonymous>)`. */
const RESUME_FRAME = /\.(?:next|throw|return) \(<anonymous>\)$/;
const RUNTIME_DIR = __dirname;
/** Most frames a call chain shows: the outermost `CHAIN_OUTER`, then the innermost the rest. */
const CHAIN_LIMIT = 100;
const CHAIN_OUTER = 20;

/**
 * The coloured frames on the native stack below `below` (the function that asks), innermost
 * first, down to the trampoline: the `yield*` frames an error is passing through.
 */
export function captureSuspendedFrames(below: Function): string[] {
  const holder: { stack?: string } = {};
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 200;
  Error.captureStackTrace(holder, below);
  Error.stackTraceLimit = limit;
  const frames: string[] = [];
  for (const line of (holder.stack ?? '').split('\n').slice(1)) {
    if (TRAMPOLINE_FRAME.test(line)) break;
    // `Function.` prefixes a twin called as `f[TWIN]()`, the receiver being the plain function.
    if (!RESUME_FRAME.test(line) && !line.includes(RUNTIME_DIR))
      frames.push(line.trim().replace(/^at (?:Function\.)?/, ''));
  }
  return frames;
}

/** Appends the greenlet's logical call chain (`unwound`, innermost first) to `error.stack`, outermost first. */
export function appendCallChain(error: unknown, unwound: readonly string[], greenlet: string): void {
  if (!isObject(error) || annotated.has(error)) return;
  const stack = (error as { stack?: unknown }).stack;
  if (typeof stack !== 'string') return;
  annotated.add(error);
  let chain = [...unwound].reverse();
  if (chain.length === 0) return;
  if (chain.length > CHAIN_LIMIT) {
    // A deep recursion would otherwise append a line per frame (megabytes at a million frames).
    const outer = chain.slice(0, CHAIN_OUTER);
    const inner = chain.slice(chain.length - (CHAIN_LIMIT - CHAIN_OUTER));
    chain = [...outer, `... ${chain.length - outer.length - inner.length} more frames ...`, ...inner];
  }
  try {
    (error as { stack: string }).stack =
      `${stack}\n    greenlet ${greenlet}: call chain, outermost first\n` +
      chain.map((f) => (f.startsWith('...') ? `    ${f}` : `    at ${f}`)).join('\n');
  } catch {
    // a frozen error keeps its stack as it was
  }
}

export function isObject(x: unknown): x is object {
  return (typeof x === 'object' && x !== null) || typeof x === 'function';
}
