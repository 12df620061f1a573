/**
 * The GitHub Action (action.yml, bundled into dist/index.js by scripts/build.ts): `mode: check`
 * runs fixpoint diff between the pull request's base and head, writes the JSON report, the job
 * summary, annotations and outputs, and posts the sticky comment; the check fails only as
 * `fail-on` says, never because the comment could not be posted. Where a pull request's run
 * cannot post the comment (a fork's read-only token, a refused write), it uploads the report as an
 * artifact. `mode: comment` is the fork-safe `workflow_run` companion: it downloads that
 * artifact, as untrusted data, and only posts it, never running the pull request's code.
 */
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { isAbsolute, join, resolve } from 'node:path';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import * as core from '@actions/core';
import packageJson from '../package.json' with { type: 'json' };
import { ESBUILD_ENV } from './controllers/bundle.ts';
import type { DiffReport } from './diff/diff-report.ts';
import { diff } from './diff/run-diff.ts';
import { repositoryRoot } from './diff/worktree.ts';
import { diffAnnotations } from './github/annotations.ts';
import { ensureHistory, PULL_REQUEST_TARGET_REFUSAL, pullRequestContext, type PullRequestContext } from './github/context.ts';
import { EventError } from './github/event-payload.ts';
import { InputError, readInputs, type ActionInputs } from './github/inputs.ts';
import { findPullRequest } from './github/find-pull-request.ts';
import { createOctokit } from './github/octokit.ts';
import { ArtifactError, downloadReportArtifact, REPORT_ARTIFACT_NAME, REPORT_FILE, uploadReportArtifact } from './github/report-artifact.ts';
import { upsertComment } from './github/sticky-comment.ts';
import { workflowRunContext } from './github/workflow-run.ts';
import { renderComment, renderJobSummary } from './report/markdown.ts';
import { errorMessage } from './error-message.ts';

/** How long installing esbuild into RUNNER_TEMP may take before the run gives up. */
const ESBUILD_INSTALL_TIMEOUT_MS = 5 * 60 * 1000;

/** Where the GitHub clients report retries, waits and what they did: the step's log. */
const LOGGER = { debug: core.debug, info: core.info, warning: core.warning };

/** A failure the workflow's author can fix (inputs, event, checkout): its message is shown as is. */
class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** Runs the Action; every outcome ends in outputs and, when the check fails, `core.setFailed`. Never throws. */
export async function run(env: NodeJS.ProcessEnv = process.env): Promise<void> {
  try {
    const inputs = readInputs();
    if (inputs.mode === 'comment') await comment(inputs, env);
    else await check(inputs, env);
  } catch (error) {
    if (error instanceof InputError || error instanceof EventError || error instanceof UsageError || error instanceof ArtifactError) {
      core.setFailed(error.message);
      return;
    }
    const message = errorMessage(error);
    core.setFailed(
      `fixpoint failed with an internal error, a bug in Fixpoint and not a problem of this pull request: ${message}. ` +
        'Please report it at https://github.com/fixpoint/fixpoint/issues with the step\'s debug log (re-run with debug logging enabled).',
    );
    core.debug(error instanceof Error && error.stack !== undefined ? error.stack : String(error));
  }
}

/** `mode: check`: diff, report, summary, annotations, comment, verdict. */
async function check(inputs: ActionInputs, env: NodeJS.ProcessEnv): Promise<void> {
  const context = await eventContext(env);
  const workspace = resolve(env['GITHUB_WORKSPACE'] ?? process.cwd());
  const directory = resolve(workspace, inputs.workingDirectory);
  if (!existsSync(directory)) throw new UsageError(`input "working-directory" is "${inputs.workingDirectory}", but ${directory} does not exist`);
  const repository = await repositoryRoot(directory).catch((error: unknown) => {
    throw new UsageError(`${directory} is not inside a git repository: check the repository out with actions/checkout (and fetch-depth: 0) before this step (${errorMessage(error)})`);
  });
  const base = inputs.base ?? context.baseSha;
  const head = inputs.head ?? context.headSha;
  await ensureHistory(repository, base, { headSha: head }).catch((error: unknown) => {
    throw new UsageError(errorMessage(error));
  });
  await provideEsbuild(directory, env);

  let headCheckout: string | undefined;
  const report = await diff({
    directory,
    config: inputs.config,
    base,
    head,
    failOn: inputs.failOn,
    ...(inputs.installCommand === undefined ? {} : { installCommand: inputs.installCommand }),
    ...(inputs.maxStates === undefined && inputs.timeoutSeconds === undefined
      ? {}
      : { bounds: { ...(inputs.maxStates === undefined ? {} : { maxStates: inputs.maxStates }), ...(inputs.timeoutSeconds === undefined ? {} : { timeoutSeconds: inputs.timeoutSeconds }) } }),
    onProgress: (message) => core.info(`fixpoint: ${message}`),
    onCheckout: (side, checkout) => {
      if (side === 'head') headCheckout = checkout;
    },
  });

  const temp = await publishReport(report, env);

  emitAnnotations(report, { workspace, repository, ...(headCheckout === undefined || headCheckout === repository ? {} : { checkout: headCheckout }) });
  const posting = await postComment(inputs, context, report, env);
  const summaryNotes = [...posting.warnings];
  // What this run meant to post but could not (a fork's read-only token, a refused write), the companion posts.
  if (context.kind === 'pull_request' && inputs.comment !== 'off' && !posting.posted) summaryNotes.push(...(await uploadForCompanion(temp, env)));

  let summary = renderJobSummary(report);
  if (summaryNotes.length > 0) summary += `\n\n${summaryNotes.map((note) => `> [!WARNING]\n> ${note.split('\n').join('\n> ')}`).join('\n\n')}\n`;
  if (env['GITHUB_STEP_SUMMARY']) await core.summary.addRaw(summary, true).write();

  if (report.verdict.failed) core.setFailed(`fixpoint: ${report.verdict.summary} (fail-on: ${inputs.failOn})`);
  else core.info(`fixpoint: ${report.verdict.summary}; passed (fail-on: ${inputs.failOn})`);
}

/**
 * `mode: comment`, on `workflow_run`: download and validate the report the finished run uploaded,
 * check it is about the run's head commit, find that commit's open pull request and post the
 * comment rendered afresh from the report's data. A rejected report fails the step; a report that
 * cannot be reached, or a comment that cannot be posted, warns.
 */
async function comment(inputs: ActionInputs, env: NodeJS.ProcessEnv): Promise<void> {
  core.setOutput('comment-url', '');
  const eventName = env['GITHUB_EVENT_NAME'] ?? '';
  if (eventName === 'pull_request_target') throw new EventError(PULL_REQUEST_TARGET_REFUSAL);
  if (eventName !== 'workflow_run') {
    throw new EventError(
      `mode "comment" runs on workflow_run only (the companion of a pull_request workflow with mode "check"), not on a "${eventName || 'unknown'}" event; on pull_request use mode "check", which comments itself where the token may write`,
    );
  }
  const run = workflowRunContext(await eventPayload(env), env);
  const octokit = createOctokit(inputs.githubToken, { ...(env['GITHUB_API_URL'] ? { baseUrl: env['GITHUB_API_URL'] } : {}), logger: LOGGER });
  let download;
  try {
    download = await downloadReportArtifact({ octokit, owner: run.owner, repo: run.repo, runId: run.runId, ...(run.runStartedAt === undefined ? {} : { attemptStartedAt: run.runStartedAt }), logger: LOGGER });
  } catch (error) {
    if (error instanceof ArtifactError) throw error;
    const status = (error as { status?: unknown }).status;
    const hint = status === 403 || status === 404 ? 'the token needs `permissions: actions: read`' : 're-run this workflow to try again';
    core.warning(`fixpoint: could not download the "${REPORT_ARTIFACT_NAME}" artifact of workflow run ${run.runId} (${errorMessage(error)}), so no comment is posted; ${hint}`);
    return;
  }
  if (!download.found) {
    core.notice(`fixpoint: ${download.reason}, so there is nothing to post (a run that could comment itself uploads no report)`);
    return;
  }
  const { report, source } = download;
  if (report.head.sha !== run.headSha) {
    throw new ArtifactError(
      `fixpoint: ${source} was rejected, and nothing was posted: it is about the head commit ${report.head.sha ?? '(none: a working tree)'}, but the workflow run that uploaded it checked ${run.headSha}`,
    );
  }
  await publishReport(report, env);
  // The companion's own summary shows the report too: where a reader looks should the comment fail.
  if (env['GITHUB_STEP_SUMMARY']) await core.summary.addRaw(renderJobSummary(report), true).write();

  let number = run.pullRequests.find((pull) => pull.headSha === run.headSha)?.number;
  if (number === undefined) {
    try {
      number = await findPullRequest({ octokit, owner: run.owner, repo: run.repo, headSha: run.headSha, ...(run.headRepository === undefined ? {} : { headRepository: run.headRepository }), logger: LOGGER });
    } catch (error) {
      core.warning(`fixpoint: could not find the pull request of commit ${run.headSha} in ${run.owner}/${run.repo} (${errorMessage(error)}), so no comment is posted; the job summary has the report`);
      return;
    }
  }
  if (number === undefined) {
    core.notice(`fixpoint: no open pull request of ${run.owner}/${run.repo} has the head ${run.headSha}${run.headBranch === undefined ? '' : ` (branch ${run.headBranch})`} any more (closed, or pushed to since), so no comment is posted`);
    return;
  }
  const body = renderComment(report, run.runUrl === undefined ? {} : { reportUrl: run.runUrl });
  const result = await upsertComment({ octokit, owner: run.owner, repo: run.repo, issueNumber: number, body, mode: inputs.comment, logger: LOGGER });
  core.setOutput('comment-url', result.url ?? '');
  core.info(`fixpoint: pull request #${number} comment ${result.action}${result.url === undefined ? '' : `: ${result.url}`}`);
  if (result.warning !== undefined) core.warning(result.warning);
}

/** Writes the JSON report into RUNNER_TEMP and sets the outputs that describe it; returns that folder. */
async function publishReport(report: DiffReport, env: NodeJS.ProcessEnv): Promise<string> {
  const temp = runnerTemp(env);
  const reportPath = join(temp, REPORT_FILE);
  await mkdir(temp, { recursive: true });
  await writeFile(reportPath, `${JSON.stringify(report, null, 2)}\n`);
  core.setOutput('verdict', report.verdict.failed ? 'failed' : 'passed');
  core.setOutput('report-path', reportPath);
  core.setOutput('new-findings', String(report.verdict.newFindings));
  return temp;
}

/** The event's base, head and pull request, from GITHUB_EVENT_NAME and the payload at GITHUB_EVENT_PATH. */
async function eventContext(env: NodeJS.ProcessEnv): Promise<PullRequestContext> {
  return pullRequestContext(env['GITHUB_EVENT_NAME'] ?? '', await eventPayload(env), env);
}

/** The event's payload, the JSON file at GITHUB_EVENT_PATH. */
async function eventPayload(env: NodeJS.ProcessEnv): Promise<unknown> {
  const path = env['GITHUB_EVENT_PATH'];
  if (path === undefined || path === '') throw new UsageError('GITHUB_EVENT_PATH is not set: fixpoint runs as a step of a GitHub Actions workflow');
  let payload: unknown;
  try {
    payload = JSON.parse(await readFile(path, 'utf8'));
  } catch (error) {
    throw new UsageError(`cannot read the event payload at GITHUB_EVENT_PATH (${path}): ${errorMessage(error)}`);
  }
  return payload;
}

/** Annotations for the new findings, and a notice for those the runner's limits leave out. */
function emitAnnotations(report: DiffReport, options: Parameters<typeof diffAnnotations>[1]): void {
  const plan = diffAnnotations(report, options);
  for (const annotation of plan.annotations) core[annotation.level](annotation.message, annotation.properties);
  const omitted = plan.omitted.error + plan.omitted.warning + plan.omitted.notice;
  if (omitted > 0) core.info(`fixpoint: ${omitted} more annotation${omitted === 1 ? '' : 's'} left out (the runner shows 10 of each level per step); the job summary lists every finding`);
}

/** Whether this run posted (or kept) the sticky comment. */
interface Posting {
  readonly posted: boolean;
  /** for the job summary */
  readonly warnings: readonly string[];
}

/** Posts the sticky comment when it should and can. Sets `comment-url`. */
async function postComment(inputs: ActionInputs, context: PullRequestContext, report: DiffReport, env: NodeJS.ProcessEnv): Promise<Posting> {
  core.setOutput('comment-url', '');
  if (inputs.comment === 'off') return { posted: false, warnings: [] };
  if (context.number === undefined) {
    core.info(`fixpoint: no pull request comment on a ${context.kind} run; the job summary has the report`);
    return { posted: false, warnings: [] };
  }
  if (context.readOnlyToken) {
    core.notice(
      `fixpoint: this pull request's token is read-only (${context.isFork ? 'a fork' : 'Dependabot'}), so no comment is posted here: the job summary has the report, and the fork-safe companion workflow (workflow_run, mode: comment) posts it from the "${REPORT_ARTIFACT_NAME}" artifact`,
    );
    return { posted: false, warnings: [] };
  }
  if (inputs.githubToken === '') return { posted: false, warnings: ['The pull request comment was not posted: the input "github-token" is empty.'] };
  const octokit = createOctokit(inputs.githubToken, { ...(env['GITHUB_API_URL'] ? { baseUrl: env['GITHUB_API_URL'] } : {}), logger: LOGGER });
  const reportUrl = runUrl(env);
  const body = renderComment(report, reportUrl === undefined ? {} : { reportUrl });
  const { owner, repo, number } = context;
  const currentHead = async () => (await octokit.rest.pulls.get({ owner, repo, pull_number: number })).data.head.sha;
  const result = await upsertComment({ octokit, owner, repo, issueNumber: number, body, mode: inputs.comment, currentHead, logger: LOGGER });
  core.setOutput('comment-url', result.url ?? '');
  core.info(`fixpoint: pull request comment ${result.action}${result.url === undefined ? '' : `: ${result.url}`}`);
  const posted = result.action !== 'failed' && result.action !== 'skipped';
  if (result.warning === undefined) return { posted, warnings: [] };
  core.warning(result.warning);
  return { posted, warnings: [result.warning] };
}

/**
 * Uploads the report in `directory` as the artifact the fork-safe companion posts, for a pull
 * request whose comment this run could not post; returns a warning for the job summary when it
 * could not upload either. Needs the runner's artifact service; elsewhere (a local runner) it says so and skips.
 */
async function uploadForCompanion(directory: string, env: NodeJS.ProcessEnv): Promise<string[]> {
  if (!env['ACTIONS_RUNTIME_TOKEN'] || !env['ACTIONS_RESULTS_URL']) {
    core.info(`fixpoint: no artifact service here (ACTIONS_RUNTIME_TOKEN or ACTIONS_RESULTS_URL is unset), so the report is not uploaded as the "${REPORT_ARTIFACT_NAME}" artifact`);
    return [];
  }
  try {
    const { id, size } = await uploadReportArtifact(directory);
    core.info(`fixpoint: uploaded the report as the "${REPORT_ARTIFACT_NAME}" artifact${id === undefined ? '' : ` (id ${id}, ${size ?? '?'} bytes)`} for the comment workflow`);
    return [];
  } catch (error) {
    const warning = `The report could not be uploaded as the "${REPORT_ARTIFACT_NAME}" artifact (${errorMessage(error)}), so a fork-safe comment workflow has nothing to post; this summary has the report.`;
    core.warning(warning);
    return [warning];
  }
}

/** The workflow run's page, where the job summary is. */
function runUrl(env: NodeJS.ProcessEnv): string | undefined {
  const server = env['GITHUB_SERVER_URL'] ?? 'https://github.com';
  const repository = env['GITHUB_REPOSITORY'];
  const runId = env['GITHUB_RUN_ID'];
  if (!repository || !runId) return undefined;
  const attempt = env['GITHUB_RUN_ATTEMPT'];
  return `${server.replace(/\/+$/, '')}/${repository}/actions/runs/${runId}${attempt ? `/attempts/${attempt}` : ''}`;
}

function runnerTemp(env: NodeJS.ProcessEnv): string {
  const temp = env['RUNNER_TEMP'];
  return temp && isAbsolute(temp) ? temp : resolve(temp || '.fixpoint-tmp');
}

/**
 * Makes esbuild loadable for bundling the controllers (its native binary cannot be bundled into
 * dist/index.js): the user's project's own copy if it has one, else ours when running from the
 * sources, else one installed once into RUNNER_TEMP. Threads find it through ESBUILD_ENV.
 */
async function provideEsbuild(directory: string, env: NodeJS.ProcessEnv): Promise<void> {
  if (process.env[ESBUILD_ENV]) return;
  const found = resolveFrom(join(directory, 'package.json')) ?? resolveFrom(import.meta.filename);
  if (found !== undefined) {
    process.env[ESBUILD_ENV] = found;
    return;
  }
  const version = packageJson.dependencies.esbuild;
  const prefix = join(runnerTemp(env), 'fixpoint-esbuild');
  const installed = resolveFrom(join(prefix, 'package.json'));
  if (installed !== undefined) {
    process.env[ESBUILD_ENV] = installed;
    return;
  }
  core.info(`fixpoint: installing esbuild@${version} into ${prefix} to bundle the controllers`);
  await mkdir(prefix, { recursive: true });
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  try {
    await promisify(execFile)(npm, ['install', '--no-save', '--no-audit', '--no-fund', '--prefix', prefix, `esbuild@${version}`], { shell: process.platform === 'win32', timeout: ESBUILD_INSTALL_TIMEOUT_MS });
  } catch (error) {
    throw new Error(`installing esbuild@${version} into ${prefix} failed: ${errorMessage(error)}`, { cause: error });
  }
  const after = resolveFrom(join(prefix, 'package.json'));
  if (after === undefined) throw new Error(`esbuild@${version} was installed into ${prefix} but cannot be resolved from there`);
  process.env[ESBUILD_ENV] = after;
}

/** esbuild's main file as resolved from `file`'s folder; undefined when it is not installed there. */
function resolveFrom(file: string): string | undefined {
  try {
    return createRequire(file).resolve('esbuild');
  } catch {
    return undefined;
  }
}

