import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { explore } from '../../src/model/index.ts';
import { labels, reversedSteps, tableModel, type Table } from './models.ts';

/** A ring of states `prefix0` → `prefix1` → … → `prefix0`. */
function ring(prefix: string, length: number): Table['steps'] {
  const steps: Table['steps'] = {};
  for (let position = 0; position < length; position += 1) steps[`${prefix}${position}`] = [{ label: `${prefix} step ${position}`, to: `${prefix}${(position + 1) % length}` }];
  return steps;
}

describe('non-convergence', () => {
  it('two actors flipping a bit forever is one finding: the trace enters the cycle, then shows one turn of it', async () => {
    const model = tableModel({
      initial: 'start',
      steps: {
        start: [{ label: 'create', to: 'bit clear' }],
        'bit clear': [{ label: 'A sets the bit', to: 'bit set' }],
        'bit set': [{ label: 'B clears the bit', to: 'bit clear' }],
      },
    });
    const result = await explore(model);
    assert.equal(result.status, 'complete');
    assert.deepEqual(result.converged, []);
    assert.deepEqual(result.findings, [
      {
        kind: 'non-convergence',
        message: 'never converges: the last 2 steps repeat forever, and none of the 2 states reachable from there is converged',
        trace: {
          steps: [
            { label: 'create', detail: 'start → bit clear', fault: false },
            { label: 'A sets the bit', detail: 'bit clear → bit set', fault: false },
            // not on a parent link, so its detail comes from replaying the trace
            { label: 'B clears the bit', detail: 'bit set → bit clear', fault: false },
          ],
          faults: 0,
          cycleStart: 1,
        },
      },
    ]);
  });

  it('a cycle that can be left is not a finding: a fair scheduler takes the way out', async () => {
    const result = await explore(
      tableModel({
        initial: 'bit clear',
        steps: {
          'bit clear': [{ label: 'A sets the bit', to: 'bit set' }],
          'bit set': [
            { label: 'B clears the bit', to: 'bit clear' },
            { label: 'B gives up', to: 'done' },
          ],
        },
      }),
    );
    assert.equal(result.status, 'complete');
    assert.deepEqual(result.findings, []);
    assert.deepEqual(
      result.converged.map(({ state, trace }) => [state, labels(trace)]),
      [['done', ['A sets the bit', 'B gives up']]],
    );
  });

  it('a step that leads back to its own state, with nothing else to do, is a livelock of one step', async () => {
    const result = await explore(tableModel({ initial: 'waiting', steps: { waiting: [{ label: 'requeue', to: 'waiting' }] } }));
    assert.deepEqual(result.findings, [
      {
        kind: 'non-convergence',
        message: 'never converges: the last step repeats forever, and no other state is reachable from there',
        trace: { steps: [{ label: 'requeue', detail: 'waiting → waiting', fault: false }], faults: 0, cycleStart: 0 },
      },
    ]);
  });

  it('a livelock is reported even when other paths converge', async () => {
    const result = await explore(
      tableModel({
        initial: 'start',
        steps: { start: [{ label: 'settle', to: 'done' }, { label: 'fight', to: 'ring0' }], ...ring('ring', 3) },
      }),
    );
    assert.equal(result.converged.length, 1);
    assert.deepEqual(
      result.findings.map(({ kind, trace }) => [kind, labels(trace), trace.cycleStart]),
      [['non-convergence', ['fight', 'ring step 0', 'ring step 1', 'ring step 2'], 1]],
    );
  });

  it('the turn shown is a shortest cycle back to the state the trace entered at', async () => {
    const table: Table = {
      initial: 'entry',
      steps: {
        entry: [
          { label: 'long way', to: 'far 1' },
          { label: 'short way', to: 'near' },
        ],
        'far 1': [{ label: 'on', to: 'far 2' }],
        'far 2': [{ label: 'back from far', to: 'entry' }],
        near: [{ label: 'back from near', to: 'entry' }],
      },
    };
    for (const model of [tableModel(table), reversedSteps(tableModel(table))]) {
      const result = await explore(model);
      assert.deepEqual(
        result.findings.map(({ message, trace }) => [message, labels(trace), trace.cycleStart]),
        [['never converges: the last 2 steps repeat forever, and none of the 4 states reachable from there is converged', ['short way', 'back from near'], 0]],
      );
    }
  });

  it('each trap is its own finding, even when both say the same thing', async () => {
    const result = await explore(
      tableModel({
        initial: 'start',
        steps: { start: [{ label: 'left', to: 'left0' }, { label: 'right', to: 'right0' }], ...ring('left', 2), ...ring('right', 2) },
      }),
    );
    assert.deepEqual(
      result.findings.map(({ kind, trace }) => [kind, labels(trace)]),
      [
        ['non-convergence', ['left', 'left step 0', 'left step 1']],
        ['non-convergence', ['right', 'right step 0', 'right step 1']],
      ],
    );
  });

  it('a trap entered only through a fault has the faults on its trace', async () => {
    const result = await explore(
      tableModel({
        initial: 'start',
        steps: { start: [{ label: 'settle', to: 'done' }, { label: 'stale read', to: 'ring0', fault: true }], ...ring('ring', 2) },
      }),
    );
    assert.deepEqual(
      result.findings.map(({ trace }) => [labels(trace), trace.faults]),
      [[['stale read', 'ring step 0', 'ring step 1'], 1]],
    );
  });

  it('a trap fully explored before a bound cut the search is still reported; a cycle the bound cut is not', async () => {
    const chain: Table['steps'] = {};
    for (let position = 0; position < 20; position += 1) chain[`chain${position}`] = [{ label: `chain step ${position}`, to: `chain${position + 1}` }];
    const result = await explore(
      tableModel({
        initial: 'start',
        steps: {
          start: [
            { label: 'into the chain', to: 'chain0' },
            { label: 'into a small ring', to: 'small0' },
            { label: 'into a big ring', to: 'big0' },
          ],
          ...chain,
          ...ring('small', 2),
          ...ring('big', 10),
        },
      }),
      { maxDepth: 5 },
    );
    assert.equal(result.status, 'bounded');
    assert.deepEqual(
      result.findings.map(({ kind, trace }) => [kind, trace.steps.length]),
      [
        ['non-convergence', 3],
        ['bound-reached', 5],
      ],
    );
  });

  it('a converged state whose steps only repeat it (a periodic requeue) is no livelock, and is reported converged', async () => {
    const model = {
      ...tableModel({
        initial: 'start',
        steps: { start: [{ label: 'settle', to: 'idle' }], idle: [{ label: 'timer fires', to: 'idle' }] },
      }),
      converged: (state: string) => state === 'idle',
    };
    const result = await explore(model);
    assert.deepEqual(result.findings, []);
    assert.deepEqual(result.converged.map((converged) => converged.state), ['idle']);
  });
});
