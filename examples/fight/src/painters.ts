/**
 * Two controllers that each believe they own the `color` label of ConfigMap `shared`: `red` sets
 * it to red, `blue` to blue. Each write is an event for both, so they undo each other forever.
 */
import { ApiException, CoreV1Api, PatchStrategy, setHeaderOptions, type V1ConfigMap } from '@kubernetes/client-node';
import { defineController, type Controller } from 'fixpoint';

/** The ConfigMap both controllers paint. */
const SHARED = 'shared';
const LABEL = 'color';

function painter(color: string): Controller {
  return defineController({
    name: color,
    for: { apiVersion: 'v1', kind: 'ConfigMap' },
    async reconcile(request, ctx) {
      if (request.name !== SHARED) return;
      const core = ctx.kubeConfig.makeApiClient(CoreV1Api);
      const namespace = request.namespace ?? 'default';

      let configMap: V1ConfigMap;
      try {
        configMap = await core.readNamespacedConfigMap({ namespace, name: request.name });
      } catch (error) {
        if (error instanceof ApiException && error.code === 404) return;
        throw error;
      }
      if (configMap.metadata?.labels?.[LABEL] === color) return;

      await core.patchNamespacedConfigMap(
        { namespace, name: request.name, body: { metadata: { labels: { [LABEL]: color } } } },
        setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
      );
      ctx.log(`painted ${request.name} ${color}`);
    },
  });
}

export const red = painter('red');
export const blue = painter('blue');
