import { cloneJson, isJsonObject, type JsonObject, type JsonValue } from '../json.ts';
import type { ListType, ListTypes } from '../list-types.ts';
import { badRequest, genericInvalid, unclassifiedError } from '../status.ts';

// This follows the apply half of apimachinery's strategicpatch (mergeMap and friends) step by step, because
// clients observe its quirks: new items of a merging list come before the existing ones unless a
// $setElementOrder says otherwise, `$patch: delete` in a map leaves `{}`, `$patch: merge` in a map is an error.
// Where apimachinery hands a patch value over verbatim, this module drops its nulls and directives, which the
// apiserver's decoding into a typed object does for it.

const DIRECTIVE = '$patch';
const RETAIN_KEYS = '$retainKeys';
const DELETE_FROM_PRIMITIVE_LIST = '$deleteFromPrimitiveList';
const SET_ELEMENT_ORDER = '$setElementOrder';

const MAP_TYPE = 'map[string]interface {}';
const LIST_TYPE = '[]interface {}';

/** Whether list elements are objects (merged by key) or primitives (merged as a set). */
type ElementKind = 'map' | 'primitive';

/**
 * Applies a strategic merge patch the way the apiserver does for built-in kinds, looking up how each list
 * merges in `listTypes`. Errors are the apiserver's: malformed directives are 400s, a list of lists a 422,
 * anything else it cannot apply a 500. Never mutates its inputs.
 */
export function applyStrategicMergePatch(original: JsonObject, patch: JsonObject, listTypes: ListTypes): JsonObject {
  return mergeMap(cloneJson(original), cloneJson(patch), [], listTypes);
}

// ---- maps

function mergeMap(original: JsonObject, patch: JsonObject, path: readonly string[], listTypes: ListTypes): JsonObject {
  if (Object.hasOwn(patch, DIRECTIVE)) return applyMapDirective(patch);
  retainKeys(original, patch);
  applyElementOrders(original, patch, path, listTypes);
  for (const [field, value] of Object.entries(patch)) mergeField(original, field, value, path, listTypes);
  return original;
}

function applyMapDirective(patch: JsonObject): JsonObject {
  const directive = patch[DIRECTIVE];
  if (directive === 'delete') return {};
  if (directive !== 'replace') throw unknownPatchType(directive, patch);
  delete patch[DIRECTIVE];
  return sanitizedMap(patch);
}

function retainKeys(original: JsonObject, patch: JsonObject): void {
  if (!Object.hasOwn(patch, RETAIN_KEYS)) return;
  const retained = patch[RETAIN_KEYS];
  delete patch[RETAIN_KEYS];
  if (!Array.isArray(retained)) throw badRequest('invalid patch format of retainKeys');
  for (const [field, value] of Object.entries(patch)) {
    if (value !== null && !isParallelList(field) && !retained.includes(field)) throw badRequest('invalid patch format of retainKeys');
  }
  for (const field of Object.keys(original)) {
    if (!retained.includes(field)) delete original[field];
  }
}

function mergeField(original: JsonObject, patchField: string, value: JsonValue, path: readonly string[], listTypes: ListTypes): void {
  const isDeleteList = patchField.startsWith(DELETE_FROM_PRIMITIVE_LIST);
  const field = isDeleteList ? directiveTarget(patchField, DELETE_FROM_PRIMITIVE_LIST) : patchField;
  if (value === null) {
    delete original[field];
    return;
  }
  const current = original[field];
  if (current === undefined || goType(current) !== goType(value)) {
    if (!isDeleteList) setSanitized(original, field, value);
    return;
  }
  const fieldPath = [...path, field];
  if (isJsonObject(current)) original[field] = mergeMap(current, value as JsonObject, fieldPath, listTypes);
  else if (Array.isArray(current)) {
    original[field] = mergeList(current, value as JsonValue[], listTypes(fieldPath), isDeleteList, fieldPath, listTypes);
  } else setSanitized(original, field, value);
}

function isParallelList(field: string): boolean {
  return field.startsWith(DELETE_FROM_PRIMITIVE_LIST) || field.startsWith(SET_ELEMENT_ORDER);
}

/** The field a `$prefix/field` directive is about. */
function directiveTarget(key: string, prefix: string): string {
  const slash = key.indexOf('/');
  if (slash < 0 || key.slice(0, slash) !== prefix) {
    throw badRequest(prefix === SET_ELEMENT_ORDER ? 'invalid patch format of setElementOrder list' : 'invalid patch format of primitive list');
  }
  return key.slice(slash + 1);
}

// ---- $setElementOrder

function applyElementOrders(original: JsonObject, patch: JsonObject, path: readonly string[], listTypes: ListTypes): void {
  for (const key of Object.keys(patch)) {
    if (!key.startsWith(SET_ELEMENT_ORDER)) continue;
    const order = patch[key];
    delete patch[key];
    if (!Array.isArray(order)) throw badArgumentType(LIST_TYPE, order ?? null);
    applyElementOrder(original, patch, directiveTarget(key, SET_ELEMENT_ORDER), order, path, listTypes);
  }
}

function applyElementOrder(
  original: JsonObject,
  patch: JsonObject,
  field: string,
  order: JsonValue[],
  path: readonly string[],
  listTypes: ListTypes,
): void {
  const originalList = listField(original, field);
  const patchList = listField(patch, field);
  if (originalList === undefined && patchList === undefined) return;
  const fieldPath = [...path, field];
  const listType = listTypes(fieldPath);
  const mergeKey = mergeKeyOf(listType);
  validateElementOrder(patchList ?? [], order, mergeKey);
  let merged: JsonValue[];
  if (originalList === undefined) merged = sanitizedList(patchList ?? []);
  else if (patchList === undefined) merged = originalList;
  else merged = mergeList(originalList, patchList, listType, false, fieldPath, listTypes);
  const [patchItems, serverOnly] = partition(merged, order, mergeKey);
  const kind = elementKind([originalList ?? [], patchList ?? []]);
  original[field] = normalizeOrder(patchItems, serverOnly, order, originalList ?? [], mergeKey, kind);
  delete patch[field];
}

/** A list field of a map, undefined when absent; an error when present but not a list. */
function listField(object: JsonObject, field: string): JsonValue[] | undefined {
  if (!Object.hasOwn(object, field)) return undefined;
  const value = object[field] ?? null;
  if (!Array.isArray(value)) throw badArgumentType(LIST_TYPE, value);
  return value;
}

/** The patch list must list its items in the directive's order (deleted items aside). */
function validateElementOrder(patchList: JsonValue[], order: JsonValue[], mergeKey: string): void {
  if (order.length === 0 || patchList.length === 0) return;
  const items = mergeKey === '' ? patchList : withoutDeletions(patchList);
  let itemIndex = 0;
  let orderIndex = 0;
  while (itemIndex < items.length && orderIndex < order.length) {
    const item = items[itemIndex] ?? null;
    if (isJsonObject(item) && Object.hasOwn(item, DIRECTIVE)) {
      itemIndex++;
      continue;
    }
    if (sameMergeKey(item, order[orderIndex] ?? null, mergeKey)) itemIndex++;
    orderIndex++;
  }
  if (itemIndex < items.length && orderIndex >= order.length) {
    throw unclassifiedError(`the order in patch list:\n${goValue(patchList)}\n doesn't match ${SET_ELEMENT_ORDER} list:\n${goValue(order)}`);
  }
}

function withoutDeletions(items: JsonValue[]): JsonValue[] {
  return items.filter((item) => {
    if (!isJsonObject(item)) throw badArgumentType(MAP_TYPE, item);
    return item[DIRECTIVE] !== 'delete';
  });
}

function sameMergeKey(left: JsonValue, right: JsonValue, mergeKey: string): boolean {
  if (mergeKey === '') return left === right;
  if (!isJsonObject(left)) throw badArgumentType(MAP_TYPE, left);
  if (!isJsonObject(right)) throw badArgumentType(MAP_TYPE, right);
  if (!Object.hasOwn(left, mergeKey)) throw noMergeKey(left, mergeKey);
  if (!Object.hasOwn(right, mergeKey)) throw noMergeKey(right, mergeKey);
  return left[mergeKey] === right[mergeKey];
}

// ---- lists

function mergeKeyOf(listType: ListType): string {
  return listType.type === 'map' ? listType.patchMergeKey : '';
}

function mergeList(
  original: JsonValue[],
  patch: JsonValue[],
  listType: ListType,
  isDeleteList: boolean,
  path: readonly string[],
  listTypes: ListTypes,
): JsonValue[] {
  // A deletion list applies whatever the list's strategy.
  if (listType.type === 'atomic' && !isDeleteList) return sanitizedList(patch);
  if (original.length === 0 && patch.length === 0) return original;
  const mergeKey = mergeKeyOf(listType);
  const kind = elementKind([original, patch]);
  if (kind === 'primitive') {
    if (isDeleteList) return original.filter((item) => !patch.includes(item));
    return ordered(deduplicated([...original, ...patch]), patch, original, mergeKey, kind);
  }
  if (mergeKey === '') throw unclassifiedError(`cannot merge lists without merge key for ${path.join('.')}`);
  const { remaining, items } = applyListDirectives(original, patch, mergeKey);
  return ordered(mergeItems(remaining, items, mergeKey, path, listTypes), items, remaining, mergeKey, kind);
}

/** The merged list in apimachinery's order: patch order for patched items, list order for the rest. */
function ordered(merged: JsonValue[], patch: JsonValue[], original: JsonValue[], mergeKey: string, kind: ElementKind): JsonValue[] {
  const [patchItems, serverOnly] = partition(merged, patch, mergeKey);
  return normalizeOrder(patchItems, serverOnly, patch, original, mergeKey, kind);
}

/** Applies `$patch` items of a merging list; returns what is left of the list and the plain patch items. */
function applyListDirectives(original: JsonValue[], patch: JsonValue[], mergeKey: string): { remaining: JsonValue[]; items: JsonValue[] } {
  const items: JsonValue[] = [];
  let remaining = original;
  let replace = false;
  for (const item of patch) {
    const entry = item as JsonObject;
    if (!Object.hasOwn(entry, DIRECTIVE)) items.push(entry);
    else if (entry[DIRECTIVE] === 'delete') remaining = deleteMatching(remaining, entry, mergeKey);
    else if (entry[DIRECTIVE] === 'replace') replace = true;
    else if (entry[DIRECTIVE] === 'merge') throw unclassifiedError('merging lists cannot yet be specified in the patch');
    else throw unknownPatchType(entry[DIRECTIVE], entry);
  }
  return replace ? { remaining: sanitizedList(items), items: [] } : { remaining, items };
}

function deleteMatching(list: JsonValue[], deletion: JsonObject, mergeKey: string): JsonValue[] {
  if (!Object.hasOwn(deletion, mergeKey)) throw noMergeKey(deletion, mergeKey);
  return list.filter((item) => !(isJsonObject(item) && Object.hasOwn(item, mergeKey) && item[mergeKey] === deletion[mergeKey]));
}

/** Merges each patch item into the list item with the same key, appending the ones without. */
function mergeItems(original: JsonValue[], patch: JsonValue[], mergeKey: string, path: readonly string[], listTypes: ListTypes): JsonValue[] {
  const merged = [...original];
  for (const item of patch) {
    const entry = item as JsonObject;
    if (!Object.hasOwn(entry, mergeKey)) throw noMergeKey(entry, mergeKey);
    const index = merged.findIndex((candidate) => isJsonObject(candidate) && candidate[mergeKey] === entry[mergeKey]);
    const match = merged[index];
    if (isJsonObject(match)) merged[index] = mergeMap(match, entry, path, listTypes);
    else merged.push(sanitizedMap(entry));
  }
  return merged;
}

/** Go's deduplicateScalars, which moves the last element into each duplicate's place. */
function deduplicated(items: JsonValue[]): JsonValue[] {
  const list = [...items];
  let last = list.length - 1;
  for (let i = 0; i < last; i++) {
    for (let j = i + 1; j <= last; j++) {
      if (list[i] === list[j]) {
        list[j] = list[last] ?? null;
        list.length = last;
        last--;
        j--;
      }
    }
  }
  return list;
}

/** Splits a list into the items that `by` names (by merge key, or by value for primitives) and the rest. */
function partition(list: JsonValue[], by: JsonValue[], mergeKey: string): [JsonValue[], JsonValue[]] {
  const named: JsonValue[] = [];
  const rest: JsonValue[] = [];
  for (const item of list) (isNamed(item, by, mergeKey) ? named : rest).push(item);
  return [named, rest];
}

function isNamed(item: JsonValue, by: JsonValue[], mergeKey: string): boolean {
  if (mergeKey === '') return by.includes(item);
  if (!isJsonObject(item)) throw badArgumentType(MAP_TYPE, item);
  if (!Object.hasOwn(item, mergeKey)) throw noMergeKey(item, mergeKey);
  return by.some((entry, index) => {
    if (!isJsonObject(entry)) throw unclassifiedError(`value for key ${index} is not a map`);
    return Object.hasOwn(entry, mergeKey) && entry[mergeKey] === item[mergeKey];
  });
}

/** The kind of all elements of the lists, which must agree. */
function elementKind(lists: JsonValue[][]): ElementKind {
  let first: string | undefined;
  for (const item of lists.flat()) {
    const type = goType(item);
    if (first === undefined) {
      first = type;
      if (type === LIST_TYPE) throw genericInvalid('lists of lists are not supported');
    } else if (type !== first) {
      throw unclassifiedError(`list element types are not identical: ${goValue(lists)}`);
    }
  }
  if (first === undefined) throw unclassifiedError('no elements in any of the given slices');
  return first === MAP_TYPE ? 'map' : 'primitive';
}

// ---- ordering (normalizeElementOrder and mergeSortedSlice in apimachinery)

function normalizeOrder(
  patchItems: JsonValue[],
  serverOnly: JsonValue[],
  patchOrder: JsonValue[],
  serverOrder: JsonValue[],
  mergeKey: string,
  kind: ElementKind,
): JsonValue[] {
  const sortedPatch = sortedBy(patchItems, patchOrder, mergeKey, kind);
  const sortedServer = sortedBy(serverOnly, serverOrder, mergeKey, kind);
  return interleaved(sortedServer, sortedPatch, serverOrder, mergeKey, kind);
}

function sortedBy(items: JsonValue[], order: JsonValue[], mergeKey: string, kind: ElementKind): JsonValue[] {
  if (kind === 'primitive') return insertionSorted(items, (a, b) => precedes(a, b, order, mergeKey, kind));
  for (const item of [...items, ...order]) {
    if (!isJsonObject(item)) throw badArgumentType(MAP_TYPE, item);
    if (!Object.hasOwn(item, mergeKey)) throw noMergeKey(item, mergeKey);
  }
  const deletions = items.filter((item) => isJsonObject(item) && item[DIRECTIVE] === 'delete');
  const kept = items.filter((item) => !deletions.includes(item));
  return [...insertionSorted(kept, (a, b) => precedes(a, b, order, mergeKey, kind)), ...deletions];
}

/** apimachinery's sort comparator: by position in `order`, and "less" whenever either item is not in it. */
function precedes(a: JsonValue, b: JsonValue, order: JsonValue[], mergeKey: string, kind: ElementKind): boolean {
  const positionA = position(order, a, mergeKey, kind);
  if (positionA < 0) return true;
  const positionB = position(order, b, mergeKey, kind);
  return positionB < 0 || positionA < positionB;
}

/**
 * Go's sort.SliceStable on up to 20 items is this insertion sort; it matters because apimachinery's comparator
 * is not a strict order when items are missing from the order list.
 */
function insertionSorted(items: JsonValue[], less: (a: JsonValue, b: JsonValue) => boolean): JsonValue[] {
  const list = [...items];
  for (let i = 1; i < list.length; i++) {
    for (let j = i; j > 0 && less(list[j] ?? null, list[j - 1] ?? null); j--) {
      [list[j - 1], list[j]] = [list[j] ?? null, list[j - 1] ?? null];
    }
  }
  return list;
}

/** Merges the server-only items into the patch items, keeping the list's order where it knows both. */
function interleaved(left: JsonValue[], right: JsonValue[], serverOrder: JsonValue[], mergeKey: string, kind: ElementKind): JsonValue[] {
  const result: JsonValue[] = [];
  let i = 0;
  let j = 0;
  while (i < left.length || j < right.length) {
    const fromLeft = j >= right.length || (i < left.length && before(left[i] ?? null, right[j] ?? null, serverOrder, mergeKey, kind));
    result.push(fromLeft ? (left[i++] ?? null) : (right[j++] ?? null));
  }
  return result;
}

function before(left: JsonValue, right: JsonValue, serverOrder: JsonValue[], mergeKey: string, kind: ElementKind): boolean {
  const leftPosition = position(serverOrder, left, mergeKey, kind);
  const rightPosition = position(serverOrder, right, mergeKey, kind);
  return leftPosition >= 0 && rightPosition >= 0 && leftPosition < rightPosition;
}

function position(list: JsonValue[], item: JsonValue, mergeKey: string, kind: ElementKind): number {
  const identity = (value: JsonValue): JsonValue => (kind === 'map' ? (isJsonObject(value) ? (value[mergeKey] ?? null) : null) : value);
  const wanted = identity(item);
  return list.findIndex((entry) => identity(entry) === wanted);
}

// ---- values taken over from the patch

function setSanitized(object: JsonObject, field: string, value: JsonValue): void {
  const kept = sanitized(value);
  if (kept === undefined) delete object[field];
  else object[field] = kept;
}

/** A patch value without nulls and directives; undefined for a map that is itself a `$patch` directive. */
function sanitized(value: JsonValue): JsonValue | undefined {
  if (Array.isArray(value)) return sanitizedList(value);
  if (!isJsonObject(value)) return value;
  return Object.hasOwn(value, DIRECTIVE) ? undefined : sanitizedMap(value);
}

function sanitizedList(list: JsonValue[]): JsonValue[] {
  return list.flatMap((item) => {
    const kept = sanitized(item);
    return kept === undefined ? [] : [kept];
  });
}

function sanitizedMap(map: JsonObject): JsonObject {
  const copy: JsonObject = {};
  for (const [field, value] of Object.entries(map)) {
    if (value === null || field === DIRECTIVE || field === RETAIN_KEYS || isParallelList(field)) continue;
    const kept = sanitized(value);
    if (kept !== undefined) copy[field] = kept;
  }
  return copy;
}

// ---- errors, worded as apimachinery's mergepatch package words them

function unknownPatchType(directive: JsonValue | undefined, map: JsonObject): Error {
  return unclassifiedError(`unknown patch type: ${goString(directive ?? null)} in map: ${goValue(map)}`);
}

function noMergeKey(map: JsonObject, mergeKey: string): Error {
  return unclassifiedError(`map: ${goValue(map)} does not contain declared merge key: ${mergeKey}`);
}

function badArgumentType(expected: string, actual: JsonValue): Error {
  const actualType = actual === null ? '%!s(<nil>)' : goType(actual);
  return unclassifiedError(`expected a ${expected}, but received a ${actualType}`);
}

/** The Go type a JSON value decodes to in the apiserver (integers stay int64). */
function goType(value: JsonValue): string {
  if (value === null) return 'nil';
  if (Array.isArray(value)) return LIST_TYPE;
  if (typeof value === 'object') return MAP_TYPE;
  if (typeof value === 'number') return Number.isInteger(value) ? 'int64' : 'float64';
  return typeof value === 'boolean' ? 'bool' : 'string';
}

/** Go's `%v` of a decoded JSON value. */
function goValue(value: JsonValue | JsonValue[][]): string {
  if (value === null) return '<nil>';
  if (Array.isArray(value)) return `[${value.map((item) => goValue(item)).join(' ')}]`;
  if (typeof value === 'object') {
    const entries = Object.keys(value).sort().map((key) => `${key}:${goValue(value[key] ?? null)}`);
    return `map[${entries.join(' ')}]`;
  }
  if (typeof value === 'number') return goNumber(value);
  return String(value);
}

/** Go's `%s`, which only strings satisfy. */
function goString(value: JsonValue): string {
  if (typeof value === 'string') return value;
  if (value === null) return '%!s(<nil>)';
  if (typeof value === 'object') return goValue(value);
  return `%!s(${goType(value)}=${goValue(value)})`;
}

function goNumber(value: number): string {
  if (Number.isInteger(value) || value === 0) return String(value);
  const exponent = Math.floor(Math.log10(Math.abs(value)));
  if (exponent >= -4 && exponent < 21) return String(value);
  return value.toExponential().replace(/e([+-])(\d)$/, 'e$10$2');
}
