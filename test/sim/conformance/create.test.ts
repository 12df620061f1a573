import assert from 'node:assert/strict';
import { it } from 'node:test';
import { forEachClientNode, rejection } from './harness.ts';

forEachClientNode('create', (setup) => {
  it('sets uid, resourceVersion and creationTimestamp from the simulated clock, and returns 201 content', async () => {
    const { core } = await setup();
    const created = await core.createNamespacedConfigMap({ namespace: 'default', body: { metadata: { name: 'a' }, data: { k: 'v' } } });
    assert.equal(created.metadata?.name, 'a');
    assert.equal(created.metadata?.namespace, 'default');
    assert.match(created.metadata?.uid ?? '', /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-8[0-9a-f]{3}-[0-9a-f]{12}$/);
    assert.match(created.metadata?.resourceVersion ?? '', /^\d+$/);
    assert.equal(created.metadata?.creationTimestamp?.toISOString(), '2025-01-01T00:00:00.000Z');
    assert.deepEqual(created.data, { k: 'v' });
  });

  it('sets generation 1 on kinds that track it and none on ConfigMap', async () => {
    const { core, apps } = await setup();
    const deployment = await apps.createNamespacedDeployment({
      namespace: 'default',
      body: { metadata: { name: 'd' }, spec: { selector: { matchLabels: { app: 'd' } }, template: { metadata: { labels: { app: 'd' } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } } } },
    });
    assert.equal(deployment.metadata?.generation, 1);
    const configMap = await core.createNamespacedConfigMap({ namespace: 'default', body: { metadata: { name: 'a' } } });
    assert.equal(configMap.metadata?.generation, undefined);
  });

  it('gives a custom resource generation 1', async () => {
    const { custom } = await setup();
    const widget = (await custom.createNamespacedCustomObject({ group: 'probe.dev', version: 'v1', namespace: 'default', plural: 'widgets', body: { apiVersion: 'probe.dev/v1', kind: 'Widget', metadata: { name: 'w' }, spec: { size: 1 } } })) as { metadata: { generation: number } };
    assert.equal(widget.metadata.generation, 1);
  });

  it('is 409 AlreadyExists for a taken name, with the real message and details', async () => {
    const { core } = await setup();
    await core.createNamespacedConfigMap({ namespace: 'default', body: { metadata: { name: 'a' } } });
    const status = await rejection(core.createNamespacedConfigMap({ namespace: 'default', body: { metadata: { name: 'a' } } }), 409);
    assert.deepEqual(status, {
      kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure',
      message: 'configmaps "a" already exists', reason: 'AlreadyExists', details: { name: 'a', kind: 'configmaps' }, code: 409,
    });
  });

  it('names the group in AlreadyExists for a grouped resource', async () => {
    const { apps } = await setup();
    const body = { metadata: { name: 'd' }, spec: { selector: {}, template: { spec: { containers: [] } } } };
    await apps.createNamespacedDeployment({ namespace: 'default', body });
    const status = await rejection(apps.createNamespacedDeployment({ namespace: 'default', body }), 409);
    assert.equal(status['message'], 'deployments.apps "d" already exists');
    assert.deepEqual(status['details'], { name: 'd', group: 'apps', kind: 'deployments' });
  });

  it('is 422 Invalid when neither name nor generateName is given', async () => {
    const { core } = await setup();
    const status = await rejection(core.createNamespacedConfigMap({ namespace: 'default', body: { metadata: {} } }), 422);
    assert.equal(status['reason'], 'Invalid');
    assert.equal(status['message'], 'ConfigMap "" is invalid: metadata.name: Required value: name or generateName is required');
    assert.deepEqual(status['details'], {
      name: '', kind: 'ConfigMap',
      causes: [{ reason: 'FieldValueRequired', message: 'Required value: name or generateName is required', field: 'metadata.name' }],
    });
  });

  it('is 422 Invalid for a name that is not a DNS subdomain', async () => {
    const { core } = await setup();
    const status = await rejection(core.createNamespacedConfigMap({ namespace: 'default', body: { metadata: { name: 'Not_Valid' } } }), 422);
    assert.match(String(status['message']), /^ConfigMap "Not_Valid" is invalid: metadata.name: Invalid value: "Not_Valid": a lowercase RFC 1123 subdomain must consist of/);
  });

  it('derives a generateName suffix from the state: the same state gives the same name', async () => {
    const first = await setup();
    const second = await setup();
    const a = await first.core.createNamespacedConfigMap({ namespace: 'default', body: { metadata: { generateName: 'job-' } } });
    const b = await second.core.createNamespacedConfigMap({ namespace: 'default', body: { metadata: { generateName: 'job-' } } });
    assert.match(a.metadata?.name ?? '', /^job-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
    assert.equal(a.metadata?.name, b.metadata?.name);
    const c = await first.core.createNamespacedConfigMap({ namespace: 'default', body: { metadata: { generateName: 'job-' } } });
    assert.notEqual(c.metadata?.name, a.metadata?.name);
    assert.equal(c.metadata?.generateName, 'job-');
  });

  it('is 404 NotFound in a namespace that does not exist', async () => {
    const { core } = await setup();
    const status = await rejection(core.createNamespacedConfigMap({ namespace: 'nowhere', body: { metadata: { name: 'a' } } }), 404);
    assert.equal(status['message'], 'namespaces "nowhere" not found');
    assert.deepEqual(status['details'], { name: 'nowhere', kind: 'namespaces' });
  });

  it('is 403 Forbidden with a NamespaceTerminating cause in a namespace being deleted', async () => {
    const { core } = await setup();
    await core.createNamespace({ body: { metadata: { name: 'leaving' } } });
    await core.deleteNamespace({ name: 'leaving' });
    const status = await rejection(core.createNamespacedConfigMap({ namespace: 'leaving', body: { metadata: { name: 'a' } } }), 403);
    assert.equal(status['reason'], 'Forbidden');
    assert.equal(status['message'], 'configmaps "a" is forbidden: unable to create new content in namespace leaving because it is being terminated');
    assert.deepEqual(status['details'], {
      name: 'a', kind: 'configmaps',
      causes: [{ reason: 'NamespaceTerminating', message: 'namespace leaving is being terminated', field: 'metadata.namespace' }],
    });
  });

  it('is 400 BadRequest when the body names another namespace than the URL', async () => {
    const { core } = await setup();
    const status = await rejection(core.createNamespacedConfigMap({ namespace: 'default', body: { metadata: { name: 'a', namespace: 'kube-system' } } }), 400);
    assert.equal(status['message'], 'the namespace of the provided object does not match the namespace sent on the request');
  });

  it('drops the status a create sends where the kind has a status subresource', async () => {
    const { custom, apps } = await setup();
    const widget = (await custom.createNamespacedCustomObject({
      group: 'probe.dev', version: 'v1', namespace: 'default', plural: 'widgets',
      body: { apiVersion: 'probe.dev/v1', kind: 'Widget', metadata: { name: 'w' }, spec: { size: 1 }, status: { ready: true } },
    })) as Record<string, unknown>;
    assert.equal(widget['status'], undefined);
    const deployment = await apps.createNamespacedDeployment({
      namespace: 'default',
      body: { metadata: { name: 'd' }, spec: { selector: {}, template: { spec: { containers: [] } } }, status: { replicas: 5 } },
    });
    // A built-in kind's status struct is always encoded, empty after create.
    assert.deepEqual(JSON.parse(JSON.stringify(deployment.status)), {});
  });

  it('keeps status on create where the kind has no status subresource', async () => {
    const { custom } = await setup();
    const gadget = (await custom.createClusterCustomObject({
      group: 'probe.dev', version: 'v1', plural: 'gadgets',
      body: { apiVersion: 'probe.dev/v1', kind: 'Gadget', metadata: { name: 'g' }, status: { ready: true } },
    })) as Record<string, unknown>;
    assert.deepEqual(gadget['status'], { ready: true });
  });

  it('gives a new Namespace the kubernetes finalizer and phase Active', async () => {
    const { core } = await setup();
    const namespace = await core.createNamespace({ body: { metadata: { name: 'team' } } });
    assert.deepEqual(namespace.spec?.finalizers, ['kubernetes']);
    assert.equal(namespace.status?.phase, 'Active');
    assert.equal(namespace.metadata?.namespace, undefined);
  });

  it('registers a CustomResourceDefinition created through the API and marks it Established', async () => {
    const { objects, custom } = await setup();
    const definition = await objects.create({
      apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', metadata: { name: 'things.late.dev' },
      spec: { group: 'late.dev', scope: 'Namespaced', names: { plural: 'things', kind: 'Thing' }, versions: [{ name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: { type: 'object' } } }] },
    } as never) as { status?: { conditions?: { type: string; status: string }[] } };
    assert.deepEqual(definition.status?.conditions?.map((condition) => [condition.type, condition.status]), [['NamesAccepted', 'True'], ['Established', 'True']]);
    const thing = (await custom.createNamespacedCustomObject({ group: 'late.dev', version: 'v1', namespace: 'default', plural: 'things', body: { apiVersion: 'late.dev/v1', kind: 'Thing', metadata: { name: 't' } } })) as { kind: string };
    assert.equal(thing.kind, 'Thing');
  });

  it('is 422 Invalid for a CustomResourceDefinition whose name is not plural.group', async () => {
    const { objects } = await setup();
    const status = await rejection(objects.create({
      apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', metadata: { name: 'wrong' },
      spec: { group: 'late.dev', scope: 'Namespaced', names: { plural: 'things', kind: 'Thing' }, versions: [{ name: 'v1', served: true, storage: true }] },
    } as never), 422);
    assert.equal(status['message'], 'CustomResourceDefinition.apiextensions.k8s.io "wrong" is invalid: metadata.name: Invalid value: "wrong": must be spec.names.plural+"."+spec.group');
  });

  it('creates a cluster-scoped object without a namespace', async () => {
    const { objects } = await setup();
    const role = (await objects.create({ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name: 'reader' }, rules: [] } as never)) as { kind?: string; metadata?: { namespace?: string } };
    assert.equal(role.metadata?.namespace, undefined);
    assert.equal(role.kind, 'ClusterRole');
  });

  it('is a 500 without reason when the new object names a resourceVersion', async () => {
    const { core } = await setup();
    const status = await rejection(core.createNamespacedConfigMap({ namespace: 'default', body: { metadata: { name: 'a', resourceVersion: '7' } } }), 500);
    assert.deepEqual(status, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'resourceVersion should not be set on objects to be created', code: 500 });
  });

  it('says an object is still being deleted when its name is taken by one', async () => {
    const { core } = await setup();
    await core.createNamespacedConfigMap({ namespace: 'default', body: { metadata: { name: 'a', finalizers: ['example.com/hold'] } } });
    await core.deleteNamespacedConfigMap({ name: 'a', namespace: 'default' });
    const status = await rejection(core.createNamespacedConfigMap({ namespace: 'default', body: { metadata: { name: 'a' } } }), 409);
    assert.equal(status['message'], 'object is being deleted: configmaps "a" already exists');
  });

  it('does not count fields the server sets on create as the creator’s, so a status applier does not conflict', async () => {
    const { core, k8s } = await setup();
    await core.createNamespacedPod({ namespace: 'default', fieldManager: 'ctl', body: { metadata: { name: 'p' }, spec: { containers: [{ name: 'c', image: 'i' }] } } });
    const applied = await core.patchNamespacedPodStatus(
      { name: 'p', namespace: 'default', fieldManager: 'kubelet', body: { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'default' }, status: { phase: 'Running' } } },
      k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.ServerSideApply),
    );
    assert.equal(applied.status?.phase, 'Running');
    assert.equal(applied.metadata?.generation, 1);
  });

  it('applies the common defaults of built-in kinds on every write', async () => {
    const { core, apps } = await setup();
    const secret = await core.createNamespacedSecret({ namespace: 'default', body: { metadata: { name: 's' } } });
    assert.equal(secret.type, 'Opaque');
    const deployment = await apps.createNamespacedDeployment({ namespace: 'default', body: { metadata: { name: 'd' }, spec: { selector: {}, template: { spec: { containers: [] } } } } });
    assert.equal(deployment.spec?.replicas, 1);
    const namespace = await core.createNamespace({ body: { metadata: { name: 'team' } } });
    assert.deepEqual(namespace.metadata?.labels, { 'kubernetes.io/metadata.name': 'team' });
  });
});
