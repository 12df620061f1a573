/**
 * Two controllers that share one Toggle: each claims `status.owner` when nobody owns the Toggle
 * yet, or when `spec.desired` names it. Whichever runs first may claim it, but only the desired
 * owner can take it over, so every interleaving ends with the desired owner.
 */
import { ApiException, CustomObjectsApi, type KubernetesObject } from '@kubernetes/client-node';
import { defineController, type Controller } from 'fixpoint';

const GROUP = 'demo.fixpoint.dev';
const VERSION = 'v1';
const PLURAL = 'toggles';

interface Toggle extends KubernetesObject {
  spec?: { desired?: string };
  status?: { owner?: string };
}

function toggleOwner(name: string): Controller {
  return defineController({
    name,
    for: { apiVersion: `${GROUP}/${VERSION}`, kind: 'Toggle' },
    async reconcile(request, ctx) {
      const api = ctx.kubeConfig.makeApiClient(CustomObjectsApi);
      const namespace = request.namespace ?? 'default';
      let toggle: Toggle;
      try {
        toggle = (await api.getNamespacedCustomObject({ group: GROUP, version: VERSION, namespace, plural: PLURAL, name: request.name })) as Toggle;
      } catch (error) {
        if (error instanceof ApiException && error.code === 404) return; // deleted meanwhile: nothing to do
        throw error;
      }

      const owner = toggle.status?.owner ?? '';
      if (owner === name) return; // already ours
      if (owner !== '' && toggle.spec?.desired !== name) return; // someone else's, and not meant for us

      toggle.status = { ...toggle.status, owner: name };
      // The object we read carries its resourceVersion: if it changed since, this is a 409 and we retry.
      await api.replaceNamespacedCustomObjectStatus({ group: GROUP, version: VERSION, namespace, plural: PLURAL, name: request.name, body: toggle });
      ctx.log(owner === '' ? 'claimed the toggle' : `took the toggle over from ${owner}`);
    },
  });
}

export const alpha = toggleOwner('alpha');
export const beta = toggleOwner('beta');
