/**
 * Whether a function value can be the member a method call reads, judged by what it returns.
 * Value flow keeps one location per property *name* (value-flow.ts), so a library that uses one
 * name for a builder and for a hook makes every call of the builder a call of every hook:
 *
 * ```ts
 * inst.transform = (fn) => pipe(inst, transform(fn));   // builder: declared to return ZodPipe<…>
 * def.transform = fn;                                   // hook: the user's (c) => lookup(c)
 * z.string().transform((c) => lookup(c));               // may call: the builder, and the user's arrow?
 * ```
 *
 * The user's arrow returns a string, and a string has no `_zod`, which every `ZodPipe` has: no
 * program whose types hold could have stored it where `.transform` returns a `ZodPipe`. So a
 * function is dropped from a call's targets when every type it may return lacks a property that
 * the member's declared return type requires (for each of the member's signatures). Only the
 * presence of property names is compared, never their types, so type arguments and the member's
 * parameters (where casts such as `h as (p: unknown) => void` lie most) play no part; a return
 * type that says nothing (`any`, `unknown`, `void`, a bare type parameter, a conditional type)
 * drops nothing. What this trusts is the same as the type-based dispatch of class methods
 * (`methodFits`): a receiver's declared member says what can be stored there; a function that
 * got there through `as unknown as` with a return type the member cannot have is not followed.
 */
import ts from 'typescript';
import type { FunctionNode } from './inventory';

export interface ReturnFit {
  /** `fn` cannot be a value of a member declared with type `member` (`Schema['transform']`). */
  cannotBe(fn: FunctionNode, member: ts.Type): boolean;
}

/** `strictNullChecks`, on by itself or through `strict`: without it `undefined` fits any return type. */
export const strictNullChecks = (o: ts.CompilerOptions): boolean => o.strictNullChecks ?? !!o.strict;

export function returnFit(checker: ts.TypeChecker, strictNulls: boolean): ReturnFit {
  /** Per function, per member type: whether it is ruled out. */
  const memo = new Map<FunctionNode, Map<ts.Type, boolean>>();
  /** The property names each declared return type requires (undefined: it says nothing). */
  const required = new Map<ts.Type, string[][] | undefined>();
  const returns = new Map<FunctionNode, ts.Type[] | undefined>();

  return {
    cannotBe(fn, member) {
      let byMember = memo.get(fn);
      if (!byMember) memo.set(fn, (byMember = new Map()));
      let out = byMember.get(member);
      if (out === undefined) byMember.set(member, (out = ruledOut(fn, member)));
      return out;
    },
  };

  function ruledOut(fn: FunctionNode, member: ts.Type): boolean {
    if (member.flags & (ts.TypeFlags.Any | ts.TypeFlags.Unknown)) return false;
    const signatures = checker.getNonNullableType(member).getCallSignatures();
    if (!signatures.length) return false;
    const sources = returnTypesOf(fn);
    if (!sources) return false;
    return signatures.every((sig) => {
      const target = requiredOf(sig.getReturnType());
      // each way the member may return (a union's parts) needs a name every source lacks
      return !!target && target.every((names) => sources.every((s) => names.some((n) => !hasProperty(s, n))));
    });
  }

  /** The parts of what `fn` returns, or undefined if one of them could have any property. */
  function returnTypesOf(fn: FunctionNode): ts.Type[] | undefined {
    if (returns.has(fn)) return returns.get(fn);
    const sig = checker.getSignatureFromDeclaration(fn);
    const t = sig && checker.getReturnTypeOfSignature(sig);
    const parts = t ? (t.isUnion() ? t.types : [t]) : [];
    const open = (p: ts.Type) =>
      p.flags & (ts.TypeFlags.Any | ts.TypeFlags.Unknown | ts.TypeFlags.Never | ts.TypeFlags.TypeVariable) ||
      (!strictNulls && p.flags & (ts.TypeFlags.Undefined | ts.TypeFlags.Null | ts.TypeFlags.Void));
    const out = t && !parts.some(open) ? parts : undefined;
    returns.set(fn, out);
    return out;
  }

  /** For each part of a declared return type, the names it requires; undefined if a part requires none it can name. */
  function requiredOf(t: ts.Type): string[][] | undefined {
    if (required.has(t)) return required.get(t);
    const out: string[][] = [];
    for (let part of t.isUnion() ? t.types : [t]) {
      // `this` and `T extends Schema`: whatever they are, they have their constraint's members
      if (part.flags & ts.TypeFlags.TypeParameter) part = checker.getBaseConstraintOfType(part) ?? part;
      const names =
        part.flags & ts.TypeFlags.Object || part.flags & ts.TypeFlags.Intersection
          ? checker
              .getPropertiesOfType(part)
              .filter((p) => !(p.flags & ts.SymbolFlags.Optional))
              .map((p) => p.name)
          : [];
      if (!names.length) {
        required.set(t, undefined);
        return undefined;
      }
      out.push(names);
    }
    required.set(t, out);
    return out;
  }

  /** Whether `t` may have a property `name`: declared, or under an index signature (`string`'s `[i: number]`). */
  function hasProperty(t: ts.Type, name: string): boolean {
    const apparent = checker.getApparentType(t);
    if (checker.getPropertyOfType(apparent, name)) return true;
    return checker
      .getIndexInfosOfType(apparent)
      .some((info) => !(info.keyType.flags & ts.TypeFlags.NumberLike) || String(Number(name)) === name);
  }
}
