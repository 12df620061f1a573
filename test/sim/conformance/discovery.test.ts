import assert from 'node:assert/strict';
import { it } from 'node:test';
import { forEachClientNode } from './harness.ts';

forEachClientNode('discovery', (setup) => {
  it('serves /api with the core version', async () => {
    const { cluster, k8s } = await setup();
    const core = cluster.kubeConfig().makeApiClient(k8s.CoreApi);
    const versions = await core.getAPIVersions();
    assert.deepEqual(versions.versions, ['v1']);
  });

  it('serves /apis with built-in groups and CRD groups, preferring the storage version', async () => {
    const { cluster, k8s } = await setup();
    const apis = cluster.kubeConfig().makeApiClient(k8s.ApisApi);
    const groups = await apis.getAPIVersions();
    const byName = new Map(groups.groups.map((group) => [group.name, group]));
    for (const name of ['apps', 'batch', 'networking.k8s.io', 'rbac.authorization.k8s.io', 'policy', 'coordination.k8s.io', 'apiextensions.k8s.io']) {
      assert.ok(byName.has(name), `group ${name}`);
    }
    assert.deepEqual(byName.get('probe.dev')?.versions.map((version) => version.version), ['v1', 'v1beta1']);
    assert.equal(byName.get('probe.dev')?.preferredVersion?.version, 'v1');
  });

  it('serves /api/v1 resources with scope, kind, verbs and status subresources', async () => {
    const { cluster, k8s } = await setup();
    const core = cluster.kubeConfig().makeApiClient(k8s.CoreV1Api);
    const list = await core.getAPIResources();
    const byName = new Map(list.resources.map((resource) => [resource.name, resource]));
    assert.equal(byName.get('configmaps')?.kind, 'ConfigMap');
    assert.equal(byName.get('configmaps')?.namespaced, true);
    assert.equal(byName.get('namespaces')?.namespaced, false);
    assert.ok(byName.has('pods/status'));
    assert.ok(!byName.has('configmaps/status'));
    for (const name of ['namespaces', 'configmaps', 'secrets', 'services', 'serviceaccounts', 'pods', 'persistentvolumeclaims', 'events', 'endpoints']) {
      assert.ok(byName.has(name), name);
    }
  });

  it('serves /apis/{group}/{version} for a CRD group with its scope', async () => {
    const { cluster, k8s } = await setup();
    const custom = cluster.kubeConfig().makeApiClient(k8s.CustomObjectsApi);
    const list = (await custom.getAPIResources({ group: 'probe.dev', version: 'v1' })) as { resources: { name: string; namespaced: boolean; kind: string }[] };
    assert.deepEqual(
      list.resources.map((resource) => [resource.name, resource.kind, resource.namespaced]),
      [['gadgets', 'Gadget', false], ['widgets', 'Widget', true], ['widgets/status', 'Widget', true]],
    );
  });

  it('serves every built-in kind of the table through its group version', async () => {
    const { cluster, k8s } = await setup();
    const kubeConfig = cluster.kubeConfig();
    const expectations: [new (...args: never[]) => { getAPIResources(): Promise<{ resources: { name: string }[] }> }, string[]][] = [
      [k8s.AppsV1Api, ['deployments', 'replicasets', 'statefulsets', 'daemonsets']],
      [k8s.BatchV1Api, ['jobs', 'cronjobs']],
      [k8s.NetworkingV1Api, ['ingresses']],
      [k8s.RbacAuthorizationV1Api, ['roles', 'rolebindings', 'clusterroles', 'clusterrolebindings']],
      [k8s.PolicyV1Api, ['poddisruptionbudgets']],
      [k8s.CoordinationV1Api, ['leases']],
    ];
    for (const [api, resources] of expectations) {
      const list = await kubeConfig.makeApiClient(api as never as typeof k8s.AppsV1Api).getAPIResources();
      const names = list.resources.map((resource) => resource.name);
      for (const resource of resources) assert.ok(names.includes(resource), resource);
    }
  });
});
