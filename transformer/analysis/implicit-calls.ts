/**
 * Calls the engine makes where the program shows none: `next()` for `for…of`, spread and array
 * destructuring; `toString`/`valueOf`/`[Symbol.toPrimitive]` for a template literal or an
 * operator; `[Symbol.dispose]` at the end of a `using` block; the getter a call reads its callee
 * through. Each runs the plain entry of what it calls, so one that may suspend would throw
 * ScopeError at run time; it is reported here instead, with the explicit form to write:
 *
 * ```ts
 * for (const n of countdown) use(n);      // TSG39010: Countdown.next may suspend; iterate explicitly:
 * const it = countdown[Symbol.iterator]();
 * for (let r = it.next(); !r.done; r = it.next()) use(r.value);   // fine: it.next() is a call
 * `total: ${money}`                       // TSG39010: write `${money.toString()}`
 * ```
 */
import ts from '../ts';
import { Codes, DiagnosticSpec } from '../diagnostics';
import { FunctionNode, functionName, propertyNameText, skipParens } from './inventory';

/** The engine's implicit callees, by the member name they are looked up under. */
const ITERATION = ['next'];
const CONVERSION = ['toString', 'valueOf', '__@toPrimitive'];
const DISPOSAL = ['__@dispose'];

export function implicitCalls(
  checker: ts.TypeChecker,
  files: readonly ts.SourceFile[],
  coloured: Set<FunctionNode>,
  colourPath: (fn: FunctionNode) => string[],
): DiagnosticSpec[] {
  const roles = new Set<string>();
  for (const fn of coloured) {
    if (!ts.isMethodDeclaration(fn) && !ts.isGetAccessorDeclaration(fn)) continue;
    if (ts.isGetAccessorDeclaration(fn)) roles.add('getter');
    const name = memberName(checker, fn);
    if (name) roles.add(name);
  }
  const has = (names: string[]) => names.some((n) => roles.has(n));
  if (!has(ITERATION) && !has(CONVERSION) && !has(DISPOSAL) && !roles.has('getter')) return []; // the usual case: nothing to look for

  const out: DiagnosticSpec[] = [];
  /** A coloured declaration of member `names` of `t` (or of what `t`'s members return, for iteration). */
  const colouredMember = (t: ts.Type, names: string[]): FunctionNode | undefined => {
    for (const p of checker.getApparentType(t).getProperties()) {
      if (!names.some((x) => isNamed(p, x))) continue;
      const d = p.declarations?.find(
        (x): x is FunctionNode =>
          (ts.isMethodDeclaration(x) || ts.isGetAccessorDeclaration(x)) && coloured.has(x as FunctionNode),
      );
      if (d) return d;
    }
    return undefined;
  };
  /**
   * The method ToPrimitive runs, in the order the operation tries them: the first the program
   * declares stops the search (it is taken to return a primitive); `Object.prototype`'s are passed.
   */
  const conversionMethod = (t: ts.Type, order: string[]): FunctionNode | undefined => {
    const props = checker.getApparentType(t).getProperties();
    for (const name of order) {
      const p = props.find((x) => isNamed(x, name));
      const decls = p?.declarations ?? [];
      if (decls.length === 0 || decls.every((d) => d.getSourceFile().isDeclarationFile)) continue;
      return decls.find(
        (d): d is FunctionNode =>
          (ts.isMethodDeclaration(d) || ts.isGetAccessorDeclaration(d)) && coloured.has(d as FunctionNode),
      );
    }
    return undefined;
  };
  const iteratorNext = (t: ts.Type): FunctionNode | undefined => {
    const iterate = checker
      .getApparentType(t)
      .getProperties()
      .find((p) => String(p.escapedName).startsWith('__@iterator@'));
    if (!iterate?.valueDeclaration) return undefined;
    const own = iterate.declarations?.find((x): x is FunctionNode => ts.isMethodDeclaration(x) && coloured.has(x));
    if (own) return own;
    for (const sig of checker.getTypeOfSymbolAtLocation(iterate, iterate.valueDeclaration).getCallSignatures()) {
      const next = colouredMember(sig.getReturnType(), ITERATION);
      if (next) return next;
    }
    return undefined;
  };
  const report = (node: ts.Node, fn: FunctionNode, message: string) =>
    out.push({ code: Codes.ImplicitCall, node, path: colourPath(fn), message });
  const isObject = (t: ts.Type) =>
    !(
      t.flags &
      (ts.TypeFlags.Any |
        ts.TypeFlags.Unknown |
        ts.TypeFlags.StringLike |
        ts.TypeFlags.NumberLike |
        ts.TypeFlags.BigIntLike |
        ts.TypeFlags.BooleanLike |
        ts.TypeFlags.ESSymbolLike |
        ts.TypeFlags.Null |
        ts.TypeFlags.Undefined |
        ts.TypeFlags.Void |
        ts.TypeFlags.Never)
    );

  const visit = (node: ts.Node): void => {
    if (has(ITERATION)) {
      const iterated =
        ts.isForOfStatement(node) && !node.awaitModifier
          ? node.expression
          : ts.isSpreadElement(node) && ts.isArrayLiteralExpression(node.parent)
            ? node.expression
            : ts.isSpreadElement(node)
              ? node.expression
              : ts.isVariableDeclaration(node) && ts.isArrayBindingPattern(node.name)
                ? node.initializer
                : undefined;
      const next = iterated && iteratorNext(checker.getTypeAtLocation(iterated));
      if (iterated && next) {
        const what = ts.isForOfStatement(node)
          ? 'for…of'
          : ts.isSpreadElement(node)
            ? 'Spreading'
            : 'Array destructuring';
        report(
          node,
          next,
          `${what} over ${iterated.getText()} calls ${functionName(next)}, which may suspend, from the engine, where nothing can wait. Iterate explicitly: \`const it = ${iterated.getText()}[Symbol.iterator](); for (let r = it.next(); !r.done; r = it.next()) { … r.value … }\`.`,
        );
      }
    }
    if (has(CONVERSION)) {
      const converted: ts.Expression[] = [];
      if (ts.isTemplateSpan(node)) converted.push(node.expression);
      if (ts.isBinaryExpression(node) && CONVERTING_OPERATORS.has(node.operatorToken.kind))
        converted.push(node.left, node.right);
      if (
        ts.isPrefixUnaryExpression(node) &&
        (node.operator === ts.SyntaxKind.PlusToken ||
          node.operator === ts.SyntaxKind.MinusToken ||
          node.operator === ts.SyntaxKind.TildeToken)
      )
        converted.push(node.operand);
      const order = ts.isTemplateSpan(node)
        ? ['__@toPrimitive', 'toString', 'valueOf']
        : ['__@toPrimitive', 'valueOf', 'toString'];
      for (const e of converted) {
        const t = checker.getTypeAtLocation(e);
        const fn = isObject(t) ? conversionMethod(t, order) : undefined;
        if (!fn) continue;
        const name = memberName(checker, fn) === '__@toPrimitive' ? '[Symbol.toPrimitive]' : memberName(checker, fn);
        report(
          e,
          fn,
          `Converting ${e.getText()} to a primitive here calls ${functionName(fn)}, which may suspend, from the engine, where nothing can wait. Call it yourself: \`${e.getText()}.${name === '[Symbol.toPrimitive]' ? 'toString' : name}()\`.`,
        );
      }
    }
    if (has(DISPOSAL) && ts.isVariableDeclarationList(node) && node.flags & ts.NodeFlags.Using) {
      for (const d of node.declarations) {
        const fn = d.initializer && colouredMember(checker.getTypeAtLocation(d.initializer), DISPOSAL);
        if (fn)
          report(
            d,
            fn,
            `The engine calls ${functionName(fn)}, which may suspend, at the end of this \`using\` block, where nothing can wait. Give the class a close() method, declare the variable with \`const\`, and call close() in a \`finally\` block.`,
          );
      }
    }
    if (
      roles.has('getter') &&
      ts.isCallExpression(node) &&
      ts.isPropertyAccessExpression(skipParens(node.expression))
    ) {
      const callee = skipParens(node.expression) as ts.PropertyAccessExpression;
      const getter = checker
        .getSymbolAtLocation(callee.name)
        ?.declarations?.find((d): d is ts.GetAccessorDeclaration => ts.isGetAccessorDeclaration(d) && coloured.has(d));
      if (getter)
        report(
          callee,
          getter,
          `Calling ${callee.getText()}(…) reads it through ${functionName(getter)}, a getter that may suspend, where nothing can wait. Read it into a variable first: \`const f = ${callee.getText()}; f(…)\`.`,
        );
    }
    ts.forEachChild(node, visit);
  };
  for (const file of files) visit(file);
  return out;
}

const CONVERTING_OPERATORS = new Set([
  ts.SyntaxKind.PlusToken,
  ts.SyntaxKind.PlusEqualsToken,
  ts.SyntaxKind.MinusToken,
  ts.SyntaxKind.AsteriskToken,
  ts.SyntaxKind.SlashToken,
  ts.SyntaxKind.PercentToken,
  ts.SyntaxKind.AsteriskAsteriskToken,
  ts.SyntaxKind.LessThanToken,
  ts.SyntaxKind.GreaterThanToken,
  ts.SyntaxKind.LessThanEqualsToken,
  ts.SyntaxKind.GreaterThanEqualsToken,
]);

/** Whether a member is `name`: a plain name, or a well-known symbol's (`__@dispose` for `__@dispose@42`). */
function isNamed(member: ts.Symbol, name: string): boolean {
  const n = String(member.escapedName);
  return n === name || (name.startsWith('__@') && n.startsWith(`${name}@`));
}

/** `next`, `toString`, or `__@dispose` for `[Symbol.dispose]()` (a well-known symbol, as the checker names it). */
function memberName(checker: ts.TypeChecker, fn: FunctionNode): string | undefined {
  if (!ts.isMethodDeclaration(fn) && !ts.isGetAccessorDeclaration(fn)) return undefined;
  const text = propertyNameText(fn.name);
  if (text !== undefined) return text;
  // `[Symbol.dispose]() {}`: the member's late-bound name (`__@dispose@42`) is on its owner's type
  const owner = checker.getTypeAtLocation(fn.parent);
  const sym = checker.getPropertiesOfType(owner).find((p) => p.declarations?.includes(fn));
  const m = sym && /^__@(\w+)@/.exec(String(sym.escapedName));
  return m ? `__@${m[1]}` : undefined;
}
