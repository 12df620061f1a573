import jsonPatchLibrary from 'fast-json-patch';
import type { Operation as LibraryOperation } from 'fast-json-patch';
import { cloneJson, isJsonObject, jsonEqual, type JsonObject, type JsonValue } from '../json.ts';
import { badRequest, genericInvalid, invalid } from '../status.ts';

// The apiserver applies JSON patches with gopkg.in/evanphx/json-patch.v4. Its semantics differ from RFC 6902
// (and from fast-json-patch) in ways clients can observe, so this module finds every target itself, with that
// library's rules and error texts, and leaves only the edits to fast-json-patch:
// - `replace` of a missing object member adds it; `copy` from a missing member writes `null`;
// - negative array indices count from the end; `-` appends;
// - a path that does not start with `/` is read from its second segment on (`a/b` means `/b`).

const MISSING = 'missing value';
const INVALID_INDEX = 'invalid index referenced';
const TEST_FAILED = 'test failed';

/** One operation as evanphx/json-patch reads it: absent or mistyped fields are `undefined`, an absent op `unknown`. */
interface PatchOperation {
  op: string;
  path: string | undefined;
  from: string | undefined;
  value: JsonValue | undefined;
}

/** Where a path points: the object or array holding its last segment, and the normalised pointer to that holder. */
interface Location {
  holder: JsonObject | JsonValue[];
  key: string;
  pointer: string;
}

/** An operation that does not apply; its message is the library's error text. */
class PatchFailure extends Error {}

/**
 * Applies an RFC 6902 JSON patch as the apiserver does, with its errors: a body that is not a list of
 * operations is a 400, an operation that does not apply a 422. Never mutates its inputs.
 */
export function applyJsonPatch(document: JsonObject, operations: unknown): JsonObject {
  const decoded = decodeOperations(operations);
  let patched: JsonValue = cloneJson(document);
  try {
    for (const operation of decoded) patched = applyOperation(patched, operation);
  } catch (error) {
    if (error instanceof PatchFailure) throw genericInvalid(error.message);
    throw error;
  }
  if (!isJsonObject(patched)) throw notAnObject(patched);
  return patched;
}

// ---- decoding: the apiserver first decodes the body strictly into []jsonPatchOp (fieldValidation defaults to Warn)

function decodeOperations(operations: unknown): PatchOperation[] {
  if (operations === null) return [];
  if (!Array.isArray(operations)) throw decodingError(`${goKind(operations)} into Go value of type []handlers.jsonPatchOp`);
  return operations.map(decodeOperation);
}

function decodeOperation(item: unknown): PatchOperation {
  if (item === null) return { op: 'unknown', path: undefined, from: undefined, value: undefined };
  if (!isJsonObject(item)) throw decodingError(`${goKind(item)} into Go value of type handlers.jsonPatchOp`);
  for (const [field, value] of Object.entries(item)) {
    const typed = field === 'op' || field === 'path' || field === 'from';
    if (typed && value !== null && typeof value !== 'string') {
      throw decodingError(`${goKind(value)} into Go struct field jsonPatchOp.${field} of type string`);
    }
  }
  return {
    op: typeof item['op'] === 'string' ? item['op'] : 'unknown',
    path: typeof item['path'] === 'string' ? item['path'] : undefined,
    from: typeof item['from'] === 'string' ? item['from'] : undefined,
    value: Object.hasOwn(item, 'value') ? item['value'] : undefined,
  };
}

function decodingError(what: string): Error {
  return badRequest(`error decoding patch: json: cannot unmarshal ${what}`);
}

/** How Go's JSON decoder names a JSON value in a type error. */
function goKind(value: unknown): string {
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'object') return 'object';
  if (typeof value === 'boolean') return 'bool';
  return typeof value;
}

// ---- operations

function applyOperation(document: JsonValue, operation: PatchOperation): JsonValue {
  switch (operation.op) {
    case 'add':
      return add(document, operation);
    case 'remove':
      return remove(document, operation);
    case 'replace':
      return replace(document, operation);
    case 'move':
      return move(document, operation);
    case 'copy':
      return copy(document, operation);
    case 'test':
      test(document, operation);
      return document;
    default:
      throw new PatchFailure(`Unexpected kind: ${operation.op}`);
  }
}

function add(document: JsonValue, operation: PatchOperation): JsonValue {
  const path = operation.path;
  if (path === undefined) throw new PatchFailure(`add operation failed to decode path: ${MISSING}`);
  const location = locate(document, path);
  if (!location) throw new PatchFailure(`add operation does not apply: doc is missing path: "${path}": ${MISSING}`);
  const pointer = prefixed(`error in add for path: '${path}'`, () => insertionPointer(location));
  return edit(document, { op: 'add', path: pointer, value: cloneJson(operation.value ?? null) });
}

function remove(document: JsonValue, operation: PatchOperation): JsonValue {
  const path = operation.path;
  if (path === undefined) throw new PatchFailure(`remove operation failed to decode path: ${MISSING}`);
  const location = locate(document, path);
  if (!location) throw new PatchFailure(`remove operation does not apply: doc is missing path: "${path}": ${MISSING}`);
  const pointer = prefixed(`error in remove for path: '${path}'`, () => removalPointer(location));
  return edit(document, { op: 'remove', path: pointer });
}

function replace(document: JsonValue, operation: PatchOperation): JsonValue {
  const path = operation.path;
  if (path === undefined) throw new PatchFailure(`replace operation failed to decode path: operation missing path field: ${MISSING}`);
  if (path === '') return replaceDocument(operation.value);
  const location = locate(document, path);
  if (!location) throw new PatchFailure(`replace operation does not apply: doc is missing path: ${path}: ${MISSING}`);
  let pointer: string;
  try {
    pointer = existingPointer(location);
  } catch (error) {
    if (error instanceof PatchFailure) throw new PatchFailure(`replace operation does not apply: doc is missing key: ${path}: ${MISSING}`);
    throw error;
  }
  return edit(document, { op: 'replace', path: pointer, value: cloneJson(operation.value ?? null) });
}

function replaceDocument(value: JsonValue | undefined): JsonValue {
  // The library wraps a nil error with %w here, hence the odd suffix.
  if (!isJsonObject(value) && !Array.isArray(value)) throw new PatchFailure('replace operation value must be object or array: %!w(<nil>)');
  return cloneJson(value);
}

function move(document: JsonValue, operation: PatchOperation): JsonValue {
  const from = operation.from;
  if (from === undefined) throw new PatchFailure(`move operation failed to decode from: operation, missing from field: ${MISSING}`);
  const source = locate(document, from);
  if (!source) throw new PatchFailure(`move operation does not apply: doc is missing from path: ${from}: ${MISSING}`);
  // The library names the last segment of `from`, not the whole path, in these two errors.
  const value = prefixed(`error in move for path: '${source.key}'`, () => read(source));
  const removed = edit(document, { op: 'remove', path: prefixed(`error in move for path: '${source.key}'`, () => removalPointer(source)) });
  const path = operation.path;
  if (path === undefined) throw new PatchFailure(`move operation failed to decode path: operation missing path field: ${MISSING}`);
  const target = locate(removed, path);
  if (!target) throw new PatchFailure(`move operation does not apply: doc is missing destination path: ${path}: ${MISSING}`);
  const pointer = prefixed(`error in move for path: '${path}'`, () => insertionPointer(target));
  return edit(removed, { op: 'add', path: pointer, value });
}

function copy(document: JsonValue, operation: PatchOperation): JsonValue {
  const from = operation.from;
  if (from === undefined) throw new PatchFailure(`copy operation failed to decode from: operation, missing from field: ${MISSING}`);
  const source = locate(document, from);
  if (!source) throw new PatchFailure(`copy operation does not apply: doc is missing from path: ${from}: ${MISSING}`);
  const value = prefixed(`error in copy for from: '${from}'`, () => read(source));
  const path = operation.path;
  if (path === undefined) throw new PatchFailure(`copy operation failed to decode path: ${MISSING}`);
  const target = locate(document, path);
  if (!target) throw new PatchFailure(`copy operation does not apply: doc is missing destination path: ${path}: ${MISSING}`);
  const pointer = prefixed('error while adding value during copy', () => insertionPointer(target));
  return edit(document, { op: 'add', path: pointer, value: cloneJson(value) });
}

function test(document: JsonValue, operation: PatchOperation): void {
  const path = operation.path;
  if (path === undefined) throw new PatchFailure(`test operation failed to decode path: operation missing path field: ${MISSING}`);
  const failed = new PatchFailure(`testing value ${path} failed: ${TEST_FAILED}`);
  if (path === '') {
    if (operation.value === undefined || !jsonEqual(document, operation.value)) throw failed;
    return;
  }
  const location = locate(document, path);
  if (!location) throw new PatchFailure(`test operation does not apply: is missing path: ${path}: ${MISSING}`);
  const actual = prefixed(`error in test for path: '${path}'`, () => read(location));
  // A missing member and a null one are the same to the library, and both match an absent or null value.
  if (actual === null) {
    if (operation.value !== undefined && operation.value !== null) throw failed;
    return;
  }
  if (operation.value === undefined || !jsonEqual(actual, operation.value)) throw failed;
}

/** Runs `action`, prefixing the text of a failure it throws the way the library wraps errors. */
function prefixed<T>(prefix: string, action: () => T): T {
  try {
    return action();
  } catch (error) {
    if (error instanceof PatchFailure) throw new PatchFailure(`${prefix}: ${error.message}`);
    throw error;
  }
}

function edit(document: JsonValue, operation: LibraryOperation): JsonValue {
  return jsonPatchLibrary.applyOperation(document, operation, false, true).newDocument;
}

// ---- locating targets

/** The holder of a path's last segment; undefined when a segment before it is missing or not an object or list. */
function locate(document: JsonValue, path: string): Location | undefined {
  const segments = path.split('/');
  const last = segments.at(-1);
  if (segments.length < 2 || last === undefined) return undefined;
  let holder: JsonValue = document;
  let pointer = '';
  for (const segment of segments.slice(1, -1)) {
    if (!isJsonObject(holder) && !Array.isArray(holder)) return undefined;
    const step = childOf(holder, unescape(segment));
    if (step === undefined || step.value === null || step.value === undefined) return undefined;
    holder = step.value;
    pointer += `/${jsonPatchLibrary.escapePathComponent(step.key)}`;
  }
  if (!isJsonObject(holder) && !Array.isArray(holder)) return undefined;
  return { holder, key: unescape(last), pointer };
}

function childOf(holder: JsonObject | JsonValue[], key: string): { value: JsonValue | undefined; key: string } | undefined {
  if (!Array.isArray(holder)) return { value: Object.hasOwn(holder, key) ? holder[key] : undefined, key };
  try {
    const index = existingIndex(key, holder.length);
    return { value: holder[index], key: String(index) };
  } catch (error) {
    if (error instanceof PatchFailure) return undefined;
    throw error;
  }
}

function read(location: Location): JsonValue {
  const { holder, key } = location;
  if (!Array.isArray(holder)) return Object.hasOwn(holder, key) ? (holder[key] ?? null) : null;
  return holder[existingIndex(key, holder.length)] ?? null;
}

function insertionPointer(location: Location): string {
  const { holder, key, pointer } = location;
  if (!Array.isArray(holder) || key === '-') return `${pointer}/${jsonPatchLibrary.escapePathComponent(key)}`;
  const index = parseIndex(key, (reason) => `value was not a proper array index: '${key}': ${reason}`);
  const size = holder.length + 1;
  if (index >= size || index < -size) throw invalidIndex(index);
  return `${pointer}/${index < 0 ? index + size : index}`;
}

function removalPointer(location: Location): string {
  const { holder, key, pointer } = location;
  if (Array.isArray(holder)) return `${pointer}/${existingIndex(key, holder.length)}`;
  if (!Object.hasOwn(holder, key)) throw new PatchFailure(`Unable to remove nonexistent key: ${key}: ${MISSING}`);
  return `${pointer}/${jsonPatchLibrary.escapePathComponent(key)}`;
}

/** Like removalPointer, but a missing object member is fine: replace then adds it. */
function existingPointer(location: Location): string {
  const { holder, key, pointer } = location;
  if (Array.isArray(holder)) return `${pointer}/${existingIndex(key, holder.length)}`;
  return `${pointer}/${jsonPatchLibrary.escapePathComponent(key)}`;
}

function existingIndex(key: string, length: number): number {
  const index = parseIndex(key, (reason) => reason);
  if (index >= length || index < -length) throw invalidIndex(index);
  return index < 0 ? index + length : index;
}

/** Go's strconv.Atoi; `describe` turns its error text into the failure's. */
function parseIndex(key: string, describe: (reason: string) => string): number {
  if (!/^[+-]?\d+$/.test(key)) throw new PatchFailure(describe(`strconv.Atoi: parsing ${JSON.stringify(key)}: invalid syntax`));
  const index = BigInt(key);
  if (index > 2n ** 63n - 1n || index < -(2n ** 63n)) {
    throw new PatchFailure(describe(`strconv.Atoi: parsing ${JSON.stringify(key)}: value out of range`));
  }
  return Number(index);
}

function invalidIndex(index: number): PatchFailure {
  return new PatchFailure(`Unable to access invalid index: ${index}: ${INVALID_INDEX}`);
}

function unescape(segment: string): string {
  return segment.replaceAll('~1', '/').replaceAll('~0', '~');
}

/** The apiserver's 422 when the patched document cannot be decoded as an object (a `replace` of the root with a list). */
function notAnObject(document: JsonValue): Error {
  const versionKind = 'struct { APIVersion string "json:\\"apiVersion,omitempty\\""; Kind string "json:\\"kind,omitempty\\"" }';
  const reason = `couldn't get version/kind; json parse error: json: cannot unmarshal ${goKind(document)} into Go value of type ${versionKind}`;
  const detail = `Invalid value: ${JSON.stringify(JSON.stringify(document))}: ${reason}`;
  return invalid({ group: '', kind: '' }, '', [{ field: 'patch', reason: 'FieldValueInvalid', detail }]);
}
