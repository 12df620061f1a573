import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { canonicalStoreFingerprint } from '../../../src/model/cluster/canonical.ts';
import { ApiServer, type JsonObject } from '../../../src/sim/index.ts';

const CONFIGMAPS = '/api/v1/namespaces/default/configmaps';

function send(server: ApiServer, method: string, path: string, body?: unknown): JsonObject {
  const response = server.handle({ method, path, query: new URLSearchParams(), headers: { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
  return JSON.parse(response.body) as JsonObject;
}

function create(server: ApiServer, name: string, metadata: JsonObject = {}, data: Record<string, string> = {}): string {
  return String(((send(server, 'POST', CONFIGMAPS, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, ...metadata }, data })['metadata']) as { uid: string }).uid);
}

describe('canonical store fingerprint', () => {
  it('does not depend on the order objects were created in (uids renamed after their objects)', () => {
    const first = new ApiServer();
    create(first, 'a');
    create(first, 'b');
    const second = new ApiServer();
    create(second, 'b');
    create(second, 'a');
    assert.notEqual(first.store.fingerprint(), second.store.fingerprint());
    assert.equal(canonicalStoreFingerprint(first.snapshot()), canonicalStoreFingerprint(second.snapshot()));
  });

  it('makes deleting and re-creating an object no new state', () => {
    const server = new ApiServer();
    create(server, 'a');
    const before = canonicalStoreFingerprint(server.snapshot());
    send(server, 'DELETE', `${CONFIGMAPS}/a`);
    create(server, 'a');
    assert.equal(canonicalStoreFingerprint(server.snapshot()), before);
  });

  it('follows references: an ownerReference to the owner is the same whatever the owner’s uid', () => {
    const states = [false, true].map((usedUidsBefore) => {
      const server = new ApiServer();
      if (usedUidsBefore) {
        create(server, 'scratch');
        send(server, 'DELETE', `${CONFIGMAPS}/scratch`);
      }
      const owner = create(server, 'owner');
      create(server, 'child', { ownerReferences: [{ apiVersion: 'v1', kind: 'ConfigMap', name: 'owner', uid: owner }] });
      return canonicalStoreFingerprint(server.snapshot());
    });
    assert.equal(states[0], states[1]);
  });

  it('keeps a reference to a gone owner distinct from one to a live owner', () => {
    const live = new ApiServer();
    const owner = create(live, 'owner');
    create(live, 'child', { ownerReferences: [{ apiVersion: 'v1', kind: 'ConfigMap', name: 'owner', uid: owner }] });
    const gone = new ApiServer();
    const old = create(gone, 'owner');
    send(gone, 'DELETE', `${CONFIGMAPS}/owner`);
    create(gone, 'owner');
    create(gone, 'child', { ownerReferences: [{ apiVersion: 'v1', kind: 'ConfigMap', name: 'owner', uid: old }] });
    assert.notEqual(canonicalStoreFingerprint(live.snapshot()), canonicalStoreFingerprint(gone.snapshot()));
  });

  it('still tells different contents apart', () => {
    const first = new ApiServer();
    create(first, 'a', {}, { k: '1' });
    const second = new ApiServer();
    create(second, 'a', {}, { k: '2' });
    assert.notEqual(canonicalStoreFingerprint(first.snapshot()), canonicalStoreFingerprint(second.snapshot()));
  });
});
