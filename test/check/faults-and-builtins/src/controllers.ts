/** Controllers whose bugs show only under a stale read, and one whose children the garbage collector removes. */
import { ApiException, CoreV1Api } from '@kubernetes/client-node';
import { defineController } from 'fixpoint';

const configMaps = { apiVersion: 'v1', kind: 'ConfigMap' } as const;

/**
 * Keeps Secret `token` only while ConfigMap `enabled` exists, and deletes it otherwise: acting on
 * an absence it read from its cache, which a lagging cache can fake.
 */
export const janitor = defineController({
  name: 'janitor',
  for: configMaps,
  async reconcile(_request, ctx) {
    const core = ctx.kubeConfig.makeApiClient(CoreV1Api);
    const enabled = await core.listNamespacedConfigMap({ namespace: 'default', fieldSelector: 'metadata.name=enabled' });
    if (enabled.items.length > 0) return;
    try {
      await core.deleteNamespacedSecret({ name: 'token', namespace: 'default' });
    } catch (error) {
      if (!(error instanceof ApiException && error.code === 404)) throw error;
    }
  },
});

/** Gives ConfigMap `owner` a child ConfigMap `owner-child` that it controls. */
export const parent = defineController({
  name: 'parent',
  for: configMaps,
  owns: [configMaps],
  async reconcile(request, ctx) {
    if (request.name !== 'owner') return;
    const core = ctx.kubeConfig.makeApiClient(CoreV1Api);
    let owner;
    try {
      owner = await core.readNamespacedConfigMap({ name: 'owner', namespace: 'default' });
    } catch (error) {
      if (error instanceof ApiException && error.code === 404) return;
      throw error;
    }
    if (owner.metadata?.deletionTimestamp) return;
    const ownerReferences = [{ apiVersion: 'v1', kind: 'ConfigMap', name: 'owner', uid: owner.metadata?.uid ?? '', controller: true, blockOwnerDeletion: true }];
    try {
      await core.createNamespacedConfigMap({ namespace: 'default', body: { metadata: { name: 'owner-child', ownerReferences } } });
    } catch (error) {
      if (!(error instanceof ApiException && error.code === 409)) throw error;
    }
  },
});
