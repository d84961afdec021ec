/**
 * What types tell value flow (value-flow.ts), asked of the checker and memoised per type or
 * symbol: which locations hold no function (a primitive), which containers need not be followed,
 * which values carry the `Synchronized` brand, and which symbol a name is.
 */
import ts from '../ts';
import { FunctionNode, skipParens } from './inventory';
import { hasBrandedPart, hasSynchronizedBrand } from './suspension-points';

export class FlowTypes {
  private readonly primitiveTypes = new Map<ts.Type, boolean>();
  private readonly brandedTypes = new Map<ts.Type, boolean>();
  private readonly brandedSymbols = new Map<ts.Symbol, boolean>();

  constructor(readonly checker: ts.TypeChecker) {}

  /**
   * A variable, parameter, return or call result typed as a primitive (`number`, `string`,
   * `boolean`, a union of them, ...) holds no function. Without that, one
   * imprecise merge (a helper that returns what it is given, called with functions and numbers)
   * carries every function into every number, and from there under every unknown key. A function
   * can only arrive there through `any` or a double cast (`f as unknown as number`), which is
   * not followed.
   */
  primitiveTyped(at: ts.Node): boolean {
    return this.isPrimitiveType(this.typeAt(at));
  }

  /**
   * The type of `at` for what this file asks of it (primitive, branded, a function type declared
   * outside), as `getTypeAtLocation` answers it. For a call, the return type of its resolved
   * signature, which the checker keeps: `getTypeAtLocation` checks the call's callee again each
   * time it is asked (a flow analysis; ~0.3 s of analyse() on bench/compile's project) to come to
   * that type, or to one no question here tells apart (a fresh literal's regular form). Checked
   * on every call of the tests' and 1,000 fuzzed programs: the same answers. A call of `super` or
   * `import()`, or one in a JavaScript file, the checker types otherwise: asked of it.
   */
  typeAt(at: ts.Node): ts.Type {
    if (!ts.isCallExpression(at) || at.flags & ts.NodeFlags.JavaScriptFile) return this.checker.getTypeAtLocation(at);
    const callee = at.expression.kind;
    if (callee === ts.SyntaxKind.SuperKeyword || callee === ts.SyntaxKind.ImportKeyword)
      return this.checker.getTypeAtLocation(at);
    const sig = this.checker.getResolvedSignature(at);
    return sig ? this.checker.getReturnTypeOfSignature(sig) : this.checker.getTypeAtLocation(at);
  }

  isPrimitiveType(t: ts.Type): boolean {
    let primitive = this.primitiveTypes.get(t);
    if (primitive === undefined) this.primitiveTypes.set(t, (primitive = isPrimitive(t)));
    return primitive;
  }

  isPrimitiveSymbol(sym: ts.Symbol): boolean {
    if (!(sym.flags & (ts.SymbolFlags.Variable | ts.SymbolFlags.Property))) return false;
    const d = sym.valueDeclaration;
    if (!d || !(ts.isVariableDeclaration(d) || ts.isParameter(d) || ts.isBindingElement(d))) return false;
    return this.isPrimitiveType(this.checker.getTypeOfSymbol(sym));
  }

  returnsPrimitive(f: FunctionNode): boolean {
    if (ts.isConstructorDeclaration(f) || ts.isSetAccessorDeclaration(f)) return false;
    const sig = this.checker.getSignatureFromDeclaration(f);
    return !!sig && this.isPrimitiveType(this.checker.getReturnTypeOfSignature(sig));
  }

  /**
   * Whether a container made at `e` may hold functions (or containers of them): a `number[]`, a
   * `Map<string, Order>` need not be followed (objects are fields, not values, here).
   */
  holdsFunctions(e: ts.Node): boolean {
    // `private walkers: Array<() => void> = []`: the literal alone is a `never[]`
    const t = (ts.isExpression(e) && this.checker.getContextualType(e)) || this.checker.getTypeAtLocation(e);
    const args =
      t.flags & ts.TypeFlags.Object && (t as ts.ObjectType).objectFlags & ts.ObjectFlags.Reference
        ? this.checker.getTypeArguments(t as ts.TypeReference)
        : undefined;
    return !args || args.length === 0 || args.some((a) => a.flags & ts.TypeFlags.Never || this.mayHoldFunctions(a, 0));
  }

  mayHoldFunctions(t: ts.Type, depth: number): boolean {
    if (depth > 3) return true;
    if (
      t.flags &
      (ts.TypeFlags.Any |
        ts.TypeFlags.Unknown |
        ts.TypeFlags.TypeParameter |
        ts.TypeFlags.NonPrimitive |
        ts.TypeFlags.Index |
        ts.TypeFlags.IndexedAccess |
        ts.TypeFlags.Conditional |
        ts.TypeFlags.Substitution)
    )
      return true;
    if (this.isPrimitiveType(t)) return false;
    if (t.isUnionOrIntersection()) return t.types.some((u) => this.mayHoldFunctions(u, depth + 1));
    if (t.getCallSignatures().length > 0 || t.getConstructSignatures().length > 0) return true;
    const sym = t.getSymbol();
    if (sym && (sym.name === 'Function' || sym.name === 'Object')) return true;
    if (t.flags & ts.TypeFlags.Object && (t as ts.ObjectType).objectFlags & ts.ObjectFlags.Reference) {
      const args = this.checker.getTypeArguments(t as ts.TypeReference);
      if (args.length) return args.some((a) => this.mayHoldFunctions(a, depth + 1));
    }
    // an object type: a function is not one of its values here (its properties are fields);
    // `{}` with no properties accepts a function, though
    return this.checker.getPropertiesOfType(t).length === 0 && this.checker.getIndexInfosOfType(t).length === 0;
  }

  isBranded(t: ts.Type): boolean {
    let branded = this.brandedTypes.get(t);
    if (branded === undefined)
      this.brandedTypes.set(t, (branded = !(t.flags & ts.TypeFlags.Any) && hasSynchronizedBrand(this.checker, t)));
    return branded;
  }

  /**
   * Whether a name or a property `sym` may hold a synchronized function: some part of the type it
   * is declared with carries the brand. The checker keeps that type; the type at a use is narrowed
   * by control flow each time it is asked (~0.5 s of analyse() on bench/compile's project).
   * Narrowing adds nothing here: a value only reaches `sym` from where it was made or came in (a
   * `synchronize(...)` call, a declaration outside, a cast, a parameter code outside fills), each
   * seeded by its own type, and value flow carries it on from there. A union with a branded part
   * counts (before, it did only where a use was narrowed to that part).
   */
  isBrandedSymbol(sym: ts.Symbol): boolean {
    let branded = this.brandedSymbols.get(sym);
    if (branded === undefined) {
      branded = hasBrandedPart(this.checker, this.checker.getTypeOfSymbol(sym), (t) => this.isBranded(t));
      this.brandedSymbols.set(sym, branded);
    }
    return branded;
  }

  /** A read of `sym` (a name, `o.name`) at `at`: by its declared type, or without a symbol, by the type at `at`. */
  isBrandedRead(sym: ts.Symbol | undefined, at: ts.Node): boolean {
    return sym ? this.isBrandedSymbol(sym) : this.isBranded(this.typeAt(at));
  }

  /**
   * A parameter typed as a function type that code outside declares (`resolve` in `new Promise((resolve) => ...)`,
   * typed `(value: T) => void` by lib.d.ts): code outside hands its own function there, not one of ours.
   */
  isOutsideFunctionType(at: ts.Node): boolean {
    const t = this.checker.getNonNullableType(this.typeAt(at));
    const sigs = t.getCallSignatures();
    return sigs.length > 0 && sigs.every((sg) => !!sg.declaration && sg.declaration.getSourceFile().isDeclarationFile);
  }

  /** `ns` of `import * as ns from './m'`: a module file's namespace object. */
  isModuleNamespace(e: ts.Expression): boolean {
    return (
      !!this.symbolOf(skipParens(e))?.valueDeclaration &&
      ts.isSourceFile(this.symbolOf(skipParens(e))!.valueDeclaration!)
    );
  }

  symbolOf(id: ts.Node): ts.Symbol | undefined {
    const sym = this.checker.getSymbolAtLocation(id);
    return sym && this.resolveAlias(sym);
  }

  resolveAlias(sym: ts.Symbol): ts.Symbol {
    return sym.flags & ts.SymbolFlags.Alias ? this.checker.getAliasedSymbol(sym) : sym;
  }
}

const PRIMITIVE =
  ts.TypeFlags.NumberLike |
  ts.TypeFlags.StringLike |
  ts.TypeFlags.BooleanLike |
  ts.TypeFlags.BigIntLike |
  ts.TypeFlags.ESSymbolLike |
  ts.TypeFlags.Void |
  ts.TypeFlags.Undefined |
  ts.TypeFlags.Null |
  ts.TypeFlags.Never |
  ts.TypeFlags.EnumLike;
function isPrimitive(t: ts.Type): boolean {
  if (t.isUnion()) return t.types.every(isPrimitive);
  return (t.flags & PRIMITIVE) !== 0;
}
