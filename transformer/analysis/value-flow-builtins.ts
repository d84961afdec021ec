/**
 * How the lib's containers move what they hold, for value flow (value-flow-container-calls.ts):
 * one row per method of `Array`, `Map`, `Set` (and their read-only and weak forms, and their
 * iterators). A container the program creates (`[f, g]`, `new Map()`, a rest parameter) is a
 * value of its own, so one array's functions do not reach every other array's readers.
 *
 * ```ts
 * handlers.push(h)             // write:    h ⊆ elements(handlers)
 * handlers.get('x')            // element:  call ⊇ elements(handlers)
 * handlers.filter(ok)          // alias:    call ⊇ handlers (the same elements)
 * handlers.forEach((h) => h()) // callback: h ⊇ elements(handlers)
 * ```
 */
import ts from '../ts';

export interface ContainerMethod {
  /** Arguments stored as elements: indices, or `from` an index on (`push(...items)`). */
  writes?: { indices?: number[]; from?: number };
  /** The call's value holds the receiver's elements (`get`, `pop`, `find`, `at`). */
  element?: boolean;
  /** The call's value is (elements of) the receiver itself (`slice`, `values`, `filter`). */
  alias?: boolean;
  /** Callback arguments get elements as parameters; `returns` says where their results go. */
  callback?: { returns?: 'elements' | 'result' };
}

const CALLBACK = { callback: {} };
const ARRAY: Record<string, ContainerMethod> = {
  push: { writes: { from: 0 } },
  unshift: { writes: { from: 0 } },
  fill: { writes: { indices: [0] } },
  splice: { writes: { from: 2 }, alias: true },
  with: { writes: { indices: [1] }, alias: true },
  toSpliced: { writes: { from: 2 }, alias: true },
  concat: { writes: { from: 0 }, alias: true },
  at: { element: true },
  pop: { element: true },
  shift: { element: true },
  find: { element: true, ...CALLBACK },
  findLast: { element: true, ...CALLBACK },
  reduce: { element: true, callback: { returns: 'result' } },
  reduceRight: { element: true, callback: { returns: 'result' } },
  map: { alias: true, callback: { returns: 'elements' } },
  flatMap: { alias: true, callback: { returns: 'elements' } },
  filter: { alias: true, ...CALLBACK },
  sort: { alias: true, ...CALLBACK },
  toSorted: { alias: true, ...CALLBACK },
  forEach: CALLBACK,
  some: CALLBACK,
  every: CALLBACK,
  findIndex: CALLBACK,
  findLastIndex: CALLBACK,
  slice: { alias: true },
  reverse: { alias: true },
  toReversed: { alias: true },
  flat: { alias: true },
  copyWithin: { alias: true },
  values: { alias: true },
  entries: { alias: true },
  keys: { alias: true },
  [`__@iterator`]: { alias: true },
  next: { element: true },
};
const MAP: Record<string, ContainerMethod> = {
  set: { writes: { indices: [1] } },
  get: { element: true },
  forEach: CALLBACK,
  values: { alias: true },
  entries: { alias: true },
  keys: { alias: true },
  [`__@iterator`]: { alias: true },
};
const SET: Record<string, ContainerMethod> = {
  add: { writes: { indices: [0] } },
  forEach: CALLBACK,
  values: { alias: true },
  entries: { alias: true },
  keys: { alias: true },
  [`__@iterator`]: { alias: true },
};

const TABLE: Record<string, Record<string, ContainerMethod>> = {
  Array: ARRAY,
  ReadonlyArray: ARRAY,
  Map: MAP,
  ReadonlyMap: MAP,
  WeakMap: MAP,
  Set: SET,
  ReadonlySet: SET,
  WeakSet: SET,
  Iterator: ARRAY,
  IterableIterator: ARRAY,
  IteratorObject: ARRAY,
  ArrayIterator: ARRAY,
  MapIterator: ARRAY,
  SetIterator: ARRAY,
};

/** Constructors that make a container: `new Map(entries)`, `new Set(items)`, `new Array(...)`. */
export const CONTAINER_CONSTRUCTORS = new Set(['Map', 'WeakMap', 'Set', 'WeakSet', 'Array']);

/** The row for a call's resolved declaration, if it is a container method of TypeScript's lib. */
export function containerMethod(decl: ts.Declaration | undefined): ContainerMethod | undefined {
  if (!decl || !isLibFile(decl.getSourceFile())) return undefined;
  if (!(ts.isMethodSignature(decl) || ts.isMethodDeclaration(decl)) || !ts.isInterfaceDeclaration(decl.parent))
    return undefined;
  const row = TABLE[decl.parent.name.text];
  if (!row) return undefined;
  const name = ts.isIdentifier(decl.name)
    ? decl.name.text
    : ts.isComputedPropertyName(decl.name)
      ? '__@iterator'
      : undefined;
  return name === undefined || !Object.prototype.hasOwnProperty.call(row, name)
    ? row === ARRAY || row === MAP || row === SET
      ? {}
      : undefined
    : row[name];
}

/** The name of a method the lib declares on interface `owner` (`ArrayConstructor`), if `decl` is one. */
function libMethodOf(decl: ts.Declaration | undefined, owner: string): string | undefined {
  if (!decl || !isLibFile(decl.getSourceFile()) || !ts.isMethodSignature(decl)) return undefined;
  if (!ts.isInterfaceDeclaration(decl.parent) || decl.parent.name.text !== owner) return undefined;
  return ts.isIdentifier(decl.name) ? decl.name.text : undefined;
}

/** `Array.from(items, f?)` and `Array.of(...items)`. */
export function arrayConstructorMethod(decl: ts.Declaration | undefined): 'from' | 'of' | undefined {
  const n = libMethodOf(decl, 'ArrayConstructor');
  return n === 'from' || n === 'of' ? n : undefined;
}

/**
 * `Object`'s own functions: `values`/`entries` (every property), `fromEntries`, those that give
 * back their first argument (`assign`, `freeze`, ...: per-name fields need nothing more), and the
 * rest, which keep nothing (`keys`, `create`, `getPrototypeOf`, ...).
 */
export function objectConstructorMethod(
  decl: ts.Declaration | undefined,
): 'values' | 'entries' | 'fromEntries' | 'first' | 'none' | undefined {
  const n = libMethodOf(decl, 'ObjectConstructor');
  if (n === undefined) return undefined;
  if (n === 'values' || n === 'entries' || n === 'fromEntries') return n;
  return [
    'assign',
    'freeze',
    'seal',
    'preventExtensions',
    'defineProperty',
    'defineProperties',
    'setPrototypeOf',
  ].includes(n)
    ? 'first'
    : 'none';
}

export function isLibFile(file: ts.SourceFile): boolean {
  return file.isDeclarationFile && /[\\/]typescript[\\/]lib[\\/]lib\.[^\\/]*\.d\.ts$/.test(file.fileName);
}
