import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import { Ajv } from 'ajv';
import { check } from '../src/check/check.ts';
import type { Report, ScenarioReport } from '../src/check/report.ts';
import { verdictStatus } from '../src/cli.ts';

const EXAMPLES = fileURLToPath(new URL('../examples/', import.meta.url));

async function run(example: string): Promise<Report> {
  return check({ config: `${EXAMPLES}${example}/fixpoint.yaml` });
}

function scenario(report: Report, name: string): ScenarioReport {
  const found = report.scenarios.find((candidate) => candidate.name === name);
  assert.ok(found, `scenario ${name}`);
  return found;
}

/** One field of every object of a kind in a converged state, as `name=value`. */
function fieldOf(objects: readonly Record<string, unknown>[], kind: string, read: (object: Record<string, unknown>) => unknown): string[] {
  return objects.filter((object) => object['kind'] === kind).map((object) => `${(object['metadata'] as { name: string }).name}=${JSON.stringify(read(object))}`);
}

describe('the examples, each with its exact outcome', () => {
  it('toggle: one converged state, owner alpha, stable, no findings', async () => {
    const report = await run('toggle');
    const toggle = scenario(report, 'create-toggle');
    assert.equal(toggle.status, 'complete');
    assert.deepEqual(toggle.findings, []);
    assert.deepEqual(toggle.converged.map((state) => fieldOf(state.objects, 'Toggle', (object) => (object['status'] as { owner?: string }).owner)), [['t1="alpha"']]);
    assert.equal(verdictStatus(report), 0);
  });

  it('two-phase: exactly two converged states, A-Final without the annotation and B-Final with it', async () => {
    const flip = scenario(await run('two-phase'), 'flip');
    assert.deepEqual(flip.findings, []);
    const endings = flip.converged
      .map((state) => {
        const phased = state.objects.find((object) => object['kind'] === 'Phased') as { metadata: { annotations?: Record<string, string> }; status: { state: string } };
        return `${phased.status.state} ${phased.metadata.annotations?.['mode-flip-done'] === undefined ? 'without' : 'with'} annotation`;
      })
      .sort();
    assert.deepEqual(endings, ['A-Final without annotation', 'B-Final with annotation']);
  });

  it('tls-secrets: both secrets without faults; with one crash a second converged state misses one and the invariant finds it with one crash', async () => {
    const report = await run('tls-secrets');
    const clean = scenario(report, 'no-faults');
    assert.deepEqual(clean.findings, []);
    assert.deepEqual(clean.converged.map((state) => fieldOf(state.objects, 'Secret', () => true)), [['db-ssl=true', 'db-ssl-internal=true']]);
    const crash = scenario(report, 'crash');
    assert.deepEqual(crash.converged.map((state) => fieldOf(state.objects, 'Secret', () => true)).sort(), [['db-ssl=true'], ['db-ssl=true', 'db-ssl-internal=true']]);
    assert.deepEqual(crash.findings.map((finding) => [finding.kind, finding.subject]), [['invariant', 'bothSecretsExist']]);
    const trace = crash.findings[0]!.trace;
    assert.equal(trace.faults, 1);
    assert.equal(trace.steps.filter((step) => step.fault?.includes('crash')).length, 1);
    assert.equal(verdictStatus(report), 1);
  });

  it('fight: a non-convergence finding whose trace shows both controllers undoing each other', async () => {
    const fight = scenario(await run('fight'), 'fight');
    assert.deepEqual(fight.converged, []);
    assert.deepEqual(fight.findings.map((finding) => finding.kind), ['non-convergence']);
    const trace = fight.findings[0]!.trace;
    assert.ok(trace.cycleStart !== undefined);
    const cycle = trace.steps.slice(trace.cycleStart);
    assert.deepEqual(cycle.map((step) => step.actor).sort(), ['controller:blue', 'controller:red']);
    for (const step of cycle) assert.deepEqual(step.writes.map((write) => `${write.verb} ${write.kind} ${write.name} ${write.code}`), ['patch ConfigMap shared 200']);
  });

  it('drift: an unstable-convergence finding after the user tampers with the copy', async () => {
    const drift = scenario(await run('drift'), 'tamper');
    assert.deepEqual(drift.findings.map((finding) => [finding.kind, finding.controller]), [['unstable-convergence', 'mirror']]);
    const steps = drift.findings[0]!.trace.steps;
    assert.equal(steps.at(-1)?.actor, 'controller:mirror');
    assert.ok(steps.some((step) => step.actor === 'user'));
  });

  it('counters: exactly (T+2)^K = 256 states for K=4, T=2, and one converged state', async () => {
    const grid = scenario(await run('counters'), 'grid');
    assert.equal(grid.status, 'complete');
    assert.equal(grid.stats.states, 256);
    assert.equal(grid.converged.length, 1);
    assert.deepEqual(grid.findings, []);
  });

  it('writes reports that validate against report.schema.json and are identical run to run but for durations', async () => {
    const schema = JSON.parse(await readFile(new URL('../report.schema.json', import.meta.url), 'utf8')) as object;
    const validate = new Ajv({ strict: true }).compile(schema);
    const withoutDurations = (report: Report) => JSON.stringify(report, (key, value: unknown) => (key === 'durationMs' ? 0 : value));
    for (const example of ['tls-secrets', 'fight', 'drift']) {
      const first = await run(example);
      assert.ok(validate(first), `${example}: ${JSON.stringify(validate.errors)}`);
      assert.equal(withoutDurations(await run(example)), withoutDurations(first), example);
    }
  });
});
