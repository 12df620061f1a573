import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import * as k8s from '@kubernetes/client-node';
import { ApiError, SimulatedCluster } from '../../src/sim/index.ts';

const FIXTURES = fileURLToPath(new URL('../fixtures/', import.meta.url));

describe('SimulatedCluster', () => {
  it('applies multi-document YAML and reads it back as plain objects', async () => {
    const cluster = await SimulatedCluster.create({ clientNode: k8s });
    cluster.apply('apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\ndata: {k: v}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: b, namespace: kube-system}\n');
    assert.deepEqual(cluster.get('v1', 'ConfigMap', 'default', 'a')?.['data'], { k: 'v' });
    assert.equal(cluster.get('v1', 'ConfigMap', 'default', 'missing'), undefined);
    assert.deepEqual(cluster.list('v1', 'ConfigMap').map((object) => (object['metadata'] as { name: string }).name), ['a', 'b']);
    assert.deepEqual(cluster.list('v1', 'ConfigMap', 'kube-system').map((object) => (object['metadata'] as { name: string }).name), ['b']);
  });

  it('applies objects and arrays, as field manager fixpoint-user', async () => {
    const cluster = await SimulatedCluster.create({ clientNode: k8s });
    cluster.apply([{ apiVersion: 'v1', kind: 'Secret', metadata: { name: 's' }, data: { a: 'Yg==' } }, 'apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: sa, labels: {team: x}}']);
    for (const kind of ['Secret', 'ServiceAccount']) {
      const object = cluster.list('v1', kind, 'default')[0];
      const managers = (object?.['metadata'] as { managedFields: { manager: string; operation: string }[] }).managedFields;
      assert.deepEqual(managers.map((entry) => [entry.manager, entry.operation]), [['fixpoint-user', 'Apply']], kind);
    }
  });

  it('registers CRDs from globs before anything else is applied', async () => {
    const cluster = await SimulatedCluster.create({ clientNode: k8s, crds: ['*.crd.yaml'], directory: FIXTURES });
    cluster.apply({ apiVersion: 'probe.dev/v1', kind: 'Widget', metadata: { name: 'w' }, spec: { size: 1 } });
    assert.deepEqual(cluster.get('probe.dev/v1', 'Widget', 'default', 'w')?.['spec'], { size: 1 });
  });

  it('rejects a kind that is neither built in nor defined by a CRD, naming it', async () => {
    const cluster = await SimulatedCluster.create({ clientNode: k8s });
    assert.throws(() => cluster.apply('apiVersion: probe.dev/v1\nkind: Widget\nmetadata: {name: w}', 'objects.yaml'), {
      message: 'objects.yaml: no matches for kind "Widget" in version "probe.dev/v1": it is neither built in nor defined by a registered CustomResourceDefinition',
    });
  });

  it('reports invalid YAML with its source', async () => {
    const cluster = await SimulatedCluster.create({ clientNode: k8s });
    assert.throws(() => cluster.apply('kind: [unclosed', 'broken.yaml'), /^Error: broken\.yaml: invalid YAML/);
  });

  it('fails a rejected write with the API server’s Status', async () => {
    const cluster = await SimulatedCluster.create({ clientNode: k8s });
    assert.throws(
      () => cluster.apply({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a', namespace: 'nowhere' } }),
      (error: unknown) => error instanceof ApiError && error.status.code === 404 && error.message === 'namespaces "nowhere" not found',
    );
  });

  it('says which CRD glob matched nothing', async () => {
    await assert.rejects(SimulatedCluster.create({ clientNode: k8s, crds: ['missing/*.yaml'], directory: FIXTURES }), /no CustomResourceDefinition file matches "missing\/\*\.yaml"/);
  });
});
