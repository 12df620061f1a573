/**
 * The `workflow_run` event as the fork-safe companion (`mode: comment`) sees it: which commit the
 * finished check run was about and where it ran. `workflow_run.pull_requests` is empty when the
 * pull request comes from a fork, so the pull request itself is looked up by the head SHA
 * (find-pull-request.ts), and the report is the artifact that run uploaded (report-artifact.ts).
 */
import { EventError } from './context.ts';

/** What the companion takes from the `workflow_run` payload. */
export interface WorkflowRunContext {
  /** the finished check run, whose artifact holds the report */
  readonly runId: number;
  /** the commit the check run was about: a pull request's head */
  readonly headSha: string;
  /** `owner/name` of the repository the head commit lives in (a fork's); absent when it was deleted */
  readonly headRepository?: string;
  readonly headBranch?: string;
  /** pull requests GitHub listed in the payload (never for forks), with their head SHAs */
  readonly pullRequests: readonly { readonly number: number; readonly headSha?: string }[];
  /** the check run's page, linked from the comment */
  readonly runUrl?: string;
  /** when the run's latest attempt began */
  readonly runStartedAt?: string;
  /** the repository the comment goes to (the base repository, where this workflow runs) */
  readonly owner: string;
  readonly repo: string;
}

/** A full SHA-1 or SHA-256 commit id. */
const SHA = /^(?:[0-9a-f]{40}|[0-9a-f]{64})$/;

type Json = Readonly<Record<string, unknown>>;

/** The companion's view of a `workflow_run` payload; GITHUB_REPOSITORY names the repository when the payload does not. */
export function workflowRunContext(payload: unknown, env: NodeJS.ProcessEnv): WorkflowRunContext {
  const event = record(payload);
  const run = record(event?.['workflow_run']);
  if (event === undefined || run === undefined) throw malformed('workflow_run');
  const runId = run['id'];
  if (typeof runId !== 'number' || !Number.isSafeInteger(runId) || runId < 1) throw new EventError(`the workflow_run event's workflow_run.id is not a run id: ${JSON.stringify(runId)}`);
  const headSha = run['head_sha'];
  if (typeof headSha !== 'string' || !SHA.test(headSha)) throw new EventError(`the workflow_run event's workflow_run.head_sha is not a commit SHA: ${JSON.stringify(headSha)}`);
  const headRepository = text(record(run['head_repository'])?.['full_name']);
  const headBranch = text(run['head_branch']);
  const runUrl = text(run['html_url']);
  const runStartedAt = text(run['run_started_at']);
  const pullRequests = (Array.isArray(run['pull_requests']) ? run['pull_requests'] : []).flatMap((entry: unknown) => {
    const pull = record(entry);
    const number = pull?.['number'];
    if (typeof number !== 'number' || !Number.isInteger(number) || number < 1) return [];
    const sha = text(record(pull?.['head'])?.['sha']);
    return [{ number, ...(sha === undefined ? {} : { headSha: sha }) }];
  });
  return {
    runId,
    headSha,
    ...(headRepository === undefined ? {} : { headRepository }),
    ...(headBranch === undefined ? {} : { headBranch }),
    pullRequests,
    ...(runUrl === undefined ? {} : { runUrl }),
    ...(runStartedAt === undefined || Number.isNaN(Date.parse(runStartedAt)) ? {} : { runStartedAt }),
    ...repositoryOf(event, env),
  };
}

/** The base repository: the payload's `repository`, else GITHUB_REPOSITORY. */
function repositoryOf(event: Json, env: NodeJS.ProcessEnv): { owner: string; repo: string } {
  const repository = record(event['repository']);
  const owner = text(record(repository?.['owner'])?.['login']);
  const repo = text(repository?.['name']);
  if (owner !== undefined && repo !== undefined) return { owner, repo };
  const [fromEnvOwner, fromEnvRepo, ...rest] = (env['GITHUB_REPOSITORY'] ?? '').split('/');
  if (fromEnvOwner && fromEnvRepo && rest.length === 0) return { owner: fromEnvOwner, repo: fromEnvRepo };
  throw malformed('repository.owner.login and repository.name (and GITHUB_REPOSITORY is not "owner/repo")');
}

function record(value: unknown): Json | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Json) : undefined;
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function malformed(name: string): EventError {
  return new EventError(`the workflow_run event's payload has no ${name} (is GITHUB_EVENT_PATH the file GitHub wrote for this run?)`);
}
