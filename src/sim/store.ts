import { hash } from 'node:crypto';
import { Map as PersistentMap } from 'immutable';
import { isJsonObject, type JsonObject, type JsonValue } from './json.ts';

/** One stored version of an object: immutable, with its served JSON and its canonical hash cached. */
export interface StoredObject {
  readonly object: Readonly<JsonObject>;
  /** the object as served, so a read costs no serialisation */
  readonly json: string;
  /** the object without what is history rather than state (resourceVersion, timestamps' values), serialised */
  readonly canonical: string;
  /** 128-bit hash of (resource, namespace, name, canonical content) as two 64-bit lanes */
  readonly lanes: readonly [bigint, bigint];
}

/** One stored change, as a watch would report it: the object before and after (undefined: absent). */
export interface StoreChange {
  readonly resource: string;
  readonly namespace: string;
  readonly name: string;
  readonly before: StoredObject | undefined;
  readonly after: StoredObject | undefined;
}

/** A resource's objects, keyed `namespace/name` (cluster-scoped: `/name`). */
type ObjectsOfResource = PersistentMap<string, StoredObject>;

/**
 * The whole store at one moment. Persistent: taking one is O(1), and two snapshots share every
 * object neither changed.
 */
export interface StoreSnapshot {
  readonly resources: PersistentMap<string, ObjectsOfResource>;
  /** etcd's revision: the last resourceVersion handed out */
  readonly revision: number;
  /** how many uids have been handed out, so uids are deterministic */
  readonly uidsIssued: number;
  readonly lanes: readonly [bigint, bigint];
}

const NOTHING: readonly StoredObject[] = Object.freeze([]);
const EMPTY: StoreSnapshot = { resources: PersistentMap(), revision: 0, uidsIssued: 0, lanes: [0n, 0n] };

/**
 * The API server's storage: objects per resource (`group/plural`), a revision counter, and a
 * fingerprint that is the sum of per-object hashes, so a write updates it in O(1).
 */
export class Store {
  #current: StoreSnapshot = EMPTY;
  readonly #sortedCache = new WeakMap<ObjectsOfResource, StoredObject[]>();
  #observer: ((change: StoreChange) => void) | undefined;

  /** Reports every write and removal to `observer` (one at a time; undefined stops reporting); returns the previous one. */
  observe(observer: ((change: StoreChange) => void) | undefined): ((change: StoreChange) => void) | undefined {
    const previous = this.#observer;
    this.#observer = observer;
    return previous;
  }

  snapshot(): StoreSnapshot {
    return this.#current;
  }

  restore(snapshot: StoreSnapshot): void {
    this.#current = snapshot;
  }

  get revision(): number {
    return this.#current.revision;
  }

  get(resource: string, namespace: string, name: string): StoredObject | undefined {
    return this.#current.resources.get(resource)?.get(objectKey(namespace, name));
  }

  /** Objects of a resource in etcd key order (namespace, then name); all namespaces when `namespace` is undefined. */
  list(resource: string, namespace?: string): readonly StoredObject[] {
    const objects = this.#current.resources.get(resource);
    if (!objects) return NOTHING;
    let sorted = this.#sortedCache.get(objects);
    if (!sorted) {
      sorted = [...objects.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, stored]) => stored);
      this.#sortedCache.set(objects, sorted);
    }
    if (namespace === undefined) return sorted;
    return sorted.filter((stored) => namespaceOf(stored.object) === namespace);
  }

  /** Stores `object` under the next revision, which becomes its `metadata.resourceVersion`. */
  write(resource: string, namespace: string, name: string, object: JsonObject): StoredObject {
    const revision = this.#current.revision + 1;
    const metadata = object['metadata'];
    if (!isJsonObject(metadata)) throw new Error('stored objects have metadata');
    metadata['resourceVersion'] = String(revision);
    const stored = storedObject(resource, namespace, name, deepFreeze(object));
    const key = objectKey(namespace, name);
    const previous = this.get(resource, namespace, name);
    const objects = this.#current.resources.get(resource) ?? PersistentMap<string, StoredObject>();
    this.#current = {
      ...this.#current,
      resources: this.#current.resources.set(resource, objects.set(key, stored)),
      revision,
      lanes: addLanes(subtractLanes(this.#current.lanes, previous?.lanes), stored.lanes),
    };
    this.#observer?.({ resource, namespace, name, before: previous, after: stored });
    return stored;
  }

  /** Removes an object; a deletion consumes a revision, as in etcd. */
  remove(resource: string, namespace: string, name: string): void {
    const previous = this.get(resource, namespace, name);
    const objects = this.#current.resources.get(resource);
    if (!previous || !objects) return;
    const remaining = objects.delete(objectKey(namespace, name));
    this.#current = {
      ...this.#current,
      resources: remaining.size === 0 ? this.#current.resources.delete(resource) : this.#current.resources.set(resource, remaining),
      revision: this.#current.revision + 1,
      lanes: subtractLanes(this.#current.lanes, previous.lanes),
    };
    this.#observer?.({ resource, namespace, name, before: previous, after: undefined });
  }

  /** Hands out the next deterministic uid. */
  nextUid(): string {
    const uidsIssued = this.#current.uidsIssued + 1;
    this.#current = { ...this.#current, uidsIssued };
    const uid = uidFromNumber(uidsIssued);
    ISSUED_UIDS.add(uid);
    return uid;
  }

  /**
   * Canonical fingerprint of the stored objects (32 hex digits). Ignores what differs between
   * equivalent histories: resourceVersions, timestamps, and the order writes happened in.
   */
  fingerprint(): string {
    const [high, low] = this.#current.lanes;
    return high.toString(16).padStart(16, '0') + low.toString(16).padStart(16, '0');
  }
}

function objectKey(namespace: string, name: string): string {
  return `${namespace}/${name}`;
}

function namespaceOf(object: Readonly<JsonObject>): string {
  const metadata = object['metadata'];
  return isJsonObject(metadata) && typeof metadata['namespace'] === 'string' ? metadata['namespace'] : '';
}

function storedObject(resource: string, namespace: string, name: string, object: Readonly<JsonObject>): StoredObject {
  const metadata = object['metadata'];
  const canonical = JSON.stringify(isJsonObject(metadata) ? { ...object, metadata: canonicalMetadata(metadata) } : object);
  const digest = hash('md5', `${resource}\n${namespace}\n${name}\n${canonical}`, 'buffer');
  return { object, json: JSON.stringify(object), canonical, lanes: [digest.readBigUInt64LE(0), digest.readBigUInt64LE(8)] };
}

/** Fields whose values are history, not state: left out of the canonical form (presence kept). */
const VOLATILE_METADATA = new Set(['resourceVersion', 'creationTimestamp']);

function canonicalMetadata(metadata: JsonObject): JsonObject {
  const canonical: JsonObject = {};
  for (const [key, value] of Object.entries(metadata)) {
    if (VOLATILE_METADATA.has(key)) continue;
    if (key === 'deletionTimestamp') canonical[key] = true;
    else if (key === 'managedFields' && Array.isArray(value)) canonical[key] = value.map(withoutTime);
    else canonical[key] = value;
  }
  return canonical;
}

function withoutTime(entry: JsonValue): JsonValue {
  if (!isJsonObject(entry)) return entry;
  const { time: _time, ...rest } = entry;
  return rest;
}

const MASK_64 = (1n << 64n) - 1n;
function addLanes(a: readonly [bigint, bigint], b: readonly [bigint, bigint]): [bigint, bigint] {
  return [(a[0] + b[0]) & MASK_64, (a[1] + b[1]) & MASK_64];
}
function subtractLanes(a: readonly [bigint, bigint], b: readonly [bigint, bigint] | undefined): readonly [bigint, bigint] {
  return b ? [(a[0] - b[0]) & MASK_64, (a[1] - b[1]) & MASK_64] : a;
}

/** Every uid any store in this process handed out: what "a string equal to a uid" means when states are canonicalised. */
const ISSUED_UIDS = new Set<string>();

/** Whether `text` is a uid some store handed out. */
export function isIssuedUid(text: string): boolean {
  return ISSUED_UIDS.has(text);
}

function uidFromNumber(value: number): string {
  const hex = hash('md5', `uid:${value}`, 'hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}

/** One stored object with where it lives. */
export interface ObjectEntry {
  readonly resource: string;
  readonly namespace: string;
  readonly name: string;
  readonly stored: StoredObject;
}

/** Every object of a snapshot, in storage-key order. */
export function objectEntries(snapshot: StoreSnapshot): ObjectEntry[] {
  const entries: ObjectEntry[] = [];
  for (const resource of [...snapshot.resources.keys()].sort()) {
    const objects = snapshot.resources.get(resource);
    if (!objects) continue;
    for (const key of [...objects.keys()].sort()) {
      const stored = objects.get(key);
      if (!stored) continue;
      const slash = key.indexOf('/');
      entries.push({ resource, namespace: key.slice(0, slash), name: key.slice(slash + 1), stored });
    }
  }
  return entries;
}
