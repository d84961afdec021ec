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
import ts from '../ts';
import type { FunctionNode } from './inventory';

export interface ReturnFit {
  /**
   * What a member declared with type `member` (`Schema['transform']`) requires of what it returns,
   * one object per distinct requirement (members that require the same share it); undefined
   * when it can rule nothing out (it may return `void`, `any`, a primitive, a type parameter).
   */
  requirementOf(member: ts.Type): Requirement | undefined;
  /** `fn` cannot return what the requirement asks for. */
  cannotMeet(fn: FunctionNode, req: Requirement): boolean;
}

/** Per call signature, per part of its return type: the property names that part requires. */
export interface Requirement {
  readonly signatures: string[][][];
}

/** `strictNullChecks`, on by itself or through `strict`: without it `undefined` fits any return type. */
export const strictNullChecks = (o: ts.CompilerOptions): boolean => o.strictNullChecks ?? !!o.strict;

export function returnFit(checker: ts.TypeChecker, strictNulls: boolean): ReturnFit {
  const byMember = new Map<ts.Type, Requirement | undefined>();
  const byKey = new Map<string, Requirement>();
  const memo = new Map<Requirement, Map<FunctionNode, boolean>>();
  /** The property names each declared return type requires (undefined: it says nothing). */
  const required = new Map<ts.Type, string[][] | undefined>();
  const returns = new Map<FunctionNode, ts.Type[] | undefined>();

  return {
    requirementOf(member) {
      if (byMember.has(member)) return byMember.get(member);
      const req = requirement(member);
      byMember.set(member, req);
      return req;
    },
    cannotMeet(fn, req) {
      let byFn = memo.get(req);
      if (!byFn) memo.set(req, (byFn = new Map()));
      let out = byFn.get(fn);
      if (out === undefined) byFn.set(fn, (out = ruledOut(fn, req)));
      return out;
    },
  };

  function requirement(member: ts.Type): Requirement | undefined {
    if (member.flags & (ts.TypeFlags.Any | ts.TypeFlags.Unknown)) return undefined;
    const signatures: string[][][] = [];
    for (const sig of checker.getNonNullableType(member).getCallSignatures()) {
      const names = requiredOf(sig.getReturnType());
      if (!names) return undefined;
      signatures.push(names);
    }
    if (!signatures.length) return undefined;
    const key = JSON.stringify(signatures);
    let req = byKey.get(key);
    if (!req) byKey.set(key, (req = { signatures }));
    return req;
  }

  function ruledOut(fn: FunctionNode, req: Requirement): boolean {
    const sources = returnTypesOf(fn);
    // each way the member may return (a signature, a union's part) needs a name every source lacks
    return (
      !!sources &&
      req.signatures.every((target) =>
        target.every((names) => sources.every((s) => names.some((n) => !hasProperty(s, n)))),
      )
    );
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
              .sort()
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
