import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { explore, type Progress } from '../../src/model/index.ts';
import { counterGrid, labels } from './models.ts';

describe('bounds', () => {
  it('maxStates stops the search: bounded, with a bound-reached finding at the step that found one state more, never a pass', async () => {
    const result = await explore(counterGrid(3, 4), { maxStates: 10 });
    assert.equal(result.status, 'bounded');
    assert.equal(result.stats.states, 10);
    const bound = result.findings.filter(({ kind }) => kind === 'bound-reached');
    assert.deepEqual(
      bound.map(({ subject, message }) => [subject, message]),
      [['maxStates', 'the search stopped at maxStates (10): this step led to one state more; the result is partial']],
    );
    assert.equal(bound[0]?.trace.steps.length, 3, 'levels of 1, 3 and 6 states fill 10; the 11th state is 3 steps away');
  });

  it('maxDepth runs no step from states at that depth, and says where it cut', async () => {
    const result = await explore(counterGrid(2, 3), { maxDepth: 2 });
    assert.equal(result.status, 'bounded');
    assert.equal(result.stats.states, 1 + 2 + 3);
    assert.equal(result.stats.depth, 2);
    assert.deepEqual(
      result.findings.map(({ kind, subject, trace }) => [kind, subject, trace.steps.length]),
      [['bound-reached', 'maxDepth', 2]],
    );
  });

  it('a maxDepth the search never needed is not reached: the result is complete', async () => {
    const result = await explore(counterGrid(2, 3), { maxDepth: 6 });
    assert.equal(result.status, 'complete');
    assert.equal(result.stats.states, 16);
    assert.deepEqual(result.findings, []);
  });

  it('timeoutSeconds stops the search before the next step', async () => {
    const result = await explore(counterGrid(2, 3), { timeoutSeconds: 0 });
    assert.equal(result.status, 'bounded');
    assert.equal(result.stats.states, 1);
    assert.deepEqual(
      result.findings.map(({ kind, subject, trace }) => [kind, subject, trace.steps.length]),
      [['bound-reached', 'timeoutSeconds', 0]],
    );
  });

  it('an aborted signal stops the search, and the result says it is partial', async () => {
    const controller = new AbortController();
    let steps = 0;
    const model = counterGrid(2, 3);
    const stopping = {
      ...model,
      next: (state: readonly number[], counter: number) => {
        steps += 1;
        if (steps === 3) controller.abort();
        return model.next(state, counter);
      },
    };
    const result = await explore(stopping, { signal: controller.signal });
    assert.equal(result.status, 'bounded');
    assert.equal(steps, 3);
    assert.deepEqual(
      result.findings.map(({ kind, subject, message }) => [kind, subject, message]),
      [['bound-reached', 'signal', 'the search was aborted at this state: its steps and those of later states were not all run; the result is partial']],
    );
  });

  it('states found before a cut are still checked, though their steps are not run', async () => {
    const model = {
      ...counterGrid(2, 3),
      check: (state: readonly number[]) => (state[1] === 1 ? [{ kind: 'invariant', message: 'counter 1 moved' }] : []),
    };
    // (0,0) finds (1,0) and (0,1); (1,0) finds (2,0), then (1,1) is one too many: (0,1) is found but never expanded.
    const result = await explore(model, { maxStates: 4 });
    assert.deepEqual(
      result.findings.map(({ kind, message, trace }) => [kind, message, labels(trace)]),
      [
        ['invariant', 'counter 1 moved', ['increment 1']],
        ['bound-reached', 'the search stopped at maxStates (4): this step led to one state more; the result is partial', ['increment 0', 'increment 1']],
      ],
    );
  });

  it('rejects a limit that is not a number it can use, naming the option', async () => {
    await assert.rejects(explore(counterGrid(1, 1), { maxStates: 0 }), /explore: maxStates must be a whole number of at least 1, got 0/);
    await assert.rejects(explore(counterGrid(1, 1), { maxDepth: 1.5 }), /explore: maxDepth must be a whole number of at least 0, got 1.5/);
    await assert.rejects(explore(counterGrid(1, 1), { timeoutSeconds: -1 }), /explore: timeoutSeconds must be a number of at least 0, got -1/);
  });
});

describe('progress', () => {
  it('reports states, frontier, depth and rate as the search goes', async () => {
    const reports: Progress[] = [];
    await explore(counterGrid(2, 2), { onProgress: (progress) => reports.push(progress), progressIntervalMs: 0 });
    assert.equal(reports.length, 9, 'one report before each state is expanded, with no interval');
    assert.deepEqual(
      reports.map(({ states, frontier, depth }) => [states, frontier, depth]),
      [
        [1, 1, 0],
        [3, 2, 1],
        [5, 3, 1],
        [6, 3, 2],
        [7, 3, 2],
        [8, 3, 2],
        [8, 2, 3],
        [9, 2, 3],
        [9, 1, 4],
      ],
    );
    assert.ok(reports.every(({ statesPerSecond, elapsedMs }) => statesPerSecond >= 0 && elapsedMs >= 0));
  });

  it('reports at most once per progressIntervalMs', async () => {
    const reports: Progress[] = [];
    await explore(counterGrid(2, 2), { onProgress: (progress) => reports.push(progress), progressIntervalMs: 60_000 });
    assert.deepEqual(reports, []);
  });
});
