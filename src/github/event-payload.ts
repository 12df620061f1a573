/**
 * Reading a workflow's event payload (the JSON at GITHUB_EVENT_PATH): typed lookups by key path
 * that fail with an `EventError` naming the event and the missing field, for the pull request's
 * events (context.ts) and the companion's `workflow_run` (workflow-run.ts) alike.
 */

/** A run that fixpoint cannot or will not take base and head from; the message says what to do instead. */
export class EventError extends Error {
  override readonly name = 'EventError';
}

/** A JSON object of the payload. */
export type Json = Readonly<Record<string, unknown>>;

/** A full SHA-1 or SHA-256 commit id. */
const SHA = /^(?:[0-9a-f]{40}|[0-9a-f]{64})$/;

/** Whether `text` is a full commit SHA (not a ref, not abbreviated). */
export function isCommitSha(text: string): boolean {
  return SHA.test(text);
}

/** The value at `path`; undefined when something on the way is not an object. */
export function valueAt(value: unknown, path: readonly string[]): unknown {
  let current = value;
  for (const key of path) {
    if (typeof current !== 'object' || current === null) return undefined;
    current = (current as Json)[key];
  }
  return current;
}

/** The object at `path` (the payload itself for an empty path). */
export function objectAt(value: unknown, path: readonly string[], eventName: string): Json {
  const found = valueAt(value, path);
  if (typeof found === 'object' && found !== null && !Array.isArray(found)) return found as Json;
  if (path.length === 0) throw new EventError(`the ${eventName} event's payload is not a JSON object (is GITHUB_EVENT_PATH the file GitHub wrote for this run?)`);
  throw malformed(eventName, path.join('.'));
}

/** The non-empty string at `path`, if there is one. */
export function optionalStringAt(value: unknown, path: readonly string[]): string | undefined {
  const found = valueAt(value, path);
  return typeof found === 'string' && found !== '' ? found : undefined;
}

/** The non-empty string at `path`; `name` is how the error calls it. */
export function stringAt(value: unknown, path: readonly string[], eventName: string, name: string): string {
  const found = optionalStringAt(value, path);
  if (found === undefined) throw malformed(eventName, name);
  return found;
}

/** The commit SHA at `path`. */
export function shaAt(value: unknown, path: readonly string[], eventName: string, name: string): string {
  const found = stringAt(value, path, eventName, name);
  if (!isCommitSha(found)) throw new EventError(`the ${eventName} event's ${name} is not a commit SHA: "${found}"`);
  return found;
}

/** The repository of the run: the payload's `repository`, else GITHUB_REPOSITORY. */
export function repositoryOf(event: Json, env: NodeJS.ProcessEnv, eventName: string): { owner: string; repo: string } {
  const owner = optionalStringAt(event, ['repository', 'owner', 'login']);
  const repo = optionalStringAt(event, ['repository', 'name']);
  if (owner !== undefined && repo !== undefined) return { owner, repo };
  const [fromEnvOwner, fromEnvRepo, ...rest] = (env['GITHUB_REPOSITORY'] ?? '').split('/');
  if (fromEnvOwner && fromEnvRepo && rest.length === 0) return { owner: fromEnvOwner, repo: fromEnvRepo };
  throw malformed(eventName, 'repository.owner.login and repository.name (and GITHUB_REPOSITORY is not "owner/repo")');
}

/** The payload lacks a field it should have. */
export function malformed(eventName: string, name: string): EventError {
  return new EventError(`the ${eventName} event's payload has no ${name} (is GITHUB_EVENT_PATH the file GitHub wrote for this run?)`);
}
