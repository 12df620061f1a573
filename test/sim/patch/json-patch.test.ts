import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { JsonObject } from '../../../src/sim/json.ts';
import { applyJsonPatch } from '../../../src/sim/patch/json-patch.ts';
import { ApiError, type Status } from '../../../src/sim/status.ts';

const configMap = (): JsonObject => ({
  metadata: { name: 'cm', annotations: { 'example.com/owner': 'team~a' } },
  data: { k: 'v', list: ['a', 'b', 'c'] },
});

const REJECTED: Status = {
  kind: 'Status',
  apiVersion: 'v1',
  metadata: {},
  status: 'Failure',
  message: 'the server rejected our request due to an error in our request',
  reason: 'Invalid',
  details: {},
  code: 422,
};

/** Asserts the apiserver's 422 for a patch that does not apply, and the library text kept as its cause. */
function assertRejected(operations: unknown, libraryText: string, document: JsonObject = configMap()): void {
  assert.throws(
    () => applyJsonPatch(document, operations),
    (error: unknown) => {
      assert.ok(error instanceof ApiError);
      assert.deepEqual(error.status, REJECTED);
      assert.ok(error.cause instanceof Error);
      assert.equal(error.cause.message, libraryText);
      return true;
    },
  );
}

function assertBadRequest(operations: unknown, message: string): void {
  assert.throws(
    () => applyJsonPatch(configMap(), operations),
    (error: unknown) => {
      assert.ok(error instanceof ApiError);
      assert.deepEqual(error.status, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason: 'BadRequest', code: 400 });
      return true;
    },
  );
}

test('add sets a new member of an object', () => {
  const patched = applyJsonPatch(configMap(), [{ op: 'add', path: '/data/new', value: { x: 1 } }]);
  assert.deepEqual(patched['data'], { k: 'v', list: ['a', 'b', 'c'], new: { x: 1 } });
});

test('add to an existing member replaces it', () => {
  assert.deepEqual(applyJsonPatch(configMap(), [{ op: 'add', path: '/data/k', value: 'w' }])['data'], { k: 'w', list: ['a', 'b', 'c'] });
});

test('add inserts into a list at an index, appends at -, and counts a negative index from the end', () => {
  const operations = [
    { op: 'add', path: '/data/list/1', value: 'x' },
    { op: 'add', path: '/data/list/-', value: 'end' },
    { op: 'add', path: '/data/list/-1', value: 'last' },
    { op: 'add', path: '/data/list/-7', value: 'first' },
  ];
  assert.deepEqual((applyJsonPatch(configMap(), operations)['data'] as JsonObject)['list'], ['first', 'a', 'x', 'b', 'c', 'end', 'last']);
});

test('add under a missing parent is rejected', () => {
  assertRejected([{ op: 'add', path: '/spec/x/y', value: 1 }], 'add operation does not apply: doc is missing path: "/spec/x/y": missing value');
});

test('add past the end of a list is rejected', () => {
  assertRejected(
    [{ op: 'add', path: '/data/list/4', value: 'x' }],
    "error in add for path: '/data/list/4': Unable to access invalid index: 4: invalid index referenced",
  );
  assertRejected(
    [{ op: 'add', path: '/data/list/x', value: 'x' }],
    `error in add for path: '/data/list/x': value was not a proper array index: 'x': strconv.Atoi: parsing "x": invalid syntax`,
  );
});

test('remove deletes an object member and a list element', () => {
  const patched = applyJsonPatch(configMap(), [
    { op: 'remove', path: '/data/k' },
    { op: 'remove', path: '/data/list/0' },
  ]);
  assert.deepEqual(patched['data'], { list: ['b', 'c'] });
});

test('remove of a missing key is rejected', () => {
  assertRejected([{ op: 'remove', path: '/data/x' }], "error in remove for path: '/data/x': Unable to remove nonexistent key: x: missing value");
  assertRejected([{ op: 'remove', path: '/spec/x' }], 'remove operation does not apply: doc is missing path: "/spec/x": missing value');
  assertRejected(
    [{ op: 'remove', path: '/data/list/3' }],
    "error in remove for path: '/data/list/3': Unable to access invalid index: 3: invalid index referenced",
  );
});

test('replace changes an existing value', () => {
  const patched = applyJsonPatch(configMap(), [
    { op: 'replace', path: '/data/k', value: 'w' },
    { op: 'replace', path: '/data/list/-1', value: 'z' },
  ]);
  assert.deepEqual(patched['data'], { k: 'w', list: ['a', 'b', 'z'] });
});

test('replace of a missing object member adds it, as the apiserver library does', () => {
  assert.deepEqual(applyJsonPatch(configMap(), [{ op: 'replace', path: '/data/x', value: 'w' }])['data'], {
    k: 'v',
    list: ['a', 'b', 'c'],
    x: 'w',
  });
});

test('replace of a missing list element or under a missing parent is rejected', () => {
  assertRejected([{ op: 'replace', path: '/data/list/3', value: 'x' }], 'replace operation does not apply: doc is missing key: /data/list/3: missing value');
  assertRejected([{ op: 'replace', path: '/spec/x', value: 1 }], 'replace operation does not apply: doc is missing path: /spec/x: missing value');
});

test('move takes a value from one place to another', () => {
  const patched = applyJsonPatch(configMap(), [
    { op: 'move', from: '/data/k', path: '/metadata/k' },
    { op: 'move', from: '/data/list/0', path: '/data/list/-' },
  ]);
  assert.deepEqual(patched['data'], { list: ['b', 'c', 'a'] });
  assert.equal((patched['metadata'] as JsonObject)['k'], 'v');
});

test('move from a missing key is rejected, naming the key', () => {
  assertRejected([{ op: 'move', from: '/data/x', path: '/data/y' }], "error in move for path: 'x': Unable to remove nonexistent key: x: missing value");
  assertRejected([{ op: 'move', from: '/data/k', path: '/spec/y' }], 'move operation does not apply: doc is missing destination path: /spec/y: missing value');
});

test('copy duplicates a value without sharing it', () => {
  const patched = applyJsonPatch(configMap(), [
    { op: 'copy', from: '/data/list', path: '/data/copy' },
    { op: 'add', path: '/data/copy/-', value: 'd' },
  ]);
  assert.deepEqual(patched['data'], { k: 'v', list: ['a', 'b', 'c'], copy: ['a', 'b', 'c', 'd'] });
});

test('copy from a missing member writes null, as the apiserver library does', () => {
  assert.deepEqual(applyJsonPatch(configMap(), [{ op: 'copy', from: '/data/x', path: '/data/y' }])['data'], {
    k: 'v',
    list: ['a', 'b', 'c'],
    y: null,
  });
  assertRejected([{ op: 'copy', from: '/spec/x', path: '/data/y' }], 'copy operation does not apply: doc is missing from path: /spec/x: missing value');
});

test('a passing test lets the patch go on', () => {
  const patched = applyJsonPatch(configMap(), [
    { op: 'test', path: '/data/list', value: ['a', 'b', 'c'] },
    { op: 'test', path: '/data/missing', value: null },
    { op: 'replace', path: '/data/k', value: 'w' },
  ]);
  assert.equal((patched['data'] as JsonObject)['k'], 'w');
});

test('a failed test rejects the whole patch', () => {
  const document = configMap();
  assertRejected(
    [
      { op: 'replace', path: '/data/k', value: 'w' },
      { op: 'test', path: '/data/k', value: 'v' },
    ],
    'testing value /data/k failed: test failed',
    document,
  );
  assert.deepEqual(document, configMap());
  assertRejected([{ op: 'test', path: '/data/missing', value: 'v' }], 'testing value /data/missing failed: test failed');
  assertRejected([{ op: 'test', path: '/spec/x', value: 1 }], 'test operation does not apply: is missing path: /spec/x: missing value');
});

test('pointer segments unescape ~1 to / and ~0 to ~', () => {
  const patched = applyJsonPatch(configMap(), [
    { op: 'test', path: '/metadata/annotations/example.com~1owner', value: 'team~a' },
    { op: 'add', path: '/metadata/annotations/a~0b~1c', value: 'x' },
  ]);
  assert.deepEqual((patched['metadata'] as JsonObject)['annotations'], { 'example.com/owner': 'team~a', 'a~b/c': 'x' });
});

test('an unknown op is rejected when it is reached', () => {
  assertRejected([{ op: 'frobnicate', path: '/data/k' }], 'Unexpected kind: frobnicate');
  assertRejected([{ path: '/data/k' }], 'Unexpected kind: unknown');
});

test('an operation without its path or from is rejected', () => {
  assertRejected([{ op: 'add', value: 1 }], 'add operation failed to decode path: missing value');
  assertRejected([{ op: 'replace', value: 1 }], 'replace operation failed to decode path: operation missing path field: missing value');
  assertRejected([{ op: 'move', path: '/data/y' }], 'move operation failed to decode from: operation, missing from field: missing value');
});

test('a body that is not a list of operations is a bad request', () => {
  assertBadRequest({ op: 'add' }, 'error decoding patch: json: cannot unmarshal object into Go value of type []handlers.jsonPatchOp');
  assertBadRequest('add', 'error decoding patch: json: cannot unmarshal string into Go value of type []handlers.jsonPatchOp');
  assertBadRequest(['add'], 'error decoding patch: json: cannot unmarshal string into Go value of type handlers.jsonPatchOp');
  assertBadRequest(
    [{ op: 1, path: '/a' }],
    'error decoding patch: json: cannot unmarshal number into Go struct field jsonPatchOp.op of type string',
  );
});

test('a null body patches nothing', () => {
  assert.deepEqual(applyJsonPatch(configMap(), null), configMap());
});

test('a patch that turns the object into a list is invalid', () => {
  assert.throws(
    () => applyJsonPatch(configMap(), [{ op: 'replace', path: '', value: [1] }]),
    (error: unknown) => {
      assert.ok(error instanceof ApiError);
      assert.equal(error.status.code, 422);
      assert.equal(error.status.reason, 'Invalid');
      assert.match(error.status.message, /^ "" is invalid: patch: Invalid value: "\[1\]": couldn't get version\/kind; json parse error/);
      return true;
    },
  );
});

test('a JSON patch mutates neither the document nor the operations', () => {
  const document = configMap();
  const value = { nested: ['x'] };
  const operations = [
    { op: 'add', path: '/data/obj', value },
    { op: 'add', path: '/data/obj/nested/-', value: 'y' },
    { op: 'remove', path: '/data/list/0' },
  ];
  const before = structuredClone({ document, operations });
  const patched = applyJsonPatch(document, operations);
  assert.deepEqual((patched['data'] as JsonObject)['obj'], { nested: ['x', 'y'] });
  assert.deepEqual({ document, operations }, before);
});
