import { isJsonObject, type JsonValue } from './json.ts';

/**
 * How a list field merges, as the API server's schemas declare it: strategic merge patch reads
 * `patchStrategy`/`patchMergeKey`, server-side apply reads `x-kubernetes-list-type`/`-list-map-keys`.
 * The two usually agree; where they do not (container ports: `containerPort` vs
 * `containerPort`+`protocol`) both are kept.
 */
export type ListType =
  | { readonly type: 'map'; readonly keys: readonly string[]; readonly patchMergeKey: string }
  | { readonly type: 'set' }
  | { readonly type: 'atomic' };

/** Looks up the list type of a field by its path of field names (list items are not path elements). */
export type ListTypes = (path: readonly string[]) => ListType;

const ATOMIC: ListType = { type: 'atomic' };
const SET: ListType = { type: 'set' };
function keyedBy(patchMergeKey: string, keys: readonly string[] = [patchMergeKey]): ListType {
  return { type: 'map', keys, patchMergeKey };
}

const OBJECT_META_LISTS: Record<string, ListType> = {
  'metadata.finalizers': SET,
  'metadata.ownerReferences': keyedBy('uid'),
};

const CONTAINER_LISTS: Record<string, ListType> = {
  env: keyedBy('name'),
  ports: keyedBy('containerPort', ['containerPort', 'protocol']),
  volumeMounts: keyedBy('mountPath'),
  volumeDevices: keyedBy('devicePath'),
  resizePolicy: ATOMIC,
};

const POD_SPEC_LISTS: Record<string, ListType> = {
  containers: keyedBy('name'),
  initContainers: keyedBy('name'),
  ephemeralContainers: keyedBy('name'),
  volumes: keyedBy('name'),
  imagePullSecrets: keyedBy('name'),
  hostAliases: keyedBy('ip'),
  topologySpreadConstraints: keyedBy('topologyKey', ['topologyKey', 'whenUnsatisfiable']),
  resourceClaims: keyedBy('name'),
  schedulingGates: keyedBy('name'),
};

function podSpecLists(prefix: string): Record<string, ListType> {
  const rules: Record<string, ListType> = {};
  for (const [field, type] of Object.entries(POD_SPEC_LISTS)) rules[`${prefix}.${field}`] = type;
  for (const containers of ['containers', 'initContainers', 'ephemeralContainers']) {
    for (const [field, type] of Object.entries(CONTAINER_LISTS)) rules[`${prefix}.${containers}.${field}`] = type;
  }
  return rules;
}

/** Where built-in kinds keep a pod spec. */
const POD_SPEC_PATHS: Record<string, string> = {
  Pod: 'spec',
  Deployment: 'spec.template.spec',
  ReplicaSet: 'spec.template.spec',
  StatefulSet: 'spec.template.spec',
  DaemonSet: 'spec.template.spec',
  Job: 'spec.template.spec',
  CronJob: 'spec.jobTemplate.spec.template.spec',
};

const KIND_LISTS: Record<string, Record<string, ListType>> = {
  Service: { 'spec.ports': keyedBy('port', ['port', 'protocol']) },
  StatefulSet: { 'spec.volumeClaimTemplates': ATOMIC },
};

function fromRules(rules: Record<string, ListType>): ListTypes {
  const table = new Map(Object.entries(rules));
  return (path) => table.get(path.join('.')) ?? ATOMIC;
}

/** List types of a built-in kind. Lists not named here are atomic, as in the Kubernetes schemas. */
export function builtinListTypes(kind: string): ListTypes {
  const podSpecPath = POD_SPEC_PATHS[kind];
  return fromRules({
    ...OBJECT_META_LISTS,
    'status.conditions': keyedBy('type'),
    ...(podSpecPath === undefined ? {} : podSpecLists(podSpecPath)),
    ...KIND_LISTS[kind],
  });
}

/**
 * List types of a custom resource, read from its CRD's `openAPIV3Schema`
 * (`x-kubernetes-list-type: map|set|atomic`, `x-kubernetes-list-map-keys`); lists default to atomic.
 */
export function customResourceListTypes(openAPIV3Schema: JsonValue | undefined): ListTypes {
  const rules: Record<string, ListType> = { ...OBJECT_META_LISTS };
  collectSchemaLists(openAPIV3Schema, [], rules);
  return fromRules(rules);
}

function collectSchemaLists(schema: JsonValue | undefined, path: string[], rules: Record<string, ListType>): void {
  if (!isJsonObject(schema)) return;
  if (schema['type'] === 'array') {
    const listType = schema['x-kubernetes-list-type'];
    const mapKeys = schema['x-kubernetes-list-map-keys'];
    if (listType === 'set') rules[path.join('.')] = SET;
    if (listType === 'map' && Array.isArray(mapKeys) && typeof mapKeys[0] === 'string') {
      rules[path.join('.')] = keyedBy(mapKeys[0], mapKeys.filter((key): key is string => typeof key === 'string'));
    }
    collectSchemaLists(schema['items'], path, rules);
    return;
  }
  const properties = schema['properties'];
  if (isJsonObject(properties)) {
    for (const [field, child] of Object.entries(properties)) collectSchemaLists(child, [...path, field], rules);
  }
}
