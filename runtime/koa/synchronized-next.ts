/**
 * The `next` a sync-style handler receives. Transformed code calls its twin, which suspends the
 * greenlet until the downstream chain is done; untransformed code calls the plain form and gets
 * Koa's promise, as from Koa's own `next`, so ordinary middleware keeps working unchanged.
 * It is `synchronize(next, { strict: false })` minus the naming work synchronize does once per
 * function, which would otherwise be paid on every request.
 */
import type { Next } from 'koa';
import { noteSuspendedFrames } from '../call-chain';
import { TWIN } from '../protocol';
import type { Synchronized } from '../synchronize';

/** Koa's `next`, callable like a plain function from greenlet code: returns when downstream is done. */
export type SyncNext = Synchronized<Next>;

export function synchronizedNext(next: Next): SyncNext {
  const plain = () => next();
  (plain as any)[TWIN] = function* nextTwin(): Generator<unknown, unknown, unknown> {
    try {
      return yield next();
    } catch (error) {
      noteSuspendedFrames(error);
      throw error;
    }
  };
  return plain as unknown as SyncNext;
}
