import { cloneJson, isJsonObject, type JsonObject, type JsonValue } from '../json.ts';

/**
 * Applies an RFC 7386 JSON merge patch: `null` deletes a key, objects merge recursively, anything else
 * (lists included) replaces. Never mutates its inputs.
 *
 * Like the apiserver's library (evanphx/json-patch), values taken over from the patch lose their `null`
 * members at every depth, also inside objects within lists; `null` list elements stay.
 */
export function applyMergePatch(target: JsonValue | undefined, patch: JsonValue): JsonValue {
  if (!isJsonObject(patch)) return withoutNullMembers(patch);
  const merged: JsonObject = isJsonObject(target) ? cloneJson(target) : {};
  mergeInto(merged, patch);
  return merged;
}

function mergeInto(target: JsonObject, patch: JsonObject): void {
  for (const [key, value] of Object.entries(patch)) {
    const current = target[key];
    if (value === null) delete target[key];
    else if (isJsonObject(value) && isJsonObject(current)) mergeInto(current, value);
    else target[key] = withoutNullMembers(value);
  }
}

/** A copy of a patch value without the `null` members of its objects. */
function withoutNullMembers(value: JsonValue): JsonValue {
  if (Array.isArray(value)) return value.map(withoutNullMembers);
  if (!isJsonObject(value)) return value;
  const copy: JsonObject = {};
  for (const [key, member] of Object.entries(value)) {
    if (member !== null) copy[key] = withoutNullMembers(member);
  }
  return copy;
}
