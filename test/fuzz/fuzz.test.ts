/**
 * CI's fixed-seed batch of the differential fuzzer (test/fuzz/run.ts): generated programs, each
 * compiled through the transformer and run as greenlets, must do exactly what their async/await
 * reference does. Long runs: `npm run fuzz -- --runs 10000 [--seed N]`.
 */
import { expect } from 'chai';
import { fuzz } from './run';

export const CI_SEED = 20251125;
const RUNS = 320;

describe('differential fuzzer', function () {
  this.timeout(300_000);

  it(`${RUNS} generated programs match their async/await reference (seed ${CI_SEED})`, async () => {
    const lines: string[] = [];
    const r = await fuzz({ runs: RUNS, seed: CI_SEED, shrinkSeconds: 90, log: (l) => lines.push(l) });
    if (!r.ok) {
      const list = r.failures.map((f) => `  #${f.index} ${f.kind}: ${f.summary}`).join('\n');
      expect.fail(`${r.failed} of ${r.ran} programs failed (seed ${r.seed}):\n${list}\n\n${r.report ?? ''}`);
    }
    expect(r.ran).to.equal(RUNS);
    expect(r.ms, 'the fixed-seed batch must stay well under 3 minutes').to.be.below(180_000);
  });
});
