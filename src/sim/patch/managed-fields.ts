import { isJsonObject, jsonEqual, sortKeys, type JsonObject, type JsonValue } from '../json.ts';
import type { ListType, ListTypes } from '../list-types.ts';

/*
 * Field ownership as the API server's field manager keeps it (k8s.io/apimachinery/pkg/util/managedfields
 * over sigs.k8s.io/structured-merge-diff), computed on plain JSON. The schema is reduced to what
 * `ListTypes` knows: every object key is treated as a struct field and every list as the list type says.
 */

// ---------------------------------------------------------------------------------------------------
// Path elements and paths

/** One key field of a map-list item: `[name, value]`. */
export type KeyField = readonly [name: string, value: JsonValue];

/** One step of a field path: a field, a map-list item by its keys, a set item by its value, or a list index. */
export type PathElement =
  | { readonly field: string }
  | { readonly key: readonly KeyField[] }
  | { readonly value: JsonValue }
  | { readonly index: number };

/** A path from the object root, list items included. */
export type FieldPath = readonly PathElement[];

/** JSON as Go's encoder writes it for a field set: sorted keys, and `<`, `>`, `&`, U+2028/9 escaped. */
function goJson(value: JsonValue): string {
  return escapeHtml(JSON.stringify(sortKeys(value)));
}

function escapeHtml(json: string): string {
  return json.replace(/[<>&\u2028\u2029]/g, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** The FieldsV1 key of a path element: `f:name`, `k:{"name":"c"}`, `v:"x"`, `i:0`. */
export function serializeElement(element: PathElement): string {
  if ('field' in element) return `f:${element.field}`;
  if ('key' in element) return `k:{${element.key.map(([name, value]) => `${goJson(name)}:${goJson(value)}`).join(',')}}`;
  if ('value' in element) return `v:${goJson(element.value)}`;
  return `i:${element.index}`;
}

/** The path element of a FieldsV1 key; `'unknown'` for a kind of element this version does not know (skipped). */
function parseElement(text: string): PathElement | 'unknown' | undefined {
  if (text.length < 2 || text[1] !== ':') return undefined;
  const body = text.slice(2);
  switch (text[0]) {
    case 'f':
      return { field: body };
    case 'v':
      return parseJson(body, (value) => ({ value }));
    case 'k':
      return parseJson(body, (value) => (isJsonObject(value) ? { key: sortedKeyFields(Object.entries(value)) } : undefined));
    case 'i':
      return /^-?\d+$/.test(body) ? { index: Number(body) } : undefined;
    default:
      return 'unknown';
  }
}

function parseJson<T>(text: string, read: (value: JsonValue) => T | undefined): T | undefined {
  try {
    return read(JSON.parse(text) as JsonValue);
  } catch {
    return undefined;
  }
}

function sortedKeyFields(fields: readonly KeyField[]): KeyField[] {
  return [...fields].sort(([a], [b]) => compareStrings(a, b));
}

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** structured-merge-diff's order of path elements: fields, then keys, then values, then indexes. */
export function compareElements(a: PathElement, b: PathElement): number {
  const rank = elementRank(a) - elementRank(b);
  if (rank !== 0) return Math.sign(rank);
  if ('field' in a && 'field' in b) return compareStrings(a.field, b.field);
  if ('key' in a && 'key' in b) return compareKeyFields(a.key, b.key);
  if ('value' in a && 'value' in b) return orderValues(a.value, b.value);
  if ('index' in a && 'index' in b) return Math.sign(a.index - b.index);
  return 0;
}

function elementRank(element: PathElement): number {
  if ('field' in element) return 0;
  if ('key' in element) return 1;
  if ('value' in element) return 2;
  return 3;
}

function compareKeyFields(a: readonly KeyField[], b: readonly KeyField[]): number {
  for (let index = 0; index < Math.min(a.length, b.length); index++) {
    const [aName, aValue] = a[index] as KeyField;
    const [bName, bValue] = b[index] as KeyField;
    const order = compareStrings(aName, bName) || orderValues(aValue, bValue);
    if (order !== 0) return order;
  }
  return Math.sign(a.length - b.length);
}

/** `value.Compare`: numbers, then strings, then booleans, then lists, then maps, then null. */
function orderValues(a: JsonValue, b: JsonValue): number {
  const rank = valueRank(a) - valueRank(b);
  if (rank !== 0) return Math.sign(rank);
  if (typeof a === 'number' && typeof b === 'number') return Math.sign(a - b);
  if (typeof a === 'string' && typeof b === 'string') return compareStrings(a, b);
  if (typeof a === 'boolean' && typeof b === 'boolean') return Number(a) - Number(b);
  return compareStrings(goJson(a), goJson(b));
}

function valueRank(value: JsonValue): number {
  if (typeof value === 'number') return 0;
  if (typeof value === 'string') return 1;
  if (typeof value === 'boolean') return 2;
  if (Array.isArray(value)) return 3;
  return value === null ? 5 : 4;
}

/** A path as conflict messages print it: `.spec.containers[name="c"].image`, `.metadata.finalizers[="x"]`. */
export function pathToString(path: FieldPath): string {
  return path.map(elementToString).join('');
}

function elementToString(element: PathElement): string {
  if ('field' in element) return `.${element.field}`;
  if ('key' in element) return `[${element.key.map(([name, value]) => `${name}=${valueToString(value)}`).join(',')}]`;
  if ('value' in element) return `[=${valueToString(element.value)}]`;
  return `[${element.index}]`;
}

/** `value.ToString`: strings Go-quoted, everything else as Go's `%v` prints it. */
function valueToString(value: JsonValue): string {
  if (value === null) return 'null';
  if (typeof value === 'string') return goQuote(value);
  if (Array.isArray(value)) return `[${value.map(valueToString).join(',')}]`;
  if (isJsonObject(value)) return Object.entries(value).map(([key, item]) => `${key}=${valueToString(item)}`).join('');
  return String(value);
}

const GO_ESCAPES: Readonly<Record<string, string>> = {
  '"': '\\"',
  '\\': '\\\\',
  '\x07': '\\a',
  '\b': '\\b',
  '\f': '\\f',
  '\n': '\\n',
  '\r': '\\r',
  '\t': '\\t',
  '\v': '\\v',
};

/** Go's `%q` of a string (`strconv.Quote`), close enough for the characters field names and keys use. */
export function goQuote(text: string): string {
  let quoted = '"';
  for (const char of text) {
    const code = char.codePointAt(0) ?? 0;
    if (GO_ESCAPES[char] !== undefined) quoted += GO_ESCAPES[char];
    else if (code < 0x20 || code === 0x7f) quoted += `\\x${code.toString(16).padStart(2, '0')}`;
    else if (code >= 0x80 && code < 0xa0) quoted += `\\u${code.toString(16).padStart(4, '0')}`;
    else quoted += char;
  }
  return `${quoted}"`;
}

// ---------------------------------------------------------------------------------------------------
// Field sets

interface FieldNode {
  readonly element: PathElement;
  member: boolean;
  readonly children: FieldSet;
}

type NodeRule = (left: FieldNode | undefined, right: FieldNode | undefined) => { member: boolean; children: FieldSet } | undefined;

/** A set of field paths, kept as the tree FieldsV1 serialises: one node per path element below a parent. */
export class FieldSet {
  readonly #nodes = new Map<string, FieldNode>();

  /** The set holding exactly these paths. */
  static of(paths: Iterable<FieldPath>): FieldSet {
    const set = new FieldSet();
    for (const path of paths) set.insert(path);
    return set;
  }

  /** The set a `fieldsV1` value encodes; undefined when it is not valid FieldsV1. */
  static fromFields(fields: JsonValue | undefined): FieldSet | undefined {
    if (fields === undefined || fields === null) return new FieldSet();
    if (!isJsonObject(fields)) return undefined;
    const set = new FieldSet();
    for (const [text, inner] of Object.entries(fields)) {
      if (text === '.') continue;
      const element = parseElement(text);
      if (element === 'unknown') continue;
      const children = isJsonObject(inner) ? FieldSet.fromFields(inner) : undefined;
      if (element === undefined || children === undefined || !isJsonObject(inner)) return undefined;
      // An empty object, or one holding ".", marks the path itself as a member.
      const member = Object.keys(inner).length === 0 || '.' in inner;
      set.#add(element, member, children);
    }
    return set;
  }

  /** Adds one path to a set being built (sets returned by the operations below are not to be changed). */
  insert(path: FieldPath): void {
    const [first, ...rest] = path;
    if (first === undefined) return;
    const node = this.#nodeFor(first);
    if (rest.length === 0) node.member = true;
    else node.children.insert(rest);
  }

  #nodeFor(element: PathElement): FieldNode {
    const key = serializeElement(element);
    const existing = this.#nodes.get(key);
    if (existing) return existing;
    const node: FieldNode = { element, member: false, children: new FieldSet() };
    this.#nodes.set(key, node);
    return node;
  }

  #add(element: PathElement, member: boolean, children: FieldSet): void {
    const key = serializeElement(element);
    const existing = this.#nodes.get(key);
    this.#nodes.set(key, {
      element,
      member: member || (existing?.member ?? false),
      children: existing ? existing.children.union(children) : children,
    });
  }

  /** No paths at all. */
  get isEmpty(): boolean {
    return this.#nodes.size === 0;
  }

  /** Whether the path is in the set. */
  has(path: FieldPath): boolean {
    const [first, ...rest] = path;
    if (first === undefined) return false;
    return rest.length === 0 ? this.memberAt(first) : (this.childrenAt(first)?.has(rest) ?? false);
  }

  /** Whether the path of one element below this set's root is in the set. */
  memberAt(element: PathElement): boolean {
    return this.#nodes.get(serializeElement(element))?.member ?? false;
  }

  /** The paths below one element, relative to it; undefined when there are none. */
  childrenAt(element: PathElement): FieldSet | undefined {
    const children = this.#nodes.get(serializeElement(element))?.children;
    return children === undefined || children.isEmpty ? undefined : children;
  }

  /** Paths in either set. */
  union(other: FieldSet): FieldSet {
    // Sets built by the operations are never changed, so an operand can stand for the result.
    if (other.isEmpty) return this;
    if (this.isEmpty) return other;
    return FieldSet.#combine(this, other, (left, right) => ({
      member: (left?.member ?? false) || (right?.member ?? false),
      children: (left?.children ?? EMPTY).union(right?.children ?? EMPTY),
    }));
  }

  /** Paths in this set and not in the other; the other's paths do not take their descendants away. */
  difference(other: FieldSet): FieldSet {
    if (this.isEmpty || other.isEmpty) return this;
    return FieldSet.#combine(this, other, (left, right) =>
      left && {
        member: left.member && !(right?.member ?? false),
        children: left.children.difference(right?.children ?? EMPTY),
      },
    );
  }

  /** Paths in both sets. */
  intersection(other: FieldSet): FieldSet {
    if (this.isEmpty) return this;
    if (other.isEmpty) return other;
    return FieldSet.#combine(this, other, (left, right) =>
      left && right && { member: left.member && right.member, children: left.children.intersection(right.children) },
    );
  }

  /**
   * `EnsureNamedFieldsAreMembers` without a schema: every field with paths below it becomes a member too.
   * Pruning needs it so that a struct whose fields nobody owns any more goes with them.
   */
  withNamedFieldsAsMembers(): FieldSet {
    const set = new FieldSet();
    for (const node of this.#nodes.values()) {
      const named = 'field' in node.element && !node.children.isEmpty;
      set.#add(node.element, node.member || named, node.children.withNamedFieldsAsMembers());
    }
    return set;
  }

  /** Every path, in structured-merge-diff's iteration order: a level's members, then each child's paths. */
  paths(prefix: FieldPath = []): FieldPath[] {
    const nodes = this.#sorted();
    const members = nodes.filter((node) => node.member).map((node) => [...prefix, node.element]);
    return [...members, ...nodes.flatMap((node) => node.children.paths([...prefix, node.element]))];
  }

  /** The FieldsV1 encoding: `{"f:spec":{"f:replicas":{}}}`, with `".": {}` where a path and paths below it are both in the set. */
  toFields(): JsonObject {
    const fields: JsonObject = {};
    for (const node of this.#sorted()) {
      const inner = node.children.toFields();
      fields[serializeElement(node.element)] = node.member && !node.children.isEmpty ? { '.': {}, ...inner } : inner;
    }
    return fields;
  }

  #sorted(): FieldNode[] {
    return [...this.#nodes.values()].sort((a, b) => compareElements(a.element, b.element));
  }

  static #combine(left: FieldSet, right: FieldSet, rule: NodeRule): FieldSet {
    const set = new FieldSet();
    for (const key of new Set([...left.#nodes.keys(), ...right.#nodes.keys()])) {
      const leftNode = left.#nodes.get(key);
      const rightNode = right.#nodes.get(key);
      const node = rule(leftNode, rightNode);
      const element = (leftNode ?? rightNode)?.element;
      if (node && element && (node.member || !node.children.isEmpty)) set.#nodes.set(key, { element, ...node });
    }
    return set;
  }
}

const EMPTY = new FieldSet();

// ---------------------------------------------------------------------------------------------------
// Walking objects

type AssociativeListType = Exclude<ListType, { type: 'atomic' }>;

/** One item of an associative list with its path element. */
export interface ListItem {
  readonly element: PathElement;
  readonly value: JsonValue;
}

/**
 * Key fields the built-in schemas default, which structured-merge-diff fills in when an item omits them
 * (container and service ports are keyed by `protocol`, defaulted to TCP).
 */
const KEY_DEFAULTS: Readonly<Record<string, JsonValue>> = { protocol: 'TCP' };

/** The path element of an associative list item, or the structured-merge-diff error text when it has none. */
export function listItemElement(listType: AssociativeListType, item: JsonValue): PathElement | string {
  if (listType.type === 'set') {
    if (isJsonObject(item)) return "associative list without keys has an element that's a map type";
    if (Array.isArray(item)) return 'not supported: associative list with lists as elements';
    return { value: item };
  }
  if (item === null) return 'associative list with keys may not have a null element';
  if (!isJsonObject(item)) return 'associative list with keys may not have non-map elements';
  const fields: KeyField[] = [];
  for (const name of listType.keys) {
    const value = name in item ? item[name] : KEY_DEFAULTS[name];
    if (value === undefined) return `associative list with keys has an element that omits key field ${goQuote(name)} (and doesn't have default value)`;
    fields.push([name, value]);
  }
  return { key: sortedKeyFields(fields) };
}

/** Every item of an associative list with its element; undefined when some item has none (then it is treated as atomic). */
export function listItems(list: readonly JsonValue[], listType: AssociativeListType): ListItem[] | undefined {
  const items: ListItem[] = [];
  for (const value of list) {
    const element = listItemElement(listType, value);
    if (typeof element === 'string') return undefined;
    items.push({ element, value });
  }
  return items;
}

/** The items by serialised element, the first of duplicates winning as structured-merge-diff indexes them. */
export function indexItems(items: readonly ListItem[]): Map<string, ListItem> {
  const index = new Map<string, ListItem>();
  for (const item of items) {
    const key = serializeElement(item.element);
    if (!index.has(key)) index.set(key, item);
  }
  return index;
}

/** The associative items of a list value, or undefined when the list is atomic here. */
export function associativeItems(list: readonly JsonValue[], listType: ListType): ListItem[] | undefined {
  return listType.type === 'atomic' ? undefined : listItems(list, listType);
}

/**
 * The fields an applied configuration sets (`TypedValue.ToFieldSet`): every scalar, atomic list and
 * list item; objects only through their fields.
 */
export function fieldSetOf(object: JsonObject, listTypes: ListTypes): FieldSet {
  const set = new FieldSet();
  collectFields(object, [], [], set, listTypes);
  return set;
}

function collectFields(value: JsonValue, path: FieldPath, names: readonly string[], set: FieldSet, listTypes: ListTypes): void {
  if (isJsonObject(value)) {
    for (const [name, child] of Object.entries(value)) collectFields(child, [...path, { field: name }], [...names, name], set, listTypes);
    return;
  }
  const items = Array.isArray(value) ? associativeItems(value, listTypes(names)) : undefined;
  if (items === undefined) {
    set.insert(path);
    return;
  }
  for (const item of items) {
    const itemPath = [...path, item.element];
    collectFields(item.value, itemPath, names, set, listTypes);
    set.insert(itemPath);
  }
}

/** What changed between two versions of an object, as `TypedValue.Compare` reports it. */
export interface Comparison {
  readonly added: FieldSet;
  readonly modified: FieldSet;
  readonly removed: FieldSet;
}

/**
 * Compares two objects field by field: leaves are added, removed or modified; a map, list or list item
 * is itself added or removed when it appears or disappears as a whole.
 */
export function compareObjects(before: JsonObject, after: JsonObject, listTypes: ListTypes): Comparison {
  const comparison = { added: new FieldSet(), modified: new FieldSet(), removed: new FieldSet() };
  compareField(before, after, [], [], comparison, listTypes);
  return comparison;
}

function compareField(
  before: JsonValue | undefined,
  after: JsonValue | undefined,
  path: FieldPath,
  names: readonly string[],
  comparison: Comparison,
  listTypes: ListTypes,
): void {
  const children = childPairs(before, after, names, listTypes);
  if (children === undefined) {
    compareLeaf(before, after, path, comparison);
    return;
  }
  for (const child of children) {
    compareField(child.before, child.after, [...path, child.element], child.names, comparison, listTypes);
  }
  if (before === undefined) comparison.added.insert(path);
  else if (after === undefined) comparison.removed.insert(path);
}

function compareLeaf(before: JsonValue | undefined, after: JsonValue | undefined, path: FieldPath, comparison: Comparison): void {
  if (before === undefined) comparison.added.insert(path);
  else if (after === undefined) comparison.removed.insert(path);
  else if (!jsonEqual(before, after)) comparison.modified.insert(path);
}

interface ChildPair {
  readonly element: PathElement;
  readonly names: readonly string[];
  readonly before: JsonValue | undefined;
  readonly after: JsonValue | undefined;
}

/**
 * The children two values are compared by, or undefined when they compare as one leaf: scalars, atomic
 * lists, values of different shapes, and containers empty on both sides (which keeps `{}` apart from null).
 * A null container counts as an empty one of the other side's shape, as a typed null map or list does.
 */
function childPairs(before: JsonValue | undefined, after: JsonValue | undefined, names: readonly string[], listTypes: ListTypes): ChildPair[] | undefined {
  const shape = sharedShape(before, after);
  if (shape === 'object') return objectPairs(asObject(before), asObject(after), names);
  if (shape === 'list') return listPairs(asList(before), asList(after), names, listTypes);
  return undefined;
}

function sharedShape(before: JsonValue | undefined, after: JsonValue | undefined): 'object' | 'list' | undefined {
  const shapes = new Set([before, after].filter((value) => value !== undefined && value !== null).map(shapeOf));
  const [shape] = shapes;
  return shapes.size === 1 && shape !== 'scalar' ? shape : undefined;
}

function shapeOf(value: JsonValue): 'object' | 'list' | 'scalar' {
  if (Array.isArray(value)) return 'list';
  return isJsonObject(value) ? 'object' : 'scalar';
}

function asObject(value: JsonValue | undefined): JsonObject | undefined {
  return isJsonObject(value) ? value : undefined;
}

function asList(value: JsonValue | undefined): JsonValue[] | undefined {
  return Array.isArray(value) ? value : undefined;
}

function objectPairs(before: JsonObject | undefined, after: JsonObject | undefined, names: readonly string[]): ChildPair[] | undefined {
  const keys = [...new Set([...Object.keys(before ?? {}), ...Object.keys(after ?? {})])];
  if (keys.length === 0) return undefined;
  return keys.map((key) => ({ element: { field: key }, names: [...names, key], before: before?.[key], after: after?.[key] }));
}

function listPairs(
  before: JsonValue[] | undefined,
  after: JsonValue[] | undefined,
  names: readonly string[],
  listTypes: ListTypes,
): ChildPair[] | undefined {
  if ((before?.length ?? 0) === 0 && (after?.length ?? 0) === 0) return undefined;
  const listType = listTypes(names);
  const beforeItems = associativeItems(before ?? [], listType);
  const afterItems = associativeItems(after ?? [], listType);
  if (beforeItems === undefined || afterItems === undefined) return undefined;
  const beforeIndex = indexItems(beforeItems);
  const afterIndex = indexItems(afterItems);
  const keys = [...new Set([...afterIndex.keys(), ...beforeIndex.keys()])];
  return keys.map((key) => {
    const item = (afterIndex.get(key) ?? beforeIndex.get(key)) as ListItem;
    return { element: item.element, names, before: beforeIndex.get(key)?.value, after: afterIndex.get(key)?.value };
  });
}

// ---------------------------------------------------------------------------------------------------
// managedFields entries

/** The operation a managedFields entry records. */
export type Operation = 'Apply' | 'Update';

/** Who an entry belongs to: one entry per manager, operation, subresource (and, for updates, API version). */
export interface ManagerIdentity {
  readonly manager: string;
  readonly operation: Operation;
  readonly apiVersion: string;
  readonly subresource: string;
}

/** One managedFields entry with its decoded field set. */
export interface ManagedEntry extends ManagerIdentity {
  readonly time?: string;
  readonly fields: FieldSet;
}

/** The managedFields of an object, keyed by manager identifier. */
export type Managed = ReadonlyMap<string, ManagedEntry>;

/**
 * `BuildManagerIdentifier`: the entry without its fields and time, and without the API version for an
 * applier, so that one applier keeps one entry across versions.
 */
export function managerIdentifier(identity: ManagerIdentity): string {
  const id: JsonObject = {};
  if (identity.manager !== '') id['manager'] = identity.manager;
  id['operation'] = identity.operation;
  if (identity.operation === 'Update' && identity.apiVersion !== '') id['apiVersion'] = identity.apiVersion;
  if (identity.subresource !== '') id['subresource'] = identity.subresource;
  return escapeHtml(JSON.stringify(id));
}

/** `metadata.managedFields` of an object, as stored (undefined when absent). */
export function managedFieldsOf(object: JsonObject | undefined): JsonValue | undefined {
  const metadata = object?.['metadata'];
  return isJsonObject(metadata) ? metadata['managedFields'] : undefined;
}

/** Decodings of stored (frozen, hence unchanging) managedFields, so each stored version is decoded once. */
const decodedStored = new WeakMap<readonly JsonValue[], Managed | undefined>();

/** Decodes managedFields (`DecodeManagedFields`); undefined when an entry is invalid. */
export function decodeManagedFields(value: JsonValue | undefined): Managed | undefined {
  if (value === undefined || value === null) return new Map();
  if (!Array.isArray(value)) return undefined;
  if (!Object.isFrozen(value)) return decodeEntries(value);
  if (!decodedStored.has(value)) decodedStored.set(value, decodeEntries(value));
  return decodedStored.get(value);
}

function decodeEntries(value: readonly JsonValue[]): Managed | undefined {
  const managed = new Map<string, ManagedEntry>();
  for (const item of value) {
    const entry = decodeEntry(item);
    if (entry === undefined) return undefined;
    managed.set(managerIdentifier(entry), entry);
  }
  return managed;
}

function decodeEntry(item: JsonValue): ManagedEntry | undefined {
  if (!isJsonObject(item)) return undefined;
  const { manager = '', operation, apiVersion, time, fieldsType, fieldsV1, subresource = '' } = item;
  if (operation !== 'Apply' && operation !== 'Update') return undefined;
  if (typeof apiVersion !== 'string' || apiVersion === '' || fieldsType !== 'FieldsV1') return undefined;
  if (typeof manager !== 'string' || typeof subresource !== 'string') return undefined;
  const fields = FieldSet.fromFields(fieldsV1);
  if (fields === undefined) return undefined;
  const entry: ManagedEntry = { manager, operation, apiVersion, subresource, fields };
  if (time === undefined || time === null) return entry;
  const normalized = typeof time === 'string' ? normalizeTime(time) : undefined;
  return normalized === undefined ? undefined : { ...entry, time: normalized };
}

const WHOLE_SECONDS_UTC = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/;

/**
 * A time as `metav1.Time` stores it: RFC 3339 in UTC, whole seconds. Clients send back what they parsed
 * (`2024-05-01T10:00:00.000Z`), which must not count as a change.
 */
export function normalizeTime(time: string): string | undefined {
  if (WHOLE_SECONDS_UTC.test(time)) return time;
  const millis = Date.parse(time);
  return Number.isNaN(millis) ? undefined : new Date(millis).toISOString().replace(/\.\d+Z$/, 'Z');
}

/** Encodes managedFields in the apiserver's order: appliers first, then by time, manager, API version, subresource. */
export function encodeManagedFields(managed: Managed): JsonObject[] {
  return [...managed.values()].sort(compareEntries).map(encodeEntry);
}

function encodeEntry(entry: ManagedEntry): JsonObject {
  const encoded: JsonObject = {};
  if (entry.manager !== '') encoded['manager'] = entry.manager;
  encoded['operation'] = entry.operation;
  encoded['apiVersion'] = entry.apiVersion;
  if (entry.time !== undefined) encoded['time'] = entry.time;
  encoded['fieldsType'] = 'FieldsV1';
  encoded['fieldsV1'] = entry.fields.toFields();
  if (entry.subresource !== '') encoded['subresource'] = entry.subresource;
  return encoded;
}

function compareEntries(a: ManagedEntry, b: ManagedEntry): number {
  return (
    compareStrings(a.operation, b.operation) ||
    Math.sign(seconds(a.time) - seconds(b.time)) ||
    compareStrings(a.manager, b.manager) ||
    compareStrings(a.apiVersion, b.apiVersion) ||
    compareStrings(a.subresource, b.subresource)
  );
}

/** A managedFields time in whole seconds, as `metav1.Time.Unix()` compares them; 0 when absent. */
function seconds(time: string | undefined): number {
  const millis = time === undefined ? NaN : Date.parse(time);
  return Number.isNaN(millis) ? 0 : Math.floor(millis / 1000);
}

/** The object without `metadata.managedFields`: a copy of the top level and of metadata, sharing the rest. */
export function withoutManagedFields(object: JsonObject): JsonObject {
  const metadata = object['metadata'];
  if (!isJsonObject(metadata)) return { ...object };
  const { managedFields: _managedFields, ...rest } = metadata;
  return { ...object, metadata: rest };
}

/** The object with `metadata.managedFields` encoded from `managed`, or without it when there are no entries. */
export function withManagedFields(object: JsonObject, managed: Managed): JsonObject {
  const copy = withoutManagedFields(object);
  if (managed.size === 0) return copy;
  const metadata = isJsonObject(copy['metadata']) ? copy['metadata'] : {};
  metadata['managedFields'] = encodeManagedFields(managed);
  copy['metadata'] = metadata;
  return copy;
}

/** Fields nobody owns (`stripMetaManager`): type meta, identity and server-managed metadata. */
export const STRIPPED_FIELDS = FieldSet.of([
  [{ field: 'apiVersion' }],
  [{ field: 'kind' }],
  [{ field: 'metadata' }],
  ...['name', 'namespace', 'creationTimestamp', 'selfLink', 'uid', 'clusterName', 'generation', 'managedFields', 'resourceVersion'].map(
    (name): FieldPath => [{ field: 'metadata' }, { field: name }],
  ),
]);

// ---------------------------------------------------------------------------------------------------
// Update tracking

/** Who performs an update, and when. */
export interface Updater {
  readonly manager: string;
  readonly apiVersion: string;
  readonly subresource: string;
  readonly time: string;
}

/**
 * Records one non-apply write from `before` to `after` (`Updater.Update` with the managedFields updater
 * around it): every manager loses the fields whose values changed or that went away; the updater's
 * `Update` entry gains the changed fields and the time, and is created when it changed something.
 */
export function trackUpdate(managed: Managed, before: JsonObject, after: JsonObject, updater: Updater, listTypes: ListTypes): Managed {
  const { added, modified, removed } = compareObjects(before, after, listTypes);
  const changed = added.union(modified);
  const result = new Map<string, ManagedEntry>();
  for (const [id, entry] of managed) {
    const fields = entry.fields.difference(changed).difference(removed);
    if (!fields.isEmpty) result.set(id, { ...entry, fields });
  }
  const own = changed.difference(removed).difference(STRIPPED_FIELDS);
  if (own.isEmpty) return result;
  const identity: ManagerIdentity = {
    manager: updater.manager === '' ? 'unknown' : updater.manager,
    operation: 'Update',
    apiVersion: updater.apiVersion,
    subresource: updater.subresource,
  };
  const id = managerIdentifier(identity);
  const previous = result.get(id);
  const time = normalizeTime(updater.time) ?? updater.time;
  result.set(id, { ...identity, time, fields: previous ? own.union(previous.fields) : own });
  return result;
}

/** How many `Update` entries an object keeps before the oldest are merged (`DefaultMaxUpdateManagers`). */
const MAX_UPDATE_MANAGERS = 10;

/**
 * `capManagersManager`: past ten `Update` entries, the oldest are merged into one `ancient-changes`
 * entry per API version, so that managedFields cannot grow without bound.
 */
export function capUpdateManagers(managed: Managed): Managed {
  const updaters = [...managed].filter(([, entry]) => entry.operation === 'Update');
  if (updaters.length <= MAX_UPDATE_MANAGERS) return managed;
  updaters.sort(([aId, a], [bId, b]) => Math.sign(seconds(a.time) - seconds(b.time)) || compareStrings(aId, bId));
  const result = new Map(managed);
  const firstOfVersion = new Map<string, string>();
  let count = updaters.length;
  for (const [id, entry] of updaters) {
    if (count <= MAX_UPDATE_MANAGERS) break;
    const first = firstOfVersion.get(entry.apiVersion);
    if (first === undefined) {
      firstOfVersion.set(entry.apiVersion, id);
      continue;
    }
    const bucket: ManagerIdentity = { manager: 'ancient-changes', operation: 'Update', apiVersion: entry.apiVersion, subresource: '' };
    const bucketId = managerIdentifier(bucket);
    // The first entry of a version becomes the bucket when the second one arrives.
    const bucketFields = result.get(bucketId)?.fields ?? result.get(first)?.fields ?? EMPTY;
    if (!result.has(bucketId)) result.delete(first);
    result.delete(id);
    const merged = { ...bucket, fields: entry.fields.union(bucketFields) };
    result.set(bucketId, entry.time === undefined ? merged : { ...merged, time: entry.time });
    count--;
  }
  return result;
}

/** `isResetManagedFields`: `[]` or `[{}]` in a write asks for the managedFields to be cleared. */
function isResetRequest(value: JsonValue | undefined): boolean {
  if (!Array.isArray(value)) return false;
  if (value.length === 0) return true;
  const [only] = value;
  return value.length === 1 && isJsonObject(only) && Object.values(only).every((field) => field === null || field === '');
}

/**
 * The managedFields an update starts from: the request's own when it sends valid, non-empty ones (or asks
 * for a reset with `[]` / `[{}]`), otherwise the live object's. Subresource writes always keep the live ones.
 */
function managedBeforeUpdate(live: JsonObject | undefined, next: JsonObject, subresource: string): Managed {
  const liveManaged = (): Managed => decodeManagedFields(managedFieldsOf(live)) ?? new Map();
  if (subresource !== '') return liveManaged();
  const requested = managedFieldsOf(next);
  if (isResetRequest(requested)) return new Map();
  // A read-modify-write sends back what it read: reuse the stored decoding instead of parsing it again.
  if (jsonEqual(requested, managedFieldsOf(live))) return liveManaged();
  const decoded = decodeManagedFields(requested);
  return decoded === undefined || decoded.size === 0 ? liveManaged() : decoded;
}

/** Arguments of {@link recordUpdate}. */
export interface RecordUpdateArgs {
  /** The stored object; undefined for a create. */
  readonly live: JsonObject | undefined;
  /** The object about to be stored, possibly carrying managedFields the client sent. */
  readonly next: JsonObject;
  readonly manager: string;
  /** The API version of the request (`apps/v1`). */
  readonly apiVersion: string;
  readonly subresource?: string;
  /** RFC 3339 time of the write. */
  readonly time: string;
  readonly listTypes: ListTypes;
  /**
   * The kind's zero value, which a create is compared against (`{}` when omitted). The apiserver starts
   * from the Go zero struct, so for built-in kinds non-pointer structs such as `spec` exist before the
   * create and are not owned as a whole.
   */
  readonly emptyObject?: JsonObject;
}

/**
 * Tracks a create, update or non-apply patch: returns `next` with its `metadata.managedFields` set
 * (`FieldManager.Update`). An existing object without managedFields stays untracked until it is applied to.
 */
export function recordUpdate(args: RecordUpdateArgs): JsonObject {
  const subresource = args.subresource ?? '';
  const next = withoutManagedFields(args.next);
  const managed = managedBeforeUpdate(args.live, args.next, subresource);
  if (managed.size === 0 && args.live !== undefined) return next;
  const before = args.live === undefined ? (args.emptyObject ?? {}) : withoutManagedFields(args.live);
  const updater = { manager: args.manager, apiVersion: args.apiVersion, subresource, time: args.time };
  return withManagedFields(next, capUpdateManagers(trackUpdate(managed, before, next, updater, args.listTypes)));
}
