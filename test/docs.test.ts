/**
 * The README stays a user's first hour and says what the code does: at most 250 lines, the
 * table of emitted forms is the one in `runtime/protocol.ts` (copied, so it cannot drift), every
 * diagnostic code the transformer has is in its table, and its links to files resolve.
 */
import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { Codes } from '../transformer/diagnostics';
import { repo } from './helpers/project';

const readme = fs.readFileSync(path.join(repo, 'README.md'), 'utf8');

/** The "Emitted forms" section of protocol.ts's header, without the comment's ` * `. */
export function protocolForms(): string {
  const lines = fs.readFileSync(path.join(repo, 'runtime/protocol.ts'), 'utf8').split('\n');
  const start = lines.findIndex((l) => l.trim() === '* ## Emitted forms');
  const end = lines.findIndex((l) => l.includes('A dynamic call site does not know'));
  expect(start, 'protocol.ts has an "## Emitted forms" section').to.be.greaterThan(0);
  return lines
    .slice(start + 1, end)
    .map((l) => (l.startsWith(' * ') ? l.slice(3) : ''))
    .join('\n')
    .trim();
}

describe('README', () => {
  it('is at most 250 lines', () => {
    expect(readme.split('\n').length).to.be.at.most(251); // the last line ends with a newline
  });

  it("copies runtime/protocol.ts's table of emitted forms exactly", () => {
    const m = /<!-- emitted-forms:begin -->\n([\s\S]*?)\n<!-- emitted-forms:end -->/.exec(readme);
    expect(m, 'README has the emitted-forms markers').to.not.equal(null);
    expect(m![1]).to.equal(protocolForms());
  });

  it('lists every TSG code the transformer has', () => {
    for (const code of Object.values(Codes))
      expect(readme, `TSG${code}`).to.match(new RegExp(`^\\| TSG${code}\\b`, 'm'));
  });

  it('links only to files that exist', () => {
    for (const [, target] of readme.matchAll(/\]\(([^)#]+)\)/g)) {
      if (/^https?:/.test(target)) continue;
      expect(fs.existsSync(path.join(repo, target)), target).to.equal(true);
    }
  });
});
