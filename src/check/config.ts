import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import type { JsonObject } from '../sim/index.ts';
import { parseConfigDocument, type ConfigDocument } from './config-document.ts';
import { ConfigError, type ConfigProblem } from './config-error.ts';
import { expandCrdGlobs, referenceProblems, type CrdMatches } from './config-references.ts';
import { schemaProblems } from './config-schema.ts';
import type { KeyPath } from './key-path.ts';

/** A loaded `fixpoint.yaml`: every path absolute, every default applied. */
export interface Config {
  /** Absolute path of the config file. */
  readonly file: string;
  /** The config file's folder, against which its relative paths were resolved. */
  readonly directory: string;
  readonly controllers: readonly ControllerConfig[];
  /** The CustomResourceDefinition files the `crds` globs matched: absolute, each once, in pattern order then sorted. */
  readonly crds: readonly string[];
  readonly scenarios: readonly ScenarioConfig[];
}

/** One controller under check. Whether `module` really exports it is checked when the module is loaded. */
export interface ControllerConfig {
  /** Equals the `name` given to defineController. */
  readonly name: string;
  /** Absolute path of the module. */
  readonly module: string;
  /** The export that holds the controller (or an array containing it); `default` for the default export. */
  readonly export: string;
}

/** One scenario to explore. */
export interface ScenarioConfig {
  readonly name: string;
  /** Absolute paths of the YAML files of initial objects, in order. */
  readonly objects: readonly string[];
  /** Names of the controllers taking part; every declared controller, in declaration order, when the config names none. */
  readonly controllers: readonly string[];
  readonly builtins: readonly Builtin[];
  /** User steps, in the order they happen. */
  readonly steps: readonly Step[];
  /** Absolute path of the invariants module; absent when the scenario has none. */
  readonly invariants?: string;
  readonly faults: Faults;
  readonly bounds: Bounds;
}

/** A model of a core Kubernetes controller that can take part in a scenario. */
export type Builtin = 'garbage-collector';

/** When a user step may happen: at any point after the step before it, or only at a converged state. */
export type StepTiming = 'anytime' | 'converged';

/** The object a patch or delete step acts on; `namespace` is absent for cluster-scoped kinds (or when left to the default). */
export interface ObjectReference {
  readonly apiVersion: string;
  readonly kind: string;
  readonly namespace?: string;
  readonly name: string;
}

/** Server-side apply of a YAML file's objects (field manager `fixpoint-user`, force). */
export interface ApplyStep {
  readonly verb: 'apply';
  /** Absolute path of the YAML file. */
  readonly file: string;
  readonly when: StepTiming;
}

/** A JSON merge patch of one object. */
export interface PatchStep {
  readonly verb: 'patch';
  readonly target: ObjectReference;
  readonly merge: JsonObject;
  readonly when: StepTiming;
}

/** A delete of one object, with background propagation. */
export interface DeleteStep {
  readonly verb: 'delete';
  readonly target: ObjectReference;
  readonly when: StepTiming;
}

/** One user action of a scenario. */
export type Step = ApplyStep | PatchStep | DeleteStep;

/** Per-trace fault budgets. */
export interface Faults {
  readonly crashes: number;
  readonly staleReads: number;
  /** How many steps back a stale view may lag. */
  readonly staleLag: number;
}

/** Limits of one scenario's search. */
export interface Bounds {
  readonly maxStates: number;
  readonly maxDepth: number;
  readonly timeoutSeconds: number;
}

/** Fault budgets when the config gives none (the schema documents the same values). */
export const DEFAULT_FAULTS: Faults = { crashes: 0, staleReads: 0, staleLag: 8 };

/** Search bounds when the config gives none (the schema documents the same values). */
export const DEFAULT_BOUNDS: Bounds = { maxStates: 200_000, maxDepth: 200, timeoutSeconds: 300 };

/** Reads, validates and normalises a config file; throws a ConfigError listing every problem found. */
export async function loadConfig(path: string): Promise<Config> {
  const file = resolve(path);
  const document = parseConfigDocument(file, await readConfigText(file));
  if (Array.isArray(document)) throw new ConfigError(document);
  const directory = dirname(file);
  const crdMatches = await expandCrdGlobs(document.data, directory);
  const problems = [...schemaProblems(document), ...(await referenceProblems(document, directory, crdMatches))];
  if (problems.length > 0) throw new ConfigError(problems);
  const config = normalise(document.data as ConfigFile, file, directory, crdMatches);
  documents.set(config, document);
  return config;
}

/**
 * A problem located at a key of a loaded config, for checks made after loading
 * (a module that does not export the named controller, a kind that does not exist).
 */
export function configProblem(config: Config, path: KeyPath, message: string): ConfigProblem {
  const document = documents.get(config);
  return document?.problem(path, message) ?? { file: config.file, line: 0, column: 0, path: '', message };
}

/** The parsed document of each loaded config, kept apart so a Config stays plain data. */
const documents = new WeakMap<Config, ConfigDocument>();

async function readConfigText(file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'a directory, not a file' : String(code ?? error);
    throw new ConfigError([{ file, line: 0, column: 0, path: '', message: `cannot read the config file: ${reason}` }]);
  }
}

/** The config as written, once the schema has accepted it. */
interface ConfigFile {
  controllers: { name: string; module: string; export?: string }[];
  crds?: string[];
  scenarios: ScenarioFile[];
}

interface ScenarioFile {
  name: string;
  objects: string[];
  controllers?: string[];
  builtins?: Builtin[];
  steps?: StepFile[];
  invariants?: string;
  faults?: Partial<Faults>;
  bounds?: Partial<Bounds>;
}

interface StepFile {
  apply?: string;
  patch?: ObjectReference & { merge: JsonObject };
  delete?: ObjectReference;
  when?: StepTiming;
}

function normalise(data: ConfigFile, file: string, directory: string, crdMatches: CrdMatches): Config {
  const controllers = data.controllers.map((controller) => ({
    name: controller.name,
    module: resolve(directory, controller.module),
    export: controller.export ?? 'default',
  }));
  const allControllers = controllers.map((controller) => controller.name);
  return {
    file,
    directory,
    controllers,
    crds: [...new Set(crdMatches.flatMap((matches) => matches ?? []))],
    scenarios: data.scenarios.map((scenario) => normaliseScenario(scenario, directory, allControllers)),
  };
}

function normaliseScenario(scenario: ScenarioFile, directory: string, allControllers: readonly string[]): ScenarioConfig {
  return {
    name: scenario.name,
    objects: scenario.objects.map((objects) => resolve(directory, objects)),
    controllers: scenario.controllers ?? allControllers,
    builtins: scenario.builtins ?? [],
    steps: (scenario.steps ?? []).map((step) => normaliseStep(step, directory)),
    ...(scenario.invariants === undefined ? {} : { invariants: resolve(directory, scenario.invariants) }),
    faults: { ...DEFAULT_FAULTS, ...scenario.faults },
    bounds: { ...DEFAULT_BOUNDS, ...scenario.bounds },
  };
}

function normaliseStep(step: StepFile, directory: string): Step {
  const when = step.when ?? 'anytime';
  if (step.apply !== undefined) return { verb: 'apply', file: resolve(directory, step.apply), when };
  if (step.patch !== undefined) {
    const { merge, ...target } = step.patch;
    return { verb: 'patch', target, merge, when };
  }
  // The schema admits exactly one verb per step, so a step that is neither apply nor patch is a delete.
  return { verb: 'delete', target: step.delete as ObjectReference, when };
}
