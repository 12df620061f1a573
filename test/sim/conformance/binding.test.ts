import assert from 'node:assert/strict';
import net from 'node:net';
import { after, before, it } from 'node:test';
import { forEachClientNode, rejection } from './harness.ts';

const connect = net.Socket.prototype.connect;
before(() => {
  net.Socket.prototype.connect = function refuse(): never {
    throw new Error('the simulated cluster must never open a socket');
  };
});
after(() => {
  net.Socket.prototype.connect = connect;
});

forEachClientNode('client binding', (setup) => {
  it('serves the generated API classes in-process, with every socket connect refused', async () => {
    const { core, apps, custom } = await setup();
    await core.createNamespacedConfigMap({ namespace: 'default', body: { metadata: { name: 'a' } } });
    await apps.listNamespacedDeployment({ namespace: 'default' });
    await custom.listClusterCustomObject({ group: 'probe.dev', version: 'v1', plural: 'gadgets' });
    assert.equal((await core.readNamespacedConfigMap({ name: 'a', namespace: 'default' })).metadata?.name, 'a');
  });

  it('makes a KubeConfig of the user’s own client-node class', async () => {
    const { cluster, k8s } = await setup();
    const kubeConfig = cluster.kubeConfig();
    assert.ok(kubeConfig instanceof k8s.KubeConfig);
    assert.ok(kubeConfig.makeApiClient(k8s.CoreV1Api) instanceof k8s.CoreV1Api);
    assert.equal(kubeConfig.getCurrentCluster()?.server.startsWith('https://'), true);
  });

  it('raises the user’s own ApiException, with the raw Status text as body', async () => {
    const { core, k8s } = await setup();
    try {
      await core.readNamespacedConfigMap({ name: 'missing', namespace: 'default' });
      assert.fail('expected a 404');
    } catch (error) {
      assert.ok(error instanceof k8s.ApiException);
      assert.equal(JSON.parse(error.body as string).reason, 'NotFound');
    }
  });

  it('lets KubernetesObjectApi find resources through discovery and create, read, patch and delete', async () => {
    const { objects, k8s } = await setup();
    const spec = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'd', namespace: 'default' }, spec: { selector: {}, template: { spec: { containers: [{ name: 'c', image: 'a' }] } } } };
    await objects.create(spec as never);
    const read = (await objects.read({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'd', namespace: 'default' } })) as { kind?: string };
    assert.equal(read.kind, 'Deployment');
    const patched = (await objects.patch(
      { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'd', namespace: 'default' }, spec: { template: { spec: { containers: [{ name: 'c', image: 'b' }] } } } } as never,
      undefined, undefined, undefined, undefined, k8s.PatchStrategy.StrategicMergePatch,
    )) as { spec: { template: { spec: { containers: { image: string }[] } } } };
    assert.equal(patched.spec.template.spec.containers[0]?.image, 'b');
    await objects.delete({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'd', namespace: 'default' } });
    await rejection(objects.read({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'd', namespace: 'default' } }), 404);
  });

  it('lets KubernetesObjectApi work with a custom resource', async () => {
    const { objects } = await setup();
    await objects.create({ apiVersion: 'probe.dev/v1', kind: 'Widget', metadata: { name: 'w', namespace: 'default' }, spec: { size: 1 } } as never);
    const list = (await objects.list('probe.dev/v1', 'Widget', 'default')) as { items: { metadata?: { name?: string } }[] };
    assert.deepEqual(list.items.map((item) => item.metadata?.name), ['w']);
  });

  it('answers a path no resource serves with the apiserver’s plain 404', async () => {
    const { custom } = await setup();
    const status = await rejection(custom.listNamespacedCustomObject({ group: 'probe.dev', version: 'v9', namespace: 'default', plural: 'widgets' }), 404);
    assert.equal(status['message'], 'the server could not find the requested resource');
  });
});
