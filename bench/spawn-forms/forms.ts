/**
 * Three shapes real programs have, compiled by `tspc` with the transformer (so the greenlet side
 * runs exactly what users get), each beside the same program in async/await, which
 * `bench/runtime.ts` times and `bench/instructions.ts` counts (issue 16):
 *
 * - `spawnRecursive`: a greenlet spawned per call, `chain(d)` self-recursive (records on the
 *   recursive edge), against `await nativeChain(d)`;
 * - `spawnDistinct`: a greenlet spawned per call of `c{100-d}`, distinct functions down to `c99`
 *   (`yield*` edges, a record every 11th), against `await n{100-d}()`;
 * - `viaValue`: one greenlet whose loop enters the distinct chain through a function value
 *   (`__tsg.dispatch(entry)`), against an async loop that awaits the same value's native twin.
 *
 * The leaf waits on a new resolved promise (`awaitSync(Promise.resolve(1))`), as the chains of
 * `runtime-forms.ts` do. The `c` and `n` chains at the end are written out one function a line.
 */
import { awaitSync, spawnGreenlet } from 'ts-greenlet';

// ---- a greenlet per call, a self-recursive chain ----------------------------------------------

function chain(d: number): number {
  if (d === 1) return awaitSync(Promise.resolve(1));
  return chain(d - 1) + 0;
}
async function nativeChain(d: number): Promise<number> {
  if (d === 1) return await Promise.resolve(1);
  return (await nativeChain(d - 1)) + 0;
}
export async function spawnRecursive(n: number, d: number): Promise<number> {
  let sum = 0;
  for (let i = 0; i < n; i++) sum += await spawnGreenlet(chain, d);
  return sum;
}
export async function nativeRecursive(n: number, d: number): Promise<number> {
  let sum = 0;
  for (let i = 0; i < n; i++) sum += await nativeChain(d);
  return sum;
}

// ---- a greenlet per call, distinct functions c0 -> c1 -> ... -> c99 ----------------------------

/** The entry of a chain of depth d (1, 10 or 100): c{100-d}, and its native twin n{100-d}. */
function entryOf(d: number): () => number {
  return d === 1 ? c99 : d === 10 ? c90 : c0;
}
function nativeEntryOf(d: number): () => Promise<number> {
  return d === 1 ? n99 : d === 10 ? n90 : n0;
}

export async function spawnDistinct(n: number, d: number): Promise<number> {
  const entry = entryOf(d);
  let sum = 0;
  for (let i = 0; i < n; i++) sum += await spawnGreenlet(entry);
  return sum;
}
export async function nativeDistinct(n: number, d: number): Promise<number> {
  const entry = nativeEntryOf(d);
  let sum = 0;
  for (let i = 0; i < n; i++) sum += await entry();
  return sum;
}

// ---- one greenlet, the chain entered through a function value ----------------------------------

function viaValueLoop(n: number, d: number): number {
  const entry = entryOf(d);
  let sum = 0;
  for (let i = 0; i < n; i++) sum += entry();
  return sum;
}
export function viaValue(n: number, d: number): Promise<number> {
  return spawnGreenlet(viaValueLoop, n, d);
}
export async function nativeViaValue(n: number, d: number): Promise<number> {
  const entry = nativeEntryOf(d);
  let sum = 0;
  for (let i = 0; i < n; i++) sum += await entry();
  return sum;
}

// ---- the chains (generated) --------------------------------------------------------------------

function c0(): number {
  return c1() + 0;
}
function c1(): number {
  return c2() + 0;
}
function c2(): number {
  return c3() + 0;
}
function c3(): number {
  return c4() + 0;
}
function c4(): number {
  return c5() + 0;
}
function c5(): number {
  return c6() + 0;
}
function c6(): number {
  return c7() + 0;
}
function c7(): number {
  return c8() + 0;
}
function c8(): number {
  return c9() + 0;
}
function c9(): number {
  return c10() + 0;
}
function c10(): number {
  return c11() + 0;
}
function c11(): number {
  return c12() + 0;
}
function c12(): number {
  return c13() + 0;
}
function c13(): number {
  return c14() + 0;
}
function c14(): number {
  return c15() + 0;
}
function c15(): number {
  return c16() + 0;
}
function c16(): number {
  return c17() + 0;
}
function c17(): number {
  return c18() + 0;
}
function c18(): number {
  return c19() + 0;
}
function c19(): number {
  return c20() + 0;
}
function c20(): number {
  return c21() + 0;
}
function c21(): number {
  return c22() + 0;
}
function c22(): number {
  return c23() + 0;
}
function c23(): number {
  return c24() + 0;
}
function c24(): number {
  return c25() + 0;
}
function c25(): number {
  return c26() + 0;
}
function c26(): number {
  return c27() + 0;
}
function c27(): number {
  return c28() + 0;
}
function c28(): number {
  return c29() + 0;
}
function c29(): number {
  return c30() + 0;
}
function c30(): number {
  return c31() + 0;
}
function c31(): number {
  return c32() + 0;
}
function c32(): number {
  return c33() + 0;
}
function c33(): number {
  return c34() + 0;
}
function c34(): number {
  return c35() + 0;
}
function c35(): number {
  return c36() + 0;
}
function c36(): number {
  return c37() + 0;
}
function c37(): number {
  return c38() + 0;
}
function c38(): number {
  return c39() + 0;
}
function c39(): number {
  return c40() + 0;
}
function c40(): number {
  return c41() + 0;
}
function c41(): number {
  return c42() + 0;
}
function c42(): number {
  return c43() + 0;
}
function c43(): number {
  return c44() + 0;
}
function c44(): number {
  return c45() + 0;
}
function c45(): number {
  return c46() + 0;
}
function c46(): number {
  return c47() + 0;
}
function c47(): number {
  return c48() + 0;
}
function c48(): number {
  return c49() + 0;
}
function c49(): number {
  return c50() + 0;
}
function c50(): number {
  return c51() + 0;
}
function c51(): number {
  return c52() + 0;
}
function c52(): number {
  return c53() + 0;
}
function c53(): number {
  return c54() + 0;
}
function c54(): number {
  return c55() + 0;
}
function c55(): number {
  return c56() + 0;
}
function c56(): number {
  return c57() + 0;
}
function c57(): number {
  return c58() + 0;
}
function c58(): number {
  return c59() + 0;
}
function c59(): number {
  return c60() + 0;
}
function c60(): number {
  return c61() + 0;
}
function c61(): number {
  return c62() + 0;
}
function c62(): number {
  return c63() + 0;
}
function c63(): number {
  return c64() + 0;
}
function c64(): number {
  return c65() + 0;
}
function c65(): number {
  return c66() + 0;
}
function c66(): number {
  return c67() + 0;
}
function c67(): number {
  return c68() + 0;
}
function c68(): number {
  return c69() + 0;
}
function c69(): number {
  return c70() + 0;
}
function c70(): number {
  return c71() + 0;
}
function c71(): number {
  return c72() + 0;
}
function c72(): number {
  return c73() + 0;
}
function c73(): number {
  return c74() + 0;
}
function c74(): number {
  return c75() + 0;
}
function c75(): number {
  return c76() + 0;
}
function c76(): number {
  return c77() + 0;
}
function c77(): number {
  return c78() + 0;
}
function c78(): number {
  return c79() + 0;
}
function c79(): number {
  return c80() + 0;
}
function c80(): number {
  return c81() + 0;
}
function c81(): number {
  return c82() + 0;
}
function c82(): number {
  return c83() + 0;
}
function c83(): number {
  return c84() + 0;
}
function c84(): number {
  return c85() + 0;
}
function c85(): number {
  return c86() + 0;
}
function c86(): number {
  return c87() + 0;
}
function c87(): number {
  return c88() + 0;
}
function c88(): number {
  return c89() + 0;
}
function c89(): number {
  return c90() + 0;
}
function c90(): number {
  return c91() + 0;
}
function c91(): number {
  return c92() + 0;
}
function c92(): number {
  return c93() + 0;
}
function c93(): number {
  return c94() + 0;
}
function c94(): number {
  return c95() + 0;
}
function c95(): number {
  return c96() + 0;
}
function c96(): number {
  return c97() + 0;
}
function c97(): number {
  return c98() + 0;
}
function c98(): number {
  return c99() + 0;
}
function c99(): number {
  return awaitSync(Promise.resolve(1));
}
async function n0(): Promise<number> {
  return (await n1()) + 0;
}
async function n1(): Promise<number> {
  return (await n2()) + 0;
}
async function n2(): Promise<number> {
  return (await n3()) + 0;
}
async function n3(): Promise<number> {
  return (await n4()) + 0;
}
async function n4(): Promise<number> {
  return (await n5()) + 0;
}
async function n5(): Promise<number> {
  return (await n6()) + 0;
}
async function n6(): Promise<number> {
  return (await n7()) + 0;
}
async function n7(): Promise<number> {
  return (await n8()) + 0;
}
async function n8(): Promise<number> {
  return (await n9()) + 0;
}
async function n9(): Promise<number> {
  return (await n10()) + 0;
}
async function n10(): Promise<number> {
  return (await n11()) + 0;
}
async function n11(): Promise<number> {
  return (await n12()) + 0;
}
async function n12(): Promise<number> {
  return (await n13()) + 0;
}
async function n13(): Promise<number> {
  return (await n14()) + 0;
}
async function n14(): Promise<number> {
  return (await n15()) + 0;
}
async function n15(): Promise<number> {
  return (await n16()) + 0;
}
async function n16(): Promise<number> {
  return (await n17()) + 0;
}
async function n17(): Promise<number> {
  return (await n18()) + 0;
}
async function n18(): Promise<number> {
  return (await n19()) + 0;
}
async function n19(): Promise<number> {
  return (await n20()) + 0;
}
async function n20(): Promise<number> {
  return (await n21()) + 0;
}
async function n21(): Promise<number> {
  return (await n22()) + 0;
}
async function n22(): Promise<number> {
  return (await n23()) + 0;
}
async function n23(): Promise<number> {
  return (await n24()) + 0;
}
async function n24(): Promise<number> {
  return (await n25()) + 0;
}
async function n25(): Promise<number> {
  return (await n26()) + 0;
}
async function n26(): Promise<number> {
  return (await n27()) + 0;
}
async function n27(): Promise<number> {
  return (await n28()) + 0;
}
async function n28(): Promise<number> {
  return (await n29()) + 0;
}
async function n29(): Promise<number> {
  return (await n30()) + 0;
}
async function n30(): Promise<number> {
  return (await n31()) + 0;
}
async function n31(): Promise<number> {
  return (await n32()) + 0;
}
async function n32(): Promise<number> {
  return (await n33()) + 0;
}
async function n33(): Promise<number> {
  return (await n34()) + 0;
}
async function n34(): Promise<number> {
  return (await n35()) + 0;
}
async function n35(): Promise<number> {
  return (await n36()) + 0;
}
async function n36(): Promise<number> {
  return (await n37()) + 0;
}
async function n37(): Promise<number> {
  return (await n38()) + 0;
}
async function n38(): Promise<number> {
  return (await n39()) + 0;
}
async function n39(): Promise<number> {
  return (await n40()) + 0;
}
async function n40(): Promise<number> {
  return (await n41()) + 0;
}
async function n41(): Promise<number> {
  return (await n42()) + 0;
}
async function n42(): Promise<number> {
  return (await n43()) + 0;
}
async function n43(): Promise<number> {
  return (await n44()) + 0;
}
async function n44(): Promise<number> {
  return (await n45()) + 0;
}
async function n45(): Promise<number> {
  return (await n46()) + 0;
}
async function n46(): Promise<number> {
  return (await n47()) + 0;
}
async function n47(): Promise<number> {
  return (await n48()) + 0;
}
async function n48(): Promise<number> {
  return (await n49()) + 0;
}
async function n49(): Promise<number> {
  return (await n50()) + 0;
}
async function n50(): Promise<number> {
  return (await n51()) + 0;
}
async function n51(): Promise<number> {
  return (await n52()) + 0;
}
async function n52(): Promise<number> {
  return (await n53()) + 0;
}
async function n53(): Promise<number> {
  return (await n54()) + 0;
}
async function n54(): Promise<number> {
  return (await n55()) + 0;
}
async function n55(): Promise<number> {
  return (await n56()) + 0;
}
async function n56(): Promise<number> {
  return (await n57()) + 0;
}
async function n57(): Promise<number> {
  return (await n58()) + 0;
}
async function n58(): Promise<number> {
  return (await n59()) + 0;
}
async function n59(): Promise<number> {
  return (await n60()) + 0;
}
async function n60(): Promise<number> {
  return (await n61()) + 0;
}
async function n61(): Promise<number> {
  return (await n62()) + 0;
}
async function n62(): Promise<number> {
  return (await n63()) + 0;
}
async function n63(): Promise<number> {
  return (await n64()) + 0;
}
async function n64(): Promise<number> {
  return (await n65()) + 0;
}
async function n65(): Promise<number> {
  return (await n66()) + 0;
}
async function n66(): Promise<number> {
  return (await n67()) + 0;
}
async function n67(): Promise<number> {
  return (await n68()) + 0;
}
async function n68(): Promise<number> {
  return (await n69()) + 0;
}
async function n69(): Promise<number> {
  return (await n70()) + 0;
}
async function n70(): Promise<number> {
  return (await n71()) + 0;
}
async function n71(): Promise<number> {
  return (await n72()) + 0;
}
async function n72(): Promise<number> {
  return (await n73()) + 0;
}
async function n73(): Promise<number> {
  return (await n74()) + 0;
}
async function n74(): Promise<number> {
  return (await n75()) + 0;
}
async function n75(): Promise<number> {
  return (await n76()) + 0;
}
async function n76(): Promise<number> {
  return (await n77()) + 0;
}
async function n77(): Promise<number> {
  return (await n78()) + 0;
}
async function n78(): Promise<number> {
  return (await n79()) + 0;
}
async function n79(): Promise<number> {
  return (await n80()) + 0;
}
async function n80(): Promise<number> {
  return (await n81()) + 0;
}
async function n81(): Promise<number> {
  return (await n82()) + 0;
}
async function n82(): Promise<number> {
  return (await n83()) + 0;
}
async function n83(): Promise<number> {
  return (await n84()) + 0;
}
async function n84(): Promise<number> {
  return (await n85()) + 0;
}
async function n85(): Promise<number> {
  return (await n86()) + 0;
}
async function n86(): Promise<number> {
  return (await n87()) + 0;
}
async function n87(): Promise<number> {
  return (await n88()) + 0;
}
async function n88(): Promise<number> {
  return (await n89()) + 0;
}
async function n89(): Promise<number> {
  return (await n90()) + 0;
}
async function n90(): Promise<number> {
  return (await n91()) + 0;
}
async function n91(): Promise<number> {
  return (await n92()) + 0;
}
async function n92(): Promise<number> {
  return (await n93()) + 0;
}
async function n93(): Promise<number> {
  return (await n94()) + 0;
}
async function n94(): Promise<number> {
  return (await n95()) + 0;
}
async function n95(): Promise<number> {
  return (await n96()) + 0;
}
async function n96(): Promise<number> {
  return (await n97()) + 0;
}
async function n97(): Promise<number> {
  return (await n98()) + 0;
}
async function n98(): Promise<number> {
  return (await n99()) + 0;
}
async function n99(): Promise<number> {
  return await Promise.resolve(1);
}
