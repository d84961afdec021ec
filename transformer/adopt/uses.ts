/**
 * Where a function is used in the program: as the callee of a call (awaited or not), or as a
 * value (passed, stored, exported by default), which hides its callers from adopt.
 *
 * ```ts
 * await find(1);            // { kind: 'call', awaited: true }
 * Promise.all([find(1)]);   // { kind: 'call', awaited: false }
 * setTimeout(find, 10);     // { kind: 'value' }: setTimeout calls it, adopt cannot see how
 * ```
 */
import ts from '../ts';
import { resolve, skipParens } from './targets';

export interface Use {
  node: ts.Identifier;
  kind: 'call' | 'value';
  /** For a call: the call expression. */
  call?: ts.CallExpression;
  /** For a call: `await f(…)`, directly. */
  awaited: boolean;
}

/** Every use of each symbol in `symbols` in `files`, by symbol. Import and export specifiers are not uses. */
export function usesOf(
  checker: ts.TypeChecker,
  files: readonly ts.SourceFile[],
  symbols: ReadonlySet<ts.Symbol>,
): Map<ts.Symbol, Use[]> {
  const out = new Map<ts.Symbol, Use[]>();
  const visit = (n: ts.Node): void => {
    if (ts.isImportDeclaration(n) || ts.isExportSpecifier(n)) return;
    if (ts.isIdentifier(n) && !isDeclarationName(n)) {
      const s = resolve(checker, n);
      if (s && symbols.has(s)) {
        let list = out.get(s);
        if (!list) out.set(s, (list = []));
        list.push(classify(n));
      }
    }
    ts.forEachChild(n, visit);
  };
  for (const f of files) visit(f);
  return out;
}

function isDeclarationName(id: ts.Identifier): boolean {
  const p = id.parent;
  return (ts.isFunctionDeclaration(p) || ts.isVariableDeclaration(p) || ts.isFunctionExpression(p)) && p.name === id;
}

function classify(id: ts.Identifier): Use {
  let callee: ts.Node = id;
  if (ts.isPropertyAccessExpression(id.parent) && id.parent.name === id) callee = id.parent;
  while (ts.isParenthesizedExpression(callee.parent)) callee = callee.parent;
  const call = callee.parent;
  if (!ts.isCallExpression(call) || call.expression !== callee) return { node: id, kind: 'value', awaited: false };
  let top: ts.Node = call;
  while (ts.isParenthesizedExpression(top.parent)) top = top.parent;
  return { node: id, kind: 'call', call, awaited: ts.isAwaitExpression(top.parent) };
}

/** The call that `expr` is, if its callee names one of `symbols`. */
export function callOf(
  checker: ts.TypeChecker,
  expr: ts.Expression,
  symbols: ReadonlySet<ts.Symbol>,
): ts.CallExpression | undefined {
  const e = skipParens(expr);
  if (!ts.isCallExpression(e)) return undefined;
  let callee = skipParens(e.expression);
  if (ts.isPropertyAccessExpression(callee)) callee = callee.name;
  const s = ts.isIdentifier(callee) ? resolve(checker, callee) : undefined;
  return s && symbols.has(s) ? e : undefined;
}
