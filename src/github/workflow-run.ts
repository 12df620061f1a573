/**
 * The `workflow_run` event as the fork-safe companion (`mode: comment`) sees it: which commit the
 * finished check run was about and where it ran. `workflow_run.pull_requests` is empty when the
 * pull request comes from a fork, so the pull request itself is looked up by the head SHA
 * (find-pull-request.ts), and the report is the artifact that run uploaded (report-artifact.ts).
 */
import { EventError, objectAt, optionalStringAt, repositoryOf, shaAt, valueAt } from './event-payload.ts';

const EVENT = 'workflow_run';

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

/** The companion's view of a `workflow_run` payload; GITHUB_REPOSITORY names the repository when the payload does not. */
export function workflowRunContext(payload: unknown, env: NodeJS.ProcessEnv): WorkflowRunContext {
  const event = objectAt(payload, [], EVENT);
  const run = objectAt(event, ['workflow_run'], EVENT);
  const runId = run['id'];
  if (typeof runId !== 'number' || !Number.isSafeInteger(runId) || runId < 1) throw new EventError(`the workflow_run event's workflow_run.id is not a run id: ${JSON.stringify(runId)}`);
  const headSha = shaAt(run, ['head_sha'], EVENT, 'workflow_run.head_sha');
  const headRepository = optionalStringAt(run, ['head_repository', 'full_name']);
  const headBranch = optionalStringAt(run, ['head_branch']);
  const runUrl = optionalStringAt(run, ['html_url']);
  const runStartedAt = optionalStringAt(run, ['run_started_at']);
  const pullRequests = (Array.isArray(run['pull_requests']) ? run['pull_requests'] : []).flatMap((entry: unknown) => {
    const number = valueAt(entry, ['number']);
    if (typeof number !== 'number' || !Number.isInteger(number) || number < 1) return [];
    const sha = optionalStringAt(entry, ['head', 'sha']);
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
    ...repositoryOf(event, env, EVENT),
  };
}
