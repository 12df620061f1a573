import { relative } from 'node:path';
import { loadControllers, loadInvariants, runReconcile } from '../controllers/index.ts';
import { canonicalStoreFingerprint } from '../model/cluster/canonical.ts';
import { ClusterModel, type ClusterModelState, type ReconcileRunner, type RuntimeController } from '../model/cluster/cluster-model.ts';
import { explore, type Progress } from '../model/index.ts';
import { DEFINITIONS_KEY, INITIAL_NAMESPACES, objectEntries, resolveClientNode, type JsonObject } from '../sim/index.ts';
import { loadConfig } from './config.ts';
import { canonicalObject, findingReport, stepReport, traceReport, type ConvergedReport, type FindingReport, type ScenarioReport } from './report.ts';
import { buildScenario } from './scenario.ts';

/** One scenario to explore, as handed to a worker. */
export interface ScenarioRun {
  readonly configPath: string;
  readonly scenario: string;
  readonly reconcileBudgetMs: number;
  /** reconciles known never to return (see ClusterScenario.hangs) */
  readonly hangs: readonly string[];
  /** replaces the scenario's bounds.maxStates and bounds.timeoutSeconds (the Action's max-states and timeout-seconds) */
  readonly bounds?: BoundsOverride;
}

/** Bounds given for every scenario, replacing what fixpoint.yaml says. */
export interface BoundsOverride {
  readonly maxStates?: number;
  readonly timeoutSeconds?: number;
}

/** Hooks for the thread that runs the scenario. */
export interface ScenarioHooks {
  onProgress?(progress: Progress): void;
  beforeReconcile?(hangKey: string): void;
  afterReconcile?(): void;
}


/** Loads a scenario's code and explores it; the report of one scenario. Load errors throw. */
export async function runScenario(run: ScenarioRun, hooks: ScenarioHooks = {}): Promise<ScenarioReport> {
  const config = await loadConfig(run.configPath);
  const scenario = config.scenarios.find((candidate) => candidate.name === run.scenario);
  if (!scenario) throw new Error(`${relative(process.cwd(), config.file)}: no scenario named "${run.scenario}"`);
  const entries = config.controllers.filter((controller) => scenario.controllers.includes(controller.name));
  const controllers = (await loadControllers(entries, config.directory)) as unknown as RuntimeController[];
  const invariants = scenario.invariants ? await loadInvariants(scenario.invariants, config.directory) : [];
  const clientNode = await resolveClientNode(config.directory);
  const runner: ReconcileRunner = async (controller, request, context, options) => {
    try {
      return await runReconcile(controller as never, request as never, context as never, options);
    } finally {
      hooks.afterReconcile?.();
    }
  };
  const model = new ClusterModel(
    await buildScenario(config, scenario, { clientNode, controllers, invariants, runReconcile: runner }, {
      reconcileBudgetMs: run.reconcileBudgetMs,
      hangs: new Set(run.hangs),
      ...(hooks.beforeReconcile ? { beforeReconcile: hooks.beforeReconcile } : {}),
    }),
  );
  const result = await explore(model, {
    maxStates: run.bounds?.maxStates ?? scenario.bounds.maxStates,
    maxDepth: scenario.bounds.maxDepth,
    timeoutSeconds: run.bounds?.timeoutSeconds ?? scenario.bounds.timeoutSeconds,
    // Step details (requests, field changes) are recovered by replaying the reported traces, not kept for every state.
    keepDetails: false,
    ...(hooks.onProgress ? { onProgress: hooks.onProgress } : {}),
  });

  const converged: ConvergedReport[] = [];
  const findings: FindingReport[] = result.findings.map(findingReport);
  const seen = new Set<string>();
  for (const state of result.converged) {
    const id = canonicalStoreFingerprint(state.state.store).slice(0, 12);
    // Converged states that differ only in fault budgets left are one converged state.
    if (seen.has(id)) continue;
    seen.add(id);
    const trace = traceReport(state.trace);
    converged.push({ id, objects: convergedObjects(state.state), trace });
    const unstable = await model.checkStability(state.state);
    if (unstable) {
      findings.push({
        kind: unstable.violation.kind,
        message: unstable.violation.message,
        controller: unstable.violation.subject ?? '',
        trace: { ...trace, steps: [...trace.steps, stepReport(unstable.label, unstable.detail, false)] },
      });
    }
  }
  return {
    name: scenario.name,
    status: result.status,
    stats: {
      states: result.stats.states,
      transitions: result.stats.transitions,
      reconciles: model.reconciles,
      depth: result.stats.depth,
      durationMs: Math.round(result.stats.durationMs),
      collisionProbability: result.stats.collisionProbability,
    },
    converged,
    findings,
  };
}

/** A converged state's objects, without setup (the initial namespaces, the scenario's CRDs). */
function convergedObjects(state: ClusterModelState): JsonObject[] {
  return objectEntries(state.store)
    .filter((entry) => entry.resource !== DEFINITIONS_KEY && !(entry.resource === '/namespaces' && INITIAL_NAMESPACES.includes(entry.name)))
    .map((entry) => canonicalObject(entry.stored.object as JsonObject));
}
