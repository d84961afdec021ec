/**
 * What adopt can rewrite: async functions with a name whose every use it can see, and the
 * symbols calls resolve to (through imports).
 *
 * ```ts
 * export async function find(id: number) {…}      // a target: find
 * const load = async (id: number) => …;           // a target: load
 * router.get('/', async (ctx) => …);              // anonymous: never a target (its caller is the library)
 * ```
 */
import ts from '../ts';

export type TargetFn = ts.FunctionDeclaration | ts.FunctionExpression | ts.ArrowFunction;

export interface Target {
  fn: TargetFn;
  /** The declaration's name: a function's, or the const binding's. */
  name: ts.Identifier;
  symbol: ts.Symbol;
}

export function isAsync(fn: ts.Node): boolean {
  return ts.canHaveModifiers(fn) && !!ts.getModifiers(fn)?.some((m) => m.kind === ts.SyntaxKind.AsyncKeyword);
}

export function skipParens(e: ts.Expression): ts.Expression {
  while (ts.isParenthesizedExpression(e)) e = e.expression;
  return e;
}

/** The symbol `node` names, aliases (imports) followed to their declaration. */
export function resolve(checker: ts.TypeChecker, node: ts.Node): ts.Symbol | undefined {
  let s =
    ts.isShorthandPropertyAssignment(node.parent) && node.parent.name === node
      ? checker.getShorthandAssignmentValueSymbol(node.parent)
      : checker.getSymbolAtLocation(node);
  if (s && s.flags & ts.SymbolFlags.Alias) s = checker.getAliasedSymbol(s);
  return s;
}

/** `const x = (e)`: the declaration whose initializer `e` is (parentheses aside), if a `const` binds it to a name. */
export function constBindingOf(e: ts.Expression): (ts.VariableDeclaration & { name: ts.Identifier }) | undefined {
  let top: ts.Node = e;
  while (ts.isParenthesizedExpression(top.parent)) top = top.parent;
  const decl = top.parent;
  return ts.isVariableDeclaration(decl) &&
    decl.initializer === top &&
    ts.isIdentifier(decl.name) &&
    ts.getCombinedNodeFlags(decl) & ts.NodeFlags.Const
    ? (decl as ts.VariableDeclaration & { name: ts.Identifier })
    : undefined;
}

/** The target `fn` is, if it has a name to be called by: `function f` or `const f = async …`. */
export function targetOf(checker: ts.TypeChecker, fn: ts.Node): Target | undefined {
  let name: ts.Identifier | undefined;
  if (ts.isFunctionDeclaration(fn) && fn.name && fn.body) name = fn.name;
  else if (ts.isArrowFunction(fn) || ts.isFunctionExpression(fn)) name = constBindingOf(fn)?.name;
  const symbol = name && checker.getSymbolAtLocation(name);
  return name && symbol ? { fn: fn as TargetFn, name, symbol } : undefined;
}

/** Every async function-like node of `files`, outermost first. */
export function asyncFunctions(files: readonly ts.SourceFile[]): ts.SignatureDeclaration[] {
  const out: ts.SignatureDeclaration[] = [];
  const visit = (n: ts.Node): void => {
    if (ts.isFunctionLike(n) && isAsync(n)) out.push(n);
    ts.forEachChild(n, visit);
  };
  for (const f of files) visit(f);
  return out;
}

/** Calls and awaits that run in `fn` itself, not in functions nested in it. */
export function ownNodes(fn: ts.SignatureDeclaration): { calls: ts.CallExpression[]; awaits: ts.AwaitExpression[] } {
  const calls: ts.CallExpression[] = [];
  const awaits: ts.AwaitExpression[] = [];
  const visit = (n: ts.Node): void => {
    if (n !== fn && ts.isFunctionLike(n)) return;
    if (ts.isCallExpression(n)) calls.push(n);
    if (ts.isAwaitExpression(n)) awaits.push(n);
    ts.forEachChild(n, visit);
  };
  visit(fn);
  return { calls, awaits };
}
