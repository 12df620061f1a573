import { resourceTypesOfDefinition } from './custom-resources.ts';
import { apiVersionOf, BUILTIN_RESOURCE_TYPES, type ResourceType } from './resource-types.ts';
import type { Store, StoredObject } from './store.ts';

/** Storage key of CustomResourceDefinition objects; registering a CRD is creating one. */
export const DEFINITIONS_KEY = 'apiextensions.k8s.io/customresourcedefinitions';

interface Index {
  readonly all: readonly ResourceType[];
  readonly byPath: ReadonlyMap<string, ResourceType>;
  readonly byKind: ReadonlyMap<string, ResourceType>;
}

/**
 * Which resources the server serves: the built-in table plus whatever the stored
 * CustomResourceDefinitions declare, so snapshots and restores carry CRDs along.
 */
export class ResourceRegistry {
  readonly #store: Store;
  #definitions: readonly StoredObject[] | undefined;
  #index: Index = indexOf(BUILTIN_RESOURCE_TYPES);

  constructor(store: Store) {
    this.#store = store;
  }

  /** The resource served at `/apis/{group}/{version}/{plural}` (core group: ''). */
  byPath(group: string, version: string, plural: string): ResourceType | undefined {
    return this.#current().byPath.get(`${group}/${version}/${plural}`);
  }

  byKind(apiVersion: string, kind: string): ResourceType | undefined {
    return this.#current().byKind.get(`${apiVersion}/${kind}`);
  }

  all(): readonly ResourceType[] {
    return this.#current().all;
  }

  #current(): Index {
    const definitions = this.#store.list(DEFINITIONS_KEY);
    if (definitions !== this.#definitions) {
      this.#definitions = definitions;
      const custom = definitions.flatMap((stored) => resourceTypesOfDefinition(stored.object));
      this.#index = indexOf([...BUILTIN_RESOURCE_TYPES, ...custom]);
    }
    return this.#index;
  }
}

function indexOf(types: readonly ResourceType[]): Index {
  const byPath = new Map<string, ResourceType>();
  const byKind = new Map<string, ResourceType>();
  for (const type of types) {
    byPath.set(`${type.group}/${type.version}/${type.plural}`, type);
    byKind.set(`${apiVersionOf(type)}/${type.kind}`, type);
  }
  return { all: types, byPath, byKind };
}
