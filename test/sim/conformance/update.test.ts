import assert from 'node:assert/strict';
import { it } from 'node:test';
import { forEachClientNode, rejection, type Harness } from './harness.ts';

const WIDGETS = { group: 'probe.dev', version: 'v1', namespace: 'default', plural: 'widgets' } as const;
type Widget = { apiVersion: string; kind: string; metadata: { name: string; resourceVersion?: string; generation?: number; uid?: string; creationTimestamp?: string }; spec?: Record<string, unknown>; status?: Record<string, unknown> };

async function createWidget({ custom }: Harness, spec: Record<string, unknown> = { size: 1 }): Promise<Widget> {
  return (await custom.createNamespacedCustomObject({ ...WIDGETS, body: { apiVersion: 'probe.dev/v1', kind: 'Widget', metadata: { name: 'w' }, spec } })) as Widget;
}

function deploymentBody(image: string) {
  return { metadata: { name: 'd' }, spec: { selector: { matchLabels: { app: 'd' } }, template: { metadata: { labels: { app: 'd' } }, spec: { containers: [{ name: 'c', image }] } } } };
}

forEachClientNode('update (PUT)', (setup) => {
  it('replaces the object and bumps resourceVersion', async () => {
    const { core } = await setup();
    const created = await core.createNamespacedConfigMap({ namespace: 'default', body: { metadata: { name: 'a' }, data: { k: '1' } } });
    const replaced = await core.replaceNamespacedConfigMap({ name: 'a', namespace: 'default', body: { ...created, data: { k: '2' } } });
    assert.deepEqual(replaced.data, { k: '2' });
    assert.ok(Number(replaced.metadata?.resourceVersion) > Number(created.metadata?.resourceVersion));
    assert.equal(replaced.metadata?.uid, created.metadata?.uid);
  });

  it('is 409 Conflict with the real message for a stale resourceVersion', async () => {
    const { core } = await setup();
    const created = await core.createNamespacedConfigMap({ namespace: 'default', body: { metadata: { name: 'a' }, data: { k: '1' } } });
    await core.replaceNamespacedConfigMap({ name: 'a', namespace: 'default', body: { ...created, data: { k: '2' } } });
    const status = await rejection(core.replaceNamespacedConfigMap({ name: 'a', namespace: 'default', body: { ...created, data: { k: '3' } } }), 409);
    assert.deepEqual(status, {
      kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure',
      message: 'Operation cannot be fulfilled on configmaps "a": the object has been modified; please apply your changes to the latest version and try again',
      reason: 'Conflict', details: { name: 'a', kind: 'configmaps' }, code: 409,
    });
  });

  it('accepts an unconditional update (no resourceVersion) of a built-in kind', async () => {
    const { core } = await setup();
    await core.createNamespacedConfigMap({ namespace: 'default', body: { metadata: { name: 'a' }, data: { k: '1' } } });
    const replaced = await core.replaceNamespacedConfigMap({ name: 'a', namespace: 'default', body: { metadata: { name: 'a' }, data: { k: '2' } } });
    assert.deepEqual(replaced.data, { k: '2' });
  });

  it('is 422 Invalid for an unconditional update of a custom resource', async () => {
    const harness = await setup();
    await createWidget(harness);
    const status = await rejection(harness.custom.replaceNamespacedCustomObject({ ...WIDGETS, name: 'w', body: { apiVersion: 'probe.dev/v1', kind: 'Widget', metadata: { name: 'w' }, spec: { size: 2 } } }), 422);
    assert.equal(status['message'], 'widgets.probe.dev "w" is invalid: metadata.resourceVersion: Invalid value: 0x0: must be specified for an update');
    assert.deepEqual(status['details'], {
      name: 'w', group: 'probe.dev', kind: 'widgets',
      causes: [{ reason: 'FieldValueInvalid', message: 'Invalid value: 0x0: must be specified for an update', field: 'metadata.resourceVersion' }],
    });
  });

  it('names the custom resource in a Conflict', async () => {
    const harness = await setup();
    const widget = await createWidget(harness);
    await harness.custom.replaceNamespacedCustomObject({ ...WIDGETS, name: 'w', body: { ...widget, spec: { size: 2 } } });
    const status = await rejection(harness.custom.replaceNamespacedCustomObject({ ...WIDGETS, name: 'w', body: { ...widget, spec: { size: 3 } } }), 409);
    assert.equal(status['message'], 'Operation cannot be fulfilled on widgets.probe.dev "w": the object has been modified; please apply your changes to the latest version and try again');
    assert.deepEqual(status['details'], { name: 'w', group: 'probe.dev', kind: 'widgets' });
  });

  it('ignores status on the main endpoint of a kind with a status subresource', async () => {
    const harness = await setup();
    const widget = await createWidget(harness);
    const replaced = (await harness.custom.replaceNamespacedCustomObject({ ...WIDGETS, name: 'w', body: { ...widget, spec: { size: 2 }, status: { ready: true } } })) as Widget;
    assert.deepEqual(replaced.spec, { size: 2 });
    assert.equal(replaced.status, undefined);
  });

  it('changes only status through /status', async () => {
    const harness = await setup();
    const widget = await createWidget(harness);
    const replaced = (await harness.custom.replaceNamespacedCustomObjectStatus({
      ...WIDGETS, name: 'w', body: { ...widget, metadata: { ...widget.metadata, labels: { sneaky: 'yes' } }, spec: { size: 9 }, status: { ready: true } },
    })) as Widget & { metadata: { labels?: unknown } };
    assert.deepEqual(replaced.status, { ready: true });
    assert.deepEqual(replaced.spec, { size: 1 });
    assert.equal(replaced.metadata.labels, undefined);
    assert.equal(replaced.metadata.generation, 1);
  });

  it('bumps a custom resource generation on spec changes only, not on status or metadata', async () => {
    const harness = await setup();
    const widget = await createWidget(harness);
    const labelled = (await harness.custom.replaceNamespacedCustomObject({ ...WIDGETS, name: 'w', body: { ...widget, metadata: { ...widget.metadata, labels: { a: 'b' } } } })) as Widget;
    assert.equal(labelled.metadata.generation, 1);
    const withStatus = (await harness.custom.replaceNamespacedCustomObjectStatus({ ...WIDGETS, name: 'w', body: { ...labelled, status: { ready: true } } })) as Widget;
    assert.equal(withStatus.metadata.generation, 1);
    const resized = (await harness.custom.replaceNamespacedCustomObject({ ...WIDGETS, name: 'w', body: { ...withStatus, spec: { size: 5 } } })) as Widget;
    assert.equal(resized.metadata.generation, 2);
  });

  it('bumps a custom resource without status subresource on status changes too', async () => {
    const { custom } = await setup();
    const gadget = (await custom.createClusterCustomObject({ group: 'probe.dev', version: 'v1', plural: 'gadgets', body: { apiVersion: 'probe.dev/v1', kind: 'Gadget', metadata: { name: 'g' } } })) as Widget;
    const updated = (await custom.replaceClusterCustomObject({ group: 'probe.dev', version: 'v1', plural: 'gadgets', name: 'g', body: { ...gadget, status: { ready: true } } })) as Widget;
    assert.equal(updated.metadata.generation, 2);
  });

  it('bumps a Deployment generation on spec and annotation changes, not on labels', async () => {
    const { apps } = await setup();
    const created = await apps.createNamespacedDeployment({ namespace: 'default', body: deploymentBody('nginx:1') });
    const labelled = await apps.replaceNamespacedDeployment({ name: 'd', namespace: 'default', body: { ...created, metadata: { ...created.metadata, labels: { x: 'y' } } } });
    assert.equal(labelled.metadata?.generation, 1);
    const annotated = await apps.replaceNamespacedDeployment({ name: 'd', namespace: 'default', body: { ...labelled, metadata: { ...labelled.metadata, annotations: { note: 'n' } } } });
    assert.equal(annotated.metadata?.generation, 2);
    const newImage = deploymentBody('nginx:2');
    const rolled = await apps.replaceNamespacedDeployment({ name: 'd', namespace: 'default', body: { ...annotated, spec: newImage.spec } });
    assert.equal(rolled.metadata?.generation, 3);
  });

  it('keeps the resourceVersion when an update changes nothing', async () => {
    const { core } = await setup();
    const created = await core.createNamespacedConfigMap({ namespace: 'default', body: { metadata: { name: 'a' }, data: { k: '1' } } });
    const again = await core.replaceNamespacedConfigMap({ name: 'a', namespace: 'default', body: created });
    assert.equal(again.metadata?.resourceVersion, created.metadata?.resourceVersion);
    assert.deepEqual(again, created);
  });

  it('is 409 Conflict when the body carries another uid', async () => {
    const { core } = await setup();
    const created = await core.createNamespacedConfigMap({ namespace: 'default', body: { metadata: { name: 'a' } } });
    const status = await rejection(core.replaceNamespacedConfigMap({ name: 'a', namespace: 'default', body: { ...created, metadata: { ...created.metadata, uid: 'someone-else' } } }), 409);
    assert.equal(status['message'], `Operation cannot be fulfilled on configmaps "a": Precondition failed: UID in precondition: someone-else, UID in object meta: ${created.metadata?.uid}`);
  });

  it('is 400 BadRequest when the body names another object than the URL', async () => {
    const { core } = await setup();
    const created = await core.createNamespacedConfigMap({ namespace: 'default', body: { metadata: { name: 'a' } } });
    const status = await rejection(core.replaceNamespacedConfigMap({ name: 'a', namespace: 'default', body: { ...created, metadata: { ...created.metadata, name: 'b' } } }), 400);
    assert.equal(status['message'], 'the name of the object (b) does not match the name on the URL (a)');
  });

  it('keeps creationTimestamp whatever the body says', async () => {
    const { core } = await setup();
    const created = await core.createNamespacedConfigMap({ namespace: 'default', body: { metadata: { name: 'a' }, data: { k: '1' } } });
    const replaced = await core.replaceNamespacedConfigMap({ name: 'a', namespace: 'default', body: { ...created, metadata: { ...created.metadata, creationTimestamp: new Date('2030-01-01T00:00:00Z') }, data: { k: '2' } } });
    assert.equal(replaced.metadata?.creationTimestamp?.toISOString(), created.metadata?.creationTimestamp?.toISOString());
  });

  it('is 404 NotFound for an update of a missing object', async () => {
    const { core } = await setup();
    const status = await rejection(core.replaceNamespacedConfigMap({ name: 'a', namespace: 'default', body: { metadata: { name: 'a' } } }), 404);
    assert.equal(status['message'], 'configmaps "a" not found');
  });

  it('records the writer in managedFields with operation Update', async () => {
    const { core } = await setup();
    const created = await core.createNamespacedConfigMap({ namespace: 'default', fieldManager: 'my-controller', body: { metadata: { name: 'a' }, data: { k: '1' } } });
    const entry = created.metadata?.managedFields?.[0];
    assert.equal(entry?.manager, 'my-controller');
    assert.equal(entry?.operation, 'Update');
    assert.equal(entry?.apiVersion, 'v1');
  });

  it('treats empty labels and data as absent on a built-in kind: writing them changes nothing', async () => {
    const { core } = await setup();
    const created = await core.createNamespacedConfigMap({ namespace: 'default', body: { metadata: { name: 'a' } } });
    const again = await core.replaceNamespacedConfigMap({ name: 'a', namespace: 'default', body: { ...created, metadata: { ...created.metadata, labels: {} }, data: {} } });
    assert.equal(again.metadata?.resourceVersion, created.metadata?.resourceVersion);
  });

  it('lets /status of a Deployment change annotations but not spec or labels', async () => {
    const { apps } = await setup();
    const created = await apps.createNamespacedDeployment({ namespace: 'default', body: { metadata: { name: 'd', labels: { a: '1' } }, spec: { selector: {}, template: { spec: { containers: [] } } } } });
    const updated = await apps.replaceNamespacedDeploymentStatus({
      name: 'd', namespace: 'default',
      body: { ...created, metadata: { ...created.metadata, labels: { a: '2' }, annotations: { seen: 'yes' } }, spec: { ...created.spec, replicas: 9 } as never, status: { replicas: 1 } },
    });
    assert.deepEqual(updated.metadata?.labels, { a: '1' });
    assert.deepEqual(updated.metadata?.annotations, { seen: 'yes' });
    assert.equal(updated.spec?.replicas, 1);
    assert.equal(updated.status?.replicas, 1);
  });

  it('bumps a Pod generation on spec changes', async () => {
    const { core } = await setup();
    const pod = await core.createNamespacedPod({ namespace: 'default', body: { metadata: { name: 'p' }, spec: { containers: [{ name: 'c', image: 'a' }] } } });
    assert.equal(pod.metadata?.generation, 1);
    const changed = await core.replaceNamespacedPod({ name: 'p', namespace: 'default', body: { ...pod, spec: { containers: [{ name: 'c', image: 'b' }] } } });
    assert.equal(changed.metadata?.generation, 2);
  });
});
