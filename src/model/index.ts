/**
 * The explorer: a breadth-first model checker over any `Model` (initial state, enabled steps, next
 * state, fingerprint), reporting converged states and findings, each with a minimal trace.
 */
export type { Fingerprint, Model, Outcome, Violation } from './model.ts';
export type { ConvergedState, ExplorationResult, ExplorationStats, ExploreOptions, Finding, Progress, Trace, TraceStep } from './result.ts';
export { explore } from './bfs.ts';
export { BOUND_REACHED, type Bound } from './bounds.ts';
export { NON_CONVERGENCE } from './non-convergence.ts';
