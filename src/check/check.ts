import { availableParallelism } from 'node:os';
import { relative } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { Progress } from '../model/index.ts';
import { loadConfig } from './config.ts';
import { HangSignal } from './hang-signal.ts';
import type { Report, ScenarioReport } from './report.ts';
import type { BoundsOverride, ScenarioRun } from './run-scenario.ts';
import type { WorkerMessage } from './worker-messages.ts';

export interface CheckOptions {
  /** path of fixpoint.yaml */
  readonly config: string;
  /** only these scenarios (default: all) */
  readonly scenarios?: readonly string[];
  /** real milliseconds a reconcile may stay pending (awaiting nothing) before it is a `reconcile-timeout` */
  readonly reconcileBudgetMs?: number;
  /** seconds a reconcile may run without returning before its thread is ended (a synchronous loop) */
  readonly stallSeconds?: number;
  /** heap limit of each scenario's thread */
  readonly memoryLimitMb?: number;
  /** replaces every scenario's bounds.maxStates and bounds.timeoutSeconds */
  readonly bounds?: BoundsOverride;
  readonly onProgress?: (scenario: string, progress: Progress) => void;
}

/** The scenario's code or files could not be loaded: a usage error (exit status 2), not a finding. */
export class LoadError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LoadError';
  }
}

const VERSION = '0.1.0';

/** The module each scenario's thread runs: worker.ts from the sources; the Action's bundle sets itself (it branches on isMainThread). */
let workerEntry: URL = new URL('./worker.ts', import.meta.url);

/** Makes scenario threads start from `entry`, a module that calls `runScenarioThread` when it is not the main thread. */
export function setWorkerEntry(entry: URL): void {
  workerEntry = entry;
}
/** How often a reconcile that never returns may be named and the scenario started again without it. */
const MAX_HANGS = 5;

/** Explores every (selected) scenario of a config, each in its own worker thread; the report in config order. */
export async function check(options: CheckOptions): Promise<Report> {
  const config = await loadConfig(options.config);
  const unknown = (options.scenarios ?? []).filter((name) => !config.scenarios.some((scenario) => scenario.name === name));
  if (unknown.length > 0) {
    throw new LoadError(`${relative(process.cwd(), config.file)}: no scenario named ${unknown.map((name) => `"${name}"`).join(', ')}; scenarios: ${config.scenarios.map((scenario) => scenario.name).join(', ')}`);
  }
  const selected = config.scenarios.filter((scenario) => options.scenarios === undefined || options.scenarios.length === 0 || options.scenarios.includes(scenario.name));
  const reports: ScenarioReport[] = new Array(selected.length);
  let nextIndex = 0;
  const worker = async () => {
    while (nextIndex < selected.length) {
      const index = nextIndex++;
      const scenario = selected[index]!;
      reports[index] = await runWithWatchdog(
        { configPath: config.file, scenario: scenario.name, reconcileBudgetMs: options.reconcileBudgetMs ?? 2000, hangs: [], ...(options.bounds === undefined ? {} : { bounds: options.bounds }) },
        options,
      );
    }
  };
  await Promise.all(Array.from({ length: Math.min(availableParallelism(), selected.length) }, worker));
  return { schemaVersion: 1, tool: { name: 'fixpoint', version: VERSION }, config: relative(process.cwd(), config.file) || config.file, scenarios: reports };
}

/**
 * Runs a scenario in a worker; a reconcile that never returns ends the worker, and the scenario
 * runs again with that reconcile reported as `reconcile-timeout` (exploration is deterministic, so
 * the rerun reaches it again and gets a minimal trace to it).
 */
async function runWithWatchdog(run: ScenarioRun, options: CheckOptions): Promise<ScenarioReport> {
  let hangs = run.hangs;
  for (let attempt = 0; attempt <= MAX_HANGS; attempt += 1) {
    const outcome = await runInWorker({ ...run, hangs }, options);
    if (outcome.type === 'report') return outcome.report;
    if (outcome.type === 'load-error') throw new LoadError(outcome.message);
    if (outcome.type === 'crashed') return errorReport(run.scenario, outcome.message);
    hangs = [...hangs, outcome.key];
  }
  return errorReport(run.scenario, `more than ${MAX_HANGS} reconciles never returned`);
}

type WorkerOutcome =
  | { type: 'report'; report: ScenarioReport }
  | { type: 'load-error'; message: string }
  | { type: 'hung'; key: string }
  | { type: 'crashed'; message: string };

function runInWorker(run: ScenarioRun, options: CheckOptions): Promise<WorkerOutcome> {
  const signal = new HangSignal();
  const memoryLimitMb = options.memoryLimitMb ?? 4096;
  const worker = new Worker(workerEntry, { workerData: { run, signal: signal.buffer }, resourceLimits: { maxOldGenerationSizeMb: memoryLimitMb } });
  return new Promise((resolve) => {
    let settled: WorkerOutcome | undefined;
    const settle = (outcome: WorkerOutcome) => {
      settled ??= outcome;
    };
    let watched: { count: number; since: number } | undefined;
    const stallMs = (options.stallSeconds ?? 20) * 1000;
    const watchdog = setInterval(() => {
      const running = signal.running();
      if (!running) {
        watched = undefined;
        return;
      }
      if (watched?.count !== running.count) {
        watched = { count: running.count, since: Date.now() };
        return;
      }
      if (Date.now() - watched.since >= stallMs) {
        settle({ type: 'hung', key: running.key });
        void worker.terminate();
      }
    }, 250);
    worker.on('message', (message: WorkerMessage) => {
      if (message.type === 'progress') options.onProgress?.(run.scenario, message.progress);
      else {
        settle(message.type === 'done' ? { type: 'report', report: message.report } : { type: 'load-error', message: message.message });
        // Timers a controller left behind must not keep the thread alive.
        void worker.terminate();
      }
    });
    worker.on('error', (error: Error & { code?: string }) => {
      const message =
        error.code === 'ERR_WORKER_OUT_OF_MEMORY'
          ? `ran out of memory (limit ${memoryLimitMb} MiB): lower bounds.maxStates or bounds.maxDepth`
          : `the scenario's thread failed: ${error.stack ?? error.message}`;
      settle({ type: 'crashed', message });
    });
    worker.on('exit', () => {
      clearInterval(watchdog);
      resolve(settled ?? { type: 'crashed', message: 'the scenario’s thread ended without a report' });
    });
  });
}

function errorReport(name: string, error: string): ScenarioReport {
  return {
    name,
    status: 'error',
    error,
    stats: { states: 0, transitions: 0, reconciles: 0, depth: 0, durationMs: 0, collisionProbability: 0 },
    converged: [],
    findings: [],
  };
}
