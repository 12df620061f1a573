/**
 * Traces rebuilt from parent links, and the compact form a trace takes while the search runs: its
 * last step and the state before it (whose own minimal trace the parent links give).
 */
import type { StateGraph, StepCode } from './graph.ts';
import type { Trace, TraceStep } from './result.ts';

/** A trace named by its end: the minimal trace to `anchor`, then `step`. Anchor -1: the empty trace. */
export interface TraceEnd {
  length: number;
  faults: number;
  anchor: number;
  step: StepCode;
  detail: unknown;
  /** the state the trace is the minimal trace of; -1: it ends with a step that is not a parent link */
  state: number;
}

/** The minimal trace to a state, by its end. */
export function traceEndAt(graph: StateGraph, index: number): TraceEnd {
  const anchor = graph.parentOf(index);
  return { length: graph.depthOf(index), faults: graph.faultsOf(index), anchor, step: anchor < 0 ? 0 : graph.parentStepOf(index), detail: graph.detailOf(index), state: index };
}

/** The minimal trace to a state followed by one more step, by its end. */
export function traceEndAfter(graph: StateGraph, index: number, step: StepCode, detail: unknown): TraceEnd {
  return { length: graph.depthOf(index) + 1, faults: graph.faultsOf(index) + (graph.isFault(step) ? 1 : 0), anchor: index, step, detail, state: -1 };
}

/** The fixed order of traces: fewer steps, then fewer faults, then the smaller (state before the last step, last step). */
export function compareTraceEnds(graph: StateGraph, first: TraceEnd, second: TraceEnd): number {
  if (first.length !== second.length) return first.length - second.length;
  return graph.compareLinks(first.faults, first.anchor, first.step, second.faults, second.anchor, second.step);
}

/** The trace a `TraceEnd` names. */
export function traceOf(graph: StateGraph, end: TraceEnd): Trace {
  if (end.anchor < 0) return { steps: [], faults: 0 };
  const trace = traceTo(graph, end.anchor);
  trace.steps.push(traceStep(graph, end.step, end.detail));
  trace.faults = end.faults;
  return trace;
}

/** The minimal trace to a state, from the parent links. */
export function traceTo(graph: StateGraph, index: number): Trace {
  const steps: TraceStep[] = [];
  for (let state = index; graph.parentOf(state) >= 0; state = graph.parentOf(state)) {
    steps.push(traceStep(graph, graph.parentStepOf(state), graph.detailOf(state)));
  }
  steps.reverse();
  return { steps, faults: graph.faultsOf(index) };
}

/** The states along the minimal trace to a state, the initial state first. */
export function statesTo(graph: StateGraph, index: number): number[] {
  const states: number[] = [];
  for (let state = index; state >= 0; state = graph.parentOf(state)) states.push(state);
  return states.reverse();
}

/** One step of a trace. */
export function traceStep(graph: StateGraph, step: StepCode, detail: unknown): TraceStep {
  return { label: graph.label(step), detail, fault: graph.isFault(step) };
}
