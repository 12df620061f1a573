/**
 * Counts each Counter's `status.count` up to its `spec.target`, one step per reconcile, asking to
 * be run again after every step: a stand-in for any controller that makes progress in small
 * steps (rolling a fleet one node at a time, migrating a table in batches).
 */
import { ApiException, CustomObjectsApi, type KubernetesObject } from '@kubernetes/client-node';
import { defineController } from 'fixpoint';

const GROUP = 'demo.fixpoint.dev';
const VERSION = 'v1';
const PLURAL = 'counters';

interface Counter extends KubernetesObject {
  spec?: { target?: number };
  status?: { count?: number };
}

export default defineController({
  name: 'counter',
  for: { apiVersion: `${GROUP}/${VERSION}`, kind: 'Counter' },
  async reconcile(request, ctx) {
    const api = ctx.kubeConfig.makeApiClient(CustomObjectsApi);
    const namespace = request.namespace ?? 'default';

    let counter: Counter;
    try {
      counter = (await api.getNamespacedCustomObject({ group: GROUP, version: VERSION, namespace, plural: PLURAL, name: request.name })) as Counter;
    } catch (error) {
      if (error instanceof ApiException && error.code === 404) return;
      throw error;
    }

    const target = counter.spec?.target ?? 0;
    const count = counter.status?.count ?? 0;
    if (count >= target) return;

    counter.status = { ...counter.status, count: count + 1 };
    await api.replaceNamespacedCustomObjectStatus({ group: GROUP, version: VERSION, namespace, plural: PLURAL, name: request.name, body: counter });
    return { requeue: true };
  },
});
