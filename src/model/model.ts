/**
 * What the explorer needs from a system to check it: a state machine given as an initial state,
 * the steps enabled in a state, and the state a step leads to. The explorer knows nothing else
 * about the system (the Kubernetes cluster is one implementation), so the search, the cycle
 * analysis and the trace minimisation can be tested on tiny hand-written models.
 */

/** 128-bit fingerprint of a state as 32 hexadecimal digits; the model computes it, and two states with the same fingerprint are the same state. */
export type Fingerprint = string;

/** A state machine the explorer can search. `State` objects are never mutated by the explorer. */
export interface Model<State, Step> {
  /** The state the search starts from. */
  initialState(): Promise<State>;
  /** The steps enabled in `state`, in a deterministic order; none means the state is converged. */
  steps(state: State): readonly Step[];
  /**
   * Runs one step from `state`, which it must not modify; may run user code. Usually one outcome;
   * several when one run shows several possible endings (e.g. a crash after each of its writes),
   * each labelled. The labels of all outcomes of all steps of one state must be distinct: a label
   * names a way out of a state, to order ties and to replay a trace.
   */
  next(state: State, step: Step): Promise<readonly Outcome<State>[]>;
  /** The state's fingerprint: equal for states the search should treat as one. */
  fingerprint(state: State): Fingerprint;
  /**
   * Stable text naming the step, shown in traces and used to order ties. It should name the step,
   * not the state it runs in: the explorer keeps one copy of each distinct label.
   */
  label(step: Step): string;
  /**
   * Whether a state counts as converged although it has steps: steps that only repeat work already
   * done, like a periodic requeue firing. Default: a state is converged when it has no steps. A
   * component of the state graph that holds a converged state is never a livelock.
   */
  converged?(state: State): boolean;
  /** Invariant violations of a reachable state; `converged` tells whether the state is converged. */
  check(state: State, converged: boolean): readonly Violation[];
}

/** One way a step ended. */
export interface Outcome<State> {
  /** the label of this ending in traces when it is not the step's own (`label(step)`) */
  label?: string;
  /** the state the step leads to; undefined: the step could not complete (its findings say why) and leads nowhere */
  state: State | undefined;
  /** the step used a fault (a crash, a stale read): minimal traces prefer fewer of them */
  fault: boolean;
  /** problems the step itself showed (a controller error, a timeout, a nondeterministic reconcile) */
  findings: readonly Violation[];
  /** what the model wants shown for this step in a trace (writes, diffs); kept only for the steps of minimal traces */
  detail?: unknown;
}

/** One problem found in a state or a step. */
export interface Violation {
  /** what sort of problem, e.g. `invariant`, `controller-error` */
  kind: string;
  message: string;
  /** free-form: what the problem is about, e.g. the controller or the invariant */
  subject?: string;
}
