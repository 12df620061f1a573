import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { parseAllDocuments } from 'yaml';
import type { ClusterScenario, ReconcileRunner, RuntimeController } from '../model/cluster/cluster-model.ts';
import { describeUserAction, type UserStep } from '../model/cluster/user-steps.ts';
import { isJsonObject, type ClientNodeModule, type JsonObject } from '../sim/index.ts';
import type { NamedInvariant } from '../controllers/index.ts';
import type { Config, ScenarioConfig } from './config.ts';

/** What building a scenario needs besides its config: the loaded code. */
export interface LoadedCode {
  readonly clientNode: ClientNodeModule;
  readonly controllers: readonly RuntimeController[];
  readonly invariants: readonly NamedInvariant[];
  readonly runReconcile: ReconcileRunner;
}

/** A scenario's files read and its steps resolved into what the cluster model runs. */
export async function buildScenario(
  config: Config,
  scenario: ScenarioConfig,
  code: LoadedCode,
  options: { reconcileBudgetMs: number; hangs?: ReadonlySet<string>; beforeReconcile?: (hangKey: string) => void },
): Promise<ClusterScenario> {
  const definitions = (await Promise.all(config.crds.map(readManifests))).flat();
  const objects = (await Promise.all(scenario.objects.map(readManifests))).flat();
  const userSteps: UserStep[] = [];
  for (const step of scenario.steps) {
    const action =
      step.verb === 'apply'
        ? { verb: 'apply' as const, objects: await readManifests(step.file) }
        : step.verb === 'patch'
          ? { verb: 'patch' as const, target: step.target, merge: step.merge }
          : { verb: 'delete' as const, target: step.target };
    userSteps.push({ action, when: step.when, description: describeUserAction(action, step.verb === 'apply' ? basename(step.file) : undefined) });
  }
  return {
    clientNode: code.clientNode,
    controllers: code.controllers.filter((controller) => scenario.controllers.includes(controller.name)),
    definitions,
    objects,
    userSteps,
    invariants: code.invariants,
    garbageCollector: scenario.builtins.includes('garbage-collector'),
    faults: scenario.faults,
    runReconcile: code.runReconcile,
    reconcileBudgetMs: options.reconcileBudgetMs,
    ...(options.hangs ? { hangs: options.hangs } : {}),
    ...(options.beforeReconcile ? { beforeReconcile: options.beforeReconcile } : {}),
  };
}

/** The objects of a multi-document YAML file; an invalid document is an error naming the file. */
export async function readManifests(file: string): Promise<JsonObject[]> {
  const objects: JsonObject[] = [];
  for (const document of parseAllDocuments(await readFile(file, 'utf8'))) {
    if (document.errors.length > 0) throw new Error(`${file}: invalid YAML: ${document.errors[0]?.message ?? ''}`);
    const value: unknown = document.toJS();
    if (value === null || value === undefined) continue;
    if (!isJsonObject(value) || typeof value['apiVersion'] !== 'string' || typeof value['kind'] !== 'string') {
      throw new Error(`${file}: every document must be a Kubernetes object with apiVersion and kind`);
    }
    objects.push(value);
  }
  return objects;
}
