import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { JsonObject } from '../../../src/sim/json.ts';
import { builtinListTypes } from '../../../src/sim/list-types.ts';
import { applyStrategicMergePatch } from '../../../src/sim/patch/strategic-merge-patch.ts';
import { ApiError, type Status } from '../../../src/sim/status.ts';

const deploymentTypes = builtinListTypes('Deployment');

function deployment(): JsonObject {
  return {
    metadata: {
      name: 'web',
      labels: { app: 'web', tier: 'front' },
      finalizers: ['a', 'b'],
      ownerReferences: [
        { uid: 'u1', kind: 'Owner', name: 'one' },
        { uid: 'u2', kind: 'Owner', name: 'two' },
      ],
    },
    spec: {
      replicas: 1,
      template: {
        spec: {
          containers: [
            { name: 'app', image: 'app:1', args: ['--a', '--b'], env: [{ name: 'A', value: '1' }, { name: 'B', value: '2' }] },
            { name: 'sidecar', image: 'side:1' },
          ],
        },
      },
    },
    status: {
      conditions: [
        { type: 'Available', status: 'False' },
        { type: 'Progressing', status: 'True' },
      ],
    },
  };
}

/** The patch `{spec: {template: {spec: podSpec}}}`. */
function podSpecPatch(podSpec: JsonObject): JsonObject {
  return { spec: { template: { spec: podSpec } } };
}

function patched(patch: JsonObject): JsonObject {
  return applyStrategicMergePatch(deployment(), patch, deploymentTypes);
}

function podSpec(result: JsonObject): JsonObject {
  return ((result['spec'] as JsonObject)['template'] as JsonObject)['spec'] as JsonObject;
}

function metadata(result: JsonObject): JsonObject {
  return result['metadata'] as JsonObject;
}

function assertStatus(patch: JsonObject, expected: Omit<Status, 'kind' | 'apiVersion' | 'metadata' | 'status'>, cause?: string): void {
  assert.throws(
    () => patched(patch),
    (error: unknown) => {
      assert.ok(error instanceof ApiError);
      assert.deepEqual(error.status, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', ...expected });
      if (cause !== undefined) assert.equal((error.cause as Error).message, cause);
      return true;
    },
  );
}

function assertServerError(patch: JsonObject, message: string): void {
  // The apiserver leaves an empty reason out of the body.
  assertStatus(patch, { message, code: 500 });
}

function assertBadRequest(patch: JsonObject, message: string): void {
  assertStatus(patch, { message, reason: 'BadRequest', code: 400 });
}

test('maps merge recursively and a null deletes the key', () => {
  const result = patched({ metadata: { labels: { tier: null, team: 'x' } }, spec: { replicas: 3 } });
  assert.deepEqual(metadata(result)['labels'], { app: 'web', team: 'x' });
  assert.equal((result['spec'] as JsonObject)['replicas'], 3);
});

test('values new to the object lose their nulls', () => {
  const result = patched({ metadata: { annotations: { a: '1', b: null } } });
  assert.deepEqual(metadata(result)['annotations'], { a: '1' });
});

test('containers merge by name, keeping their place', () => {
  const result = patched(podSpecPatch({ containers: [{ name: 'sidecar', image: 'side:2' }] }));
  assert.deepEqual(podSpec(result)['containers'], [
    { name: 'app', image: 'app:1', args: ['--a', '--b'], env: [{ name: 'A', value: '1' }, { name: 'B', value: '2' }] },
    { name: 'sidecar', image: 'side:2' },
  ]);
});

test('a new item of a merging list goes before the existing items, as apimachinery orders it', () => {
  const result = patched(podSpecPatch({ containers: [{ name: 'init', image: 'init:1' }] }));
  assert.deepEqual(
    (podSpec(result)['containers'] as JsonObject[]).map((container) => container['name']),
    ['init', 'app', 'sidecar'],
  );
});

test('patch items keep the patch order after the existing items they follow', () => {
  const result = patched(podSpecPatch({ containers: [{ name: 'sidecar', image: 'side:2' }, { name: 'extra', image: 'x:1' }] }));
  assert.deepEqual(
    (podSpec(result)['containers'] as JsonObject[]).map((container) => [container['name'], container['image']]),
    [
      ['app', 'app:1'],
      ['sidecar', 'side:2'],
      ['extra', 'x:1'],
    ],
  );
});

test('env merges by name inside a container, patched items taking the order of the patch', () => {
  const result = patched(podSpecPatch({ containers: [{ name: 'app', env: [{ name: 'B', value: '3' }, { name: 'A', value: null }] }] }));
  assert.deepEqual((podSpec(result)['containers'] as JsonObject[])[0], {
    name: 'app',
    image: 'app:1',
    args: ['--a', '--b'],
    env: [{ name: 'B', value: '3' }, { name: 'A' }],
  });
});

test('an atomic list is replaced whole', () => {
  const result = patched(podSpecPatch({ containers: [{ name: 'app', args: ['--c'] }] }));
  assert.deepEqual((podSpec(result)['containers'] as JsonObject[])[0]?.['args'], ['--c']);
});

test('finalizers merge as a set: new ones first, existing ones not repeated', () => {
  assert.deepEqual(metadata(patched({ metadata: { finalizers: ['c'] } }))['finalizers'], ['c', 'a', 'b']);
  assert.deepEqual(metadata(patched({ metadata: { finalizers: ['b', 'c'] } }))['finalizers'], ['a', 'b', 'c']);
});

test('$deleteFromPrimitiveList removes values from a primitive list', () => {
  const result = patched({ metadata: { '$deleteFromPrimitiveList/finalizers': ['a', 'x'] } });
  assert.deepEqual(metadata(result)['finalizers'], ['b']);
});

test('$deleteFromPrimitiveList of a list the object does not have changes nothing', () => {
  const result = patched({ metadata: { '$deleteFromPrimitiveList/missing': ['a'] } });
  assert.deepEqual(metadata(result), metadata(deployment()));
});

test('$setElementOrder orders a primitive list and places new items', () => {
  const result = patched({ metadata: { '$setElementOrder/finalizers': ['b', 'c', 'a'], finalizers: ['c'] } });
  assert.deepEqual(metadata(result)['finalizers'], ['b', 'c', 'a']);
});

test('$setElementOrder orders a merging list, items it does not name first', () => {
  const result = patched(
    podSpecPatch({
      '$setElementOrder/containers': [{ name: 'sidecar' }, { name: 'new' }],
      containers: [{ name: 'new', image: 'n:1' }],
    }),
  );
  assert.deepEqual(
    (podSpec(result)['containers'] as JsonObject[]).map((container) => container['name']),
    ['app', 'sidecar', 'new'],
  );
});

test('ownerReferences merge by uid', () => {
  const result = patched({ metadata: { ownerReferences: [{ uid: 'u2', name: 'renamed' }] } });
  assert.deepEqual(metadata(result)['ownerReferences'], [
    { uid: 'u1', kind: 'Owner', name: 'one' },
    { uid: 'u2', kind: 'Owner', name: 'renamed' },
  ]);
});

test('status conditions merge by type', () => {
  const result = patched({ status: { conditions: [{ type: 'Available', status: 'True' }] } });
  assert.deepEqual((result['status'] as JsonObject)['conditions'], [
    { type: 'Available', status: 'True' },
    { type: 'Progressing', status: 'True' },
  ]);
});

test('$patch: replace in a map replaces the whole map with the rest of the patch', () => {
  const result = patched({ metadata: { labels: { $patch: 'replace', only: 'this', gone: null } } });
  assert.deepEqual(metadata(result)['labels'], { only: 'this' });
});

test('$patch: delete in a map leaves an empty map, as apimachinery does', () => {
  const result = patched({ metadata: { labels: { $patch: 'delete' } } });
  assert.deepEqual(metadata(result)['labels'], {});
});

test('$patch: replace as an item of a merging list replaces the list with the other items', () => {
  const result = patched(podSpecPatch({ containers: [{ name: 'only', image: 'o:1' }, { $patch: 'replace' }] }));
  assert.deepEqual(podSpec(result)['containers'], [{ name: 'only', image: 'o:1' }]);
});

test('$patch: delete as an item of a merging list deletes the item with that key', () => {
  const result = patched(podSpecPatch({ containers: [{ name: 'app', $patch: 'delete' }] }));
  assert.deepEqual(podSpec(result)['containers'], [{ name: 'sidecar', image: 'side:1' }]);
});

test('$retainKeys keeps only the listed keys after merging', () => {
  const result = patched({ spec: { $retainKeys: ['template', 'strategy'], strategy: { type: 'Recreate' } } });
  assert.deepEqual(Object.keys(result['spec'] as JsonObject).sort(), ['strategy', 'template']);
  assert.deepEqual((result['spec'] as JsonObject)['strategy'], { type: 'Recreate' });
});

test('a patch field missing from $retainKeys, or a $retainKeys that is not a list, is a bad request', () => {
  assertBadRequest({ spec: { $retainKeys: ['template'], replicas: 2 } }, 'invalid patch format of retainKeys');
  assertBadRequest({ spec: { $retainKeys: 'template' } }, 'invalid patch format of retainKeys');
});

test('malformed list directives are bad requests', () => {
  assertBadRequest({ metadata: { $deleteFromPrimitiveList: ['a'] } }, 'invalid patch format of primitive list');
  assertBadRequest({ metadata: { $setElementOrder: ['a'] } }, 'invalid patch format of setElementOrder list');
});

test('an unknown $patch value is a server error naming it', () => {
  assertServerError({ metadata: { labels: { $patch: 'bogus', a: 1 } } }, 'unknown patch type: bogus in map: map[$patch:bogus a:1]');
  assertServerError(podSpecPatch({ containers: [{ name: 'app', $patch: 7 }] }), 'unknown patch type: %!s(int64=7) in map: map[$patch:7 name:app]');
});

test('$patch: merge is refused in a map and in a list', () => {
  assertServerError({ metadata: { labels: { $patch: 'merge' } } }, 'unknown patch type: merge in map: map[$patch:merge]');
  assertServerError(podSpecPatch({ containers: [{ $patch: 'merge' }] }), 'merging lists cannot yet be specified in the patch');
});

test('an item of a merging list without its merge key is a server error', () => {
  assertServerError(podSpecPatch({ containers: [{ image: 'nginx' }] }), 'map: map[image:nginx] does not contain declared merge key: name');
});

test('a $setElementOrder that contradicts the patch list is a server error', () => {
  assertServerError(
    podSpecPatch({ '$setElementOrder/containers': [{ name: 'app' }], containers: [{ name: 'sidecar', image: 's:2' }] }),
    "the order in patch list:\n[map[image:s:2 name:sidecar]]\n doesn't match $setElementOrder list:\n[map[name:app]]",
  );
});

test('a list of lists is rejected as the apiserver rejects it', () => {
  const original = { metadata: { finalizers: [] } };
  assert.throws(
    () => applyStrategicMergePatch(original, { metadata: { finalizers: [['a']] } }, deploymentTypes),
    (error: unknown) => {
      assert.ok(error instanceof ApiError);
      assert.equal(error.status.code, 422);
      assert.equal(error.status.message, 'the server rejected our request due to an error in our request');
      assert.equal((error.cause as Error).message, 'lists of lists are not supported');
      return true;
    },
  );
});

test('list elements of different types are a server error', () => {
  assertServerError({ metadata: { finalizers: [1] } }, 'list element types are not identical: [[a b] [1]]');
});

test('a value of another type replaces the original value', () => {
  const result = patched({ metadata: { labels: ['x'] }, spec: { template: 'flat' } });
  assert.deepEqual(metadata(result)['labels'], ['x']);
  assert.equal((result['spec'] as JsonObject)['template'], 'flat');
});

test('a strategic merge patch mutates neither its inputs nor shares objects with them', () => {
  const original = deployment();
  const patch = podSpecPatch({ containers: [{ name: 'new', image: 'n:1', env: [{ name: 'X', value: 'y' }] }] });
  const before = structuredClone({ original, patch });
  const result = applyStrategicMergePatch(original, patch, deploymentTypes);
  assert.deepEqual({ original, patch }, before);
  ((podSpec(result)['containers'] as JsonObject[])[0]?.['env'] as JsonObject[]).push({ name: 'Z' });
  (metadata(result)['labels'] as JsonObject)['app'] = 'changed';
  assert.deepEqual({ original, patch }, before);
});
