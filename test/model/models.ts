/** Tiny hand-written models with known answers, for the explorer's tests. */
import { hash } from 'node:crypto';
import type { Fingerprint, Model, Outcome, Violation } from '../../src/model/index.ts';

/** A 128-bit fingerprint of text. */
export function fingerprintOf(text: string): Fingerprint {
  return hash('md5', text, 'hex');
}

/** K counters, each 0 to `top`; a step increments one counter below `top`. (top + 1)^K states, one converged. */
export function counterGrid(counters: number, top: number): Model<readonly number[], number> {
  return {
    initialState: async () => new Array<number>(counters).fill(0),
    steps: (state) => state.flatMap((value, counter) => (value < top ? [counter] : [])),
    next: async (state, counter) => [{ state: state.map((value, index) => (index === counter ? value + 1 : value)), fault: false, findings: [] }],
    fingerprint: (state) => fingerprintOf(state.join(',')),
    label: (counter) => `increment ${counter}`,
    check: () => [],
  };
}

/** A way out of a state in a `tableModel`: its label, where it leads (undefined: nowhere), and what it shows. */
export interface TableStep {
  label: string;
  to: string | undefined;
  fault?: boolean;
  findings?: Violation[];
  /** more endings of the same run, each with its own label (like a crash after a write) */
  endings?: { label: string; to: string; fault: boolean }[];
}

/** A model written as a table: states are names, each with the steps leaving it. */
export interface Table {
  initial: string;
  steps: Record<string, TableStep[]>;
  /** fingerprints chosen by hand, to decide ties; others are hashes of the name */
  fingerprints?: Record<string, Fingerprint>;
  check?: (state: string, converged: boolean) => Violation[];
}

/** The model a table describes; each step's detail is `from → to`. */
export function tableModel(table: Table): Model<string, TableStep> & { runs: number } {
  const model = {
    runs: 0,
    initialState: async () => table.initial,
    steps: (state: string) => table.steps[state] ?? [],
    next: async (state: string, step: TableStep): Promise<Outcome<string>[]> => {
      model.runs += 1;
      return [
        { state: step.to, fault: step.fault ?? false, findings: step.findings ?? [], detail: `${state} → ${step.to ?? 'nowhere'}` },
        ...(step.endings ?? []).map((ending) => ({ label: ending.label, state: ending.to, fault: ending.fault, findings: [], detail: `${state} → ${ending.to}` })),
      ];
    },
    fingerprint: (state: string) => table.fingerprints?.[state] ?? fingerprintOf(state),
    label: (step: TableStep) => step.label,
    check: (state: string, converged: boolean) => table.check?.(state, converged) ?? [],
  };
  return model;
}

/** The same model with every state's steps listed in reverse order. */
export function reversedSteps<State, Step>(model: Model<State, Step>): Model<State, Step> {
  return { ...model, steps: (state) => [...model.steps(state)].reverse(), next: (state, step) => model.next(state, step) };
}

/** The labels of a trace's steps. */
export function labels(trace: { steps: readonly { label: string }[] }): string[] {
  return trace.steps.map((step) => step.label);
}

/** A fingerprint that orders as `rank` does (hand-written fingerprints decide ties). */
export function rankedFingerprint(rank: number): Fingerprint {
  return rank.toString(16).padStart(32, '0');
}
