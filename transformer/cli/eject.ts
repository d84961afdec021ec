/**
 * `ts-greenlet eject [--outDir dir | --in-place] [--dry-run]`: the project as plain async/await
 * TypeScript (`transformer/eject/`), written beside it, over it, or shown as a diff.
 *
 * ```text
 * ts-greenlet eject: 3 of 11 files changed, 9 functions made async; written to ejected/.
 * Left as written (the ejected code still needs ts-greenlet there):
 *   src/live.ts:64: spawnGreenletWith from 'ts-greenlet' has no async/await counterpart here; ...
 * Caveats:
 *   src/tree.ts:12: a recursive call ...: async/await overflows near 10,000 levels ...
 * ```
 *
 * Exit status 1 when something is left as written (the result still needs ts-greenlet), or the
 * project has TSG errors (eject reads what the transform reads, so it must compile first).
 */
import fs from 'node:fs';
import path from 'node:path';
import { eject } from '../eject';
import { unifiedDiff } from '../eject/diff';
import { place } from '../eject/state';
import { CliError } from './args';
import { count } from './build';
import { displayPath, LoadedProject, ownSourceFiles, printDiagnostics } from './project';

export interface EjectOptions {
  outDir?: string;
  inPlace: boolean;
  dryRun: boolean;
}

export function ejectCommand(loaded: LoadedProject, options: EjectOptions, out: (line: string) => void): number {
  printDiagnostics(loaded.tsgErrors, out);
  if (loaded.tsgErrors.length) {
    out(
      `ts-greenlet: ${count(loaded.tsgErrors.length, 'error')} in the sync-style code; fix them first, nothing was ejected.`,
    );
    return 1;
  }
  const files = ownSourceFiles(loaded);
  const result = eject(loaded.analysis, files);
  const changed = [...result.files].filter(([, f]) => f.before !== f.after);

  let where: string;
  if (options.dryRun) {
    for (const [name, f] of changed) out(unifiedDiff(displayPath(name), f.before, f.after).trimEnd());
    where = 'nothing written (--dry-run)';
  } else if (options.inPlace) {
    for (const [name, f] of changed) fs.writeFileSync(name, f.after);
    where = 'rewritten in place';
  } else {
    const root = path.resolve(loaded.program.getCompilerOptions().rootDir ?? loaded.configDir);
    const outDir = path.resolve(options.outDir ?? path.join(loaded.configDir, 'ejected'));
    for (const [name, f] of result.files) {
      const rel = path.relative(root, name);
      if (rel.startsWith('..') || path.isAbsolute(rel))
        throw new CliError(
          `${displayPath(name)} is outside the project's root ${displayPath(root)}. Set rootDir, or use --in-place.`,
        );
      const target = path.join(outDir, rel);
      fs.mkdirSync(path.dirname(target), { recursive: true });
      fs.writeFileSync(target, f.after);
    }
    where = `written to ${displayPath(outDir)}/`;
  }

  const left = result.left.filter((l) => l.kind === 'left');
  const caveats = result.left.filter((l) => l.kind === 'caveat');
  out(
    `ts-greenlet eject: ${changed.length} of ${count(files.length, 'file')} changed, ${count(result.rewritten.length, 'function')} made async; ${where}.`,
  );
  const list = (title: string, items: typeof left) => {
    if (!items.length) return;
    out(title);
    for (const l of items) {
      const p = place(l.node);
      out(`  ${displayPath(p.file)}:${p.line}: ${l.reason}`);
    }
  };
  list('Left as written (the ejected code still needs ts-greenlet there):', left);
  list('Caveats (rewritten; async/await may behave differently):', caveats);
  return left.length ? 1 : 0;
}
