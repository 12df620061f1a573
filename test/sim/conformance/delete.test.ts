import assert from 'node:assert/strict';
import { it } from 'node:test';
import { forEachClientNode, rejection } from './harness.ts';

const WIDGETS = { group: 'probe.dev', version: 'v1', namespace: 'default', plural: 'widgets' } as const;

forEachClientNode('delete', (setup) => {
  it('removes an object without finalizers at once and answers with a Success Status naming it', async () => {
    const { core } = await setup();
    const created = await core.createNamespacedConfigMap({ namespace: 'default', body: { metadata: { name: 'a' } } });
    const response = (await core.deleteNamespacedConfigMap({ name: 'a', namespace: 'default' })) as { kind?: string; status?: string; details?: unknown };
    assert.equal(response.kind, 'Status');
    assert.equal(response.status, 'Success');
    assert.deepEqual({ ...(response.details as object) }, { name: 'a', kind: 'configmaps', uid: created.metadata?.uid });
    await rejection(core.readNamespacedConfigMap({ name: 'a', namespace: 'default' }), 404);
  });

  it('answers a custom resource delete with the deleted object', async () => {
    const { custom } = await setup();
    await custom.createNamespacedCustomObject({ ...WIDGETS, body: { apiVersion: 'probe.dev/v1', kind: 'Widget', metadata: { name: 'w' } } });
    const response = (await custom.deleteNamespacedCustomObject({ ...WIDGETS, name: 'w' })) as { kind: string; metadata: { name: string } };
    assert.equal(response.kind, 'Widget');
    assert.equal(response.metadata.name, 'w');
  });

  it('is 404 NotFound for a missing object', async () => {
    const { core } = await setup();
    const status = await rejection(core.deleteNamespacedConfigMap({ name: 'a', namespace: 'default' }), 404);
    assert.equal(status['message'], 'configmaps "a" not found');
  });

  it('marks an object with finalizers for deletion: deletionTimestamp and deletionGracePeriodSeconds 0', async () => {
    const { core } = await setup();
    await core.createNamespacedConfigMap({ namespace: 'default', body: { metadata: { name: 'a', finalizers: ['example.com/cleanup'] } } });
    const response = await core.deleteNamespacedConfigMap({ name: 'a', namespace: 'default' });
    const held = await core.readNamespacedConfigMap({ name: 'a', namespace: 'default' });
    assert.equal(held.metadata?.deletionTimestamp?.toISOString(), '2025-01-01T00:00:00.000Z');
    assert.equal(held.metadata?.deletionGracePeriodSeconds, 0);
    assert.deepEqual(held.metadata?.finalizers, ['example.com/cleanup']);
    // The apiserver answers with the object still held by its finalizer, not a Status.
    assert.equal((response as { kind?: string }).kind, 'ConfigMap');
  });

  it('removes a deleting object when its last finalizer is removed', async () => {
    const { core } = await setup();
    await core.createNamespacedConfigMap({ namespace: 'default', body: { metadata: { name: 'a', finalizers: ['example.com/one', 'example.com/two'] } } });
    await core.deleteNamespacedConfigMap({ name: 'a', namespace: 'default' });
    const held = await core.readNamespacedConfigMap({ name: 'a', namespace: 'default' });
    const one = await core.replaceNamespacedConfigMap({ name: 'a', namespace: 'default', body: { ...held, metadata: { ...held.metadata, finalizers: ['example.com/two'] } } });
    assert.deepEqual(one.metadata?.finalizers, ['example.com/two']);
    await core.replaceNamespacedConfigMap({ name: 'a', namespace: 'default', body: { ...one, metadata: { ...one.metadata, finalizers: [] } } });
    await rejection(core.readNamespacedConfigMap({ name: 'a', namespace: 'default' }), 404);
  });

  it('is 422 Invalid when a finalizer is added to a deleting object', async () => {
    const { core } = await setup();
    await core.createNamespacedConfigMap({ namespace: 'default', body: { metadata: { name: 'a', finalizers: ['example.com/one'] } } });
    await core.deleteNamespacedConfigMap({ name: 'a', namespace: 'default' });
    const held = await core.readNamespacedConfigMap({ name: 'a', namespace: 'default' });
    const status = await rejection(
      core.replaceNamespacedConfigMap({ name: 'a', namespace: 'default', body: { ...held, metadata: { ...held.metadata, finalizers: ['example.com/one', 'example.com/late'] } } }),
      422,
    );
    assert.equal(status['message'], 'ConfigMap "a" is invalid: metadata.finalizers: Forbidden: no new finalizers can be added if the object is being deleted, found new finalizers []string{"example.com/late"}');
  });

  it('keeps deletionTimestamp when an update tries to clear it', async () => {
    const { core } = await setup();
    await core.createNamespacedConfigMap({ namespace: 'default', body: { metadata: { name: 'a', finalizers: ['example.com/one'] }, data: { k: '1' } } });
    await core.deleteNamespacedConfigMap({ name: 'a', namespace: 'default' });
    const held = await core.readNamespacedConfigMap({ name: 'a', namespace: 'default' });
    const updated = await core.replaceNamespacedConfigMap({ name: 'a', namespace: 'default', body: { ...held, metadata: { ...held.metadata, deletionTimestamp: undefined }, data: { k: '2' } } });
    assert.equal(updated.metadata?.deletionTimestamp?.toISOString(), held.metadata?.deletionTimestamp?.toISOString());
  });

  it('is 409 Conflict when the uid precondition does not match', async () => {
    const { core } = await setup();
    const created = await core.createNamespacedConfigMap({ namespace: 'default', body: { metadata: { name: 'a' } } });
    const status = await rejection(core.deleteNamespacedConfigMap({ name: 'a', namespace: 'default', body: { preconditions: { uid: 'old-uid' } } }), 409);
    assert.equal(
      status['message'],
      `Operation cannot be fulfilled on ConfigMap "a": the UID in the precondition (old-uid) does not match the UID in record (${created.metadata?.uid}). The object might have been deleted and then recreated`,
    );
    assert.deepEqual(status['details'], { name: 'a', kind: 'ConfigMap' });
  });

  it('is 409 Conflict when the resourceVersion precondition does not match', async () => {
    const { core } = await setup();
    const created = await core.createNamespacedConfigMap({ namespace: 'default', body: { metadata: { name: 'a' } } });
    const status = await rejection(core.deleteNamespacedConfigMap({ name: 'a', namespace: 'default', body: { preconditions: { resourceVersion: '1' } } }), 409);
    assert.equal(
      status['message'],
      `Operation cannot be fulfilled on ConfigMap "a": the ResourceVersion in the precondition (1) does not match the ResourceVersion in record (${created.metadata?.resourceVersion}). The object might have been modified`,
    );
  });

  it('deletes when the preconditions match', async () => {
    const { core } = await setup();
    const created = await core.createNamespacedConfigMap({ namespace: 'default', body: { metadata: { name: 'a' } } });
    await core.deleteNamespacedConfigMap({ name: 'a', namespace: 'default', body: { preconditions: { uid: created.metadata?.uid, resourceVersion: created.metadata?.resourceVersion } } });
    await rejection(core.readNamespacedConfigMap({ name: 'a', namespace: 'default' }), 404);
  });

  it('records propagationPolicy Foreground as the foregroundDeletion finalizer, keeping the object', async () => {
    const { core } = await setup();
    await core.createNamespacedConfigMap({ namespace: 'default', body: { metadata: { name: 'a' } } });
    await core.deleteNamespacedConfigMap({ name: 'a', namespace: 'default', propagationPolicy: 'Foreground' });
    const held = await core.readNamespacedConfigMap({ name: 'a', namespace: 'default' });
    assert.deepEqual(held.metadata?.finalizers, ['foregroundDeletion']);
    assert.ok(held.metadata?.deletionTimestamp);
  });

  it('records propagationPolicy Orphan as the orphan finalizer, keeping the object', async () => {
    const { apps } = await setup();
    await apps.createNamespacedDeployment({ namespace: 'default', body: { metadata: { name: 'd' }, spec: { selector: {}, template: { spec: { containers: [] } } } } });
    await apps.deleteNamespacedDeployment({ name: 'd', namespace: 'default', body: { propagationPolicy: 'Orphan' } });
    const held = await apps.readNamespacedDeployment({ name: 'd', namespace: 'default' });
    assert.deepEqual(held.metadata?.finalizers, ['orphan']);
  });

  it('orphans by default for a batch/v1 Job deleted without a propagationPolicy', async () => {
    const { batch } = await setup();
    await batch.createNamespacedJob({ namespace: 'default', body: { metadata: { name: 'j' }, spec: { template: { spec: { containers: [], restartPolicy: 'Never' } } } } });
    await batch.deleteNamespacedJob({ name: 'j', namespace: 'default' });
    const held = await batch.readNamespacedJob({ name: 'j', namespace: 'default' });
    assert.deepEqual(held.metadata?.finalizers, ['orphan']);
  });

  it('keeps a deleted Namespace Terminating while its spec.finalizers remain', async () => {
    const { core } = await setup();
    await core.createNamespace({ body: { metadata: { name: 'team' } } });
    await core.deleteNamespace({ name: 'team' });
    const held = await core.readNamespace({ name: 'team' });
    assert.equal(held.status?.phase, 'Terminating');
    assert.ok(held.metadata?.deletionTimestamp);
  });

  it('deletes a collection by label selector', async () => {
    const { core } = await setup();
    for (const [name, app] of [['a', 'x'], ['b', 'x'], ['c', 'y']] as const) {
      await core.createNamespacedConfigMap({ namespace: 'default', body: { metadata: { name, labels: { app } } } });
    }
    await core.deleteCollectionNamespacedConfigMap({ namespace: 'default', labelSelector: 'app=x' });
    const left = await core.listNamespacedConfigMap({ namespace: 'default' });
    assert.deepEqual(left.items.map((item) => item.metadata?.name), ['c']);
  });

  it('bumps generation when an object with finalizers is marked for deletion', async () => {
    const { custom } = await setup();
    await custom.createNamespacedCustomObject({ ...WIDGETS, body: { apiVersion: 'probe.dev/v1', kind: 'Widget', metadata: { name: 'w', finalizers: ['probe.dev/cleanup'] } } });
    await custom.deleteNamespacedCustomObject({ ...WIDGETS, name: 'w' });
    const held = (await custom.getNamespacedCustomObject({ ...WIDGETS, name: 'w' })) as { metadata: { generation: number } };
    assert.equal(held.metadata.generation, 2);
  });

  it('keeps a pod in graceful deletion through later updates', async () => {
    const { core } = await setup();
    await core.createNamespacedPod({ namespace: 'default', body: { metadata: { name: 'p' }, spec: { nodeName: 'node-1', containers: [{ name: 'c', image: 'i' }] } } });
    await core.deleteNamespacedPod({ name: 'p', namespace: 'default' });
    const held = await core.readNamespacedPod({ name: 'p', namespace: 'default' });
    assert.equal(held.metadata?.deletionGracePeriodSeconds, 30);
    await core.replaceNamespacedPod({ name: 'p', namespace: 'default', body: { ...held, metadata: { ...held.metadata, labels: { x: 'y' } } } });
    const still = await core.readNamespacedPod({ name: 'p', namespace: 'default' });
    assert.deepEqual(still.metadata?.labels, { x: 'y' });
  });

  it('answers a Service delete with the deleted Service', async () => {
    const { core } = await setup();
    await core.createNamespacedService({ namespace: 'default', body: { metadata: { name: 's' }, spec: { ports: [{ port: 80 }] } } });
    const response = await core.deleteNamespacedService({ name: 's', namespace: 'default' });
    assert.equal(response.kind, 'Service');
  });

  it('is 422 Invalid for an unknown propagationPolicy, before looking the object up', async () => {
    const { core } = await setup();
    const status = await rejection(core.deleteNamespacedConfigMap({ name: 'missing', namespace: 'default', body: { propagationPolicy: 'Sometimes' } }), 422);
    assert.equal(status['message'], 'DeleteOptions.meta.k8s.io "" is invalid: propagationPolicy: Unsupported value: "Sometimes": supported values: "Foreground", "Background", "Orphan", "nil"');
  });

  it('answers a delete collection with the objects as they were listed (read at the core: the client types the answer as a Status)', async () => {
    const { core, cluster } = await setup();
    await core.createNamespacedConfigMap({ namespace: 'default', body: { metadata: { name: 'a' } } });
    const response = cluster.server.handle({ method: 'DELETE', path: '/api/v1/namespaces/default/configmaps', query: new URLSearchParams(), headers: {} });
    const list = JSON.parse(response.body) as { kind: string; items: { metadata: { name: string } }[] };
    assert.equal(list.kind, 'ConfigMapList');
    assert.deepEqual(list.items.map((item) => item.metadata.name), ['a']);
    await rejection(core.readNamespacedConfigMap({ name: 'a', namespace: 'default' }), 404);
  });

  it('refuses a delete collection across all namespaces (only list and watch are served there)', async () => {
    const { cluster } = await setup();
    const response = cluster.server.handle({ method: 'DELETE', path: '/api/v1/configmaps', query: new URLSearchParams(), headers: {} });
    assert.equal(response.status, 405);
  });

  it('marks a namespace Terminating on its first delete, without a grace period', async () => {
    const { core } = await setup();
    await core.createNamespace({ body: { metadata: { name: 'team' } } });
    await core.deleteNamespace({ name: 'team' });
    const held = await core.readNamespace({ name: 'team' });
    assert.equal(held.status?.phase, 'Terminating');
    assert.equal(held.metadata?.deletionGracePeriodSeconds, undefined);
    assert.deepEqual(held.spec?.finalizers, ['kubernetes']);
  });
});
