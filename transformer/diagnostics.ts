/**
 * ts-greenlet's diagnostics: TypeScript diagnostics with their own codes (`TSG` + number in the
 * message, 9xxxx as the numeric code so they never collide with TypeScript's), the colour path
 * that made the call suspend, and what to do.
 */
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

/** `file:line:column - TSG9001: message` for logs, errors and golden files. */
export function formatDiagnostic(d: ts.Diagnostic, cwd = process.cwd()): string {
  const text = ts.flattenDiagnosticMessageText(d.messageText, '\n');
  if (!d.file || d.start === undefined) return text;
  const { line, character } = d.file.getLineAndCharacterOfPosition(d.start);
  const rel = require('node:path').relative(cwd, d.file.fileName) || d.file.fileName;
  return `${rel}:${line + 1}:${character + 1} - ${text}`;
}
