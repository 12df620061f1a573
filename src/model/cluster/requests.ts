import type { JsonObject } from '../../sim/index.ts';

/** What a controller declares it watches (the `for`, `owns` and `watches` of a controller module). */
export interface WatchDeclarations {
  readonly name: string;
  readonly for: KindReference;
  readonly owns?: readonly KindReference[];
  readonly watches?: readonly (KindReference & { map(object: JsonObject): readonly RequestTarget[] })[];
}

export interface KindReference {
  readonly apiVersion: string;
  readonly kind: string;
}

/** The object a reconcile request names. */
export interface RequestTarget {
  readonly namespace?: string | undefined;
  readonly name: string;
}

/** One pending reconcile: a controller and the object it should look at. */
export interface ReconcileRequest extends RequestTarget {
  readonly controller: string;
}

const SEPARATOR = '\u0000';

/** A request as a set member: equal requests, equal keys. */
export function requestKey(request: ReconcileRequest): string {
  return `${request.controller}${SEPARATOR}${request.namespace ?? ''}${SEPARATOR}${request.name}`;
}

export function requestOfKey(key: string): ReconcileRequest {
  const [controller = '', namespace = '', name = ''] = key.split(SEPARATOR);
  return namespace === '' ? { controller, name } : { controller, namespace, name };
}

/** `group/kind` of an apiVersion and kind: versions of one group share objects, so matching ignores them. */
export function groupKind(apiVersion: string, kind: string): string {
  const slash = apiVersion.indexOf('/');
  return `${slash < 0 ? '' : apiVersion.slice(0, slash)}/${kind}`;
}

function groupKindOf(object: JsonObject): string {
  return groupKind(String(object['apiVersion'] ?? ''), String(object['kind'] ?? ''));
}

function metadataOf(object: JsonObject): { namespace?: string; name?: string; ownerReferences?: { apiVersion: string; kind: string; name: string; controller?: boolean }[] } {
  return (object['metadata'] ?? {}) as ReturnType<typeof metadataOf>;
}

/** Whether a controller's `for`, `owns` or `watches` covers objects of this group and kind. */
export function watchesKind(controller: WatchDeclarations, kindKey: string): boolean {
  if (groupKind(controller.for.apiVersion, controller.for.kind) === kindKey) return true;
  if (controller.owns?.some((owned) => groupKind(owned.apiVersion, owned.kind) === kindKey)) return true;
  return controller.watches?.some((watch) => groupKind(watch.apiVersion, watch.kind) === kindKey) ?? false;
}

/**
 * The requests an object maps to for one controller, as controller-runtime's handlers map events:
 * the object itself for `for`; the owner named by its controller ownerReference for `owns`; the
 * `map` function's answer for `watches`. `primaryIsNamespaced` tells the scope of the `for` kind.
 */
export function requestsForObject(controller: WatchDeclarations, object: JsonObject, primaryIsNamespaced: boolean): RequestTarget[] {
  const kindKey = groupKindOf(object);
  const metadata = metadataOf(object);
  const targets: RequestTarget[] = [];
  const primary = groupKind(controller.for.apiVersion, controller.for.kind);
  if (kindKey === primary && metadata.name) targets.push({ namespace: metadata.namespace, name: metadata.name });
  if (controller.owns?.some((owned) => groupKind(owned.apiVersion, owned.kind) === kindKey)) {
    const owner = metadata.ownerReferences?.find((reference) => reference.controller === true);
    if (owner && groupKind(owner.apiVersion, owner.kind) === primary) {
      targets.push({ namespace: primaryIsNamespaced ? metadata.namespace : undefined, name: owner.name });
    }
  }
  for (const watch of controller.watches ?? []) {
    if (groupKind(watch.apiVersion, watch.kind) === kindKey) targets.push(...watch.map(object));
  }
  return targets;
}
