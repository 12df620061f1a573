import type { Invariant } from 'fixpoint';

/** Once nothing is pending, every TlsBundle has both of its Secrets. */
export const bothSecretsExist: Invariant = {
  converged: (state) => {
    for (const bundle of state.list('demo.fixpoint.dev/v1', 'TlsBundle')) {
      const namespace = bundle.metadata?.namespace;
      const name = bundle.metadata?.name ?? '';
      for (const secret of [`${name}-ssl`, `${name}-ssl-internal`]) {
        if (state.get('v1', 'Secret', namespace, secret) === undefined) return `TlsBundle ${namespace}/${name} converged without its Secret ${secret}`;
      }
    }
    return true;
  },
};
