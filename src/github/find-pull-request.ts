/**
 * The open pull request whose head is a given commit, for the `workflow_run` companion: the
 * payload's `pull_requests` is empty for forks, so the API is asked, first for the pull requests
 * of the commit, then (should that miss, as it can for a commit only a fork has) the open pull
 * requests of the repository, matched by head SHA.
 */
import type { GitHubClient, GitHubLogger } from './octokit.ts';
import { errorMessage } from '../error-message.ts';

/** Where to look, and for which commit. */
export interface FindPullRequestArguments {
  readonly octokit: GitHubClient;
  readonly owner: string;
  readonly repo: string;
  readonly headSha: string;
  /** `owner/name` of the head's repository; when known, a pull request from another repository does not match */
  readonly headRepository?: string;
  readonly logger: GitHubLogger;
}

/** A pull request as the listing endpoints give it, the fields that matter here. */
interface ListedPull {
  readonly number: number;
  readonly state: string;
  readonly head: { readonly sha: string; readonly repo?: { readonly full_name: string } | null };
}

/** Pull requests per page: the API's largest page. */
const PAGE_SIZE = 100;

/** The number of the open pull request whose head is `headSha`; undefined when there is none (closed meanwhile, or pushed again). */
export async function findPullRequest(args: FindPullRequestArguments): Promise<number | undefined> {
  const { octokit, owner, repo, headSha, logger } = args;
  try {
    const { data } = await octokit.rest.repos.listPullRequestsAssociatedWithCommit({ owner, repo, commit_sha: headSha, per_page: PAGE_SIZE });
    const found = matching(data, args);
    if (found !== undefined) return found;
    logger.debug(`No open pull request of ${owner}/${repo} lists commit ${headSha}; looking through the open pull requests.`);
  } catch (error) {
    logger.debug(`GET /repos/${owner}/${repo}/commits/${headSha}/pulls failed (${errorMessage(error)}); looking through the open pull requests.`);
  }
  const open = await octokit.paginate(octokit.rest.pulls.list, { owner, repo, state: 'open', per_page: PAGE_SIZE });
  return matching(open, args);
}

/** The lowest-numbered open pull request with this head (and head repository, when known). */
function matching(pulls: readonly ListedPull[], args: FindPullRequestArguments): number | undefined {
  const numbers = pulls
    .filter((pull) => pull.state === 'open' && pull.head.sha === args.headSha)
    .filter((pull) => args.headRepository === undefined || pull.head.repo == null || pull.head.repo.full_name.toLowerCase() === args.headRepository.toLowerCase())
    .map((pull) => pull.number);
  return numbers.length === 0 ? undefined : Math.min(...numbers);
}
