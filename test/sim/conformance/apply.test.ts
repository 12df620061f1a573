import assert from 'node:assert/strict';
import { it } from 'node:test';
import type { JsonObject } from '../../../src/sim/index.ts';
import { forEachClientNode, patchAs, rejection, type Harness } from './harness.ts';

const WIDGETS = { group: 'probe.dev', version: 'v1', namespace: 'default', plural: 'widgets' } as const;
const TIME = '2025-01-01T00:00:00.000Z';

type Entry = { manager: string; operation: string; fieldsV1: unknown; subresource?: string };

function plain(value: unknown): JsonObject {
  return JSON.parse(JSON.stringify(value)) as JsonObject;
}

function managers(object: unknown): [string, string, unknown][] {
  const entries = (plain(object)['metadata'] as { managedFields?: Entry[] }).managedFields ?? [];
  return entries.map((entry) => [entry.manager, entry.operation, entry.fieldsV1]);
}

function configMap(data: Record<string, string>): JsonObject {
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a', namespace: 'default' }, data };
}

async function apply({ core, k8s }: Harness, manager: string, body: JsonObject, force?: boolean) {
  return core.patchNamespacedConfigMap(
    { name: 'a', namespace: 'default', fieldManager: manager, body, ...(force === undefined ? {} : { force }) },
    patchAs(k8s, k8s.PatchStrategy.ServerSideApply),
  );
}

forEachClientNode('server-side apply', (setup) => {
  it('creates an absent object with 201 and records the applier’s fields', async () => {
    const harness = await setup();
    const response = await harness.core.patchNamespacedConfigMapWithHttpInfo(
      { name: 'a', namespace: 'default', fieldManager: 'operator', body: configMap({ k: 'v' }) },
      patchAs(harness.k8s, harness.k8s.PatchStrategy.ServerSideApply),
    );
    assert.equal(response.httpStatusCode, 201);
    const created = plain(response.data);
    assert.deepEqual(created['data'], { k: 'v' });
    assert.equal((created['metadata'] as { creationTimestamp: string }).creationTimestamp, TIME);
    assert.deepEqual(managers(created), [['operator', 'Apply', { 'f:data': { 'f:k': {} } }]]);
  });

  it('is 422 without a fieldManager', async () => {
    const harness = await setup();
    const status = await rejection(
      harness.core.patchNamespacedConfigMap({ name: 'a', namespace: 'default', body: configMap({ k: 'v' }) }, patchAs(harness.k8s, harness.k8s.PatchStrategy.ServerSideApply)),
      422,
    );
    assert.equal(status['message'], 'PatchOptions.meta.k8s.io "" is invalid: fieldManager: Required value: is required for apply patch');
    assert.equal(status['reason'], 'Invalid');
  });

  it('changes nothing, not even the resourceVersion, when the same configuration is applied again', async () => {
    const harness = await setup();
    const first = await apply(harness, 'operator', configMap({ k: 'v' }));
    const again = await apply(harness, 'operator', configMap({ k: 'v' }));
    assert.equal(again.metadata?.resourceVersion, first.metadata?.resourceVersion);
  });

  it('is 409 Conflict, naming the owner and the field, when another applier sets a different value', async () => {
    const harness = await setup();
    await apply(harness, 'operator', configMap({ k: 'v' }));
    const status = await rejection(apply(harness, 'intruder', configMap({ k: 'other' })), 409);
    assert.deepEqual(status, {
      kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure',
      message: 'Apply failed with 1 conflict: conflict with "operator": .data.k',
      reason: 'Conflict',
      details: { causes: [{ reason: 'FieldManagerConflict', message: 'conflict with "operator"', field: '.data.k' }] },
      code: 409,
    });
  });

  it('shares ownership, without conflict, when another applier sets the same value', async () => {
    const harness = await setup();
    await apply(harness, 'operator', configMap({ k: 'v' }));
    const shared = await apply(harness, 'helper', configMap({ k: 'v' }));
    assert.deepEqual(managers(shared).map(([manager, , fields]) => [manager, fields]), [
      ['helper', { 'f:data': { 'f:k': {} } }],
      ['operator', { 'f:data': { 'f:k': {} } }],
    ]);
  });

  it('takes a conflicting field over with force, removing it from the previous owner', async () => {
    const harness = await setup();
    await apply(harness, 'operator', configMap({ k: 'v', keep: 'x' }));
    const forced = await apply(harness, 'intruder', configMap({ k: 'other' }), true);
    assert.deepEqual(forced.data, { k: 'other', keep: 'x' });
    assert.deepEqual(managers(forced), [
      ['intruder', 'Apply', { 'f:data': { 'f:k': {} } }],
      ['operator', 'Apply', { 'f:data': { 'f:keep': {} } }],
    ]);
  });

  it('removes a field the applier alone owned when its next configuration leaves it out', async () => {
    const harness = await setup();
    await apply(harness, 'operator', configMap({ k: 'v', gone: 'soon' }));
    const applied = await apply(harness, 'operator', configMap({ k: 'v' }));
    assert.deepEqual(applied.data, { k: 'v' });
  });

  it('keeps a field another manager also owns when one applier leaves it out', async () => {
    const harness = await setup();
    await apply(harness, 'operator', configMap({ k: 'v', shared: 's' }));
    await apply(harness, 'helper', configMap({ shared: 's' }));
    const applied = await apply(harness, 'operator', configMap({ k: 'v' }));
    assert.deepEqual(applied.data, { k: 'v', shared: 's' });
  });

  it('moves ownership to a controller that updates an applied field, so the next apply conflicts with it', async () => {
    const harness = await setup();
    const applied = await apply(harness, 'operator', configMap({ k: 'v' }));
    await harness.core.replaceNamespacedConfigMap({ name: 'a', namespace: 'default', fieldManager: 'controller', body: { ...applied, data: { k: 'changed' } } });
    const status = await rejection(apply(harness, 'operator', configMap({ k: 'v' })), 409);
    assert.equal(status['message'], 'Apply failed with 1 conflict: conflict with "controller" using v1: .data.k');
  });

  it('is 409 Conflict for a stale metadata.resourceVersion in the configuration', async () => {
    const harness = await setup();
    const first = await apply(harness, 'operator', configMap({ k: 'v' }));
    await apply(harness, 'operator', configMap({ k: 'w' }));
    const stale = { ...configMap({ k: 'x' }), metadata: { name: 'a', namespace: 'default', resourceVersion: first.metadata?.resourceVersion ?? '' } };
    const status = await rejection(apply(harness, 'operator', stale), 409);
    assert.equal(status['message'], 'Operation cannot be fulfilled on configmaps "a": the object has been modified; please apply your changes to the latest version and try again');
  });

  it('merges a custom resource’s map-list items by their keys and ignores status on the main endpoint', async () => {
    const { custom, k8s } = await setup();
    const widget = (ports: { name: string; port: number }[], extra: JsonObject = {}) => ({
      apiVersion: 'probe.dev/v1', kind: 'Widget', metadata: { name: 'w', namespace: 'default' }, spec: { ports }, ...extra,
    });
    await custom.patchNamespacedCustomObject({ ...WIDGETS, name: 'w', fieldManager: 'one', body: widget([{ name: 'http', port: 80 }]) }, patchAs(k8s, k8s.PatchStrategy.ServerSideApply));
    const merged = (await custom.patchNamespacedCustomObject(
      { ...WIDGETS, name: 'w', fieldManager: 'two', body: widget([{ name: 'metrics', port: 9090 }], { status: { ready: true } }) },
      patchAs(k8s, k8s.PatchStrategy.ServerSideApply),
    )) as JsonObject;
    assert.deepEqual(merged['spec'], { ports: [{ name: 'http', port: 80 }, { name: 'metrics', port: 9090 }] });
    assert.equal(merged['status'], undefined);
  });

  it('applies status through /status, recorded with subresource status', async () => {
    const { custom, k8s } = await setup();
    await custom.createNamespacedCustomObject({ ...WIDGETS, body: { apiVersion: 'probe.dev/v1', kind: 'Widget', metadata: { name: 'w' }, spec: { size: 1 } } });
    const applied = (await custom.patchNamespacedCustomObjectStatus(
      { ...WIDGETS, name: 'w', fieldManager: 'reporter', body: { apiVersion: 'probe.dev/v1', kind: 'Widget', metadata: { name: 'w' }, spec: { size: 7 }, status: { ready: true } } },
      patchAs(k8s, k8s.PatchStrategy.ServerSideApply),
    )) as JsonObject & { metadata: { managedFields: Entry[] } };
    assert.deepEqual(applied['status'], { ready: true });
    assert.deepEqual(applied['spec'], { size: 1 });
    const entry = applied.metadata.managedFields.find((candidate) => candidate.manager === 'reporter');
    assert.equal(entry?.subresource, 'status');
    assert.deepEqual(entry?.fieldsV1, { 'f:status': { 'f:ready': {} } });
  });

  it('is 404 NotFound when applying to the status of an object that does not exist', async () => {
    const { custom, k8s } = await setup();
    const status = await rejection(
      custom.patchNamespacedCustomObjectStatus(
        { ...WIDGETS, name: 'w', fieldManager: 'reporter', body: { apiVersion: 'probe.dev/v1', kind: 'Widget', metadata: { name: 'w' }, status: { ready: true } } },
        patchAs(k8s, k8s.PatchStrategy.ServerSideApply),
      ),
      404,
    );
    assert.equal(status['message'], 'widgets.probe.dev "w" not found');
  });

  it('is 400 BadRequest when the configuration carries managedFields', async () => {
    const harness = await setup();
    const body = { ...configMap({ k: 'v' }), metadata: { name: 'a', namespace: 'default', managedFields: [{ manager: 'x' }] } };
    const status = await rejection(apply(harness, 'operator', body), 400);
    assert.equal(status['message'], 'metadata.managedFields must be nil');
  });
});
