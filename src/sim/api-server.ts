import { parse as parseYaml } from 'yaml';
import { acceptedDefinitionStatus, definitionErrors } from './custom-resources.ts';
import { cloneJson, isJsonObject, jsonEqual, sortKeys, stringList, type JsonObject, type JsonValue } from './json.ts';
import { generateName, nameErrors } from './names.ts';
import { applyJsonPatch } from './patch/json-patch.ts';
import { recordUpdate } from './patch/managed-fields.ts';
import { applyMergePatch } from './patch/merge-patch.ts';
import { serverSideApply } from './patch/server-side-apply.ts';
import { applyStrategicMergePatch } from './patch/strategic-merge-patch.ts';
import { DEFINITIONS_KEY, ResourceRegistry } from './registry.ts';
import { apiVersionOf, storageKeyOf, type ResourceType } from './resource-types.ts';
import { route } from './router.ts';
import { fieldLabelNotSupported, notKnownFieldSelector, parseFieldSelector, parseLabelSelector } from './selectors.ts';
import {
  alreadyExists,
  ApiError,
  badRequest,
  conflict,
  forbidden,
  internalError,
  invalid,
  methodNotAllowed,
  notFound,
  OBJECT_MODIFIED,
  unclassifiedError,
  unsupportedMediaType,
  type FieldError,
  type GroupResource,
} from './status.ts';
import { Store, type StoredObject, type StoreSnapshot } from './store.ts';
import { errorMessage } from '../error-message.ts';

/** A request as any transport hands it over: header names lower-case, body as text. */
export interface ApiRequest {
  readonly method: string;
  readonly path: string;
  readonly query: URLSearchParams;
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: string | undefined;
}

export interface ApiResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

/** Anything that answers requests as the API server does: the server itself, or a wrapper that routes or records. */
export interface ApiHandler {
  handle(request: ApiRequest): ApiResponse;
}

export interface ApiServerOptions {
  /** the simulated clock; every timestamp the server writes comes from it */
  readonly now?: () => Date;
}

/** The namespaces a new cluster has. */
export const INITIAL_NAMESPACES: readonly string[] = ['default', 'kube-node-lease', 'kube-public', 'kube-system'];

/** 2025-01-01T00:00:00Z: a fixed start, so timestamps are reproducible. */
const DEFAULT_EPOCH = Date.UTC(2025, 0, 1);

const JSON_HEADERS: Readonly<Record<string, string>> = Object.freeze({ 'content-type': 'application/json' });

const PATCH_TYPES = {
  json: 'application/json-patch+json',
  merge: 'application/merge-patch+json',
  strategic: 'application/strategic-merge-patch+json',
  apply: 'application/apply-patch+yaml',
} as const;

/** Finalizers the apiserver itself adds for a non-background `propagationPolicy`; the garbage collector removes them. */
export const FOREGROUND_FINALIZER = 'foregroundDeletion';
export const ORPHAN_FINALIZER = 'orphan';

/** Create-time defaults of built-in kinds' strategies and defaulting functions (status set by the server, not the client). */
const CREATE_DEFAULTS: Readonly<Record<string, (object: JsonObject, now: string) => void>> = {
  '/namespaces': (object) => {
    const spec = isJsonObject(object['spec']) ? object['spec'] : {};
    const finalizers = stringList(spec['finalizers']);
    object['spec'] = { ...spec, finalizers: finalizers.includes('kubernetes') ? finalizers : [...finalizers, 'kubernetes'] };
    object['status'] = { phase: 'Active' };
  },
  '/pods': (object) => {
    object['status'] = { phase: 'Pending' };
  },
  '/services': (object) => {
    object['status'] = { loadBalancer: {} };
  },
  [DEFINITIONS_KEY]: (object, now) => {
    object['status'] = acceptedDefinitionStatus(object, now);
  },
};

function defaultReplicas(object: JsonObject): void {
  if (isJsonObject(object['spec']) && object['spec']['replicas'] === undefined) object['spec'] = { ...object['spec'], replicas: 1 };
}

/**
 * Defaults applied on every write, as the apiserver's defaulting functions run on every decode
 * (a few common ones: a namespace's name label, a Secret's type, a workload's replicas).
 */
const WRITE_DEFAULTS: Readonly<Record<string, (object: JsonObject) => void>> = {
  '/namespaces': (namespace) => {
    const metadata = metadataOf(namespace);
    const labels = isJsonObject(metadata['labels']) ? metadata['labels'] : {};
    metadata['labels'] = { ...labels, 'kubernetes.io/metadata.name': String(metadata['name']) };
  },
  '/secrets': (secret) => {
    secret['type'] ??= 'Opaque';
  },
  'apps/deployments': defaultReplicas,
  'apps/replicasets': defaultReplicas,
  'apps/statefulsets': defaultReplicas,
};

/**
 * Conversions the apiserver applies to every write of a kind, before anything else sees it:
 * a Secret's write-only `stringData` is folded into `data`.
 */
const WRITE_CONVERSIONS: Readonly<Record<string, (object: JsonObject) => void>> = {
  '/secrets': (secret) => {
    const stringData = secret['stringData'];
    if (!isJsonObject(stringData)) return;
    const data: JsonObject = isJsonObject(secret['data']) ? { ...secret['data'] } : {};
    for (const [key, value] of Object.entries(stringData)) data[key] = Buffer.from(String(value)).toString('base64');
    secret['data'] = data;
    delete secret['stringData'];
  },
};

/**
 * A deterministic, in-memory kube-apiserver: `(method, path, query, headers, body) -> (status,
 * headers, body)`, with the REST semantics controllers observe (optimistic concurrency, status
 * subresource, generation, finalizers, patch types, server-side apply) and no transport of its own.
 */
export class ApiServer implements ApiHandler {
  readonly store = new Store();
  readonly registry = new ResourceRegistry(this.store);
  readonly #now: () => Date;

  constructor(options: ApiServerOptions = {}) {
    this.#now = options.now ?? (() => new Date(DEFAULT_EPOCH));
    for (const name of INITIAL_NAMESPACES) {
      this.#writeInitial(namespaceType(this.registry), { apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
    }
  }

  snapshot(): StoreSnapshot {
    return this.store.snapshot();
  }

  restore(snapshot: StoreSnapshot): void {
    this.store.restore(snapshot);
  }

  handle(request: ApiRequest): ApiResponse {
    try {
      return this.#dispatch(request);
    } catch (error) {
      const apiError = error instanceof ApiError ? error : internalError(errorMessage(error));
      return { status: apiError.status.code, headers: JSON_HEADERS, body: JSON.stringify(apiError.status) };
    }
  }

  #dispatch(request: ApiRequest): ApiResponse {
    const target = route(request.path, this.registry);
    if (target.target === 'discovery') {
      if (request.method !== 'GET') throw methodNotAllowed();
      return respond(200, JSON.stringify(target.document));
    }
    const { type, namespace, name, subresource } = target;
    const dryRun = request.query.get('dryRun') === 'All';
    const before = dryRun ? this.store.snapshot() : undefined;
    // A dry run's writes are rolled back, so nobody may hear of them.
    const observer = dryRun ? this.store.observe(undefined) : undefined;
    try {
      switch (request.method) {
        case 'GET':
          if (name !== undefined) return this.#serve(200, type, this.#existing(type, namespace, name));
          if (request.query.get('watch') === 'true' || request.query.get('watch') === '1') throw methodNotAllowed();
          return this.#list(type, namespace, request.query);
        case 'POST':
          if (name !== undefined || (type.namespaced && namespace === undefined)) throw methodNotAllowed();
          return this.#create(type, namespace ?? '', parseBody(request), fieldManager(request));
        case 'PUT':
          if (name === undefined) throw methodNotAllowed();
          return this.#update(type, namespace ?? '', name, subresource, parseBody(request), fieldManager(request));
        case 'PATCH':
          if (name === undefined) throw methodNotAllowed();
          return this.#patch(type, namespace ?? '', name, subresource, request);
        case 'DELETE':
          if (name === undefined) return this.#deleteCollection(type, namespace, request);
          if (subresource !== undefined) throw methodNotAllowed();
          return this.#delete(type, namespace ?? '', name, deleteOptions(request));
        default:
          throw methodNotAllowed();
      }
    } finally {
      if (before) {
        this.store.restore(before);
        this.store.observe(observer);
      }
    }
  }

  // ---- reads ----

  #existing(type: ResourceType, namespace: string | undefined, name: string): StoredObject {
    const stored = this.store.get(storageKeyOf(type), namespace ?? '', name);
    if (!stored) throw notFound(groupResource(type), name);
    return stored;
  }

  #serve(status: number, type: ResourceType, stored: StoredObject): ApiResponse {
    return respond(status, servedJson(type, stored));
  }

  #list(type: ResourceType, namespace: string | undefined, query: URLSearchParams): ApiResponse {
    const labels = parseLabelSelector(query.get('labelSelector') ?? '');
    const fields = parseFieldSelector(
      query.get('fieldSelector') ?? '',
      ['metadata.name', 'metadata.namespace', ...type.selectableFields],
      type.convertsFieldLabels ? fieldLabelNotSupported : notKnownFieldSelector,
    );
    let items = this.store.list(storageKeyOf(type), namespace).filter((stored) => {
      const metadata = metadataOf(stored.object);
      const objectLabels = isJsonObject(metadata['labels']) ? (metadata['labels'] as Record<string, string>) : undefined;
      return labels.matches(objectLabels) && fields.matches(selectableValues(stored.object, fields.requirements.map((requirement) => requirement.field)));
    });
    const listMetadata: JsonObject = { resourceVersion: String(this.store.revision) };
    const start = query.get('continue');
    if (start) {
      const after = decodeContinue(start);
      items = items.filter((stored) => objectKey(stored.object) > after);
    }
    const limit = Number(query.get('limit') ?? '0');
    if (Number.isInteger(limit) && limit > 0 && items.length > limit) {
      const last = items[limit - 1];
      // etcd can count what is left only when nothing is filtered.
      if (labels.requirements.length === 0 && fields.requirements.length === 0) listMetadata['remainingItemCount'] = items.length - limit;
      items = items.slice(0, limit);
      if (last) listMetadata['continue'] = encodeContinue(objectKey(last.object));
    }
    const itemJson = items.map((stored) => (type.custom ? servedJson(type, stored) : withoutTypeMeta(stored.json)));
    const head = JSON.stringify({ apiVersion: apiVersionOf(type), kind: `${type.kind}List`, metadata: listMetadata });
    return respond(200, `${head.slice(0, -1)},"items":[${itemJson.join(',')}]}`);
  }

  // ---- create ----

  #create(type: ResourceType, namespace: string, body: JsonObject, manager: string): ApiResponse {
    const object = this.#admitNew(type, namespace, body);
    // The field manager sees the client's object, before the server fills in its own fields.
    const tracked = recordUpdate({ live: undefined, next: object, manager, apiVersion: apiVersionOf(type), time: this.#timestamp(), listTypes: type.listTypes });
    return this.#serve(201, type, this.#store(type, this.#completeNew(type, tracked)));
  }

  /** Checks a new object (type, namespace, name, that it is free) and drops what a create may not set; does not store it. */
  #admitNew(type: ResourceType, namespace: string, body: JsonObject): JsonObject {
    checkTypeMeta(type, body);
    const object = cloneJson(body);
    WRITE_CONVERSIONS[storageKeyOf(type)]?.(object);
    object['apiVersion'] = type.custom ? apiVersionOf({ group: type.group, version: type.storageVersion }) : apiVersionOf(type);
    object['kind'] = type.kind;
    const metadata = metadataOf(object);
    if (type.namespaced) {
      if (metadata['namespace'] !== undefined && metadata['namespace'] !== namespace) {
        throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
      }
      metadata['namespace'] = namespace;
    } else {
      delete metadata['namespace'];
    }
    const storageKey = storageKeyOf(type);
    let name = typeof metadata['name'] === 'string' ? metadata['name'] : '';
    if (name === '' && typeof metadata['generateName'] === 'string' && metadata['generateName'] !== '') {
      name = generateName(metadata['generateName'], (candidate) => this.store.get(storageKey, namespace, candidate) !== undefined);
      metadata['name'] = name;
    }
    if (name === '') {
      throw invalid(groupKind(type), '', [{ field: 'metadata.name', reason: 'FieldValueRequired', detail: 'Required value: name or generateName is required' }]);
    }
    WRITE_DEFAULTS[storageKey]?.(object);
    const errors = [...nameErrors(name, type.nameRule), ...(storageKey === DEFINITIONS_KEY ? definitionErrors(object) : [])];
    if (errors.length > 0) throw invalid(groupKind(type), name, errors);
    if (type.namespaced) this.#checkNamespaceAcceptsCreate(type, namespace, name);
    const taken = this.store.get(storageKey, namespace, name);
    if (taken) throw alreadyExists(groupResource(type), name, metadataOf(taken.object)['deletionTimestamp'] !== undefined);
    // etcd refuses a create that names a resourceVersion (a copy of a read object, usually): 500 with no reason.
    if (/^[1-9][0-9]*$/.test(String(metadata['resourceVersion'] ?? ''))) throw unclassifiedError('resourceVersion should not be set on objects to be created');

    for (const field of ['resourceVersion', 'deletionTimestamp', 'deletionGracePeriodSeconds', 'selfLink']) delete metadata[field];
    if (type.statusSubresource) delete object['status'];
    return object;
  }

  /** Fills in what the server sets on a new object: uid, creationTimestamp, generation, defaults. */
  #completeNew(type: ResourceType, admitted: JsonObject): JsonObject {
    const object: JsonObject = { ...admitted, metadata: { ...metadataOf(admitted) } };
    const metadata = metadataOf(object);
    metadata['uid'] = this.store.nextUid();
    metadata['creationTimestamp'] = this.#timestamp();
    if (type.generation !== 'none') metadata['generation'] = 1;
    else delete metadata['generation'];
    // Go encodes a built-in kind's status struct even when empty.
    if (type.statusSubresource && !type.custom && object['status'] === undefined) object['status'] = {};
    CREATE_DEFAULTS[storageKeyOf(type)]?.(object, this.#timestamp());
    return dropEmptyBuiltinFields(type, object);
  }

  #checkNamespaceAcceptsCreate(type: ResourceType, namespace: string, name: string): void {
    const stored = this.store.get('/namespaces', '', namespace);
    if (!stored) throw notFound({ group: '', resource: 'namespaces' }, namespace);
    if (metadataOf(stored.object)['deletionTimestamp'] !== undefined) {
      throw forbidden(groupResource(type), name, `unable to create new content in namespace ${namespace} because it is being terminated`, [
        { reason: 'NamespaceTerminating', message: `namespace ${namespace} is being terminated`, field: 'metadata.namespace' },
      ]);
    }
  }

  // ---- update and patch ----

  #update(type: ResourceType, namespace: string, name: string, subresource: 'status' | undefined, body: JsonObject, manager: string): ApiResponse {
    checkTypeMeta(type, body);
    const metadata = metadataOf(body);
    if (metadata['name'] !== undefined && metadata['name'] !== name) {
      throw badRequest(`the name of the object (${String(metadata['name'])}) does not match the name on the URL (${name})`);
    }
    if (type.namespaced && metadata['namespace'] !== undefined && metadata['namespace'] !== namespace) {
      throw badRequest(`the namespace of the object (${String(metadata['namespace'])}) does not match the namespace on the request (${namespace})`);
    }
    const existing = this.#existing(type, namespace, name);
    const live = metadataOf(existing.object);
    const uid = metadata['uid'];
    if (typeof uid === 'string' && uid !== '' && uid !== live['uid']) {
      throw conflict(groupResource(type), name, `Precondition failed: UID in precondition: ${uid}, UID in object meta: ${String(live['uid'])}`);
    }
    this.#checkResourceVersion(type, existing, metadata['resourceVersion'], true);
    return this.#commitUpdate(type, existing, body, subresource, { manager });
  }

  #patch(type: ResourceType, namespace: string, name: string, subresource: 'status' | undefined, request: ApiRequest): ApiResponse {
    const contentType = (request.headers['content-type'] ?? '').split(';')[0]?.trim() ?? '';
    const accepted = type.custom
      ? [PATCH_TYPES.json, PATCH_TYPES.merge, PATCH_TYPES.apply]
      : [PATCH_TYPES.json, PATCH_TYPES.merge, PATCH_TYPES.strategic, PATCH_TYPES.apply];
    if (!accepted.includes(contentType as (typeof accepted)[number])) throw unsupportedMediaType(accepted);
    const force = request.query.get('force');
    if (contentType === PATCH_TYPES.apply) return this.#apply(type, namespace, name, subresource, request, force === 'true');
    // ValidatePatchOptions: 422 on the PatchOptions, before the object is read.
    if (force !== null) throw patchOptionsInvalid({ field: 'force', reason: 'FieldValueForbidden', detail: 'Forbidden: may not be specified for non-apply patch' });

    const existing = this.#existing(type, namespace, name);
    const patch = parsePatch(request.body);
    let next: JsonValue;
    if (contentType === PATCH_TYPES.json) {
      next = applyJsonPatch(cloneJson(existing.object as JsonObject), patch);
    } else if (contentType === PATCH_TYPES.merge) {
      next = applyMergePatch(cloneJson(existing.object as JsonObject), mergePatchBody(patch));
    } else {
      next = applyStrategicMergePatch(cloneJson(existing.object as JsonObject), strategicPatchBody(patch), type.listTypes);
    }
    if (!isJsonObject(next)) throw badRequest('the patch did not result in an object');
    checkPatchedIdentity(type, namespace, name, next);
    // A resourceVersion the patch sets is a precondition (kubectl patch --resource-version relies on it);
    // one the patch removes makes an unconditional update, which custom resources refuse.
    this.#checkResourceVersion(type, existing, metadataOf(next)['resourceVersion'], true);
    // The status strategy of a custom resource copies everything but status from the live object before validating.
    if (!(type.custom && subresource === 'status')) this.#checkImmutableUid(type, existing, next);
    return this.#commitUpdate(type, existing, next, subresource, { manager: fieldManager(request) });
  }

  #apply(type: ResourceType, namespace: string, name: string, subresource: 'status' | undefined, request: ApiRequest, force: boolean): ApiResponse {
    const manager = request.query.get('fieldManager');
    if (!manager) throw patchOptionsInvalid({ field: 'fieldManager', reason: 'FieldValueRequired', detail: 'Required value: is required for apply patch' });
    const applied = parseApplyBody(request.body);
    const appliedMetadata = metadataOf(applied);
    if (appliedMetadata['name'] !== undefined && appliedMetadata['name'] !== name) {
      throw badRequest(`the name of the object (${String(appliedMetadata['name'])}) does not match the name on the URL (${name})`);
    }
    checkTypeMeta(type, applied);
    const config = endpointView(type, applied, subresource);
    const existing = this.store.get(storageKeyOf(type), namespace, name);
    const time = this.#timestamp();
    const common = { manager, force, kind: type.kind, apiVersion: apiVersionOf(type), time, listTypes: type.listTypes, ...(subresource ? { subresource } : {}) };
    if (!existing) {
      if (subresource !== undefined) throw notFound(groupResource(type), name);
      const created = serverSideApply({ live: undefined, applied: { ...config, metadata: { ...metadataOf(config), name } }, ...common });
      return this.#serve(201, type, this.#store(type, this.#completeNew(type, this.#admitNew(type, namespace, created))));
    }
    this.#checkResourceVersion(type, existing, appliedMetadata['resourceVersion'], false);
    const next = serverSideApply({ live: cloneJson(existing.object as JsonObject), applied: config, ...common });
    return this.#commitUpdate(type, existing, next, subresource, { managedFieldsDone: true });
  }

  #checkResourceVersion(type: ResourceType, existing: StoredObject, resourceVersion: JsonValue | undefined, required: boolean): void {
    const name = String(metadataOf(existing.object)['name']);
    if (resourceVersion === undefined || resourceVersion === null || resourceVersion === '') {
      if (required && !type.allowUnconditionalUpdate) {
        // registry.Store names the resource, not the kind, here (a known apiserver TODO).
        throw invalid({ group: type.group, kind: type.plural }, name, [
          { field: 'metadata.resourceVersion', reason: 'FieldValueInvalid', detail: 'Invalid value: 0x0: must be specified for an update' },
        ]);
      }
      return;
    }
    if (resourceVersion !== metadataOf(existing.object)['resourceVersion']) throw conflict(groupResource(type), name, OBJECT_MODIFIED);
  }

  /**
   * BeforeUpdate keeps the live uid when the patched object has none, and validates a changed one twice
   * (validateCommonFields and the kind's ValidateUpdate): the message names it once, the causes twice.
   */
  #checkImmutableUid(type: ResourceType, existing: StoredObject, next: JsonObject): void {
    const live = metadataOf(existing.object);
    const uid = metadataOf(next)['uid'];
    if (uid === undefined || uid === null || uid === '' || uid === live['uid']) return;
    const error = invalid(groupKind(type), String(live['name']), [
      { field: 'metadata.uid', reason: 'FieldValueInvalid', detail: `Invalid value: ${JSON.stringify(String(uid))}: field is immutable` },
    ]);
    const causes = error.status.details?.causes;
    if (causes?.[0]) causes.push({ ...causes[0] });
    throw error;
  }

  /**
   * The shared tail of PUT, PATCH and apply: keep what the endpoint may not change, restore system
   * fields, enforce finalizer rules, bump generation, track managed fields, and store unless nothing changed.
   */
  #commitUpdate(
    type: ResourceType,
    existing: StoredObject,
    proposed: JsonObject,
    subresource: 'status' | undefined,
    tracking: { manager: string } | { managedFieldsDone: true },
  ): ApiResponse {
    const live = existing.object as JsonObject;
    const liveMetadata = metadataOf(live);
    const name = String(liveMetadata['name']);
    WRITE_CONVERSIONS[storageKeyOf(type)]?.(proposed);
    let next = endpointMerge(type, live, proposed, subresource);
    next['apiVersion'] = live['apiVersion'] ?? apiVersionOf(type);
    next['kind'] = type.kind;
    const metadata = metadataOf(next);
    for (const field of ['uid', 'creationTimestamp', 'deletionTimestamp', 'deletionGracePeriodSeconds', 'generation', 'namespace']) {
      if (liveMetadata[field] === undefined) delete metadata[field];
      else metadata[field] = liveMetadata[field] as JsonValue;
    }
    metadata['name'] = name;
    metadata['resourceVersion'] = liveMetadata['resourceVersion'] as JsonValue;
    delete metadata['selfLink'];
    WRITE_DEFAULTS[storageKeyOf(type)]?.(next);
    // Only the namespace controller (through /finalize) may change a namespace's spec.finalizers.
    if (storageKeyOf(type) === '/namespaces') next['spec'] = { ...(isJsonObject(next['spec']) ? next['spec'] : {}), finalizers: (isJsonObject(live['spec']) ? live['spec']['finalizers'] : undefined) ?? [] };
    next = dropEmptyBuiltinFields(type, next);
    this.#checkFinalizers(type, live, next);
    if (type.generation !== 'none' && generationChanges(type, live, next)) metadataOf(next)['generation'] = Number(liveMetadata['generation'] ?? 0) + 1;
    if ('manager' in tracking) {
      next = recordUpdate({
        live,
        next,
        manager: tracking.manager,
        apiVersion: apiVersionOf(type),
        time: this.#timestamp(),
        listTypes: type.listTypes,
        ...(subresource ? { subresource } : {}),
      });
    }
    if (jsonEqual(next, live)) return this.#serve(200, type, existing);
    // An update that removes the last finalizer completes the deletion (ShouldDeleteDuringUpdate), unless a grace period still runs.
    const graceRunning = Number(liveMetadata['deletionGracePeriodSeconds'] ?? 0) > 0;
    if (liveMetadata['deletionTimestamp'] !== undefined && !holdsDeletion(type, next) && !graceRunning) {
      this.store.remove(storageKeyOf(type), String(liveMetadata['namespace'] ?? ''), name);
      return respond(200, servedJsonOf(type, normalise(next)));
    }
    return this.#serve(200, type, this.#store(type, next));
  }

  #checkFinalizers(type: ResourceType, live: JsonObject, next: JsonObject): void {
    if (metadataOf(live)['deletionTimestamp'] === undefined) return;
    const before = new Set(stringList(metadataOf(live)['finalizers']));
    const added = stringList(metadataOf(next)['finalizers']).filter((finalizer) => !before.has(finalizer));
    if (added.length === 0) return;
    throw invalid(groupKind(type), String(metadataOf(live)['name']), [
      {
        field: 'metadata.finalizers',
        reason: 'FieldValueForbidden',
        detail: `Forbidden: no new finalizers can be added if the object is being deleted, found new finalizers []string{${added.map((finalizer) => JSON.stringify(finalizer)).join(', ')}}`,
      },
    ]);
  }

  // ---- delete ----

  #delete(type: ResourceType, namespace: string, name: string, options: JsonObject): ApiResponse {
    const policy = requestedPropagationPolicy(options);
    const existing = this.#existing(type, namespace, name);
    const live = metadataOf(existing.object);
    checkDeletePreconditions(type, name, live, options);
    const object = cloneJson(existing.object as JsonObject);
    const metadata = metadataOf(object);
    const finalizers = stringList(live['finalizers']);
    metadata['finalizers'] = deletionFinalizers(finalizers, policy ?? defaultPropagation(type, finalizers));
    if (stringList(metadata['finalizers']).length === 0) delete metadata['finalizers'];
    const isNamespace = storageKeyOf(type) === '/namespaces';
    // A namespace is always marked Terminating first; the namespace controller empties it.
    if (!holdsDeletion(type, object) && !this.#gracefulPod(type, object, options) && !(isNamespace && live['deletionTimestamp'] === undefined)) {
      this.store.remove(storageKeyOf(type), namespace, name);
      if (type.returnsDeletedObject) return this.#serve(200, type, existing);
      const details: JsonObject = { name, ...(type.group === '' ? {} : { group: type.group }), kind: type.plural, uid: String(live['uid']) };
      return respond(200, JSON.stringify({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', details }));
    }
    if (metadata['deletionTimestamp'] === undefined) {
      metadata['deletionTimestamp'] = this.#timestamp();
      if (isNamespace) object['status'] = { ...(isJsonObject(object['status']) ? object['status'] : {}), phase: 'Terminating' };
      else metadata['deletionGracePeriodSeconds'] = this.#gracefulPod(type, object, options) ? gracePeriod(object, options) : 0;
      // markAsDeleting / BeforeDelete: the first deletion request is a change of the object's desired state.
      if (typeof metadata['generation'] === 'number' && metadata['generation'] > 0) metadata['generation'] += 1;
    }
    if (jsonEqual(object, existing.object as JsonObject)) return this.#serve(200, type, existing);
    return this.#serve(200, type, this.#store(type, object));
  }

  /** A pod bound to a node waits for its kubelet to confirm termination, unless the grace period is 0. */
  #gracefulPod(type: ResourceType, pod: JsonObject, options: JsonObject): boolean {
    if (type.custom || type.kind !== 'Pod') return false;
    const spec = isJsonObject(pod['spec']) ? pod['spec'] : {};
    return typeof spec['nodeName'] === 'string' && spec['nodeName'] !== '' && gracePeriod(pod, options) > 0;
  }

  /** Deletes what the list would return and answers with that list, as it was before the deletions. */
  #deleteCollection(type: ResourceType, namespace: string | undefined, request: ApiRequest): ApiResponse {
    if (type.namespaced && namespace === undefined) throw methodNotAllowed();
    const listed = this.#list(type, namespace, request.query);
    const options = deleteOptions(request);
    for (const item of (JSON.parse(listed.body) as { items: JsonObject[] }).items) {
      const metadata = metadataOf(item);
      try {
        this.#delete(type, String(metadata['namespace'] ?? ''), String(metadata['name']), options);
      } catch (error) {
        if (!(error instanceof ApiError && error.status.code === 404)) throw error;
      }
    }
    return listed;
  }

  // ---- storage ----

  #store(type: ResourceType, object: JsonObject): StoredObject {
    const metadata = metadataOf(object);
    return this.store.write(storageKeyOf(type), String(metadata['namespace'] ?? ''), String(metadata['name']), normalise(object));
  }

  #writeInitial(type: ResourceType, object: JsonObject): void {
    this.#store(type, this.#completeNew(type, this.#admitNew(type, '', object)));
  }

  #timestamp(): string {
    return this.#now().toISOString().replace(/\.\d{3}Z$/, 'Z');
  }
}

// ---- helpers without server state ----

function namespaceType(registry: ResourceRegistry): ResourceType {
  const type = registry.byPath('', 'v1', 'namespaces');
  if (!type) throw new Error('the Namespace kind is built in');
  return type;
}

function respond(status: number, body: string): ApiResponse {
  return { status, headers: JSON_HEADERS, body };
}

function groupResource(type: ResourceType): GroupResource {
  return { group: type.group, resource: type.plural };
}

function groupKind(type: ResourceType): { group: string; kind: string } {
  return { group: type.group, kind: type.kind };
}

/** The metadata map of an object, created empty when absent. */
function metadataOf(object: JsonObject | Readonly<JsonObject>): JsonObject {
  const metadata = object['metadata'];
  if (isJsonObject(metadata)) return metadata;
  const created: JsonObject = {};
  if (!Object.isFrozen(object)) (object as JsonObject)['metadata'] = created;
  return created;
}


function objectKey(object: Readonly<JsonObject>): string {
  const metadata = metadataOf(object);
  return `${String(metadata['namespace'] ?? '')}/${String(metadata['name'])}`;
}

/** The values of the named fields (dotted paths) as a field selector compares them: text, absent as ''. */
function selectableValues(object: Readonly<JsonObject>, paths: readonly string[]): Record<string, string> {
  const values: Record<string, string> = {};
  for (const path of paths) {
    let value: JsonValue | undefined = object as JsonObject;
    for (const field of path.split('.')) value = isJsonObject(value) ? value[field] : undefined;
    values[path] = value === undefined || value === null ? '' : typeof value === 'object' ? JSON.stringify(value) : String(value);
  }
  return values;
}

function encodeContinue(key: string): string {
  return Buffer.from(JSON.stringify({ v: 'meta.k8s.io/v1', start: key })).toString('base64url');
}

function decodeContinue(token: string): string {
  try {
    const decoded = JSON.parse(Buffer.from(token, 'base64url').toString()) as { start?: unknown };
    if (typeof decoded.start === 'string') return decoded.start;
  } catch {
    // fall through to the apiserver's error
  }
  throw badRequest(`continue key is not valid: ${token}`);
}

/** Stored objects put `apiVersion`, `kind`, `metadata` first and sort every other key, as the apiserver's encoders do. */
function normalise(object: JsonObject): JsonObject {
  const { apiVersion, kind, metadata, ...rest } = object;
  const normalised: JsonObject = {};
  if (apiVersion !== undefined) normalised['apiVersion'] = apiVersion;
  if (kind !== undefined) normalised['kind'] = kind;
  normalised['metadata'] = sortKeys(metadata ?? {});
  return Object.assign(normalised, sortKeys(rest));
}

/** A stored object as served at `type`'s version (CRD versions share storage: only `apiVersion` differs). */
function servedJson(type: ResourceType, stored: StoredObject): string {
  const apiVersion = apiVersionOf(type);
  if (stored.object['apiVersion'] === apiVersion) return stored.json;
  return JSON.stringify({ ...stored.object, apiVersion });
}

/** An object not in the store (a deletion's last state) as served at `type`'s version. */
function servedJsonOf(type: ResourceType, object: JsonObject): string {
  return JSON.stringify({ ...object, apiVersion: apiVersionOf(type) });
}

/** Metadata maps and lists Go omits when empty (`omitempty`), so writing them empty changes nothing. */
const OMITTED_WHEN_EMPTY_METADATA = ['labels', 'annotations', 'finalizers', 'ownerReferences'];
const OMITTED_WHEN_EMPTY_DATA = ['data', 'binaryData', 'stringData'];

/**
 * A built-in object as its typed round trip leaves it: nulls and the empty maps and lists Go omits
 * are gone, so a write that only adds them is a no-op, as against a real apiserver.
 */
function dropEmptyBuiltinFields(type: ResourceType, object: JsonObject): JsonObject {
  if (type.custom) return object;
  const result: JsonObject = {};
  for (const [key, value] of Object.entries(object)) {
    if (value === null || (OMITTED_WHEN_EMPTY_DATA.includes(key) && isEmpty(value))) continue;
    result[key] = value;
  }
  if (isJsonObject(result['metadata'])) {
    const metadata: JsonObject = {};
    for (const [key, value] of Object.entries(result['metadata'])) {
      if (value === null || (OMITTED_WHEN_EMPTY_METADATA.includes(key) && isEmpty(value))) continue;
      metadata[key] = value;
    }
    result['metadata'] = metadata;
  }
  return result;
}

function isEmpty(value: JsonValue): boolean {
  return Array.isArray(value) ? value.length === 0 : isJsonObject(value) && Object.keys(value).length === 0;
}

/** Lists of built-in kinds leave `apiVersion` and `kind` out of their items. */
function withoutTypeMeta(json: string): string {
  return `{${json.slice(json.indexOf('"metadata":'))}`;
}

function parseBody(request: ApiRequest): JsonObject {
  let body: unknown;
  try {
    body = JSON.parse(request.body ?? '');
  } catch (error) {
    throw badRequest(`couldn't get version/kind; json parse error: ${errorMessage(error)}`);
  }
  if (!isJsonObject(body)) throw badRequest('the request body is not a JSON object');
  return body;
}

function parsePatch(body: string | undefined): JsonValue {
  try {
    return JSON.parse(body ?? '') as JsonValue;
  } catch (error) {
    throw badRequest(`error decoding patch: ${errorMessage(error)}`);
  }
}

/** How Go's JSON decoder names a JSON value in an UnmarshalTypeError. */
function goJsonKind(value: JsonValue): string {
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'boolean') return 'bool';
  return typeof value;
}

/**
 * A merge patch body as the apiserver takes it: decoded strictly into a map first (fieldValidation
 * defaults to Warn), then `null` is evanphx/json-patch's ErrBadJSONPatch.
 */
function mergePatchBody(patch: JsonValue): JsonObject {
  if (patch === null) throw badRequest('Invalid JSON Patch');
  if (!isJsonObject(patch)) throw badRequest(`error decoding patch: json: cannot unmarshal ${goJsonKind(patch)} into Go value of type map[string]interface {}`);
  return patch;
}

/** A strategic merge patch body, decoded into a map: `null` leaves it empty, anything else but an object is a 400. */
function strategicPatchBody(patch: JsonValue): JsonObject {
  if (patch === null) return {};
  if (!isJsonObject(patch)) throw badRequest(`json: cannot unmarshal ${goJsonKind(patch)} into Go value of type map[string]interface {}`);
  return patch;
}

/** 422 from ValidatePatchOptions: the PatchOptions kind of meta.k8s.io, with no name in the details. */
function patchOptionsInvalid(error: FieldError): ApiError {
  const apiError = invalid({ group: 'meta.k8s.io', kind: 'PatchOptions' }, '', [error]);
  delete apiError.status.details?.name;
  return apiError;
}

/**
 * The patched object must still be the one the URL names (patcher.applyPatch): a namespace is
 * defaulted when removed and a 400 when changed, a changed or removed name is a 400.
 */
function checkPatchedIdentity(type: ResourceType, namespace: string, name: string, next: JsonObject): void {
  const metadata = metadataOf(next);
  const objectNamespace = typeof metadata['namespace'] === 'string' ? metadata['namespace'] : '';
  if (type.namespaced && objectNamespace !== '' && objectNamespace !== namespace) {
    throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
  }
  const objectName = typeof metadata['name'] === 'string' ? metadata['name'] : '';
  if (objectName !== name) throw badRequest(`the name of the object (${objectName}) does not match the name on the URL (${name})`);
}

function parseApplyBody(body: string | undefined): JsonObject {
  let parsed: unknown;
  try {
    parsed = parseYaml(body ?? '');
  } catch (error) {
    throw badRequest(`error decoding YAML: ${errorMessage(error)}`);
  }
  if (!isJsonObject(parsed)) throw badRequest('error decoding YAML: the apply configuration is not an object');
  return parsed;
}

/** The body's apiVersion and kind, when given, must be the endpoint's. */
function checkTypeMeta(type: ResourceType, body: JsonObject): void {
  const apiVersion = body['apiVersion'];
  const kind = body['kind'];
  const served = type.custom ? [...new Set([apiVersionOf(type), apiVersionOf({ group: type.group, version: type.storageVersion })])] : [apiVersionOf(type)];
  if (apiVersion !== undefined && apiVersion !== '' && !served.includes(String(apiVersion))) {
    throw badRequest(`the API version in the data (${String(apiVersion)}) does not match the expected API version (${apiVersionOf(type)})`);
  }
  if (kind !== undefined && kind !== '' && kind !== type.kind) {
    throw badRequest(`the kind in the data (${String(kind)}) does not match the expected kind (${type.kind})`);
  }
}

/** The field manager a write is attributed to: `?fieldManager=`, else the User-Agent's product name, as the apiserver derives it. */
function fieldManager(request: ApiRequest): string {
  const explicit = request.query.get('fieldManager');
  if (explicit) return explicit;
  const userAgent = request.headers['user-agent'] ?? '';
  return userAgent.split('/')[0]?.trim() || 'unknown';
}

/** What an apply to this endpoint may set: the main endpoint of a kind with a status subresource ignores status; `/status` only takes status. */
function endpointView(type: ResourceType, applied: JsonObject, subresource: 'status' | undefined): JsonObject {
  if (subresource === 'status') {
    const view: JsonObject = { apiVersion: applied['apiVersion'] ?? apiVersionOf(type), kind: applied['kind'] ?? type.kind, metadata: applied['metadata'] ?? {} };
    if (applied['status'] !== undefined) view['status'] = applied['status'];
    return view;
  }
  if (!type.statusSubresource) return applied;
  const { status: _ignored, ...rest } = applied;
  return rest;
}

/** What a built-in kind's status strategy takes from the live object on a `/status` write (everything else may change). */
const STATUS_RESETS: Readonly<Record<string, readonly string[]>> = {
  Pod: ['spec', 'metadata.ownerReferences'],
  Deployment: ['spec', 'metadata.labels'],
  ReplicaSet: ['spec', 'metadata.labels'],
  StatefulSet: ['spec', 'metadata.labels'],
  DaemonSet: ['spec', 'metadata.labels'],
};

/**
 * Combines a proposed object with the live one according to the endpoint written to: the main
 * endpoint of a kind with a status subresource keeps the live status; `/status` of a custom
 * resource changes only status, of a built-in kind everything but its strategy's reset fields.
 */
function endpointMerge(type: ResourceType, live: JsonObject, proposed: JsonObject, subresource: 'status' | undefined): JsonObject {
  if (subresource === 'status') {
    if (!type.custom) {
      const next = { ...proposed, metadata: { ...metadataOf(proposed) } };
      for (const path of STATUS_RESETS[type.kind] ?? ['spec']) copyField(live, next, path.split('.'));
      return next;
    }
    const next = cloneJson(live);
    const proposedManagedFields = metadataOf(proposed)['managedFields'];
    if (proposed['status'] === undefined) delete next['status'];
    else next['status'] = proposed['status'];
    if (proposedManagedFields !== undefined) metadataOf(next)['managedFields'] = proposedManagedFields;
    return next;
  }
  if (!type.statusSubresource) return proposed;
  const next = { ...proposed };
  if (live['status'] === undefined) delete next['status'];
  else next['status'] = live['status'];
  return next;
}

/** Sets `path` in `target` (top level or one level into metadata) to its value in `source`, or removes it. */
function copyField(source: JsonObject, target: JsonObject, [first, second]: string[]): void {
  if (first === undefined) return;
  if (second === undefined) {
    if (source[first] === undefined) delete target[first];
    else target[first] = source[first];
    return;
  }
  const from = isJsonObject(source[first]) ? source[first] : {};
  const into = isJsonObject(target[first]) ? target[first] : {};
  if (from[second] === undefined) delete into[second];
  else into[second] = from[second];
  target[first] = into;
}

function generationChanges(type: ResourceType, live: JsonObject, next: JsonObject): boolean {
  switch (type.generation) {
    case 'none':
      return false;
    case 'spec':
      return !jsonEqual(live['spec'], next['spec']);
    case 'spec-or-annotations':
      return !jsonEqual(live['spec'], next['spec']) || !jsonEqual(metadataOf(live)['annotations'], metadataOf(next)['annotations']);
    case 'outside-metadata': {
      const ignored = type.statusSubresource ? ['metadata', 'status'] : ['metadata'];
      const keys = new Set([...Object.keys(live), ...Object.keys(next)].filter((key) => !ignored.includes(key)));
      return [...keys].some((key) => !jsonEqual(live[key], next[key]));
    }
  }
}

/** DeleteOptions from the body, or, when there is none, from the query (the handler reads one or the other). */
function deleteOptions(request: ApiRequest): JsonObject {
  if (request.body !== undefined && request.body.trim() !== '') {
    let parsed: unknown;
    try {
      parsed = JSON.parse(request.body);
    } catch (error) {
      throw badRequest(`couldn't get version/kind; json parse error: ${errorMessage(error)}`);
    }
    if (!isJsonObject(parsed)) throw badRequest('the request body is not DeleteOptions');
    return parsed;
  }
  const options: JsonObject = {};
  const policy = request.query.get('propagationPolicy');
  if (policy !== null) options['propagationPolicy'] = policy;
  const grace = request.query.get('gracePeriodSeconds');
  if (grace !== null) options['gracePeriodSeconds'] = Number(grace);
  const orphan = request.query.get('orphanDependents');
  if (orphan !== null) options['orphanDependents'] = orphan === 'true';
  return options;
}

/** The `propagationPolicy` a delete asks for, validated as `ValidateDeleteOptions` does (before the object is looked up). */
function requestedPropagationPolicy(options: JsonObject): string | undefined {
  const policy = options['propagationPolicy'];
  if (policy === 'Background' || policy === 'Foreground' || policy === 'Orphan') return policy;
  if (policy !== undefined && policy !== null) {
    throw invalid({ group: 'meta.k8s.io', kind: 'DeleteOptions' }, '', [
      { field: 'propagationPolicy', reason: 'FieldValueNotSupported', detail: `Unsupported value: ${JSON.stringify(policy)}: supported values: "Foreground", "Background", "Orphan", "nil"` },
    ]);
  }
  if (options['orphanDependents'] === true) return 'Orphan';
  if (options['orphanDependents'] === false) return 'Background';
  return undefined;
}

/** Without a requested policy: a garbage-collector finalizer already on the object, else the kind's default (shouldOrphanDependents). */
function defaultPropagation(type: ResourceType, finalizers: readonly string[]): string {
  if (finalizers.includes(ORPHAN_FINALIZER)) return 'Orphan';
  if (finalizers.includes(FOREGROUND_FINALIZER)) return 'Foreground';
  return type.defaultPropagation;
}

/** `rest.BeforeDelete`'s precondition check: 409 naming the kind, not the resource. */
function checkDeletePreconditions(type: ResourceType, name: string, live: JsonObject, options: JsonObject): void {
  const preconditions = isJsonObject(options['preconditions']) ? options['preconditions'] : {};
  const kind = { group: type.group, resource: type.kind };
  if (typeof preconditions['uid'] === 'string' && preconditions['uid'] !== live['uid']) {
    throw conflict(kind, name, `the UID in the precondition (${preconditions['uid']}) does not match the UID in record (${String(live['uid'])}). The object might have been deleted and then recreated`);
  }
  if (typeof preconditions['resourceVersion'] === 'string' && preconditions['resourceVersion'] !== live['resourceVersion']) {
    throw conflict(
      kind,
      name,
      `the ResourceVersion in the precondition (${preconditions['resourceVersion']}) does not match the ResourceVersion in record (${String(live['resourceVersion'])}). The object might have been modified`,
    );
  }
}

/** The finalizers a delete leaves on the object: the garbage-collector finalizer of the policy replaces the other one. */
function deletionFinalizers(finalizers: readonly string[], policy: string): string[] {
  const kept = finalizers.filter((finalizer) => finalizer !== FOREGROUND_FINALIZER && finalizer !== ORPHAN_FINALIZER);
  if (policy === 'Foreground') return [...kept, FOREGROUND_FINALIZER];
  if (policy === 'Orphan') return [...kept, ORPHAN_FINALIZER];
  return kept;
}

/**
 * Whether something still holds a deleted object: a finalizer, or for a namespace its
 * `spec.finalizers`, which the namespace controller removes once the namespace is empty.
 */
function holdsDeletion(type: ResourceType, object: JsonObject): boolean {
  if (stringList(metadataOf(object)['finalizers']).length > 0) return true;
  if (storageKeyOf(type) !== '/namespaces') return false;
  const spec = isJsonObject(object['spec']) ? object['spec'] : {};
  return stringList(spec['finalizers']).length > 0;
}

function gracePeriod(pod: JsonObject, options: JsonObject): number {
  if (typeof options['gracePeriodSeconds'] === 'number') return options['gracePeriodSeconds'];
  const spec = isJsonObject(pod['spec']) ? pod['spec'] : {};
  return typeof spec['terminationGracePeriodSeconds'] === 'number' ? spec['terminationGracePeriodSeconds'] : 30;
}
