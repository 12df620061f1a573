import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ApiServer } from '../../src/sim/index.ts';

const CONFIGMAPS = '/api/v1/namespaces/default/configmaps';
const JSON_HEADERS = { 'content-type': 'application/json' };

function request(server: ApiServer, method: string, path: string, body?: unknown, query = '') {
  const response = server.handle({ method, path, query: new URLSearchParams(query), headers: JSON_HEADERS, body: body === undefined ? undefined : JSON.stringify(body) });
  return { status: response.status, object: JSON.parse(response.body) as { metadata: Record<string, unknown>; data?: Record<string, string> } };
}

function configMap(name: string, data: Record<string, string> = {}) {
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name }, data };
}

function clockAt(iso: string): () => Date {
  return () => new Date(iso);
}

describe('store snapshots and fingerprints', () => {
  it('restoring a snapshot brings back the contents and the fingerprint it had', () => {
    const server = new ApiServer();
    request(server, 'POST', CONFIGMAPS, configMap('a', { k: '1' }));
    const snapshot = server.snapshot();
    const fingerprint = server.store.fingerprint();
    request(server, 'PUT', `${CONFIGMAPS}/a`, configMap('a', { k: '2' }));
    request(server, 'POST', CONFIGMAPS, configMap('b'));
    assert.notEqual(server.store.fingerprint(), fingerprint);
    server.restore(snapshot);
    assert.equal(server.store.fingerprint(), fingerprint);
    assert.deepEqual(request(server, 'GET', `${CONFIGMAPS}/a`).object.data, { k: '1' });
    assert.equal(request(server, 'GET', `${CONFIGMAPS}/b`).status, 404);
  });

  it('two branches from one snapshot do not see each other', () => {
    const server = new ApiServer();
    request(server, 'POST', CONFIGMAPS, configMap('a', { k: '1' }));
    const base = server.snapshot();
    request(server, 'PUT', `${CONFIGMAPS}/a`, configMap('a', { k: 'left' }));
    const left = server.snapshot();
    server.restore(base);
    request(server, 'PUT', `${CONFIGMAPS}/a`, configMap('a', { k: 'right' }));
    assert.deepEqual(request(server, 'GET', `${CONFIGMAPS}/a`).object.data, { k: 'right' });
    server.restore(left);
    assert.deepEqual(request(server, 'GET', `${CONFIGMAPS}/a`).object.data, { k: 'left' });
  });

  it('ignores resourceVersions: the same contents reached by different write orders have one fingerprint', () => {
    const first = new ApiServer();
    const second = new ApiServer();
    for (const server of [first, second]) {
      request(server, 'POST', CONFIGMAPS, configMap('a'));
      request(server, 'POST', CONFIGMAPS, configMap('b'));
    }
    request(first, 'PUT', `${CONFIGMAPS}/a`, configMap('a', { k: '1' }));
    request(first, 'PUT', `${CONFIGMAPS}/b`, configMap('b', { k: '2' }));
    request(second, 'PUT', `${CONFIGMAPS}/b`, configMap('b', { k: '2' }));
    request(second, 'PUT', `${CONFIGMAPS}/a`, configMap('a', { k: '1' }));
    assert.notEqual(request(first, 'GET', `${CONFIGMAPS}/a`).object.metadata['resourceVersion'], request(second, 'GET', `${CONFIGMAPS}/a`).object.metadata['resourceVersion']);
    assert.equal(first.store.fingerprint(), second.store.fingerprint());
  });

  it('ignores timestamps: creation and deletion times do not change the fingerprint, deletion itself does', () => {
    const early = new ApiServer({ now: clockAt('2025-01-01T00:00:00Z') });
    const late = new ApiServer({ now: clockAt('2031-06-01T12:00:00Z') });
    for (const server of [early, late]) request(server, 'POST', CONFIGMAPS, { ...configMap('a'), metadata: { name: 'a', finalizers: ['example.com/hold'] } });
    assert.equal(early.store.fingerprint(), late.store.fingerprint());
    const beforeDelete = early.store.fingerprint();
    for (const server of [early, late]) request(server, 'DELETE', `${CONFIGMAPS}/a`);
    assert.equal(early.store.fingerprint(), late.store.fingerprint());
    assert.notEqual(early.store.fingerprint(), beforeDelete);
  });

  it('keeps what a controller can act on: a label change changes the fingerprint, undoing it restores it', () => {
    const server = new ApiServer();
    request(server, 'POST', CONFIGMAPS, configMap('a'));
    const plain = server.store.fingerprint();
    request(server, 'PUT', `${CONFIGMAPS}/a`, { ...configMap('a'), metadata: { name: 'a', labels: { x: 'y' } } });
    assert.notEqual(server.store.fingerprint(), plain);
    request(server, 'PUT', `${CONFIGMAPS}/a`, configMap('a'));
    assert.equal(server.store.fingerprint(), plain);
  });

  it('a deleted object leaves the fingerprint as if it had never been created', () => {
    const server = new ApiServer();
    const empty = server.store.fingerprint();
    const uidsBefore = server.snapshot().uidsIssued;
    request(server, 'POST', CONFIGMAPS, configMap('a'));
    request(server, 'DELETE', `${CONFIGMAPS}/a`);
    assert.equal(server.store.fingerprint(), empty);
    assert.equal(server.snapshot().uidsIssued, uidsBefore + 1);
  });

  it('a dry run changes nothing', () => {
    const server = new ApiServer();
    const before = server.snapshot();
    const created = request(server, 'POST', CONFIGMAPS, configMap('a'), 'dryRun=All');
    assert.equal(created.status, 201);
    assert.equal(server.snapshot(), before);
    assert.equal(request(server, 'GET', `${CONFIGMAPS}/a`).status, 404);
  });

  it('hands out the same uids and names on every run', () => {
    const uidsOf = () => {
      const server = new ApiServer();
      return [request(server, 'POST', CONFIGMAPS, configMap('a')).object.metadata['uid'], request(server, 'POST', CONFIGMAPS, { ...configMap(''), metadata: { generateName: 'x-' } }).object.metadata['name']];
    };
    assert.deepEqual(uidsOf(), uidsOf());
  });
});

describe('store observation', () => {
  it('reports each write and removal with the object before and after, and nothing for a no-op write or a dry run', () => {
    const server = new ApiServer();
    const changes: string[] = [];
    server.store.observe((change) => changes.push(`${change.resource} ${change.namespace}/${change.name} ${change.before ? 'was' : 'new'} ${change.after ? 'is' : 'gone'}`));
    const created = request(server, 'POST', CONFIGMAPS, configMap('a', { k: '1' }));
    request(server, 'PUT', `${CONFIGMAPS}/a`, created.object);
    request(server, 'PUT', `${CONFIGMAPS}/a`, configMap('a', { k: '2' }));
    request(server, 'POST', CONFIGMAPS, configMap('dry'), 'dryRun=All');
    request(server, 'DELETE', `${CONFIGMAPS}/a`);
    assert.deepEqual(changes, ['/configmaps default/a new is', '/configmaps default/a was is', '/configmaps default/a was gone']);
  });
});
