/**
 * ts-greenlet's diagnostics: TypeScript diagnostics with their own codes (`TSG` + number in the
 * message, 9xxxx as the numeric code so they never collide with TypeScript's), the colour path
 * that made the call suspend, and what to do.
 */
import path from 'node:path';
import ts from 'typescript';

export const Codes = {
  TopLevelSuspension: 9001,
  UncolourableContext: 9002,
  GeneratorSuspends: 9003,
  AccessorSuspends: 9004,
  SuperInArrow: 9005,
  UnsupportedCall: 9006,
  PassedToUntransformed: 9007,
  UnboundedKey: 9008,
  ValueFlowBudget: 9009,
  ImplicitCall: 9010,
  RuntimeCode: 9011,
} as const;

export interface DiagnosticSpec {
  code: number;
  node: ts.Node;
  message: string;
  /** Functions from the call to the suspension point, e.g. `load → query (suspends)`. */
  path?: string[];
  category?: ts.DiagnosticCategory;
}

export function createDiagnostic(spec: DiagnosticSpec): ts.Diagnostic {
  const file = spec.node.getSourceFile();
  const start = spec.node.getStart(file);
  const path = spec.path && spec.path.length ? ` Colour path: ${spec.path.join(' → ')}.` : '';
  return {
    category: spec.category ?? ts.DiagnosticCategory.Error,
    code: spec.code,
    file,
    start,
    length: spec.node.getEnd() - start,
    messageText: `TSG${spec.code}: ${spec.message}${path}`,
    source: 'ts-greenlet',
  };
}

/**
 * The one formatter of diagnostics, TypeScript's and ts-greenlet's: `file:line:column - TSG9001:
 * message` for logs, errors and golden files; with `tsc: true`, as `tsc` lists them
 * (`src/a.ts:3:5 - error TS2322: ...`, `... - error TSG9001: ...`). `showPath` writes the file's
 * name (default: relative to `cwd`).
 */
export function formatDiagnostic(
  d: ts.Diagnostic,
  cwd = process.cwd(),
  options: { tsc?: boolean; showPath?: (file: string) => string } = {},
): string {
  const text = ts.flattenDiagnosticMessageText(d.messageText, '\n');
  const kind = options.tsc
    ? `${ts.DiagnosticCategory[d.category].toLowerCase()} ${d.source === 'ts-greenlet' ? '' : `TS${d.code}: `}`
    : ''; // a TSG message starts with its code
  if (!d.file || d.start === undefined) return kind + text;
  const { line, character } = d.file.getLineAndCharacterOfPosition(d.start);
  const shown = options.showPath
    ? options.showPath(d.file.fileName)
    : path.relative(cwd, d.file.fileName) || d.file.fileName;
  return `${shown}:${line + 1}:${character + 1} - ${kind}${text}`;
}
