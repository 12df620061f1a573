import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { explore, type Model } from '../../src/model/index.ts';
import { labels, rankedFingerprint, reversedSteps, tableModel, type Table } from './models.ts';

/** The trace to the one converged state of a table model, whichever order its steps are listed in. */
async function traceToConverged(table: Table) {
  const forward = await explore(tableModel(table));
  const backward = await explore(reversedSteps(tableModel(table)));
  assert.equal(forward.converged.length, 1);
  assert.deepEqual(backward.converged, forward.converged);
  return forward.converged[0]!.trace;
}

describe('minimal traces', () => {
  it('a minimal trace has the fewest steps, however many faults the longer ones avoid', async () => {
    const trace = await traceToConverged({
      initial: 'start',
      steps: {
        start: [
          { label: 'slow', to: 'halfway' },
          { label: 'crash', to: 'near', fault: true },
        ],
        halfway: [{ label: 'on', to: 'almost' }],
        almost: [{ label: 'arrive', to: 'end' }],
        near: [{ label: 'arrive', to: 'end' }],
      },
    });
    assert.deepEqual(labels(trace), ['crash', 'arrive']);
    assert.equal(trace.faults, 1);
  });

  it('among the shortest traces, the one with fewest faults wins, even when the other was found first and ranks first', async () => {
    const trace = await traceToConverged({
      initial: 'start',
      steps: {
        start: [
          { label: 'a crash', to: 'crashed', fault: true },
          { label: 'b', to: 'fine' },
        ],
        crashed: [{ label: 'finish', to: 'end' }],
        fine: [{ label: 'finish', to: 'end' }],
      },
      // the faulty path's state has the smaller fingerprint, and its step the smaller label
      fingerprints: { crashed: rankedFingerprint(1), fine: rankedFingerprint(2) },
    });
    assert.deepEqual(trace, {
      steps: [
        { label: 'b', detail: 'start → fine', fault: false },
        { label: 'finish', detail: 'fine → end', fault: false },
      ],
      faults: 0,
    });
  });

  it('ties between equally short, equally faulty traces go to the smaller parent fingerprint, not to discovery order', async () => {
    const trace = await traceToConverged({
      initial: 'start',
      steps: {
        start: [
          { label: 'to second', to: 'second' },
          { label: 'to first', to: 'first' },
        ],
        first: [{ label: 'finish', to: 'end' }],
        second: [{ label: 'finish', to: 'end' }],
      },
      fingerprints: { first: rankedFingerprint(1), second: rankedFingerprint(2) },
    });
    assert.deepEqual(labels(trace), ['to first', 'finish']);
  });

  it('ties between steps from the same state go to the smaller step label', async () => {
    const trace = await traceToConverged({
      initial: 'start',
      steps: { start: [{ label: 'zeta', to: 'end' }, { label: 'alpha', to: 'end' }] },
    });
    assert.deepEqual(trace, { steps: [{ label: 'alpha', detail: 'start → end', fault: false }], faults: 0 });
  });

  it('a fault counts once per step on the trace, and the trace marks which steps used one', async () => {
    const trace = await traceToConverged({
      initial: 'start',
      steps: {
        start: [{ label: 'stale read', to: 'one', fault: true }],
        one: [{ label: 'write', to: 'two' }],
        two: [{ label: 'crash', to: 'end', fault: true }],
      },
    });
    assert.deepEqual(
      trace.steps.map(({ label, fault }) => [label, fault]),
      [
        ['stale read', true],
        ['write', false],
        ['crash', true],
      ],
    );
    assert.equal(trace.faults, 2);
  });

  it('a step with several endings gives each its own labelled step, fault and trace', async () => {
    const model = tableModel({
      initial: 'start',
      steps: {
        start: [{ label: 'reconcile', to: 'written', endings: [{ label: 'reconcile · crash after write 1', to: 'half written', fault: true }] }],
        'half written': [{ label: 'restart', to: 'written' }],
      },
      check: (state) => (state === 'half written' ? [{ kind: 'invariant', subject: 'whole', message: 'half written' }] : []),
    });
    const result = await explore(model);
    assert.equal(model.runs, 2, 'one run of the step gives both endings');
    assert.equal(result.stats.states, 3);
    assert.equal(result.stats.transitions, 3);
    assert.deepEqual(
      result.converged.map(({ state, trace }) => [state, labels(trace)]),
      [['written', ['reconcile']]],
    );
    assert.deepEqual(result.findings, [
      {
        kind: 'invariant',
        subject: 'whole',
        message: 'half written',
        trace: { steps: [{ label: 'reconcile · crash after write 1', detail: 'start → half written', fault: true }], faults: 1 },
      },
    ]);
  });

  it('the state object kept for a state is the one its minimal trace reached, not the first one found', async () => {
    interface Place {
      name: string;
      /** not part of the fingerprint, like a uid the model renames away */
      cameFrom: string;
    }
    const model: Model<Place, string> = {
      initialState: async () => ({ name: 'start', cameFrom: '' }),
      steps: (place) => (place.name === 'start' ? ['to second', 'to first'] : place.name === 'end' ? [] : ['finish']),
      next: async (place, step) => [
        { state: step === 'finish' ? { name: 'end', cameFrom: place.name } : { name: step.slice('to '.length), cameFrom: place.name }, fault: false, findings: [] },
      ],
      fingerprint: (place) => ({ start: rankedFingerprint(0), first: rankedFingerprint(1), second: rankedFingerprint(2), end: rankedFingerprint(3) })[place.name]!,
      label: (step) => step,
      check: () => [],
    };
    for (const ordered of [model, reversedSteps(model)]) {
      const result = await explore(ordered);
      assert.deepEqual(result.converged[0]?.state, { name: 'end', cameFrom: 'first' });
    }
  });
});
