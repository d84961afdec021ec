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
