import assert from 'node:assert/strict';
import { it } from 'node:test';
import type { ClientNodeModule, JsonObject, JsonValue } from '../../../src/sim/index.ts';
import { forEachClientNode, patchAs, rejection, type Harness } from './harness.ts';

const NAMESPACE = 'default';
const WIDGETS = { group: 'probe.dev', version: 'v1', namespace: NAMESPACE, plural: 'widgets' } as const;
/** The field manager the ConfigMap cases write as (the one derived from the User-Agent differs between releases). */
const MANAGER = 'conformance';
/** The simulated clock's time, as client-node hands a timestamp back (a Date, JSON-encoded). */
const TIME = '2025-01-01T00:00:00.000Z';

/** The Status body of a failure, as the apiserver encodes it (`details` only when given). */
function status(code: number, reason: string, message: string, details?: JsonObject): JsonObject {
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, ...(details ? { details } : {}), code };
}

/** What the client returned as plain JSON: model classes become objects, Dates ISO text. */
function plain(value: unknown): JsonObject {
  return JSON.parse(JSON.stringify(value)) as JsonObject;
}

function metadataOf(object: JsonObject): JsonObject {
  return object['metadata'] as JsonObject;
}

/** A copy without `metadata.managedFields`, for kinds whose field sets other conformance cases cover. */
function withoutManagedFields(value: unknown): JsonObject {
  const object = plain(value);
  delete metadataOf(object)['managedFields'];
  return object;
}

/** The one managed-fields entry of a single `Update` writer at the simulated time. */
function updateEntry(fieldsV1: JsonObject, manager = MANAGER): JsonObject {
  return { apiVersion: 'v1', fieldsType: 'FieldsV1', fieldsV1, manager, operation: 'Update', time: TIME };
}

/** Per-call options that send `text` verbatim as the body (the generated methods refuse a null body) with `contentType`. */
function rawBody(k8s: ClientNodeModule, contentType: string, text: string): ReturnType<typeof patchAs> {
  const header = k8s.setHeaderMiddleware('Content-Type', contentType);
  return {
    middleware: [
      {
        pre: (context) => {
          context.setBody(text);
          return header.pre(context);
        },
        post: (response) => header.post(response),
      },
    ],
    middlewareMergeStrategy: 'append',
  };
}

async function createConfigMap({ core }: Harness, data: Record<string, string>, metadata: JsonObject = {}): Promise<JsonObject> {
  return plain(await core.createNamespacedConfigMap({ namespace: NAMESPACE, fieldManager: MANAGER, body: { metadata: { name: 'a', ...metadata }, data } }));
}

async function createWidget({ custom }: Harness, spec: JsonObject): Promise<JsonObject> {
  return plain(await custom.createNamespacedCustomObject({ ...WIDGETS, body: { apiVersion: 'probe.dev/v1', kind: 'Widget', metadata: { name: 'w' }, spec } }));
}

interface ContainerSpec {
  name: string;
  image: string;
  env?: { name: string; value: string }[];
}

async function createDeployment({ apps }: Harness, containers: ContainerSpec[], metadata: JsonObject = {}): Promise<JsonObject> {
  const body = {
    metadata: { name: 'd', ...metadata },
    spec: { selector: { matchLabels: { app: 'd' } }, template: { metadata: { labels: { app: 'd' } }, spec: { containers } } },
  };
  return plain(await apps.createNamespacedDeployment({ namespace: NAMESPACE, body }));
}

/**
 * The containers of a Deployment as the patch left them: name, image and env only, because the real
 * apiserver also fills in defaults (imagePullPolicy, terminationMessagePath, ...) that are not under test.
 */
function containersOf(deployment: unknown): JsonValue[] {
  const object = JSON.parse(JSON.stringify(deployment)) as { spec: { template: { spec: { containers: ContainerSpec[] } } } };
  return object.spec.template.spec.containers.map(({ name, image, env }) => plain({ name, image, env }));
}

function patchDeployment({ apps, k8s }: Harness, body: JsonObject) {
  return apps.patchNamespacedDeploymentWithHttpInfo({ name: 'd', namespace: NAMESPACE, body }, patchAs(k8s, k8s.PatchStrategy.StrategicMergePatch));
}

forEachClientNode('patch (PATCH)', (setup) => {
  // ---- JSON merge patch

  it('merge patch: sets keys, deletes keys set to null, keeps the rest and bumps resourceVersion', async () => {
    const harness = await setup();
    const { core, k8s } = harness;
    const created = await createConfigMap(harness, { a: '1', b: '2' });
    const response = await core.patchNamespacedConfigMapWithHttpInfo(
      { name: 'a', namespace: NAMESPACE, fieldManager: MANAGER, body: { data: { b: null, c: '3' }, metadata: { labels: { team: 'x' } } } },
      patchAs(k8s, k8s.PatchStrategy.MergePatch),
    );
    assert.equal(response.httpStatusCode, 200);
    const patched = plain(response.data);
    assert.ok(Number(metadataOf(patched)['resourceVersion']) > Number(metadataOf(created)['resourceVersion']));
    assert.deepEqual(patched, {
      ...created,
      metadata: {
        ...metadataOf(created),
        labels: { team: 'x' },
        resourceVersion: metadataOf(patched)['resourceVersion'],
        managedFields: [updateEntry({ 'f:data': { '.': {}, 'f:a': {}, 'f:c': {} }, 'f:metadata': { 'f:labels': { '.': {}, 'f:team': {} } } })],
      },
      data: { a: '1', c: '3' },
    });
  });

  it('merge patch: merges nested maps and replaces lists whole, list-type maps included', async () => {
    const harness = await setup();
    const { custom, k8s } = harness;
    const created = await createWidget(harness, {
      size: 1,
      selector: { a: '1', b: '2' },
      ports: [{ name: 'http', port: 80 }, { name: 'https', port: 443 }],
      tags: ['x', 'y'],
    });
    const patched = await custom.patchNamespacedCustomObjectWithHttpInfo(
      { ...WIDGETS, name: 'w', body: { spec: { selector: { b: null, c: '3' }, ports: [{ name: 'metrics', port: 9090 }], tags: ['z'] } } },
      patchAs(k8s, k8s.PatchStrategy.MergePatch),
    );
    assert.equal(patched.httpStatusCode, 200);
    const expected = withoutManagedFields(created);
    assert.deepEqual(withoutManagedFields(patched.data), {
      ...expected,
      metadata: { ...metadataOf(expected), generation: 2, resourceVersion: metadataOf(plain(patched.data))['resourceVersion'] },
      spec: { size: 1, selector: { a: '1', c: '3' }, ports: [{ name: 'metrics', port: 9090 }], tags: ['z'] },
    });
  });

  it('merge patch: a body that is not an object is 400 BadRequest', async () => {
    const harness = await setup();
    const { core, k8s } = harness;
    const created = await createConfigMap(harness, { a: '1' });
    const merge = k8s.PatchStrategy.MergePatch;
    const list = await rejection(core.patchNamespacedConfigMap({ name: 'a', namespace: NAMESPACE, body: [{ data: {} }] }, patchAs(k8s, merge)), 400);
    assert.deepEqual(list, status(400, 'BadRequest', 'error decoding patch: json: cannot unmarshal array into Go value of type map[string]interface {}'));
    // evanphx/json-patch's ErrBadJSONPatch; the generated methods refuse a null body, so it goes in verbatim.
    const nothing = await rejection(core.patchNamespacedConfigMap({ name: 'a', namespace: NAMESPACE, body: {} }, rawBody(k8s, merge, 'null')), 400);
    assert.deepEqual(nothing, status(400, 'BadRequest', 'Invalid JSON Patch'));
    assert.deepEqual(plain(await core.readNamespacedConfigMap({ name: 'a', namespace: NAMESPACE })), created);
  });

  // ---- JSON patch

  it('json patch (the client default): applies add, remove, replace, move, copy and test in order', async () => {
    const harness = await setup();
    const created = await createConfigMap(harness, { a: '1', b: '2', c: '3' });
    const response = await harness.core.patchNamespacedConfigMapWithHttpInfo({
      name: 'a',
      namespace: NAMESPACE,
      fieldManager: MANAGER,
      body: [
        { op: 'test', path: '/data/a', value: '1' },
        { op: 'add', path: '/data/d', value: '4' },
        { op: 'remove', path: '/data/b' },
        { op: 'replace', path: '/data/c', value: '30' },
        { op: 'move', from: '/data/a', path: '/data/e' },
        { op: 'add', path: '/metadata/labels', value: {} },
        { op: 'copy', from: '/data/d', path: '/metadata/labels/d' },
        { op: 'test', path: '/data/e', value: '1' },
      ],
    });
    assert.equal(response.httpStatusCode, 200);
    const patched = plain(response.data);
    assert.deepEqual(patched, {
      ...created,
      metadata: {
        ...metadataOf(created),
        labels: { d: '4' },
        resourceVersion: metadataOf(patched)['resourceVersion'],
        managedFields: [updateEntry({ 'f:data': { '.': {}, 'f:c': {}, 'f:d': {}, 'f:e': {} }, 'f:metadata': { 'f:labels': { '.': {}, 'f:d': {} } } })],
      },
      data: { c: '30', d: '4', e: '1' },
    });
  });

  it('json patch: addresses list items by index and appends with "-"', async () => {
    const harness = await setup();
    const { custom, k8s } = harness;
    const created = await createWidget(harness, { items: ['a', 'c'] });
    const response = await custom.patchNamespacedCustomObjectWithHttpInfo(
      {
        ...WIDGETS,
        name: 'w',
        body: [
          { op: 'add', path: '/spec/items/1', value: 'b' },
          { op: 'add', path: '/spec/items/-', value: 'd' },
          { op: 'remove', path: '/spec/items/0' },
          { op: 'replace', path: '/spec/items/2', value: 'e' },
        ],
      },
      patchAs(k8s, k8s.PatchStrategy.JsonPatch),
    );
    assert.equal(response.httpStatusCode, 200);
    const expected = withoutManagedFields(created);
    assert.deepEqual(withoutManagedFields(response.data), {
      ...expected,
      metadata: { ...metadataOf(expected), generation: 2, resourceVersion: metadataOf(plain(response.data))['resourceVersion'] },
      spec: { items: ['b', 'c', 'e'] },
    });
  });

  it('json patch: a failed test is 422 Invalid with the generic message and changes nothing', async () => {
    const harness = await setup();
    const { core, k8s } = harness;
    const created = await createConfigMap(harness, { a: '1' });
    const body = [
      { op: 'replace', path: '/data/a', value: '2' },
      { op: 'test', path: '/data/a', value: '1' },
    ];
    const failure = await rejection(core.patchNamespacedConfigMap({ name: 'a', namespace: NAMESPACE, body }, patchAs(k8s, k8s.PatchStrategy.JsonPatch)), 422);
    assert.deepEqual(failure, status(422, 'Invalid', 'the server rejected our request due to an error in our request', {}));
    assert.deepEqual(plain(await core.readNamespacedConfigMap({ name: 'a', namespace: NAMESPACE })), created);
  });

  it('json patch: an operation on a path that does not exist is 422 Invalid', async () => {
    const harness = await setup();
    const { core, k8s } = harness;
    await createConfigMap(harness, { a: '1' });
    const options = patchAs(k8s, k8s.PatchStrategy.JsonPatch);
    const generic = status(422, 'Invalid', 'the server rejected our request due to an error in our request', {});
    for (const operation of [
      { op: 'remove', path: '/data/missing' },
      { op: 'replace', path: '/metadata/labels/x', value: 'y' },
      { op: 'add', path: '/spec/missing/x', value: 'y' },
      { op: 'move', from: '/data/missing', path: '/data/b' },
    ]) {
      const failure = await rejection(core.patchNamespacedConfigMap({ name: 'a', namespace: NAMESPACE, body: [operation] }, options), 422);
      assert.deepEqual(failure, generic, JSON.stringify(operation));
    }
  });

  // ---- strategic merge patch

  it('strategic merge patch: merges containers by name and their env by name', async () => {
    const harness = await setup();
    await createDeployment(harness, [
      { name: 'app', image: 'app:1', env: [{ name: 'A', value: '1' }, { name: 'B', value: '1' }] },
      { name: 'sidecar', image: 'sidecar:1' },
    ]);
    const response = await patchDeployment(harness, {
      spec: {
        template: {
          spec: {
            containers: [
              { name: 'app', image: 'app:2', env: [{ name: 'B', value: '2' }, { name: 'C', value: '3' }] },
              { name: 'extra', image: 'extra:1' },
            ],
          },
        },
      },
    });
    assert.equal(response.httpStatusCode, 200);
    // Items the patch names come in its order; the others keep their place relative to the ones the list had.
    assert.deepEqual(containersOf(response.data), [
      { name: 'app', image: 'app:2', env: [{ name: 'A', value: '1' }, { name: 'B', value: '2' }, { name: 'C', value: '3' }] },
      { name: 'extra', image: 'extra:1' },
      { name: 'sidecar', image: 'sidecar:1' },
    ]);
    assert.equal(response.data.metadata?.generation, 2);
  });

  it('strategic merge patch: `$patch: replace` replaces the whole list', async () => {
    const harness = await setup();
    await createDeployment(harness, [{ name: 'app', image: 'app:1' }, { name: 'sidecar', image: 'sidecar:1' }]);
    const response = await patchDeployment(harness, {
      spec: { template: { spec: { containers: [{ name: 'only', image: 'only:1' }, { $patch: 'replace' }] } } },
    });
    assert.equal(response.httpStatusCode, 200);
    assert.deepEqual(containersOf(response.data), [{ name: 'only', image: 'only:1' }]);
  });

  it('strategic merge patch: `$patch: delete` removes the list item with that key', async () => {
    const harness = await setup();
    await createDeployment(harness, [{ name: 'app', image: 'app:1' }, { name: 'sidecar', image: 'sidecar:1' }]);
    const response = await patchDeployment(harness, {
      spec: { template: { spec: { containers: [{ name: 'sidecar', $patch: 'delete' }] } } },
    });
    assert.equal(response.httpStatusCode, 200);
    assert.deepEqual(containersOf(response.data), [{ name: 'app', image: 'app:1' }]);
  });

  it('strategic merge patch: merges finalizers as a set and removes them with $deleteFromPrimitiveList', async () => {
    const harness = await setup();
    await createDeployment(harness, [{ name: 'app', image: 'app:1' }], { finalizers: ['example.com/a', 'example.com/b'] });
    const added = await patchDeployment(harness, { metadata: { finalizers: ['example.com/c', 'example.com/a'] } });
    assert.equal(added.httpStatusCode, 200);
    assert.deepEqual(added.data.metadata?.finalizers, ['example.com/c', 'example.com/a', 'example.com/b']);
    const removed = await patchDeployment(harness, { metadata: { '$deleteFromPrimitiveList/finalizers': ['example.com/b'] } });
    assert.equal(removed.httpStatusCode, 200);
    assert.deepEqual(removed.data.metadata?.finalizers, ['example.com/c', 'example.com/a']);
    assert.equal(removed.data.metadata?.generation, 1);
  });

  it('strategic merge patch: merges ownerReferences by uid', async () => {
    const harness = await setup();
    const owner = (name: string, uid: string) => ({ apiVersion: 'v1', kind: 'ConfigMap', name, uid });
    await createDeployment(harness, [{ name: 'app', image: 'app:1' }], { ownerReferences: [owner('first', 'uid-1')] });
    const response = await patchDeployment(harness, {
      metadata: { ownerReferences: [{ uid: 'uid-1', blockOwnerDeletion: true }, owner('second', 'uid-2')] },
    });
    assert.equal(response.httpStatusCode, 200);
    assert.deepEqual(plain(response.data.metadata?.ownerReferences), [{ ...owner('first', 'uid-1'), blockOwnerDeletion: true }, owner('second', 'uid-2')]);
  });

  it('strategic merge patch: a body that is not an object is 400 BadRequest; null changes nothing', async () => {
    const harness = await setup();
    const { core, k8s } = harness;
    const created = await createConfigMap(harness, { a: '1' });
    const strategic = k8s.PatchStrategy.StrategicMergePatch;
    const list = await rejection(core.patchNamespacedConfigMap({ name: 'a', namespace: NAMESPACE, body: ['a'] }, patchAs(k8s, strategic)), 400);
    assert.deepEqual(list, status(400, 'BadRequest', 'json: cannot unmarshal array into Go value of type map[string]interface {}'));
    const text = await rejection(core.patchNamespacedConfigMap({ name: 'a', namespace: NAMESPACE, body: 'a' }, patchAs(k8s, strategic)), 400);
    assert.deepEqual(text, status(400, 'BadRequest', 'json: cannot unmarshal string into Go value of type map[string]interface {}'));
    const response = await core.patchNamespacedConfigMapWithHttpInfo({ name: 'a', namespace: NAMESPACE, body: {} }, rawBody(k8s, strategic, 'null'));
    assert.equal(response.httpStatusCode, 200);
    assert.deepEqual(plain(response.data), created);
  });

  it('strategic merge patch of a custom resource is 415 UnsupportedMediaType', async () => {
    const harness = await setup();
    const { custom, k8s } = harness;
    const created = await createWidget(harness, { size: 1 });
    const failure = await rejection(
      custom.patchNamespacedCustomObject({ ...WIDGETS, name: 'w', body: { spec: { size: 2 } } }, patchAs(k8s, k8s.PatchStrategy.StrategicMergePatch)),
      415,
    );
    assert.deepEqual(
      failure,
      status(
        415,
        'UnsupportedMediaType',
        'the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml',
      ),
    );
    assert.deepEqual(plain(await custom.getNamespacedCustomObject({ ...WIDGETS, name: 'w' })), created);
  });

  // ---- preconditions, options and identity

  it('a stale metadata.resourceVersion in a merge patch is 409 Conflict', async () => {
    const harness = await setup();
    const { core, k8s } = harness;
    const created = await createConfigMap(harness, { a: '1' });
    const options = patchAs(k8s, k8s.PatchStrategy.MergePatch);
    const current = plain(await core.patchNamespacedConfigMap({ name: 'a', namespace: NAMESPACE, body: { data: { a: '2' } } }, options));
    const body = { metadata: { resourceVersion: metadataOf(created)['resourceVersion'] }, data: { a: '3' } };
    const failure = await rejection(core.patchNamespacedConfigMap({ name: 'a', namespace: NAMESPACE, body }, options), 409);
    assert.deepEqual(
      failure,
      status(409, 'Conflict', 'Operation cannot be fulfilled on configmaps "a": the object has been modified; please apply your changes to the latest version and try again', {
        name: 'a',
        kind: 'configmaps',
      }),
    );
    assert.deepEqual(plain(await core.readNamespacedConfigMap({ name: 'a', namespace: NAMESPACE })), current);
  });

  it('the current metadata.resourceVersion in a merge patch is accepted', async () => {
    const harness = await setup();
    const { core, k8s } = harness;
    const created = await createConfigMap(harness, { a: '1' });
    const response = await core.patchNamespacedConfigMapWithHttpInfo(
      { name: 'a', namespace: NAMESPACE, fieldManager: MANAGER, body: { metadata: { resourceVersion: metadataOf(created)['resourceVersion'] }, data: { a: '2' } } },
      patchAs(k8s, k8s.PatchStrategy.MergePatch),
    );
    assert.equal(response.httpStatusCode, 200);
    const patched = plain(response.data);
    assert.ok(Number(metadataOf(patched)['resourceVersion']) > Number(metadataOf(created)['resourceVersion']));
    assert.deepEqual(patched, { ...created, metadata: { ...metadataOf(created), resourceVersion: metadataOf(patched)['resourceVersion'] }, data: { a: '2' } });
  });

  it('a patch of a missing object is 404 NotFound, whatever the patch type', async () => {
    const { core, k8s } = await setup();
    const notFound = status(404, 'NotFound', 'configmaps "a" not found', { name: 'a', kind: 'configmaps' });
    const bodies: [string, JsonValue][] = [
      [k8s.PatchStrategy.JsonPatch, [{ op: 'add', path: '/data', value: {} }]],
      [k8s.PatchStrategy.MergePatch, { data: { a: '1' } }],
      [k8s.PatchStrategy.StrategicMergePatch, { data: { a: '1' } }],
    ];
    for (const [contentType, body] of bodies) {
      const failure = await rejection(core.patchNamespacedConfigMap({ name: 'a', namespace: NAMESPACE, body }, patchAs(k8s, contentType)), 404);
      assert.deepEqual(failure, notFound, contentType);
    }
  });

  it('force on a non-apply patch is 422 Invalid PatchOptions, before the object is looked up', async () => {
    const { core, k8s } = await setup();
    const failure = await rejection(
      core.patchNamespacedConfigMap({ name: 'a', namespace: NAMESPACE, body: { data: { a: '1' } }, force: false }, patchAs(k8s, k8s.PatchStrategy.MergePatch)),
      422,
    );
    assert.deepEqual(
      failure,
      status(422, 'Invalid', 'PatchOptions.meta.k8s.io "" is invalid: force: Forbidden: may not be specified for non-apply patch', {
        group: 'meta.k8s.io',
        kind: 'PatchOptions',
        causes: [{ reason: 'FieldValueForbidden', message: 'Forbidden: may not be specified for non-apply patch', field: 'force' }],
      }),
    );
  });

  it('a patch that changes nothing keeps the resourceVersion', async () => {
    const harness = await setup();
    const { core, k8s } = harness;
    const created = await createConfigMap(harness, { a: '1' });
    const merged = await core.patchNamespacedConfigMapWithHttpInfo(
      { name: 'a', namespace: NAMESPACE, body: { data: { a: '1' } } },
      patchAs(k8s, k8s.PatchStrategy.MergePatch),
    );
    assert.equal(merged.httpStatusCode, 200);
    assert.deepEqual(plain(merged.data), created);
    const tested = await core.patchNamespacedConfigMapWithHttpInfo({ name: 'a', namespace: NAMESPACE, body: [{ op: 'test', path: '/data/a', value: '1' }] });
    assert.equal(tested.httpStatusCode, 200);
    assert.deepEqual(plain(tested.data), created);
  });

  it('removing metadata.uid or metadata.namespace in a patch keeps them', async () => {
    const harness = await setup();
    const { core, k8s } = harness;
    const created = await createConfigMap(harness, { a: '1' });
    const response = await core.patchNamespacedConfigMapWithHttpInfo(
      { name: 'a', namespace: NAMESPACE, body: { metadata: { uid: null, namespace: null } } },
      patchAs(k8s, k8s.PatchStrategy.MergePatch),
    );
    assert.equal(response.httpStatusCode, 200);
    assert.deepEqual(plain(response.data), created);
  });

  it('changing metadata.uid is 422 Invalid: field is immutable', async () => {
    const harness = await setup();
    const { core, k8s } = harness;
    const created = await createConfigMap(harness, { a: '1' });
    const failure = await rejection(
      core.patchNamespacedConfigMap({ name: 'a', namespace: NAMESPACE, body: { metadata: { uid: 'someone-else' } } }, patchAs(k8s, k8s.PatchStrategy.MergePatch)),
      422,
    );
    // Both validateCommonFields and the ConfigMap strategy's ValidateUpdate report it; the message lists it once.
    const cause = { reason: 'FieldValueInvalid', message: 'Invalid value: "someone-else": field is immutable', field: 'metadata.uid' };
    assert.deepEqual(
      failure,
      status(422, 'Invalid', 'ConfigMap "a" is invalid: metadata.uid: Invalid value: "someone-else": field is immutable', {
        name: 'a',
        kind: 'ConfigMap',
        causes: [cause, cause],
      }),
    );
    assert.deepEqual(plain(await core.readNamespacedConfigMap({ name: 'a', namespace: NAMESPACE })), created);
  });

  it('changing metadata.name or metadata.namespace is 400 BadRequest: the object must stay the one the URL names', async () => {
    const harness = await setup();
    const { core, k8s } = harness;
    const created = await createConfigMap(harness, { a: '1' });
    const options = patchAs(k8s, k8s.PatchStrategy.MergePatch);
    const renamed = await rejection(core.patchNamespacedConfigMap({ name: 'a', namespace: NAMESPACE, body: { metadata: { name: 'b' } } }, options), 400);
    assert.deepEqual(renamed, status(400, 'BadRequest', 'the name of the object (b) does not match the name on the URL (a)'));
    const unnamed = await rejection(core.patchNamespacedConfigMap({ name: 'a', namespace: NAMESPACE, body: [{ op: 'remove', path: '/metadata/name' }] }), 400);
    assert.deepEqual(unnamed, status(400, 'BadRequest', 'the name of the object () does not match the name on the URL (a)'));
    const moved = await rejection(core.patchNamespacedConfigMap({ name: 'a', namespace: NAMESPACE, body: { metadata: { namespace: 'kube-system' } } }, options), 400);
    assert.deepEqual(moved, status(400, 'BadRequest', 'the namespace of the provided object does not match the namespace sent on the request'));
    assert.deepEqual(plain(await core.readNamespacedConfigMap({ name: 'a', namespace: NAMESPACE })), created);
  });

  // ---- status subresource and generation

  it('a patch of the main endpoint ignores status', async () => {
    const harness = await setup();
    const { custom, k8s } = harness;
    const created = await createWidget(harness, { size: 1 });
    const response = await custom.patchNamespacedCustomObjectWithHttpInfo(
      { ...WIDGETS, name: 'w', body: { spec: { size: 2 }, status: { ready: true } } },
      patchAs(k8s, k8s.PatchStrategy.MergePatch),
    );
    assert.equal(response.httpStatusCode, 200);
    const expected = withoutManagedFields(created);
    assert.deepEqual(withoutManagedFields(response.data), {
      ...expected,
      metadata: { ...metadataOf(expected), generation: 2, resourceVersion: metadataOf(plain(response.data))['resourceVersion'] },
      spec: { size: 2 },
    });
  });

  it('a patch of /status changes only status', async () => {
    const harness = await setup();
    const { custom, k8s } = harness;
    const created = await createWidget(harness, { size: 1 });
    const response = await custom.patchNamespacedCustomObjectStatusWithHttpInfo(
      { ...WIDGETS, name: 'w', body: { metadata: { labels: { sneaky: 'yes' } }, spec: { size: 9 }, status: { ready: true } } },
      patchAs(k8s, k8s.PatchStrategy.MergePatch),
    );
    assert.equal(response.httpStatusCode, 200);
    const expected = withoutManagedFields(created);
    assert.deepEqual(withoutManagedFields(response.data), {
      ...expected,
      metadata: { ...metadataOf(expected), resourceVersion: metadataOf(plain(response.data))['resourceVersion'] },
      status: { ready: true },
    });
  });

  it('a spec patch of a custom resource bumps generation; a metadata patch does not', async () => {
    const harness = await setup();
    const { custom, k8s } = harness;
    await createWidget(harness, { size: 1 });
    const labelled = await custom.patchNamespacedCustomObjectWithHttpInfo(
      { ...WIDGETS, name: 'w', body: { metadata: { labels: { a: 'b' } } } },
      patchAs(k8s, k8s.PatchStrategy.MergePatch),
    );
    assert.equal(labelled.httpStatusCode, 200);
    assert.equal(metadataOf(plain(labelled.data))['generation'], 1);
    const resized = await custom.patchNamespacedCustomObjectWithHttpInfo(
      { ...WIDGETS, name: 'w', body: [{ op: 'replace', path: '/spec/size', value: 5 }] },
      patchAs(k8s, k8s.PatchStrategy.JsonPatch),
    );
    assert.equal(resized.httpStatusCode, 200);
    assert.equal(metadataOf(plain(resized.data))['generation'], 2);
    assert.deepEqual(plain(resized.data)['spec'], { size: 5 });
  });
});
