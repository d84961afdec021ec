/**
 * Calls and `new` in value flow (value-flow.ts): a call's arguments go to the callee location's
 * merged calls (`CallSummary`), and each function that arrives there is bound as it arrives
 * (value-flow-solver.ts). This file says which location a call goes through: its callee (for a
 * member the program declares, only the functions that can be that member: `memberCallee`),
 * the function a `bind`, `call` or `apply` stands for, a constructor and its subclasses'; and it
 * sends calls of the lib's containers and of code outside to their own models
 * (value-flow-container-calls.ts, value-flow-outside.ts).
 *
 * ```ts
 * run(job);             // job ⊆ a parameter of each function at run's location; their returns ⊆ the call
 * f.call(t, x);          // a call of f (so are f.apply(t, xs) and a call of f.bind(t))
 * schema.min(1);         // `min` declared in the program: only the `.min` functions that can return a schema
 * new this.ctor(work);   // the constructor of ctor's class, and of each of its subclasses
 * ```
 */
import ts from '../ts';
import { bindThroughCall, possiblyBoundFunction, viaCallOrApply } from './call-targets';
import { FunctionNode, propertyNameText, skipParens } from './inventory';
import { Requirement, ReturnFit } from './return-fit';
import { runtimeCodeKind } from './runtime-code';
import {
  arrayConstructorMethod,
  containerMethod,
  CONTAINER_CONSTRUCTORS,
  isLibFile,
  objectConstructorMethod,
} from './value-flow-builtins';
import { ContainerCalls } from './value-flow-container-calls';
import { Fields } from './value-flow-fields';
import { KeyParameters } from './value-flow-keys';
import { FlowWalker, Location } from './value-flow-model';
import { OutsideCode } from './value-flow-outside';
import { FlowSolver } from './value-flow-solver';
import { FlowTypes } from './value-flow-types';

export class Calls {
  /** The callee's values of each call (apart from the call's own value, what it returns). */
  readonly callees = new Map<ts.Node, Location>();
  /** Each direct `eval` (see runtime-code.ts). */
  readonly evals: ts.CallExpression[] = [];
  /**
   * Per field, per what the member must return: the callee location of calls of a
   * program-declared member (`memberCallee`).
   */
  private readonly members = new Map<Location, Map<Requirement, Location>>();
  /** Each program class's direct subclasses, made on first use (`subclassConstructors`). */
  private derived: Map<ts.ClassLikeDeclaration, ts.ClassLikeDeclaration[]> | undefined;
  private readonly containers: ContainerCalls;
  private readonly checker: ts.TypeChecker;

  constructor(
    private readonly solver: FlowSolver,
    private readonly types: FlowTypes,
    keyParams: KeyParameters,
    private readonly fields: Fields,
    private readonly outside: OutsideCode,
    private readonly walker: FlowWalker,
    private readonly fit: ReturnFit,
    /** The program's own files (where its subclasses are). */
    private readonly files: readonly ts.SourceFile[],
    private readonly requiredFile: (call: ts.CallExpression) => ts.SourceFile | undefined,
  ) {
    this.checker = types.checker;
    this.containers = new ContainerCalls(solver, types, keyParams, fields);
  }

  /**
   * `const io = require('./io')` in a TypeScript file is `any`, so `io.load(x)` has no symbol to
   * follow: the module's exports go to the fields of their names, where reads through `any` look.
   */
  private required(e: ts.CallExpression): void {
    const file = this.requiredFile(e);
    const module = file && this.checker.getSymbolAtLocation(file);
    if (!module) return;
    for (const exported of this.checker.getExportsOfModule(module)) {
      const sym = this.types.resolveAlias(exported);
      const d = sym.valueDeclaration;
      if (d && (ts.isFunctionDeclaration(d) || ts.isVariableDeclaration(d)))
        this.solver.edge(this.solver.symbolLocation(sym), this.solver.field(String(exported.escapedName)));
    }
  }

  /** A call: the callee's functions get its arguments and give their returns, as they arrive. */
  call(e: ts.CallExpression | ts.TaggedTemplateExpression, fn: FunctionNode | undefined): void {
    const { solver, checker, walker, callees } = this;
    const here = this.types.primitiveTyped(e) ? solver.nothing : solver.nodeLocation(e);
    const runtime = runtimeCodeKind(checker, e);
    if (runtime === 'function') solver.makesAtRunTime(e, here);
    else if (runtime === 'eval') this.evals.push(e as ts.CallExpression);
    const args: ts.Expression[] = ts.isCallExpression(e) ? [...e.arguments] : templateArguments(e.template);
    const argValues = args.map((a) => walker.valueOf(a, fn));
    if (ts.isTaggedTemplateExpression(e)) ts.forEachChild(e.template, (c) => walker.visit(c, fn));
    if (ts.isCallExpression(e) && e.expression.kind === ts.SyntaxKind.ImportKeyword) return;
    if (ts.isCallExpression(e) && isRequire(e)) this.required(e);
    if (ts.isCallExpression(e) && e.expression.kind === ts.SyntaxKind.SuperKeyword) {
      const decl = checker.getResolvedSignature(e)?.getDeclaration();
      if (decl && ts.isConstructorDeclaration(decl) && decl.body)
        solver.addCall(this.constructorLocation(decl), args, argValues, undefined);
      return;
    }
    // `_bind.call(f, t, ...a)`, Function.prototype.bind read as a value: `f.bind(t, ...a)`
    const boundByCall = bindThroughCall(checker, e as ts.Expression);
    const bound = boundByCall ?? possiblyBoundFunction(checker, e as ts.Expression);
    if (bound) {
      // `f.bind(t, ...a)`: the same functions (bindTwin keeps the twin). With arguments `a`, the
      // positions of later calls shift: any argument may then reach any parameter.
      const target = walker.valueOf(bound, fn);
      solver.edge(target, here);
      const bindArgs = boundByCall ? argValues.slice(1) : argValues;
      if (bindArgs.length > 1) {
        const s = solver.summaryOf(target);
        for (const a of bindArgs.slice(1)) solver.edge(a, s.spread);
        s.spreadFrom = 0;
        solver.rebind(target);
        const later = solver.summaryOf(here);
        later.scatter = true;
        later.spreadFrom = 0;
        for (const a of later.args) solver.edge(a, later.spread);
      }
      return;
    }
    const via = viaCallOrApply(checker, e);
    if (via) {
      // `f.call(t, ...a)` / `f.apply(t, arr)`: a call of `f`; the site's callee values are `f`'s
      const target = this.memberCallee(via.fn, fn);
      callees.set(e, target);
      if (via.how === 'call') solver.addCall(target, args.slice(1), argValues.slice(1), here);
      else {
        solver.addCall(target, [], [], here);
        if (argValues[1]) solver.readElements(argValues[1], target.summary!.spread);
        if (target.summary!.spreadFrom > 0) {
          target.summary!.spreadFrom = 0;
          solver.rebind(target);
        }
      }
      return;
    }
    const callee = ts.isCallExpression(e) ? e.expression : e.tag;
    const target = this.memberCallee(callee, fn);
    // `console.error(e)`, `cache.get(k)`: the library's own member, not every `.error` or `.get`
    // of the program (call-graph.ts takes none of them either)
    const libraryOwner = this.outside.libraryMemberOwners(callee);
    callees.set(e, libraryOwner ? solver.nothing : target);
    if (!libraryOwner) solver.addCall(target, args, argValues, here);
    else
      this.outside.deferLibraryCall(
        libraryOwner,
        () => (callees.set(e, target), solver.addCall(target, args, argValues, here)),
      );
    if (!libraryOwner && ts.isCallExpression(e)) this.memberCallOrApply(e, fn, args, argValues, here);
    const declaration = checker.getResolvedSignature(e)?.getDeclaration();
    if (!declaration || !declaration.getSourceFile().isDeclarationFile) return;
    const method = containerMethod(declaration);
    const receiver =
      ts.isPropertyAccessExpression(skipParens(callee)) || ts.isElementAccessExpression(skipParens(callee))
        ? walker.valueOf((skipParens(callee) as ts.PropertyAccessExpression).expression, fn)
        : undefined;
    const arrayMethod = arrayConstructorMethod(declaration);
    const objectMethod = objectConstructorMethod(declaration);
    if (method && receiver) this.containers.containerCall(method, receiver, args, argValues, here);
    else if (arrayMethod) this.containers.arrayFromCall(arrayMethod, e, args, argValues, here);
    else if (objectMethod) this.containers.objectCall(objectMethod, e, argValues, here);
    else this.outside.call(e, declaration, args, argValues, here);
  }

  /**
   * `op.call(t, x)` / `op.apply(t, xs)` that types do not take for Function.prototype's: `op`'s type
   * declares its own `call` (rxjs's `Operator`, which holds a plain function), or says nothing
   * (`any`). A function that reaches `op` runs as with Function.prototype's, so the site also calls
   * what `op` holds; its callees are both (the rewrite dispatches `op.call` at run time, and
   * `dispatch` takes Function.prototype's `call` and `apply` for calls of their receiver).
   */
  private memberCallOrApply(
    e: ts.CallExpression,
    fn: FunctionNode | undefined,
    args: ts.Expression[],
    argValues: Location[],
    here: Location,
  ): void {
    const solver = this.solver;
    const callee = skipParens(e.expression);
    if (!ts.isPropertyAccessExpression(callee) || (callee.name.text !== 'call' && callee.name.text !== 'apply')) return;
    const receiver = this.walker.valueOf(callee.expression, fn);
    const both = new Location();
    solver.edge(this.callees.get(e)!, both);
    solver.edge(receiver, both);
    this.callees.set(e, both);
    if (callee.name.text === 'call') solver.addCall(receiver, args.slice(1), argValues.slice(1), here);
    else {
      solver.addCall(receiver, [], [], here);
      if (argValues[1]) solver.readElements(argValues[1], receiver.summary!.spread);
      if (receiver.summary!.spreadFrom > 0) {
        receiver.summary!.spreadFrom = 0;
        solver.rebind(receiver);
      }
    }
  }

  /** `new C(...)`: a program constructor gets the arguments; one outside the program is a container. */
  construct(e: ts.NewExpression, fn: FunctionNode | undefined): void {
    const { solver, checker, walker } = this;
    walker.valueOf(e.expression, fn);
    if (runtimeCodeKind(checker, e) === 'function') solver.makesAtRunTime(e, solver.nodeLocation(e));
    const args = [...(e.arguments ?? [])];
    const argValues = args.map((a) => walker.valueOf(a, fn));
    const decl = checker.getResolvedSignature(e)?.getDeclaration();
    const ctor = ts.isIdentifier(e.expression) ? e.expression.text : undefined;
    if (decl && ts.isConstructorDeclaration(decl) && decl.body && !decl.getSourceFile().isDeclarationFile) {
      solver.addCall(this.constructorLocation(decl), args, argValues, undefined);
      // `new this.actionCtor(this, work)` with `actionCtor: typeof Action`: the value may be any
      // subclass (rxjs's QueueAction), whose constructor may keep `work` as a field
      if (!this.isClassName(e.expression))
        for (const sub of this.subclassConstructors(decl.parent))
          solver.addCall(this.constructorLocation(sub), args, argValues, undefined);
    } else if (ctor && CONTAINER_CONSTRUCTORS.has(ctor) && decl && isLibFile(decl.getSourceFile()))
      this.containers.construct(ctor, e, argValues);
    else if (decl && decl.getSourceFile().isDeclarationFile) {
      if (ctor === 'Proxy' && isLibFile(decl.getSourceFile()) && args[1]) this.proxyGetTrap(e, args[1]);
      this.outside.call(e, decl, args, argValues, solver.nodeLocation(e));
    }
  }

  /**
   * The callee of `o.m(x)` where `o`'s type declares `m` in the program: a location fed by the
   * field `.m` that holds only the functions that can be `m` by what they return (return-fit.ts),
   * one per name and requirement (every `min` declared to return a schema shares one), with its
   * call summary. So a hook's arguments no longer reach a builder of the same name, nor the
   * builder's callers the hook.
   */
  private memberCallee(callee: ts.Expression, fn: FunctionNode | undefined): Location {
    const { checker, fit } = this;
    const l = this.walker.valueOf(callee, fn);
    const e = skipParens(callee);
    if (!ts.isPropertyAccessExpression(e) || !this.solver.isField(l, this.fields.nameKey(e.name))) return l;
    // (a receiver typed `any` resolves no member)
    const sym = checker.getSymbolAtLocation(e.name);
    const decls = sym?.declarations;
    if (!sym || !decls?.length || decls.some((d) => d.getSourceFile().isDeclarationFile)) return l;
    // the member's type as declared for this receiver, without narrowing at the read (`this` is its constraint)
    const req = fit.requirementOf(checker.getTypeOfSymbol(sym));
    if (!req) return l;
    let byReq = this.members.get(l);
    if (!byReq) this.members.set(l, (byReq = new Map()));
    let member = byReq.get(req);
    if (!member) {
      byReq.set(req, (member = new Location()));
      member.admits = (f) => !fit.cannotMeet(f, req);
      this.solver.edge(l, member);
    }
    return member;
  }

  /**
   * `new Proxy(target, { get(t, k) { return f; } })`: the engine hands what `get` returns to the
   * property reads of the proxy. It goes to every name the proxy's type declares; where reads may
   * use other names (an index signature, `any`), it is a write under an unbounded key, which
   * checks.ts reports if a function that may suspend is among it (`api.users()` with
   * `api: Record<string, F>` would not wait). A handler that is not an object literal: every
   * `get` the program has.
   */
  private proxyGetTrap(e: ts.NewExpression, handler: ts.Expression): void {
    const { solver, checker, fields } = this;
    const literal = skipParens(handler);
    let trap = solver.field('get');
    let at: ts.Node = handler;
    if (ts.isObjectLiteralExpression(literal)) {
      const member = literal.properties.find((p) => p.name && propertyNameText(p.name) === 'get');
      if (!member) return;
      at = member;
      if (ts.isMethodDeclaration(member)) solver.add((trap = new Location()), member);
      else if (ts.isPropertyAssignment(member)) trap = this.walker.valueOf(member.initializer, undefined);
      else if (ts.isShorthandPropertyAssignment(member)) trap = solver.nodeLocation(member); // the walk fed it
    }
    const returned = new Location();
    solver.addCall(trap, [], [], returned);
    const t = checker.getTypeAtLocation(e);
    const names = checker.getPropertiesOfType(t).filter((p) => !String(p.escapedName).startsWith('__@'));
    for (const p of names) solver.edge(returned, solver.field(p.name));
    if (!names.length || checker.getIndexInfosOfType(t).length || t.flags & (ts.TypeFlags.Any | ts.TypeFlags.Unknown))
      fields.writeUnbounded(at, returned, true);
  }

  /** Whether `e` names a class itself (`new Action(...)`), not a value that may hold a subclass. */
  private isClassName(e: ts.Expression): boolean {
    const sym = ts.isIdentifier(e) || ts.isPropertyAccessExpression(e) ? this.types.symbolOf(e) : undefined;
    return !!sym && !!(sym.flags & ts.SymbolFlags.Class);
  }

  /** The constructors (with bodies) of the program's classes that extend `base`, however deep. */
  private subclassConstructors(base: ts.ClassLikeDeclaration): ts.ConstructorDeclaration[] {
    if (!this.derived) {
      const derived = new Map<ts.ClassLikeDeclaration, ts.ClassLikeDeclaration[]>();
      const note = (c: ts.ClassLikeDeclaration): void => {
        const ext = c.heritageClauses?.find((h) => h.token === ts.SyntaxKind.ExtendsKeyword)?.types[0];
        const sym = ext && this.types.symbolOf(ext.expression);
        for (const d of sym?.declarations ?? [])
          if (ts.isClassLike(d)) (derived.get(d) ?? derived.set(d, []).get(d)!).push(c);
      };
      const walk = (n: ts.Node): void => {
        if (ts.isClassLike(n)) note(n);
        ts.forEachChild(n, walk);
      };
      this.files.forEach(walk);
      this.derived = derived;
    }
    const derived = this.derived;
    const out: ts.ConstructorDeclaration[] = [];
    const seen = new Set<ts.ClassLikeDeclaration>();
    const visit = (c: ts.ClassLikeDeclaration): void => {
      for (const sub of derived.get(c) ?? []) {
        if (seen.has(sub)) continue;
        seen.add(sub);
        const ctor = sub.members.find(
          (m): m is ts.ConstructorDeclaration => ts.isConstructorDeclaration(m) && !!m.body,
        );
        if (ctor) out.push(ctor);
        visit(sub);
      }
    };
    visit(base);
    return out;
  }

  private constructorLocation(decl: ts.ConstructorDeclaration): Location {
    const l = this.solver.nodeLocation(decl);
    this.solver.add(l, decl);
    return l;
  }
}

function templateArguments(t: ts.TemplateLiteral): ts.Expression[] {
  return ts.isNoSubstitutionTemplateLiteral(t) ? [] : t.templateSpans.map((s) => s.expression);
}

/** `require('./m')`. A program's own function named `require` is taken as Node's too: that only adds flow. */
function isRequire(e: ts.CallExpression): boolean {
  return (
    ts.isIdentifier(e.expression) &&
    e.expression.text === 'require' &&
    e.arguments.length === 1 &&
    ts.isStringLiteralLike(e.arguments[0])
  );
}
