/** JSON values as the API server stores and serves them. */
export type JsonValue = null | boolean | number | string | JsonValue[] | JsonObject;
export interface JsonObject {
  [key: string]: JsonValue;
}

export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A deep copy of plain JSON data (several times faster than structuredClone for JSON). */
export function cloneJson<T extends JsonValue>(value: T): T {
  if (typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) return value.map(cloneJson) as T;
  const copy: JsonObject = {};
  for (const key in value) copy[key] = cloneJson((value as JsonObject)[key] as JsonValue);
  return copy as T;
}

/** Structural equality of JSON values; key order does not matter. */
export function jsonEqual(a: JsonValue | undefined, b: JsonValue | undefined): boolean {
  if (a === b) return true;
  if (a === null || b === null || a === undefined || b === undefined) return false;
  if (typeof a !== 'object' || typeof b !== 'object') return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    return a.every((item, index) => jsonEqual(item, b[index]));
  }
  if (Array.isArray(b)) return false;
  const aKeys = Object.keys(a);
  if (aKeys.length !== Object.keys(b).length) return false;
  return aKeys.every((key) => key in b && jsonEqual(a[key], b[key]));
}

/**
 * The same value with object keys sorted, so equal objects serialise to equal text (the Go API
 * server serialises maps sorted, too). Parts already sorted are returned as they are, not copied.
 */
export function sortKeys<T extends JsonValue>(value: T): T {
  if (Array.isArray(value)) {
    let copy: JsonValue[] | undefined;
    for (let index = 0; index < value.length; index += 1) {
      const item = value[index] as JsonValue;
      const sorted = sortKeys(item);
      if (sorted !== item) copy ??= value.slice();
      if (copy) copy[index] = sorted;
    }
    return (copy ?? value) as T;
  }
  if (!isJsonObject(value)) return value;
  const keys = Object.keys(value);
  let changed = false;
  const children: JsonValue[] = [];
  for (let index = 0; index < keys.length; index += 1) {
    const key = keys[index] as string;
    if (index > 0 && (keys[index - 1] as string) > key) changed = true;
    const child = value[key] as JsonValue;
    const sorted = sortKeys(child);
    if (sorted !== child) changed = true;
    children.push(sorted);
  }
  if (!changed) return value;
  const order = keys.map((key, index) => [key, children[index] as JsonValue] as const).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const result: JsonObject = {};
  for (const [key, child] of order) result[key] = child;
  return result as T;
}

/** The strings of a JSON list (anything else: none). */
export function stringList(value: JsonValue | undefined): string[] {
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : [];
}
