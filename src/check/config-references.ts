import { glob, stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { ConfigDocument } from './config-document.ts';
import type { ConfigProblem } from './config-error.ts';
import { formatKeyPath, isRecord, type KeyPath } from './key-path.ts';
import { didYouMean } from './suggest.ts';

/** The files each `crds` entry matched, by index; undefined where the entry is not a string. */
export type CrdMatches = readonly (readonly string[] | undefined)[];

/** Expands every `crds` glob against the config's folder: absolute paths of matching files, sorted. */
export async function expandCrdGlobs(data: unknown, directory: string): Promise<CrdMatches> {
  const patterns = isRecord(data) && Array.isArray(data['crds']) ? (data['crds'] as unknown[]) : [];
  return Promise.all(patterns.map((pattern) => (typeof pattern === 'string' && pattern !== '' ? filesMatching(pattern, directory) : undefined)));
}

/**
 * What the schema cannot say: files that do not exist, globs that match nothing, names used twice,
 * scenarios naming undeclared controllers. Ill-typed parts are skipped: the schema already reports them.
 */
export async function referenceProblems(document: ConfigDocument, directory: string, crdMatches: CrdMatches): Promise<ConfigProblem[]> {
  const data = document.data;
  const controllers = mappingsAt(data, 'controllers');
  const scenarios = mappingsAt(data, 'scenarios');
  const declared = controllers.map(([, controller]) => controller['name']).filter((name) => typeof name === 'string');
  const files: FileReference[] = [];
  for (const [index, controller] of controllers) files.push(...fileReference(['controllers', index, 'module'], controller['module']));
  for (const [index, scenario] of scenarios) files.push(...scenarioFiles(index, scenario));
  const fileProblems = await Promise.all(files.map((reference) => fileProblem(document, directory, reference)));
  return [
    ...duplicateNameProblems(document, 'controllers', controllers, 'controller'),
    ...duplicateNameProblems(document, 'scenarios', scenarios, 'scenario'),
    ...crdMatches.flatMap((matches, index) => (matches?.length === 0 ? [unmatchedGlobProblem(document, directory, index)] : [])),
    ...scenarios.flatMap(([index, scenario]) => unknownControllerProblems(document, index, scenario, declared)),
    ...fileProblems.filter((problem) => problem !== undefined),
  ];
}

/** A path in the config that must name an existing file. */
interface FileReference {
  readonly path: KeyPath;
  readonly value: string;
}

function scenarioFiles(index: number, scenario: Record<string, unknown>): FileReference[] {
  const objects = Array.isArray(scenario['objects']) ? (scenario['objects'] as unknown[]) : [];
  const steps = Array.isArray(scenario['steps']) ? (scenario['steps'] as unknown[]) : [];
  return [
    ...objects.flatMap((file, item) => fileReference(['scenarios', index, 'objects', item], file)),
    ...fileReference(['scenarios', index, 'invariants'], scenario['invariants']),
    ...steps.flatMap((step, item) => (isRecord(step) ? fileReference(['scenarios', index, 'steps', item, 'apply'], step['apply']) : [])),
  ];
}

function fileReference(path: KeyPath, value: unknown): FileReference[] {
  // An empty or non-string value is the schema's to report; checking it here would only repeat that.
  return typeof value === 'string' && value !== '' ? [{ path, value }] : [];
}

async function fileProblem(document: ConfigDocument, directory: string, reference: FileReference): Promise<ConfigProblem | undefined> {
  const file = resolve(directory, reference.value);
  try {
    if ((await stat(file)).isFile()) return undefined;
    return document.problem(reference.path, `expected a file, found a directory: ${file}`);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return document.problem(reference.path, code === 'ENOENT' ? `no such file: ${file}` : `cannot read ${file}: ${code ?? String(error)}`);
  }
}

function unmatchedGlobProblem(document: ConfigDocument, directory: string, index: number): ConfigProblem {
  return document.problem(['crds', index], `no file matches this pattern (resolved against ${directory})`);
}

async function filesMatching(pattern: string, directory: string): Promise<string[]> {
  const files: string[] = [];
  for await (const entry of glob(pattern, { cwd: directory, withFileTypes: true })) {
    if (entry.isFile()) files.push(resolve(entry.parentPath, entry.name));
  }
  return files.sort();
}

function duplicateNameProblems(document: ConfigDocument, key: string, entries: readonly Entry[], noun: string): ConfigProblem[] {
  const firstIndex = new Map<string, number>();
  const problems: ConfigProblem[] = [];
  for (const [index, entry] of entries) {
    const name = entry['name'];
    if (typeof name !== 'string') continue;
    const first = firstIndex.get(name);
    if (first === undefined) firstIndex.set(name, index);
    else problems.push(document.problem([key, index, 'name'], `duplicate ${noun} name "${name}" (already used by ${formatKeyPath([key, first])})`));
  }
  return problems;
}

function unknownControllerProblems(document: ConfigDocument, index: number, scenario: Record<string, unknown>, declared: readonly string[]): ConfigProblem[] {
  const names = Array.isArray(scenario['controllers']) ? (scenario['controllers'] as unknown[]) : [];
  return names.flatMap((name, item) =>
    typeof name === 'string' && name !== '' && !declared.includes(name)
      ? [document.problem(['scenarios', index, 'controllers', item], `unknown controller "${name}"; ${expectedNames(declared)}${didYouMean(name, declared)}`)]
      : [],
  );
}

function expectedNames(declared: readonly string[]): string {
  return declared.length === 0 ? 'no controllers are declared' : `expected one of: ${declared.join(', ')}`;
}

/** A list entry that is a mapping, with its index in the list. */
type Entry = readonly [index: number, value: Record<string, unknown>];

function mappingsAt(data: unknown, key: string): Entry[] {
  const list = isRecord(data) ? data[key] : undefined;
  if (!Array.isArray(list)) return [];
  return list.flatMap((value: unknown, index) => (isRecord(value) ? [[index, value] as const] : []));
}
