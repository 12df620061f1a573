import type { ClusterModelState, StepDetail } from '../model/cluster/cluster-model.ts';
import type { FieldChange } from '../model/cluster/diff.ts';
import type { ExplorationResult, Trace } from '../model/index.ts';
import type { RecordedRequest } from '../model/cluster/recorder.ts';
import type { JsonObject } from '../sim/index.ts';

/** The report of `fixpoint check` (schemaVersion 1; documented in the README, schema in report.schema.json). */
export interface Report {
  readonly schemaVersion: 1;
  readonly tool: { readonly name: 'fixpoint'; readonly version: string };
  /** the config file, relative to the working directory */
  readonly config: string;
  readonly scenarios: readonly ScenarioReport[];
}

export interface ScenarioReport {
  readonly name: string;
  /** `complete`: every reachable state explored; `bounded`: a limit cut the search (partial, never a pass); `error`: it could not run */
  readonly status: 'complete' | 'bounded' | 'error';
  /** why the scenario could not run (status `error`) */
  readonly error?: string;
  readonly stats: ScenarioStats;
  readonly converged: readonly ConvergedReport[];
  readonly findings: readonly FindingReport[];
}

export interface ScenarioStats {
  readonly states: number;
  readonly transitions: number;
  readonly reconciles: number;
  readonly depth: number;
  readonly durationMs: number;
  /** chance that two distinct states shared a 128-bit fingerprint in this run (birthday bound) */
  readonly collisionProbability: number;
}

export interface ConvergedReport {
  /** stable across runs and machines: a hash of the canonical objects */
  readonly id: string;
  /** the objects, canonical: without resourceVersions, timestamps, managedFields and uids */
  readonly objects: readonly JsonObject[];
  readonly trace: TraceReport;
}

export interface FindingReport {
  /** `non-convergence`, `controller-error`, `invariant`, `unstable-convergence`, `nondeterministic-reconcile`, `reconcile-timeout`, `bound-reached` */
  readonly kind: string;
  readonly message: string;
  /** the controller it is about, when it is about one */
  readonly controller?: string;
  /** the invariant or bound it is about, when it is about one */
  readonly subject?: string;
  readonly trace: TraceReport;
}

export interface TraceReport {
  readonly steps: readonly TraceStepReport[];
  readonly faults: number;
  /** for a cycle: the index of the first step of the turn that repeats forever */
  readonly cycleStart?: number;
}

export interface TraceStepReport {
  /** `controller:NAME`, `user`, `builtin:garbage-collector`, `cache`, `clock` */
  readonly actor: string;
  readonly label: string;
  readonly request?: string;
  /** the fault this step used, if any (`crash after write 2`, `stale read of …`) */
  readonly fault?: string;
  readonly writes: readonly WriteReport[];
  /** how the reconcile ended (`done`, `requeue`, `threw: …`) */
  readonly result?: string;
}

/** A write as a trace shows it: the request, its answer, and the fields it changed. */
export type WriteReport = Omit<RecordedRequest, 'stale' | 'changes'> & { readonly changes: readonly FieldChange[] };

/** Kinds whose subject is a controller. */
const CONTROLLER_KINDS = new Set(['controller-error', 'unstable-convergence', 'nondeterministic-reconcile', 'reconcile-timeout']);

/** A trace as the report shows it: each step's actor, request, fault and writes. */
export function traceReport(trace: Trace): TraceReport {
  return {
    steps: trace.steps.map((step) => stepReport(step.label, step.detail as StepDetail | undefined, step.fault)),
    faults: trace.faults,
    ...(trace.cycleStart === undefined ? {} : { cycleStart: trace.cycleStart }),
  };
}

export function stepReport(label: string, detail: StepDetail | undefined, fault: boolean): TraceStepReport {
  return {
    actor: detail?.actor ?? 'unknown',
    label,
    ...(detail?.request ? { request: detail.request } : {}),
    ...(detail?.fault ? { fault: detail.fault } : fault ? { fault: 'fault' } : {}),
    writes: (detail?.requests ?? []).filter(isWrite).map(writeReport),
    ...(detail?.result ? { result: detail.result } : {}),
  };
}

function isWrite(request: RecordedRequest): boolean {
  return request.verb !== 'get' && request.verb !== 'list';
}

function writeReport({ stale: _stale, changes, ...request }: RecordedRequest): WriteReport {
  return { ...request, changes: changes ?? [] };
}

/** A finding of the explorer as the report shows it. */
export function findingReport(finding: ExplorationResult<ClusterModelState>['findings'][number]): FindingReport {
  return {
    kind: finding.kind,
    message: finding.message,
    ...(finding.subject !== undefined && CONTROLLER_KINDS.has(finding.kind) ? { controller: finding.subject } : {}),
    ...(finding.subject !== undefined && !CONTROLLER_KINDS.has(finding.kind) ? { subject: finding.subject } : {}),
    trace: traceReport(finding.trace),
  };
}

/** Metadata that is history, not state: left out of converged objects so equal states print equally. */
const HISTORY_METADATA = ['resourceVersion', 'creationTimestamp', 'managedFields', 'uid', 'deletionTimestamp'];

/** An object as a converged state shows it: canonical (no history, uids only as a marker of deletion). */
export function canonicalObject(object: JsonObject): JsonObject {
  const metadata = { ...(object['metadata'] as JsonObject) };
  const deleting = metadata['deletionTimestamp'] !== undefined;
  for (const field of HISTORY_METADATA) delete metadata[field];
  if (deleting) metadata['deletionTimestamp'] = 'set';
  if (Array.isArray(metadata['ownerReferences'])) {
    metadata['ownerReferences'] = metadata['ownerReferences'].map((reference) => {
      const { uid: _uid, ...rest } = reference as JsonObject;
      return rest;
    });
  }
  return { ...object, metadata };
}
