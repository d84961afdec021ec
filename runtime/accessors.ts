/**
 * Getters and setters that may suspend. The access site does not know which accessor runs (a
 * subclass may override it plainly), so it asks at run time: the accessor found on the
 * prototype chain delegates to its twin if it has one. The emitted forms (`accessorTwins` on the
 * class, `getProperty` / `setProperty` at the access) are in `protocol.ts`'s table.
 */
import { setTwin, Twin, twinOf } from './protocol';

function findDescriptor(obj: unknown, key: PropertyKey): PropertyDescriptor | undefined {
  for (let o: object | null = Object(obj); o; o = Object.getPrototypeOf(o)) {
    const d = Object.getOwnPropertyDescriptor(o, key);
    if (d) return d;
  }
  return undefined;
}

/** `obj[key]`, through the getter's twin when it has one. */
export function* getProperty(obj: any, key: PropertyKey): Generator<unknown, unknown, unknown> {
  if (obj === null || obj === undefined) return obj[key]; // the native TypeError
  const twin = twinOf(findDescriptor(obj, key)?.get);
  return twin ? yield* twin.call(obj) : obj[key];
}

/** `obj[key] = value` (whose value is `value`), through the setter's twin when it has one. */
export function* setProperty(obj: any, key: PropertyKey, value: unknown): Generator<unknown, unknown, unknown> {
  if (obj === null || obj === undefined) return (obj[key] = value);
  const twin = twinOf(findDescriptor(obj, key)?.set);
  if (twin) yield* twin.call(obj, value);
  else obj[key] = value;
  return value;
}

/** Hangs the twins (generator methods under `getKey`/`setKey`) on the accessor `key` of `target`. */
export function accessorTwins<T extends object>(target: T, key: string, getKey?: symbol, setKey?: symbol): T {
  const d = Object.getOwnPropertyDescriptor(target, key);
  if (d?.get && getKey) setTwin(d.get, (target as any)[getKey] as Twin, d.get.name);
  if (d?.set && setKey) setTwin(d.set, (target as any)[setKey] as Twin, d.set.name);
  // On an object literal the twins are own enumerable properties: spread and Object.assign
  // would copy them. They stay reachable by their symbols only.
  for (const k of [getKey, setKey]) {
    if (k && Object.getOwnPropertyDescriptor(target, k)?.enumerable)
      Object.defineProperty(target, k, { enumerable: false });
  }
  return target;
}
