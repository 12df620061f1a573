import { realpathSync } from 'node:fs';
import { basename, isAbsolute, relative, sep } from 'node:path';
import type { Config, ScenarioConfig } from '../check/config.ts';
import type { ChangeSummary, ControllerChange, ScenarioDiff } from './diff-report.ts';
import { git } from './git.ts';
import { repositoryRoot } from './worktree.ts';

/** One file changed between base and head, its path relative to the repository root (`/`-separated). */
export type ChangedFile = ChangeSummary['files'][number];

/**
 * The files changed from `baseSha` to `headSha` (`git diff base...head`, so from their merge
 * base), or, when `headSha` is undefined, from `baseSha` to the working tree, untracked files included.
 */
export async function changedFiles(repository: string, baseSha: string, headSha: string | undefined): Promise<ChangedFile[]> {
  const root = await repositoryRoot(repository);
  const options = ['diff', '--name-status', '-M', '-z', '--no-color', '--no-ext-diff', '--no-relative'];
  const diff = parseNameStatus(await git(root, [...options, headSha === undefined ? baseSha : `${baseSha}...${headSha}`, '--']));
  if (headSha !== undefined) return sortByPath(diff);
  const untracked = (await git(root, ['ls-files', '--others', '--exclude-standard', '-z']))
    .split('\0')
    // A nested repository is listed as its folder, with a trailing slash: it is not one of this repository's files.
    .filter((path) => path !== '' && !path.endsWith('/'));
  const byPath = new Map(diff.map((file) => [file.path, file]));
  for (const path of untracked) {
    // Removed from the index but still on disk: what counts is that its contents may differ from base's.
    byPath.set(path, byPath.get(path)?.status === 'deleted' ? { status: 'modified', path } : { status: 'added', path });
  }
  return sortByPath([...byPath.values()]);
}

/** `git diff --name-status -z` output: a status letter (with a score for renames and copies), then one or two paths. */
function parseNameStatus(output: string): ChangedFile[] {
  const fields = output.split('\0');
  const files: ChangedFile[] = [];
  for (let index = 0; index < fields.length; ) {
    const code = fields[index++] ?? '';
    if (code === '') continue;
    const letter = code[0];
    if (letter === 'R' || letter === 'C') {
      const from = fields[index++] ?? '';
      const path = fields[index++] ?? '';
      files.push(letter === 'R' ? { status: 'renamed', path, from } : { status: 'added', path });
    } else {
      const path = fields[index++] ?? '';
      files.push({ status: letter === 'A' ? 'added' : letter === 'D' ? 'deleted' : 'modified', path });
    }
  }
  return files;
}

function sortByPath(files: ChangedFile[]): ChangedFile[] {
  return files.sort((left, right) => (left.path < right.path ? -1 : left.path > right.path ? 1 : 0));
}

/** One side of the comparison: its checkout's root folder, its config (undefined when it did not load) and each controller's bundle inputs. */
export interface SideInputs {
  /** The root folder of the side's checkout, against which the changed files' paths are taken. */
  readonly root: string;
  readonly config: Config | undefined;
  /** Absolute paths of each controller's bundle inputs, by controller name; a controller missing here (its module did not build) counts its module file alone. */
  readonly inputs: ReadonlyMap<string, readonly string[]>;
}

/** Package manifests and lockfiles: a change to one may change what a controller bundles from node_modules. */
const DEPENDENCY_FILES = new Set(['package.json', 'package-lock.json', 'npm-shrinkwrap.json', 'pnpm-lock.yaml', 'yarn.lock', 'bun.lock', 'bun.lockb']);

/**
 * Which controllers and check inputs the changed files reach. A controller is `changed` when one
 * of its bundle inputs (on either side) changed, or when it bundles code from node_modules and a
 * package manifest or lockfile changed; `renamed` when base and head declare the same module
 * export under different names; `added`/`removed` when only one side declares it. A side without
 * a config declares nothing.
 */
export function summariseChanges(args: { files: readonly ChangedFile[]; base: SideInputs; head: SideInputs }): ChangeSummary {
  const changed = new Set(args.files.flatMap((file) => (file.from === undefined ? [file.path] : [file.path, file.from])));
  const dependencyFiles = [...changed].filter((path) => DEPENDENCY_FILES.has(basename(path))).sort();
  const changedInputs = (side: SideInputs, name: string, module: string): string[] => {
    const files = new Set<string>();
    let bundlesDependencies = false;
    for (const input of side.inputs.get(name) ?? [module]) {
      // Wherever node_modules is: outside the checkout, or (a reused install) in the other one.
      if (input.split(/[\\/]/).includes('node_modules')) bundlesDependencies = true;
      const path = repositoryPath(side.root, input);
      if (path !== undefined && changed.has(path)) files.add(path);
    }
    if (bundlesDependencies) for (const path of dependencyFiles) files.add(path);
    return [...files];
  };

  const baseControllers = args.base.config?.controllers ?? [];
  const headControllers = args.head.config?.controllers ?? [];
  const baseByName = new Map(baseControllers.map((controller) => [controller.name, controller]));
  const headNames = new Set(headControllers.map((controller) => controller.name));
  const unmatchedBase = baseControllers.filter((controller) => !headNames.has(controller.name));
  const identity = (root: string, controller: { module: string; export: string }) => `${repositoryPath(root, controller.module) ?? controller.module}#${controller.export}`;

  const controllers: ControllerChange[] = [];
  for (const controller of headControllers) {
    const headFiles = changedInputs(args.head, controller.name, controller.module);
    const before = baseByName.get(controller.name);
    if (before !== undefined) {
      const files = sortedUnique([...headFiles, ...changedInputs(args.base, before.name, before.module)]);
      controllers.push({ name: controller.name, status: files.length > 0 ? 'changed' : 'unchanged', files });
      continue;
    }
    const key = identity(args.head.root, controller);
    const renamedFrom = unmatchedBase.findIndex((candidate) => identity(args.base.root, candidate) === key);
    if (renamedFrom === -1) {
      controllers.push({ name: controller.name, status: 'added', files: sortedUnique(headFiles) });
      continue;
    }
    const [from] = unmatchedBase.splice(renamedFrom, 1) as [typeof controller];
    const files = sortedUnique([...headFiles, ...changedInputs(args.base, from.name, from.module)]);
    controllers.push({ name: controller.name, status: 'renamed', from: from.name, files });
  }
  for (const controller of unmatchedBase) {
    controllers.push({ name: controller.name, status: 'removed', files: sortedUnique(changedInputs(args.base, controller.name, controller.module)) });
  }

  const checkInputs = [args.base, args.head].flatMap((side) =>
    side.config === undefined ? [] : checkFiles(side.config).flatMap((file) => repositoryPath(side.root, file) ?? []),
  );
  return { files: args.files, controllers, checkInputs: sortedUnique(checkInputs.filter((path) => changed.has(path))) };
}

/** Whether to check one scenario, and why, for the reader. */
export interface ScenarioSelection {
  readonly name: string;
  /** `checked`: runs on both sides; `added`: runs on head only; `removed`: runs on neither; `not-checked`: no change reaches it. */
  readonly status: ScenarioDiff['status'];
  /** Whether the scenario runs at all (on both sides, or on head only when it is new). */
  readonly check: boolean;
  readonly reason: string;
}

/** A side as scenariosToCheck needs it: its checkout's root folder and its config (undefined when it did not load: no scenarios). */
export type SideConfig = Pick<SideInputs, 'root' | 'config'>;

/**
 * For every scenario of either side (head's in config order, then those only base has): whether
 * to check it and why. A scenario is checked when `all` is set, when a controller taking part in
 * it (on either side) is not unchanged, when a CRD or one of its own files (objects, applied
 * steps, invariants module) changed, or when the config file changed what it says about the
 * scenario, its controllers or anything else but the other scenarios and controllers. A side
 * whose config is undefined (absent, or it did not load) has no scenarios, which the reason says.
 */
export function scenariosToCheck(summary: ChangeSummary, head: SideConfig, base: SideConfig, all: boolean): ScenarioSelection[] {
  const baseScenarios = new Map((base.config?.scenarios ?? []).map((scenario) => [scenario.name, scenario]));
  const headNames = new Set((head.config?.scenarios ?? []).map((scenario) => scenario.name));
  const selections: ScenarioSelection[] = [];
  for (const scenario of head.config?.scenarios ?? []) {
    const before = baseScenarios.get(scenario.name);
    if (before === undefined || base.config === undefined) {
      selections.push({ name: scenario.name, status: 'added', check: true, reason: base.config === undefined ? 'new scenario (base has no config)' : 'new scenario' });
      continue;
    }
    const reasons = all
      ? ['--all']
      : changeReasons(summary, { root: base.root, config: base.config, scenario: before }, { root: head.root, config: head.config as Config, scenario });
    selections.push(
      reasons.length > 0
        ? { name: scenario.name, status: 'checked', check: true, reason: reasons.join('; ') }
        : { name: scenario.name, status: 'not-checked', check: false, reason: 'no change reaches it' },
    );
  }
  for (const scenario of base.config?.scenarios ?? []) {
    if (headNames.has(scenario.name)) continue;
    selections.push({ name: scenario.name, status: 'removed', check: false, reason: head.config === undefined ? 'removed scenario (head has no config)' : 'removed scenario' });
  }
  return selections;
}

/** A scenario as one side declares it. */
interface SideScenario {
  readonly root: string;
  readonly config: Config;
  readonly scenario: ScenarioConfig;
}

/** Why the changes reach a scenario present on both sides: controllers first, then the config, then its files; empty when nothing does. */
function changeReasons(summary: ChangeSummary, base: SideScenario, head: SideScenario): string[] {
  const reasons: string[] = [];
  const controllers = new Set([...base.scenario.controllers, ...head.scenario.controllers]);
  // Controllers changed by the same files (one module, or a shared helper) make one reason.
  const changedBy = new Map<string, string[]>();
  for (const change of summary.controllers) {
    if (change.status === 'unchanged') continue;
    if (!controllers.has(change.name) && !(change.from !== undefined && controllers.has(change.from))) continue;
    if (change.status === 'changed') {
      const files = filesChanged(change.files);
      const names = changedBy.get(files) ?? [];
      if (names.length === 0) {
        changedBy.set(files, names);
        reasons.push(files);
      }
      names.push(change.name);
    } else if (change.status === 'renamed') reasons.push(`controller ${change.from ?? '?'} renamed to ${change.name}`);
    else reasons.push(`controller ${change.name} ${change.status}`);
  }
  for (const [index, reason] of reasons.entries()) {
    const names = changedBy.get(reason);
    if (names !== undefined) reasons[index] = `${reason} (${names.length === 1 ? 'controller' : 'controllers'} ${names.join(', ')})`;
  }
  const checkInputs = new Set(summary.checkInputs);
  const changedFiles = (files: (side: SideScenario) => readonly string[]): string[] =>
    sortedUnique([base, head].flatMap((side) => files(side).flatMap((file) => repositoryPath(side.root, file) ?? []))).filter((path) => checkInputs.has(path));
  const configFiles = changedFiles((side) => [side.config.file]);
  if (configFiles.length > 0 && configDiffers(base, head)) reasons.push(filesChanged(configFiles));
  const ownFiles = changedFiles((side) => [...side.config.crds, ...scenarioFiles(side.scenario)]).filter((path) => !configFiles.includes(path));
  if (ownFiles.length > 0) reasons.push(filesChanged(ownFiles));
  return reasons;
}

/** `a.ts changed`, `a.ts and b.ts changed`, `a.ts and 2 more files changed`. */
function filesChanged(files: readonly string[]): string {
  if (files.length === 0) return 'its inputs changed';
  if (files.length === 1) return `${files[0]} changed`;
  if (files.length === 2) return `${files[0]} and ${files[1]} changed`;
  return `${files[0]} and ${files.length - 1} more files changed`;
}

/**
 * Whether the config says something different about this scenario: the scenario itself, the
 * controllers it names, or anything but the other scenarios and controllers (the CRDs, fields
 * added later), every path taken relative to the config's folder so the two checkouts compare.
 */
function configDiffers(base: SideScenario, head: SideScenario): boolean {
  return JSON.stringify(scenarioView(base)) !== JSON.stringify(scenarioView(head));
}

function scenarioView({ config, scenario }: SideScenario): unknown {
  const { file, directory, scenarios: _scenarios, controllers, ...rest } = config;
  const used = controllers.filter((controller) => scenario.controllers.includes(controller.name));
  const view = { file: basename(file), ...rest, controllers: used, scenario };
  return JSON.parse(JSON.stringify(view), (_key, value: unknown) =>
    typeof value === 'string' && value.startsWith(directory + sep) ? relative(directory, value).split(sep).join('/') : value,
  );
}

/** The files of a scenario besides CRDs and the config: its objects, applied steps and invariants module. */
function scenarioFiles(scenario: ScenarioConfig): string[] {
  return [
    ...scenario.objects,
    ...scenario.steps.flatMap((step) => (step.verb === 'apply' ? [step.file] : [])),
    ...(scenario.invariants === undefined ? [] : [scenario.invariants]),
  ];
}

/** Every file a config's checks read besides controller code: the config, CRDs, objects, applied steps, invariants modules. */
function checkFiles(config: Config): string[] {
  return [config.file, ...config.crds, ...config.scenarios.flatMap(scenarioFiles)];
}

/**
 * `file` relative to `root`, `/`-separated as git prints it; undefined when it lies outside the
 * root. Tried as given and with symbolic links resolved, on both: esbuild reports real paths.
 */
function repositoryPath(root: string, file: string): string | undefined {
  for (const base of candidates(root)) {
    for (const path of candidates(file)) {
      const inside = relative(base, path);
      if (inside !== '' && !inside.startsWith('..') && !isAbsolute(inside)) return inside.split(sep).join('/');
    }
  }
  return undefined;
}

function candidates(path: string): string[] {
  try {
    const real = realpathSync(path);
    return real === path ? [path] : [path, real];
  } catch {
    return [path];
  }
}

function sortedUnique(paths: readonly string[]): string[] {
  return [...new Set(paths)].sort();
}
