import { referencePath, type ApiServer, type JsonObject, type ObjectReference } from '../../sim/index.ts';

/** The field manager of everything the user does (initial objects, steps). */
export const USER_MANAGER = 'fixpoint-user';

/** What a user does to the cluster, as `kubectl` would. */
export type UserAction =
  | { readonly verb: 'create'; readonly object: JsonObject }
  | { readonly verb: 'apply'; readonly objects: readonly JsonObject[] }
  | { readonly verb: 'patch'; readonly target: ObjectReference; readonly merge: JsonObject }
  | { readonly verb: 'delete'; readonly target: ObjectReference };

/** A scenario step: an action, when it may happen, and how a trace names it. */
export interface UserStep {
  readonly action: UserAction;
  /** `converged`: only once nothing else is pending */
  readonly when: 'anytime' | 'converged';
  readonly description: string;
}

/** A short text for a step: `apply toggle-v2.yaml`, `patch ConfigMap default/c1`, `delete Toggle default/t1`. */
export function describeUserAction(action: UserAction, source?: string): string {
  switch (action.verb) {
    case 'create':
      return `create ${String(action.object['kind'])} ${String((action.object['metadata'] as { name?: unknown } | undefined)?.name ?? '')}`;
    case 'apply':
      return `apply ${source ?? action.objects.map((object) => String(object['kind'])).join(', ')}`;
    case 'patch':
    case 'delete':
      return `${action.verb} ${action.target.kind} ${action.target.namespace === undefined ? '' : `${action.target.namespace}/`}${action.target.name}`;
  }
}

/**
 * Performs a user action through the API server, as a failed kubectl command would: a request that
 * fails is answered with its error and nothing else happens.
 */
export function performUserStep(server: ApiServer, action: UserAction): void {
  const send = (method: string, path: string, contentType: string, body: unknown, query: Record<string, string> = {}) =>
    server.handle({ method, path, query: new URLSearchParams(query), headers: { 'content-type': contentType, 'user-agent': USER_MANAGER }, body: body === undefined ? undefined : JSON.stringify(body) });
  switch (action.verb) {
    case 'create': {
      const reference = referenceOf(action.object);
      send('POST', referencePath(server.registry, reference, false), 'application/json', action.object, { fieldManager: USER_MANAGER });
      return;
    }
    case 'apply':
      for (const object of action.objects) {
        send('PATCH', referencePath(server.registry, referenceOf(object), true), 'application/apply-patch+yaml', object, { fieldManager: USER_MANAGER, force: 'true' });
      }
      return;
    case 'patch':
      send('PATCH', referencePath(server.registry, action.target, true), 'application/merge-patch+json', action.merge, { fieldManager: USER_MANAGER });
      return;
    case 'delete':
      send('DELETE', referencePath(server.registry, action.target, true), 'application/json', { propagationPolicy: 'Background' });
      return;
  }
}

/** The reference of a manifest: its kind, and its namespace (`default` when a namespaced manifest names none) and name. */
export function referenceOf(object: JsonObject): ObjectReference {
  const metadata = (object['metadata'] ?? {}) as { namespace?: unknown; name?: unknown };
  return {
    apiVersion: String(object['apiVersion'] ?? ''),
    kind: String(object['kind'] ?? ''),
    namespace: typeof metadata.namespace === 'string' ? metadata.namespace : undefined,
    name: typeof metadata.name === 'string' ? metadata.name : '',
  };
}
