import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import * as k8s from '@kubernetes/client-node';
import { apiStatus, loadControllers, runReconcile, type ReconcileOutcome } from '../../src/controllers/index.ts';
import { ApiError, SimulatedCluster, type Status } from '../../src/sim/index.ts';
import type { Controller, ReconcileContext } from '../../src/index.ts';

const FIXTURES = join(import.meta.dirname, 'fixtures');
const OPTIONS = { seed: 'a', clockMs: Date.UTC(2025, 0, 1), budgetMs: 200 };

async function controller(name: string, module: string): Promise<Controller> {
  const [loaded] = await loadControllers([{ name, module }], FIXTURES);
  assert.ok(loaded);
  return loaded;
}

function context(kubeConfig: k8s.KubeConfig = new k8s.KubeConfig()): ReconcileContext & { logs: unknown[] } {
  const logs: unknown[] = [];
  return { kubeConfig, logs, log: (message, fields) => logs.push({ message, ...fields }) };
}

async function run(name: string, module: string, kubeConfig?: k8s.KubeConfig): Promise<ReconcileOutcome> {
  return runReconcile(await controller(name, module), { namespace: 'default', name: 'demo' }, context(kubeConfig), OPTIONS);
}

const NOT_FOUND: Status = {
  kind: 'Status',
  apiVersion: 'v1',
  metadata: {},
  status: 'Failure',
  message: 'configmaps "demo-settings" not found',
  reason: 'NotFound',
  details: { name: 'demo-settings', kind: 'configmaps' },
  code: 404,
};

describe('running a reconcile', () => {
  it('creates a ConfigMap through ctx.kubeConfig in a simulated cluster', async () => {
    const cluster = await SimulatedCluster.create({ directory: FIXTURES });
    const writer = await controller('config-map-writer', 'config-map-writer.ts');
    const reconcileContext = context(cluster.kubeConfig());
    const outcome = await runReconcile(writer, { namespace: 'default', name: 'demo' }, reconcileContext, OPTIONS);
    assert.deepEqual(outcome, { outcome: 'done', result: { requeue: false, requeueAfterSeconds: 0 } });
    assert.deepEqual(cluster.get('v1', 'ConfigMap', 'default', 'demo-settings')?.['data'], { mode: 'fast' });
    assert.deepEqual(reconcileContext.logs, [{ message: 'created', name: 'demo-settings' }]);
  });

  it('returns the result with its defaults filled in', async () => {
    const cluster = await SimulatedCluster.create({ directory: FIXTURES });
    cluster.apply({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'demo-settings' } });
    assert.deepEqual(await run('config-map-reader', 'config-map-writer.ts', cluster.kubeConfig()), { outcome: 'done', result: { requeue: false, requeueAfterSeconds: 30 } });
    assert.deepEqual(await run('requeue', 'waiting.ts'), { outcome: 'done', result: { requeue: true, requeueAfterSeconds: 0 } });
  });

  it('classifies an ApiException from client-node as an api-error with its Status', async () => {
    const cluster = await SimulatedCluster.create({ directory: FIXTURES });
    assert.deepEqual(await run('config-map-reader', 'config-map-writer.ts', cluster.kubeConfig()), { outcome: 'api-error', status: NOT_FOUND });
  });

  it('classifies a TypeError as an error, its stack mapped to the line of the user’s .ts file', async () => {
    const source = await readFile(join(FIXTURES, 'failing.ts'), 'utf8');
    const line = source.split('\n').findIndex((text) => text.includes('// throws')) + 1;
    const outcome = await run('failing', 'failing.ts');
    assert.equal(outcome.outcome, 'error');
    assert.equal(outcome.message, "TypeError: Cannot read properties of undefined (reading 'interval')");
    const frames = outcome.stack.split('\n');
    assert.equal(frames[0], outcome.message);
    assert.match(frames[1] ?? '', new RegExp(`^ {4}at interval \\(${join(FIXTURES, 'failing.ts').replaceAll('.', '\\.')}:${line}:\\d+\\)$`));
    assert.match(frames[2] ?? '', /^ {4}at Object\.reconcile \(.*\/failing\.ts:\d+:\d+\)$/);
    assert.equal(frames.length, 3, 'the frames below the reconcile (runner, test, Node) are cut');
  });

  it('classifies other thrown values, a throwing timer and a bad result as errors', async () => {
    assert.deepEqual(await run('throwing-string', 'waiting.ts'), { outcome: 'error', message: 'plain string', stack: '' });
    const synchronous = await run('synchronous-throw', 'waiting.ts');
    assert.equal(synchronous.outcome === 'error' && synchronous.message, 'Error: at once');
    const timer = await run('throwing-timer', 'waiting.ts');
    assert.equal(timer.outcome === 'error' && timer.message, 'RangeError: timer failed');
    assert.match(timer.outcome === 'error' ? timer.stack : '', /waiting\.ts:\d+:\d+/);
    assert.deepEqual(await run('bad-result', 'waiting.ts'), {
      outcome: 'error',
      message: 'reconcile returned { requeueAfterSeconds: -1 }; expected nothing or { requeue?: boolean, requeueAfterSeconds?: number } with a finite, non-negative number of seconds',
      stack: '',
    });
  });

  it('times out a reconcile still pending with no timer left once its real-time budget is spent', async () => {
    const started = performance.now();
    assert.deepEqual(await run('forever', 'waiting.ts'), { outcome: 'timeout' });
    assert.ok(performance.now() - started >= OPTIONS.budgetMs - 5);
  });

  it('times out a reconcile whose timers never run out, after its real-time budget', async () => {
    assert.deepEqual(await run('polling', 'waiting.ts'), { outcome: 'timeout' });
  });

  it('runs the next reconcile without the timers an earlier one left behind', async () => {
    await run('polling', 'waiting.ts');
    const cluster = await SimulatedCluster.create({ directory: FIXTURES });
    assert.equal((await run('config-map-writer', 'config-map-writer.ts', cluster.kubeConfig())).outcome, 'done');
  });
});

describe('recognising API errors', () => {
  it('reads the Status from an ApiException body, as JSON text or as an object', () => {
    assert.deepEqual(apiStatus(new k8s.ApiException(404, 'Unknown API Status Code!', JSON.stringify(NOT_FOUND), {})), NOT_FOUND);
    assert.deepEqual(apiStatus({ code: 404, body: NOT_FOUND }), NOT_FOUND);
  });

  it('reads the Status the simulator’s ApiError carries, and one wrapped as a cause', () => {
    assert.deepEqual(apiStatus(new ApiError(NOT_FOUND)), NOT_FOUND);
    assert.deepEqual(apiStatus(new Error('could not read settings', { cause: new k8s.ApiException(404, 'x', JSON.stringify(NOT_FOUND), {}) })), NOT_FOUND);
  });

  it('finds none in an error whose body is not a Status', () => {
    assert.equal(apiStatus(new k8s.ApiException(401, 'Unauthorized', undefined, {})), undefined);
    assert.equal(apiStatus({ code: 500, body: 'upstream connect error' }), undefined);
    assert.equal(apiStatus(new TypeError('x')), undefined);
  });
});
