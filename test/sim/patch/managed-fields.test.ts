import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { JsonObject } from '../../../src/sim/json.ts';
import { FieldSet, pathToString, recordUpdate } from '../../../src/sim/patch/managed-fields.ts';
import { T1, T2, T3, configMaps, deployments, configMap, managedFieldsOf } from './fixtures.ts';

function updateEntry(manager: string, time: string, fieldsV1: JsonObject, extra: JsonObject = {}): JsonObject {
  return { manager, operation: 'Update', apiVersion: 'v1', time, fieldsType: 'FieldsV1', fieldsV1, ...extra };
}

/** A ConfigMap created by `creator` with `data` (and labels). */
function created(data: JsonObject, creator = 'kubectl-create', metadata: JsonObject = {}): JsonObject {
  return recordUpdate({ live: undefined, next: configMap(data, metadata), manager: creator, apiVersion: 'v1', time: T1, listTypes: configMaps });
}

describe('FieldsV1', () => {
  test('decoding and encoding FieldsV1 gives the same fields back', () => {
    const fields = {
      'f:metadata': { 'f:labels': { '.': {}, 'f:app': {} }, 'f:finalizers': { 'v:"example.com/x"': {} } },
      'f:spec': { 'f:containers': { 'k:{"name":"c"}': { '.': {}, 'f:image': {}, 'f:ports': { 'k:{"containerPort":80,"protocol":"TCP"}': {} } } } },
    };
    assert.deepEqual(FieldSet.fromFields(fields)?.toFields(), fields);
  });

  test('paths print as conflict messages write them', () => {
    const fields = {
      'f:metadata': { 'f:finalizers': { 'v:"x"': {} } },
      'f:spec': { 'f:containers': { 'k:{"name":"c"}': { 'f:image': {}, 'f:ports': { 'k:{"containerPort":80,"protocol":"TCP"}': {} } } } },
    };
    const paths = FieldSet.fromFields(fields)?.paths().map(pathToString);
    assert.deepEqual(paths, [
      '.metadata.finalizers[="x"]',
      '.spec.containers[name="c"].image',
      '.spec.containers[name="c"].ports[containerPort=80,protocol="TCP"]',
    ]);
  });

  test('a FieldsV1 value that is not an object of objects does not decode', () => {
    assert.equal(FieldSet.fromFields({ 'f:data': 'x' }), undefined);
    assert.equal(FieldSet.fromFields({ 'k:not json': {} }), undefined);
  });
});

describe('recordUpdate', () => {
  test('creating an object gives the creator every field it set, maps and lists marked with "."', () => {
    const result = created({ key: 'value' }, 'kubectl-create', { labels: { app: 'web' }, finalizers: ['example.com/x'] });
    assert.deepEqual(result, {
      ...configMap({ key: 'value' }, { labels: { app: 'web' }, finalizers: ['example.com/x'] }),
      metadata: {
        name: 'settings',
        namespace: 'default',
        labels: { app: 'web' },
        finalizers: ['example.com/x'],
        managedFields: [
          updateEntry('kubectl-create', T1, {
            'f:data': { '.': {}, 'f:key': {} },
            'f:metadata': { 'f:finalizers': { '.': {}, 'v:"example.com/x"': {} }, 'f:labels': { '.': {}, 'f:app': {} } },
          }),
        ],
      },
    });
  });

  test('a create compared against the kind\'s zero value does not own the structs that value already has', () => {
    const next = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web' }, spec: { replicas: 1, strategy: { rollingUpdate: { maxSurge: 1 } } } };
    const result = recordUpdate({
      live: undefined,
      next,
      manager: 'kubectl-create',
      apiVersion: 'apps/v1',
      time: T1,
      listTypes: deployments,
      emptyObject: { metadata: { creationTimestamp: null }, spec: { strategy: {} } },
    });
    assert.deepEqual(managedFieldsOf(result), [
      {
        manager: 'kubectl-create',
        operation: 'Update',
        apiVersion: 'apps/v1',
        time: T1,
        fieldsType: 'FieldsV1',
        fieldsV1: { 'f:spec': { 'f:replicas': {}, 'f:strategy': { 'f:rollingUpdate': { '.': {}, 'f:maxSurge': {} } } } },
      },
    ]);
  });

  test('an update takes the fields whose values it changed from their owners', () => {
    const live = created({ a: '1', b: '2' });
    const result = recordUpdate({ live, next: configMap({ a: 'changed', b: '2', c: '3' }), manager: 'editor', apiVersion: 'v1', time: T2, listTypes: configMaps });
    assert.deepEqual(result, {
      ...configMap({ a: 'changed', b: '2', c: '3' }),
      metadata: {
        name: 'settings',
        namespace: 'default',
        managedFields: [
          updateEntry('kubectl-create', T1, { 'f:data': { '.': {}, 'f:b': {} } }),
          updateEntry('editor', T2, { 'f:data': { 'f:a': {}, 'f:c': {} } }),
        ],
      },
    });
  });

  test('a field removed by an update leaves every manager\'s set; the map it was in stays owned', () => {
    const live = created({ a: '1', b: '2' });
    const result = recordUpdate({ live, next: configMap({}), manager: 'editor', apiVersion: 'v1', time: T2, listTypes: configMaps });
    assert.deepEqual(managedFieldsOf(result), [updateEntry('kubectl-create', T1, { 'f:data': {} })]);
  });

  test('an entry whose fields were all removed goes', () => {
    const live = created({ a: '1' });
    const withoutData = configMap({});
    delete withoutData['data'];
    const result = recordUpdate({ live, next: withoutData, manager: 'editor', apiVersion: 'v1', time: T2, listTypes: configMaps });
    assert.deepEqual(result, withoutData);
  });

  test('"." alone marks a member just as an empty object does', () => {
    assert.deepEqual(FieldSet.fromFields({ 'f:data': { 'f:a': { '.': {} } } })?.toFields(), { 'f:data': { 'f:a': {} } });
  });

  test('an update that changes nothing tracked keeps the managedFields and their times', () => {
    const live = created({ a: '1' });
    const next = { ...configMap({ a: '1' }, { resourceVersion: '7' }), metadata: { ...(live['metadata'] as JsonObject), resourceVersion: '7' } };
    const result = recordUpdate({ live, next, manager: 'editor', apiVersion: 'v1', time: T2, listTypes: configMaps });
    assert.deepEqual(managedFieldsOf(result), [updateEntry('kubectl-create', T1, { 'f:data': { '.': {}, 'f:a': {} } })]);
  });

  test('a second update by the same manager adds to its entry and moves its time', () => {
    const live = created({ a: '1' });
    const result = recordUpdate({ live, next: configMap({ a: '1', b: '2' }), manager: 'kubectl-create', apiVersion: 'v1', time: T2, listTypes: configMaps });
    assert.deepEqual(managedFieldsOf(result), [updateEntry('kubectl-create', T2, { 'f:data': { '.': {}, 'f:a': {}, 'f:b': {} } })]);
  });

  test('an existing object without managedFields stays untracked by updates', () => {
    const result = recordUpdate({ live: configMap({ a: '1' }), next: configMap({ a: '2' }), manager: 'editor', apiVersion: 'v1', time: T2, listTypes: configMaps });
    assert.deepEqual(result, configMap({ a: '2' }));
  });

  test('managedFields sent with an update replace the stored ones, and the update is tracked on top', () => {
    const live = created({ a: '1' });
    const sent = [updateEntry('someone', T3, { 'f:data': { 'f:a': {} } })];
    const result = recordUpdate({ live, next: configMap({ a: '1', b: '2' }, { managedFields: sent }), manager: 'editor', apiVersion: 'v1', time: T2, listTypes: configMaps });
    assert.deepEqual(managedFieldsOf(result), [
      updateEntry('editor', T2, { 'f:data': { 'f:b': {} } }),
      updateEntry('someone', T3, { 'f:data': { 'f:a': {} } }),
    ]);
  });

  test('times sent back as a client parsed them are stored as whole seconds in UTC, so nothing changes', () => {
    const live = created({ a: '1' });
    const sent = [updateEntry('kubectl-create', '2024-05-01T12:00:00.000+02:00', { 'f:data': { '.': {}, 'f:a': {} } })];
    const result = recordUpdate({ live, next: configMap({ a: '1' }, { managedFields: sent }), manager: 'editor', apiVersion: 'v1', time: T2, listTypes: configMaps });
    assert.deepEqual(result, live);
  });

  test('managedFields [{}] in an update clear them, and the object is untracked from then on', () => {
    const live = created({ a: '1' });
    const result = recordUpdate({ live, next: configMap({ a: '2' }, { managedFields: [{}] }), manager: 'editor', apiVersion: 'v1', time: T2, listTypes: configMaps });
    assert.deepEqual(result, configMap({ a: '2' }));
  });

  test('managedFields [] in an update clear them too', () => {
    const live = created({ a: '1' });
    const result = recordUpdate({ live, next: configMap({ a: '1' }, { managedFields: [] }), manager: 'editor', apiVersion: 'v1', time: T2, listTypes: configMaps });
    assert.deepEqual(result, configMap({ a: '1' }));
  });

  test('managedFields that do not decode are ignored in favour of the stored ones', () => {
    const live = created({ a: '1' });
    const bad = [{ manager: 'x', operation: 'Delete', apiVersion: 'v1', fieldsType: 'FieldsV1', fieldsV1: {} }];
    const result = recordUpdate({ live, next: configMap({ a: '1' }, { managedFields: bad }), manager: 'editor', apiVersion: 'v1', time: T2, listTypes: configMaps });
    assert.deepEqual(managedFieldsOf(result), managedFieldsOf(live));
  });

  test('a subresource update ignores the managedFields it is sent and records an entry of its own', () => {
    const live = recordUpdate({
      live: undefined,
      next: { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web' }, spec: { replicas: 1 } },
      manager: 'kubectl-create',
      apiVersion: 'apps/v1',
      time: T1,
      listTypes: deployments,
    });
    const next = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', managedFields: [{}] }, spec: { replicas: 1 }, status: { replicas: 1 } };
    const result = recordUpdate({ live, next, manager: 'kube-controller-manager', apiVersion: 'apps/v1', subresource: 'status', time: T2, listTypes: deployments });
    assert.deepEqual(managedFieldsOf(result), [
      { manager: 'kubectl-create', operation: 'Update', apiVersion: 'apps/v1', time: T1, fieldsType: 'FieldsV1', fieldsV1: { 'f:spec': { '.': {}, 'f:replicas': {} } } },
      {
        manager: 'kube-controller-manager',
        operation: 'Update',
        apiVersion: 'apps/v1',
        time: T2,
        fieldsType: 'FieldsV1',
        fieldsV1: { 'f:status': { '.': {}, 'f:replicas': {} } },
        subresource: 'status',
      },
    ]);
  });

  test('an update adding a map-list item owns it by its keys', () => {
    const container = { name: 'c', image: 'nginx', env: [{ name: 'A', value: '1' }] };
    const deployment = (containers: JsonObject[]): JsonObject => ({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web' },
      spec: { template: { spec: { containers } } },
    });
    const live = recordUpdate({ live: undefined, next: deployment([container]), manager: 'creator', apiVersion: 'apps/v1', time: T1, listTypes: deployments });
    const next = deployment([container, { name: 'sidecar', image: 'envoy' }]);
    const result = recordUpdate({ live, next, manager: 'injector', apiVersion: 'apps/v1', time: T2, listTypes: deployments });
    assert.deepEqual(managedFieldsOf(result), [
      {
        manager: 'creator',
        operation: 'Update',
        apiVersion: 'apps/v1',
        time: T1,
        fieldsType: 'FieldsV1',
        fieldsV1: {
          'f:spec': {
            '.': {},
            'f:template': {
              '.': {},
              'f:spec': {
                '.': {},
                'f:containers': {
                  '.': {},
                  'k:{"name":"c"}': { '.': {}, 'f:env': { '.': {}, 'k:{"name":"A"}': { '.': {}, 'f:name': {}, 'f:value': {} } }, 'f:image': {}, 'f:name': {} },
                },
              },
            },
          },
        },
      },
      {
        manager: 'injector',
        operation: 'Update',
        apiVersion: 'apps/v1',
        time: T2,
        fieldsType: 'FieldsV1',
        fieldsV1: { 'f:spec': { 'f:template': { 'f:spec': { 'f:containers': { 'k:{"name":"sidecar"}': { '.': {}, 'f:image': {}, 'f:name': {} } } } } } },
      },
    ]);
  });

  test('an update adding a set item owns it by its value', () => {
    const live = created({}, 'kubectl-create', { finalizers: ['a'] });
    const result = recordUpdate({ live, next: configMap({}, { finalizers: ['a', 'b'] }), manager: 'controller', apiVersion: 'v1', time: T2, listTypes: configMaps });
    assert.deepEqual(managedFieldsOf(result), [
      updateEntry('kubectl-create', T1, { 'f:data': {}, 'f:metadata': { 'f:finalizers': { '.': {}, 'v:"a"': {} } } }),
      updateEntry('controller', T2, { 'f:metadata': { 'f:finalizers': { 'v:"b"': {} } } }),
    ]);
  });

  test('entries are ordered appliers first, then by time, then by manager', () => {
    const sent = [
      updateEntry('zeta', T1, { 'f:data': { 'f:z': {} } }),
      updateEntry('alpha', T2, { 'f:data': { 'f:a': {} } }),
      updateEntry('beta', T1, { 'f:data': { 'f:b': {} } }),
      { manager: 'applier', operation: 'Apply', apiVersion: 'v1', time: T3, fieldsType: 'FieldsV1', fieldsV1: { 'f:data': { 'f:p': {} } } },
    ];
    const live = created({ z: '1', a: '1', b: '1', p: '1' });
    const result = recordUpdate({ live, next: configMap({ z: '1', a: '1', b: '1', p: '1' }, { managedFields: sent }), manager: 'x', apiVersion: 'v1', time: T3, listTypes: configMaps });
    assert.deepEqual(
      (managedFieldsOf(result) as JsonObject[]).map((entry) => entry['manager']),
      ['applier', 'beta', 'zeta', 'alpha'],
    );
  });

  test('past ten updaters the oldest are merged into one ancient-changes entry', () => {
    let object = created({ k0: 'v' }, 'm0');
    for (let index = 1; index <= 10; index++) {
      const data: JsonObject = {};
      for (let key = 0; key <= index; key++) data[`k${key}`] = 'v';
      const time = `2024-05-01T10:${String(index).padStart(2, '0')}:00Z`;
      object = recordUpdate({ live: object, next: configMap(data), manager: `m${index}`, apiVersion: 'v1', time, listTypes: configMaps });
    }
    const entries = managedFieldsOf(object) as JsonObject[];
    assert.equal(entries.length, 10);
    assert.deepEqual(entries[0], updateEntry('ancient-changes', '2024-05-01T10:01:00Z', { 'f:data': { '.': {}, 'f:k0': {}, 'f:k1': {} } }));
    assert.deepEqual(
      entries.slice(1).map((entry) => entry['manager']),
      ['m2', 'm3', 'm4', 'm5', 'm6', 'm7', 'm8', 'm9', 'm10'],
    );
  });
});
