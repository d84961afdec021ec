/**
 * Koa: sync-style handlers on ts-greenlet's integration become plain @koa/router handlers.
 *
 * ```ts
 * // source                                           // ejected
 * import { greenlet, GreenletRouter, type SyncNext }   import Router from '@koa/router';
 *   from 'ts-greenlet/koa';                            import type { Next } from 'koa';
 * const router = new GreenletRouter();                const router = new Router();
 * app.use(greenlet(function timing(ctx, next: SyncNext) {   app.use(async function timing(ctx, next: Next) {
 *   next();                                              await next();
 * }));                                                 });
 * ```
 *
 * Handlers that may suspend are coloured, so `functions.ts` makes them async and `awaits.ts`
 * awaits `next()` (a `SyncNext` call waits). Controllers (`mount`, `@get`), `inExecutor` and
 * WebSockets have no counterpart in plain Koa: `imports.ts` lists their uses.
 *
 * Listed as a caveat, once a file for each: a `GreenletRouter` route and a `greenlet()` middleware
 * are cancelled when the client disconnects (`runtime/koa/disconnect.ts`), and the async handlers
 * eject writes run on to their end.
 */
import ts from '../ts';
import { isRuntimeExport } from '../analysis/suspension-points';
import type { EjectState } from './state';

const ROUTER_CAVEAT =
  "GreenletRouter cancels a request's handlers when the client disconnects (GreenletExit; their finally blocks run then): @koa/router's async handlers run on to their end.";
const MIDDLEWARE_CAVEAT =
  'greenlet() middleware is cancelled when the client disconnects (GreenletExit; its finally blocks run then): async middleware runs on to its end.';

export function ejectKoa(state: EjectState, file: ts.SourceFile): void {
  const uses = { router: false, next: false, context: false };
  const caveats = new Set<string>();
  const caveat = (node: ts.Node, reason: string) => {
    if (caveats.has(reason)) return;
    caveats.add(reason);
    state.left.push({ node, kind: 'caveat', reason });
  };
  const visit = (node: ts.Node): void => {
    if (
      ts.isCallExpression(node) &&
      node.arguments.length === 1 &&
      isRuntimeExport(state.checker, node.expression, 'greenlet')
    ) {
      // greenlet(mw) → mw: the middleware is async now, or plain (and Koa takes both)
      const [mw] = node.arguments;
      caveat(node, MIDDLEWARE_CAVEAT);
      state.consumed.add(node.expression as ts.Identifier);
      state.edits.replace(file, node.getStart(), mw.getStart(), '');
      state.edits.replace(file, mw.getEnd(), node.getEnd(), '');
      // its parameters were typed by greenlet()'s signature: now they say it themselves
      if (ts.isArrowFunction(mw) || ts.isFunctionExpression(mw)) {
        const [ctx, next] = mw.parameters;
        const bare = !mw.getChildren().some((c) => c.kind === ts.SyntaxKind.OpenParenToken);
        if (ctx && !ctx.type && !bare) {
          state.edits.after(ctx.name, ': Context');
          uses.context = true;
        }
        if (next && !next.type) {
          state.edits.after(next.name, ': Next');
          uses.next = true;
        }
      }
    } else if (
      ts.isIdentifier(node) &&
      isRuntimeExport(state.checker, node, 'GreenletRouter') &&
      !ts.isImportSpecifier(node.parent)
    ) {
      state.consumed.add(node);
      if (ts.isNewExpression(node.parent) && node.parent.expression === node) caveat(node.parent, ROUTER_CAVEAT);
      state.edits.replace(file, node.getStart(), node.getEnd(), 'Router');
      uses.router = true;
    } else if (
      ts.isTypeReferenceNode(node) &&
      ts.isIdentifier(node.typeName) &&
      isRuntimeExport(state.checker, node.typeName, 'SyncNext')
    ) {
      state.consumed.add(node.typeName);
      state.edits.replace(file, node.typeName.getStart(), node.typeName.getEnd(), 'Next');
      uses.next = true;
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
  const koaTypes = [uses.context && 'Context', uses.next && 'Next'].filter(Boolean).join(', ');
  const imports = [
    uses.router && `import Router from '@koa/router';`,
    koaTypes && `import type { ${koaTypes} } from 'koa';`,
  ]
    .filter(Boolean)
    .join('\n');
  if (!imports) return;
  const first = file.statements.find(ts.isImportDeclaration) ?? file.statements[0];
  state.edits.insert(file, first.getStart(), `${imports}\n`);
}
