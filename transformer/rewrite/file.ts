/**
 * Rewrites one source file as the analysis says. Files with nothing coloured and no call that
 * may suspend are returned as they are, so their output is byte for byte what `tsc` emits.
 *
 * The visitor is layered like TypeScript's own transformers: `visit` dispatches; functions go to
 * `functions.ts`, calls and optional chains to `calls.ts`; this file owns the per-file state (the
 * runtime import, twin names, registrations hoisted to the top of their scope).
 */
import ts from '../ts';
import type { Analysis } from '../analysis/result';
import { FunctionNode, isFunctionNode, skipParens } from '../analysis/inventory';
import { isExpressionUse } from '../analysis/lexical-uses';
import { chainCalls, emitAccess, emitCall, emitChain, emitTagged, emitVia, isChainOuter } from './calls';
import { emitAsyncWithSuspendingDefaults, emitColouredFunction } from './functions';
import type { ProtocolHelper } from '../protocol-names';
import type { LexicalCapture, Rewriter } from './rewriter';

export interface RewriteOptions {
  /** Where transformed code imports the protocol helpers from. */
  runtimeModule: string;
  /** `typescript`: the tree is printed as TypeScript (`generate`), so the runtime comes in by an `import`. */
  output: 'javascript' | 'typescript';
}

export class FileRewrite implements Rewriter {
  readonly factory: ts.NodeFactory;
  readonly hoist: (id: ts.Identifier) => void;
  private readonly runtimeId: ts.Identifier;
  private usedRuntime = false;
  /** Twin names of the file's coloured function declarations (and private methods). */
  private readonly twinNames = new Map<FunctionNode, ts.Identifier>();
  /** Coloured methods of each class or object literal, registered when the owner is emitted. */
  private readonly methods = new Map<ts.Node, Array<{ key: string; label: string; isStatic: boolean }>>();
  /** Coloured accessors of each class or object literal: their twins' symbol keys. */
  private readonly accessors = new Map<
    ts.Node,
    Map<string, { isStatic: boolean; get?: ts.Identifier; set?: ts.Identifier }>
  >();
  /** Registration statements to put at the top of each scope (keyed by its statement list's owner). */
  readonly registrations = new Map<ts.Node, ts.Statement[]>();

  constructor(
    readonly context: ts.TransformationContext,
    readonly analysis: Analysis,
    readonly file: ts.SourceFile,
    readonly options: RewriteOptions,
  ) {
    this.factory = context.factory;
    this.hoist = (id) => context.hoistVariableDeclaration(id);
    this.runtimeId = this.factory.createUniqueName('__tsg', ts.GeneratedIdentifierFlags.Optimistic); // `__tsg` unless the file uses it
  }

  /** `__tsg.name`: a protocol helper from the runtime. */
  helper(name: ProtocolHelper): ts.Expression {
    this.usedRuntime = true;
    return this.factory.createPropertyAccessExpression(this.runtimeId, name);
  }

  isColoured(fn: FunctionNode): boolean {
    return this.analysis.coloured.has(fn);
  }

  /** The twin's name for a coloured function declaration or private method of this file. */
  twinName(fn: FunctionNode): ts.Identifier | undefined {
    if (fn.getSourceFile() !== this.file || !this.isColoured(fn)) return undefined;
    let id = this.twinNames.get(fn);
    if (!id) {
      if (ts.isFunctionDeclaration(fn) && fn.name) id = this.factory.createIdentifier(`${fn.name.text}$twin`);
      else if (ts.isMethodDeclaration(fn) && ts.isPrivateIdentifier(fn.name))
        id = this.factory.createIdentifier(`${fn.name.text}$twin`); // "#m$twin"
      else return undefined;
      this.twinNames.set(fn, id);
    }
    return id;
  }

  /** For a direct call: the twin to call with no lookup, when this file declares it. */
  directTwinRef(fn: FunctionNode): ts.Identifier | undefined {
    return ts.isFunctionDeclaration(fn) ? this.twinName(fn) : undefined;
  }

  pendingMethod(owner: ts.Node, m: { key: string; label: string; isStatic: boolean }): void {
    let list = this.methods.get(owner);
    if (!list) this.methods.set(owner, (list = []));
    list.push(m);
  }

  /**
   * A file-level `const _get_p = Symbol("C.p get")`: the key of an accessor twin, unique to this
   * declaration so a subclass's twin of the same property can never shadow it.
   */
  accessorTwinKey(owner: ts.Node, key: string, kind: 'get' | 'set', label: string, isStatic: boolean): ts.Identifier {
    const id = this.twinKey(`_${kind}_${key}`, `${label} ${kind}`);
    let byKey = this.accessors.get(owner);
    if (!byKey) this.accessors.set(owner, (byKey = new Map()));
    const entry = byKey.get(key) ?? { isStatic };
    entry[kind] = id;
    byKey.set(key, entry);
    return id;
  }

  /** A file-level `const _m = Symbol("C.m twin")`: the key a twin method is stored under. */
  twinKey(base: string, description: string): ts.Identifier {
    const f = this.factory;
    const id = f.createUniqueName(base.replace(/\W/g, '_'));
    const symbolCall = f.createCallExpression(f.createIdentifier('Symbol'), undefined, [
      f.createStringLiteral(description),
    ]);
    this.register(
      this.file,
      f.createVariableStatement(
        undefined,
        f.createVariableDeclarationList(
          [f.createVariableDeclaration(id, undefined, undefined, symbolCall)],
          ts.NodeFlags.Const,
        ),
      ),
    );
    return id;
  }

  /** `__tsg.accessorTwins(target, "p", _get_p, _set_p)`: the getter and setter carry their twins. */
  private accessorTwinsCalls(owner: ts.Node, target: (isStatic: boolean) => ts.Expression): ts.Expression[] {
    const f = this.factory;
    return [...(this.accessors.get(owner) ?? [])].map(([key, a]) =>
      f.createCallExpression(this.helper('accessorTwins'), undefined, [
        target(a.isStatic),
        f.createStringLiteral(key),
        a.get ?? f.createVoidZero(),
        a.set ?? f.createVoidZero(),
      ]),
    );
  }

  /** `__tsg.methodTwins(target, ["m"], ["C.m"])`: plain entries for a class's or literal's generator methods. */
  private methodTwinsCall(target: ts.Expression, list: Array<{ key: string; label: string }>): ts.Expression {
    const f = this.factory;
    return f.createCallExpression(this.helper('methodTwins'), undefined, [
      target,
      f.createArrayLiteralExpression(list.map((m) => f.createStringLiteral(m.key))),
      f.createArrayLiteralExpression(list.map((m) => f.createStringLiteral(m.label))),
    ]);
  }

  /** Classes get a static block first thing; object literals are wrapped. */
  private withMethodTwins(original: ts.Node, visited: ts.Node): ts.Node {
    const list = this.methods.get(original) ?? [];
    if (!list.length && !this.accessors.has(original)) return visited;
    const f = this.factory;
    if (ts.isObjectLiteralExpression(visited)) {
      // accessorTwins and methodTwins both return the object they are given
      let wrapped: ts.Expression = list.length ? this.methodTwinsCall(visited, list) : visited;
      for (const call of this.accessorTwinsCalls(original, () => f.createIdentifier('__placeholder__'))) {
        wrapped = f.updateCallExpression(call as ts.CallExpression, (call as ts.CallExpression).expression, undefined, [
          wrapped,
          ...(call as ts.CallExpression).arguments.slice(1),
        ]);
      }
      return wrapped;
    }
    const stmts: ts.Statement[] = this.accessorTwinsCalls(original, (isStatic) =>
      isStatic ? f.createThis() : f.createPropertyAccessExpression(f.createThis(), 'prototype'),
    ).map((c) => f.createExpressionStatement(c));
    const inst = list.filter((m) => !m.isStatic);
    const stat = list.filter((m) => m.isStatic);
    if (inst.length)
      stmts.push(
        f.createExpressionStatement(
          this.methodTwinsCall(f.createPropertyAccessExpression(f.createThis(), 'prototype'), inst),
        ),
      );
    if (stat.length) stmts.push(f.createExpressionStatement(this.methodTwinsCall(f.createThis(), stat)));
    const block = f.createClassStaticBlockDeclaration(f.createBlock(stmts, true));
    if (ts.isClassDeclaration(visited)) {
      return f.updateClassDeclaration(
        visited,
        visited.modifiers,
        visited.name,
        visited.typeParameters,
        visited.heritageClauses,
        [block, ...visited.members],
      );
    }
    const c = visited as ts.ClassExpression;
    return f.updateClassExpression(c, c.modifiers, c.name, c.typeParameters, c.heritageClauses, [block, ...c.members]);
  }

  /** `o.#m` as a value → `(_a = o, __tsg.withTwin(_a.#m, _a.#m$twin))`: the entry carries its twin. */
  private privateMethodValue(node: ts.PropertyAccessExpression, fn: FunctionNode): ts.Expression {
    const f = this.factory;
    const obj = this.visit(node.expression) as ts.Expression;
    const temp = node.expression.kind === ts.SyntaxKind.ThisKeyword ? undefined : f.createTempVariable(this.hoist);
    const target = temp ?? obj;
    const twin = f.createPrivateIdentifier(this.twinName(fn)!.text);
    const call = f.createCallExpression(this.helper('withTwin'), undefined, [
      f.createPropertyAccessExpression(target, node.name),
      f.createPropertyAccessExpression(target, twin),
    ]);
    return temp
      ? f.createParenthesizedExpression(f.createCommaListExpression([f.createAssignment(temp, obj), call]))
      : call;
  }

  /**
   * `synchronize(async () => …)` bound to `sleep` → `synchronize(async () => …, { name: "sleep" })`;
   * an options literal gets the name as its last property (see synchronize-names.ts).
   */
  namedSynchronize(node: ts.CallExpression, name: string): ts.Expression {
    const f = this.factory;
    const visited = ts.visitEachChild(node, this.visit, this.context);
    const [fn, options] = visited.arguments;
    const named = f.createPropertyAssignment('name', f.createStringLiteral(name));
    const merged =
      options && ts.isObjectLiteralExpression(options)
        ? f.updateObjectLiteralExpression(options, [...options.properties, named])
        : f.createObjectLiteralExpression([named]);
    return f.updateCallExpression(visited, visited.expression, visited.typeArguments, [fn, merged]);
  }

  /** Adds `stmt` to the top of the scope whose statements belong to `owner`. */
  register(owner: ts.Node, stmt: ts.Statement): void {
    let list = this.registrations.get(owner);
    if (!list) this.registrations.set(owner, (list = []));
    list.push(stmt);
  }

  /** The entry point: the rewritten file. */
  run(): ts.SourceFile {
    const visited = ts.visitEachChild(this.file, this.visit, this.context);
    const statements = this.withRegistrations(this.file, visited.statements);
    if (!this.usedRuntime) return this.factory.updateSourceFile(visited, statements);
    let i = 0; // after the directives ("use strict")
    while (
      i < statements.length &&
      ts.isExpressionStatement(statements[i]) &&
      ts.isStringLiteral((statements[i] as ts.ExpressionStatement).expression)
    )
      i++;
    return this.factory.updateSourceFile(visited, [
      ...statements.slice(0, i),
      this.runtimeImport(),
      ...statements.slice(i),
    ]);
  }

  /**
   * How the file gets the protocol. CommonJS output: `const __tsg = require("ts-greenlet/protocol")`,
   * which TypeScript emits as written, so the output carries no interop helpers (`__importStar`)
   * and shows only what ts-greenlet wrote. ES module output, and TypeScript printed by `generate`
   * (whose compiler decides the module format): `import * as __tsg from "..."`.
   */
  private runtimeImport(): ts.Statement {
    const f = this.factory;
    const specifier = f.createStringLiteral(this.options.runtimeModule);
    if (this.options.output === 'javascript' && emitsCommonJS(this.context.getCompilerOptions(), this.file)) {
      const required = f.createCallExpression(f.createIdentifier('require'), undefined, [specifier]);
      return f.createVariableStatement(
        undefined,
        f.createVariableDeclarationList(
          [f.createVariableDeclaration(this.runtimeId, undefined, undefined, required)],
          ts.NodeFlags.Const,
        ),
      );
    }
    return f.createImportDeclaration(
      undefined,
      f.createImportClause(false, undefined, f.createNamespaceImport(this.runtimeId)),
      specifier,
    );
  }

  /** Puts the registrations of `owner`'s scope before its first statement (after directives). */
  withRegistrations(owner: ts.Node, statements: ts.NodeArray<ts.Statement> | readonly ts.Statement[]): ts.Statement[] {
    const regs = this.registrations.get(owner);
    if (!regs?.length) return [...statements];
    let i = 0;
    while (
      i < statements.length &&
      ts.isExpressionStatement(statements[i]) &&
      ts.isStringLiteral((statements[i] as ts.ExpressionStatement).expression)
    )
      i++;
    if (ts.isSourceFile(owner)) while (i < statements.length && ts.isImportDeclaration(statements[i])) i++;
    return [...statements.slice(0, i), ...regs, ...statements.slice(i)];
  }

  /**
   * While inside a coloured arrow's twin (a generator, which has its own): where the enclosing
   * function's `arguments`, `new.target` and `super` are read from.
   */
  lexical: LexicalCapture | undefined;

  /** `super.m` / `super[k]` inside a coloured arrow: `_superGet("m")`; otherwise as it is. */
  superMember(access: ts.PropertyAccessExpression | ts.ElementAccessExpression, key: ts.Expression): ts.Expression {
    const f = this.factory;
    if (this.lexical?.superGet) return f.createCallExpression(this.lexical.superGet, undefined, [key]);
    return ts.isPropertyAccessExpression(access)
      ? f.createPropertyAccessExpression(f.createSuper(), access.name)
      : f.createElementAccessExpression(f.createSuper(), key);
  }

  readonly visit = (node: ts.Node): ts.Node | ts.Node[] => {
    const lex = this.lexical;
    if (lex) {
      if (lex.arguments && ts.isIdentifier(node) && node.text === 'arguments' && isExpressionUse(node))
        return lex.arguments;
      if (lex.newTarget && ts.isMetaProperty(node) && node.keywordToken === ts.SyntaxKind.NewKeyword)
        return lex.newTarget;
      if (lex.superGet && ts.isCallExpression(node) && !this.analysis.plans.has(node)) {
        const callee = skipParens(node.expression);
        if (
          (ts.isPropertyAccessExpression(callee) || ts.isElementAccessExpression(callee)) &&
          callee.expression.kind === ts.SyntaxKind.SuperKeyword
        ) {
          // `super.m(x)` → `_superGet("m").call(this, x)`: the method still runs on this `this`
          const fn = this.visit(callee) as ts.Expression;
          return this.factory.createCallExpression(this.factory.createPropertyAccessExpression(fn, 'call'), undefined, [
            this.factory.createThis(),
            ...node.arguments.map((a) => this.visit(a) as ts.Expression),
          ]);
        }
      }
      if (
        lex.superGet &&
        (ts.isPropertyAccessExpression(node) || ts.isElementAccessExpression(node)) &&
        node.expression.kind === ts.SyntaxKind.SuperKeyword
      ) {
        const key = ts.isPropertyAccessExpression(node)
          ? this.factory.createStringLiteral(node.name.text)
          : (this.visit(node.argumentExpression) as ts.Expression);
        return this.superMember(node, key);
      }
      if (ts.isFunctionLike(node) && !ts.isArrowFunction(node)) {
        this.lexical = undefined; // a nested function has its own
        try {
          return this.visit(node);
        } finally {
          this.lexical = lex;
        }
      }
    }
    if (isFunctionNode(node) && this.isColoured(node)) return emitColouredFunction(this, node);
    if (isFunctionNode(node) && node.modifiers?.some((m) => m.kind === ts.SyntaxKind.AsyncKeyword)) {
      const moved = emitAsyncWithSuspendingDefaults(this, node);
      if (moved) return moved;
    }
    if (isChainOuter(node) && chainCalls(node).some((c) => this.analysis.plans.has(c))) {
      return emitChain(this, node, this.visit as (n: ts.Node) => ts.Node);
    }
    if (ts.isCallExpression(node)) {
      const plan = this.analysis.plans.get(node);
      if (plan?.kind === 'via') return emitVia(this, node, plan, this.visit as (n: ts.Node) => ts.Node);
      if (plan?.kind === 'bind') {
        // `f.bind(t, a)` → `__tsg.bindTwin(f, t, a)`: the bound function keeps a bound twin;
        // `_bind.call(f, t, a)` (Function.prototype.bind read as a value) likewise
        const args = node.arguments.map((a) => this.visit(a) as ts.Expression);
        const fn = plan.throughCall
          ? args.shift()!
          : (this.visit((skipParens(node.expression) as ts.PropertyAccessExpression).expression) as ts.Expression);
        return this.factory.createCallExpression(this.helper('bindTwin'), undefined, [fn, ...args]);
      }
      if (plan?.kind === 'name') return this.namedSynchronize(node, plan.name);
      if (plan) return emitCall(this, node, plan, this.visit as (n: ts.Node) => ts.Node);
    }
    if (
      ts.isBinaryExpression(node) &&
      node.operatorToken.kind >= ts.SyntaxKind.FirstAssignment &&
      node.operatorToken.kind <= ts.SyntaxKind.LastAssignment
    ) {
      const target = skipParens(node.left);
      const plan = this.analysis.plans.get(target);
      if (
        plan?.kind === 'accessor' &&
        (ts.isPropertyAccessExpression(target) || ts.isElementAccessExpression(target))
      ) {
        return emitAccess(this, target, plan, this.visit as (n: ts.Node) => ts.Node, node);
      }
    }
    if (ts.isPropertyAccessExpression(node) || ts.isElementAccessExpression(node)) {
      const plan = this.analysis.plans.get(node);
      if (plan?.kind === 'accessor') return emitAccess(this, node, plan, this.visit as (n: ts.Node) => ts.Node);
      if (plan?.kind === 'privateTwin' && ts.isPropertyAccessExpression(node))
        return this.privateMethodValue(node, plan.fn);
    }
    if (ts.isTaggedTemplateExpression(node)) {
      const plan = this.analysis.plans.get(node);
      if (plan) return emitTagged(this, node, plan, this.visit as (n: ts.Node) => ts.Node);
    }
    if (ts.isClassLike(node) || ts.isObjectLiteralExpression(node)) {
      return this.withMethodTwins(node, ts.visitEachChild(node, this.visit, this.context));
    }
    if (ts.isBlock(node) || ts.isModuleBlock(node) || ts.isCaseClause(node) || ts.isDefaultClause(node)) {
      const visited = ts.visitEachChild(node, this.visit, this.context);
      if (!this.registrations.has(node)) return visited;
      const statements = this.withRegistrations(node, visited.statements);
      if (ts.isBlock(visited)) return this.factory.updateBlock(visited, statements);
      if (ts.isModuleBlock(visited)) return this.factory.updateModuleBlock(visited, statements);
      if (ts.isCaseClause(visited)) return this.factory.updateCaseClause(visited, visited.expression, statements);
      return this.factory.updateDefaultClause(visited as ts.DefaultClause, statements);
    }
    return ts.visitEachChild(node, this.visit, this.context);
  };
}

/** True if `file` is emitted as a CommonJS module (`module: commonjs`, or `node16`..`nodenext` for a CommonJS file). */
function emitsCommonJS(options: ts.CompilerOptions, file: ts.SourceFile): boolean {
  // unset: TypeScript's default follows the target, CommonJS below ES2015 and ES modules from it
  const kind =
    options.module ??
    ((options.target ?? ts.ScriptTarget.ESNext) < ts.ScriptTarget.ES2015
      ? ts.ModuleKind.CommonJS
      : ts.ModuleKind.ES2015);
  if (kind >= ts.ModuleKind.Node16 && kind <= ts.ModuleKind.NodeNext)
    return file.impliedNodeFormat !== ts.ModuleKind.ESNext;
  return kind === ts.ModuleKind.CommonJS;
}

/** The per-file transformer: rewrites files the analysis touched, returns the others as they are. */
export function rewriteFile(
  context: ts.TransformationContext,
  analysis: Analysis,
  file: ts.SourceFile,
  options: RewriteOptions,
): ts.SourceFile {
  const original = ts.getOriginalNode(file) as ts.SourceFile;
  if (!analysis.files.has(original) && !analysis.namedFiles.has(original)) return file;
  return new FileRewrite(context, analysis, original, options).run();
}
