import { git, GitError } from '../diff/git.ts';
import { EventError, isCommitSha, malformed, objectAt, optionalStringAt, repositoryOf, shaAt, stringAt, type Json } from './event-payload.ts';
import { errorMessage } from '../error-message.ts';

/** What fixpoint compares on this run, and where the results go. */
export interface PullRequestContext {
  readonly kind: 'pull_request' | 'merge_group' | 'workflow_dispatch';
  /** the base commit's SHA; for workflow_dispatch the ref as given (`origin/main`), which git resolves */
  readonly baseSha: string;
  /** the head commit's SHA; for workflow_dispatch the ref as given, or the dispatched commit */
  readonly headSha: string;
  /** the pull request's number (pull_request only) */
  readonly number?: number;
  /** the head lives in another repository than the base: its token is read-only and it gets no secrets */
  readonly isFork: boolean;
  /** a fork or Dependabot's pull request: the GITHUB_TOKEN cannot write, so the comment comes from the workflow_run companion */
  readonly readOnlyToken: boolean;
  /** the repository the run belongs to (the pull request's base repository) */
  readonly owner: string;
  readonly repo: string;
}

/** The events whose base and head fixpoint knows how to find. */
export const SUPPORTED_EVENTS = ['pull_request', 'merge_group', 'workflow_dispatch'] as const;

/** What the refusal of pull_request_target says: it would run untrusted code with a write token. */
export const PULL_REQUEST_TARGET_REFUSAL = [
  'fixpoint will not run on pull_request_target: that event gives the job a write token and the secrets while fixpoint',
  "installs and runs the pull request's code (its controllers, and install scripts through npm ci), which is how a",
  '"pwn request" takes over a repository. Use the two-workflow pattern instead: a `pull_request` workflow with',
  '`mode: check` that uploads the report as an artifact, and a `workflow_run` workflow with `mode: comment` that only',
  'reads it and posts the comment, never running the pull request\'s code (GitHub Security Lab, "Keeping your GitHub',
  'Actions and workflows secure: Preventing pwn requests"). The README and examples/workflows/ show both workflows.',
].join(' ');

/** Default depth of the fetch that brings in a commit a shallow clone lacks. */
const FETCH_DEPTH = 200;

/** Base, head, pull request and fork status of this run, from the event's name and payload (`GITHUB_EVENT_NAME`, `GITHUB_EVENT_PATH`). */
export function pullRequestContext(eventName: string, payload: unknown, env: NodeJS.ProcessEnv): PullRequestContext {
  switch (eventName) {
    case 'pull_request':
      return pullRequest(objectAt(payload, [], eventName), env);
    case 'merge_group':
      return mergeGroup(objectAt(payload, [], eventName), env);
    case 'workflow_dispatch':
      return workflowDispatch(objectAt(payload, [], eventName), env);
    case 'pull_request_target':
      throw new EventError(PULL_REQUEST_TARGET_REFUSAL);
    case 'workflow_run':
      throw new EventError(
        'on workflow_run fixpoint does not check anything: set `mode: comment` so this step only posts the report that the pull_request workflow uploaded (the fork-safe second workflow)',
      );
    default:
      throw new EventError(
        `fixpoint cannot tell base and head from a "${eventName || 'unknown'}" event: run it on ${SUPPORTED_EVENTS.join(', ')}`,
      );
  }
}

function pullRequest(event: Json, env: NodeJS.ProcessEnv): PullRequestContext {
  const pull = objectAt(event, ['pull_request'], 'pull_request');
  const base = objectAt(pull, ['base'], 'pull_request');
  const head = objectAt(pull, ['head'], 'pull_request');
  const baseRepository = stringAt(base, ['repo', 'full_name'], 'pull_request', 'pull_request.base.repo.full_name');
  // A deleted fork leaves `head.repo` null: still someone else's code.
  const headRepository = optionalStringAt(head, ['repo', 'full_name']);
  const isFork = headRepository === undefined || headRepository.toLowerCase() !== baseRepository.toLowerCase();
  const number = pull['number'] ?? event['number'];
  if (typeof number !== 'number' || !Number.isInteger(number) || number < 1) throw malformed('pull_request', 'pull_request.number');
  return {
    kind: 'pull_request',
    baseSha: shaAt(base, ['sha'], 'pull_request', 'pull_request.base.sha'),
    headSha: shaAt(head, ['sha'], 'pull_request', 'pull_request.head.sha'),
    number,
    isFork,
    readOnlyToken: isFork || isDependabot(event, env),
    ...repositoryOf(event, env, 'pull_request'),
  };
}

function mergeGroup(event: Json, env: NodeJS.ProcessEnv): PullRequestContext {
  const group = objectAt(event, ['merge_group'], 'merge_group');
  return {
    kind: 'merge_group',
    baseSha: shaAt(group, ['base_sha'], 'merge_group', 'merge_group.base_sha'),
    headSha: shaAt(group, ['head_sha'], 'merge_group', 'merge_group.head_sha'),
    // The queue's branch lives in the base repository and only maintainers put pull requests in the queue.
    isFork: false,
    readOnlyToken: isDependabot(event, env),
    ...repositoryOf(event, env, 'merge_group'),
  };
}

function workflowDispatch(event: Json, env: NodeJS.ProcessEnv): PullRequestContext {
  const inputs = event['inputs'];
  const given = (name: string): string | undefined => {
    const value = typeof inputs === 'object' && inputs !== null ? (inputs as Json)[name] : undefined;
    return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
  };
  const defaultBranch = optionalStringAt(event, ['repository', 'default_branch']);
  const base = given('base') ?? (defaultBranch === undefined ? undefined : `origin/${defaultBranch}`);
  if (base === undefined) throw malformed('workflow_dispatch', 'repository.default_branch (and no `base` workflow input was given)');
  const head = given('head') ?? env['GITHUB_SHA'];
  if (head === undefined || head === '') throw new EventError('workflow_dispatch: no `head` workflow input was given and GITHUB_SHA is not set');
  return {
    kind: 'workflow_dispatch',
    baseSha: base,
    headSha: head,
    isFork: false,
    readOnlyToken: isDependabot(event, env),
    ...repositoryOf(event, env, 'workflow_dispatch'),
  };
}

/**
 * Makes sure `baseSha` (a SHA or ref) is a commit of the repository and, given `headSha`, that the
 * two have the merge base `git diff base...head` needs; a shallow clone is fetched deeper first,
 * and when that is not enough the error says to check out with `fetch-depth: 0`.
 */
export async function ensureHistory(repository: string, baseSha: string, options: { readonly headSha?: string; readonly depth?: number } = {}): Promise<void> {
  const { headSha } = options;
  const shallow = (await git(repository, ['rev-parse', '--is-shallow-repository'])).trim() === 'true';
  const clone = shallow ? 'this shallow clone' : 'this clone';
  if ((await missingHistory(repository, baseSha, headSha)) === undefined) return;
  const specs = [baseSha, ...(headSha === undefined ? [] : [headSha])].map(fetchSpec);
  try {
    await git(repository, ['fetch', '--no-tags', '--quiet', ...(shallow ? [`--depth=${options.depth ?? FETCH_DEPTH}`] : []), 'origin', ...specs]);
  } catch (error) {
    throw historyError(`${await missingHistory(repository, baseSha, headSha)} in ${clone}, and fetching it from origin failed (${reason(error)})`, { cause: error });
  }
  if ((await missingHistory(repository, baseSha, headSha)) === undefined) return;
  // The merge base lies deeper than the fetch went: all of both sides' history, as fetch-depth: 0 would have brought.
  if (shallow) await git(repository, ['fetch', '--no-tags', '--quiet', '--unshallow', 'origin', ...specs]).catch(() => undefined);
  const missing = await missingHistory(repository, baseSha, headSha);
  if (missing !== undefined) throw historyError(`${missing} in ${clone}, even after fetching from origin`);
}

/** What of the history the diff needs is not in the clone, in words; undefined when nothing is missing. */
async function missingHistory(repository: string, baseSha: string, headSha: string | undefined): Promise<string | undefined> {
  if (!(await hasCommit(repository, baseSha))) return `the base commit ${baseSha} is not`;
  if (headSha === undefined) return undefined;
  if (!(await hasCommit(repository, headSha))) return `the head commit ${headSha} is not`;
  try {
    await git(repository, ['merge-base', baseSha, headSha]);
    return undefined;
  } catch (error) {
    if (error instanceof GitError) return `no common ancestor of the base ${baseSha} and the head ${headSha} is`;
    throw error;
  }
}

/** The error for missing history, with what to change in the workflow. */
function historyError(problem: string, options?: ErrorOptions): Error {
  return new Error(`${problem}. fixpoint needs the history of both sides: check the repository out with actions/checkout and \`fetch-depth: 0\``, options);
}

/** What to fetch for a commit or ref: a SHA as is; `origin/NAME` as the branch NAME into its remote-tracking ref. */
function fetchSpec(ref: string): string {
  if (isCommitSha(ref)) return ref;
  const branch = /^(?:refs\/remotes\/)?origin\/(.+)$/.exec(ref)?.[1];
  return branch === undefined ? ref : `+refs/heads/${branch}:refs/remotes/origin/${branch}`;
}

async function hasCommit(repository: string, ref: string): Promise<boolean> {
  if (ref === '' || ref.startsWith('-')) throw new Error(`not a git ref: "${ref}"`);
  try {
    await git(repository, ['rev-parse', '--verify', '--quiet', `${ref}^{commit}`]);
    return true;
  } catch (error) {
    if (error instanceof GitError) return false;
    throw error;
  }
}

function reason(error: unknown): string {
  const text = error instanceof GitError ? error.stderr.trim() || error.message : errorMessage(error);
  return text.split('\n').filter((line) => line.trim() !== '').join('; ');
}

/** Dependabot's runs get a read-only token, like forks. */
function isDependabot(event: Json, env: NodeJS.ProcessEnv): boolean {
  const actor = env['GITHUB_ACTOR'] ?? optionalStringAt(event, ['sender', 'login']);
  return actor === 'dependabot[bot]';
}
