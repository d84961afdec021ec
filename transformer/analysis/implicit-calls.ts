/**
 * Calls the engine makes where the program shows none: `next()` for `for…of`, spread, array
 * destructuring and a library given an iterable (`new Map(it)`); `toString`/`valueOf`/
 * `[Symbol.toPrimitive]` for a template literal, an operator, a property key or `String(x)`, also
 * under a cast; `toJSON` for JSON.stringify; `then` for `await` and promise resolution; `[Symbol.dispose]` at the end of a `using` block;
 * the getter a call reads its callee through. Each runs the plain entry of what it calls, so one that may suspend would throw
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
import { FunctionNode, functionName, isCastOrParens, propertyNameText, skipParens } from './inventory';

/** The engine's implicit callees, by the member name they are looked up under. */
const ITERATION = ['next'];
const CONVERSION = ['toString', 'valueOf', '__@toPrimitive'];
const SERIALISATION = ['toJSON', 'then'];
const DISPOSAL = ['__@dispose'];

export function implicitCalls(
  checker: ts.TypeChecker,
  files: readonly ts.SourceFile[],
  coloured: Set<FunctionNode>,
  colourPath: (fn: FunctionNode) => string[],
): DiagnosticSpec[] {
  const roles = new Set<string>();
  for (const fn of coloured) {
    if (ts.isGetAccessorDeclaration(fn)) roles.add('getter');
    const name = memberName(checker, fn);
    if (name) roles.add(name);
  }
  const has = (names: string[]) => names.some((n) => roles.has(n));
  if (!has(ITERATION) && !has(CONVERSION) && !has(SERIALISATION) && !has(DISPOSAL) && !roles.has('getter')) return []; // the usual case: nothing to look for

  const out: DiagnosticSpec[] = [];
  const report = (node: ts.Node, fn: FunctionNode, message: string) =>
    out.push({ code: Codes.ImplicitCall, node, path: colourPath(fn), message });
  // JSON.stringify calls `toJSON` on its argument and on everything inside it, in this program or
  // in a library (a Koa body, a logger): report the member itself
  // and `then` is called by `await`, `awaitSync` and every promise resolved with the object
  if (has(SERIALISATION))
    for (const fn of coloured) {
      const name = memberName(checker, fn);
      if (name === 'toJSON')
        report(
          memberOf(fn)!.name,
          fn,
          `${functionName(fn)} may suspend, but JSON.stringify calls toJSON implicitly (on its argument and everything inside it, also from libraries), where nothing can wait. Give it another name and stringify what it returns: \`JSON.stringify(x.toPlain())\`.`,
        );
      if (name === 'then')
        report(
          memberOf(fn)!.name,
          fn,
          `${functionName(fn)} may suspend, but \`await\`, awaitSync and promise resolution call \`then\` implicitly, where nothing can wait. Give the waiting method another name (\`run()\`) and call it, or return a real promise from \`then\`.`,
        );
    }
  /** A coloured declaration of member `names` of `t` (or of what `t`'s members return, for iteration). */
  const colouredMember = (t: ts.Type, names: string[]): FunctionNode | undefined => {
    for (const p of checker.getApparentType(t).getProperties()) {
      if (!names.some((x) => isNamed(p, x))) continue;
      for (const d of p.declarations ?? []) {
        const fn = memberFunction(d);
        if (fn && coloured.has(fn)) return fn;
      }
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
      for (const d of decls) {
        const fn = memberFunction(d);
        if (fn && coloured.has(fn)) return fn;
      }
      return undefined;
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
      // to a string first: a template, a property key (`o[k]`, `k in o`), `String(x)`
      let toString = ts.isTemplateSpan(node);
      if (ts.isElementAccessExpression(node)) {
        converted.push(node.argumentExpression);
        toString = true;
      }
      if (ts.isBinaryExpression(node) && node.operatorToken.kind === ts.SyntaxKind.InKeyword) {
        converted.push(node.left);
        toString = true;
      }
      const global =
        ts.isCallExpression(node) && node.arguments.length > 0 && conversionFunction(checker, node.expression);
      if (global) {
        converted.push(node.arguments[0]);
        toString = global === 'String';
      }
      const order = toString ? ['__@toPrimitive', 'toString', 'valueOf'] : ['__@toPrimitive', 'valueOf', 'toString'];
      for (const e of converted) {
        // `(money as unknown as number) + 1`: the object under the cast is what is converted
        let fn: FunctionNode | undefined;
        let at = e;
        for (let x: ts.Expression = e; !fn; x = (x as ts.ParenthesizedExpression).expression) {
          const t = checker.getTypeAtLocation(x);
          fn = isObject(t) ? conversionMethod(t, order) : undefined;
          at = x;
          if (!isCastOrParens(x)) break;
        }
        if (!fn) continue;
        const name = memberName(checker, fn) === '__@toPrimitive' ? '[Symbol.toPrimitive]' : memberName(checker, fn);
        const receiver =
          ts.isIdentifier(at) || ts.isPropertyAccessExpression(at) || ts.isCallExpression(at)
            ? at.getText()
            : `(${at.getText()})`;
        report(
          e,
          fn,
          `Converting ${e.getText()} to a primitive here calls ${functionName(fn)}, which may suspend, from the engine, where nothing can wait. ${name === '[Symbol.toPrimitive]' ? `Give it a plain name (\`toText()\`) and call that yourself: \`${receiver}.toText()\`.` : `Call it yourself: \`${receiver}.${name}()\`.`}`,
        );
      }
    }
    if (has(ITERATION) && (ts.isCallExpression(node) || ts.isNewExpression(node)) && node.arguments?.length) {
      // `new Map(entries)`, `Array.from(it)`, `Promise.all(jobs)`: a library iterates what it is given
      const declaration = checker.getResolvedSignature(node)?.getDeclaration();
      if (declaration?.getSourceFile().isDeclarationFile)
        for (const arg of node.arguments) {
          const next = iteratorNext(checker.getTypeAtLocation(arg));
          if (next)
            report(
              arg,
              next,
              `${ts.isNewExpression(node) ? 'new ' : ''}${node.expression.getText()} iterates ${arg.getText()}, which calls ${functionName(next)}, which may suspend, from code that was not compiled, where nothing can wait. Collect the values first in a loop of your own (\`const it = ${arg.getText()}[Symbol.iterator](); for (let r = it.next(); !r.done; r = it.next()) …\`) and pass the array.`,
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

/** `String(x)` and `Number(x)` of lib.d.ts convert their argument (a program's own `String` does not). */
function conversionFunction(checker: ts.TypeChecker, callee: ts.Expression): 'String' | 'Number' | undefined {
  if (!ts.isIdentifier(callee) || (callee.text !== 'String' && callee.text !== 'Number')) return undefined;
  const decls = checker.getSymbolAtLocation(callee)?.declarations ?? [];
  return decls.length > 0 && decls.every((d) => d.getSourceFile().isDeclarationFile) ? callee.text : undefined;
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

/**
 * The member a coloured function is: a method or getter itself, or the function a property holds
 * (`{ next: () => … }`, `class { next = () => … }`).
 */
function memberOf(
  fn: FunctionNode,
): ts.MethodDeclaration | ts.GetAccessorDeclaration | ts.PropertyAssignment | ts.PropertyDeclaration | undefined {
  if (ts.isMethodDeclaration(fn) || ts.isGetAccessorDeclaration(fn)) return fn;
  const p = fn.parent;
  if (
    (ts.isArrowFunction(fn) || ts.isFunctionExpression(fn)) &&
    p &&
    (ts.isPropertyAssignment(p) || ts.isPropertyDeclaration(p)) &&
    p.initializer === fn
  )
    return p;
  return undefined;
}

/** The function a member declaration is or holds (the inverse of `memberOf`). */
export function memberFunction(d: ts.Declaration): FunctionNode | undefined {
  if (ts.isMethodDeclaration(d) || ts.isGetAccessorDeclaration(d)) return d;
  if ((ts.isPropertyAssignment(d) || ts.isPropertyDeclaration(d)) && d.initializer) {
    const init = skipParens(d.initializer);
    if (ts.isArrowFunction(init) || ts.isFunctionExpression(init)) return init;
  }
  return undefined;
}

/** `next`, `toString`, or `__@dispose` for `[Symbol.dispose]() {}` (a well-known symbol, as the checker names it). */
function memberName(checker: ts.TypeChecker, fn: FunctionNode): string | undefined {
  const member = memberOf(fn);
  if (!member) return undefined;
  const text = propertyNameText(member.name);
  if (text !== undefined) return text;
  // `[Symbol.dispose]() {}`: the member's late-bound name (`__@dispose@42`) is on its owner's type
  const owner = checker.getTypeAtLocation(member.parent);
  const sym = checker.getPropertiesOfType(owner).find((p) => p.declarations?.includes(member));
  const m = sym && /^__@(\w+)@/.exec(String(sym.escapedName));
  return m ? `__@${m[1]}` : undefined;
}
