import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { explore } from '../../src/model/index.ts';
import { counterGrid, labels, tableModel } from './models.ts';

describe('findings', () => {
  it('an invariant violated in many states is one finding, with the minimal trace to where it first holds', async () => {
    const model = {
      ...counterGrid(2, 3),
      check: (state: readonly number[]) => (state[0]! >= 2 ? [{ kind: 'invariant', subject: 'small counter', message: 'counter 0 reached 2' }] : []),
    };
    const result = await explore(model);
    assert.deepEqual(result.findings, [
      {
        kind: 'invariant',
        subject: 'small counter',
        message: 'counter 0 reached 2',
        trace: {
          steps: [
            { label: 'increment 0', detail: undefined, fault: false },
            { label: 'increment 0', detail: undefined, fault: false },
          ],
          faults: 0,
        },
      },
    ]);
  });

  it('violations that say different things are different findings, ordered by trace length', async () => {
    const model = {
      ...counterGrid(2, 3),
      check: (state: readonly number[]) => (state[0] === state[1] && state[0]! > 0 ? [{ kind: 'invariant', message: `both counters are ${state[0]}` }] : []),
    };
    const result = await explore(model);
    assert.deepEqual(
      result.findings.map(({ message, trace }) => [message, trace.steps.length]),
      [
        ['both counters are 1', 2],
        ['both counters are 2', 4],
        ['both counters are 3', 6],
      ],
    );
  });

  it('check runs on every reachable state and is told which ones are converged', async () => {
    const seen: string[] = [];
    const model = {
      ...counterGrid(2, 1),
      check: (state: readonly number[], converged: boolean) => {
        seen.push(`${state.join(',')}${converged ? ' converged' : ''}`);
        return [];
      },
    };
    await explore(model);
    assert.deepEqual(seen.sort(), ['0,0', '0,1', '1,0', '1,1 converged']);
  });

  it("a step's finding comes with the minimal trace to its state, then the failing step", async () => {
    const typeError = { kind: 'controller-error', subject: 'widgets', message: "TypeError: Cannot read properties of undefined (reading 'spec')" };
    const model = tableModel({
      initial: 'start',
      steps: {
        start: [
          { label: 'long way', to: 'detour' },
          { label: 'create', to: 'created' },
        ],
        detour: [{ label: 'wander', to: 'far' }],
        far: [{ label: 'reconcile', to: 'end', findings: [typeError] }],
        created: [{ label: 'reconcile', to: 'end', findings: [typeError] }],
      },
    });
    const result = await explore(model);
    assert.deepEqual(result.findings, [
      {
        ...typeError,
        trace: {
          steps: [
            { label: 'create', detail: 'start → created', fault: false },
            { label: 'reconcile', detail: 'created → end', fault: false },
          ],
          faults: 0,
        },
      },
    ]);
  });

  it('a step that cannot complete reports its finding and leads nowhere: not converged, not a livelock', async () => {
    const timeout = { kind: 'reconcile-timeout', subject: 'widgets', message: 'reconcile did not settle within 1000 ms' };
    const result = await explore(tableModel({ initial: 'start', steps: { start: [{ label: 'reconcile', to: undefined, findings: [timeout] }] } }));
    assert.equal(result.status, 'complete');
    assert.equal(result.stats.states, 1);
    assert.equal(result.stats.transitions, 0);
    assert.deepEqual(result.converged, []);
    assert.deepEqual(result.findings, [{ ...timeout, trace: { steps: [{ label: 'reconcile', detail: 'start → nowhere', fault: false }], faults: 0 } }]);
  });

  it('a violation of the initial state has the empty trace', async () => {
    const model = tableModel({ initial: 'start', steps: {}, check: () => [{ kind: 'invariant', message: 'broken from the start' }] });
    const result = await explore(model);
    assert.deepEqual(result.findings, [{ kind: 'invariant', message: 'broken from the start', trace: { steps: [], faults: 0 } }]);
  });

  it('the same finding from a state and from a step is one finding, with the shorter trace', async () => {
    const stuck = { kind: 'controller-error', message: 'stuck' };
    const model = tableModel({
      initial: 'start',
      steps: { start: [{ label: 'go', to: 'next' }], next: [{ label: 'fail', to: 'end', findings: [stuck] }] },
      check: (state) => (state === 'next' ? [stuck] : []),
    });
    const result = await explore(model);
    assert.deepEqual(
      result.findings.map((finding) => [finding.message, labels(finding.trace)]),
      [['stuck', ['go']]],
    );
  });
});
