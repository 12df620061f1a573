import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, it } from 'node:test';
import * as installed from '@kubernetes/client-node';
import * as legacy from 'kubernetes-client-node-1';
import { resolveClientNode, SimulatedCluster } from '../../src/sim/index.ts';

const REPOSITORY = resolve(import.meta.dirname, '../..');

/** A project folder whose node_modules/@kubernetes/client-node is the 1.4.0 copy. */
async function projectWithClientNode1(): Promise<string> {
  const project = await mkdtemp(join(tmpdir(), 'fixpoint-client-'));
  await mkdir(join(project, 'node_modules', '@kubernetes'), { recursive: true });
  await symlink(join(REPOSITORY, 'node_modules', 'kubernetes-client-node-1'), join(project, 'node_modules', '@kubernetes', 'client-node'), 'dir');
  return project;
}

describe('resolving the user’s client-node', () => {
  it('finds the copy a directory imports: this repository’s 2.0.1', async () => {
    const module = await resolveClientNode(REPOSITORY);
    assert.equal(module.KubeConfig, installed.KubeConfig);
  });

  it('finds the copy another project installed, and the cluster binds to it', async () => {
    const project = await projectWithClientNode1();
    try {
      const module = await resolveClientNode(project);
      assert.equal(module.KubeConfig, legacy.KubeConfig);
      const cluster = await SimulatedCluster.create({ directory: project });
      assert.ok(cluster.kubeConfig() instanceof legacy.KubeConfig);
      assert.ok(!(cluster.kubeConfig() instanceof installed.KubeConfig));
    } finally {
      await rm(project, { recursive: true, force: true });
    }
  });

  it('says how to fix a project without client-node', async () => {
    const project = await mkdtemp(join(tmpdir(), 'fixpoint-empty-'));
    try {
      await assert.rejects(resolveClientNode(project), /@kubernetes\/client-node is not installed where .* can import it/);
    } finally {
      await rm(project, { recursive: true, force: true });
    }
  });
});
