/**
 * ts-greenlet's diagnostics: TypeScript diagnostics with their own codes (`TSG` + number in the
 * message, the same number as the diagnostic's code), the colour path that made the call suspend,
 * and what to do. One code per situation, in 39001–39099: TypeScript's own codes run 1000–18999
 * and 69000–95999 (TypeScript 6 defines TS9005–TS9039), and tools print `TS<code>`.
 */
import path from 'node:path';
import ts from './ts';

export const Codes = {
  TopLevelSuspension: 39001,
  UncolourableContext: 39002,
  GeneratorSuspends: 39003,
  AccessorSuspends: 39004,
  SuperInArrow: 39005,
  UnsupportedForm: 39006,
  PassedToUntransformed: 39007,
  UnboundedKey: 39008,
  ValueFlowBudget: 39009,
  ImplicitCall: 39010,
  RuntimeCode: 39011,
  ComputedName: 39012,
  RedeclaredParameter: 39013,
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
 * The one formatter of diagnostics, TypeScript's and ts-greenlet's: `file:line:column - TSG39001:
 * message` for logs, errors and golden files; with `tsc: true`, as `tsc` lists them
 * (`src/a.ts:3:5 - error TS2322: ...`, `... - error TSG39001: ...`). `showPath` writes the file's
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
