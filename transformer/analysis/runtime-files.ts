/**
 * The one test of whether a declaration belongs to ts-greenlet's runtime (`synchronize`,
 * `awaitSync`, `spawnGreenlet`, the Koa and WebSocket integrations, ...). The analysis trusts
 * such declarations: their `synchronize` marks suspension points, and functions passed to them
 * are not escaping into untransformed code.
 *
 * A file is the runtime's when its real path is under `runtime/` or `dist/runtime/` of a package
 * whose `package.json` is named `ts-greenlet`: this checkout, an installed copy in
 * `node_modules`, or one reached through a link. A path that merely contains `runtime/` (a
 * user's `src/runtime/x.ts` exporting its own `synchronize`) is not.
 */
import fs from 'node:fs';
import path from 'node:path';

const PACKAGE_NAME = 'ts-greenlet';
const RUNTIME_DIRS = ['runtime', path.join('dist', 'runtime')];

/** Directory → the root of the package that contains it, or null (cached: asked per declaration). */
const packageRoots = new Map<string, string | null>();
const verdicts = new Map<string, boolean>();

export function isRuntimeFile(fileName: string): boolean {
  let verdict = verdicts.get(fileName);
  if (verdict === undefined) verdicts.set(fileName, (verdict = decide(fileName)));
  return verdict;
}

function decide(fileName: string): boolean {
  const real = realPath(fileName);
  const root = packageRoot(path.dirname(real));
  if (root === null || packageName(root) !== PACKAGE_NAME) return false;
  const rel = path.relative(root, real);
  return RUNTIME_DIRS.some((dir) => rel.startsWith(dir + path.sep));
}

function realPath(fileName: string): string {
  try {
    return fs.realpathSync.native(fileName);
  } catch {
    return path.resolve(fileName); // not on disk (an in-memory host): judged by its name
  }
}

/** The nearest directory at or above `dir` holding a `package.json`. */
function packageRoot(dir: string): string | null {
  const cached = packageRoots.get(dir);
  if (cached !== undefined) return cached;
  const parent = path.dirname(dir);
  const root = fs.existsSync(path.join(dir, 'package.json')) ? dir : parent === dir ? null : packageRoot(parent);
  packageRoots.set(dir, root);
  return root;
}

function packageName(root: string): string | undefined {
  try {
    return JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')).name;
  } catch {
    return undefined;
  }
}
