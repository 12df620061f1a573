/**
 * Re-running a known path from the initial state, to recover the details of steps the graph did
 * not keep (it keeps details only on parent links, so a cycle's other steps have none).
 */
import type { StateGraph } from './graph.ts';
import type { Fingerprint, Model, Outcome } from './model.ts';
import type { Trace } from './result.ts';
import { statesTo } from './trace.ts';

/** One step of a path to replay: its label (the outcome's) and the fingerprint of the state it led to. */
export interface ReplayStep {
  label: string;
  fingerprint: Fingerprint;
}

/**
 * The details of the steps of `path`, re-run from the initial state; shorter than the path when the
 * model stopped reproducing it (no such step, or a different state: a nondeterministic model).
 */
export async function replayDetails<State, Step>(model: Model<State, Step>, path: readonly ReplayStep[], initialFingerprint: Fingerprint): Promise<unknown[]> {
  const details: unknown[] = [];
  let state: State = await model.initialState();
  if (!sameFingerprint(model.fingerprint(state), initialFingerprint)) return details;
  for (const { label, fingerprint } of path) {
    const outcome = await outcomeLabelled(model, state, label);
    if (outcome?.state === undefined || !sameFingerprint(model.fingerprint(outcome.state), fingerprint)) return details;
    details.push(outcome.detail);
    state = outcome.state;
  }
  return details;
}

/**
 * The outcome labelled `label` among the steps of `state`. An outcome's label is usually its step's,
 * or starts with it, so those steps run first; others only if they do not have it.
 */
async function outcomeLabelled<State, Step>(model: Model<State, Step>, state: State, label: string): Promise<Outcome<State> | undefined> {
  const steps = model.steps(state);
  const likelihood = (step: Step): number => {
    const own = model.label(step);
    return own === label ? 0 : label.startsWith(own) ? 1 : 2;
  };
  const ordered = steps.map((step) => ({ step, likelihood: likelihood(step) })).sort((first, second) => first.likelihood - second.likelihood);
  for (const { step } of ordered) {
    const stepLabel = model.label(step);
    const outcome = (await model.next(state, step)).find((candidate) => (candidate.label ?? stepLabel) === label);
    if (outcome !== undefined) return outcome;
  }
  return undefined;
}

function sameFingerprint(first: Fingerprint, second: Fingerprint): boolean {
  return first.toLowerCase() === second.toLowerCase();
}

/**
 * Fills in, by replaying, the details of the steps of `trace` that follow the minimal trace to
 * `state` (its first steps), for a search that kept no details.
 */
export async function replayMinimalTrace<State, Step>(model: Model<State, Step>, graph: StateGraph, state: number, trace: Trace): Promise<void> {
  if (state <= 0) return;
  const path = statesTo(graph, state).slice(1);
  const details = await replayDetails(
    model,
    path.map((index) => ({ label: graph.label(graph.parentStepOf(index)), fingerprint: graph.fingerprintOf(index) })),
    graph.fingerprintOf(0),
  );
  details.forEach((detail, position) => {
    trace.steps[position]!.detail = detail;
  });
}
