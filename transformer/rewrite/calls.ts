/**
 * Call sites that may suspend, emitted the way `Analysis.plans` says. Evaluation order is the
 * original's: receiver, callee, arguments, call; optional chains short-circuit as written.
 *
 * ```js
 * query(sql)      →  (__tsg.resumeInline(yield __tsg.markInlineWait(__tsg.rawOf(query).call(void 0, sql))))  // wait
 * load(id)        →  (yield* load$twin(id))                               // direct
 * fact(n - 1)     →  (__tsg.resumeInline(yield __tsg.markRecord(fact$twin(n - 1))))  // direct, recursive edge
 * repo.find(id)   →  (yield* __tsg.dispatch((_a = repo).find).call(_a, id))
 * a?.b?.(x)       →  (_a = a) == null ? void 0 : (_b = _a.b) == null ? void 0 : (yield* __tsg.dispatch(_b).call(_a, x))
 * in an async fn:    __tsg.unbox(await __tsg.callInGreenlet((_a = repo).find, _a, [id]))
 * ```
 * The whole table of emitted forms is in runtime/protocol.ts.
 */
import ts from '../ts';
import { MAX_NESTED_DELEGATION } from '../analysis/delegation-depth';
import type { CallPlan } from '../analysis/result';
import { calleeOf, skipParens } from '../analysis/inventory';
import type { Rewriter } from './rewriter';

type Visit = (node: ts.Node) => ts.Node;

/** Emits `call` (already known to have `plan`), visiting its parts with `visit`. */
export function emitCall(rw: Rewriter, call: ts.CallExpression, plan: CallPlan, visit: Visit): ts.Expression {
  const guards: Guard[] = [];
  return wrapGuards(rw.factory, callBody(rw, call, plan, visit, guards), guards);
}

/**
 * Emits a whole optional chain (`a?.b.load().name`) whose spine holds a call that may suspend:
 * every `?.` becomes a guard around the rest of the chain, so a nullish link skips it all.
 */
export function emitChain(rw: Rewriter, chain: ts.Expression, visit: Visit): ts.Expression {
  const guards: Guard[] = [];
  return wrapGuards(rw.factory, chainValue(rw, chain, visit, guards), guards);
}

/** True if `node` is the outermost link of an optional chain (where the chain's value is used). */
export function isChainOuter(node: ts.Node): node is ts.Expression {
  if (!(node.flags & ts.NodeFlags.OptionalChain)) return false;
  const p = node.parent;
  return !(
    p.flags & ts.NodeFlags.OptionalChain &&
    (ts.isPropertyAccessExpression(p) ||
      ts.isElementAccessExpression(p) ||
      ts.isCallExpression(p) ||
      ts.isNonNullExpression(p)) &&
    p.expression === node
  );
}

/** The calls on the spine of an optional chain (not in arguments). */
export function chainCalls(chain: ts.Expression): ts.CallExpression[] {
  const out: ts.CallExpression[] = [];
  let e: ts.Expression = chain;
  while (e.flags & ts.NodeFlags.OptionalChain) {
    if (ts.isCallExpression(e)) out.push(e);
    if (
      ts.isPropertyAccessExpression(e) ||
      ts.isElementAccessExpression(e) ||
      ts.isCallExpression(e) ||
      ts.isNonNullExpression(e)
    )
      e = e.expression;
    else break;
  }
  return out;
}

interface Guard {
  temp: ts.Identifier;
  value: ts.Expression;
}

/** `(t1 = v1) == null ? void 0 : (t2 = v2) == null ? void 0 : expr`, first guard outermost. */
function wrapGuards(f: ts.NodeFactory, expr: ts.Expression, guards: Guard[]): ts.Expression {
  let result = expr;
  for (let i = guards.length - 1; i >= 0; i--) {
    const { temp, value } = guards[i];
    const test = f.createBinaryExpression(
      f.createParenthesizedExpression(f.createAssignment(temp, value)),
      ts.SyntaxKind.EqualsEqualsToken,
      f.createNull(),
    );
    result = f.createParenthesizedExpression(
      f.createConditionalExpression(test, undefined, f.createVoidZero(), undefined, result),
    );
  }
  return result;
}

/** A link's value; a `?.` on it adds a guard and yields the guard's temp. */
function guarded(rw: Rewriter, value: ts.Expression, optional: boolean, guards: Guard[]): ts.Expression {
  if (!optional) return value;
  const temp = rw.factory.createTempVariable(rw.hoist);
  guards.push({ temp, value });
  return temp;
}

/** An expression on the spine of a chain; anything else is simply visited. */
function chainValue(rw: Rewriter, e: ts.Expression, visit: Visit, guards: Guard[]): ts.Expression {
  const f = rw.factory;
  if (!(e.flags & ts.NodeFlags.OptionalChain)) return visit(e) as ts.Expression;
  if (ts.isNonNullExpression(e)) return chainValue(rw, e.expression, visit, guards);
  if (ts.isPropertyAccessExpression(e) || ts.isElementAccessExpression(e)) {
    const obj = guarded(rw, chainValue(rw, e.expression, visit, guards), !!e.questionDotToken, guards);
    return ts.isPropertyAccessExpression(e)
      ? f.createPropertyAccessExpression(obj, visit(e.name) as ts.MemberName)
      : f.createElementAccessExpression(obj, visit(e.argumentExpression) as ts.Expression);
  }
  if (ts.isCallExpression(e)) return callBody(rw, e, rw.analysis.plans.get(e), visit, guards);
  return visit(e) as ts.Expression;
}

/**
 * A call split into receiver, function and arguments, each evaluated once, in order; `plan`
 * undefined means a plain call (a link of a chain that does not suspend).
 */
function callBody(
  rw: Rewriter,
  call: ts.CallExpression | ts.TaggedTemplateExpression,
  plan: CallPlan | undefined,
  visit: Visit,
  guards: Guard[],
): ts.Expression {
  const f = rw.factory;
  const visitArgs = () =>
    ts.isCallExpression(call)
      ? call.arguments.map((a) => visit(a) as ts.Expression)
      : templateArguments(rw, call, visit);
  const optionalCall = ts.isCallExpression(call) && !!call.questionDotToken;
  if (plan?.kind === 'direct' && !optionalCall) {
    const twin = rw.directTwinRef(plan.fn);
    if (twin) return delegate(rw, f.createCallExpression(twin, undefined, visitArgs()), plan);
  }
  const callee = skipParens(calleeOf(call));
  let recv: ts.Expression | undefined;
  let fnValue!: ts.Expression;
  if (ts.isPropertyAccessExpression(callee) || ts.isElementAccessExpression(callee)) {
    let obj: ts.Expression;
    if (callee.expression.kind === ts.SyntaxKind.SuperKeyword) {
      // `super.m(x)`: the method runs on `this`; inside a coloured arrow `super` comes in captured
      recv = f.createThis();
      const key = ts.isPropertyAccessExpression(callee)
        ? f.createStringLiteral(callee.name.text)
        : (visit(callee.argumentExpression) as ts.Expression);
      fnValue = rw.superMember(callee, key);
      obj = fnValue;
    } else {
      const value = guarded(rw, chainValue(rw, callee.expression, visit, guards), !!callee.questionDotToken, guards);
      if (ts.isIdentifier(value) && guards.some((g) => g.temp === value)) {
        recv = obj = value;
      } else {
        recv = f.createTempVariable(rw.hoist);
        obj = f.createParenthesizedExpression(f.createAssignment(recv, value));
      }
    }
    if (callee.expression.kind !== ts.SyntaxKind.SuperKeyword)
      fnValue = ts.isPropertyAccessExpression(callee)
        ? f.createPropertyAccessExpression(obj, visit(callee.name) as ts.MemberName)
        : f.createElementAccessExpression(obj, visit(callee.argumentExpression) as ts.Expression);
  } else {
    fnValue = chainValue(rw, callee, visit, guards);
  }
  const args = visitArgs();
  if (plan?.kind === 'builtin') {
    // `ids.map(cb)` → `(yield* __tsg.builtins.map(_a = ids, cb))`; the method is the builtin by type
    const helper = f.createPropertyAccessExpression(rw.helper('builtins'), plan.helper);
    const target =
      ts.isPropertyAccessExpression(fnValue) || ts.isElementAccessExpression(fnValue)
        ? fnValue.expression
        : f.createVoidZero();
    if (plan.inAsync) {
      return awaitInGreenlet(rw, helper, undefined, [target, ...args]);
    }
    return delegate(rw, f.createCallExpression(helper, undefined, [target, ...args]), PLAIN_EDGE);
  }
  if (
    plan?.kind === 'direct' &&
    recv &&
    ts.isPropertyAccessExpression(fnValue) &&
    ts.isPrivateIdentifier(
      callee.kind === ts.SyntaxKind.PropertyAccessExpression
        ? (callee as ts.PropertyAccessExpression).name
        : fnValue.name,
    )
  ) {
    // `this.#m(x)` → `(yield* (_a = this).#m$twin(x))`: private methods are never overridden
    const twin = f.createPrivateIdentifier(rw.twinName(plan.fn)!.text);
    return delegate(
      rw,
      f.createCallExpression(f.createPropertyAccessExpression(fnValue.expression, twin), undefined, args),
      plan,
    );
  }
  let fn: ts.Expression;
  const steps: ts.Expression[] = [];
  if (optionalCall) {
    fn = guarded(rw, fnValue, true, guards);
  } else {
    fn = fnValue; // used once, before the arguments: no temp needed
  }
  let last: ts.Expression;
  if (!plan) {
    last = recv
      ? f.createCallExpression(f.createPropertyAccessExpression(fn, 'call'), undefined, [recv, ...args])
      : f.createCallExpression(fn, undefined, args);
  } else if (plan.kind === 'await') {
    last = awaitInGreenlet(rw, fn, recv, args);
  } else if (plan.kind === 'wait') {
    last = plan.bare ? bareWait(rw, args[0]) : inlineWait(rw, fn, recv, args);
  } else {
    last = dispatch(rw, fn, recv, args, 'explicit' in plan ? plan : PLAIN_EDGE);
  }
  return steps.length ? f.createParenthesizedExpression(f.createCommaListExpression([...steps, last])) : last;
}

/**
 * A tagged template's arguments, with the same template object as the original site:
 * ``tag`a${x}b` `` → `...__tsg.templateArgs`a${x}b`` (which returns `[strings, x]`).
 */
function templateArguments(rw: Rewriter, call: ts.TaggedTemplateExpression, visit: Visit): ts.Expression[] {
  const f = rw.factory;
  const template = visit(call.template) as ts.TemplateLiteral;
  return [f.createSpreadElement(f.createTaggedTemplateExpression(rw.helper('templateArgs'), undefined, template))];
}

/** Emits a tagged template whose tag may suspend. */
export function emitTagged(
  rw: Rewriter,
  node: ts.TaggedTemplateExpression,
  plan: CallPlan,
  visit: Visit,
): ts.Expression {
  const guards: Guard[] = [];
  return wrapGuards(rw.factory, callBody(rw, node, plan, visit, guards), guards);
}

/** `yield* __tsg.dispatch(fn).call(thisArg, ...args)`: the twin if there is one, else a plain call. */
function dispatch(
  rw: Rewriter,
  fn: ts.Expression,
  thisArg: ts.Expression | undefined,
  args: ts.Expression[],
  edge: Edge,
): ts.Expression {
  const f = rw.factory;
  const target = f.createCallExpression(rw.helper('dispatch'), undefined, [fn]);
  return delegate(
    rw,
    f.createCallExpression(f.createPropertyAccessExpression(target, 'call'), undefined, [
      thisArg ?? f.createVoidZero(),
      ...args,
    ]),
    edge,
  );
}

/**
 * A call of a suspension point, waited for inline (no generator per wait):
 * `query(sql)` → `__tsg.resumeInline(yield __tsg.markInlineWait(__tsg.rawOf(query).call(void 0, sql)))`.
 */
function inlineWait(
  rw: Rewriter,
  fn: ts.Expression,
  thisArg: ts.Expression | undefined,
  args: ts.Expression[],
): ts.Expression {
  const f = rw.factory;
  const call = f.createCallExpression(
    f.createPropertyAccessExpression(f.createCallExpression(rw.helper('rawOf'), undefined, [fn]), 'call'),
    undefined,
    [thisArg ?? f.createVoidZero(), ...args],
  );
  const wait = f.createYieldExpression(
    undefined,
    f.createCallExpression(rw.helper('markInlineWait'), undefined, [call]),
  );
  return f.createParenthesizedExpression(f.createCallExpression(rw.helper('resumeInline'), undefined, [wait]));
}

/** `awaitSync(p)`, `p` a promise: `__tsg.resumeInline(yield __tsg.markInlineWait(p))`. */
function bareWait(rw: Rewriter, promise: ts.Expression): ts.Expression {
  const f = rw.factory;
  const wait = f.createYieldExpression(
    undefined,
    f.createCallExpression(rw.helper('markInlineWait'), undefined, [promise]),
  );
  return f.createParenthesizedExpression(f.createCallExpression(rw.helper('resumeInline'), undefined, [wait]));
}

/**
 * An access that runs an accessor which may suspend; the accessor is found at run time, so a
 * plain override stays plain.
 *
 * ```js
 * o.p         →  (yield* __tsg.getProperty(o, "p"))
 * o.p = v     →  (yield* __tsg.setProperty(o, "p", v))
 * o[k] += v   →  (yield* __tsg.setProperty(_a = o, _b = k, (yield* __tsg.getProperty(_a, _b)) + v))
 * ```
 */
export function emitAccess(
  rw: Rewriter,
  access: ts.PropertyAccessExpression | ts.ElementAccessExpression,
  plan: { mode: 'read' | 'write' | 'readwrite'; inAsync: boolean },
  visit: Visit,
  assignment?: ts.BinaryExpression,
): ts.Expression {
  const f = rw.factory;
  const run = (helper: 'getProperty' | 'setProperty', args: ts.Expression[]): ts.Expression =>
    plan.inAsync
      ? awaitInGreenlet(rw, rw.helper(helper), undefined, args)
      : delegate(rw, f.createCallExpression(rw.helper(helper), undefined, args), PLAIN_EDGE);
  let obj = visit(access.expression) as ts.Expression;
  let key: ts.Expression = ts.isPropertyAccessExpression(access)
    ? f.createStringLiteral(access.name.text)
    : (visit(access.argumentExpression) as ts.Expression);
  if (!assignment) return run('getProperty', [obj, key]);
  const right = visit(assignment.right) as ts.Expression;
  if (assignment.operatorToken.kind === ts.SyntaxKind.EqualsToken) return run('setProperty', [obj, key, right]);
  const objTemp = f.createTempVariable(rw.hoist);
  const keyTemp = f.createTempVariable(rw.hoist);
  const current = run('getProperty', [objTemp, keyTemp]);
  const op = compoundToBinary(assignment.operatorToken.kind);
  obj = f.createAssignment(objTemp, obj);
  key = f.createAssignment(keyTemp, key);
  return run('setProperty', [obj, key, f.createBinaryExpression(current, op, right)]);
}

function compoundToBinary(kind: ts.SyntaxKind): ts.BinaryOperator {
  const map: Partial<Record<ts.SyntaxKind, ts.BinaryOperator>> = {
    [ts.SyntaxKind.PlusEqualsToken]: ts.SyntaxKind.PlusToken,
    [ts.SyntaxKind.MinusEqualsToken]: ts.SyntaxKind.MinusToken,
    [ts.SyntaxKind.AsteriskEqualsToken]: ts.SyntaxKind.AsteriskToken,
    [ts.SyntaxKind.AsteriskAsteriskEqualsToken]: ts.SyntaxKind.AsteriskAsteriskToken,
    [ts.SyntaxKind.SlashEqualsToken]: ts.SyntaxKind.SlashToken,
    [ts.SyntaxKind.PercentEqualsToken]: ts.SyntaxKind.PercentToken,
    [ts.SyntaxKind.LessThanLessThanEqualsToken]: ts.SyntaxKind.LessThanLessThanToken,
    [ts.SyntaxKind.GreaterThanGreaterThanEqualsToken]: ts.SyntaxKind.GreaterThanGreaterThanToken,
    [ts.SyntaxKind.GreaterThanGreaterThanGreaterThanEqualsToken]: ts.SyntaxKind.GreaterThanGreaterThanGreaterThanToken,
    [ts.SyntaxKind.AmpersandEqualsToken]: ts.SyntaxKind.AmpersandToken,
    [ts.SyntaxKind.BarEqualsToken]: ts.SyntaxKind.BarToken,
    [ts.SyntaxKind.CaretEqualsToken]: ts.SyntaxKind.CaretToken,
  };
  const op = map[kind];
  if (op === undefined) throw new Error(`ts-greenlet: unexpected compound operator ${ts.SyntaxKind[kind]}`);
  return op;
}

/**
 * `f.call(t, a)` → `(yield* __tsg.dispatch(f).call(t, a))`; `f.apply(t, xs)` →
 * `(yield* __tsg.dispatch(f).apply(t, xs))`; in an async function, awaited through a greenlet.
 */
export function emitVia(
  rw: Rewriter,
  call: ts.CallExpression,
  plan: { how: 'call' | 'apply'; inAsync: boolean } & Edge,
  visit: Visit,
): ts.Expression {
  const f = rw.factory;
  const fn = visit((skipParens(call.expression) as ts.PropertyAccessExpression).expression) as ts.Expression;
  const args = call.arguments.map((a) => visit(a) as ts.Expression);
  if (plan.inAsync) {
    const thisArg = args[0] ?? f.createVoidZero();
    const list =
      plan.how === 'call'
        ? f.createArrayLiteralExpression(args.slice(1))
        : f.createBinaryExpression(
            args[1] ?? f.createVoidZero(),
            ts.SyntaxKind.QuestionQuestionToken,
            f.createArrayLiteralExpression([]),
          );
    return awaitInGreenlet(rw, fn, thisArg, list);
  }
  const target = f.createCallExpression(rw.helper('dispatch'), undefined, [fn]);
  return delegate(
    rw,
    f.createCallExpression(f.createPropertyAccessExpression(target, plan.how), undefined, args),
    plan,
  );
}

/**
 * `__tsg.unbox(await __tsg.callInGreenlet(fn, thisArg, [...args]))`: an async function awaits the
 * call; a thenable the call returns comes back boxed, so the `await` does not adopt it.
 */
export function awaitInGreenlet(
  rw: Rewriter,
  fn: ts.Expression,
  thisArg: ts.Expression | undefined,
  args: ts.Expression[] | ts.Expression,
): ts.Expression {
  const f = rw.factory;
  const list = Array.isArray(args) ? f.createArrayLiteralExpression(args) : args;
  const call = f.createCallExpression(rw.helper('callInGreenlet'), undefined, [
    fn,
    thisArg ?? f.createVoidZero(),
    list,
  ]);
  return f.createCallExpression(rw.helper('unbox'), undefined, [f.createAwaitExpression(call)]);
}

/** How a call delegates to the generator it makes (the plan's say; see `delegate`). */
type Edge = { explicit: boolean; recursive: boolean };
const PLAIN_EDGE: Edge = { explicit: false, recursive: false };

/**
 * `(yield* gen)`, or `(__tsg.resumeInline(yield __tsg.markRecord(gen)))`: an explicit call record
 * the trampoline runs on its own stack. The mark spares the trampoline telling a generator from a
 * promise; `resumeInline` throws the record's error inside this frame, where the `yield*` frames
 * down to it are on the native stack for the error's call chain. A recursive call delegates while
 * fewer than ten recursive calls are nested on the native stack, and makes a record past them
 * (`nesting` in `runtime/greenlet.ts`; the count is read inline: a call into the runtime for it
 * cost ~80 instructions a level):
 *
 * ```js
 * fact(n - 1)   →   (_a = fact$twin(n - 1), __tsg.nesting.n < 10
 *                     ? (__tsg.nesting.n++, _a = (yield* _a), __tsg.nesting.n--, _a)
 *                     : __tsg.resumeInline(yield __tsg.markRecord(_a)))
 * ```
 */
export function delegate(rw: Rewriter, gen: ts.Expression, edge: Edge): ts.Expression {
  const f = rw.factory;
  if (edge.recursive) {
    const g = f.createTempVariable(rw.hoist);
    const count = () => f.createPropertyAccessExpression(rw.helper('nesting'), 'n');
    const nested = f.createCommaListExpression([
      f.createPostfixIncrement(count()),
      f.createAssignment(
        g,
        f.createParenthesizedExpression(f.createYieldExpression(f.createToken(ts.SyntaxKind.AsteriskToken), g)),
      ),
      f.createPostfixDecrement(count()),
      g,
    ]);
    const underLimit = f.createLessThan(count(), f.createNumericLiteral(MAX_NESTED_DELEGATION));
    const choice = f.createConditionalExpression(
      underLimit,
      undefined,
      f.createParenthesizedExpression(nested),
      undefined,
      delegate(rw, g, { explicit: true, recursive: false }),
    );
    return f.createParenthesizedExpression(f.createCommaListExpression([f.createAssignment(g, gen), choice]));
  }
  if (!edge.explicit)
    return f.createParenthesizedExpression(f.createYieldExpression(f.createToken(ts.SyntaxKind.AsteriskToken), gen));
  const y = f.createYieldExpression(undefined, f.createCallExpression(rw.helper('markRecord'), undefined, [gen]));
  return f.createParenthesizedExpression(f.createCallExpression(rw.helper('resumeInline'), undefined, [y]));
}
