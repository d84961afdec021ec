/**
 * A unified diff of two texts, for `eject --dry-run`: Myers' O(ND) line diff (the edits are
 * spread over a file, so a table of every line pair would be the file's size squared), shown
 * as hunks with three lines of context.
 *
 * ```diff
 * --- src/notes.ts
 * +++ src/notes.ts (ejected)
 * @@ -3,3 +3,3 @@
 * -export function find(id: number): Note {
 * +export async function find(id: number): Promise<Note> {
 * ```
 */
type Op = { op: ' ' | '-' | '+'; line: string };

const CONTEXT = 3;

/** `label` names the new side: `+++ src/notes.ts (ejected)`. */
export function unifiedDiff(name: string, before: string, after: string, label = 'ejected'): string {
  const ops = diffLines(before.split('\n'), after.split('\n'));
  const changes = ops.flatMap((o, i) => (o.op === ' ' ? [] : [i]));
  const out = [`--- ${name}`, `+++ ${name} (${label})`];
  for (let c = 0; c < changes.length;) {
    // one hunk: changes whose contexts touch, and CONTEXT unchanged lines around them
    let last = c;
    while (last + 1 < changes.length && changes[last + 1] - changes[last] <= 2 * CONTEXT + 1) last++;
    const start = Math.max(0, changes[c] - CONTEXT);
    const end = Math.min(ops.length, changes[last] + CONTEXT + 1);
    const [aStart, bStart] = lineNumbers(ops, start);
    const hunk = ops.slice(start, end);
    const aLen = hunk.filter((o) => o.op !== '+').length;
    const bLen = hunk.filter((o) => o.op !== '-').length;
    out.push(`@@ -${aStart + 1},${aLen} +${bStart + 1},${bLen} @@`, ...hunk.map((o) => o.op + o.line));
    c = last + 1;
  }
  return changes.length ? out.join('\n') + '\n' : '';
}

/** The 0-based line numbers in the old and new text at which `ops[index]` stands. */
function lineNumbers(ops: Op[], index: number): [number, number] {
  let a = 0;
  let b = 0;
  for (let k = 0; k < index; k++) {
    if (ops[k].op !== '+') a++;
    if (ops[k].op !== '-') b++;
  }
  return [a, b];
}

/** Myers' shortest edit script, kept as the furthest-reaching x per diagonal for each D, then walked back. */
function diffLines(a: string[], b: string[]): Op[] {
  const n = a.length;
  const m = b.length;
  const off = n + m + 1;
  const v = new Int32Array(2 * off + 1);
  const trace: Int32Array[] = [];
  for (let d = 0; d <= n + m; d++) {
    trace.push(v.slice());
    for (let k = -d; k <= d; k += 2) {
      let x = k === -d || (k !== d && v[off + k - 1] < v[off + k + 1]) ? v[off + k + 1] : v[off + k - 1] + 1;
      let y = x - k;
      while (x < n && y < m && a[x] === b[y]) {
        x++;
        y++;
      }
      v[off + k] = x;
      if (x >= n && y >= m) return backtrack(trace, a, b, off);
    }
  }
  throw new Error('unreachable: a shortest edit script has at most n + m steps');
}

function backtrack(trace: Int32Array[], a: string[], b: string[], off: number): Op[] {
  const out: Op[] = [];
  let x = a.length;
  let y = b.length;
  for (let d = trace.length - 1; d >= 0; d--) {
    const v = trace[d];
    const k = x - y;
    const prevK = k === -d || (k !== d && v[off + k - 1] < v[off + k + 1]) ? k + 1 : k - 1;
    const prevX = v[off + prevK];
    const prevY = prevX - prevK;
    while (x > prevX && y > prevY) {
      y--;
      out.push({ op: ' ', line: a[--x] });
    }
    if (d > 0) {
      if (x === prevX) out.push({ op: '+', line: b[--y] });
      else out.push({ op: '-', line: a[--x] });
    }
  }
  return out.reverse();
}
