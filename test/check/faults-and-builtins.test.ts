import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import { check } from '../../src/check/check.ts';
import type { ConvergedReport, Report } from '../../src/check/report.ts';

const CONFIG = fileURLToPath(new URL('./faults-and-builtins/fixpoint.yaml', import.meta.url));

function objectNames(state: ConvergedReport): string[] {
  return state.objects.map((object) => `${String(object['kind'])}/${(object['metadata'] as { name: string }).name}`).sort();
}

function convergedOf(report: Report, name: string): string[][] {
  const scenario = report.scenarios.find((candidate) => candidate.name === name);
  assert.ok(scenario);
  assert.deepEqual(scenario.findings, []);
  return scenario.converged.map(objectNames).sort();
}

describe('faults and builtins in a scenario', () => {
  it('a stale read lets a controller act on an absence its cache fakes: one more converged state, reached through the fault', async () => {
    const report = await check({ config: CONFIG, scenarios: ['enable-fresh', 'enable-stale'] });
    assert.deepEqual(convergedOf(report, 'enable-fresh'), [['ConfigMap/enabled', 'Secret/token']]);
    assert.deepEqual(convergedOf(report, 'enable-stale'), [['ConfigMap/enabled'], ['ConfigMap/enabled', 'Secret/token']]);
    const stale = report.scenarios.find((candidate) => candidate.name === 'enable-stale')!;
    const lost = stale.converged.find((state) => !objectNames(state).includes('Secret/token'))!;
    assert.equal(lost.trace.faults, 1);
    const faulty = lost.trace.steps.filter((step) => step.fault !== undefined);
    assert.deepEqual(faulty.map((step) => step.fault), ['stale read of /configmaps, 1 step back']);
    assert.deepEqual(faulty[0]!.writes.map((write) => `${write.verb} ${write.kind} ${write.name} ${write.code}`), ['delete Secret token 200']);
  });

  it('without the garbage collector a dependent outlives its owner; with it, the dependent goes as a separate step', async () => {
    const report = await check({ config: CONFIG, scenarios: ['orphaned-child', 'collected-child'] });
    assert.deepEqual(convergedOf(report, 'orphaned-child'), [['ConfigMap/owner-child']]);
    assert.deepEqual(convergedOf(report, 'collected-child'), [[]]);
    const collected = report.scenarios.find((candidate) => candidate.name === 'collected-child')!;
    assert.ok(collected.converged[0]!.trace.steps.some((step) => step.actor === 'builtin:garbage-collector'));
  });
});
