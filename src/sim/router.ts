import type { JsonObject } from './json.ts';
import { coreVersions, group, groupList, resourceList } from './discovery.ts';
import type { ResourceRegistry } from './registry.ts';
import type { ResourceType } from './resource-types.ts';
import { pathNotFound } from './status.ts';

/** What a request path names: a discovery document or a resource (collection, object, subresource). */
export type Route =
  | { readonly target: 'discovery'; readonly document: JsonObject }
  | {
      readonly target: 'resource';
      readonly type: ResourceType;
      /** undefined: cluster-scoped, or a namespaced collection across all namespaces */
      readonly namespace: string | undefined;
      readonly name: string | undefined;
      readonly subresource: 'status' | undefined;
    };

/**
 * Resolves `/api/v1/...` and `/apis/{group}/{version}/...` paths against the served resources;
 * anything else is the apiserver's plain 404.
 */
export function route(path: string, registry: ResourceRegistry): Route {
  const split = path.split('/').filter((segment) => segment !== '');
  const segments = path.includes('%') ? split.map(decodeURIComponent) : split;
  const [root, ...rest] = segments;
  if (root === 'api') {
    if (rest.length === 0) return discovery(coreVersions());
    if (rest[0] !== 'v1') throw pathNotFound();
    return resourceRoute('', 'v1', rest.slice(1), registry);
  }
  if (root === 'apis') {
    const [groupName, version, ...resourcePath] = rest;
    if (groupName === undefined) return discovery(groupList(registry.all()));
    if (version === undefined) return discovery(group(registry.all(), groupName));
    return resourceRoute(groupName, version, resourcePath, registry);
  }
  throw pathNotFound();
}

function discovery(document: JsonObject | undefined): Route {
  if (!document) throw pathNotFound();
  return { target: 'discovery', document };
}

function resourceRoute(groupName: string, version: string, segments: string[], registry: ResourceRegistry): Route {
  if (segments.length === 0) return discovery(resourceList(registry.all(), groupName, version));
  const [first, second, third, ...more] = segments;
  const namespacedType = first === 'namespaces' && third !== undefined ? registry.byPath(groupName, version, third) : undefined;
  if (namespacedType?.namespaced && second !== undefined) {
    return resourceTarget(namespacedType, second, more);
  }
  const type = first === undefined ? undefined : registry.byPath(groupName, version, first);
  if (!type) throw pathNotFound();
  const objectPath = segments.slice(1);
  if (type.namespaced && objectPath.length > 0) throw pathNotFound();
  return resourceTarget(type, undefined, objectPath);
}

function resourceTarget(type: ResourceType, namespace: string | undefined, [name, subresource, ...rest]: string[]): Route {
  if (rest.length > 0) throw pathNotFound();
  if (subresource !== undefined && !(subresource === 'status' && type.statusSubresource)) throw pathNotFound();
  return { target: 'resource', type, namespace, name, subresource };
}

/** The REST path of a resource's collection, or of one object and optionally its subresource. */
export function resourcePath(type: ResourceType, namespace: string | undefined, name?: string, subresource?: 'status'): string {
  const root = type.group === '' ? `/api/${type.version}` : `/apis/${type.group}/${type.version}`;
  const scope = type.namespaced && namespace !== undefined ? `/namespaces/${encodeURIComponent(namespace)}` : '';
  const object = name === undefined ? '' : `/${encodeURIComponent(name)}${subresource ? `/${subresource}` : ''}`;
  return `${root}${scope}/${type.plural}${object}`;
}

/** The object a user or a builtin controller names: kind, and namespace (absent: cluster-scoped, or `default`) and name. */
export interface ObjectReference {
  readonly apiVersion: string;
  readonly kind: string;
  readonly namespace?: string | undefined;
  readonly name: string;
}

/**
 * The REST path of a referenced object (`withName`) or of its collection. A namespaced kind
 * without a namespace lands in `default`, as kubectl does; an unknown kind is an error naming it.
 */
export function referencePath(registry: ResourceRegistry, reference: ObjectReference, withName: boolean): string {
  const type = registry.byKind(reference.apiVersion, reference.kind);
  if (!type) throw new Error(`no kind "${reference.kind}" in version "${reference.apiVersion}": it is neither built in nor defined by a CustomResourceDefinition of the scenario`);
  const namespace = type.namespaced ? (reference.namespace ?? 'default') : undefined;
  return resourcePath(type, namespace, withName ? reference.name : undefined);
}
