/** Runs a reach project's built `out/user.js` on one input: its stdout, and the stats line it prints last on stderr. */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { expect } from 'chai';

export function runUser(dir: string, input: string): { stdout: string; stats: { waits: number; overlap: number } } {
  const r = spawnSync(process.execPath, [path.join(dir, 'out', 'user.js'), input], {
    cwd: dir,
    encoding: 'utf8',
    timeout: 60_000,
  });
  expect(r.status, r.stderr).to.equal(0);
  return { stdout: r.stdout, stats: JSON.parse(r.stderr.trim().split('\n').pop()!) };
}

/**
 * Runs a reach test's two builds on one input and checks what every reach test asks: the
 * sync-style build prints what the plain one prints, makes the same lookups, at least `minWaits`
 * of them, each really waited for (none overlapping another). The sync run, for the test's own checks.
 */
export function runBothAlike(
  sync: string,
  plain: string,
  input: string,
  minWaits: number,
): { stdout: string; stats: { waits: number; overlap: number } } {
  const got = runUser(sync, input);
  const want = runUser(plain, input);
  console.log(`      ${got.stats.waits} lookups waited for, ${got.stats.overlap} overlapping`);
  expect(got.stdout).to.equal(want.stdout);
  expect(got.stats.waits).to.equal(want.stats.waits);
  expect(got.stats.waits).to.be.greaterThan(minWaits);
  expect(got.stats.overlap).to.equal(0);
  return got;
}
