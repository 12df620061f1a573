/**
 * A walk through the simulated API server with the real @kubernetes/client-node: what a
 * controller sees on create, conflicting updates, status subresources, patches, server-side
 * apply and finalizers. Run with `npm start`.
 */
import * as k8s from '@kubernetes/client-node';
import { SimulatedCluster } from '../src/sim/index.ts';

const crd = `
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: { name: toggles.demo.fixpoint.dev }
spec:
  group: demo.fixpoint.dev
  scope: Namespaced
  names: { plural: toggles, singular: toggle, kind: Toggle }
  versions:
    - name: v1
      served: true
      storage: true
      subresources: { status: {} }
      schema: { openAPIV3Schema: { type: object, x-kubernetes-preserve-unknown-fields: true } }
`;

const cluster = await SimulatedCluster.create({ clientNode: k8s });
cluster.apply(crd);
const kubeConfig = cluster.kubeConfig();
const core = kubeConfig.makeApiClient(k8s.CoreV1Api);
const custom = kubeConfig.makeApiClient(k8s.CustomObjectsApi);
const group = 'demo.fixpoint.dev';

function show(step: string, detail: unknown): void {
  console.log(`\n▸ ${step}\n  ${typeof detail === 'string' ? detail : JSON.stringify(detail)}`);
}

async function failure(call: Promise<unknown>): Promise<string> {
  try {
    await call;
    return 'succeeded (unexpected)';
  } catch (error) {
    if (!(error instanceof k8s.ApiException)) throw error;
    const status = JSON.parse(error.body as string) as { reason: string; message: string };
    return `${error.code} ${status.reason}: ${status.message}`;
  }
}

const created = await core.createNamespacedConfigMap({ namespace: 'default', body: { metadata: { name: 'settings' }, data: { mode: 'a' } } });
show('create ConfigMap default/settings', { uid: created.metadata?.uid, resourceVersion: created.metadata?.resourceVersion, creationTimestamp: created.metadata?.creationTimestamp });

const first = await core.readNamespacedConfigMap({ name: 'settings', namespace: 'default' });
const second = await core.readNamespacedConfigMap({ name: 'settings', namespace: 'default' });
await core.replaceNamespacedConfigMap({ name: 'settings', namespace: 'default', body: { ...first, data: { mode: 'b' } } });
show('a second writer replaces with the resourceVersion it read earlier', await failure(core.replaceNamespacedConfigMap({ name: 'settings', namespace: 'default', body: { ...second, data: { mode: 'c' } } })));

show('read a ConfigMap that does not exist', await failure(core.readNamespacedConfigMap({ name: 'missing', namespace: 'default' })));

const toggle = (await custom.createNamespacedCustomObject({
  group, version: 'v1', namespace: 'default', plural: 'toggles',
  body: { apiVersion: `${group}/v1`, kind: 'Toggle', metadata: { name: 't1' }, spec: { desired: 'alpha' }, status: { owner: 'ignored on create' } },
})) as k8s.KubernetesObject & { status?: unknown };
show('create Toggle with a status: the status subresource drops it; generation starts at 1', { generation: toggle.metadata?.generation, status: toggle.status ?? null });

await custom.replaceNamespacedCustomObjectStatus({
  group, version: 'v1', namespace: 'default', plural: 'toggles', name: 't1',
  body: { ...toggle, status: { owner: 'alpha' } },
});
const patched = (await custom.patchNamespacedCustomObject(
  { group, version: 'v1', namespace: 'default', plural: 'toggles', name: 't1', body: { spec: { desired: 'beta' } } },
  k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch),
)) as k8s.KubernetesObject & { status?: unknown };
show('status written through /status, then a merge patch of spec bumps generation', { generation: patched.metadata?.generation, status: patched.status });

show('strategic merge patch of a custom resource', await failure(custom.patchNamespacedCustomObject(
  { group, version: 'v1', namespace: 'default', plural: 'toggles', name: 't1', body: { spec: { desired: 'alpha' } } },
  k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.StrategicMergePatch),
)));

const applyConfig = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings' }, data: { mode: 'operator' } };
show('server-side apply of data.mode, which the replace calls above own', await failure(core.patchNamespacedConfigMap(
  { name: 'settings', namespace: 'default', fieldManager: 'operator', body: applyConfig },
  k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.ServerSideApply),
)));
const forced = await core.patchNamespacedConfigMap(
  { name: 'settings', namespace: 'default', fieldManager: 'operator', force: true, body: applyConfig },
  k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.ServerSideApply),
);
show('the same apply with force takes the field over', forced.metadata?.managedFields?.map((entry) => `${entry.manager} (${entry.operation})`).join(', ') ?? '');
show('another manager applying a different value now conflicts with the operator', await failure(core.patchNamespacedConfigMap(
  { name: 'settings', namespace: 'default', fieldManager: 'intruder', body: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings' }, data: { mode: 'intruder' } } },
  k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.ServerSideApply),
)));

await core.patchNamespacedConfigMap(
  { name: 'settings', namespace: 'default', body: [{ op: 'add', path: '/metadata/finalizers', value: ['demo.fixpoint.dev/cleanup'] }] },
);
const deleting = await core.deleteNamespacedConfigMap({ name: 'settings', namespace: 'default' });
const held = await core.readNamespacedConfigMap({ name: 'settings', namespace: 'default' });
show('delete an object with a finalizer: it stays, marked for deletion', { deletionTimestamp: held.metadata?.deletionTimestamp, finalizers: held.metadata?.finalizers, response: (deleting as { kind?: string }).kind });
await core.patchNamespacedConfigMap({ name: 'settings', namespace: 'default', body: [{ op: 'remove', path: '/metadata/finalizers' }] });
show('remove the last finalizer: the object is gone', await failure(core.readNamespacedConfigMap({ name: 'settings', namespace: 'default' })));

show('cluster fingerprint (ignores resourceVersions and timestamps)', cluster.fingerprint());
