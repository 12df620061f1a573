/**
 * The one sticky pull-request comment (DESIGN §5). It is found by two things together: the hidden
 * marker on its first line (`<!-- fixpoint:v1 … -->`, see `renderComment`) and the token's own
 * author, so a reviewer quoting the marker, or another bot using it, is never edited or deleted.
 * Every comment on the pull request is listed, page by page, because a sticky comment missed on a
 * later page is how bots end up posting a duplicate on every push.
 *
 * Who "we" are (the own-author rule), in order of trust:
 *  1. GraphQL `viewer { login databaseId }`: answers for every kind of token, personal (`octocat`),
 *     GitHub App installation (`my-app[bot]`) and the workflow's `GITHUB_TOKEN`
 *     (`github-actions[bot]`), where REST `GET /user` is refused with 403.
 *  2. REST `GET /user`, should GraphQL be unavailable (a GHES without it, a proxy blocking it).
 *  3. Neither answered: assume the workflow's `GITHUB_TOKEN`, since that is the Action's default
 *     token; its comments are authored by the Bot `github-actions[bot]`.
 * A comment is ours when its author has our user id, or our login (case aside), or, being a Bot,
 * our login with the `[bot]` suffix GitHub reserves for Apps (GraphQL may name a bot without it).
 *
 * A run whose commit is no longer the pull request's head leaves alone a comment that is about the
 * new head: without it, an older run finishing last would put its stale report over the newer one.
 *
 * Nothing here throws: a comment that cannot be written degrades to a warning for the job summary,
 * because a failed comment must never fail the check.
 */
import { COMMENT_MARKER_PREFIX, commentMetadata } from '../report/markdown.ts';
import type { GitHubClient, GitHubLogger } from './octokit.ts';
import { errorMessage } from '../error-message.ts';

/** What to do with the sticky comment: edit it in place, post it anew (notifying reviewers), or leave the pull request alone. */
export type CommentMode = 'update' | 'recreate' | 'off';

/** What `upsertComment` did with the sticky comment. */
export type CommentAction = 'created' | 'updated' | 'recreated' | 'unchanged' | 'superseded' | 'skipped' | 'failed';

/** Where and what to post. */
export interface UpsertCommentArguments {
  readonly octokit: GitHubClient;
  readonly owner: string;
  readonly repo: string;
  /** the pull request's number (pull requests are issues to the comments API) */
  readonly issueNumber: number;
  /** the whole comment, marker line first (`renderComment`) */
  readonly body: string;
  readonly mode: CommentMode;
  /** the pull request's head now (asked only when the sticky comment is about another commit than `body`); undefined when unknown */
  readonly currentHead?: () => Promise<string | undefined>;
  readonly logger: GitHubLogger;
}

/** The outcome: what happened, the comment's address when there is one, and what went wrong for the job summary. */
export interface UpsertCommentResult {
  readonly action: CommentAction;
  readonly url?: string;
  /** one or more sentences for the job summary; set when the comment failed or old duplicates stayed */
  readonly warning?: string;
}

/** The account a token acts as, and how that was learnt. */
export interface TokenIdentity {
  readonly login: string;
  /** the user id, when known; ids survive renames, logins do not */
  readonly id?: number;
  readonly source: 'graphql' | 'rest' | 'assumed';
}

/** A comment's author as the REST API gives it. */
export interface CommentAuthor {
  readonly login: string;
  readonly id: number;
  /** `User`, `Bot` or `Organization` */
  readonly type?: string;
}

/** The author of comments written with the workflow's `GITHUB_TOKEN`, assumed when the token will not say who it is. */
export const GITHUB_ACTIONS_IDENTITY: TokenIdentity = { login: 'github-actions[bot]', source: 'assumed' };

/** The fields of a listed comment that matter here. */
interface ListedComment {
  readonly id: number;
  readonly body: string;
  readonly url: string;
  readonly createdAt: string;
  readonly author: CommentAuthor | undefined;
}

/** Where one call works: the repository and pull request, with the client and its log. */
type Target = Pick<UpsertCommentArguments, 'octokit' | 'owner' | 'repo' | 'issueNumber' | 'logger'>;

/** Comments per page when listing: the API's largest page, so a long discussion costs the fewest requests. */
const PAGE_SIZE = 100;
/** GitHub's limit on a comment body, quoted in the warning when it refuses one. */
const MAX_COMMENT_CHARACTERS = 65_536;
/** The `[bot]` suffix GitHub gives App accounts' logins. */
const BOT_SUFFIX = '[bot]';

/** Post or refresh the one sticky comment, cleaning up duplicates; never throws, failures come back as `failed` with a warning. */
export async function upsertComment(args: UpsertCommentArguments): Promise<UpsertCommentResult> {
  if (args.mode === 'off') return { action: 'skipped' };
  let ours: ListedComment[];
  try {
    const [comments, identity] = await Promise.all([listComments(args), tokenIdentity(args.octokit, args.logger)]);
    ours = ownStickyComments(comments, identity);
  } catch (error) {
    return failure(args, error, 'list the comments of');
  }
  const newest = ours.at(-1);
  if (newest === undefined) return createComment(args);
  if (await isAboutNewerHead(args, newest)) return { action: 'superseded', url: newest.url };
  const older = ours.slice(0, -1);
  return args.mode === 'recreate' ? recreate(args, newest, older) : update(args, newest, older);
}

/** Update mode: edit the newest sticky comment unless it already says this, then delete older duplicates. */
async function update(args: UpsertCommentArguments, newest: ListedComment, older: readonly ListedComment[]): Promise<UpsertCommentResult> {
  const result = newest.body === args.body ? unchanged(args, newest) : await editComment(args, newest);
  if (result.action === 'failed') return result;
  return withWarning(result, await deleteComments(args, older));
}

/** Recreate mode: post the comment anew, then delete the old ones; posting first means a failed post loses nothing. */
async function recreate(args: UpsertCommentArguments, newest: ListedComment, older: readonly ListedComment[]): Promise<UpsertCommentResult> {
  // A byte-identical report is no news: re-posting it would notify reviewers for nothing, the spam PR bots are hated for.
  if (newest.body === args.body) return withWarning(unchanged(args, newest), await deleteComments(args, older));
  const created = await createComment(args);
  if (created.action === 'failed') return created;
  const warning = await deleteComments(args, [...older, newest]);
  return withWarning({ ...created, action: 'recreated' }, warning);
}

/** Whether `comment` is about the pull request's current head while `args.body` is about an older commit. */
async function isAboutNewerHead(args: UpsertCommentArguments, comment: ListedComment): Promise<boolean> {
  const theirs = commentMetadata(comment.body)?.head;
  const ours = commentMetadata(args.body)?.head;
  if (args.currentHead === undefined || typeof theirs !== 'string' || ours === undefined || theirs === ours) return false;
  let current: string | undefined;
  try {
    current = await args.currentHead();
  } catch (error) {
    args.logger.debug(`The pull request's head is unknown (${errorMessage(error)}); updating the comment.`);
    return false;
  }
  if (current !== theirs) return false;
  args.logger.info(`The Fixpoint comment is about ${theirs}, the pull request's head now; this run checked ${ours}, an older commit, so it leaves the comment alone: ${comment.url}`);
  return true;
}

/** The result for a sticky comment that already says exactly this: no write at all. */
function unchanged(args: Target, comment: ListedComment): UpsertCommentResult {
  args.logger.info(`The Fixpoint comment is up to date: ${comment.url}`);
  return { action: 'unchanged', url: comment.url };
}

/** POST a new comment. */
async function createComment(args: UpsertCommentArguments): Promise<UpsertCommentResult> {
  try {
    const { octokit, owner, repo, issueNumber, body } = args;
    const response = await octokit.rest.issues.createComment({ owner, repo, issue_number: issueNumber, body });
    args.logger.info(`Posted the Fixpoint comment: ${response.data.html_url}`);
    return { action: 'created', url: response.data.html_url };
  } catch (error) {
    return failure(args, error, 'post a comment on');
  }
}

/** PATCH the sticky comment; if it vanished meanwhile (deleted by hand, or by a concurrent run), post a new one. */
async function editComment(args: UpsertCommentArguments, comment: ListedComment): Promise<UpsertCommentResult> {
  try {
    const { octokit, owner, repo, body } = args;
    const response = await octokit.rest.issues.updateComment({ owner, repo, comment_id: comment.id, body });
    args.logger.info(`Updated the Fixpoint comment: ${response.data.html_url}`);
    return { action: 'updated', url: response.data.html_url };
  } catch (error) {
    if (statusOf(error) === 404) return createComment(args);
    return failure(args, error, 'edit its comment on');
  }
}

/** DELETE each comment; a failure only warns (the current comment stands), and one already gone is fine. */
async function deleteComments(args: Target, comments: readonly ListedComment[]): Promise<string | undefined> {
  const { octokit, owner, repo, logger } = args;
  let kept = 0;
  for (const comment of comments) {
    try {
      await octokit.rest.issues.deleteComment({ owner, repo, comment_id: comment.id });
      logger.info(`Deleted an older Fixpoint comment: ${comment.url}`);
    } catch (error) {
      if (statusOf(error) === 404) continue;
      kept += 1;
      logger.warning(`Could not delete an older Fixpoint comment (${comment.url}): ${errorMessage(error)}`);
    }
  }
  if (kept === 0) return undefined;
  return `${kept === 1 ? 'An older Fixpoint comment' : `${kept} older Fixpoint comments`} on this pull request could not be deleted; the newest one is current.`;
}

/** Every comment on the pull request, all pages followed. */
async function listComments(args: Target): Promise<ListedComment[]> {
  const { octokit, owner, repo, issueNumber } = args;
  return octokit.paginate(octokit.rest.issues.listComments, { owner, repo, issue_number: issueNumber, per_page: PAGE_SIZE }, (response) =>
    response.data.map((comment) => ({
      id: comment.id,
      body: comment.body ?? '',
      url: comment.html_url,
      createdAt: comment.created_at,
      author: comment.user ? { login: comment.user.login, id: comment.user.id, type: comment.user.type } : undefined,
    })),
  );
}

/** Our sticky comments, oldest first (by creation time, then id, which GitHub hands out in order). */
function ownStickyComments(comments: readonly ListedComment[], identity: TokenIdentity): ListedComment[] {
  const ours = comments.filter((comment) => isStickyComment(comment.body) && comment.author !== undefined && isOwnComment(comment.author, identity));
  return ours.sort((left, right) => Date.parse(left.createdAt) - Date.parse(right.createdAt) || left.id - right.id);
}

/** Whether a comment body is a Fixpoint sticky comment: its first line starts with the hidden marker. */
export function isStickyComment(body: string): boolean {
  const newline = body.indexOf('\n');
  const firstLine = newline === -1 ? body : body.slice(0, newline);
  return firstLine.trimStart().startsWith(COMMENT_MARKER_PREFIX);
}

/** Whether `author` is the account the token acts as (the own-author rule in this file's header). */
export function isOwnComment(author: CommentAuthor, identity: TokenIdentity): boolean {
  if (identity.id !== undefined && author.id === identity.id) return true;
  const login = author.login.toLowerCase();
  const ownLogin = identity.login.toLowerCase();
  if (login === ownLogin) return true;
  return author.type === 'Bot' && !ownLogin.endsWith(BOT_SUFFIX) && login === `${ownLogin}${BOT_SUFFIX}`;
}

/** Who the token acts as: GraphQL `viewer`, else REST `GET /user`, else the `GITHUB_TOKEN`'s `github-actions[bot]`. */
export async function tokenIdentity(octokit: GitHubClient, logger: GitHubLogger): Promise<TokenIdentity> {
  try {
    const { viewer } = await octokit.graphql<{ viewer: { login: string; databaseId: number | null } }>('query { viewer { login databaseId } }');
    logger.debug(`The token acts as ${viewer.login} (GraphQL viewer).`);
    return { login: viewer.login, ...(viewer.databaseId === null ? {} : { id: viewer.databaseId }), source: 'graphql' };
  } catch (error) {
    logger.debug(`GraphQL viewer did not answer (${errorMessage(error)}); asking GET /user.`);
  }
  try {
    const { data } = await octokit.rest.users.getAuthenticated();
    logger.debug(`The token acts as ${data.login} (GET /user).`);
    return { login: data.login, id: data.id, source: 'rest' };
  } catch (error) {
    // GET /user refuses installation tokens, GITHUB_TOKEN among them: that refusal is the expected case here.
    logger.debug(`GET /user did not answer (${errorMessage(error)}); assuming the workflow's GITHUB_TOKEN (${GITHUB_ACTIONS_IDENTITY.login}).`);
    return GITHUB_ACTIONS_IDENTITY;
  }
}

/** A `failed` result whose warning says what went wrong and where the report is instead. */
function failure(args: Target, error: unknown, step: string): UpsertCommentResult {
  const warning = failureWarning(error, `${step} pull request #${args.issueNumber}`);
  args.logger.warning(warning);
  return { action: 'failed', warning };
}

/** A sentence for the job summary explaining a refused request: fork token, body too long, rate limit, server trouble. */
export function failureWarning(error: unknown, step: string): string {
  const status = statusOf(error);
  const message = errorMessage(error);
  const lead = `Fixpoint could not ${step}`;
  const elsewhere = 'The report is in this job summary.';
  if (status === 403 && /not accessible by integration/i.test(message)) {
    return (
      `${lead}: the token may not write (403 "Resource not accessible by integration"), as with pull requests from forks and Dependabot, whose GITHUB_TOKEN is read-only. ${elsewhere} ` +
      'To get the comment on such pull requests, add the fork-safe companion workflow: it runs on `workflow_run` with `mode: comment`, reads this run\'s report artifact and posts it without running the pull request\'s code.'
    );
  }
  if (status === 403 || status === 429) {
    return `${lead}: ${/rate limit/i.test(message) ? "GitHub's rate limit held the request back longer than worth waiting" : `GitHub refused it (${status}: ${message})`}. ${elsewhere}`;
  }
  if (status === 422 && /too long/i.test(message)) {
    return `${lead}: the comment is longer than GitHub's ${MAX_COMMENT_CHARACTERS.toLocaleString('en-US')} characters (422 "Body is too long"). ${elsewhere}`;
  }
  if (status === 404) return `${lead}: GitHub answered 404 (the pull request is gone, or the token cannot see the repository). ${elsewhere}`;
  if (status !== undefined && status >= 500) return `${lead}: GitHub kept failing (${status}: ${message}), retries included. ${elsewhere}`;
  return `${lead}: ${status === undefined ? message : `GitHub answered ${status}: ${message}`}. ${elsewhere}`;
}

/** The HTTP status of an Octokit error, if it has one. */
function statusOf(error: unknown): number | undefined {
  const status = (error as { status?: unknown } | null)?.status;
  return typeof status === 'number' && status > 0 ? status : undefined;
}


/** The result with a cleanup warning added, if there is one. */
function withWarning(result: UpsertCommentResult, warning: string | undefined): UpsertCommentResult {
  if (warning === undefined) return result;
  return { ...result, warning: result.warning === undefined ? warning : `${result.warning} ${warning}` };
}
