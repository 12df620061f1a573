import { referencePath, type ApiServer, type JsonObject, type ObjectEntry } from '../sim/index.ts';

/** The field manager and User-Agent of kube-controller-manager's garbage collector. */
const MANAGER = 'generic-garbage-collector';
const FOREGROUND = 'foregroundDeletion';
const ORPHAN = 'orphan';

interface OwnerReference {
  apiVersion: string;
  kind: string;
  name: string;
  uid: string;
  controller?: boolean;
  blockOwnerDeletion?: boolean;
}

interface Target {
  readonly apiVersion: string;
  readonly kind: string;
  readonly namespace: string | undefined;
  readonly name: string;
  readonly uid: string;
}

/** One thing the garbage collector would do next; each is its own step, so its lag is explored. */
export type GarbageCollectorAction =
  | { readonly kind: 'delete-dependent'; readonly target: Target; readonly description: string }
  | { readonly kind: 'drop-owner-references'; readonly target: Target; readonly uids: readonly string[]; readonly description: string }
  | { readonly kind: 'remove-finalizer'; readonly target: Target; readonly finalizer: string; readonly description: string };

/**
 * What the garbage collector (kube-controller-manager) would do in this state:
 * - delete (background) an object none of whose owners exists any more, or whose owner is being
 *   deleted in the foreground (an owner exists when an object with its uid does: one re-created
 *   under the same name is a different owner);
 * - drop ownerReferences to owners that are gone while others remain, and to an owner being
 *   deleted with `orphan`;
 * - remove `orphan` from an owner once no dependent refers to it, and `foregroundDeletion` once no
 *   dependent with `blockOwnerDeletion` is left.
 */
export function garbageCollectorActions(entries: readonly ObjectEntry[]): GarbageCollectorAction[] {
  const objects = entries.map((entry) => entry.stored.object as JsonObject);
  const byUid = new Map<string, JsonObject>();
  for (const object of objects) byUid.set(metadataOf(object).uid ?? '', object);
  const dependents = new Map<string, JsonObject[]>();
  for (const object of objects) {
    for (const reference of metadataOf(object).ownerReferences ?? []) dependents.set(reference.uid, [...(dependents.get(reference.uid) ?? []), object]);
  }

  const actions: GarbageCollectorAction[] = [];
  for (const object of objects) {
    const metadata = metadataOf(object);
    const references = metadata.ownerReferences ?? [];
    if (references.length === 0) continue;
    const target = targetOf(object);
    const live = references.filter((reference) => byUid.has(reference.uid));
    const orphaning = live.filter((reference) => finalizersOf(byUid.get(reference.uid)).includes(ORPHAN) && isDeleting(byUid.get(reference.uid)));
    const foreground = live.some((reference) => finalizersOf(byUid.get(reference.uid)).includes(FOREGROUND) && isDeleting(byUid.get(reference.uid)));
    const remaining = live.filter((reference) => !orphaning.includes(reference));
    if (!isDeleting(object) && (remaining.length === 0 && orphaning.length === 0 ? true : foreground && remaining.every((reference) => isDeleting(byUid.get(reference.uid))))) {
      actions.push({ kind: 'delete-dependent', target, description: `delete ${describe(target)} (${live.length === 0 ? 'owners gone' : 'owner deleted in the foreground'})` });
      continue;
    }
    const dropped = references.filter((reference) => !byUid.has(reference.uid) || orphaning.includes(reference)).map((reference) => reference.uid);
    if (dropped.length > 0 && remaining.length + orphaning.length > 0) {
      actions.push({ kind: 'drop-owner-references', target, uids: dropped, description: `drop ownerReferences of ${describe(target)} to ${dropped.length === 1 ? 'an owner' : 'owners'} gone or orphaning` });
    }
  }
  for (const object of objects) {
    if (!isDeleting(object)) continue;
    const target = targetOf(object);
    const referring = dependents.get(target.uid) ?? [];
    const finalizers = finalizersOf(object);
    if (finalizers.includes(ORPHAN) && referring.length === 0) {
      actions.push({ kind: 'remove-finalizer', target, finalizer: ORPHAN, description: `remove the orphan finalizer of ${describe(target)}` });
    }
    const blocking = referring.filter((dependent) => metadataOf(dependent).ownerReferences?.some((reference) => reference.uid === target.uid && reference.blockOwnerDeletion === true));
    if (finalizers.includes(FOREGROUND) && blocking.length === 0) {
      actions.push({ kind: 'remove-finalizer', target, finalizer: FOREGROUND, description: `remove the foregroundDeletion finalizer of ${describe(target)}` });
    }
  }
  return actions;
}

/** Carries an action out through the API server, with the uid precondition the real collector uses. */
export function performGarbageCollectorAction(server: ApiServer, action: GarbageCollectorAction): void {
  const path = referencePath(server.registry, action.target, true);
  const headers = (contentType: string) => ({ 'content-type': contentType, 'user-agent': MANAGER });
  const query = new URLSearchParams({ fieldManager: MANAGER });
  const current = () => JSON.parse(server.handle({ method: 'GET', path, query: new URLSearchParams(), headers: headers('application/json') }).body) as JsonObject;
  switch (action.kind) {
    case 'delete-dependent':
      server.handle({ method: 'DELETE', path, query: new URLSearchParams(), headers: headers('application/json'), body: JSON.stringify({ propagationPolicy: 'Background', preconditions: { uid: action.target.uid } }) });
      return;
    case 'drop-owner-references': {
      const kept = (metadataOf(current()).ownerReferences ?? []).filter((reference) => !action.uids.includes(reference.uid));
      const patch = { metadata: { uid: action.target.uid, ownerReferences: kept.length === 0 ? null : kept } };
      server.handle({ method: 'PATCH', path, query, headers: headers('application/merge-patch+json'), body: JSON.stringify(patch) });
      return;
    }
    case 'remove-finalizer': {
      const kept = finalizersOf(current()).filter((finalizer) => finalizer !== action.finalizer);
      const patch = { metadata: { uid: action.target.uid, finalizers: kept.length === 0 ? null : kept } };
      server.handle({ method: 'PATCH', path, query, headers: headers('application/merge-patch+json'), body: JSON.stringify(patch) });
      return;
    }
  }
}

function metadataOf(object: JsonObject | undefined): { uid?: string; name?: string; namespace?: string; deletionTimestamp?: string; finalizers?: string[]; ownerReferences?: OwnerReference[] } {
  return (object?.['metadata'] ?? {}) as ReturnType<typeof metadataOf>;
}

function finalizersOf(object: JsonObject | undefined): string[] {
  return metadataOf(object).finalizers ?? [];
}

function isDeleting(object: JsonObject | undefined): boolean {
  return metadataOf(object).deletionTimestamp !== undefined;
}

function targetOf(object: JsonObject): Target {
  const metadata = metadataOf(object);
  return { apiVersion: String(object['apiVersion']), kind: String(object['kind']), namespace: metadata.namespace, name: metadata.name ?? '', uid: metadata.uid ?? '' };
}

function describe(target: Target): string {
  return `${target.kind} ${target.namespace === undefined ? '' : `${target.namespace}/`}${target.name}`;
}
