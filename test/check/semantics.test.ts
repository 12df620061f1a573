import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import { check } from '../../src/check/check.ts';
import type { Report, ScenarioReport } from '../../src/check/report.ts';

const CONFIG = fileURLToPath(new URL('./semantics/fixpoint.yaml', import.meta.url));

let report: Report | undefined;
async function scenario(name: string): Promise<ScenarioReport> {
  report ??= await check({ config: CONFIG });
  const found = report.scenarios.find((candidate) => candidate.name === name);
  assert.ok(found);
  return found;
}

function board(state: ScenarioReport['converged'][number]): Record<string, unknown> {
  const configMap = state.objects.find((object) => object['kind'] === 'ConfigMap');
  assert.ok(configMap);
  return configMap;
}

describe('reconcile semantics in a scenario', () => {
  it('a watch maps a Secret to the ConfigMap its label names, so the count follows a Secret the user adds', async () => {
    const watched = await scenario('watched-secret');
    assert.deepEqual(watched.findings, []);
    assert.deepEqual(watched.converged.map((state) => board(state)['data']), [{ count: '1' }]);
  });

  it('requeueAfterSeconds fires on the simulated clock: the expiry happens a simulated minute after creation', async () => {
    const delayed = await scenario('delayed-requeue');
    assert.deepEqual(delayed.findings, []);
    assert.equal(delayed.converged.length, 1);
    const [state] = delayed.converged;
    assert.deepEqual(board(state!)['data'], { at: '2025-01-01T00:01:00.000Z', expired: 'true' });
    assert.deepEqual(
      state!.trace.steps.filter((step) => step.actor === 'clock').map((step) => step.label),
      ['clock +30s', 'clock +30s'],
    );
  });

  it('memory kept between reconciles is a nondeterministic-reconcile finding', async () => {
    const memory = await scenario('memory');
    assert.deepEqual(memory.findings.map((finding) => [finding.kind, finding.controller]), [['nondeterministic-reconcile', 'forgetful']]);
  });
});
