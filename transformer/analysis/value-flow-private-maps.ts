/**
 * `this.#handlers[event]` where `#handlers = {}` is only ever indexed (never read whole, passed
 * on or reassigned): an object no other code can reach, so its keys are its own fields, not the
 * program's fields of those names (value-flow-fields.ts). Read under any key, it gives what was
 * written into it, not every field of the program (an exported `emit` no call reaches takes any
 * event name).
 *
 * ```ts
 * class Bus { #on = {}; on(e, h) { this.#on[e] = h; } emit(e) { this.#on[e](); } }
 * // h ⊆ #on's field e (for the keys e takes), and emit reads only what #on holds
 * ```
 */
import ts from '../ts';
import { skipParens } from './inventory';
import { Location } from './value-flow-model';
import { FlowSolver } from './value-flow-solver';

/** An object only ever indexed, held by a private field (`privateMapOf`): its own fields, and what any key reads. */
export interface PrivateMap {
  /** Everything written into it: what a read under any key gets. */
  all: Location;
  /** Written under keys that cannot be bounded: a read under any name gets it too. */
  unbounded: Location;
  field(name: string): Location;
}

export class PrivateMaps {
  /** Private fields that hold a map of their class's own (`privateMapOf`), by declaration. */
  private readonly maps = new Map<ts.Node, PrivateMap | null>();

  constructor(
    private readonly solver: FlowSolver,
    private readonly checker: ts.TypeChecker,
  ) {}

  /** The map `e` reads, if it is `this.#x` of such a field. */
  privateMapOf(e: ts.Expression): PrivateMap | undefined {
    e = skipParens(e);
    if (!ts.isPropertyAccessExpression(e) || !ts.isPrivateIdentifier(e.name)) return undefined;
    const sym = this.checker.getSymbolAtLocation(e.name);
    const decl = sym?.valueDeclaration;
    if (!sym || !decl || !ts.isPropertyDeclaration(decl)) return undefined;
    let map = this.maps.get(decl);
    if (map === undefined) {
      map = this.isPrivateMap(sym, decl) ? this.newPrivateMap() : null;
      this.maps.set(decl, map);
    }
    return map ?? undefined;
  }

  /** What every map holds (a direct `eval` in a class body may index them). */
  contents(): Location[] {
    return [...this.maps.values()].flatMap((m) => (m ? [m.all] : []));
  }

  private isPrivateMap(sym: ts.Symbol, decl: ts.PropertyDeclaration): boolean {
    let init = decl.initializer && skipParens(decl.initializer);
    while (init && (ts.isAsExpression(init) || ts.isSatisfiesExpression(init))) init = skipParens(init.expression);
    if (!init || !ts.isObjectLiteralExpression(init) || init.properties.length) return false;
    let indexedOnly = true;
    const walk = (n: ts.Node): void => {
      if (!indexedOnly) return;
      if (ts.isPrivateIdentifier(n) && n !== decl.name && this.checker.getSymbolAtLocation(n) === sym) {
        const access = n.parent;
        let use: ts.Node = access;
        while (ts.isParenthesizedExpression(use.parent)) use = use.parent;
        if (
          !ts.isPropertyAccessExpression(access) ||
          !ts.isElementAccessExpression(use.parent) ||
          use.parent.expression !== use
        )
          indexedOnly = false;
      }
      ts.forEachChild(n, walk);
    };
    walk(decl.parent);
    return indexedOnly;
  }

  private newPrivateMap(): PrivateMap {
    const solver = this.solver;
    const all = new Location();
    const unbounded = new Location();
    solver.edge(unbounded, all);
    const fields = new Map<string, Location>();
    return {
      all,
      unbounded,
      field(k) {
        let l = fields.get(k);
        if (!l) {
          fields.set(k, (l = new Location()));
          solver.edge(l, all);
        }
        return l;
      },
    };
  }
}
