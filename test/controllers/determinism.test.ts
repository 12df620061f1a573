import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import * as k8s from '@kubernetes/client-node';
import { loadControllers, runReconcile, type RunOptions } from '../../src/controllers/index.ts';
import type { Controller } from '../../src/index.ts';

const FIXTURES = join(import.meta.dirname, 'fixtures');
const EPOCH = Date.UTC(2025, 0, 1);

/** Runs `controller` once and returns what it logged. */
async function observe(controller: Controller, options: RunOptions): Promise<Record<string, unknown>[]> {
  const logs: Record<string, unknown>[] = [];
  const outcome = await runReconcile(controller, { namespace: 'default', name: 'a' }, { kubeConfig: new k8s.KubeConfig(), log: (message, fields) => logs.push({ message, ...fields }) }, options);
  assert.equal(outcome.outcome, 'done', JSON.stringify(outcome));
  return logs;
}

async function controller(name: string, module: string): Promise<Controller> {
  const [loaded] = await loadControllers([{ name, module }], FIXTURES);
  assert.ok(loaded);
  return loaded;
}

describe('deterministic reconciles', () => {
  it('runs Date and timers on the simulated clock: two simulated seconds of sleeping cost no real time', async () => {
    const entropy = await controller('entropy', 'entropy.ts');
    const started = performance.now();
    const [observed] = await observe(entropy, { seed: 'a', clockMs: EPOCH, budgetMs: 1000 });
    assert.ok(performance.now() - started < 500, 'timers must not wait in real time');
    assert.deepEqual(
      {
        startedAt: observed?.['startedAt'],
        now: observed?.['now'],
        elapsed: observed?.['elapsed'],
        performance: observed?.['performance'],
        isDate: observed?.['isDate'],
        parsed: observed?.['parsed'],
        order: observed?.['order'],
        ticks: observed?.['ticks'],
      },
      {
        startedAt: '2025-01-01T00:00:00.000Z',
        now: '2025-01-01T00:00:02.050Z',
        elapsed: 2050,
        performance: 2050,
        isDate: true,
        parsed: Date.UTC(2020, 1, 2),
        order: ['immediate', 'timeout 10', 'timeout 20'],
        ticks: 3,
      },
    );
  });

  it('gives the same seed the same randomness, and another seed other randomness', async () => {
    const entropy = await controller('entropy', 'entropy.ts');
    const options = { clockMs: EPOCH, budgetMs: 1000 };
    const first = await observe(entropy, { ...options, seed: 'state-1/step-3' });
    const again = await observe(entropy, { ...options, seed: 'state-1/step-3' });
    const other = await observe(entropy, { ...options, seed: 'state-2/step-3' });
    assert.deepEqual(again, first);
    for (const key of ['random', 'uuid', 'bytes', 'nodeUuid', 'nodeBytes', 'nodeInteger']) {
      assert.notDeepEqual(other[0]?.[key], first[0]?.[key], key);
    }
    assert.deepEqual({ ...other[0], random: 0, uuid: 0, bytes: 0, nodeUuid: 0, nodeBytes: 0, nodeInteger: 0 }, { ...first[0], random: 0, uuid: 0, bytes: 0, nodeUuid: 0, nodeBytes: 0, nodeInteger: 0 });
    const values = first[0] ?? {};
    assert.match(String(values['uuid']), /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    assert.match(String(values['nodeUuid']), /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    const integer = Number(values['nodeInteger']);
    assert.ok(integer >= 1000 && integer < 2000);
  });

  it('starts the clock where the caller says', async () => {
    const entropy = await controller('entropy', 'entropy.ts');
    const [observed] = await observe(entropy, { seed: 'a', clockMs: Date.UTC(2030, 5, 1, 12), budgetMs: 1000 });
    assert.equal(observed?.['startedAt'], '2030-06-01T12:00:00.000Z');
  });

  it('fires a timer scheduled after real I/O, without waiting for it in real time', async () => {
    const reading = await controller('reading', 'waiting.ts');
    const started = performance.now();
    const logs = await observe(reading, { seed: 'a', clockMs: EPOCH, budgetMs: 5000 });
    assert.ok(performance.now() - started < 2000);
    assert.deepEqual(logs, [{ message: 'read', nonEmpty: true, now: '2025-01-01T00:01:00.000Z' }]);
  });

  it('leaves time, randomness and timers real outside a reconcile', async () => {
    const entropy = await controller('entropy', 'entropy.ts');
    await observe(entropy, { seed: 'a', clockMs: EPOCH, budgetMs: 1000 });
    assert.ok(Math.abs(Date.now() - new Date().getTime()) < 1000 && Date.now() > Date.UTC(2025, 6, 1));
    assert.notEqual(Math.random(), Math.random());
    assert.notEqual(crypto.randomUUID(), crypto.randomUUID());
    const fired = await new Promise<boolean>((resolve) => setTimeout(() => resolve(true), 1));
    assert.equal(fired, true);
  });
});
