/**
 * Breadth-first exploration of a model, level by level, deduplicating states by fingerprint.
 *
 * Minimal traces come from parent links: each state keeps the best way it was reached at its depth
 * (fewest faults, then the smallest parent fingerprint and step label), never the first found, so
 * results do not depend on the order steps run in and a parallel or reduced search can reproduce
 * them. The model's state objects are kept only for the level being expanded and the next one.
 */
import { Bounds, type Bound } from './bounds.ts';
import { FindingCollector } from './findings.ts';
import { compareText, StateGraph } from './graph.ts';
import type { Model } from './model.ts';
import { findNonConvergence } from './non-convergence.ts';
import { replayMinimalTrace } from './replay.ts';
import type { ConvergedState, ExplorationResult, ExploreOptions, Finding, Progress } from './result.ts';
import { traceEndAfter, traceEndAt, traceTo, type TraceEnd } from './trace.ts';

/** Explores every state reachable in `model` within the options' limits; the same model gives the same result. */
export async function explore<State, Step>(model: Model<State, Step>, options: ExploreOptions = {}): Promise<ExplorationResult<State>> {
  const startedAt = performance.now();
  const bounds = new Bounds(options, startedAt);
  const progressInterval = options.progressIntervalMs ?? 1000;
  const keepDetails = options.keepDetails ?? true;
  const graph = new StateGraph();
  const findings = new FindingCollector(graph);
  const converged: { index: number; state: State }[] = [];
  const reached = new Set<Bound>();

  /** Checks a state's invariants and returns its steps. */
  const check = (index: number, state: State): readonly Step[] => {
    const steps = model.steps(state);
    const isConverged = model.converged?.(state) ?? steps.length === 0;
    if (isConverged) converged.push({ index, state });
    for (const violation of model.check(state, isConverged)) findings.record(violation, traceEndAt(graph, index));
    return steps;
  };
  const stop = (bound: Bound, end: TraceEnd): void => {
    reached.add(bound);
    findings.record(bounds.violation(bound), end);
  };
  let lastProgress = startedAt;
  /** Reports progress before expanding state `index`, unless the last report is too recent. */
  const reportProgress = (onProgress: (progress: Progress) => void, index: number, depth: number): void => {
    const now = performance.now();
    if (now - lastProgress < progressInterval) return;
    lastProgress = now;
    const elapsedMs = now - startedAt;
    onProgress({ states: graph.size, frontier: graph.size - index, depth, statesPerSecond: elapsedMs > 0 ? (graph.size * 1000) / elapsedMs : 0, elapsedMs });
  };

  const initial = await model.initialState();
  graph.lookup(model.fingerprint(initial));
  graph.addState(-1, 0, undefined);
  /** the states of the level being expanded, by index - levelStart; cleared as they are expanded */
  let level: (State | undefined)[] = [initial];
  let levelStart = 0;
  /** the states of the next level, by index - nextStart */
  let next: State[] = [];
  let position = 0;

  search: for (let depth = 0; level.length > 0; depth += 1) {
    graph.beginLevel();
    const nextStart = graph.size;
    next = [];
    for (position = 0; position < level.length; position += 1) {
      const index = levelStart + position;
      const state = level[position]!;
      level[position] = undefined;
      if (options.onProgress !== undefined) reportProgress(options.onProgress, index, depth);
      const steps = check(index, state);
      if (steps.length > 0 && depth >= bounds.maxDepth) {
        stop('maxDepth', traceEndAt(graph, index));
        graph.closeEdges(index, false);
        continue;
      }
      for (const step of steps) {
        const interrupted = bounds.interrupted();
        if (interrupted !== undefined) {
          stop(interrupted, traceEndAt(graph, index));
          break search;
        }
        const outcomes = await model.next(state, step);
        const stepLabel = model.label(step);
        for (const outcome of outcomes) {
          const code = graph.stepCode(outcome.label ?? stepLabel, outcome.fault);
          for (const violation of outcome.findings) findings.record(violation, traceEndAfter(graph, index, code, outcome.detail));
          if (outcome.state === undefined) continue;
          let target = graph.lookup(model.fingerprint(outcome.state));
          if (target < 0) {
            if (graph.size >= bounds.maxStates) {
              stop('maxStates', traceEndAfter(graph, index, code, outcome.detail));
              break search;
            }
            target = graph.addState(index, code, keepDetails ? outcome.detail : undefined);
            next.push(outcome.state);
          } else if (target >= nextStart && graph.improveParent(target, index, code, keepDetails ? outcome.detail : undefined)) {
            // The state object comes with its parent link, so what later steps see never depends on discovery order.
            next[target - nextStart] = outcome.state;
          }
          graph.addEdge(index, target, code);
        }
      }
      graph.closeEdges(index, true);
    }
    level = next;
    levelStart = nextStart;
  }

  if (reached.has('maxStates') || reached.has('timeoutSeconds') || reached.has('signal')) {
    // Cut mid-level: every state found is reachable, so check the ones not reached yet (their steps are not run).
    for (let rest = position + 1; rest < level.length; rest += 1) check(levelStart + rest, level[rest]!);
    const nextStart = levelStart + level.length;
    next.forEach((state, offset) => check(nextStart + offset, state));
  }
  graph.seal();

  const recorded = findings.findings();
  if (!keepDetails) for (const { finding, through } of recorded) await replayMinimalTrace(model, graph, through, finding.trace);
  const allFindings = [...recorded.map(({ finding }) => finding), ...(await findNonConvergence(graph, model, keepDetails, new Set(converged.map(({ index }) => index))))];
  allFindings.sort(compareFindings);
  const depths = converged.map(({ index }) => graph.depthOf(index));
  const order = converged.map((_, position) => position);
  order.sort((first, second) => {
    const one = converged[first]!.index;
    const other = converged[second]!.index;
    return depths[first]! - depths[second]! || graph.faultsOf(one) - graph.faultsOf(other) || graph.compareFingerprints(one, other);
  });
  const convergedStates: ConvergedState<State>[] = [];
  for (const position of order) {
    const { index, state } = converged[position]!;
    const trace = traceTo(graph, index);
    if (!keepDetails) await replayMinimalTrace(model, graph, index, trace);
    convergedStates.push({ fingerprint: graph.fingerprintOf(index), state, trace });
  }

  return {
    status: reached.size > 0 ? 'bounded' : 'complete',
    stats: {
      states: graph.size,
      transitions: graph.edgeCount,
      depth: graph.depthOf(graph.size - 1),
      durationMs: performance.now() - startedAt,
      collisionProbability: (graph.size * graph.size) / 2 ** 129,
    },
    converged: convergedStates,
    findings: allFindings,
  };
}

/** Orders findings by trace length, then faults, then what they say, then their step labels. */
function compareFindings(first: Finding, second: Finding): number {
  const order =
    first.trace.steps.length - second.trace.steps.length ||
    first.trace.faults - second.trace.faults ||
    compareText(first.kind, second.kind) ||
    compareText(first.subject ?? '', second.subject ?? '') ||
    compareText(first.message, second.message);
  if (order !== 0) return order;
  for (let step = 0; step < first.trace.steps.length; step += 1) {
    const labels = compareText(first.trace.steps[step]!.label, second.trace.steps[step]!.label);
    if (labels !== 0) return labels;
  }
  return 0;
}
