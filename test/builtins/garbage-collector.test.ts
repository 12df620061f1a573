import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { garbageCollectorActions, performGarbageCollectorAction } from '../../src/builtins/garbage-collector.ts';
import { ApiServer, objectEntries, type JsonObject } from '../../src/sim/index.ts';

const CONFIGMAPS = '/api/v1/namespaces/default/configmaps';

function send(server: ApiServer, method: string, path: string, body?: unknown): JsonObject {
  const response = server.handle({ method, path, query: new URLSearchParams(), headers: { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
  return JSON.parse(response.body) as JsonObject;
}

function create(server: ApiServer, name: string, extra: JsonObject = {}): { uid: string } {
  const created = send(server, 'POST', CONFIGMAPS, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, ...extra } });
  return { uid: String((created['metadata'] as { uid: string }).uid) };
}

function ownedBy(name: string, uid: string, blockOwnerDeletion = false): JsonObject {
  return { ownerReferences: [{ apiVersion: 'v1', kind: 'ConfigMap', name, uid, controller: true, blockOwnerDeletion }] };
}

function actions(server: ApiServer): string[] {
  return garbageCollectorActions(objectEntries(server.snapshot())).map((action) => action.description);
}

/** Runs the collector until it has nothing left to do (each action one step, in order). */
function collect(server: ApiServer): void {
  for (let round = 0; round < 20; round += 1) {
    const [next] = garbageCollectorActions(objectEntries(server.snapshot()));
    if (!next) return;
    performGarbageCollectorAction(server, next);
  }
  assert.fail('the collector did not settle');
}

function names(server: ApiServer): string[] {
  return objectEntries(server.snapshot()).filter((entry) => entry.resource === '/configmaps').map((entry) => entry.name);
}

describe('garbage collector', () => {
  it('has nothing to do while owners exist', () => {
    const server = new ApiServer();
    const owner = create(server, 'owner');
    create(server, 'child', ownedBy('owner', owner.uid));
    assert.deepEqual(actions(server), []);
  });

  it('deletes a dependent once its owner is gone, as a separate step', () => {
    const server = new ApiServer();
    const owner = create(server, 'owner');
    create(server, 'child', ownedBy('owner', owner.uid));
    send(server, 'DELETE', `${CONFIGMAPS}/owner`);
    assert.deepEqual(actions(server), ['delete ConfigMap default/child (owners gone)']);
    collect(server);
    assert.deepEqual(names(server), []);
  });

  it('treats an owner re-created under the same name as gone', () => {
    const server = new ApiServer();
    const owner = create(server, 'owner');
    create(server, 'child', ownedBy('owner', owner.uid));
    send(server, 'DELETE', `${CONFIGMAPS}/owner`);
    create(server, 'owner');
    collect(server);
    assert.deepEqual(names(server), ['owner']);
  });

  it('drops the reference to a gone owner while another owner remains', () => {
    const server = new ApiServer();
    const first = create(server, 'first');
    const second = create(server, 'second');
    create(server, 'child', { ownerReferences: [{ apiVersion: 'v1', kind: 'ConfigMap', name: 'first', uid: first.uid }, { apiVersion: 'v1', kind: 'ConfigMap', name: 'second', uid: second.uid }] });
    send(server, 'DELETE', `${CONFIGMAPS}/first`);
    collect(server);
    const child = send(server, 'GET', `${CONFIGMAPS}/child`);
    assert.deepEqual((child['metadata'] as { ownerReferences: { name: string }[] }).ownerReferences.map((reference) => reference.name), ['second']);
  });

  it('honours foreground deletion: the owner stays until its blocking dependents are gone', () => {
    const server = new ApiServer();
    const owner = create(server, 'owner');
    create(server, 'child', ownedBy('owner', owner.uid, true));
    send(server, 'DELETE', `${CONFIGMAPS}/owner`, { propagationPolicy: 'Foreground' });
    assert.deepEqual(actions(server), ['delete ConfigMap default/child (owner deleted in the foreground)']);
    collect(server);
    assert.deepEqual(names(server), []);
  });

  it('honours Orphan: dependents lose the reference and stay, then the owner goes', () => {
    const server = new ApiServer();
    const owner = create(server, 'owner');
    create(server, 'child', ownedBy('owner', owner.uid));
    send(server, 'DELETE', `${CONFIGMAPS}/owner`, { propagationPolicy: 'Orphan' });
    collect(server);
    assert.deepEqual(names(server), ['child']);
    const child = send(server, 'GET', `${CONFIGMAPS}/child`);
    assert.equal((child['metadata'] as { ownerReferences?: unknown }).ownerReferences, undefined);
  });
});
