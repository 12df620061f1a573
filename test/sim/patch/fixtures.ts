import type { JsonObject } from '../../../src/sim/json.ts';
import { builtinListTypes } from '../../../src/sim/list-types.ts';

/** Fixtures shared by the managed-fields and server-side apply tests. */
export const T1 = '2024-05-01T10:00:00Z';
export const T2 = '2024-05-01T10:01:00Z';
export const T3 = '2024-05-01T10:02:00Z';
export const T4 = '2024-05-01T10:03:00Z';

export const configMaps = builtinListTypes('ConfigMap');
export const deployments = builtinListTypes('Deployment');

export function configMap(data: JsonObject, metadata: JsonObject = {}): JsonObject {
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings', namespace: 'default', ...metadata }, data };
}

export function managedFieldsOf(object: JsonObject): unknown {
  return (object['metadata'] as JsonObject)['managedFields'];
}
