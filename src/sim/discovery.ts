import type { JsonObject } from './json.ts';
import { apiVersionOf, type ResourceType } from './resource-types.ts';

const VERBS = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];
const SUBRESOURCE_VERBS = ['get', 'patch', 'update'];

/** `GET /api`: the core group's versions. */
export function coreVersions(): JsonObject {
  return { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress: 'fixpoint.invalid:443' }] };
}

/** `GET /apis`: every named group with its served versions, the storage version preferred. */
export function groupList(types: readonly ResourceType[]): JsonObject {
  const groups = new Map<string, ResourceType[]>();
  for (const type of types) {
    if (type.group === '') continue;
    groups.set(type.group, [...(groups.get(type.group) ?? []), type]);
  }
  return { kind: 'APIGroupList', apiVersion: 'v1', groups: [...groups.values()].map(groupOf) };
}

/** `GET /apis/{group}`, or undefined when no resource is served in that group. */
export function group(types: readonly ResourceType[], name: string): JsonObject | undefined {
  const members = types.filter((type) => type.group === name);
  return members.length === 0 ? undefined : { kind: 'APIGroup', apiVersion: 'v1', ...groupOf(members) };
}

function groupOf(members: readonly ResourceType[]): JsonObject {
  const versions = [...new Set(members.map((type) => type.version))].map((version) => ({
    groupVersion: apiVersionOf({ group: members[0]?.group ?? '', version }),
    version,
  }));
  const preferred = versions.find((version) => version.version === members[0]?.storageVersion) ?? versions[0] ?? {};
  return { name: members[0]?.group ?? '', versions, preferredVersion: preferred };
}

/** `GET /api/v1` or `GET /apis/{group}/{version}`, or undefined when nothing is served there. */
export function resourceList(types: readonly ResourceType[], group: string, version: string): JsonObject | undefined {
  const served = types.filter((type) => type.group === group && type.version === version);
  if (served.length === 0) return undefined;
  // Built-in groups list resources in registration order; the CRD discovery controller sorts by name.
  if (served.every((type) => type.custom)) served.sort((a, b) => (a.plural < b.plural ? -1 : 1));
  const resources: JsonObject[] = [];
  for (const type of served) {
    resources.push({
      name: type.plural,
      singularName: type.singular,
      namespaced: type.namespaced,
      kind: type.kind,
      verbs: VERBS,
      ...(type.shortNames.length > 0 ? { shortNames: [...type.shortNames] } : {}),
    });
    if (type.statusSubresource) {
      resources.push({ name: `${type.plural}/status`, singularName: '', namespaced: type.namespaced, kind: type.kind, verbs: SUBRESOURCE_VERBS });
    }
  }
  return { kind: 'APIResourceList', apiVersion: 'v1', groupVersion: apiVersionOf({ group, version }), resources };
}
