/**
 * Calls of ts-greenlet's own API, which async/await code does without.
 *
 * ```ts
 * // source                                   // ejected
 * const query = synchronize(async (q) => …);  const query = async (q) => …;
 * @synchronize async load() {…}               async load() {…}
 * spawnGreenlet(main, 1).then(print);         main(1).then(print);
 * spawnGreenlet(plain, 1)                     (async () => plain(1))()     (plain: not coloured)
 * awaitSync(p) + 1                            (await p) + 1
 * let f: Synchronized<F>;                     let f: F;
 * ```
 *
 * `synchronize(fn)` is `fn`: a call of it waits (`awaits.ts` adds the `await`), and outside async
 * code it returns the promise, as a non-strict synchronized function did.
 */
import ts from '../ts';
import { hasSynchronizedBrand, isRuntimeExport } from '../analysis/suspension-points';
import { skipParens, type FunctionNode } from '../analysis/inventory';
import { addAwait, cannotAwaitHere, needsParens } from './awaits';
import { insideKept, type EjectState } from './state';

export function ejectRuntimeCalls(state: EjectState, file: ts.SourceFile): void {
  const visit = (node: ts.Node): void => {
    if (state.kept.has(node as FunctionNode)) return;
    if (ts.isCallExpression(node)) rewriteCall(state, node);
    else if (ts.isDecorator(node)) rewriteDecorator(state, node);
    else if (ts.isTypeReferenceNode(node)) rewriteType(state, node);
    ts.forEachChild(node, visit);
  };
  visit(file);
}

function rewriteCall(state: EjectState, call: ts.CallExpression): void {
  const callee = call.expression;
  if (!ts.isIdentifier(callee) && !ts.isPropertyAccessExpression(callee)) return;
  const is = (name: string) => isRuntimeExport(state.checker, callee, name);
  const [first] = call.arguments;
  if (!first || ts.isSpreadElement(first)) return;
  if ((is('synchronize') || is('spawnGreenletOnScopeError')) && isFunctionValue(state, first)) {
    consume(state, callee);
    unwrap(state, call, first);
    const options = call.arguments[1];
    if (
      options &&
      ts.isObjectLiteralExpression(options) &&
      options.properties.some((p) => p.name?.getText() === 'name')
    )
      state.left.push({
        node: options,
        kind: 'caveat',
        reason: "synchronize's name option is dropped: the async function keeps its own name.",
      });
  } else if (is('spawnGreenlet')) {
    consume(state, callee);
    spawnToCall(state, call);
  } else if (is('awaitSync') && state.analysis.plans.has(call) && call.arguments.length === 1) {
    if (cannotAwaitHere(state, call)) return;
    consume(state, callee);
    awaitSyncToAwait(state, call, first);
  }
}

/** `synchronize(fn, options)` → `fn`, keeping the parentheses where `fn` would need them. */
function unwrap(state: EjectState, call: ts.CallExpression, fn: ts.Expression): void {
  const file = call.getSourceFile();
  const keepParens = needsParens(call) && !isPrimary(fn);
  state.edits.replace(file, call.getStart(), fn.getStart(), keepParens ? '(' : '');
  state.edits.replace(file, fn.getEnd(), call.getEnd(), keepParens ? ')' : '');
}

/**
 * `spawnGreenlet(f, a, b)` → `f(a, b)`: a coloured `f` is async now, so its call is the promise
 * the greenlet's was; a plain `f` is run in an async arrow, so an error it throws still rejects.
 */
function spawnToCall(state: EjectState, call: ts.CallExpression): void {
  const file = call.getSourceFile();
  const [fn, ...args] = call.arguments;
  const asyncFn = isAsyncAfterEject(state, fn);
  let head = isPrimary(fn) ? '' : '(';
  let tail = head ? ')' : '';
  // a greenlet calls its body with `this` undefined: so does `(0, o.m)(…)`
  if (ts.isPropertyAccessExpression(skipParens(fn)) || ts.isElementAccessExpression(skipParens(fn))) {
    head = '(0, ';
    tail = ')';
  }
  if (!asyncFn) head = `(async () => ${head}`;
  state.edits.replace(file, call.getStart(), fn.getStart(), head);
  const close = asyncFn ? '' : ')()';
  if (args.length) {
    state.edits.replace(file, fn.getEnd(), args[0].getStart(), `${tail}(`);
    if (close) state.edits.after(call, close);
  } else {
    state.edits.replace(file, fn.getEnd(), call.getEnd(), `${tail}()${close}`);
  }
}

/** `awaitSync(p)` → `await p` (`await (a || b)` where `p` needs its parentheses). */
function awaitSyncToAwait(state: EjectState, call: ts.CallExpression, p: ts.Expression): void {
  const file = call.getSourceFile();
  if (isPrimary(p) || ts.isAwaitExpression(p) || ts.isPrefixUnaryExpression(p)) {
    state.edits.replace(file, call.getStart(), p.getStart(), '');
    state.edits.replace(file, p.getEnd(), call.getEnd(), '');
  } else {
    state.edits.replace(file, call.expression.getStart(), call.expression.getEnd(), '');
  }
  addAwait(state, call);
}

/** `@synchronize` / `@synchronize({ strict: false })` on an async method: removed, with its line if it has one of its own. */
function rewriteDecorator(state: EjectState, d: ts.Decorator): void {
  const callee = ts.isCallExpression(d.expression) ? d.expression.expression : d.expression;
  if (!isRuntimeExport(state.checker, callee, 'synchronize') || insideKept(state, d)) return;
  consume(state, callee);
  const file = d.getSourceFile();
  let start = d.getStart();
  let end = d.getEnd();
  while (end < file.text.length && /[ \t]/.test(file.text[end])) end++;
  // alone on its line: the line goes, indentation and all
  const lineStart = file.text.lastIndexOf('\n', start - 1) + 1;
  if (file.text[end] === '\n' && /^[ \t]*$/.test(file.text.slice(lineStart, start))) {
    start = lineStart;
    end++;
  }
  state.edits.replace(file, start, end, '');
}

/** `Synchronized<F>` → `F`: the function it brands is what async code calls. */
function rewriteType(state: EjectState, t: ts.TypeReferenceNode): void {
  const name = ts.isIdentifier(t.typeName) ? t.typeName : t.typeName.right;
  const sym = state.checker.getSymbolAtLocation(name);
  const real = sym && sym.flags & ts.SymbolFlags.Alias ? state.checker.getAliasedSymbol(sym) : sym;
  if (real?.name !== 'Synchronized' || t.typeArguments?.length !== 1 || !ts.isIdentifier(name)) return;
  const decl = real.declarations?.[0];
  if (!decl || !/[\\/]runtime[\\/]/.test(decl.getSourceFile().fileName)) return;
  consume(state, name);
  const arg = t.typeArguments[0];
  state.edits.replace(t.getSourceFile(), t.getStart(), arg.getStart(), '');
  state.edits.replace(t.getSourceFile(), arg.getEnd(), t.getEnd(), '');
}

function consume(state: EjectState, callee: ts.Expression): void {
  const id = ts.isPropertyAccessExpression(callee) ? callee.name : callee;
  if (ts.isIdentifier(id)) state.consumed.add(id);
}

/** A function the wrapper can hand back as it is (not the options-only `synchronize({ strict })`). */
function isFunctionValue(state: EjectState, e: ts.Expression): boolean {
  return state.checker.getTypeAtLocation(e).getCallSignatures().length > 0;
}

/** A coloured function (async after eject) or a synchronized one (async already). */
function isAsyncAfterEject(state: EjectState, e: ts.Expression): boolean {
  const inner = skipParens(e);
  if (ts.isFunctionExpression(inner) || ts.isArrowFunction(inner))
    return state.rewritten.has(inner) || !!inner.modifiers?.some((m) => m.kind === ts.SyntaxKind.AsyncKeyword);
  if (hasSynchronizedBrand(state.checker, state.checker.getTypeAtLocation(inner))) return true;
  let sym = state.checker.getSymbolAtLocation(ts.isPropertyAccessExpression(inner) ? inner.name : inner);
  if (sym && sym.flags & ts.SymbolFlags.Alias) sym = state.checker.getAliasedSymbol(sym);
  const decl = sym?.valueDeclaration;
  if (!decl) return false;
  const fn = ts.isVariableDeclaration(decl) && decl.initializer ? skipParens(decl.initializer) : decl;
  return state.rewritten.has(fn as FunctionNode);
}

/** An expression that can be called or awaited without parentheses around it. */
function isPrimary(e: ts.Expression): boolean {
  return (
    ts.isIdentifier(e) ||
    ts.isPropertyAccessExpression(e) ||
    ts.isElementAccessExpression(e) ||
    ts.isCallExpression(e) ||
    ts.isParenthesizedExpression(e) ||
    ts.isLiteralExpression(e) ||
    ts.isArrayLiteralExpression(e) ||
    ts.isObjectLiteralExpression(e) ||
    e.kind === ts.SyntaxKind.ThisKeyword
  );
}
