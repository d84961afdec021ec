/**
 * The inventory: every function in the program's own source files, the calls made directly in
 * its body (not in nested functions), and every function used as a value. Pure syntax; the
 * type-driven decisions are in `call-targets.ts`, `call-graph.ts` and `colour.ts`.
 */
import ts from '../ts';
import { analysisChecker } from './checker-cache';

export type FunctionNode =
  | ts.FunctionDeclaration
  | ts.FunctionExpression
  | ts.ArrowFunction
  | ts.MethodDeclaration
  | ts.GetAccessorDeclaration
  | ts.SetAccessorDeclaration
  | ts.ConstructorDeclaration;

/** Where a call is made: a function, or a place that can never become a generator. */
export type Context =
  | { kind: 'function'; fn: FunctionNode }
  | { kind: 'module'; file: ts.SourceFile }
  | { kind: 'class-initializer'; node: ts.Node }; // field initialiser, static block or enum member

/**
 * A call, a tagged template (which calls its tag), or a property access that runs a getter or
 * setter declared in the program (an accessor site).
 */
export type CallLike =
  ts.CallExpression | ts.TaggedTemplateExpression | ts.PropertyAccessExpression | ts.ElementAccessExpression;

export interface CallSite {
  call: CallLike;
  context: Context;
}

export interface Inventory {
  functions: FunctionNode[];
  calls: CallSite[];
  callsByFunction: Map<FunctionNode, CallSite[]>;
  /** Functions that may be called through a value (passed, stored, returned), not just by name. */
  functionValues: Set<FunctionNode>;
  /** Where each of those is used as a value (its contextual type is where it flows). */
  valueUses: Map<FunctionNode, ts.Expression[]>;
  /** Methods and function-valued properties by name, for calls dispatched at run time. */
  methodsByName: Map<string, FunctionNode[]>;
  /** `new C(...)`: a constructor not compiled here may call a function passed to it; a plain function cannot wait. */
  constructions: ts.NewExpression[];
  /**
   * Reads of properties that no access site stands for: `{ p } = o` and `const { p } = o`
   * (each binding element or property of the pattern), and `{ ...o }` (every property of `o`).
   */
  implicitReads: Array<{
    node: ts.BindingElement | ts.ObjectLiteralElementLike | ts.SpreadAssignment;
    context: Context;
  }>;
  /** `this.#m` read as a value, not called: a private method handed on (`xs.map(this.#m, this)`). */
  privateMethodValues: Array<{ access: ts.PropertyAccessExpression; method: ts.MethodDeclaration }>;
}

export function isFunctionNode(node: ts.Node): node is FunctionNode {
  return (
    ts.isFunctionDeclaration(node) ||
    ts.isFunctionExpression(node) ||
    ts.isArrowFunction(node) ||
    ts.isMethodDeclaration(node) ||
    ts.isGetAccessorDeclaration(node) ||
    ts.isSetAccessorDeclaration(node) ||
    ts.isConstructorDeclaration(node)
  );
}

/** A generator function or method (`function*`, `*m()`, `async function*`). */
export function isGenerator(fn: FunctionNode): boolean {
  return (
    (ts.isFunctionDeclaration(fn) || ts.isFunctionExpression(fn) || ts.isMethodDeclaration(fn)) && !!fn.asteriskToken
  );
}

export function buildInventory(program: ts.Program): Inventory {
  const checker = analysisChecker(program);
  const inv: Inventory = {
    functions: [],
    calls: [],
    callsByFunction: new Map(),
    functionValues: new Set(),
    valueUses: new Map(),
    methodsByName: new Map(),
    constructions: [],
    implicitReads: [],
    privateMethodValues: [],
  };
  // Property reads and writes that may run a program accessor; resolved after the walk, and only
  // for names some accessor in the program has (most programs have few accessors).
  const accessCandidates: CallSite[] = [];
  const accessorNames = new Set<string>();
  for (const file of program.getSourceFiles()) {
    if (file.isDeclarationFile || program.isSourceFileFromExternalLibrary(file)) continue;
    visit(file, { kind: 'module', file });
  }
  for (const site of accessCandidates) {
    const access = site.call as ts.PropertyAccessExpression | ts.ElementAccessExpression;
    if (ts.isElementAccessExpression(access) && !accessorNames.size) continue;
    // a property of the name of some accessor: it may run that accessor (an override of a plain
    // getter, an implementation of an interface's property); methods are calls, not accesses
    const sym = accessedProperty(checker, access);
    if (!sym || !accessorNames.has(sym.name) || sym.flags & ts.SymbolFlags.Method) continue;
    inv.calls.push(site);
    if (site.context.kind === 'function') inv.callsByFunction.get(site.context.fn)!.push(site);
  }
  return inv;

  function visit(node: ts.Node, context: Context): void {
    if (isFunctionNode(node)) {
      if (!node.body) return; // overload signature or abstract method
      inv.functions.push(node);
      inv.callsByFunction.set(node, []);
      noteValueUse(node);
      noteMethod(node);
      // a computed name and decorators are evaluated where the function is defined, not in it
      const inner: Context = { kind: 'function', fn: node };
      ts.forEachChild(node, (child) => visit(child, child === node.name || ts.isDecorator(child) ? context : inner));
      return;
    }
    // also enum members: TypeScript emits an enum as an IIFE, which cannot wait
    if (
      (ts.isPropertyDeclaration(node) && node.initializer) ||
      ts.isClassStaticBlockDeclaration(node) ||
      (ts.isEnumMember(node) && node.initializer)
    ) {
      ts.forEachChild(node, (child) => visit(child, { kind: 'class-initializer', node }));
      return;
    }
    if (ts.isIdentifier(node) && isValuePosition(node)) noteReference(node);
    // names, literals, keywords and punctuation have no children (and are half the nodes)
    if (node.kind <= ts.SyntaxKind.LastToken) return;
    if (ts.isCallExpression(node) || ts.isTaggedTemplateExpression(node)) {
      const site = { call: node, context };
      inv.calls.push(site);
      if (context.kind === 'function') inv.callsByFunction.get(context.fn)!.push(site);
    } else if (
      (ts.isPropertyAccessExpression(node) || ts.isElementAccessExpression(node)) &&
      !isCalleeOrDeleted(node)
    ) {
      if (ts.isPropertyAccessExpression(node) && ts.isPrivateIdentifier(node.name)) {
        const decl = checker.getSymbolAtLocation(node.name)?.valueDeclaration;
        if (decl && ts.isMethodDeclaration(decl) && decl.body) {
          inv.privateMethodValues.push({ access: node, method: decl });
          addValue(decl, node); // where it flows is followed like any function value
        }
      }
      accessCandidates.push({ call: node, context });
    } else if (ts.isNewExpression(node)) {
      inv.constructions.push(node);
    } else if (ts.isBindingElement(node) && ts.isObjectBindingPattern(node.parent) && !node.dotDotDotToken) {
      inv.implicitReads.push({ node, context });
    } else if (ts.isSpreadAssignment(node)) {
      inv.implicitReads.push({ node, context });
    } else if (
      (ts.isPropertyAssignment(node) || ts.isShorthandPropertyAssignment(node)) &&
      isDestructuringTarget(node.parent)
    ) {
      inv.implicitReads.push({ node, context });
    }
    ts.forEachChild(node, (child) => visit(child, context));
  }

  /** Arrows and function expressions are values unless called on the spot (an IIFE). */
  function noteValueUse(fn: FunctionNode): void {
    if (!ts.isArrowFunction(fn) && !ts.isFunctionExpression(fn)) return;
    let outer: ts.Node = fn.parent;
    while (ts.isParenthesizedExpression(outer)) outer = outer.parent;
    const callee = ts.isCallExpression(outer) ? skipParens(outer.expression) : undefined;
    if (callee === fn) return;
    // Bound to a const, it is called by name (resolved statically) and counts as a value only
    // where the name is used as one (noteReference).
    if (ts.isVariableDeclaration(outer) && outer.initializer && isConstBinding(outer)) return;
    addValue(fn, fn);
  }

  function addValue(fn: FunctionNode, use: ts.Expression): void {
    inv.functionValues.add(fn);
    let uses = inv.valueUses.get(fn);
    if (!uses) inv.valueUses.set(fn, (uses = []));
    uses.push(use);
  }

  /** A function declaration or const-bound function named where it is not called: a value. */
  function noteReference(id: ts.Identifier): void {
    let sym = checker.getSymbolAtLocation(id);
    if (sym && sym.flags & ts.SymbolFlags.Alias) sym = checker.getAliasedSymbol(sym);
    const decl = sym?.valueDeclaration;
    if (!decl) return;
    if (ts.isFunctionDeclaration(decl) && decl.body) addValue(decl, id);
    else if (ts.isVariableDeclaration(decl) && decl.initializer) {
      const init = skipParens(decl.initializer);
      if (ts.isArrowFunction(init) || ts.isFunctionExpression(init)) addValue(init, id);
    }
  }

  function noteMethod(fn: FunctionNode): void {
    if ((ts.isGetAccessorDeclaration(fn) || ts.isSetAccessorDeclaration(fn)) && !ts.isPrivateIdentifier(fn.name)) {
      const n = propertyNameText(fn.name);
      if (n !== undefined) accessorNames.add(n);
    }
    let name: string | undefined;
    if ((ts.isMethodDeclaration(fn) || ts.isGetAccessorDeclaration(fn) || ts.isSetAccessorDeclaration(fn)) && fn.name) {
      name = propertyNameText(fn.name);
    } else if ((ts.isArrowFunction(fn) || ts.isFunctionExpression(fn)) && fn.parent) {
      const p = fn.parent;
      if ((ts.isPropertyAssignment(p) || ts.isPropertyDeclaration(p)) && p.initializer === fn)
        name = propertyNameText(p.name);
    }
    if (name === undefined) return;
    let list = inv.methodsByName.get(name);
    if (!list) inv.methodsByName.set(name, (list = []));
    list.push(fn);
  }
}

/** An identifier read as a value, not called, declared, or used as a property name or type. */
function isValuePosition(id: ts.Identifier): boolean {
  const p = id.parent;
  if (!p) return false;
  if (ts.isCallExpression(p) && skipParens(p.expression) === id) return false;
  if (ts.isParenthesizedExpression(p) || ts.isNonNullExpression(p)) {
    let outer: ts.Node = p;
    while (ts.isParenthesizedExpression(outer) || ts.isNonNullExpression(outer)) outer = outer.parent;
    if (ts.isCallExpression(outer) && skipParens(outer.expression) === id) return false;
  }
  if ((ts.isFunctionDeclaration(p) || ts.isVariableDeclaration(p) || ts.isParameter(p)) && p.name === id) return false;
  if ((ts.isPropertyAccessExpression(p) && p.name === id) || (ts.isPropertyAssignment(p) && p.name === id))
    return false;
  if (ts.isImportSpecifier(p) || ts.isImportClause(p) || ts.isNamespaceImport(p) || ts.isExportSpecifier(p))
    return false;
  if (ts.isTypeReferenceNode(p) || ts.isTypeQueryNode(p) || ts.isQualifiedName(p)) return false;
  if (
    ts.isMethodDeclaration(p) ||
    ts.isPropertyDeclaration(p) ||
    ts.isClassDeclaration(p) ||
    ts.isInterfaceDeclaration(p)
  )
    return false;
  return ts.isExpression(id);
}

/** An object literal on the left of `=` (or in one that is), or a `for (... of` target. */
function isDestructuringTarget(node: ts.Node): boolean {
  let inner: ts.Node = node;
  for (let p = node.parent; p; inner = p, p = p.parent) {
    if (ts.isBinaryExpression(p)) return p.left === inner && p.operatorToken.kind === ts.SyntaxKind.EqualsToken;
    if (ts.isForOfStatement(p) || ts.isForInStatement(p)) return p.initializer === inner;
    if (!(
      ts.isObjectLiteralExpression(p) ||
      ts.isArrayLiteralExpression(p) ||
      ts.isPropertyAssignment(p) ||
      ts.isShorthandPropertyAssignment(p) ||
      ts.isSpreadElement(p) ||
      ts.isParenthesizedExpression(p)
    ))
      return false;
  }
  return false;
}

function isConstBinding(decl: ts.VariableDeclaration): boolean {
  return (
    ts.isVariableDeclarationList(decl.parent) &&
    (decl.parent.flags & ts.NodeFlags.Const) !== 0 &&
    ts.isIdentifier(decl.name)
  );
}

/** The property an access reads or writes: `o.p`, `o["p"]`, `o[k]` with `k` of a literal type. */
export function accessedProperty(
  checker: ts.TypeChecker,
  access: ts.PropertyAccessExpression | ts.ElementAccessExpression,
): ts.Symbol | undefined {
  if (ts.isPropertyAccessExpression(access)) return checker.getSymbolAtLocation(access.name);
  const keyType = checker.getTypeAtLocation(access.argumentExpression);
  if (!keyType.isStringLiteral() && !keyType.isNumberLiteral()) return undefined;
  return checker.getPropertyOfType(checker.getTypeAtLocation(access.expression), String(keyType.value));
}

/** A call's callee as written, shortened for a message: `lib.runPlugin`, `new Transform`'s `Transform`. */
export function calleeText(call: CallLike | ts.NewExpression): string {
  const text = (ts.isNewExpression(call) ? call.expression : calleeOf(call)).getText();
  return text.length > 40 ? `${text.slice(0, 37)}...` : text;
}

/** What a call calls: `f` in `f(x)` and in ``f`x` ``; an accessor site is its own callee. */
export function calleeOf(call: CallLike): ts.Expression {
  return ts.isCallExpression(call) ? call.expression : ts.isTaggedTemplateExpression(call) ? call.tag : call;
}

/** A property access that is called (`o.m()`: a method call, not an accessor read) or deleted. */
function isCalleeOrDeleted(node: ts.Expression): boolean {
  let outer: ts.Node = node.parent;
  let inner: ts.Node = node;
  while (ts.isParenthesizedExpression(outer) || ts.isNonNullExpression(outer)) {
    inner = outer;
    outer = outer.parent;
  }
  if ((ts.isCallExpression(outer) || ts.isTaggedTemplateExpression(outer)) && calleeOf(outer) === inner) return true;
  return ts.isDeleteExpression(outer);
}

export function skipParens(e: ts.Expression): ts.Expression {
  while (isCastOrParens(e)) e = e.expression;
  return e;
}

/** `(e)`, `e!`, `e as T`, `e satisfies T`, `<T>e`: the same value as `e`. */
export function isCastOrParens(
  e: ts.Expression,
): e is
  ts.ParenthesizedExpression | ts.NonNullExpression | ts.AsExpression | ts.SatisfiesExpression | ts.TypeAssertion {
  return (
    ts.isParenthesizedExpression(e) ||
    ts.isNonNullExpression(e) ||
    ts.isAsExpression(e) ||
    ts.isSatisfiesExpression(e) ||
    ts.isTypeAssertionExpression(e)
  );
}

/** A function's parameters as calls fill them: without a TypeScript `this` parameter. */
export function parametersOf(f: ts.SignatureDeclaration): readonly ts.ParameterDeclaration[] {
  const first = f.parameters[0];
  return first && ts.isIdentifier(first.name) && first.name.text === 'this' ? f.parameters.slice(1) : f.parameters;
}

export function propertyNameText(name: ts.PropertyName): string | undefined {
  // `['literal']() {}` is named `literal`, like `literal() {}`
  if (
    ts.isComputedPropertyName(name) &&
    (ts.isStringLiteralLike(name.expression) || ts.isNumericLiteral(name.expression))
  )
    return name.expression.text;
  if (ts.isIdentifier(name) || ts.isStringLiteral(name) || ts.isNumericLiteral(name) || ts.isPrivateIdentifier(name)) {
    return name.text;
  }
  return undefined;
}

/** A readable name for messages and stack traces: `f`, `Class.method`, `<anonymous>`. */
export function functionName(fn: FunctionNode): string {
  if (ts.isConstructorDeclaration(fn)) return `${className(fn.parent)}.constructor`;
  if (ts.isMethodDeclaration(fn) || ts.isGetAccessorDeclaration(fn) || ts.isSetAccessorDeclaration(fn)) {
    const n = propertyNameText(fn.name) ?? fn.name.getText();
    return ts.isClassLike(fn.parent) ? `${className(fn.parent)}.${n}` : n;
  }
  if (fn.name && ts.isIdentifier(fn.name)) return fn.name.text;
  const p = fn.parent;
  if (p && ts.isVariableDeclaration(p) && ts.isIdentifier(p.name)) return p.name.text;
  if (p && (ts.isPropertyAssignment(p) || ts.isPropertyDeclaration(p)))
    return propertyNameText(p.name) ?? '<anonymous>';
  // the other places JavaScript names an anonymous function after: `x = () => {}`, `(f = () => {})`
  if (
    p &&
    ts.isBinaryExpression(p) &&
    p.operatorToken.kind === ts.SyntaxKind.EqualsToken &&
    p.right === fn &&
    ts.isIdentifier(p.left)
  )
    return p.left.text;
  if (p && (ts.isParameter(p) || ts.isBindingElement(p)) && p.initializer === fn && ts.isIdentifier(p.name))
    return p.name.text;
  if (p && ts.isExportAssignment(p)) return 'default';
  return '<anonymous>';
}

function className(c: ts.Node): string {
  return ts.isClassLike(c) && c.name ? c.name.text : '<class>';
}

/** `node` is `scope` or inside it. */
export function isWithin(node: ts.Node, scope: ts.Node): boolean {
  for (let n: ts.Node | undefined = node; n; n = n.parent) if (n === scope) return true;
  return false;
}

/** The 1-based line `node` starts on. */
export function lineOf(node: ts.Node): number {
  return node.getSourceFile().getLineAndCharacterOfPosition(node.getStart()).line + 1;
}

/** `file.ts:12`, where `node` starts, by the file's base name: for messages that point elsewhere. */
export function shortPlace(node: ts.Node): string {
  return `${node.getSourceFile().fileName.split(/[\\/]/).pop()}:${lineOf(node)}`;
}
