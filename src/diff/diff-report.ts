import type { ConvergedReport, FindingReport, ScenarioReport, TraceReport } from '../check/report.ts';
import type { JsonValue } from '../sim/index.ts';

/** What fails the check: new findings (default), any finding, any change of converged states, or nothing. */
export type FailOn = 'new-findings' | 'any-finding' | 'converged-change' | 'never';

/** The result of `fixpoint diff` (schemaVersion 1): what a change does to the states controllers reach. */
export interface DiffReport {
  readonly schemaVersion: 1;
  readonly tool: { readonly name: 'fixpoint'; readonly version: string };
  readonly base: Side;
  readonly head: Side;
  readonly verdict: Verdict;
  /** what changed between the two sides, and which controllers that reaches */
  readonly changes: ChangeSummary;
  /** one entry per scenario on either side, in head's config order, then scenarios only base has */
  readonly scenarios: readonly ScenarioDiff[];
}

export interface Side {
  /** the ref as given (`main`, `HEAD~1`); `working tree` for uncommitted head */
  readonly ref: string;
  /** full commit SHA; absent for the working tree */
  readonly sha?: string;
  /** why this side could not be built or loaded (syntax error, missing export, bad config); the other side still runs */
  readonly error?: string;
}

export interface Verdict {
  readonly failOn: FailOn;
  readonly failed: boolean;
  readonly newFindings: number;
  readonly fixedFindings: number;
  /** converged states added plus removed, over all scenarios */
  readonly convergedChanges: number;
  /** one line for the top of a comment: `1 new finding, 1 new converged state` or `no behavioural change` */
  readonly summary: string;
}

export interface ChangeSummary {
  /** files changed between base and head (`git diff --name-status`), as `status path` */
  readonly files: readonly { readonly status: 'added' | 'modified' | 'deleted' | 'renamed'; readonly path: string; readonly from?: string }[];
  readonly controllers: readonly ControllerChange[];
  /** the config file, a CRD, a scenario file or an invariant module changed */
  readonly checkInputs: readonly string[];
}

export interface ControllerChange {
  readonly name: string;
  /** `renamed`: the same module export under a new name */
  readonly status: 'changed' | 'added' | 'removed' | 'renamed' | 'unchanged';
  readonly from?: string;
  /** the changed files among the controller's bundle inputs */
  readonly files: readonly string[];
}

export interface ScenarioDiff {
  readonly name: string;
  /** `checked` on both sides; `added`/`removed`: exists on one side only; `not-checked`: no change reaches it */
  readonly status: 'checked' | 'added' | 'removed' | 'not-checked';
  /** why it was (or was not) checked, for the reader */
  readonly reason: string;
  readonly base?: ScenarioReport;
  readonly head?: ScenarioReport;
  readonly converged: {
    readonly added: readonly ConvergedChange[];
    readonly removed: readonly ConvergedChange[];
    readonly unchanged: number;
  };
  readonly findings: {
    readonly new: readonly FindingReport[];
    readonly fixed: readonly FindingReport[];
    readonly stillPresent: readonly FindingReport[];
  };
}

/** A converged state only one side reaches, with the closest state of the other side and how they differ. */
export interface ConvergedChange {
  readonly state: ConvergedReport;
  readonly closest?: { readonly id: string; readonly differences: readonly FieldDifference[] };
}

/** One field that differs between two converged states. */
export interface FieldDifference {
  /** `ConfigMap default/persistence-r1-server-0` */
  readonly object: string;
  /** JSON path inside the object (`data.storage`); empty when the whole object is on one side only */
  readonly path: string;
  readonly base?: JsonValue;
  readonly head?: JsonValue;
}

export type { TraceReport };
