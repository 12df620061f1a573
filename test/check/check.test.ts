import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import { check, LoadError } from '../../src/check/check.ts';
import type { ScenarioReport } from '../../src/check/report.ts';

const BAD = fileURLToPath(new URL('./bad-controllers/', import.meta.url));
const FAST = { reconcileBudgetMs: 300, stallSeconds: 2 };

function summary(scenario: ScenarioReport) {
  return {
    status: scenario.status,
    converged: scenario.converged.length,
    findings: scenario.findings.map((finding) => `${finding.kind}${finding.controller ? ` (${finding.controller})` : ''}`),
  };
}

describe('fixpoint check on controllers that misbehave', () => {
  it('reports a TypeError as a controller-error whose stack points at the user’s source line', async () => {
    const report = await check({ config: `${BAD}fixpoint.yaml`, scenarios: ['type-error'], ...FAST });
    const [scenario] = report.scenarios;
    assert.ok(scenario);
    // The error re-enqueues the request, as controller-runtime does, so it also never converges.
    assert.deepEqual(summary(scenario), { status: 'complete', converged: 0, findings: ['controller-error (careless)', 'non-convergence'] });
    assert.match(scenario.findings[0]!.message, /^TypeError: Cannot read properties of undefined \(reading 'mode'\)\n\s+at .*bad-controllers\/src\/controllers\.ts:15:\d+/);
    assert.equal(scenario.findings[0]!.trace.steps.length, 1);
  });

  it('reports a reconcile that awaits forever as reconcile-timeout', async () => {
    const report = await check({ config: `${BAD}fixpoint.yaml`, scenarios: ['awaits-forever'], ...FAST });
    assert.deepEqual(summary(report.scenarios[0]!), { status: 'complete', converged: 0, findings: ['reconcile-timeout (waiting)'] });
  });

  it('ends the thread of a reconcile that never returns and reports it with its trace', async () => {
    const report = await check({ config: `${BAD}fixpoint.yaml`, scenarios: ['spins-forever'], ...FAST });
    const [scenario] = report.scenarios;
    assert.ok(scenario);
    assert.deepEqual(summary(scenario), { status: 'complete', converged: 0, findings: ['reconcile-timeout (spinning)'] });
    assert.match(scenario.findings[0]!.message, /never returned/);
    assert.deepEqual(scenario.findings[0]!.trace.steps.map((step) => step.label), ['reconcile spinning default/c1']);
  });

  it('labels a state space past maxStates as bounded, with a bound-reached finding, never a pass', async () => {
    const report = await check({ config: `${BAD}fixpoint.yaml`, scenarios: ['explodes'], ...FAST });
    const [scenario] = report.scenarios;
    assert.ok(scenario);
    assert.equal(scenario.status, 'bounded');
    assert.equal(scenario.stats.states, 50);
    assert.deepEqual(scenario.findings.map((finding) => [finding.kind, finding.subject]), [['bound-reached', 'maxStates']]);
  });

  it('takes bounds given for every scenario over the config\'s (the Action\'s max-states)', async () => {
    const report = await check({ config: `${BAD}fixpoint.yaml`, scenarios: ['explodes'], ...FAST, bounds: { maxStates: 20 } });
    const [scenario] = report.scenarios;
    assert.deepEqual([scenario?.status, scenario?.stats.states], ['bounded', 20]);
  });

  it('is a load error (exit 2) when an initial object has a kind nobody serves', async () => {
    await assert.rejects(check({ config: `${BAD}unknown-kind.yaml`, ...FAST }), (error: unknown) => {
      assert.ok(error instanceof LoadError);
      assert.match(error.message, /no kind "Nonexistent" in version "demo\.fixpoint\.dev\/v1"/);
      return true;
    });
  });

  it('is a load error (exit 2) when the module exports no controller of the configured name', async () => {
    await assert.rejects(check({ config: `${BAD}name-mismatch.yaml`, ...FAST }), (error: unknown) => {
      assert.ok(error instanceof LoadError);
      assert.match(error.message, /carefull/);
      return true;
    });
  });

  it('is a load error naming the scenarios when one asked for does not exist', async () => {
    await assert.rejects(check({ config: `${BAD}fixpoint.yaml`, scenarios: ['nope'] }), /no scenario named "nope"; scenarios: type-error, awaits-forever, spins-forever, explodes/);
  });
});
