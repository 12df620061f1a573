import { builtinListTypes, type ListTypes } from './list-types.ts';
import type { NameRule } from './names.ts';

/** When the API server increments `metadata.generation` on an update. */
export type GenerationPolicy =
  /** never set (ConfigMap, Secret, ...) */
  | 'none'
  /** +1 when `spec` changes */
  | 'spec'
  /** +1 when `spec` or `metadata.annotations` change (Deployment: annotations are copied to ReplicaSets) */
  | 'spec-or-annotations'
  /** custom resources: +1 on any change outside `metadata` (and outside `status` with a status subresource) */
  | 'outside-metadata';

/** One REST resource the simulated API server serves. */
export interface ResourceType {
  readonly group: string;
  readonly version: string;
  readonly kind: string;
  /** lower-case plural, the URL segment: `configmaps` */
  readonly plural: string;
  readonly singular: string;
  readonly namespaced: boolean;
  /** has a `/status` subresource: the main endpoint ignores `status`, `/status` changes nothing else */
  readonly statusSubresource: boolean;
  readonly generation: GenerationPolicy;
  /** a PUT without `metadata.resourceVersion` is accepted (built-in kinds) instead of 422 (custom resources) */
  readonly allowUnconditionalUpdate: boolean;
  /** defined by a CustomResourceDefinition: no strategic merge patch (415) */
  readonly custom: boolean;
  /** a delete that removes the object answers with it, not a Status (registry.Store.ReturnDeletedObject) */
  readonly returnsDeletedObject: boolean;
  /** `propagationPolicy` used when a DELETE names none */
  readonly defaultPropagation: 'Background' | 'Orphan';
  readonly shortNames: readonly string[];
  readonly listTypes: ListTypes;
  readonly nameRule: NameRule;
  /** fields a list's `fieldSelector` may name besides metadata.name and metadata.namespace (the kind's field-label conversion) */
  readonly selectableFields: readonly string[];
  /** the kind registers its own field-label conversion, which words an unsupported field `field label not supported` */
  readonly convertsFieldLabels: boolean;
  /** the version objects are stored at; served at other versions by rewriting `apiVersion` (CRD conversion `None`) */
  readonly storageVersion: string;
}

/** The key the store files a resource's objects under: one per group and plural, shared by all versions. */
export function storageKeyOf(type: Pick<ResourceType, 'group' | 'plural'>): string {
  return `${type.group}/${type.plural}`;
}

export function apiVersionOf(type: Pick<ResourceType, 'group' | 'version'>): string {
  return type.group === '' ? type.version : `${type.group}/${type.version}`;
}

interface BuiltinSpec {
  plural: string;
  namespaced?: boolean;
  status?: boolean;
  generation?: GenerationPolicy;
  shortNames?: string[];
  defaultPropagation?: 'Background' | 'Orphan';
  nameRule?: NameRule;
  selectableFields?: string[];
}

/** Built-in kinds whose store returns the deleted object. */
const RETURNING_DELETED = new Set(['Pod', 'Service', 'ServiceAccount', 'PersistentVolumeClaim']);

/** Kinds with their own field-label conversion in pkg/apis/<group>/<version>/conversion.go. */
const CONVERTING_KINDS = new Set(['Namespace', 'Secret', 'Service', 'Pod', 'Event', 'ReplicaSet', 'Job']);

function builtin(group: string, version: string, kind: string, spec: BuiltinSpec): ResourceType {
  return {
    group,
    version,
    kind,
    plural: spec.plural,
    singular: kind.toLowerCase(),
    namespaced: spec.namespaced ?? true,
    statusSubresource: spec.status ?? false,
    generation: spec.generation ?? 'none',
    allowUnconditionalUpdate: true,
    custom: false,
    defaultPropagation: spec.defaultPropagation ?? 'Background',
    returnsDeletedObject: RETURNING_DELETED.has(kind),
    shortNames: spec.shortNames ?? [],
    listTypes: builtinListTypes(kind),
    nameRule: spec.nameRule ?? 'subdomain',
    selectableFields: spec.selectableFields ?? [],
    convertsFieldLabels: CONVERTING_KINDS.has(kind),
    storageVersion: version,
  };
}

/**
 * The built-in kinds controllers commonly touch, with the scope, plural, status subresource and
 * generation behaviour of the real registry strategies (pkg/registry/<group>/<kind>/strategy.go).
 */
export const BUILTIN_RESOURCE_TYPES: readonly ResourceType[] = [
  builtin('', 'v1', 'Namespace', { plural: 'namespaces', namespaced: false, status: true, shortNames: ['ns'], nameRule: 'label', selectableFields: ['status.phase'] }),
  builtin('', 'v1', 'ConfigMap', { plural: 'configmaps', shortNames: ['cm'] }),
  builtin('', 'v1', 'Secret', { plural: 'secrets', selectableFields: ['type'] }),
  builtin('', 'v1', 'Service', { plural: 'services', status: true, shortNames: ['svc'], nameRule: 'dns1035-label' }),
  builtin('', 'v1', 'ServiceAccount', { plural: 'serviceaccounts', shortNames: ['sa'] }),
  builtin('', 'v1', 'Pod', {
    plural: 'pods',
    status: true,
    generation: 'spec',
    shortNames: ['po'],
    selectableFields: ['spec.nodeName', 'spec.restartPolicy', 'spec.schedulerName', 'spec.serviceAccountName', 'spec.hostNetwork', 'status.phase', 'status.podIP', 'status.nominatedNodeName'],
  }),
  builtin('', 'v1', 'PersistentVolumeClaim', { plural: 'persistentvolumeclaims', status: true, shortNames: ['pvc'] }),
  builtin('', 'v1', 'Event', {
    plural: 'events',
    shortNames: ['ev'],
    selectableFields: [
      'involvedObject.kind', 'involvedObject.namespace', 'involvedObject.name', 'involvedObject.uid', 'involvedObject.apiVersion',
      'involvedObject.resourceVersion', 'involvedObject.fieldPath', 'reason', 'reportingComponent', 'source', 'type',
    ],
  }),
  builtin('', 'v1', 'Endpoints', { plural: 'endpoints', shortNames: ['ep'] }),
  builtin('apps', 'v1', 'Deployment', { plural: 'deployments', status: true, generation: 'spec-or-annotations', shortNames: ['deploy'] }),
  builtin('apps', 'v1', 'ReplicaSet', { plural: 'replicasets', status: true, generation: 'spec', shortNames: ['rs'], selectableFields: ['status.replicas'] }),
  builtin('apps', 'v1', 'StatefulSet', { plural: 'statefulsets', status: true, generation: 'spec', shortNames: ['sts'] }),
  builtin('apps', 'v1', 'DaemonSet', { plural: 'daemonsets', status: true, generation: 'spec', shortNames: ['ds'] }),
  // batch/v1 Job keeps the pre-GC default: deleting it without a propagationPolicy orphans its pods.
  builtin('batch', 'v1', 'Job', { plural: 'jobs', status: true, generation: 'spec', defaultPropagation: 'Orphan', selectableFields: ['status.successful'] }),
  builtin('batch', 'v1', 'CronJob', { plural: 'cronjobs', status: true, generation: 'spec', shortNames: ['cj'] }),
  builtin('networking.k8s.io', 'v1', 'Ingress', { plural: 'ingresses', status: true, generation: 'spec', shortNames: ['ing'] }),
  builtin('rbac.authorization.k8s.io', 'v1', 'Role', { plural: 'roles' }),
  builtin('rbac.authorization.k8s.io', 'v1', 'RoleBinding', { plural: 'rolebindings' }),
  builtin('rbac.authorization.k8s.io', 'v1', 'ClusterRole', { plural: 'clusterroles', namespaced: false }),
  builtin('rbac.authorization.k8s.io', 'v1', 'ClusterRoleBinding', { plural: 'clusterrolebindings', namespaced: false }),
  builtin('policy', 'v1', 'PodDisruptionBudget', { plural: 'poddisruptionbudgets', status: true, generation: 'spec', shortNames: ['pdb'] }),
  builtin('coordination.k8s.io', 'v1', 'Lease', { plural: 'leases' }),
  builtin('apiextensions.k8s.io', 'v1', 'CustomResourceDefinition', {
    plural: 'customresourcedefinitions',
    namespaced: false,
    status: true,
    generation: 'spec',
    shortNames: ['crd', 'crds'],
  }),
];
