/**
 * Calls of code outside the program (a `.d.ts`: a package, the lib) in value flow (value-flow.ts).
 * Code outside may hand back what it was given as data, unless it is a lib global whose result is
 * a primitive (`JSON.stringify`): data arguments flow into `.[]`, and its results and its
 * callbacks' parameters are the `outside` container. A callback it is given is called there: that
 * is an escape, which checks.ts reports when the callback may suspend.
 *
 * ```ts
 * store.put(key, handler);      // a package keeps data: handler ⊆ .[], which store.get(key) gives back
 * emitter.on('data', onData);   // a callback: called outside, its parameters get .[]
 * class Cache extends Map {}    // cache.get(k) may now run the program's `get`
 * ```
 */
import ts from '../ts';
import { declaredArgumentType } from './call-targets';
import { FunctionNode, parametersOf, skipParens } from './inventory';
import { isLibFile } from './value-flow-builtins';
import { Location } from './value-flow-model';
import { FlowSolver } from './value-flow-solver';
import { FlowTypes } from './value-flow-types';

export class OutsideCode {
  /** Calls of members declared only in `.d.ts` files, bound only if the program extends their owner. */
  private readonly libraryCalls: Array<{ owners: ts.Symbol[]; call: () => void }> = [];
  private readonly libraryHeritage = new Set<ts.Symbol>();
  private readonly checker: ts.TypeChecker;

  constructor(
    private readonly solver: FlowSolver,
    private readonly types: FlowTypes,
  ) {
    this.checker = types.checker;
  }

  /**
   * A call of code outside the program: data it is given may come back from it (`.[]`); a
   * callback it is given is called with what it holds (`.[]`), and what that returns is kept.
   */
  call(at: ts.Expression, decl: ts.Declaration, args: ts.Expression[], argValues: Location[], here: Location): void {
    const solver = this.solver;
    solver.fromOutside(at, here);
    const keeps = this.mayKeep(at, decl);
    args.forEach((arg, i) => {
      if (!this.declaresCallback(decl, i)) {
        if (keeps) solver.escape(argValues[i]);
        handlerMembers(arg).forEach((f) => solver.calledOutside(f));
      } else solver.giveOutside(argValues[i]);
    });
  }

  /** `o.m` where `m` is declared only in `.d.ts` files and `o`'s type says what it is (not `any`). */
  libraryMemberOwners(callee: ts.Expression): ts.Symbol[] | undefined {
    const checker = this.checker;
    const c = skipParens(callee);
    if (!ts.isPropertyAccessExpression(c)) return undefined;
    // (a receiver typed `any` or `unknown` resolves no member: its type need not be asked, which
    // would narrow `o` by control flow again)
    const decls = checker.getSymbolAtLocation(c.name)?.declarations ?? [];
    if (decls.length === 0 || !decls.every((d) => d.getSourceFile().isDeclarationFile)) return undefined;
    // a data property (`value?: any`, `onData?: (x) => void`) holds what was stored there, which
    // may be the program's own function (`const d: PropertyDescriptor = { value: load }`)
    if (decls.some(isDataMember)) return undefined;
    // the merged symbol of the declaring interface or class (`Map`'s members are declared over several lib files)
    const owners = decls
      .map((d) =>
        d.parent && (ts.isInterfaceDeclaration(d.parent) || ts.isClassDeclaration(d.parent)) && d.parent.name
          ? checker.getSymbolAtLocation(d.parent.name)
          : undefined,
      )
      .filter((x): x is ts.Symbol => !!x);
    return owners.length === decls.length ? owners : undefined;
  }

  /** A call of a library member of `owners`: made once the whole program is walked, if it extends one. */
  deferLibraryCall(owners: ts.Symbol[], call: () => void): void {
    this.libraryCalls.push({ owners, call });
  }

  /** Calls of library members whose library type the program extends: they may run its methods. */
  runLibraryCalls(): void {
    for (const c of this.libraryCalls) if (c.owners.some((o) => this.libraryHeritage.has(o))) c.call();
  }

  /**
   * The library types the program extends or implements (`class Cache extends Map`, `implements
   * Iterator<T>`, an object literal typed as one): a call of their members may run the program's.
   */
  noteLibraryHeritage(node: ts.ClassLikeDeclaration | ts.ObjectLiteralExpression): void {
    const checker = this.checker;
    const types: ts.Type[] = [];
    if (ts.isObjectLiteralExpression(node)) {
      if (
        !node.properties.some(
          (p) =>
            ts.isMethodDeclaration(p) ||
            ts.isGetAccessorDeclaration(p) ||
            ts.isSetAccessorDeclaration(p) ||
            (ts.isPropertyAssignment(p) &&
              (ts.isArrowFunction(p.initializer) || ts.isFunctionExpression(p.initializer))),
        )
      )
        return;
      const t = checker.getContextualType(node);
      if (t) types.push(...(t.isUnion() ? t.types : [t]));
    } else {
      for (const clause of node.heritageClauses ?? [])
        for (const h of clause.types) types.push(checker.getTypeAtLocation(h));
    }
    const seen = new Set<ts.Type>();
    const walk = (t: ts.Type): void => {
      if (seen.has(t)) return;
      seen.add(t);
      const sym = t.getSymbol();
      if (sym) this.libraryHeritage.add(sym);
      if (t.isClassOrInterface()) for (const b of checker.getBaseTypes(t)) walk(b);
      if ((t as ts.TypeReference).target && (t as ts.TypeReference).target !== t) walk((t as ts.TypeReference).target);
    };
    types.forEach(walk);
  }

  /**
   * Whether code outside may hand back what it is given: not a lib function or a method of a lib
   * global (`JSON.stringify`, `console.log`, `Math.max`, `String(x)`) whose result is a primitive.
   * A package's functions and objects may keep anything.
   */
  private mayKeep(at: ts.Expression, decl: ts.Declaration): boolean {
    if (!isLibFile(decl.getSourceFile()) || !this.types.primitiveTyped(at)) return true;
    if (!ts.isCallExpression(at)) return true;
    const callee = skipParens(at.expression);
    if (ts.isIdentifier(callee)) return false;
    if (!ts.isPropertyAccessExpression(callee)) return true;
    const receiver = this.checker.getSymbolAtLocation(callee.expression);
    const d = receiver && (receiver.valueDeclaration ?? receiver.declarations?.[0]);
    return !(d && d.getSourceFile().isDeclarationFile && (ts.isVariableDeclaration(d) || ts.isModuleDeclaration(d)));
  }

  private declaresCallback(decl: ts.Declaration, index: number): boolean {
    if (!ts.isFunctionLike(decl)) return false;
    const type = declaredArgumentType(this.checker, parametersOf(decl), index);
    if (!type) return false;
    const t = this.checker.getNonNullableType(type);
    const callable = (x: ts.Type) => x.getCallSignatures().length > 0 || x.symbol?.name === 'Function';
    return t.isUnion() ? t.types.every(callable) : callable(t);
  }
}

/**
 * The functions of an object literal handed to code outside (`new Proxy(t, { get(t, k) { … } })`,
 * `new Transform({ transform() { … } })`): that code calls them with what it holds and any key.
 */
function handlerMembers(arg: ts.Expression): FunctionNode[] {
  const lit = skipParens(arg);
  if (!ts.isObjectLiteralExpression(lit)) return [];
  const out: FunctionNode[] = [];
  for (const p of lit.properties) {
    if (ts.isMethodDeclaration(p) || ts.isGetAccessorDeclaration(p) || ts.isSetAccessorDeclaration(p)) out.push(p);
    else if (
      ts.isPropertyAssignment(p) &&
      (ts.isArrowFunction(skipParens(p.initializer)) || ts.isFunctionExpression(skipParens(p.initializer)))
    )
      out.push(skipParens(p.initializer) as FunctionNode);
  }
  return out;
}

/** A property declared as data (not a method): what it holds is whatever was stored in it. */
export function isDataMember(d: ts.Declaration): boolean {
  return ts.isPropertySignature(d) || ts.isPropertyDeclaration(d);
}
