/**
 * For each TlsBundle `<name>`, keeps two Secrets: `<name>-ssl` (served to clients) and
 * `<name>-ssl-internal` (used between replicas), both owned by the bundle.
 *
 * The bug: the reconcile takes "the first Secret exists" to mean "this bundle is done" and
 * returns early. If the controller crashes (or is evicted, or times out) between the two creates,
 * the second Secret is never created.
 */
import { ApiException, CoreV1Api, CustomObjectsApi, type KubernetesObject, type V1OwnerReference, type V1Secret } from '@kubernetes/client-node';
import { defineController } from 'fixpoint';

const GROUP = 'demo.fixpoint.dev';
const VERSION = 'v1';
const PLURAL = 'tlsbundles';

function isStatus(error: unknown, code: number): boolean {
  return error instanceof ApiException && error.code === code;
}

/**
 * A stand-in for issuing a certificate: a real operator would call its CA here. It depends only
 * on the Secret's name, so re-running the reconcile writes the same data.
 */
function placeholderTls(secretName: string): Record<string, string> {
  const pem = (label: string) => Buffer.from(`-----BEGIN ${label}-----\n${secretName}\n-----END ${label}-----\n`).toString('base64');
  return { 'tls.crt': pem('CERTIFICATE'), 'tls.key': pem('PRIVATE KEY') };
}

export default defineController({
  name: 'tls',
  for: { apiVersion: `${GROUP}/${VERSION}`, kind: 'TlsBundle' },
  owns: [{ apiVersion: 'v1', kind: 'Secret' }],
  async reconcile(request, ctx) {
    const custom = ctx.kubeConfig.makeApiClient(CustomObjectsApi);
    const core = ctx.kubeConfig.makeApiClient(CoreV1Api);
    const namespace = request.namespace ?? 'default';

    let bundle: KubernetesObject;
    try {
      bundle = (await custom.getNamespacedCustomObject({ group: GROUP, version: VERSION, namespace, plural: PLURAL, name: request.name })) as KubernetesObject;
    } catch (error) {
      if (isStatus(error, 404)) return; // deleted: its Secrets go with it (ownerReferences)
      throw error;
    }

    const publicName = `${request.name}-ssl`;
    try {
      await core.readNamespacedSecret({ namespace, name: publicName });
      return; // BUG: assumes the internal Secret was created along with it
    } catch (error) {
      if (!isStatus(error, 404)) throw error;
    }

    const owner: V1OwnerReference = {
      apiVersion: `${GROUP}/${VERSION}`,
      kind: 'TlsBundle',
      name: request.name,
      uid: bundle.metadata?.uid ?? '',
      controller: true,
      blockOwnerDeletion: true,
    };
    for (const name of [publicName, `${request.name}-ssl-internal`]) {
      const secret: V1Secret = {
        metadata: { name, namespace, ownerReferences: [owner] },
        type: 'kubernetes.io/tls',
        data: placeholderTls(name),
      };
      try {
        await core.createNamespacedSecret({ namespace, body: secret });
        ctx.log(`created Secret ${name}`);
      } catch (error) {
        if (!isStatus(error, 409)) throw error; // AlreadyExists: someone (an earlier run) made it
      }
    }
  },
});
