/**
 * Position-based edits: what the eject rewrites produce and the only thing that touches text.
 * The rewrites read our analysis (TypeScript 6 nodes); ts-morph, which bundles a TypeScript of
 * its own, never sees those nodes, only offsets. So an edit is (file, start, end, text), and the
 * applier knows nothing of syntax.
 *
 * ```ts
 * // source               edits                                      result
 * f().x                   insert "(await " at 0, ")" at 3 (a wrap)   (await f()).x
 * synchronize(async …)    delete "synchronize(" and its ")"          async …
 * ```
 *
 * Several insertions can land on one offset: `f().g().h` with both calls awaited opens two
 * wraps at 0. The wrap of the larger node must come first (it encloses the other), and at a
 * shared end the smaller node's close comes first; `span` carries that size.
 */
import type ts from 'typescript';

export interface Edit {
  file: ts.SourceFile;
  start: number;
  /** `start === end` for an insertion. */
  end: number;
  text: string;
  /** For insertions at a shared offset: the length of the node this opens or closes. */
  span: number;
  side: 'open' | 'close' | 'replace';
}

export class EditSet {
  private readonly byFile = new Map<ts.SourceFile, Edit[]>();

  files(): ts.SourceFile[] {
    return [...this.byFile.keys()];
  }

  edits(file: ts.SourceFile): Edit[] {
    return this.byFile.get(file) ?? [];
  }

  /** Replaces `[start, end)` (a deletion when `text` is empty). */
  replace(file: ts.SourceFile, start: number, end: number, text: string): void {
    this.add({ file, start, end, text, span: end - start, side: 'replace' });
  }

  /** Inserts `text` at `pos`, left of anything else inserted there (new imports, appended helpers). */
  insert(file: ts.SourceFile, pos: number, text: string): void {
    this.add({ file, start: pos, end: pos, text, span: Infinity, side: 'open' });
  }

  /** Inserts `text` before `node`, as an opening of something `node.getWidth() + extra` long. */
  before(node: ts.Node, text: string, extra = 0): void {
    this.add({
      file: node.getSourceFile(),
      start: node.getStart(),
      end: node.getStart(),
      text,
      span: width(node) + extra,
      side: 'open',
    });
  }

  /** Inserts `text` after `node`, closing what `before(node, …)` opened. */
  after(node: ts.Node, text: string, extra = 0): void {
    this.add({
      file: node.getSourceFile(),
      start: node.getEnd(),
      end: node.getEnd(),
      text,
      span: width(node) + extra,
      side: 'close',
    });
  }

  /** `(` and `)` around `node`. */
  wrap(node: ts.Node, open: string, close: string, extra = 0): void {
    this.before(node, open, extra);
    this.after(node, close, extra);
  }

  /**
   * Removes and returns the edits inside `[start, end)`: those of text there, and insertions at
   * its ends that open or close something no longer than it (so inside it). For moving text.
   */
  take(file: ts.SourceFile, start: number, end: number): Edit[] {
    const inside = (e: Edit) => {
      if (e.start < start || e.end > end) return false;
      if (e.start < e.end || (e.start > start && e.start < end)) return true;
      // at an end: an open at the start, or a close at the end, of a node no longer than the range
      return e.span <= end - start && (e.start === start ? e.side === 'open' : e.side === 'close');
    };
    const list = this.edits(file);
    const taken = list.filter(inside);
    this.byFile.set(
      file,
      list.filter((e) => !inside(e)),
    );
    return taken;
  }

  private add(edit: Edit): void {
    let list = this.byFile.get(edit.file);
    if (!list) this.byFile.set(edit.file, (list = []));
    list.push(edit);
  }
}

function width(node: ts.Node): number {
  return node.getEnd() - node.getStart();
}

/**
 * The edits of one file, last first, in the order a text applier takes them: by offset
 * descending and, at one offset, rightmost first (each insertion at that offset then lands left
 * of the ones before it). Replacements must not overlap each other or swallow an insertion
 * (asserted: two rewrites claiming the same text is a bug in the rewrites).
 */
export function orderedForApply(edits: readonly Edit[]): Edit[] {
  const sorted = [...edits].sort((a, b) => b.start - a.start || rank(b) - rank(a));
  const replacements = sorted.filter((e) => e.start < e.end);
  for (const r of replacements) {
    const clash = sorted.find(
      (e) => e !== r && e.start < r.end && r.start < Math.max(e.end, e.start + 1) && e.start !== r.start,
    );
    if (clash)
      throw new Error(
        `eject: overlapping edits in ${r.file.fileName} at ${r.start}-${r.end} and ${clash.start}-${clash.end}`,
      );
  }
  return sorted;
}

/** `text` (found at `offset` in its file) with `edits` applied: for text a rewrite moves elsewhere. */
export function applyToText(text: string, offset: number, edits: readonly Edit[]): string {
  let out = text;
  for (const e of orderedForApply(edits)) out = out.slice(0, e.start - offset) + e.text + out.slice(e.end - offset);
  return out;
}

/**
 * Where an edit ends up among those at its offset, left to right: closes of the nodes ending
 * here (the smallest, innermost, first), then opens of the nodes starting here (the largest,
 * outermost, first), then a replacement of the text that starts here.
 */
function rank(e: Edit): number {
  if (e.side === 'close') return e.span;
  if (e.side === 'open') return 2e9 - Math.max(Math.min(e.span, 1e9), -1e9);
  return 3e9;
}
