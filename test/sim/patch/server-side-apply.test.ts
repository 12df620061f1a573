import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { JsonObject } from '../../../src/sim/json.ts';
import { customResourceListTypes } from '../../../src/sim/list-types.ts';
import { recordUpdate } from '../../../src/sim/patch/managed-fields.ts';
import { serverSideApply, type ServerSideApplyArgs } from '../../../src/sim/patch/server-side-apply.ts';
import { ApiError, type Status } from '../../../src/sim/status.ts';
import { T1, T2, T3, T4, configMaps, deployments, configMap, managedFieldsOf } from './fixtures.ts';

type ApplyOptions = Partial<ServerSideApplyArgs> & { live: JsonObject | undefined; applied: JsonObject; manager: string; time: string };

/** Applies a ConfigMap configuration unless the options say otherwise. */
function apply(options: ApplyOptions): JsonObject {
  return serverSideApply({ force: false, apiVersion: 'v1', listTypes: configMaps, ...options });
}

function applyEntry(manager: string, time: string | undefined, fieldsV1: JsonObject, apiVersion = 'v1'): JsonObject {
  const entry: JsonObject = { manager, operation: 'Apply', apiVersion };
  if (time !== undefined) entry['time'] = time;
  return { ...entry, fieldsType: 'FieldsV1', fieldsV1 };
}

function updateEntry(manager: string, time: string, fieldsV1: JsonObject): JsonObject {
  return { manager, operation: 'Update', apiVersion: 'v1', time, fieldsType: 'FieldsV1', fieldsV1 };
}

/** The Status an ApiError carries, failing the test for any other outcome. */
function statusOf(run: () => unknown): Status {
  try {
    run();
  } catch (error) {
    assert.ok(error instanceof ApiError, `expected an ApiError, got ${String(error)}`);
    return error.status;
  }
  assert.fail('expected the apply to fail');
}

describe('serverSideApply', () => {
  test('applying to a missing object creates it, owned field by field by the applier', () => {
    const result = apply({ live: undefined, applied: configMap({ key: 'value' }, { labels: { app: 'web' } }), manager: 'kubectl', time: T1 });
    assert.deepEqual(result, {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: {
        name: 'settings',
        namespace: 'default',
        labels: { app: 'web' },
        managedFields: [applyEntry('kubectl', T1, { 'f:data': { 'f:key': {} }, 'f:metadata': { 'f:labels': { 'f:app': {} } } })],
      },
      data: { key: 'value' },
    });
  });

  test('re-applying without a field removes it from the object', () => {
    const live = apply({ live: undefined, applied: configMap({ a: '1', b: '2' }), manager: 'kubectl', time: T1 });
    const result = apply({ live, applied: configMap({ a: '1' }), manager: 'kubectl', time: T2 });
    assert.deepEqual(result, {
      ...configMap({ a: '1' }),
      metadata: { name: 'settings', namespace: 'default', managedFields: [applyEntry('kubectl', T2, { 'f:data': { 'f:a': {} } })] },
    });
  });

  test('re-applying without any field of a map removes the map', () => {
    const live = apply({ live: undefined, applied: configMap({ a: '1' }, { labels: { app: 'web' } }), manager: 'kubectl', time: T1 });
    const result = apply({ live, applied: configMap({ a: '1' }), manager: 'kubectl', time: T2 });
    assert.deepEqual(result, {
      ...configMap({ a: '1' }),
      metadata: { name: 'settings', namespace: 'default', managedFields: [applyEntry('kubectl', T2, { 'f:data': { 'f:a': {} } })] },
    });
  });

  test('applying a field another manager applied with the same value shares its ownership', () => {
    const live = apply({ live: undefined, applied: configMap({ a: '1', b: '2' }), manager: 'alice', time: T1 });
    const result = apply({ live, applied: configMap({ a: '1' }), manager: 'bob', time: T2 });
    assert.deepEqual(result, {
      ...configMap({ a: '1', b: '2' }),
      metadata: {
        name: 'settings',
        namespace: 'default',
        // Nothing changed, so bob's entry gets no time, as the apiserver leaves it.
        managedFields: [applyEntry('bob', undefined, { 'f:data': { 'f:a': {} } }), applyEntry('alice', T1, { 'f:data': { 'f:a': {}, 'f:b': {} } })],
      },
    });
  });

  test('re-applying without a shared field keeps it and drops only this manager\'s ownership', () => {
    const first = apply({ live: undefined, applied: configMap({ a: '1', b: '2' }), manager: 'alice', time: T1 });
    const shared = apply({ live: first, applied: configMap({ a: '1' }), manager: 'bob', time: T2 });
    const result = apply({ live: shared, applied: configMap({ b: '2' }), manager: 'alice', time: T3 });
    assert.deepEqual(result, {
      ...configMap({ a: '1', b: '2' }),
      metadata: {
        name: 'settings',
        namespace: 'default',
        managedFields: [applyEntry('bob', undefined, { 'f:data': { 'f:a': {} } }), applyEntry('alice', T1, { 'f:data': { 'f:b': {} } })],
      },
    });
  });

  test('applying a field another manager applied with a different value is 409 Conflict', () => {
    const live = apply({ live: undefined, applied: configMap({ key: 'one' }), manager: 'alice', time: T1 });
    const status = statusOf(() => apply({ live, applied: configMap({ key: 'two' }), manager: 'bob', time: T2 }));
    assert.deepEqual(status, {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: 'Apply failed with 1 conflict: conflict with "alice": .data.key',
      reason: 'Conflict',
      details: { causes: [{ reason: 'FieldManagerConflict', message: 'conflict with "alice"', field: '.data.key' }] },
      code: 409,
    });
  });

  test('applying a field an updater owns with a different value is 409 Conflict naming its API version', () => {
    const live = recordUpdate({ live: undefined, next: configMap({ key: 'one' }), manager: 'kubectl-edit', apiVersion: 'v1', time: T1, listTypes: configMaps });
    const status = statusOf(() => apply({ live, applied: configMap({ key: 'two' }), manager: 'kubectl', time: T2 }));
    assert.equal(status.code, 409);
    assert.equal(status.reason, 'Conflict');
    assert.equal(status.message, 'Apply failed with 1 conflict: conflict with "kubectl-edit" using v1: .data.key');
    assert.deepEqual(status.details, { causes: [{ reason: 'FieldManagerConflict', message: 'conflict with "kubectl-edit" using v1', field: '.data.key' }] });
  });

  test('conflicts with several managers are listed per manager, managers sorted', () => {
    const byAlice = apply({ live: undefined, applied: configMap({ a: '1', b: '1' }), manager: 'alice', time: T1 });
    const byCarol = recordUpdate({ live: byAlice, next: configMap({ a: '1', b: '1', c: '1' }), manager: 'carol', apiVersion: 'v1', time: T2, listTypes: configMaps });
    const status = statusOf(() => apply({ live: byCarol, applied: configMap({ a: '2', b: '2', c: '2' }), manager: 'bob', time: T3 }));
    assert.equal(status.message, 'Apply failed with 3 conflicts: conflicts with "alice":\n- .data.a\n- .data.b\nconflicts with "carol" using v1:\n- .data.c');
    assert.deepEqual(status.details, {
      causes: [
        { reason: 'FieldManagerConflict', message: 'conflict with "alice"', field: '.data.a' },
        { reason: 'FieldManagerConflict', message: 'conflict with "alice"', field: '.data.b' },
        { reason: 'FieldManagerConflict', message: 'conflict with "carol" using v1', field: '.data.c' },
      ],
    });
  });

  test('a conflict with an updater of a subresource names the subresource', () => {
    const deployment = (status: JsonObject): JsonObject => ({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web' }, status });
    const created = serverSideApply({ live: undefined, applied: deployment({ replicas: 1 }), manager: 'controller', force: false, apiVersion: 'apps/v1', subresource: 'status', time: T1, listTypes: deployments });
    const updated = recordUpdate({ live: created, next: deployment({ replicas: 2 }), manager: 'kcm', apiVersion: 'apps/v1', subresource: 'status', time: T2, listTypes: deployments });
    const status = statusOf(() =>
      serverSideApply({ live: updated, applied: deployment({ replicas: 3 }), manager: 'controller', force: false, apiVersion: 'apps/v1', subresource: 'status', time: T3, listTypes: deployments }),
    );
    assert.equal(status.message, 'Apply failed with 1 conflict: conflict with "kcm" with subresource "status" using apps/v1: .status.replicas');
  });

  test('forcing an apply takes the conflicting fields from their owners', () => {
    const live = apply({ live: undefined, applied: configMap({ a: '1', b: '1' }), manager: 'alice', time: T1 });
    const result = apply({ live, applied: configMap({ a: '2' }), manager: 'bob', time: T2, force: true });
    assert.deepEqual(result, {
      ...configMap({ a: '2', b: '1' }),
      metadata: {
        name: 'settings',
        namespace: 'default',
        managedFields: [applyEntry('alice', T1, { 'f:data': { 'f:b': {} } }), applyEntry('bob', T2, { 'f:data': { 'f:a': {} } })],
      },
    });
  });

  test('an update changing an applied field takes its ownership, so the next apply of the old value conflicts', () => {
    const applied = apply({ live: undefined, applied: configMap({ a: '1', b: '1' }), manager: 'kubectl', time: T1 });
    const updated = recordUpdate({ live: applied, next: configMap({ a: 'edited', b: '1' }), manager: 'kubectl-edit', apiVersion: 'v1', time: T2, listTypes: configMaps });
    assert.deepEqual(managedFieldsOf(updated), [applyEntry('kubectl', T1, { 'f:data': { 'f:b': {} } }), updateEntry('kubectl-edit', T2, { 'f:data': { 'f:a': {} } })]);
    const status = statusOf(() => apply({ live: updated, applied: configMap({ a: '1', b: '1' }), manager: 'kubectl', time: T3 }));
    assert.equal(status.message, 'Apply failed with 1 conflict: conflict with "kubectl-edit" using v1: .data.a');
  });

  test('map-list items are merged by key, owned as k: entries, and removed when no longer applied', () => {
    const deployment = (containers: JsonObject[]): JsonObject => ({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web' },
      spec: { template: { spec: { containers } } },
    });
    const applyDeployment = (live: JsonObject | undefined, containers: JsonObject[], manager: string, time: string): JsonObject =>
      serverSideApply({ live, applied: deployment(containers), manager, force: false, apiVersion: 'apps/v1', time, listTypes: deployments });
    const first = applyDeployment(undefined, [{ name: 'app', image: 'app:1', ports: [{ containerPort: 80 }] }, { name: 'log', image: 'log:1' }], 'kubectl', T1);
    const injected = applyDeployment(first, [{ name: 'proxy', image: 'envoy' }], 'injector', T2);
    const result = applyDeployment(injected, [{ name: 'app', image: 'app:2', ports: [{ containerPort: 80 }] }], 'kubectl', T3);
    assert.deepEqual(result, {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: {
        name: 'web',
        managedFields: [
          applyEntry('injector', T2, { 'f:spec': { 'f:template': { 'f:spec': { 'f:containers': { 'k:{"name":"proxy"}': { '.': {}, 'f:image': {}, 'f:name': {} } } } } } }, 'apps/v1'),
          applyEntry(
            'kubectl',
            T3,
            {
              'f:spec': {
                'f:template': {
                  'f:spec': {
                    'f:containers': {
                      'k:{"name":"app"}': {
                        '.': {},
                        'f:image': {},
                        'f:name': {},
                        'f:ports': { 'k:{"containerPort":80,"protocol":"TCP"}': { '.': {}, 'f:containerPort': {} } },
                      },
                    },
                  },
                },
              },
            },
            'apps/v1',
          ),
        ],
      },
      spec: {
        template: {
          spec: {
            containers: [
              { name: 'app', image: 'app:2', ports: [{ containerPort: 80 }] },
              { name: 'proxy', image: 'envoy' },
            ],
          },
        },
      },
    });
  });

  test('map-list items the configuration names take its order, the others keep their place', () => {
    const widgets = customResourceListTypes({
      type: 'object',
      properties: {
        spec: {
          type: 'object',
          properties: { items: { type: 'array', 'x-kubernetes-list-type': 'map', 'x-kubernetes-list-map-keys': ['id'], items: { type: 'object' } } },
        },
      },
    });
    const widget = (items: JsonObject[]): JsonObject => ({ apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' }, spec: { items } });
    const live = serverSideApply({ live: undefined, applied: widget([{ id: 'a' }, { id: 'b' }, { id: 'c' }]), manager: 'one', force: false, apiVersion: 'example.com/v1', time: T1, listTypes: widgets });
    const result = serverSideApply({ live, applied: widget([{ id: 'c' }, { id: 'new' }, { id: 'a' }]), manager: 'two', force: false, apiVersion: 'example.com/v1', time: T2, listTypes: widgets });
    assert.deepEqual((result['spec'] as JsonObject)['items'], [{ id: 'b' }, { id: 'c' }, { id: 'new' }, { id: 'a' }]);
  });

  test('set items are merged as a union and owned as v: entries', () => {
    const live = apply({ live: undefined, applied: configMap({}, { finalizers: ['example.com/a'] }), manager: 'alice', time: T1 });
    const result = apply({ live, applied: configMap({}, { finalizers: ['example.com/b'] }), manager: 'bob', time: T2 });
    assert.deepEqual(result, {
      ...configMap({}),
      metadata: {
        name: 'settings',
        namespace: 'default',
        finalizers: ['example.com/a', 'example.com/b'],
        managedFields: [
          applyEntry('alice', T1, { 'f:metadata': { 'f:finalizers': { 'v:"example.com/a"': {} } } }),
          applyEntry('bob', T2, { 'f:metadata': { 'f:finalizers': { 'v:"example.com/b"': {} } } }),
        ],
      },
    });
  });

  test('applying to an object without managedFields first attributes its fields to before-first-apply', () => {
    const status = statusOf(() => apply({ live: configMap({ a: '1' }), applied: configMap({ a: '2' }), manager: 'kubectl', time: T2 }));
    assert.equal(status.message, 'Apply failed with 1 conflict: conflict with "before-first-apply" using v1: .data.a');
    const result = apply({ live: configMap({ a: '1', b: '1' }), applied: configMap({ a: '1' }), manager: 'kubectl', time: T2 });
    assert.deepEqual(managedFieldsOf(result), [
      applyEntry('kubectl', undefined, { 'f:data': { 'f:a': {} } }),
      updateEntry('before-first-apply', T2, { 'f:data': { '.': {}, 'f:a': {}, 'f:b': {} } }),
    ]);
  });

  test('an apply that changes nothing keeps the time of the applier\'s entry', () => {
    const live = apply({ live: undefined, applied: configMap({ a: '1' }), manager: 'kubectl', time: T1 });
    const result = apply({ live, applied: configMap({ a: '1' }), manager: 'kubectl', time: T4 });
    assert.deepEqual(result, live);
  });

  test('an applier that applies no fields any more loses its entry, and its fields go', () => {
    const live = apply({ live: undefined, applied: configMap({ a: '1' }), manager: 'kubectl', time: T1 });
    const nothing = configMap({});
    delete nothing['data'];
    const result = apply({ live, applied: nothing, manager: 'kubectl', time: T2 });
    assert.deepEqual(result, nothing);
  });

  test('applied fields nobody else owns stay when an updater still owns something in their map', () => {
    const live = apply({ live: undefined, applied: configMap({ a: '1' }), manager: 'kubectl', time: T1 });
    const updated = recordUpdate({ live, next: configMap({ a: '1', b: '2' }), manager: 'editor', apiVersion: 'v1', time: T2, listTypes: configMaps });
    const result = apply({ live: updated, applied: configMap({ c: '3' }), manager: 'kubectl', time: T3 });
    assert.deepEqual(result, {
      ...configMap({ b: '2', c: '3' }),
      metadata: {
        name: 'settings',
        namespace: 'default',
        managedFields: [applyEntry('kubectl', T3, { 'f:data': { 'f:c': {} } }), updateEntry('editor', T2, { 'f:data': { 'f:b': {} } })],
      },
    });
  });

  test('managedFields in an apply configuration are 400 BadRequest, even an empty list', () => {
    for (const managedFields of [[], [{ manager: 'x' }]]) {
      const status = statusOf(() => apply({ live: undefined, applied: configMap({}, { managedFields }), manager: 'kubectl', time: T1 }));
      assert.deepEqual(status, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'metadata.managedFields must be nil', reason: 'BadRequest', code: 400 });
    }
  });

  test('a configuration without apiVersion and kind is 400 invalid object type', () => {
    const untyped = configMap({});
    delete untyped['apiVersion'];
    delete untyped['kind'];
    const status = statusOf(() => apply({ live: undefined, applied: untyped, manager: 'kubectl', time: T1, kind: 'ConfigMap' }));
    assert.equal(status.code, 400);
    assert.equal(status.reason, 'BadRequest');
    assert.equal(status.message, 'invalid object type: /, Kind=');
  });

  test('a configuration of another version or kind is 400 invalid object type', () => {
    const status = statusOf(() =>
      serverSideApply({ live: undefined, applied: { apiVersion: 'apps/v1beta1', kind: 'Deployment', metadata: { name: 'web' } }, manager: 'kubectl', force: false, apiVersion: 'apps/v1', kind: 'Deployment', time: T1, listTypes: deployments }),
    );
    assert.equal(status.message, 'invalid object type: apps/v1beta1, Kind=Deployment');
    const live = apply({ live: undefined, applied: configMap({}), manager: 'kubectl', time: T1 });
    const wrongKind = statusOf(() => apply({ live, applied: { ...configMap({}), kind: 'Secret' }, manager: 'kubectl', time: T2 }));
    assert.equal(wrongKind.message, 'invalid object type: /v1, Kind=Secret');
  });

  test('map-list items without their keys or with duplicate keys are a bare 500, as the apiserver fails them', () => {
    const applied: JsonObject = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web', namespace: 'default' },
      spec: { template: { spec: { containers: [{ name: 'c', env: [{ name: 'A' }, { name: 'A' }] }, { image: 'nameless' }] } } },
    };
    const status = statusOf(() => serverSideApply({ live: undefined, applied, manager: 'kubectl', force: false, apiVersion: 'apps/v1', time: T1, listTypes: deployments }));
    assert.deepEqual(status, {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message:
        'failed to create typed patch object (default/web; apps/v1, Kind=Deployment): errors:\n' +
        '  .spec.template.spec.containers[name="c"].env: duplicate entries for key [name="A"]\n' +
        '  .spec.template.spec.containers: element 1: associative list with keys has an element that omits key field "name" (and doesn\'t have default value)',
      code: 500,
    });
  });
});
