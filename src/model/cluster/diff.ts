import { isJsonObject, jsonEqual, type JsonObject, type JsonValue } from '../../sim/index.ts';

/** One field a write changed: its path (`spec.replicas`, `metadata.labels["app"]`), old and new value (undefined: absent). */
export interface FieldChange {
  readonly path: string;
  readonly before?: JsonValue;
  readonly after?: JsonValue;
}

/** Metadata the server maintains on every write; showing it would drown what the controller did. */
const BOOKKEEPING = new Set(['resourceVersion', 'managedFields', 'creationTimestamp', 'uid', 'generation']);

/**
 * The fields that differ between two versions of an object, leaf by leaf; lists compare whole. A
 * created object shows each field it was created with; a deleted one shows nothing (its verb says it).
 */
export function fieldChanges(before: JsonObject | undefined, after: JsonObject | undefined): FieldChange[] {
  if (after === undefined) return [];
  const changes: FieldChange[] = [];
  compare(before ?? {}, after, '', changes, true);
  return changes;
}

/** Top-level fields a write cannot change and its description already names. */
const TYPE_FIELDS = new Set(['apiVersion', 'kind']);

function compare(before: JsonValue | undefined, after: JsonValue | undefined, path: string, changes: FieldChange[], top: boolean): void {
  const bothMaps = (isJsonObject(before) || before === undefined) && (isJsonObject(after) || after === undefined);
  if (bothMaps && (before !== undefined || after !== undefined)) {
    const from = before ?? {};
    const to = after ?? {};
    for (const key of [...new Set([...Object.keys(from), ...Object.keys(to)])].sort()) {
      if ((path === 'metadata' && BOOKKEEPING.has(key)) || (top && TYPE_FIELDS.has(key))) continue;
      compare(from[key], to[key], childPath(path, key, top), changes, false);
    }
    return;
  }
  if (jsonEqual(before, after)) return;
  changes.push({ path, ...(before === undefined ? {} : { before }), ...(after === undefined ? {} : { after }) });
}

function childPath(path: string, key: string, top: boolean): string {
  if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(key)) return top || path === '' ? key : `${path}.${key}`;
  return `${path}[${JSON.stringify(key)}]`;
}
