import { existsSync } from 'node:fs';
import { relative, resolve, sep } from 'node:path';
import { check } from '../check/check.ts';
import { loadConfig, type Config } from '../check/index.ts';
import type { ScenarioReport } from '../check/report.ts';
import type { BoundsOverride } from '../check/run-scenario.ts';
import { changedFiles, scenariosToCheck, summariseChanges, type ScenarioSelection } from './changes.ts';
import { compareScenario, uncheckedScenario, verdictOf } from './compare.ts';
import type { DiffReport, FailOn, ScenarioDiff, Side } from './diff-report.ts';
import { controllerInputs } from './inputs.ts';
import { installDependencies } from './install.ts';
import { repositoryRoot, resolveRef, withWorktree } from './worktree.ts';
import { errorMessage } from '../error-message.ts';

export interface DiffOptions {
  /** a folder inside the repository (default: the working directory) */
  readonly directory?: string;
  /** the config file, relative to the repository root (default `fixpoint.yaml`) */
  readonly config?: string;
  readonly base: string;
  /** default: the working tree as it is */
  readonly head?: string;
  readonly failOn?: FailOn;
  /** check every scenario, not only those a change reaches */
  readonly all?: boolean;
  /** replaces the lockfile's install command on both sides */
  readonly installCommand?: string;
  /** replaces every scenario's bounds.maxStates and bounds.timeoutSeconds, on both sides */
  readonly bounds?: BoundsOverride;
  readonly onProgress?: (message: string) => void;
  /** told where each side's code is checked out (the repository itself, or a temporary worktree removed afterwards) */
  readonly onCheckout?: (side: 'base' | 'head', directory: string) => void;
}

const VERSION = '0.1.0';

/** What one side turned out to be: its config and the reports of the scenarios checked, or why it could not be built. */
interface SideResult {
  readonly side: Side;
  readonly root: string;
  readonly config: Config | undefined;
  readonly inputs: ReadonlyMap<string, readonly string[]>;
}

/**
 * `fixpoint diff`: checks out base (and head, unless it is the working tree) in temporary
 * worktrees, installs their dependencies, checks the scenarios a change reaches on both sides and
 * compares the results. A side that does not build is reported with its error; the other still runs.
 */
export async function diff(options: DiffOptions): Promise<DiffReport> {
  const root = await repositoryRoot(resolve(options.directory ?? process.cwd()));
  const configPath = options.config ?? 'fixpoint.yaml';
  const baseSha = await resolveRef(root, options.base);
  const headSha = options.head === undefined ? undefined : await resolveRef(root, options.head);
  const files = await changedFiles(root, baseSha, headSha);
  const say = options.onProgress ?? (() => {});

  const onHead = async <T>(work: (directory: string) => Promise<T>): Promise<T> => (headSha === undefined ? work(root) : withWorktree(root, headSha, work));
  return onHead((headRoot) =>
    withWorktree(root, baseSha, async (baseRoot) => {
      options.onCheckout?.('head', headRoot);
      options.onCheckout?.('base', baseRoot);
      if (headSha !== undefined || !existsSync(resolve(headRoot, 'node_modules'))) {
        say(`installing head's dependencies`);
        await installDependencies(headRoot, { ...(headRoot === root ? {} : { reuseFrom: root }), ...(options.installCommand === undefined ? {} : { installCommand: options.installCommand }) });
      }
      say(`installing base's dependencies`);
      await installDependencies(baseRoot, { reuseFrom: headRoot, ...(options.installCommand === undefined ? {} : { installCommand: options.installCommand }) });
      const head = await loadSide({ ref: options.head ?? 'working tree', ...(headSha ? { sha: headSha } : {}) }, headRoot, configPath);
      const base = await loadSide({ ref: options.base, sha: baseSha }, baseRoot, configPath);
      const summary = summariseChanges({ files, base: { root: baseRoot, config: base.config, inputs: base.inputs }, head: { root: headRoot, config: head.config, inputs: head.inputs } });
      const selections = scenariosToCheck(summary, head, base, options.all ?? false);
      const checked = selections.filter((selection) => selection.check).map((selection) => selection.name);
      say(`checking ${checked.length === 0 ? 'no scenario' : checked.join(', ')} on head`);
      const headRun = await checkSide(head, selections, 'head', options.bounds);
      say(`checking on base`);
      const baseRun = await checkSide(base, selections, 'base', options.bounds);
      // A head that does not build has nothing to compare; against a base that does not build, everything head finds is new.
      const comparable = headRun.side.error === undefined;
      const scenarios = selections.map((selection) => scenarioDiff(selection, baseRun.reports, headRun.reports, comparable));
      const sides = { base: baseRun.side, head: headRun.side };
      return {
        schemaVersion: 1,
        tool: { name: 'fixpoint', version: VERSION },
        ...sides,
        verdict: verdictOf(options.failOn ?? 'new-findings', scenarios, sides),
        changes: summary,
        scenarios,
      } satisfies DiffReport;
    }),
  );
}

/** Loads a side's config and its controllers' bundle inputs; a failure becomes the side's error. */
async function loadSide(side: Side, root: string, configPath: string): Promise<SideResult> {
  let config: Config;
  try {
    config = await loadConfig(resolve(root, configPath));
  } catch (error) {
    return { side: { ...side, error: describeError(error, root) }, root, config: undefined, inputs: new Map() };
  }
  const { inputs, errors } = await controllerInputs(config);
  const error = errors.length === 0 ? undefined : errors.map((failure) => `${failure.controller}: ${failure.message}`).join('\n');
  return { side: error === undefined ? side : { ...side, error }, root, config, inputs };
}

/** Runs the selected scenarios on one side; a load failure becomes the side's error. */
async function checkSide(side: SideResult, selections: readonly ScenarioSelection[], which: 'base' | 'head', bounds: BoundsOverride | undefined): Promise<{ side: Side; reports: Map<string, ScenarioReport> }> {
  const reports = new Map<string, ScenarioReport>();
  if (!side.config || side.side.error !== undefined) return { side: side.side, reports };
  const names = new Set(side.config.scenarios.map((scenario) => scenario.name));
  const wanted = selections.filter((selection) => selection.check && names.has(selection.name) && (which === 'head' || selection.status === 'checked')).map((selection) => selection.name);
  if (wanted.length === 0) return { side: side.side, reports };
  try {
    const report = await check({ config: side.config.file, scenarios: wanted, ...(bounds === undefined ? {} : { bounds }) });
    for (const scenario of report.scenarios) reports.set(scenario.name, withRelativePaths(scenario, side.root));
    return { side: side.side, reports };
  } catch (error) {
    return { side: { ...side.side, error: describeError(error, side.root) }, reports };
  }
}

/**
 * The report with the checkout's folder left out of finding messages (stack traces): checkouts are
 * temporary, so absolute paths would make every run's report, and comment, differ.
 */
function withRelativePaths(scenario: ScenarioReport, root: string): ScenarioReport {
  const prefix = `${root}${sep}`;
  return { ...scenario, findings: scenario.findings.map((finding) => ({ ...finding, message: finding.message.split(prefix).join('') })) };
}

/** A scenario's comparison; when head could not be built there is nothing to compare, only what base found. */
function scenarioDiff(selection: ScenarioSelection, base: ReadonlyMap<string, ScenarioReport>, head: ReadonlyMap<string, ScenarioReport>, comparable: boolean): ScenarioDiff {
  if (!selection.check) return { ...uncheckedScenario(selection.name, selection.reason), status: selection.status };
  const baseReport = base.get(selection.name);
  const headReport = head.get(selection.name);
  if (!comparable) {
    return { ...uncheckedScenario(selection.name, selection.reason), status: selection.status, ...(baseReport ? { base: baseReport } : {}), ...(headReport ? { head: headReport } : {}) };
  }
  return { ...compareScenario(selection.name, selection.reason, baseReport, headReport), status: selection.status };
}

/** An error as a reader of the report should see it: paths relative to the side's checkout, which is temporary. */
function describeError(error: unknown, root: string): string {
  const message = errorMessage(error);
  return message.split(`${root}/`).join('').split(relative(process.cwd(), root) + '/').join('');
}
