import { pathToFileURL } from 'node:url';
import type { ClusterState, Controller, Invariant } from '../index.ts';
import { bundleModule, type Bundle } from './bundle.ts';
import { installDeterminism } from './determinism.ts';
import { ModuleError } from './module-error.ts';

/** One `controllers[]` entry of fixpoint.yaml: which controller, in which module, under which export. */
export interface ControllerEntry {
  /** The controller's `name`. */
  readonly name: string;
  /** Its module, TypeScript or JavaScript, relative to the project folder. */
  readonly module: string;
  /** The export that holds it (a controller or an array of them); `default` when absent. */
  readonly export?: string;
}

/** An invariant under its export name, with when it is checked made explicit. */
export interface NamedInvariant {
  /** The export's name, which findings show. */
  readonly name: string;
  /** `always`: on every reachable state; `converged`: only on converged states. */
  readonly when: 'always' | 'converged';
  /** True when the invariant holds; false or a message when it does not. */
  readonly check: (state: ClusterState) => boolean | string;
}

/** A user module, built and imported. */
export interface LoadedModule {
  readonly bundle: Bundle;
  /** The module's namespace: its exports by name. */
  readonly exports: Readonly<Record<string, unknown>>;
}

/**
 * Builds and imports a user module. Source maps are turned on first, so stacks thrown from it
 * name the user's files and lines, and determinism is installed first, so the module captures the
 * deterministic clock, randomness and timers even at load time.
 */
export async function importModule(module: string, projectDirectory: string): Promise<LoadedModule> {
  process.setSourceMapsEnabled(true);
  installDeterminism();
  const bundle = await bundleModule(module, projectDirectory);
  try {
    const exports = (await import(pathToFileURL(bundle.file).href)) as Record<string, unknown>;
    return { bundle, exports };
  } catch (error) {
    const reason = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    throw new ModuleError(module, `${module}: failed to load: ${reason}`);
  }
}

/**
 * The controllers the entries name, in their order, each checked to be a controller: a module
 * is built once however many entries name it. Every problem is a `ModuleError` naming the module
 * and the export.
 */
export async function loadControllers(entries: readonly ControllerEntry[], projectDirectory: string): Promise<Controller[]> {
  const modules = new Map<string, Promise<LoadedModule>>();
  const controllers: Controller[] = [];
  for (const entry of entries) {
    let loaded = modules.get(entry.module);
    if (!loaded) {
      loaded = importModule(entry.module, projectDirectory);
      modules.set(entry.module, loaded);
    }
    controllers.push(selectController(entry, (await loaded).exports));
  }
  return controllers;
}

function selectController(entry: ControllerEntry, exports: Readonly<Record<string, unknown>>): Controller {
  const exportName = entry.export ?? 'default';
  if (!Object.hasOwn(exports, exportName)) {
    if (entry.export === undefined) {
      throw new ModuleError(
        entry.module,
        `${entry.module}: the module has no default export; export the controller "${entry.name}" as default (export default defineController({ ... })), or name its export in the config ("export")`,
      );
    }
    throw new ModuleError(entry.module, `${entry.module}: the module has no export named "${exportName}" (controller "${entry.name}"); it exports: ${exportList(exports)}`);
  }
  const value = exports[exportName];
  const candidates: unknown[] = Array.isArray(value) ? value : [value];
  candidates.forEach((candidate, index) => {
    const problem = controllerProblem(candidate);
    if (problem) {
      const where = Array.isArray(value) ? `item ${index} of export "${exportName}"` : `export "${exportName}"`;
      throw new ModuleError(entry.module, `${entry.module}: ${where} is not a controller: ${problem}`);
    }
  });
  const controllers = candidates as Controller[];
  const matches = controllers.filter((controller) => controller.name === entry.name);
  if (matches.length === 0) {
    const names = controllers.map((controller) => JSON.stringify(controller.name)).join(', ') || 'none';
    throw new ModuleError(entry.module, `${entry.module}: export "${exportName}" has no controller named "${entry.name}"; it has: ${names}`);
  }
  if (matches.length > 1) throw new ModuleError(entry.module, `${entry.module}: export "${exportName}" has ${matches.length} controllers named "${entry.name}"; names must be unique`);
  return matches[0] as Controller;
}

/** What is wrong with `value` as a controller, or undefined when it is one. */
function controllerProblem(value: unknown): string | undefined {
  if (!isRecord(value)) return `expected an object { name, for, reconcile } or an array of them, got ${describe(value)}`;
  if (!isName(value['name'])) return '"name" must be a non-empty string';
  const kindProblem = kindReferenceProblem(value['for'], 'for');
  if (kindProblem) return kindProblem;
  if (typeof value['reconcile'] !== 'function') return '"reconcile" must be a function';
  for (const [key, mapped] of [['owns', false], ['watches', true]] as const) {
    const list = value[key];
    if (list === undefined) continue;
    if (!Array.isArray(list)) return `"${key}" must be an array`;
    for (const [index, item] of list.entries()) {
      const problem = kindReferenceProblem(item, `${key}[${index}]`);
      if (problem) return problem;
      if (mapped && typeof (item as Record<string, unknown>)['map'] !== 'function') return `"${key}[${index}].map" must be a function`;
    }
  }
  return undefined;
}

function kindReferenceProblem(value: unknown, key: string): string | undefined {
  if (!isRecord(value)) return `"${key}" must be an object { apiVersion, kind }`;
  if (!isName(value['apiVersion'])) return `"${key}.apiVersion" must be a non-empty string`;
  if (!isName(value['kind'])) return `"${key}.kind" must be a non-empty string`;
  return undefined;
}

/**
 * The invariants a module exports, each under its export name. Every export must be an invariant
 * (a function, or `{ converged: function }`), and there must be at least one; the default export
 * is refused, since a finding names an invariant by its export.
 */
export async function loadInvariants(module: string, projectDirectory: string): Promise<NamedInvariant[]> {
  const { exports } = await importModule(module, projectDirectory);
  const invariants: NamedInvariant[] = [];
  for (const [name, value] of Object.entries(exports)) {
    if (name === 'default') {
      throw new ModuleError(module, `${module}: export "default" is not allowed: export each invariant by name (export const name: Invariant = ...), the name findings will show`);
    }
    if (typeof value === 'function') invariants.push({ name, when: 'always', check: value as Exclude<Invariant, object & { converged: unknown }> });
    else if (isRecord(value) && typeof value['converged'] === 'function') invariants.push({ name, when: 'converged', check: value['converged'] as NamedInvariant['check'] });
    else throw new ModuleError(module, `${module}: export "${name}" is not an invariant: expected a function (state) => boolean | string, or { converged: (state) => boolean | string }; got ${describe(value)}`);
  }
  if (invariants.length === 0) throw new ModuleError(module, `${module}: the module exports no invariants; export each one by name: export const name: Invariant = (state) => ...`);
  return invariants;
}

function exportList(exports: Readonly<Record<string, unknown>>): string {
  const names = Object.keys(exports);
  return names.length === 0 ? 'nothing' : names.map((name) => JSON.stringify(name)).join(', ');
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isName(value: unknown): value is string {
  return typeof value === 'string' && value !== '';
}

/** A value's kind, for an error message: `a function`, `number 5`, `string "x"`. */
function describe(value: unknown): string {
  if (value === null || value === undefined) return String(value);
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'function') return 'a function';
  if (typeof value === 'object') return 'an object';
  return `${typeof value} ${typeof value === 'string' ? JSON.stringify(value) : String(value)}`;
}
