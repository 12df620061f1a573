import type { ClusterState, StoredObject } from '../../index.ts';
import { objectEntries, storageKeyOf, type ApiServer, type StoreSnapshot } from '../../sim/index.ts';

/** What an invariant sees (the public `ClusterState`): the cluster's objects as plain, frozen objects. */
export type ClusterView = ClusterState;

/** A read-only view of a stored state; `server` resolves kinds (it must hold the same CRDs). */
export function clusterView(server: ApiServer, store: StoreSnapshot): ClusterView {
  const storageKey = (apiVersion: string, kind: string) => {
    const type = server.registry.byKind(apiVersion, kind);
    if (!type) throw new Error(`no kind "${kind}" in version "${apiVersion}"`);
    return { key: storageKeyOf(type), namespaced: type.namespaced };
  };
  return {
    get objects() {
      return objectEntries(store).map((entry) => entry.stored.object as unknown as StoredObject);
    },
    get<T>(apiVersion: string, kind: string, namespace: string | undefined, name: string): T | undefined {
      const { key, namespaced } = storageKey(apiVersion, kind);
      return store.resources.get(key)?.get(`${namespaced ? (namespace ?? 'default') : ''}/${name}`)?.object as T | undefined;
    },
    list<T>(apiVersion: string, kind: string, namespace?: string): T[] {
      const { key } = storageKey(apiVersion, kind);
      return objectEntries(store)
        .filter((entry) => entry.resource === key && (namespace === undefined || entry.namespace === namespace))
        .map((entry) => entry.stored.object as T);
    },
  };
}
