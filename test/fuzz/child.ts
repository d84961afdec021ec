/**
 * The fuzzer's executor: a forked process that requires generated program modules one at a time,
 * calls their `run()` and sends back what they did. One child runs a whole batch, so Node starts
 * once per batch rather than once per program.
 */
import type { Outcome } from './harness';

export interface RunRequest {
  id: number;
  files: string[];
  timeoutMs: number;
}

export type RunResult = (Outcome & { unhandled: number }) | { crash: string } | { timeout: true };

export interface RunReply {
  id: number;
  results: RunResult[];
}

let unhandled = 0;
process.on('unhandledRejection', () => void unhandled++);
process.on('uncaughtException', () => void unhandled++);

async function runOne(file: string, timeoutMs: number): Promise<RunResult> {
  unhandled = 0;
  let timer: NodeJS.Timeout | undefined;
  try {
    const mod = require(file) as { run(): Promise<Outcome> };
    const timeout = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), timeoutMs)));
    const out = await Promise.race([mod.run(), timeout]);
    if (out === 'timeout') return { timeout: true };
    // let a stray rejection of this program surface before the next one starts
    await new Promise((resolve) => setImmediate(resolve));
    return { trace: out.trace, results: out.results, g: out.g, bag: out.bag, unhandled };
  } catch (e) {
    return { crash: e instanceof Error ? `${e.name}: ${e.message}` : String(e) };
  } finally {
    clearTimeout(timer);
  }
}

// the fuzzer went away (killed, ^C): do not linger
process.on('disconnect', () => process.exit(0));

process.on('message', async (msg: RunRequest) => {
  const results: RunResult[] = [];
  for (const f of msg.files) results.push(await runOne(f, msg.timeoutMs));
  process.send!({ id: msg.id, results } satisfies RunReply);
});
