/**
 * The values and locations of value flow (value-flow.ts). Values are the program's functions,
 * `SUSPENDS` (any value whose type carries the `Synchronized` brand, or an `@synchronize` method)
 * and containers (an array, Map or Set the program makes, with elements of its own; see
 * value-flow-builtins.ts). Locations:
 *
 * | location            | holds                                                             |
 * |---------------------|-------------------------------------------------------------------|
 * | a symbol            | a variable, parameter, binding element, function declaration     |
 * | `.name`             | every property `name` of every object (writes, literals, methods) |
 * | `.*`, `.*read`      | written under a key that cannot be bounded; read under one        |
 * | `.[]`               | what code outside the program was given (the `outside` container) |
 * | elements of c       | what container `c` holds                                          |
 * | return of f         | what `f` returns                                                  |
 * | an expression       | what it evaluates to                                              |
 */
import ts from '../ts';
import type { FunctionNode } from './inventory';
import type { KeyedCall } from './value-flow-keys';

/** A value whose calls suspend: a synchronized function, however it got here. */
export const SUSPENDS = 'suspends' as const;
export type FlowValue = FunctionNode | typeof SUSPENDS;

/**
 * "Whatever `of` holds", as one value. Two locations are read all over a program: every name's
 * values (`o[k]` with `k: string`, `Object.values(o)` of a generic `o`) and what code outside
 * holds (a library call's result, a callback's parameters, `catch (e)`). Copying their values
 * into each reader, and on from there through generic helpers, cost most of the solver's steps
 * on large programs; a `Ref` travels instead, and only a location that uses what it holds
 * (calls, iterates, destructures or hands it on) takes the values themselves (`subscribe`).
 */
export class Ref {
  constructor(readonly of: Location) {}
}

/** An array, Map or Set the program makes (at `site`), or a rest parameter's or `arguments`' array. */
export class Container {
  constructor(
    readonly site: ts.Node | undefined,
    readonly elements = new Location(),
  ) {}
}
export type Value = FlowValue | Container | Ref;

/** What a location holds until a value arrives: most never get one (~80% on bench/compile's project). */
const NO_VALUES: ReadonlySet<Value> = new Set();

export class Location {
  /** What has arrived here; one shared empty set until the first value (`hold`). */
  values: ReadonlySet<Value> = NO_VALUES;
  /** Where what arrives here flows on to (made on the first edge: most locations have none). */
  to?: Set<Location>;
  /**
   * The calls through this location, merged: every call through one location has the same
   * targets, so its arguments go to one place per position and its result comes from one, and a
   * function arriving here is bound once (not once per call: calls × functions edges blew up).
   */
  summary?: CallSummary;
  /** Handed to code outside the program as a callback: what arrives is called there with `.[]`. */
  givenOutside = false;
  /** Where the elements of containers arriving here are read into (`for (x of here)`, `here.get()`). */
  elementReaders?: Location[];
  /** What is stored into the containers arriving here (`here.push(v)`). */
  elementWriters?: Location[];
  /** Array patterns over what arrives here: a container gives its elements, a function itself (a Map entry). */
  patternReaders?: Location[];
  /** Functions arriving here are called back by a container method (`xs.forEach(here)`). */
  callbacks?: Array<(f: FunctionNode) => void>;
  /** Handed to code outside the program as data: a container arriving here is shared with it. */
  escapes = false;
  /** Typed as a primitive (see `primitiveTyped`): holds no function, whatever flows in. */
  constructor(readonly closed = false) {}
  /** A member a call reads (`memberCallee`): the functions it can hold (return-fit.ts); undefined: any. */
  admits?: (f: FunctionNode) => boolean;

  /** Keeps a value that arrived (the solver's one write). */
  hold(v: Value): void {
    if (this.values === NO_VALUES) this.values = new Set([v]);
    else (this.values as Set<Value>).add(v);
  }
}

/** The calls through one location, merged (see `Location.summary`); keys read `KeyedCall`'s part. */
export interface CallSummary extends KeyedCall {
  args: Location[];
  /** The elements spread into the positions from `spreadFrom` on. */
  spread: Location;
  result: Location;
}

export function isFunction(v: Value): v is FunctionNode {
  return v !== SUSPENDS && !(v instanceof Ref) && !(v instanceof Container);
}

/**
 * What the models of property access and of calls (value-flow-fields.ts, value-flow-calls.ts) ask
 * of the syntax walk that builds them (value-flow-walk.ts): they import only this, so they and the
 * walk form no cycle (as the emitters and rewrite/rewriter.ts).
 */
export interface FlowWalker {
  /** The value of an expression (its location), with the constraints of its parts; `fn` is the innermost function. */
  valueOf(e: ts.Expression, fn: FunctionNode | undefined): Location;
  /** Walks statements and declarations. */
  visit(node: ts.Node, fn: FunctionNode | undefined): void;
}
