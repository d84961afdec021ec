/**
 * Applies each file's edits with ts-morph, which keeps every byte the edits do not touch:
 * formatting, comments, blank lines. ts-morph is an optional peer of ts-greenlet (only `eject`
 * and `adopt` need it), loaded here with an error that says how to install it.
 *
 * ts-morph parses with the TypeScript it bundles, so our nodes never reach it: the files go in
 * as text, the edits as offsets into that text (`edits.ts`).
 */
import type * as Morph from 'ts-morph';
import { Edit, orderedForApply } from './edits';

const RANGE = '^28.0.0';

/** The texts after the edits, by file name. */
export function applyEdits(files: ReadonlyMap<string, { text: string; edits: readonly Edit[] }>): Map<string, string> {
  const { Project } = requireMorph();
  const project = new Project({ useInMemoryFileSystem: true, skipLoadingLibFiles: true });
  const out = new Map<string, string>();
  for (const [name, { text, edits }] of files) {
    const file = project.createSourceFile(name, text, { overwrite: true });
    // ts-morph takes changes left to right and keeps the given order at one offset
    const changes = orderedForApply(edits)
      .reverse()
      .map((e) => ({ span: { start: e.start, length: e.end - e.start }, newText: e.text }));
    file.applyTextChanges(changes);
    out.set(name, file.getFullText());
    project.removeSourceFile(file);
  }
  return out;
}

/** `require('ts-morph')`, or an error naming the package to install (as `runtime/peer.ts` does for the runtime's peers). */
function requireMorph(): typeof Morph {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- an optional peer, loaded only by eject and adopt
    return require('ts-morph') as typeof Morph;
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    if (err?.code === 'MODULE_NOT_FOUND' && String(err.message).startsWith("Cannot find module 'ts-morph'")) {
      const missing = new Error(
        `ts-greenlet eject and adopt need the package ts-morph, which is not installed. Install it next to ts-greenlet: npm install -D ts-morph@${RANGE}`,
      );
      (missing as NodeJS.ErrnoException).code = 'TSG_MISSING_PEER';
      throw missing;
    }
    throw e;
  }
}
