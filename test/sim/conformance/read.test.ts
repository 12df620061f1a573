import assert from 'node:assert/strict';
import { it } from 'node:test';
import { forEachClientNode, rejection, type Harness } from './harness.ts';

async function seed({ core }: Harness): Promise<void> {
  await core.createNamespace({ body: { metadata: { name: 'other' } } });
  const labelled: [string, string, Record<string, string>][] = [
    ['default', 'web', { app: 'web', tier: 'front' }],
    ['default', 'db', { app: 'db', tier: 'back' }],
    ['default', 'plain', {}],
    ['other', 'web', { app: 'web', tier: 'front', canary: 'true' }],
  ];
  for (const [namespace, name, labels] of labelled) {
    await core.createNamespacedConfigMap({ namespace, body: { metadata: { name, labels } } });
  }
}

function names(list: { items: { metadata?: { namespace?: string; name?: string } }[] }): string[] {
  return list.items.map((item) => `${item.metadata?.namespace}/${item.metadata?.name}`);
}

forEachClientNode('get and list', (setup) => {
  it('reads back what was created', async () => {
    const harness = await setup();
    const created = await harness.core.createNamespacedConfigMap({ namespace: 'default', body: { metadata: { name: 'a', labels: { x: 'y' } }, data: { k: 'v' } } });
    const read = await harness.core.readNamespacedConfigMap({ name: 'a', namespace: 'default' });
    assert.deepEqual(read, created);
  });

  it('is 404 NotFound with the real message and details for a missing object', async () => {
    const { core } = await setup();
    const status = await rejection(core.readNamespacedConfigMap({ name: 'a', namespace: 'default' }), 404);
    assert.deepEqual(status, {
      kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure',
      message: 'configmaps "a" not found', reason: 'NotFound', details: { name: 'a', kind: 'configmaps' }, code: 404,
    });
  });

  it('names the group in NotFound for grouped and custom resources', async () => {
    const { apps, custom } = await setup();
    const deployment = await rejection(apps.readNamespacedDeployment({ name: 'd', namespace: 'default' }), 404);
    assert.equal(deployment['message'], 'deployments.apps "d" not found');
    assert.deepEqual(deployment['details'], { name: 'd', group: 'apps', kind: 'deployments' });
    const widget = await rejection(custom.getNamespacedCustomObject({ group: 'probe.dev', version: 'v1', namespace: 'default', plural: 'widgets', name: 'w' }), 404);
    assert.equal(widget['message'], 'widgets.probe.dev "w" not found');
  });

  it('lists one namespace in name order, items of built-in kinds without apiVersion and kind', async () => {
    const harness = await setup();
    await seed(harness);
    const list = await harness.core.listNamespacedConfigMap({ namespace: 'default' });
    assert.deepEqual(names(list), ['default/db', 'default/plain', 'default/web']);
    assert.equal(list.kind, 'ConfigMapList');
    assert.equal(list.items[0]?.apiVersion, undefined);
    assert.equal(list.items[0]?.kind, undefined);
  });

  it('lists across all namespaces in namespace, then name order', async () => {
    const harness = await setup();
    await seed(harness);
    const list = await harness.core.listConfigMapForAllNamespaces();
    assert.deepEqual(names(list), ['default/db', 'default/plain', 'default/web', 'other/web']);
  });

  it('reports the store revision as the list resourceVersion', async () => {
    const harness = await setup();
    await seed(harness);
    const last = await harness.core.createNamespacedConfigMap({ namespace: 'default', body: { metadata: { name: 'last' } } });
    const list = await harness.core.listNamespacedConfigMap({ namespace: 'default' });
    assert.equal(list.metadata?.resourceVersion, last.metadata?.resourceVersion);
  });

  it('keeps apiVersion and kind on custom resource list items', async () => {
    const { custom } = await setup();
    await custom.createNamespacedCustomObject({ group: 'probe.dev', version: 'v1', namespace: 'default', plural: 'widgets', body: { apiVersion: 'probe.dev/v1', kind: 'Widget', metadata: { name: 'w' } } });
    const list = (await custom.listNamespacedCustomObject({ group: 'probe.dev', version: 'v1', namespace: 'default', plural: 'widgets' })) as { kind: string; items: { apiVersion: string; kind: string }[] };
    assert.equal(list.kind, 'WidgetList');
    assert.deepEqual(list.items.map((item) => [item.apiVersion, item.kind]), [['probe.dev/v1', 'Widget']]);
  });

  const selectorCases: [string, string[]][] = [
    ['app=web', ['default/web']],
    ['app==web', ['default/web']],
    ['app!=web', ['default/db', 'default/plain']],
    ['app in (web,db)', ['default/db', 'default/web']],
    ['app notin (web)', ['default/db', 'default/plain']],
    ['tier', ['default/db', 'default/web']],
    ['!tier', ['default/plain']],
    ['app=web,tier=front', ['default/web']],
    ['', ['default/db', 'default/plain', 'default/web']],
  ];
  for (const [labelSelector, expected] of selectorCases) {
    it(`filters by the label selector ${JSON.stringify(labelSelector)}`, async () => {
      const harness = await setup();
      await seed(harness);
      const list = await harness.core.listNamespacedConfigMap({ namespace: 'default', labelSelector });
      assert.deepEqual(names(list), expected);
    });
  }

  it('is 400 BadRequest for an unparseable label selector', async () => {
    const { core } = await setup();
    const status = await rejection(core.listNamespacedConfigMap({ namespace: 'default', labelSelector: 'app in web' }), 400);
    assert.equal(status['reason'], 'BadRequest');
  });

  it('filters across namespaces by the field selectors metadata.name and metadata.namespace', async () => {
    const harness = await setup();
    await seed(harness);
    assert.deepEqual(names(await harness.core.listConfigMapForAllNamespaces({ fieldSelector: 'metadata.name=web' })), ['default/web', 'other/web']);
    assert.deepEqual(names(await harness.core.listConfigMapForAllNamespaces({ fieldSelector: 'metadata.namespace=other' })), ['other/web']);
    assert.deepEqual(names(await harness.core.listConfigMapForAllNamespaces({ fieldSelector: 'metadata.name!=web,metadata.namespace=default' })), ['default/db', 'default/plain']);
  });

  it('is 400 BadRequest for a field selector on an unsupported field', async () => {
    const { core } = await setup();
    const status = await rejection(core.listNamespacedConfigMap({ namespace: 'default', fieldSelector: 'data.k=v' }), 400);
    assert.equal(status['reason'], 'BadRequest');
    assert.match(String(status['message']), /data\.k/);
  });

  it('pages with limit and continue, counting the remaining items', async () => {
    const harness = await setup();
    await seed(harness);
    const first = await harness.core.listConfigMapForAllNamespaces({ limit: 3 });
    assert.deepEqual(names(first), ['default/db', 'default/plain', 'default/web']);
    assert.equal(first.metadata?.remainingItemCount, 1);
    const rest = await harness.core.listConfigMapForAllNamespaces({ limit: 3, _continue: first.metadata?._continue ?? '' });
    assert.deepEqual(names(rest), ['other/web']);
    assert.equal(rest.metadata?._continue, undefined);
  });

  it('lists cluster-scoped kinds, including the namespaces a new cluster has', async () => {
    const { core } = await setup();
    const namespaces = await core.listNamespace();
    assert.deepEqual(namespaces.items.map((item) => item.metadata?.name), ['default', 'kube-node-lease', 'kube-public', 'kube-system']);
  });

  it('serves a custom resource at every served version from one stored object', async () => {
    const { custom } = await setup();
    await custom.createNamespacedCustomObject({ group: 'probe.dev', version: 'v1', namespace: 'default', plural: 'widgets', body: { apiVersion: 'probe.dev/v1', kind: 'Widget', metadata: { name: 'w' }, spec: { size: 2 } } });
    const old = (await custom.getNamespacedCustomObject({ group: 'probe.dev', version: 'v1beta1', namespace: 'default', plural: 'widgets', name: 'w' })) as { apiVersion: string; spec: unknown };
    assert.equal(old.apiVersion, 'probe.dev/v1beta1');
    assert.deepEqual(old.spec, { size: 2 });
  });

  it('counts remaining items only when the list is not filtered', async () => {
    const harness = await setup();
    await seed(harness);
    const filtered = await harness.core.listConfigMapForAllNamespaces({ limit: 1, labelSelector: 'app' });
    assert.equal(filtered.metadata?.remainingItemCount, undefined);
    assert.ok(filtered.metadata?._continue);
  });
});
