import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { explore, type ExplorationResult } from '../../src/model/index.ts';
import { counterGrid, fingerprintOf, labels, reversedSteps, tableModel } from './models.ts';

/** The result without its one non-deterministic figure, the time it took. */
function timeless<State>(result: ExplorationResult<State>): ExplorationResult<State> {
  return { ...result, stats: { ...result.stats, durationMs: 0 } };
}

describe('breadth-first search', () => {
  it('visits each distinct state once: 3 counters of 0..4 are exactly 5³ states, one of them converged', async () => {
    const result = await explore(counterGrid(3, 4));
    assert.equal(result.status, 'complete');
    assert.equal(result.stats.states, 125);
    assert.equal(result.stats.transitions, 3 * 4 * 25);
    assert.equal(result.stats.depth, 12);
    assert.deepEqual(result.findings, []);
    assert.equal(result.converged.length, 1);
    const [converged] = result.converged;
    assert.deepEqual(converged?.state, [4, 4, 4]);
    assert.equal(converged?.fingerprint, fingerprintOf('4,4,4'));
    assert.equal(converged?.trace.steps.length, 12);
    assert.equal(converged?.trace.faults, 0);
    const increments = labels(converged!.trace).sort();
    assert.deepEqual(increments, [...Array(4).fill('increment 0'), ...Array(4).fill('increment 1'), ...Array(4).fill('increment 2')]);
  });

  it('a model with one state and no steps is one converged state with an empty trace', async () => {
    const result = await explore(tableModel({ initial: 'only', steps: {} }));
    assert.deepEqual(timeless(result), {
      status: 'complete',
      stats: { states: 1, transitions: 0, depth: 0, durationMs: 0, collisionProbability: 1 / 2 ** 129 },
      converged: [{ fingerprint: fingerprintOf('only'), state: 'only', trace: { steps: [], faults: 0 } }],
      findings: [],
    });
  });

  it('reports the birthday bound n²/2¹²⁹ as the chance of a fingerprint collision', async () => {
    const result = await explore(counterGrid(2, 9));
    assert.equal(result.stats.collisionProbability, (100 * 100) / 2 ** 129);
  });

  it('lists converged states by trace length, then faults, then fingerprint', async () => {
    const model = tableModel({
      initial: 'start',
      steps: {
        start: [
          { label: 'far', to: 'middle' },
          { label: 'near b', to: 'b' },
          { label: 'near a', to: 'a' },
          { label: 'risky', to: 'c', fault: true },
        ],
        middle: [{ label: 'on', to: 'end' }],
      },
    });
    const result = await explore(model);
    const nearBoth = ['a', 'b'].sort((first, second) => (fingerprintOf(first) < fingerprintOf(second) ? -1 : 1));
    assert.deepEqual(
      result.converged.map(({ state }) => state),
      [...nearBoth, 'c', 'end'],
    );
  });

  it('is deterministic: the same model gives the same result, order of converged states and findings included', async () => {
    const model = () =>
      tableModel({
        initial: 'start',
        steps: {
          start: [
            { label: 'a', to: 'x', findings: [{ kind: 'controller-error', message: 'boom' }] },
            { label: 'b', to: 'y', fault: true },
          ],
          x: [{ label: 'loop', to: 'x2' }, { label: 'done', to: 'end' }],
          x2: [{ label: 'loop back', to: 'x' }],
          y: [{ label: 'trap', to: 'y2' }],
          y2: [{ label: 'trap back', to: 'y' }],
        },
        check: (state) => (state === 'end' ? [{ kind: 'invariant', message: 'end reached' }] : []),
      });
    const first = timeless(await explore(model()));
    const second = timeless(await explore(model()));
    assert.deepEqual(first, second);
    assert.deepEqual(
      first.findings.map(({ kind }) => kind),
      ['controller-error', 'invariant', 'non-convergence'],
    );
  });

  it('does not depend on the order the model lists steps in', async () => {
    const table = {
      initial: 'start',
      steps: {
        start: [
          { label: 'a', to: 'x' },
          { label: 'b', to: 'y' },
          { label: 'c', to: 'z', fault: true },
        ],
        x: [{ label: 'join', to: 'joined' }, { label: 'spin', to: 'x' }],
        y: [{ label: 'join', to: 'joined' }, { label: 'fail', to: undefined, findings: [{ kind: 'controller-error', message: 'TypeError' }] }],
        z: [{ label: 'join', to: 'joined' }, { label: 'trap', to: 'trapped' }],
        trapped: [{ label: 'around', to: 'trapped 2' }],
        'trapped 2': [{ label: 'around again', to: 'trapped' }],
      },
    };
    assert.deepEqual(timeless(await explore(reversedSteps(tableModel(table)))), timeless(await explore(tableModel(table))));
    assert.deepEqual(timeless(await explore(reversedSteps(counterGrid(3, 3)))), timeless(await explore(counterGrid(3, 3))));
  });

  it('rejects a fingerprint that is not 32 hexadecimal digits (a bug in the model)', async () => {
    const model = { ...counterGrid(1, 1), fingerprint: () => 'not a fingerprint' };
    await assert.rejects(explore(model), /a fingerprint must be 32 hexadecimal digits, got "not a fingerprint"/);
  });

  it('keeping no details during the search gives the same result: the details of reported traces are replayed', async () => {
    const table = {
      initial: 'start',
      steps: {
        start: [
          { label: 'a', to: 'x', findings: [{ kind: 'controller-error', message: 'boom' }] },
          { label: 'b', to: 'y', fault: true },
          { label: 'c', to: 'z', endings: [{ label: 'c · crash after write 1', to: 'crashed', fault: true }] },
        ],
        x: [{ label: 'loop', to: 'x2' }, { label: 'done', to: 'end' }],
        x2: [{ label: 'loop back', to: 'x' }],
        y: [{ label: 'trap', to: 'y2' }],
        y2: [{ label: 'trap back', to: 'y' }],
        crashed: [{ label: 'restart', to: 'z' }, { label: 'fail', to: undefined, findings: [{ kind: 'reconcile-timeout', message: 'slow' }] }],
        z: [{ label: 'finish', to: 'end' }],
      },
      check: (state: string) => (state === 'end' ? [{ kind: 'invariant', message: 'end reached' }] : []),
    };
    const kept = timeless(await explore(tableModel(table)));
    const replayed = timeless(await explore(tableModel(table), { keepDetails: false }));
    assert.deepEqual(replayed, kept);
    assert.equal(kept.converged[0]?.trace.steps[1]?.detail, 'x → end');
  });

  it('a replayed trace has no details from the step the model no longer reproduces', async () => {
    let runs = 0;
    const model = tableModel({ initial: 'start', steps: { start: [{ label: 'go', to: 'middle' }], middle: [{ label: 'on', to: 'end' }] } });
    const drifting = {
      ...model,
      next: async (state: string, step: Parameters<typeof model.next>[1]) => {
        runs += 1;
        const outcomes = await model.next(state, step);
        // from the third run on, 'on' ends somewhere else
        return runs > 2 && state === 'middle' ? outcomes.map((outcome) => ({ ...outcome, state: 'elsewhere' })) : outcomes;
      },
    };
    const result = await explore(drifting, { keepDetails: false });
    assert.deepEqual(result.converged[0]?.trace.steps, [
      { label: 'go', detail: 'start → middle', fault: false },
      { label: 'on', detail: undefined, fault: false },
    ]);
  });
});
