import { resourcePath, type ApiServer } from '../../sim/index.ts';
import type { ObjectReference } from './user-steps.ts';

/**
 * The REST path of an object (`withName`) or of its collection. A namespaced kind without a
 * namespace lands in `default`, as kubectl does. An unknown kind is a scenario error.
 */
export function resourcePathOf(server: ApiServer, reference: ObjectReference, withName: boolean): string {
  const type = server.registry.byKind(reference.apiVersion, reference.kind);
  if (!type) throw new Error(`no kind "${reference.kind}" in version "${reference.apiVersion}": it is neither built in nor defined by a CustomResourceDefinition of the scenario`);
  const namespace = type.namespaced ? (reference.namespace ?? 'default') : undefined;
  return resourcePath(type, namespace, withName ? reference.name : undefined);
}
