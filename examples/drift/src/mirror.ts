/**
 * Copies each Mirror's `spec.value` into ConfigMap `<name>-copy` (`data.value`), creating the
 * ConfigMap when it is missing and updating it when the value differs.
 *
 * The bug: the controller watches only Mirrors. It does not declare that it owns the ConfigMaps
 * it creates (`owns`), so when someone edits a copy nothing reconciles the Mirror, and the copy
 * stays wrong until the Mirror itself changes (or the controller restarts).
 */
import { ApiException, CoreV1Api, CustomObjectsApi, PatchStrategy, setHeaderOptions, type KubernetesObject, type V1ConfigMap } from '@kubernetes/client-node';
import { defineController } from 'fixpoint';

const GROUP = 'demo.fixpoint.dev';
const VERSION = 'v1';
const PLURAL = 'mirrors';

interface Mirror extends KubernetesObject {
  spec?: { value?: string };
}

function isStatus(error: unknown, code: number): boolean {
  return error instanceof ApiException && error.code === code;
}

export default defineController({
  name: 'mirror',
  for: { apiVersion: `${GROUP}/${VERSION}`, kind: 'Mirror' },
  // BUG: missing `owns: [{ apiVersion: 'v1', kind: 'ConfigMap' }]`, so edits of a copy go unnoticed.
  async reconcile(request, ctx) {
    const custom = ctx.kubeConfig.makeApiClient(CustomObjectsApi);
    const core = ctx.kubeConfig.makeApiClient(CoreV1Api);
    const namespace = request.namespace ?? 'default';

    let mirror: Mirror;
    try {
      mirror = (await custom.getNamespacedCustomObject({ group: GROUP, version: VERSION, namespace, plural: PLURAL, name: request.name })) as Mirror;
    } catch (error) {
      if (isStatus(error, 404)) return;
      throw error;
    }
    const value = mirror.spec?.value ?? '';
    const copyName = `${request.name}-copy`;

    let copy: V1ConfigMap | undefined;
    try {
      copy = await core.readNamespacedConfigMap({ namespace, name: copyName });
    } catch (error) {
      if (!isStatus(error, 404)) throw error;
    }

    if (copy === undefined) {
      await core.createNamespacedConfigMap({
        namespace,
        body: {
          metadata: {
            name: copyName,
            ownerReferences: [{ apiVersion: `${GROUP}/${VERSION}`, kind: 'Mirror', name: request.name, uid: mirror.metadata?.uid ?? '', controller: true }],
          },
          data: { value },
        },
      });
      ctx.log(`created ${copyName}`);
      return;
    }
    if (copy.data?.['value'] === value) return;

    await core.patchNamespacedConfigMap({ namespace, name: copyName, body: { data: { value } } }, setHeaderOptions('Content-Type', PatchStrategy.MergePatch));
    ctx.log(`updated ${copyName}`);
  },
});
