import { readFile } from 'node:fs/promises';
import { glob } from 'node:fs/promises';
import { isAbsolute, resolve } from 'node:path';
import { parseAllDocuments } from 'yaml';
import type * as ClientNode from '@kubernetes/client-node';
import { ApiServer, type ApiServerOptions } from './api-server.ts';
import { resolveClientNode, simulatedKubeConfig, type ClientNodeModule } from './client-node.ts';
import { isJsonObject, type JsonObject } from './json.ts';
import { storageKeyOf, type ResourceType } from './resource-types.ts';
import { resourcePath } from './router.ts';
import { ApiError, type Status } from './status.ts';
import type { StoreSnapshot } from './store.ts';

export interface SimulatedClusterOptions extends ApiServerOptions {
  /** CustomResourceDefinition files or globs, resolved against `directory` */
  readonly crds?: readonly string[];
  /** the user's `@kubernetes/client-node`; resolved from `directory` when omitted */
  readonly clientNode?: ClientNodeModule;
  /** where relative paths and client-node resolve from; default: the working directory */
  readonly directory?: string;
}

/** What `apply` accepts: YAML text (several documents allowed), objects, or arrays of either. */
export type Manifests = string | JsonObject | readonly (string | JsonObject)[];

/** The field manager of objects a test or scenario applies. */
export const USER_FIELD_MANAGER = 'fixpoint-user';

/**
 * An in-memory Kubernetes API server for unit tests of controllers: real client-node code runs
 * against it with no socket, and its contents can be read back as plain objects.
 */
export class SimulatedCluster {
  readonly server: ApiServer;
  readonly #clientNode: ClientNodeModule;

  private constructor(server: ApiServer, clientNode: ClientNodeModule) {
    this.server = server;
    this.#clientNode = clientNode;
  }

  static async create(options: SimulatedClusterOptions = {}): Promise<SimulatedCluster> {
    const directory = options.directory ?? process.cwd();
    const clientNode = options.clientNode ?? (await resolveClientNode(directory));
    const cluster = new SimulatedCluster(new ApiServer(options), clientNode);
    for (const file of await expandGlobs(options.crds ?? [], directory)) {
      cluster.apply(await readFile(file, 'utf8'), file);
    }
    return cluster;
  }

  /** A KubeConfig of the user's client-node whose API clients talk to this cluster in-process. */
  kubeConfig(): ClientNode.KubeConfig {
    return simulatedKubeConfig(this.#clientNode, this.server);
  }

  /**
   * Server-side applies each object (field manager `fixpoint-user`, forced), in order; a
   * CustomResourceDefinition is served as soon as it is applied. A rejected write throws the
   * server's answer as an `ApiError`; an unknown kind or bad YAML, an `Error` naming `source`.
   */
  apply(manifests: Manifests, source = 'apply'): JsonObject[] {
    return objectsOf(manifests, source).map((object) => this.#applyOne(object, source));
  }

  /** The stored object, as a plain object, or undefined. */
  get(apiVersion: string, kind: string, namespace: string | undefined, name: string): JsonObject | undefined {
    const type = this.#type(apiVersion, kind);
    const stored = this.server.store.get(storageKeyOf(type), type.namespaced ? (namespace ?? 'default') : '', name);
    return stored ? (JSON.parse(stored.json) as JsonObject) : undefined;
  }

  /** The stored objects of a kind, in one namespace or all, as plain objects. */
  list(apiVersion: string, kind: string, namespace?: string): JsonObject[] {
    const type = this.#type(apiVersion, kind);
    return this.server.store.list(storageKeyOf(type), type.namespaced ? namespace : undefined).map((stored) => JSON.parse(stored.json) as JsonObject);
  }

  snapshot(): StoreSnapshot {
    return this.server.snapshot();
  }

  restore(snapshot: StoreSnapshot): void {
    this.server.restore(snapshot);
  }

  /** Canonical fingerprint of the cluster's contents (ignores resourceVersions and timestamps). */
  fingerprint(): string {
    return this.server.store.fingerprint();
  }

  #applyOne(object: JsonObject, source: string): JsonObject {
    const type = this.#type(String(object['apiVersion'] ?? ''), String(object['kind'] ?? ''), source);
    const metadata = isJsonObject(object['metadata']) ? object['metadata'] : {};
    const namespace = type.namespaced ? String(metadata['namespace'] ?? 'default') : undefined;
    const name = String(metadata['name'] ?? '');
    const body = type.namespaced ? { ...object, metadata: { ...metadata, namespace } } : object;
    const response = this.server.handle({
      method: 'PATCH',
      path: resourcePath(type, namespace, name),
      query: new URLSearchParams({ fieldManager: USER_FIELD_MANAGER, force: 'true' }),
      headers: { 'content-type': 'application/apply-patch+yaml' },
      body: JSON.stringify(body),
    });
    const result = JSON.parse(response.body) as JsonObject;
    if (response.status >= 300) throw new ApiError(result as unknown as Status);
    return result;
  }

  #type(apiVersion: string, kind: string, source?: string): ResourceType {
    const type = this.server.registry.byKind(apiVersion, kind);
    if (type) return type;
    const where = source ? `${source}: ` : '';
    throw new Error(`${where}no matches for kind "${kind}" in version "${apiVersion}": it is neither built in nor defined by a registered CustomResourceDefinition`);
  }
}

async function expandGlobs(patterns: readonly string[], directory: string): Promise<string[]> {
  const files: string[] = [];
  for (const pattern of patterns) {
    const matches: string[] = [];
    for await (const match of glob(pattern, { cwd: directory })) matches.push(resolve(directory, match));
    if (matches.length === 0) {
      throw new Error(`no CustomResourceDefinition file matches ${JSON.stringify(pattern)} (resolved against ${isAbsolute(pattern) ? '/' : directory})`);
    }
    files.push(...matches.sort());
  }
  return files;
}

function objectsOf(manifests: Manifests, source: string): JsonObject[] {
  const items = typeof manifests === 'string' || !Array.isArray(manifests) ? [manifests as string | JsonObject] : manifests;
  return items.flatMap((item) => (typeof item === 'string' ? parseManifests(item, source) : [item]));
}

function parseManifests(text: string, source: string): JsonObject[] {
  const objects: JsonObject[] = [];
  for (const document of parseAllDocuments(text)) {
    if (document.errors.length > 0) throw new Error(`${source}: invalid YAML: ${document.errors[0]?.message ?? 'parse error'}`);
    const value: unknown = document.toJS();
    if (value === null || value === undefined) continue;
    if (!isJsonObject(value)) throw new Error(`${source}: every YAML document must be a Kubernetes object`);
    objects.push(value);
  }
  return objects;
}
