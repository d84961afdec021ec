/**
 * Which async functions become sync: to a fixed point, those whose every `await` is directly on
 * a call of an adopted function, that await at least one, and whose every use adopt can see is an
 * awaited call. The others that call an adopted function are kept, with the first reason found.
 *
 * ```ts
 * async function a(id) { return (await q(id)).x; }        // made sync: a(id) returns q(id).x
 * async function b() { return Promise.all([q(1), q(2)]); } // kept: returns a promise on purpose
 * async function c() { await a(1); await sleep(5); }        // kept: awaits sleep(…), which is not adopted
 * ```
 */
import ts from '../ts';
import { anonymousReason, whyKept } from './reasons';
import { asyncFunctions, ownNodes, type Target, targetOf } from './targets';
import { callOf, usesOf } from './uses';
import { label } from './words';

export interface Kept {
  node: ts.Node;
  reason: string;
}

export interface Decision {
  /** Functions made sync, in the order they were found (callees before their callers). */
  adopted: Target[];
  kept: Kept[];
}

export function decide(checker: ts.TypeChecker, files: readonly ts.SourceFile[], leaves: readonly Target[]): Decision {
  const fns = asyncFunctions(files);
  const targets = fns.flatMap((fn) => targetOf(checker, fn) ?? []);
  const leafSymbols = new Set(leaves.map((l) => l.symbol));
  const candidates = targets.filter((t) => !leafSymbols.has(t.symbol));
  const uses = usesOf(checker, files, new Set(candidates.map((t) => t.symbol)));
  const adoptedSymbols = new Set(leafSymbols);
  const adopted: Target[] = [];
  for (let changed = true; changed;) {
    changed = false;
    for (const t of candidates) {
      if (adoptedSymbols.has(t.symbol) || !callsAdopted(checker, t.fn, adoptedSymbols)) continue;
      if (whyKept(checker, t.fn, adoptedSymbols, uses.get(t.symbol) ?? [])) continue;
      adoptedSymbols.add(t.symbol);
      adopted.push(t);
      changed = true;
    }
  }
  const kept: Kept[] = [];
  const targetFns = new Set<ts.Node>(targets.map((t) => t.fn));
  for (const fn of fns) {
    const t = targets.find((x) => x.fn === fn);
    if ((t && adoptedSymbols.has(t.symbol)) || !callsAdopted(checker, fn, adoptedSymbols)) continue;
    const reason = targetFns.has(fn)
      ? whyKept(checker, fn, adoptedSymbols, uses.get(t!.symbol) ?? [])
      : anonymousReason(fn);
    if (reason) kept.push({ node: fn, reason: `${label(fn)} stays async: ${reason}` });
  }
  return { adopted, kept };
}

function callsAdopted(checker: ts.TypeChecker, fn: ts.SignatureDeclaration, adopted: ReadonlySet<ts.Symbol>): boolean {
  return ownNodes(fn).calls.some((c) => callOf(checker, c, adopted));
}
