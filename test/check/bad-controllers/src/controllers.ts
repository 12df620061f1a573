/** Controllers that misbehave in each way the checker must survive. */
import { CoreV1Api } from '@kubernetes/client-node';
import { defineController } from 'fixpoint';

const configMaps = { apiVersion: 'v1', kind: 'ConfigMap' } as const;

/** Reads a field of something that is not there: a TypeError. */
export const careless = defineController({
  name: 'careless',
  for: configMaps,
  async reconcile(request, ctx) {
    const core = ctx.kubeConfig.makeApiClient(CoreV1Api);
    const configMap = await core.readNamespacedConfigMap({ name: request.name, namespace: request.namespace ?? 'default' });
    const settings = (configMap.data as unknown as { settings: { mode: string } }).settings;
    return settings.mode === 'on' ? undefined : { requeue: false };
  },
});

/** Awaits a promise nothing ever settles. */
export const waiting = defineController({
  name: 'waiting',
  for: configMaps,
  async reconcile() {
    await new Promise(() => {});
  },
});

/** Never returns at all. */
export const spinning = defineController({
  name: 'spinning',
  for: configMaps,
  reconcile() {
    for (;;) {
      // busy
    }
  },
});

/** Keeps adding ConfigMaps: a state space without end. */
export const breeding = defineController({
  name: 'breeding',
  for: configMaps,
  async reconcile(_request, ctx) {
    const core = ctx.kubeConfig.makeApiClient(CoreV1Api);
    await core.createNamespacedConfigMap({ namespace: 'default', body: { metadata: { generateName: 'offspring-' } } });
  },
});
