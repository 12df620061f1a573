/** Controllers that exercise watches with a map, delayed requeues, and memory kept between reconciles. */
import { ApiException, CoreV1Api, PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import { defineController } from 'fixpoint';

const configMaps = { apiVersion: 'v1', kind: 'ConfigMap' } as const;

/** Counts the Secrets labelled `target=<configmap>` into the ConfigMap; hears of Secrets only through its watch. */
export const tally = defineController({
  name: 'tally',
  for: configMaps,
  watches: [{ apiVersion: 'v1', kind: 'Secret', map: (secret) => [{ namespace: secret.metadata?.namespace, name: secret.metadata?.labels?.['target'] ?? '' }] }],
  async reconcile(request, ctx) {
    const core = ctx.kubeConfig.makeApiClient(CoreV1Api);
    const namespace = request.namespace ?? 'default';
    const secrets = await core.listNamespacedSecret({ namespace, labelSelector: `target=${request.name}` });
    const count = String(secrets.items.length);
    try {
      const configMap = await core.readNamespacedConfigMap({ name: request.name, namespace });
      if (configMap.data?.['count'] === count) return;
      await core.patchNamespacedConfigMap({ name: request.name, namespace, body: { data: { count } } }, setHeaderOptions('Content-Type', PatchStrategy.MergePatch));
    } catch (error) {
      if (!(error instanceof ApiException && error.code === 404)) throw error;
    }
  },
});

/** Marks a ConfigMap expired once a minute has passed since it was created, checking every 30 seconds. */
export const expiry = defineController({
  name: 'expiry',
  for: configMaps,
  async reconcile(request, ctx) {
    const core = ctx.kubeConfig.makeApiClient(CoreV1Api);
    const configMap = await core.readNamespacedConfigMap({ name: request.name, namespace: request.namespace ?? 'default' });
    if (configMap.data?.['expired'] === 'true') return;
    const age = Date.now() - (configMap.metadata?.creationTimestamp?.getTime() ?? 0);
    if (age < 60_000) return { requeueAfterSeconds: 30 };
    await core.patchNamespacedConfigMap(
      { name: request.name, namespace: request.namespace ?? 'default', body: { data: { expired: 'true', at: new Date().toISOString() } } },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    );
  },
});

/** Labels each ConfigMap once, remembering in memory which it did: a re-run from the same state does nothing. */
const done = new Set<string>();
export const forgetful = defineController({
  name: 'forgetful',
  for: configMaps,
  async reconcile(request, ctx) {
    if (done.has(request.name)) return;
    done.add(request.name);
    const core = ctx.kubeConfig.makeApiClient(CoreV1Api);
    await core.patchNamespacedConfigMap(
      { name: request.name, namespace: request.namespace ?? 'default', body: { metadata: { labels: { seen: 'yes' } } } },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    );
  },
});
