/**
 * Optional peer dependencies: `@koa/router` (and `koa`) for `ts-greenlet/koa`, `ws` for
 * `ts-greenlet/websocket`, `piscina` for the executor. The core runtime needs none of them, so
 * they are not installed with ts-greenlet; a feature that needs one loads it here, and a missing
 * one is an error that names the package to install.
 */

/** `require(name)`, or an error saying which package `feature` needs and how to install it. */
export function requirePeer<T>(name: string, range: string, feature: string): T {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- an optional peer, loaded only when used
    return require(name) as T;
  } catch (e) {
    if (isMissing(e, name)) {
      const err = new Error(
        `${feature} needs the package ${name}, which is not installed. Install it next to ts-greenlet: npm install ${name}@${range}`,
      );
      (err as NodeJS.ErrnoException).code = 'TSG_MISSING_PEER';
      throw err;
    }
    throw e; // installed but broken (or one of its own dependencies is missing): as it is
  }
}

function isMissing(e: unknown, name: string): boolean {
  const err = e as NodeJS.ErrnoException;
  return (
    err?.code === 'MODULE_NOT_FOUND' &&
    typeof err.message === 'string' &&
    err.message.startsWith(`Cannot find module '${name}'`)
  );
}
