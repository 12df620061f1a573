import { hash } from 'node:crypto';
import { isIssuedUid, objectEntries, type ObjectEntry, type StoredObject, type StoreSnapshot } from '../../sim/index.ts';

const UID_TEXT = /"([0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-8[0-9a-f]{3}-[0-9a-f]{12})"/g;

/** The issued uids an object's canonical text mentions, computed once per stored version. */
const uidsByVersion = new WeakMap<StoredObject, readonly string[]>();
function uidsIn(stored: StoredObject): readonly string[] {
  let uids = uidsByVersion.get(stored);
  if (!uids) {
    uids = [...new Set([...stored.canonical.matchAll(UID_TEXT)].map((match) => match[1] as string))].filter(isIssuedUid);
    uidsByVersion.set(stored, uids);
  }
  return uids;
}

/** Per stored version: its hash under a given renaming of the uids it mentions. */
const hashesByVersion = new WeakMap<StoredObject, Map<string, string>>();

/**
 * Canonical fingerprint of a store's contents up to a consistent renaming of uids (DESIGN §3): a live
 * uid is named after the object that carries it, a uid that survives only in references after the
 * first place it appears, so deleting and re-creating an object does not by itself make a new state.
 * resourceVersions and timestamps are already out of each version's canonical text.
 */
export function canonicalStoreFingerprint(snapshot: StoreSnapshot): string {
  let fingerprint = fingerprintsByStore.get(snapshot);
  if (fingerprint === undefined) {
    fingerprint = computeFingerprint(snapshot);
    fingerprintsByStore.set(snapshot, fingerprint);
  }
  return fingerprint;
}

/** Snapshots are immutable, so each one's fingerprint is computed once (states, views and history share them). */
const fingerprintsByStore = new WeakMap<StoreSnapshot, string>();

function computeFingerprint(snapshot: StoreSnapshot): string {
  const entries = objectEntries(snapshot);
  const owners = new Map<string, string>();
  for (const entry of entries) {
    const uid = (entry.stored.object['metadata'] as { uid?: unknown } | undefined)?.uid;
    if (typeof uid === 'string') owners.set(uid, `${entry.resource}/${entry.namespace}/${entry.name}`);
  }
  const dead = new Map<string, string>();
  const parts: string[] = [];
  for (const entry of entries) {
    const names = uidsIn(entry.stored).map((uid) => {
      const owner = owners.get(uid);
      if (owner !== undefined) return owner;
      if (!dead.has(uid)) dead.set(uid, `gone#${dead.size}`);
      return dead.get(uid) as string;
    });
    parts.push(versionHash(entry, names));
  }
  return hash('md5', parts.join('\n'), 'hex');
}

function versionHash(entry: ObjectEntry, names: readonly string[]): string {
  const signature = names.join('\n');
  let hashes = hashesByVersion.get(entry.stored);
  if (!hashes) {
    hashes = new Map();
    hashesByVersion.set(entry.stored, hashes);
  }
  let digest = hashes.get(signature);
  if (digest === undefined) {
    let text = entry.stored.canonical;
    uidsIn(entry.stored).forEach((uid, index) => {
      text = text.replaceAll(uid, `uid:${names[index] ?? ''}`);
    });
    digest = hash('md5', `${entry.resource}\n${entry.namespace}\n${entry.name}\n${text}`, 'hex');
    hashes.set(signature, digest);
  }
  return digest;
}
