/**
 * Coloured functions get a generator twin that does the work; the original name stays a plain
 * entry for code that was not transformed (see runtime/protocol.ts).
 *
 * ```js
 * function load(id) { ... }      →  function load(id) { return __tsg.runPlain(load$twin.apply(this, arguments), "load"); }
 *                                   function* load$twin(id) { ... }
 *                                   __tsg.setTwin(load, load$twin, "load");   // top of the scope
 * const f = (x) => load(x)       →  const f = __tsg.arrowTwin(function* (x) { return (yield* load$twin(x)); }, "f", this)
 * const g = function (x) {...}   →  const g = __tsg.fnTwin(function* (x) {...}, "g")
 * class C { m() {...} }          →  class C { static { __tsg.methodTwins(this.prototype, ["m"], ["C.m"]); } *m() {...} }
 * { m() {...} }                  →  __tsg.methodTwins({ *m() {...} }, ["m"], ["m"])
 * class C { #m() {...} }         →  class C { #m() { return __tsg.runPlain(this.#m$twin.apply(this, arguments), "C.#m"); } *#m$twin() {...} }
 * ```
 *
 * Parameter defaults that may suspend move into the body with the same evaluation order:
 * `function* f$twin(...args) { var [a, b = (yield* g$twin())] = args; ... }`.
 */
import ts from '../ts';
import { FunctionNode, functionName, propertyNameText } from '../analysis/inventory';
import { isExpressionUse, lexicalUses } from '../analysis/lexical-uses';
import type { LexicalCapture, Rewriter } from './rewriter';

export function emitColouredFunction(rw: Rewriter, fn: FunctionNode): ts.Node | ts.Node[] {
  if (ts.isFunctionDeclaration(fn)) return emitDeclaration(rw, fn);
  if (ts.isFunctionExpression(fn)) return emitExpression(rw, fn);
  if (ts.isArrowFunction(fn)) return emitArrow(rw, fn);
  if (ts.isMethodDeclaration(fn)) return emitMethod(rw, fn);
  if (ts.isGetAccessorDeclaration(fn) || ts.isSetAccessorDeclaration(fn)) return emitAccessor(rw, fn);
  return ts.visitEachChild(fn, rw.visit, rw.context); // not colourable; the analysis reported it
}

function emitDeclaration(rw: Rewriter, fn: ts.FunctionDeclaration): ts.Node[] {
  const f = rw.factory;
  const name = fn.name ? fn.name.text : 'default';
  const plainName = fn.name ?? f.createIdentifier('__tsg_default'); // TypeScript renames a generated one (`default_1`)
  const twin = rw.twinName(fn) ?? f.createUniqueName(`${name}$twin`);
  // `export default function () {}`: TypeScript's module transform exports an anonymous default
  // under a name made for the original node (`default_1`), so its plain entry is a new node.
  const plain = fn.name
    ? f.updateFunctionDeclaration(
        fn,
        fn.modifiers,
        undefined,
        plainName,
        fn.typeParameters,
        plainParameters(rw, fn),
        fn.type,
        plainBody(rw, twin, name),
      )
    : ts.setTextRange(
        f.createFunctionDeclaration(
          fn.modifiers,
          undefined,
          plainName,
          fn.typeParameters,
          plainParameters(rw, fn),
          fn.type,
          plainBody(rw, twin, name),
        ),
        fn,
      );
  const modifiers = fn.modifiers?.filter(
    (m) => m.kind !== ts.SyntaxKind.ExportKeyword && m.kind !== ts.SyntaxKind.DefaultKeyword,
  );
  const { parameters, body } = twinParametersAndBody(rw, fn);
  const gen = f.createFunctionDeclaration(
    modifiers,
    f.createToken(ts.SyntaxKind.AsteriskToken),
    twin,
    undefined,
    parameters,
    undefined,
    body,
  );
  ts.setOriginalNode(gen, fn);
  ts.setTextRange(gen, fn);
  // A declaration in a `case` clause is visible in every clause of its switch, and any one of
  // them may run first: each registers it (setTwin is idempotent).
  const owners = ts.isCaseOrDefaultClause(fn.parent) ? fn.parent.parent.clauses : [fn.parent];
  for (const owner of owners)
    rw.register(
      owner,
      f.createExpressionStatement(
        f.createCallExpression(rw.helper('setTwin'), undefined, [plainName, twin, f.createStringLiteral(name)]),
      ),
    );
  return [plain, gen];
}

function emitExpression(rw: Rewriter, fn: ts.FunctionExpression): ts.Expression {
  const f = rw.factory;
  const name = functionName(fn);
  const { parameters, body } = twinParametersAndBody(rw, fn);
  const selfRef = fn.name && referencesName(fn, fn.name.text) ? fn.name : undefined; // body or parameter defaults
  const gen = f.createFunctionExpression(
    undefined,
    f.createToken(ts.SyntaxKind.AsteriskToken),
    selfRef ? undefined : fn.name,
    undefined,
    parameters,
    undefined,
    body,
  );
  ts.setOriginalNode(gen, fn);
  ts.setTextRange(gen, fn);
  const made = f.createCallExpression(rw.helper('fnTwin'), undefined, [gen, f.createStringLiteral(name)]);
  if (!selfRef) return made;
  // `function g() { g() }`: inside, `g` must be the plain entry (with its twin), not the generator.
  const local = f.createIdentifier(selfRef.text);
  return f.createCallExpression(
    f.createParenthesizedExpression(
      f.createArrowFunction(
        undefined,
        undefined,
        [],
        undefined,
        undefined,
        f.createBlock([
          f.createVariableStatement(
            undefined,
            f.createVariableDeclarationList(
              [f.createVariableDeclaration(local, undefined, undefined, made)],
              ts.NodeFlags.Const,
            ),
          ),
          f.createReturnStatement(local),
        ]),
      ),
    ),
    undefined,
    [],
  );
}

/**
 * `(x) => body` → `__tsg.arrowTwin(function* (x) { body }, "name", this)`. The generator gets
 * the arrow's `this` from the helper; the enclosing `arguments` is passed in explicitly.
 */
function emitArrow(rw: Rewriter, fn: ts.ArrowFunction): ts.Expression {
  const f = rw.factory;
  const name = functionName(fn);
  const uses = lexicalUses(fn);
  // a super write in it was reported by the analysis (TSG39005)
  // What the generator cannot see itself comes in through an arrow wrapper made where the arrow was:
  // ((_arguments, _newTarget, _superGet) => arrowTwin(function* ... , "f", this))(arguments, new.target, (k) => super[k])
  const captured: Array<[ts.Identifier, ts.Expression]> = [];
  const lexical: LexicalCapture = {};
  // inside another coloured arrow's twin, these are that arrow's captures, not the generator's own
  const outer = rw.lexical;
  if (uses.arguments)
    captured.push([
      (lexical.arguments = f.createUniqueName('_arguments')),
      outer?.arguments ?? f.createIdentifier('arguments'),
    ]);
  if (uses.newTarget)
    captured.push([
      (lexical.newTarget = f.createUniqueName('_newTarget')),
      outer?.newTarget ?? f.createMetaProperty(ts.SyntaxKind.NewKeyword, f.createIdentifier('target')),
    ]);
  if (uses.superReads) {
    const k = f.createUniqueName('k');
    const getter =
      outer?.superGet ??
      f.createArrowFunction(
        undefined,
        undefined,
        [f.createParameterDeclaration(undefined, undefined, k)],
        undefined,
        undefined,
        f.createElementAccessExpression(f.createSuper(), k),
      );
    captured.push([(lexical.superGet = f.createUniqueName('_superGet')), getter]);
  }
  const { parameters, body } = twinParametersAndBody(rw, fn, captured.length ? lexical : undefined);
  const gen = f.createFunctionExpression(
    undefined,
    f.createToken(ts.SyntaxKind.AsteriskToken),
    undefined,
    undefined,
    parameters,
    undefined,
    body,
  );
  ts.setOriginalNode(gen, fn);
  ts.setTextRange(gen, fn);
  const made = inDerivedConstructor(fn)
    ? f.createCallExpression(rw.helper('arrowTwinLazyThis'), undefined, [
        gen,
        f.createStringLiteral(name),
        f.createArrowFunction(undefined, undefined, [], undefined, undefined, f.createThis()),
      ])
    : f.createCallExpression(rw.helper('arrowTwin'), undefined, [gen, f.createStringLiteral(name), f.createThis()]);
  if (!captured.length) return made;
  const params = captured.map(([id]) => f.createParameterDeclaration(undefined, undefined, id));
  return f.createCallExpression(
    f.createParenthesizedExpression(f.createArrowFunction(undefined, undefined, params, undefined, undefined, made)),
    undefined,
    captured.map(([, v]) => v),
  );
}

/** An arrow whose `this` is a derived class constructor's, which `super(() => ...)` may read before it exists. */
function inDerivedConstructor(fn: ts.ArrowFunction): boolean {
  let n: ts.Node = fn.parent;
  while (ts.isArrowFunction(n) || !ts.isFunctionLike(n)) {
    if (ts.isSourceFile(n) || ts.isClassStaticBlockDeclaration(n) || ts.isPropertyDeclaration(n)) return false;
    n = n.parent;
  }
  return (
    ts.isConstructorDeclaration(n) && !!n.parent.heritageClauses?.some((h) => h.token === ts.SyntaxKind.ExtendsKeyword)
  );
}

/** Methods of classes and object literals become generator methods; a registration makes plain entries. */
function emitMethod(rw: Rewriter, fn: ts.MethodDeclaration): ts.Node | ts.Node[] {
  const f = rw.factory;
  const name = functionName(fn);
  const { parameters, body } = twinParametersAndBody(rw, fn);
  if (ts.isPrivateIdentifier(fn.name)) {
    const twin = rw.twinName(fn)!;
    const twinId = f.createPrivateIdentifier(twin.text);
    const plain = f.updateMethodDeclaration(
      fn,
      fn.modifiers,
      undefined,
      fn.name,
      undefined,
      fn.typeParameters,
      plainParameters(rw, fn),
      fn.type,
      plainBody(rw, f.createPropertyAccessExpression(f.createThis(), twinId), name),
    );
    const gen = f.createMethodDeclaration(
      fn.modifiers?.filter(ts.isModifier),
      f.createToken(ts.SyntaxKind.AsteriskToken),
      twinId,
      undefined,
      undefined,
      parameters,
      undefined,
      body,
    );
    ts.setOriginalNode(gen, fn);
    ts.setTextRange(gen, fn);
    return [plain, gen];
  }
  const key = propertyNameText(fn.name);
  if (key === undefined) return ts.visitEachChild(fn, rw.visit, rw.context); // computed name: the analysis reported it (TSG39006)
  if (ts.getDecorators(fn)?.length) return emitDecoratedMethod(rw, fn, key, parameters, body);
  const gen = f.updateMethodDeclaration(
    fn,
    fn.modifiers,
    f.createToken(ts.SyntaxKind.AsteriskToken),
    fn.name,
    undefined,
    undefined,
    parameters,
    undefined,
    body,
  );
  ts.setOriginalNode(gen, fn);
  const isStatic = fn.modifiers?.some((m) => m.kind === ts.SyntaxKind.StaticKeyword) ?? false;
  rw.pendingMethod(fn.parent, { key, label: name, isStatic });
  return gen;
}

/**
 * A decorated method stays a plain method, so its decorators get (and may wrap) a plain function;
 * its twin is stored under a symbol, and a decorator of ts-greenlet's, applied first, hangs the
 * twin on the plain method before the others see it.
 *
 * ```js
 * @log m(x) {...}   →   @log @__tsg.methodTwinDecorator(_m, "C.m") m(x) { return __tsg.runPlain(this[_m].apply(this, arguments), "C.m"); }
 *                       *[_m](x) {...}
 * ```
 */
function emitDecoratedMethod(
  rw: Rewriter,
  fn: ts.MethodDeclaration,
  key: string,
  parameters: ts.ParameterDeclaration[],
  body: ts.Block,
): ts.Node[] {
  const f = rw.factory;
  const label = functionName(fn);
  const twinKey = rw.twinKey(`_${key}`, `${label} twin`);
  const ours = f.createDecorator(
    f.createCallExpression(rw.helper('methodTwinDecorator'), undefined, [twinKey, f.createStringLiteral(label)]),
  );
  const mods = fn.modifiers ?? [];
  const lastDecorator = mods.reduce((at, m, i) => (ts.isDecorator(m) ? i : at), -1);
  const modifiers = [...mods.slice(0, lastDecorator + 1), ours, ...mods.slice(lastDecorator + 1)];
  const plain = f.updateMethodDeclaration(
    fn,
    modifiers,
    undefined,
    fn.name,
    fn.questionToken,
    fn.typeParameters,
    plainParameters(rw, fn),
    fn.type,
    plainBody(rw, f.createElementAccessExpression(f.createThis(), twinKey), label),
  );
  return [plain, symbolKeyedTwin(rw, fn, twinKey, parameters, body)];
}

/** `*[key](...) {...}`, static if `fn` is: a twin stored under a symbol beside its plain member. */
function symbolKeyedTwin(
  rw: Rewriter,
  fn: ts.MethodDeclaration | ts.AccessorDeclaration,
  key: ts.Identifier,
  parameters: ts.ParameterDeclaration[],
  body: ts.Block,
): ts.MethodDeclaration {
  const f = rw.factory;
  const modifiers = fn.modifiers?.filter((m): m is ts.Modifier => m.kind === ts.SyntaxKind.StaticKeyword);
  const gen = f.createMethodDeclaration(
    modifiers,
    f.createToken(ts.SyntaxKind.AsteriskToken),
    f.createComputedPropertyName(key),
    undefined,
    undefined,
    parameters,
    undefined,
    body,
  );
  ts.setOriginalNode(gen, fn);
  ts.setTextRange(gen, fn);
  return gen;
}

/**
 * `get p() {...}` → `get p() { return __tsg.runPlain(this[_get_p](), "C.p"); }` plus the twin
 * `*[_get_p]() {...}`; likewise for setters. The owner registers both with the accessor.
 */
function emitAccessor(rw: Rewriter, fn: ts.GetAccessorDeclaration | ts.SetAccessorDeclaration): ts.Node[] {
  const f = rw.factory;
  const label = functionName(fn);
  const key = propertyNameText(fn.name)!;
  const isStatic = fn.modifiers?.some((m) => m.kind === ts.SyntaxKind.StaticKeyword) ?? false;
  const twinKey = rw.accessorTwinKey(fn.parent, key, ts.isGetAccessorDeclaration(fn) ? 'get' : 'set', label, isStatic);
  const { parameters, body } = twinParametersAndBody(rw, fn);
  const plainCall = plainBody(rw, f.createElementAccessExpression(f.createThis(), twinKey), label);
  const plain = ts.isGetAccessorDeclaration(fn)
    ? f.updateGetAccessorDeclaration(fn, fn.modifiers, fn.name, fn.parameters, fn.type, plainCall)
    : f.updateSetAccessorDeclaration(fn, fn.modifiers, fn.name, fn.parameters, plainCall);
  return [plain, symbolKeyedTwin(rw, fn, twinKey, parameters, body)];
}

/**
 * An `async` function whose parameter default may suspend awaits it, and `await` is not allowed
 * in parameters: the parameters move into the body, as for twins.
 * `async function f(a, b = g(a)) {}` → `async function f(...args) { var [a, b = await ...] = args; }`
 */
export function emitAsyncWithSuspendingDefaults(rw: Rewriter, fn: FunctionNode): ts.Node | undefined {
  if (!fn.body || !fn.parameters.some((p) => containsPlannedCall(rw, p))) return undefined;
  const { parameters, body } = twinParametersAndBody(rw, fn);
  const f = rw.factory;
  if (ts.isFunctionDeclaration(fn))
    return f.updateFunctionDeclaration(
      fn,
      fn.modifiers,
      fn.asteriskToken,
      fn.name,
      fn.typeParameters,
      parameters,
      fn.type,
      body,
    );
  if (ts.isFunctionExpression(fn))
    return f.updateFunctionExpression(
      fn,
      fn.modifiers,
      fn.asteriskToken,
      fn.name,
      fn.typeParameters,
      parameters,
      fn.type,
      body,
    );
  if (ts.isArrowFunction(fn))
    return f.updateArrowFunction(
      fn,
      fn.modifiers,
      fn.typeParameters,
      parameters,
      fn.type,
      fn.equalsGreaterThanToken,
      body,
    );
  if (ts.isMethodDeclaration(fn))
    return f.updateMethodDeclaration(
      fn,
      fn.modifiers,
      fn.asteriskToken,
      fn.name,
      fn.questionToken,
      fn.typeParameters,
      parameters,
      fn.type,
      body,
    );
  return undefined;
}

/** Plain parameters: the names up to the first default or rest (so `length` stays), no defaults. */
function plainParameters(rw: Rewriter, fn: ts.SignatureDeclarationBase): ts.ParameterDeclaration[] {
  const f = rw.factory;
  const out: ts.ParameterDeclaration[] = [];
  for (const p of fn.parameters) {
    if (ts.isIdentifier(p.name) && p.name.text === 'this') {
      out.push(p);
      continue;
    }
    if (p.initializer || p.dotDotDotToken) break; // `b?: T` counts in `length`, as in the source
    out.push(
      f.createParameterDeclaration(
        undefined,
        undefined,
        ts.isIdentifier(p.name) ? p.name.text : f.createUniqueName('_p'),
        p.questionToken,
        p.type,
      ),
    );
  }
  return out;
}

/** `{ return __tsg.runPlain(twin.apply(this, arguments), "name"); }` */
function plainBody(rw: Rewriter, twin: ts.Expression, name: string): ts.Block {
  const f = rw.factory;
  const gen = f.createCallExpression(f.createPropertyAccessExpression(twin, 'apply'), undefined, [
    f.createThis(),
    f.createIdentifier('arguments'),
  ]);
  return f.createBlock(
    [
      f.createReturnStatement(
        f.createCallExpression(rw.helper('runPlain'), undefined, [gen, f.createStringLiteral(name)]),
      ),
    ],
    true,
  );
}

/**
 * The twin's parameters and visited body. A generator cannot `yield` in its parameter list, so
 * when a default may suspend all parameters move into a `var` destructuring of `...args`, which
 * evaluates defaults left to right exactly as parameters would.
 */
function twinParametersAndBody(
  rw: Rewriter,
  fn: FunctionNode,
  lexical?: LexicalCapture,
): { parameters: ts.ParameterDeclaration[]; body: ts.Block } {
  const visit = rw.visit;
  const savedLexical = rw.lexical;
  rw.lexical = lexical;
  try {
    return twinParts(rw, fn, visit);
  } finally {
    rw.lexical = savedLexical;
  }
}

function twinParts(
  rw: Rewriter,
  fn: FunctionNode,
  visit: Rewriter['visit'],
): { parameters: ts.ParameterDeclaration[]; body: ts.Block } {
  const f = rw.factory;
  rw.context.startLexicalEnvironment();
  const params = fn.parameters.filter((p) => !(ts.isIdentifier(p.name) && p.name.text === 'this'));
  const paramsSuspend = params.some((p) => containsPlannedCall(rw, p));
  let parameters: ts.ParameterDeclaration[];
  const prologue: ts.Statement[] = [];
  if (paramsSuspend) {
    // `function* (_p, ...args) { var [a, b = f()] = [_p, ...args]; }`: the leading parameters
    // stay named so the twin's (and so the plain entry's) `length` is the source's
    const args = f.createUniqueName('args');
    const firstOptional = params.findIndex((p) => p.initializer || p.dotDotDotToken);
    const leading = params
      .slice(0, firstOptional < 0 ? params.length : firstOptional)
      .map(() => f.createUniqueName('_p'));
    parameters = [
      ...leading.map((id) => f.createParameterDeclaration(undefined, undefined, id)),
      f.createParameterDeclaration(undefined, f.createToken(ts.SyntaxKind.DotDotDotToken), args),
    ];
    const elements = params.map((p) =>
      f.createBindingElement(
        p.dotDotDotToken,
        undefined,
        ts.visitNode(p.name, visit) as ts.BindingName,
        p.initializer ? (ts.visitNode(p.initializer, visit) as ts.Expression) : undefined,
      ),
    );
    const source = leading.length ? f.createArrayLiteralExpression([...leading, f.createSpreadElement(args)]) : args;
    prologue.push(
      f.createVariableStatement(
        undefined,
        f.createVariableDeclarationList([
          f.createVariableDeclaration(f.createArrayBindingPattern(elements), undefined, undefined, source),
        ]),
      ),
    );
  } else {
    parameters = params.map((p) => ts.visitNode(p, visit) as ts.ParameterDeclaration);
  }
  let statements: ts.Statement[];
  const body = fn.body!;
  if (ts.isBlock(body)) {
    const visited = ts.visitNodes(
      body.statements,
      visit as ts.Visitor<ts.Node, ts.Statement>,
    ) as ts.NodeArray<ts.Statement>;
    statements = rw.withRegistrations(body, visited);
  } else {
    const ret = f.createReturnStatement(ts.visitNode(body, visit) as ts.Expression);
    ts.setTextRange(ret, body);
    statements = [ret];
  }
  const hoisted = rw.context.endLexicalEnvironment() ?? [];
  const block = f.createBlock([...prologue, ...hoisted, ...statements], true);
  ts.setTextRange(block, ts.isBlock(body) ? body : undefined);
  return { parameters, body: block };
}

function containsPlannedCall(rw: Rewriter, node: ts.Node): boolean {
  let found = false;
  const walk = (n: ts.Node): void => {
    if (found) return;
    if (rw.analysis.plans.has(n))
      found = true; // a call, tagged template or accessor site
    else if (!ts.isFunctionLike(n)) ts.forEachChild(n, walk);
  };
  walk(node);
  return found;
}

function referencesName(body: ts.Node | undefined, name: string): boolean {
  let found = false;
  const walk = (n: ts.Node): void => {
    if (found) return;
    if (ts.isIdentifier(n) && n.text === name && isExpressionUse(n)) found = true;
    else ts.forEachChild(n, walk);
  };
  if (body) walk(body);
  return found;
}
