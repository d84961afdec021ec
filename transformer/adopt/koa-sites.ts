/**
 * What adopt can see of a Koa app: the @koa/router routers made with `new Router()` and bound to
 * a const, the handlers registered on them (wherever the binding is used, chains included): function
 * literals, and names of functions declared in the same file; and the function literals given to a
 * Koa app's `app.use`.
 *
 * ```ts
 * import Router from '@koa/router';
 * const router = new Router();                         // a RouterSite: its binding, `new Router`
 * router.get('/a', async (ctx) => …).post('/b', …);    // two handlers (next: parameter 1)
 * router.param('id', async (id, ctx, next) => …);      // a handler (next: parameter 2)
 * router.get('/notes', listNotes);                     // a handler, `ref`: listNotes (async function listNotes…)
 * router.head('/a', async (ctx) => …);                 // a handler: head and options are typed too
 * router.register('/a', ['PURGE'], async (ctx) => …);  // typed by Router, not GreenletRouter: `untyped`
 * app.use(async function timing(ctx, next) { … });     // middleware
 * ```
 */
import ts from '../ts';
import { constBindingOf, resolve, skipParens } from './targets';

export type Literal = ts.ArrowFunction | ts.FunctionExpression;
/** A literal, or the function a handler's name resolves to (for `const f = async …`, the literal). */
export type HandlerFn = Literal | ts.FunctionDeclaration;

/** A function registered as a handler: the call it is passed to, and where its `next` is. */
export interface Handler {
  fn: HandlerFn;
  call: ts.CallExpression;
  nextIndex: number;
  /** The name passed, when the handler is passed by name. */
  ref?: ts.Identifier;
}

export interface RouterSite {
  /** `Router` in `new Router(…)`. */
  ctor: ts.Identifier;
  binding: ts.VariableDeclaration;
  /** Async handlers given to methods GreenletRouter types for its handlers. */
  handlers: Handler[];
  /** Async handlers given to other methods (`register`, `trace`): GreenletRouter would not type them. */
  untyped: Handler[];
  /** Plain (not async) handlers that use their `next`: on a GreenletRouter that `next` would wait. */
  plainWithNext: Handler[];
}

export interface KoaSites {
  routers: RouterSite[];
  /** Async literals given to `app.use` of a Koa app. */
  middleware: Handler[];
}

/** Methods whose handlers GreenletRouter types with a `SyncNext` (`greenlet-router.ts`), and where `next` is. */
export const TYPED: Record<string, number> = {
  get: 1,
  post: 1,
  put: 1,
  patch: 1,
  delete: 1,
  del: 1,
  head: 1,
  options: 1,
  all: 1,
  use: 1,
  param: 2,
};

export function koaSites(checker: ts.TypeChecker, files: readonly ts.SourceFile[]): KoaSites {
  const routers: RouterSite[] = [];
  const middleware: Handler[] = [];
  const visit = (n: ts.Node): void => {
    if (ts.isNewExpression(n) && ts.isIdentifier(n.expression) && isKoaRouter(checker, n.expression)) {
      const decl = constBindingOf(n);
      if (decl) routers.push({ ctor: n.expression, binding: decl, handlers: [], untyped: [], plainWithNext: [] });
    }
    if (ts.isCallExpression(n) && isAppUse(checker, n))
      for (const fn of literals(n)) if (isAsyncHandler(fn)) middleware.push({ fn, call: n, nextIndex: 1 });
    ts.forEachChild(n, visit);
  };
  for (const f of files) visit(f);
  for (const r of routers) collectHandlers(checker, files, r);
  return { routers, middleware };
}

/** Registrations on the router's binding, in any file: `router.get(…)`, `router.get(…).post(…)`. */
function collectHandlers(checker: ts.TypeChecker, files: readonly ts.SourceFile[], router: RouterSite): void {
  const symbol = checker.getSymbolAtLocation(router.binding.name);
  const visit = (n: ts.Node): void => {
    if (ts.isIdentifier(n) && n !== router.binding.name && symbol && resolve(checker, n) === symbol) {
      let receiver: ts.Expression = n;
      for (;;) {
        const access = receiver.parent;
        if (!ts.isPropertyAccessExpression(access) || access.expression !== receiver) break;
        const call = access.parent;
        if (!ts.isCallExpression(call) || call.expression !== access) break;
        register(checker, router, call, access.name.text);
        receiver = call;
      }
    }
    ts.forEachChild(n, visit);
  };
  for (const f of files) visit(f);
}

function register(checker: ts.TypeChecker, router: RouterSite, call: ts.CallExpression, method: string): void {
  const nextIndex = TYPED[method] ?? 1;
  for (const { fn, ref } of handlerArguments(checker, call)) {
    const h = { fn, call, nextIndex, ref };
    if (!isAsyncHandler(fn)) {
      if (usesParameter(fn, nextIndex)) router.plainWithNext.push(h);
    } else if (method in TYPED) router.handlers.push(h);
    else router.untyped.push(h);
  }
}

function literals(call: ts.CallExpression): Literal[] {
  return call.arguments
    .map(skipParens)
    .filter((a): a is Literal => ts.isArrowFunction(a) || ts.isFunctionExpression(a));
}

/** The call's function arguments: literals, and names of functions declared in the call's file. */
function handlerArguments(
  checker: ts.TypeChecker,
  call: ts.CallExpression,
): Array<{ fn: HandlerFn; ref?: ts.Identifier }> {
  return call.arguments.flatMap((a): Array<{ fn: HandlerFn; ref?: ts.Identifier }> => {
    const e = skipParens(a);
    if (ts.isArrowFunction(e) || ts.isFunctionExpression(e)) return [{ fn: e }];
    if (!ts.isIdentifier(e)) return [];
    const fn = declaredFunction(resolve(checker, e)?.valueDeclaration);
    return fn && fn.getSourceFile() === call.getSourceFile() ? [{ fn, ref: e }] : [];
  });
}

/** `function f(…) {…}`, or the literal of `const f = async (…) => …` / `= async function (…) {…}`. */
function declaredFunction(decl: ts.Declaration | undefined): HandlerFn | undefined {
  if (!decl) return undefined;
  if (ts.isFunctionDeclaration(decl)) return decl.body ? decl : undefined;
  if (!ts.isVariableDeclaration(decl) || !decl.initializer) return undefined;
  const init = skipParens(decl.initializer);
  return (ts.isArrowFunction(init) || ts.isFunctionExpression(init)) && constBindingOf(init) ? init : undefined;
}

function isAsyncHandler(fn: HandlerFn): boolean {
  return !!ts.getModifiers(fn)?.some((m) => m.kind === ts.SyntaxKind.AsyncKeyword) && !fn.asteriskToken;
}

/** Whether `fn`'s parameter at `index` is referenced in its body. */
export function usesParameter(fn: HandlerFn, index: number): boolean {
  const p = fn.parameters[index];
  if (!p) return false;
  if (!ts.isIdentifier(p.name)) return true;
  const name = p.name.text;
  let found = false;
  const visit = (n: ts.Node): void => {
    if (found) return;
    if (ts.isIdentifier(n) && n.text === name && n !== p.name) found = true;
    ts.forEachChild(n, visit);
  };
  if (fn.body) visit(fn.body);
  return found;
}

/** `new Router()` of @koa/router: its default export, or its named export `Router`. */
function isKoaRouter(checker: ts.TypeChecker, id: ts.Identifier): boolean {
  const alias = checker.getSymbolAtLocation(id);
  const decl = alias?.declarations?.[0];
  if (!decl || !(ts.isImportClause(decl) || ts.isImportSpecifier(decl))) return false;
  if (ts.isImportSpecifier(decl) && (decl.propertyName ?? decl.name).text !== 'Router') return false;
  const from = ts.isImportClause(decl) ? decl.parent.moduleSpecifier : decl.parent.parent.parent.moduleSpecifier;
  return ts.isStringLiteral(from) && from.text === '@koa/router';
}

/** `app.use(…)` where `app` is a Koa application (its type: koa's `Application`). */
function isAppUse(checker: ts.TypeChecker, call: ts.CallExpression): boolean {
  const callee = call.expression;
  if (!ts.isPropertyAccessExpression(callee) || callee.name.text !== 'use') return false;
  const symbol = checker.getTypeAtLocation(callee.expression).getSymbol();
  const file = symbol?.declarations?.[0]?.getSourceFile().fileName ?? '';
  return symbol?.name === 'Application' && /[\\/]node_modules[\\/](@types[\\/])?koa[\\/]/.test(file);
}
