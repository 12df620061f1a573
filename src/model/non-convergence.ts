/**
 * `non-convergence`: reachable states from which no converged state can be reached. In a finite
 * graph every path ends in a bottom strongly connected component (one no edge leaves); one with a
 * cycle holds no converged state and can never be left, so the system runs forever (a livelock).
 * A cycle that can be left is not a finding: schedulers are fair, so the way out is taken.
 */
import { shortestCycle } from './cycle.ts';
import type { StateGraph } from './graph.ts';
import type { Model } from './model.ts';
import { replayDetails } from './replay.ts';
import type { Finding } from './result.ts';
import { stronglyConnectedComponents } from './scc.ts';
import { compareTraceEnds, statesTo, traceEndAt, traceStep, traceTo } from './trace.ts';

/** The kind of the findings below. */
export const NON_CONVERGENCE = 'non-convergence';

/**
 * One finding per bottom component with a cycle whose states were all expanded (so no unexplored
 * step could leave it): the minimal trace into the component, then one turn of a shortest cycle
 * back to the state it entered at. The graph must be sealed; `detailsKept`: whether its parent links
 * carry step details (if not, those of the trace into the component are replayed too).
 */
export async function findNonConvergence<State, Step>(
  graph: StateGraph,
  model: Model<State, Step>,
  detailsKept: boolean,
  convergedStates: ReadonlySet<number>,
): Promise<Finding[]> {
  if (!graph.mayHaveCycles) return [];
  const adjacency = graph.adjacency();
  const { offsets, targets } = adjacency;
  const { component, count } = stronglyConnectedComponents(adjacency);
  const size = new Uint32Array(count);
  /** 1: an edge leaves the component, a state in it was not expanded, or one is converged; none of these is a trap */
  const open = new Uint8Array(count);
  const selfLoop = new Uint8Array(count);
  for (let state = 0; state < graph.size; state += 1) {
    const inside = component[state]!;
    size[inside] = size[inside]! + 1;
    if (!graph.isExpanded(state) || convergedStates.has(state)) open[inside] = 1;
    for (let edge = offsets[state]!; edge < offsets[state + 1]!; edge += 1) {
      const target = targets[edge]!;
      if (component[target] !== inside) open[inside] = 1;
      else if (target === state) selfLoop[inside] = 1;
    }
  }

  // The entry of each trap: its state with the smallest minimal trace.
  const entries = new Map<number, number>();
  for (let state = 0; state < graph.size; state += 1) {
    const inside = component[state]!;
    if (open[inside] === 1 || (size[inside] === 1 && selfLoop[inside] === 0)) continue;
    const entry = entries.get(inside);
    if (entry === undefined || compareTraceEnds(graph, traceEndAt(graph, state), traceEndAt(graph, entry)) < 0) entries.set(inside, state);
  }

  const findings: Finding[] = [];
  for (const [inside, entry] of entries) {
    const trace = traceTo(graph, entry);
    const cycle = shortestCycle(graph, component, entry);
    // Cycle steps off the parent links have no stored detail: replay the path to recover them.
    const prefix = statesTo(graph, entry).slice(1);
    const replayPath = [
      ...prefix.map((state) => ({ label: graph.label(graph.parentStepOf(state)), fingerprint: graph.fingerprintOf(state) })),
      ...cycle.map(({ step, target }) => ({ label: graph.label(step), fingerprint: graph.fingerprintOf(target) })),
    ];
    const details = await replayDetails(model, replayPath, graph.fingerprintOf(0));
    const cycleStart = trace.steps.length;
    if (!detailsKept) trace.steps.forEach((step, position) => (step.detail = details[position]));
    cycle.forEach(({ step }, position) => {
      trace.steps.push(traceStep(graph, step, details[cycleStart + position]));
      if (graph.isFault(step)) trace.faults += 1;
    });
    trace.cycleStart = cycleStart;
    const states = size[inside]!;
    findings.push({
      kind: NON_CONVERGENCE,
      message: `never converges: ${cycle.length === 1 ? 'the last step repeats' : `the last ${cycle.length} steps repeat`} forever, and ${states === 1 ? 'no other state is reachable from there' : `none of the ${states} states reachable from there is converged`}`,
      trace,
    });
  }
  return findings;
}
