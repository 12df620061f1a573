import { isJsonObject, jsonEqual, type JsonObject, type JsonValue } from '../json.ts';
import type { ListTypes } from '../list-types.ts';
import { applyConflict, badRequest, unclassifiedError, type ApiError, type StatusCause } from '../status.ts';
import {
  associativeItems,
  compareObjects,
  decodeManagedFields,
  fieldSetOf,
  goQuote,
  indexItems,
  listItemElement,
  managedFieldsOf,
  managerIdentifier,
  normalizeTime,
  pathToString,
  serializeElement,
  STRIPPED_FIELDS,
  trackUpdate,
  withManagedFields,
  withoutManagedFields,
  type Comparison,
  type FieldPath,
  type FieldSet,
  type ListItem,
  type Managed,
  type ManagedEntry,
  type ManagerIdentity,
  type PathElement,
} from './managed-fields.ts';

/*
 * Server-side apply (`FieldManager.Apply` over structured-merge-diff's `Updater.Apply`) on plain JSON:
 * merge the configuration into the live object, prune what this applier stopped applying, check the
 * changes against the other managers' fields, and record the applier's new field set.
 */

/** Arguments of {@link serverSideApply}. */
export interface ServerSideApplyArgs {
  /** The stored object; undefined when the apply creates it. */
  readonly live: JsonObject | undefined;
  /** The applied configuration, already stripped of the fields the endpoint ignores (status on the main endpoint). */
  readonly applied: JsonObject;
  readonly manager: string;
  readonly force: boolean;
  /** The API version the endpoint serves (`apps/v1`); the configuration must use it. */
  readonly apiVersion: string;
  /** The kind the endpoint serves; defaults to the live object's kind. */
  readonly kind?: string;
  readonly subresource?: string;
  /** RFC 3339 time of the write. */
  readonly time: string;
  readonly listTypes: ListTypes;
  /** The kind's zero value, which fields of an object that has no managedFields yet are compared against (`{}` when omitted). */
  readonly emptyObject?: JsonObject;
}

/**
 * Applies a configuration for one field manager and returns the new object with its managedFields.
 * Throws 400 for a configuration of another type or carrying managedFields, 500 for a list item without
 * valid keys, as the apiserver does, and 409 Conflict when it would change another manager's field
 * without `force`.
 */
export function serverSideApply(args: ServerSideApplyArgs): JsonObject {
  checkObjectType(args);
  checkNoManagedFields(args.applied);
  checkListItems(args);
  const subresource = args.subresource ?? '';
  const identity: ManagerIdentity = { manager: args.manager === '' ? 'unknown' : args.manager, operation: 'Apply', apiVersion: args.apiVersion, subresource };
  const id = managerIdentifier(identity);
  const before = args.live === undefined ? {} : withoutManagedFields(args.live);
  const managed = managedBeforeApply(args, before, subresource);
  // A null managedFields passes the check above; it is not part of the configuration either.
  const configuration = withoutManagedFields(args.applied);
  const applied = fieldSetOf(configuration, args.listTypes);
  const previous = managed.get(id);
  const merged = mergeObjects(before, configuration, args.listTypes);
  const result = previous ? prune(merged, previous.fields, ownedByAnyone(managed, id, applied), args.listTypes) : merged;
  const others = settleOthers(managed, id, compareObjects(before, result, args.listTypes), args.force);
  const own = applied.difference(STRIPPED_FIELDS);
  // The apiserver stamps the time only when the apply changed the object.
  const time = jsonEqual(before, result) ? previous?.time : (normalizeTime(args.time) ?? args.time);
  if (!own.isEmpty) others.set(id, time === undefined ? { ...identity, fields: own } : { ...identity, time, fields: own });
  return withManagedFields(result, others);
}

// ---------------------------------------------------------------------------------------------------
// Request checks

interface GroupVersionKind {
  readonly group: string;
  readonly version: string;
  readonly kind: string;
}

/** `schema.ParseGroupVersion` + kind, as an unstructured object reports its type; unparsable is all empty. */
function groupVersionKind(apiVersion: JsonValue | undefined, kind: JsonValue | undefined): GroupVersionKind {
  const version = typeof apiVersion === 'string' ? apiVersion : '';
  const kindName = typeof kind === 'string' ? kind : '';
  const parts = version === '/' ? [''] : version.split('/');
  if (parts.length > 2) return { group: '', version: '', kind: '' };
  const [first = '', second] = parts;
  return second === undefined ? { group: '', version: first, kind: kindName } : { group: first, version: second, kind: kindName };
}

function describeType(type: GroupVersionKind): string {
  return `${type.group}/${type.version}, Kind=${type.kind}`;
}

/** `versionCheckManager`: the configuration must be of the endpoint's group, version and kind. */
function checkObjectType(args: ServerSideApplyArgs): void {
  const actual = groupVersionKind(args.applied['apiVersion'], args.applied['kind']);
  const expected = groupVersionKind(args.apiVersion, args.kind ?? args.live?.['kind']);
  const kindMatches = expected.kind === '' ? actual.kind !== '' : actual.kind === expected.kind;
  if (actual.group !== expected.group || actual.version !== expected.version || !kindMatches) {
    throw badRequest(`invalid object type: ${describeType(actual)}`);
  }
}

/** An apply configuration may not carry managedFields: any list of entries, even an empty one, is refused. */
function checkNoManagedFields(applied: JsonObject): void {
  const managedFields = managedFieldsOf(applied);
  if (Array.isArray(managedFields) && managedFields.every(isJsonObject)) throw badRequest('metadata.managedFields must be nil');
}

/**
 * Associative list items must have their keys and be unique; the apiserver fails converting the
 * configuration to a typed value and answers with a bare 500.
 */
function checkListItems(args: ServerSideApplyArgs): void {
  const errors: string[] = [];
  collectListErrors(args.applied, [], [], args.listTypes, errors);
  if (errors.length === 0) return;
  const metadata = isJsonObject(args.applied['metadata']) ? args.applied['metadata'] : {};
  const name = `${stringOr(metadata['namespace'])}/${stringOr(metadata['name'])}`;
  const type = describeType(groupVersionKind(args.applied['apiVersion'], args.applied['kind']));
  const detail = errors.length === 1 ? errors[0] : ['errors:', ...errors.map((error) => `  ${error}`)].join('\n');
  throw unclassifiedError(`failed to create typed patch object (${name}; ${type}): ${detail}`);
}

function stringOr(value: JsonValue | undefined): string {
  return typeof value === 'string' ? value : '';
}

function collectListErrors(value: JsonValue, path: FieldPath, names: readonly string[], listTypes: ListTypes, errors: string[]): void {
  if (isJsonObject(value)) {
    for (const key of Object.keys(value).sort()) {
      collectListErrors(value[key] as JsonValue, [...path, { field: key }], [...names, key], listTypes, errors);
    }
    return;
  }
  const listType = Array.isArray(value) ? listTypes(names) : undefined;
  if (!Array.isArray(value) || listType === undefined || listType.type === 'atomic') return;
  const seen = new Set<string>();
  for (const [index, item] of value.entries()) {
    const element = listItemElement(listType, item);
    // Without an element nothing deeper can be checked, so the rest of the list is skipped.
    if (typeof element === 'string') {
      errors.push(`${pathToString(path)}: element ${index}: ${element}`);
      return;
    }
    const key = serializeElement(element);
    if (seen.has(key)) errors.push(`${pathToString(path)}: duplicate entries for key ${pathToString([element])}`);
    seen.add(key);
    collectListErrors(item, [...path, element], names, listTypes, errors);
  }
}

// ---------------------------------------------------------------------------------------------------
// Ownership before the apply

/**
 * The live managedFields; an existing object that has none first gets its current fields recorded as an
 * update by `before-first-apply` (`skipNonAppliedManager`), so that applying over them conflicts.
 */
function managedBeforeApply(args: ServerSideApplyArgs, live: JsonObject, subresource: string): Managed {
  if (args.live === undefined) return new Map();
  const managed = decodeManagedFields(managedFieldsOf(args.live)) ?? new Map<string, ManagedEntry>();
  if (managed.size > 0) return managed;
  const updater = { manager: 'before-first-apply', apiVersion: args.apiVersion, subresource, time: args.time };
  return trackUpdate(managed, args.emptyObject ?? {}, live, updater, args.listTypes);
}

/** Every field some manager owns after this apply: the others' fields and the applier's new ones. */
function ownedByAnyone(managed: Managed, applier: string, applied: FieldSet): FieldSet {
  let owned = applied;
  for (const [id, entry] of managed) if (id !== applier) owned = owned.union(entry.fields);
  return owned;
}

// ---------------------------------------------------------------------------------------------------
// Merge

/** The configuration merged into the live object: maps by field, map-lists by key, sets by value, the rest replaced. */
function mergeObjects(live: JsonObject, applied: JsonObject, listTypes: ListTypes): JsonObject {
  const merged = mergeValue(live, applied, [], listTypes);
  return isJsonObject(merged) ? merged : applied;
}

function mergeValue(live: JsonValue | undefined, applied: JsonValue | undefined, names: readonly string[], listTypes: ListTypes): JsonValue | undefined {
  if (applied === undefined) return live;
  if (live === undefined) return applied;
  if (isJsonObject(applied) && (isJsonObject(live) || live === null)) return mergeMaps(isJsonObject(live) ? live : {}, applied, names, listTypes);
  if (Array.isArray(applied) && (Array.isArray(live) || live === null)) return mergeLists(Array.isArray(live) ? live : [], applied, names, listTypes);
  // A typed null map or associative list merges as an empty one: the live contents stay.
  if (applied === null && isJsonObject(live) && Object.keys(live).length > 0) return live;
  if (applied === null && Array.isArray(live) && live.length > 0 && associativeItems(live, listTypes(names)) !== undefined) return live;
  return applied;
}

function mergeMaps(live: JsonObject, applied: JsonObject, names: readonly string[], listTypes: ListTypes): JsonObject {
  // Empty on both sides is a leaf, so `{}` replaces null and the other way round.
  if (Object.keys(live).length === 0 && Object.keys(applied).length === 0) return applied;
  const merged: JsonObject = {};
  for (const key of new Set([...Object.keys(live), ...Object.keys(applied)])) {
    const value = mergeValue(live[key], applied[key], [...names, key], listTypes);
    if (value !== undefined) merged[key] = value;
  }
  return merged;
}

function mergeLists(live: JsonValue[], applied: JsonValue[], names: readonly string[], listTypes: ListTypes): JsonValue[] {
  if (live.length === 0 && applied.length === 0) return applied;
  const listType = listTypes(names);
  const liveItems = associativeItems(live, listType);
  const appliedItems = associativeItems(applied, listType);
  if (liveItems === undefined || appliedItems === undefined) return applied;
  return mergeItems(liveItems, appliedItems, (liveValue, appliedValue) => mergeValue(liveValue, appliedValue, names, listTypes) ?? null);
}

/**
 * Merges two associative lists in structured-merge-diff's order: live items the configuration does not
 * name stay where they are, items it names come in its order, and new items at their place among them.
 */
function mergeItems(
  live: readonly ListItem[],
  applied: readonly ListItem[],
  merge: (liveValue: JsonValue | undefined, appliedValue: JsonValue) => JsonValue,
): JsonValue[] {
  const liveKeys = live.map((item) => serializeElement(item.element));
  const liveIndex = indexItems(live);
  const appliedIndex = indexItems(applied);
  const appliedKeys = [...appliedIndex.keys()];
  const shared = appliedKeys.filter((key) => liveIndex.has(key));
  const done = new Set<string>();
  const merged: JsonValue[] = [];
  let sharedAt = 0;
  let liveAt = 0;
  let appliedAt = 0;
  const takeApplied = (key: string): void => {
    done.add(key);
    merged.push(merge(liveIndex.get(key)?.value, (appliedIndex.get(key) as ListItem).value));
  };
  while (liveAt < liveKeys.length || appliedAt < appliedKeys.length) {
    const liveKey = liveKeys[liveAt];
    const appliedKey = appliedKeys[appliedAt];
    if (liveKey !== undefined && liveKey === appliedKey) {
      takeApplied(liveKey);
      liveAt++;
      appliedAt++;
      sharedAt++;
      continue;
    }
    if (liveKey !== undefined) {
      const nextShared = shared[sharedAt];
      // A shared item whose turn in the configuration's order has not come yet is taken from there later.
      if (appliedKey !== undefined && appliedIndex.has(liveKey) && nextShared !== undefined && nextShared !== liveKey) {
        liveAt++;
        continue;
      }
      if (!appliedIndex.has(liveKey)) {
        merged.push((live[liveAt] as ListItem).value);
        liveAt++;
        continue;
      }
      if (done.has(liveKey)) {
        liveAt++;
        continue;
      }
    }
    if (appliedKey !== undefined) {
      takeApplied(appliedKey);
      appliedAt++;
      if (shared[sharedAt] === appliedKey) sharedAt++;
    }
  }
  return merged;
}

// ---------------------------------------------------------------------------------------------------
// Prune

interface Child {
  readonly element: PathElement;
  readonly names: readonly string[];
  readonly value: JsonValue;
  readonly item: boolean;
}

function childrenOf(value: JsonValue, names: readonly string[], listTypes: ListTypes): Child[] | undefined {
  if (isJsonObject(value)) {
    return Object.entries(value).map(([key, child]) => ({ element: { field: key }, names: [...names, key], value: child, item: false }));
  }
  const items = Array.isArray(value) ? associativeItems(value, listTypes(names)) : undefined;
  return items?.map((item) => ({ element: item.element, names, value: item.value, item: true }));
}

/** Whether a value shows in its object's field set: leaves and list items do, maps and lists through their contents. */
function inFieldSet(child: Child, listTypes: ListTypes): boolean {
  if (child.item) return true;
  const children = childrenOf(child.value, child.names, listTypes);
  return children === undefined || children.some((grandchild) => inFieldSet(grandchild, listTypes));
}

/**
 * Removes what the applier applied last time and no longer does, unless someone else still owns it
 * (`Updater.prune` with `addBackOwnedItems` and `addBackDanglingItems`). A struct goes as a whole when
 * nobody owns anything in it any more, unowned contents included, as the apiserver does.
 */
function prune(merged: JsonObject, lastApplied: FieldSet, owned: FieldSet, listTypes: ListTypes): JsonObject {
  const pruned = pruneChildren(merged, [], lastApplied.withNamedFieldsAsMembers(), owned.withNamedFieldsAsMembers(), false, false, listTypes);
  return isJsonObject(pruned) ? pruned : {};
}

/**
 * `last` and `owned` are the field sets below this value. A child is lost when it (or a container above
 * it, inside what the applier applied) shows in the object but nobody owns it; a lost child the applier
 * applied last time is removed. A container emptied this way goes too: structured-merge-diff leaves it
 * null, which the typed object (or a CRD's schema) then drops.
 */
function pruneChildren(
  value: JsonValue,
  names: readonly string[],
  last: FieldSet,
  owned: FieldSet | undefined,
  underLast: boolean,
  lost: boolean,
  listTypes: ListTypes,
): JsonValue | undefined {
  const children = childrenOf(value, names, listTypes);
  if (children === undefined || children.length === 0) return value;
  const kept: Child[] = [];
  for (const child of children) {
    const appliedLast = last.memberAt(child.element);
    const shown = inFieldSet(child, listTypes);
    const under = underLast || appliedLast;
    const childLost = lost || (under && shown && !(owned?.memberAt(child.element) ?? false));
    if (appliedLast && childLost && shown) continue;
    const lastBelow = last.childrenAt(child.element);
    const pruned = lastBelow === undefined ? child.value : pruneChildren(child.value, child.names, lastBelow, owned?.childrenAt(child.element), under, childLost, listTypes);
    if (pruned !== undefined) kept.push({ ...child, value: pruned });
  }
  if (kept.length === 0) return undefined;
  if (Array.isArray(value)) return kept.map((child) => child.value);
  return Object.fromEntries(kept.map((child) => ['field' in child.element ? child.element.field : '', child.value]));
}

// ---------------------------------------------------------------------------------------------------
// Conflicts

interface Conflict {
  readonly id: string;
  readonly entry: ManagedEntry;
  readonly path: FieldPath;
}

/**
 * The other managers after the apply: each loses the fields that went away, and the fields whose values
 * the apply changed are conflicts, an error unless forced (then the applier takes them).
 */
function settleOthers(managed: Managed, applier: string, comparison: Comparison, force: boolean): Map<string, ManagedEntry> {
  const changed = comparison.added.union(comparison.modified);
  const conflicts: Conflict[] = [];
  const others = new Map<string, ManagedEntry>();
  for (const [id, entry] of managed) {
    if (id === applier) continue;
    const conflicting = entry.fields.intersection(changed);
    conflicts.push(...conflicting.paths().map((path) => ({ id, entry, path })));
    const fields = entry.fields.difference(conflicting).difference(comparison.removed);
    if (!fields.isEmpty) others.set(id, { ...entry, fields });
  }
  if (conflicts.length > 0 && !force) throw conflictError(conflicts);
  return others;
}

/** 409 with the apiserver's text; conflicts are grouped by manager identifier in sorted order. */
function conflictError(conflicts: readonly Conflict[]): ApiError {
  const sorted = [...conflicts].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const causes: StatusCause[] = sorted.map((conflict) => ({
    reason: 'FieldManagerConflict',
    message: `conflict with ${describeManager(conflict.entry)}`,
    field: pathToString(conflict.path),
  }));
  return applyConflict(conflictMessage(sorted), causes);
}

function conflictMessage(conflicts: readonly Conflict[]): string {
  const [only] = conflicts;
  if (conflicts.length === 1 && only !== undefined) {
    return `Apply failed with 1 conflict: conflict with ${describeManager(only.entry)}: ${pathToString(only.path)}`;
  }
  const lines: string[] = [];
  conflicts.forEach((conflict, index) => {
    if (conflicts[index - 1]?.id !== conflict.id) lines.push(`conflicts with ${describeManager(conflict.entry)}:`);
    lines.push(`- ${pathToString(conflict.path)}`);
  });
  return `Apply failed with ${conflicts.length} conflicts: ${lines.join('\n')}`;
}

/** `printManager`: `"name"`, plus `with subresource "status"`, plus `using apps/v1` for an updater. */
function describeManager(entry: ManagedEntry): string {
  const name = entry.subresource === '' ? goQuote(entry.manager) : `${goQuote(entry.manager)} with subresource ${goQuote(entry.subresource)}`;
  return entry.operation === 'Update' ? `${name} using ${entry.apiVersion}` : name;
}
