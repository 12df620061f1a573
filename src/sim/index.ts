/**
 * The simulated Kubernetes API server, usable on its own in controller unit tests
 * (`fixpoint/testing`): real `@kubernetes/client-node` code runs against it in-process.
 */
export { SimulatedCluster, USER_FIELD_MANAGER, type Manifests, type SimulatedClusterOptions } from './cluster.ts';
export { ApiServer, INITIAL_NAMESPACES, type ApiHandler, type ApiRequest, type ApiResponse, type ApiServerOptions } from './api-server.ts';
export { simulatedKubeConfig, resolveClientNode, type ClientNodeModule } from './client-node.ts';
export { cloneJson, isJsonObject, jsonEqual, type JsonObject, type JsonValue } from './json.ts';
export { storageKeyOf, type ResourceType } from './resource-types.ts';
export { ApiError, type Status, type StatusCause } from './status.ts';
export { isIssuedUid, objectEntries, type ObjectEntry, type StoreChange, type StoredObject, type StoreSnapshot } from './store.ts';
export { referencePath, resourcePath, route, type ObjectReference, type Route } from './router.ts';
export { DEFINITIONS_KEY } from './registry.ts';
