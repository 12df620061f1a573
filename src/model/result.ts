/** What an exploration is asked to do and what it reports. */
import type { Fingerprint } from './model.ts';

/** Limits and hooks of one exploration. A search cut by any limit is `bounded`, never a pass. */
export interface ExploreOptions {
  /** the most distinct states to store; finding one more stops the search */
  maxStates?: number;
  /** the deepest level to expand: states at this depth are checked, but their steps are not run */
  maxDepth?: number;
  /** wall-clock limit, checked before every step */
  timeoutSeconds?: number;
  /** stops the search, checked before every step */
  signal?: AbortSignal;
  /** called with the search's progress, at most once every `progressIntervalMs` */
  onProgress?: (progress: Progress) => void;
  /** default 1000 */
  progressIntervalMs?: number;
  /**
   * Default true: keep each state's parent-link step detail during the search, which costs memory
   * per state in proportion to the model's details. False: keep none, and re-run the steps of the
   * reported traces afterwards to recover them (a step the model no longer reproduces, and those
   * after it, then have no detail).
   */
  keepDetails?: boolean;
}

/** How far a running search has got, for a progress line. */
export interface Progress {
  /** distinct states found */
  states: number;
  /** states found but not yet expanded */
  frontier: number;
  /** depth of the level being expanded */
  depth: number;
  statesPerSecond: number;
  elapsedMs: number;
}

/** One step of a trace. */
export interface TraceStep {
  label: string;
  /** the model's `Outcome.detail` for this step */
  detail: unknown;
  fault: boolean;
}

/** A path of steps from the initial state. */
export interface Trace {
  steps: TraceStep[];
  /** how many steps used a fault */
  faults: number;
  /** for a cycle that never ends: the index of its first step; the steps from there on repeat forever */
  cycleStart?: number;
}

/** A reachable state with no steps. */
export interface ConvergedState<State> {
  fingerprint: Fingerprint;
  /** the model's state object, for the model to render */
  state: State;
  /** a minimal trace to it */
  trace: Trace;
}

/**
 * One distinct problem (by kind, subject and message) with a minimal trace to where it first
 * appears. Besides the model's own kinds, the explorer reports `non-convergence` (reachable states
 * from which no converged state can be reached) and `bound-reached` (the result is partial).
 */
export interface Finding {
  kind: string;
  message: string;
  subject?: string;
  trace: Trace;
}

/** Size and cost of an exploration. */
export interface ExplorationStats {
  /** distinct states found */
  states: number;
  /** steps that led to a state (edges of the explored graph) */
  transitions: number;
  /** depth of the deepest state found */
  depth: number;
  durationMs: number;
  /** upper bound on the chance that two distinct states shared a fingerprint: n²/2¹²⁹ for n states */
  collisionProbability: number;
}

/**
 * The outcome of an exploration, identical for the same model. `bounded`: a limit cut the search,
 * the result is partial and a `bound-reached` finding says which limit.
 */
export interface ExplorationResult<State> {
  status: 'complete' | 'bounded';
  stats: ExplorationStats;
  /** ordered by trace length, then faults, then fingerprint */
  converged: ConvergedState<State>[];
  /** ordered by trace length, then faults, then kind, subject, message and step labels */
  findings: Finding[];
}
