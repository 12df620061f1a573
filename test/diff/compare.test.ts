import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { FindingReport, ScenarioReport } from '../../src/check/report.ts';
import { compareScenario, findingSignature, stateDifferences, verdictOf } from '../../src/diff/compare.ts';

const EMPTY_TRACE = { steps: [], faults: 0 };

function configMap(name: string, data: Record<string, string>) {
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'default' }, data };
}

function scenario(converged: { id: string; objects: ReturnType<typeof configMap>[] }[], findings: FindingReport[] = []): ScenarioReport {
  return {
    name: 's',
    status: 'complete',
    stats: { states: 1, transitions: 0, reconciles: 1, depth: 0, durationMs: 1, collisionProbability: 0 },
    converged: converged.map((state) => ({ ...state, trace: EMPTY_TRACE })),
    findings,
  };
}

function finding(message: string, controller = 'c'): FindingReport {
  return { kind: 'controller-error', message, controller, trace: EMPTY_TRACE };
}

describe('comparing base and head', () => {
  it('matches converged states by id and pairs a new one with its closest base state', () => {
    const base = scenario([{ id: 'aaaaaaaaaaaa', objects: [configMap('x', { size: '10Gi', mode: 'a' })] }, { id: 'bbbbbbbbbbbb', objects: [configMap('x', { size: '1Gi', mode: 'b' })] }]);
    const head = scenario([{ id: 'aaaaaaaaaaaa', objects: [configMap('x', { size: '10Gi', mode: 'a' })] }, { id: 'cccccccccccc', objects: [configMap('x', { size: '15Gi', mode: 'a' })] }]);
    const diff = compareScenario('s', 'changed', base, head);
    assert.equal(diff.converged.unchanged, 1);
    assert.deepEqual(diff.converged.added.map((change) => [change.state.id, change.closest]), [
      ['cccccccccccc', { id: 'aaaaaaaaaaaa', differences: [{ object: 'ConfigMap default/x', path: 'data.size', base: '10Gi', head: '15Gi' }] }],
    ]);
    assert.deepEqual(diff.converged.removed.map((change) => change.state.id), ['bbbbbbbbbbbb']);
  });

  it('tells new, fixed and still-present findings apart, ignoring what a code change shifts (source positions, uids)', () => {
    const base = scenario([], [finding('TypeError: boom\n    at r (src/c.ts:10:3)'), finding('old problem')]);
    const head = scenario([], [finding('TypeError: boom\n    at r (src/c.ts:12:5)'), finding('new problem')]);
    const diff = compareScenario('s', 'changed', base, head);
    assert.deepEqual(diff.findings.new.map((item) => item.message), ['new problem']);
    assert.deepEqual(diff.findings.fixed.map((item) => item.message), ['old problem']);
    assert.deepEqual(diff.findings.stillPresent.map((item) => item.message.split('\n')[0]), ['TypeError: boom']);
    assert.equal(
      findingSignature('s', finding('owner 82f9eb39-e5d7-4404-8a91-e1fc63cd8c10 gone at x.ts:3:1')),
      findingSignature('s', finding('owner 0d3c5a11-1111-4222-8333-444455556666 gone at x.ts:9:9')),
    );
  });

  it('lists objects on one side only as whole-object differences', () => {
    assert.deepEqual(stateDifferences([configMap('a', {})], [configMap('b', {})]), [
      { object: 'ConfigMap default/a', path: '', base: 'present' },
      { object: 'ConfigMap default/b', path: '', head: 'present' },
    ]);
  });

  it('fails by --fail-on: new findings by default, any finding, converged changes, or never; a head that does not build fails', () => {
    const changed = compareScenario('s', 'changed', scenario([{ id: 'aaaaaaaaaaaa', objects: [] }], [finding('kept')]), scenario([{ id: 'bbbbbbbbbbbb', objects: [] }], [finding('kept')]));
    const sides = { base: { ref: 'main' }, head: { ref: 'working tree' } };
    assert.equal(verdictOf('new-findings', [changed], sides).failed, false);
    assert.equal(verdictOf('any-finding', [changed], sides).failed, true);
    assert.equal(verdictOf('converged-change', [changed], sides).failed, true);
    assert.equal(verdictOf('never', [changed], sides).failed, false);
    assert.equal(verdictOf('new-findings', [changed], sides).summary, '1 new converged state, 1 converged state gone');
    const broken = verdictOf('new-findings', [], { base: { ref: 'main' }, head: { ref: 'working tree', error: 'SyntaxError' } });
    assert.deepEqual([broken.failed, broken.summary], [true, 'head does not build']);
    assert.equal(verdictOf('new-findings', [], sides).summary, 'no behavioural change');
  });
});
