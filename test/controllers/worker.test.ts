import assert from 'node:assert/strict';
import { once } from 'node:events';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { Worker } from 'node:worker_threads';
import * as k8s from '@kubernetes/client-node';
import { loadControllers, runReconcile } from '../../src/controllers/index.ts';

const FIXTURES = join(import.meta.dirname, 'fixtures');
const WORKER = new URL('./fixtures/worker.ts', import.meta.url);

/** Starts a worker that runs one reconcile; resolves once it is about to call it, with its final message to come. */
async function startWorker(name: string, module: string, seed = 'a'): Promise<{ worker: Worker; result: Promise<unknown> }> {
  const worker = new Worker(WORKER, { workerData: { name, module, seed } });
  const result = new Promise<unknown>((resolve, reject) => {
    worker.on('message', (message: Record<string, unknown>) => {
      if ('outcome' in message) resolve(message);
    });
    worker.on('error', reject);
  });
  await once(worker, 'message');
  return { worker, result };
}

describe('reconciles in worker threads', () => {
  it('sees the same time and randomness in a worker as in the main thread, for the same seed', async () => {
    const { worker, result } = await startWorker('entropy', 'entropy.ts', 'seed-1');
    const fromWorker = await result;
    await worker.terminate();
    const [entropy] = await loadControllers([{ name: 'entropy', module: 'entropy.ts' }], FIXTURES);
    assert.ok(entropy);
    const logs: unknown[] = [];
    const outcome = await runReconcile(
      entropy,
      { namespace: 'default', name: 'a' },
      { kubeConfig: new k8s.KubeConfig(), log: (message, fields) => logs.push({ message, ...fields }) },
      { seed: 'seed-1', clockMs: Date.UTC(2025, 0, 1), budgetMs: 1000 },
    );
    assert.deepEqual(fromWorker, { outcome, logs });
  });

  it('leaves a worker spinning in a synchronous loop terminable', async () => {
    const { worker } = await startWorker('spinning', 'spinning.ts');
    const exited = once(worker, 'exit');
    // Give the loop time to start: the worker posted its first message right before calling reconcile.
    await new Promise((resolve) => setTimeout(resolve, 50));
    await worker.terminate();
    assert.deepEqual(await exited, [1]);
  });
});
