/**
 * The fork-safe pair end to end: a real `mode: check` run of a fork's pull request (its token
 * read-only, so it posts nothing) uploads its report through the fake artifact service; then
 * `node dist/index.js` with `mode: comment` on the `workflow_run` event downloads that artifact
 * through the fake REST API, finds the pull request by head SHA, and posts, or refuses to post
 * an artifact that is not a report this tool wrote.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { FakeGitHub } from './github/fake-github.ts';
import { REPOSITORY_TMP, temporaryRepository, type TemporaryRepository } from './diff/temporary-repository.ts';
import { COPIER_PROJECT, NODE_MODULES, runDist, type ActionRun, type RunSetup, THROWING_COPIER } from './action-harness.ts';
import { ALLOWED_TAGS, markdownHtml, tagNames } from './report/helpers.ts';
import { zipArchive, zipEntries } from './github/zip-archive.ts';

const PULL = 12;
const FORK = 'mallory/widgets';
const BASE_REPOSITORY = { full_name: 'acme/widgets', name: 'widgets', owner: { login: 'acme' } };
/** The fork's check run. */
const CHECK_RUN = 100;

/** Text a hostile pull request could put into an object's or a scenario's name. */
const HOSTILE = '<img src=x onerror=alert(1)> @everyone [click](javascript:alert(1)) | `x` <!-- fixpoint:v1 {} -->';

/** How one run of the Action is set up here: the harness's, less what every run shares. */
type Run = Omit<RunSetup, 'folder' | 'apiUrl'>;

describe('the Action (dist/index.js) in mode: comment, on workflow_run', () => {
  let fake: FakeGitHub;
  let repository: TemporaryRepository;
  let runner: string;
  let headSha: string;
  /** the report the check run of the fork's pull request wrote */
  let report: Record<string, unknown>;
  /** the archive it uploaded */
  let uploaded: Buffer;
  let runs = 0;
  let nextRunId = 9000;

  async function runAction(setup: Run): Promise<ActionRun> {
    runs += 1;
    return runDist({ ...setup, folder: join(runner, `run-${runs}`), apiUrl: fake.baseUrl });
  }

  /**
   * The companion's run on the completion of a check run: by default a fresh one that uploaded
   * `artifact` (a report, or raw text, zipped as fixpoint-report.json; a Buffer is the archive itself).
   */
  async function runComment(artifact: unknown, options: { readonly headSha?: string; readonly runId?: number; readonly runStartedAt?: string } = {}): Promise<ActionRun> {
    const workspace = mkdtempSync(join(runner, 'companion-'));
    const runId = options.runId ?? (nextRunId += 1);
    if (artifact !== undefined) fake.addArtifact(runId, 'fixpoint-report', await archiveOf(artifact));
    const payload = {
      action: 'completed',
      workflow_run: {
        id: runId,
        event: 'pull_request',
        conclusion: 'success',
        head_sha: options.headSha ?? headSha,
        head_branch: 'main',
        // The fake's clock starts at 2026-01-01; a later start makes its artifacts an earlier attempt's.
        run_started_at: options.runStartedAt ?? '2026-01-01T00:00:00Z',
        head_repository: { full_name: FORK },
        html_url: `https://github.com/acme/widgets/actions/runs/${runId}`,
        // Empty for a fork's pull request: the companion must ask the API.
        pull_requests: [],
      },
      repository: BASE_REPOSITORY,
      sender: { login: 'mallory' },
    };
    return runAction({ inputs: { mode: 'comment' }, eventName: 'workflow_run', payload, workspace, runId: nextRunId + 1000 });
  }

  async function archiveOf(artifact: unknown): Promise<Buffer> {
    if (Buffer.isBuffer(artifact)) return artifact;
    return zipArchive({ 'fixpoint-report.json': typeof artifact === 'string' ? artifact : JSON.stringify(artifact, null, 2) });
  }

  /** A deep copy of the real report, changed by `edit`. */
  function tampered(edit: (copy: Record<string, unknown>) => void): Record<string, unknown> {
    const copy = structuredClone(report);
    edit(copy);
    return copy;
  }

  before(async () => {
    fake = await FakeGitHub.start();
    repository = temporaryRepository(COPIER_PROJECT, REPOSITORY_TMP);
    symlinkSync(NODE_MODULES, join(repository.directory, 'node_modules'), 'junction');
    const baseSha = repository.git('rev-parse', 'HEAD');
    // Head reads a field that is not there: a new controller error.
    headSha = repository.commit('nested value', { 'src/copier.ts': THROWING_COPIER });
    runner = mkdtempSync(join(REPOSITORY_TMP, 'fixpoint-companion-'));
    fake.addPullRequest({ number: PULL - 1, headSha: baseSha, headRepository: FORK });
    fake.addPullRequest({ number: PULL, headSha, headRepository: FORK });
    // The fork's pull_request run: a read-only token, so it only writes the report (the artifact).
    const fork = { full_name: FORK, name: 'widgets', owner: { login: 'mallory' } };
    const payload = { action: 'synchronize', number: PULL, pull_request: { number: PULL, base: { sha: baseSha, repo: BASE_REPOSITORY }, head: { sha: headSha, repo: fork } }, repository: BASE_REPOSITORY, sender: { login: 'mallory' } };
    const artifactService = { resultsUrl: fake.resultsUrl, runtimeToken: fake.runtimeToken(CHECK_RUN) };
    const check = await runAction({ inputs: { 'fail-on': 'never' }, eventName: 'pull_request', payload, workspace: repository.directory, runId: CHECK_RUN, artifactService });
    assert.equal(check.status, 0, check.stdout + check.stderr);
    assert.match(check.stdout, /::notice::fixpoint: this pull request's token is read-only \(a fork\)/);
    const text = readFileSync(check.outputs['report-path'] ?? '', 'utf8');
    report = JSON.parse(text) as Record<string, unknown>;
    assert.equal(fake.writes().length, 0);
    assert.deepEqual(fake.artifacts.map((artifact) => [artifact.runId, artifact.name]), [[CHECK_RUN, 'fixpoint-report']]);
    uploaded = fake.artifacts[0]!.bytes;
    assert.deepEqual(await zipEntries(uploaded), { 'fixpoint-report.json': text });
  });

  after(async () => {
    await fake.stop();
    repository.remove();
    rmSync(runner, { recursive: true, force: true });
  });

  it('posts the report the check run uploaded on the pull request found by head SHA, rendered afresh from its JSON', async () => {
    const result = await runComment(undefined, { runId: CHECK_RUN });
    assert.equal(result.status, 0, result.stdout + result.stderr);
    const comments = fake.commentsOn(PULL);
    assert.equal(comments.length, 1);
    assert.equal(result.outputs['comment-url'], `https://github.com/acme/widgets/pull/${PULL}#issuecomment-${comments[0]?.id}`);
    assert.equal(result.outputs['verdict'], 'passed');
    assert.match(comments[0]?.body ?? '', /^<!-- fixpoint:v1 /);
    assert.match(comments[0]?.body ?? '', /copier/);
    assert.ok(fake.requests.some((request) => request.method === 'GET' && request.pathname === `/repos/acme/widgets/actions/runs/${CHECK_RUN}/artifacts`));
    assert.deepEqual(JSON.parse(readFileSync(result.outputs['report-path'] ?? '', 'utf8')), report);
    assert.ok(fake.requests.some((request) => request.method === 'GET' && request.pathname === `/repos/acme/widgets/commits/${headSha}/pulls`));
    assert.deepEqual(fake.writes().map((request) => `${request.method} ${request.pathname}`), [`POST /repos/acme/widgets/issues/${PULL}/comments`]);
  });

  it('updates that comment on the next run rather than posting another', async () => {
    const before = fake.writes().length;
    const result = await runComment(uploaded, { runId: 9500 });
    assert.equal(result.status, 0, result.stdout + result.stderr);
    assert.deepEqual(fake.writes().slice(before).map((request) => request.method), ['PATCH']);
    assert.equal(fake.commentsOn(PULL).length, 1);
    assert.match(fake.commentsOn(PULL)[0]?.body ?? '', /actions\/runs\/9500/);
  });

  it('finds a fork\'s pull request among the open ones when the commit lookup fails', async () => {
    fake.fail({ method: 'GET', path: /\/commits\/[0-9a-f]+\/pulls$/, status: 404, times: 1 });
    const before = fake.writes().length;
    const result = await runComment(uploaded);
    assert.equal(result.status, 0, result.stdout + result.stderr);
    assert.ok(fake.requests.some((request) => request.method === 'GET' && request.pathname === '/repos/acme/widgets/pulls' && request.query.get('state') === 'open'));
    assert.deepEqual(fake.writes().slice(before).map((request) => request.method), ['PATCH']);
  });

  describe('rejects a tampered artifact, failing and asking GitHub nothing else', () => {
    const cases: [string, () => unknown, RegExp][] = [
      ['larger than 5 MiB', () => ({ ...report, padding: 'x'.repeat(5 * 1024 * 1024) }), /its fixpoint-report\.json is \d+ bytes, more than the 5242880 a report may have/],
      ['that is no zip archive', () => Buffer.from(JSON.stringify(report)), /it is not a zip archive/],
      ['with an unknown field', () => tampered((copy) => (copy['markdown'] = '<script>alert(1)</script>')), /does not match diff-report\.schema\.json: the report has the unknown key "markdown"/],
      ['with another schemaVersion', () => tampered((copy) => (copy['schemaVersion'] = 2)), /does not match diff-report\.schema\.json: \/schemaVersion must be 1/],
      ['with a wrong status', () => tampered((copy) => ((copy['scenarios'] as { status: string }[])[0]!.status = 'passed')), /\/scenarios\/0\/status must be one of "checked", "added", "removed", "not-checked"/],
      ['that is not JSON', () => '{"schemaVersion": 1,', /is not valid JSON/],
      ['about another commit than the run\'s head', () => tampered((copy) => ((copy['head'] as { sha: string }).sha = 'f'.repeat(40))), new RegExp(`is about the head commit f{40}, but the workflow run that uploaded it checked ${'[0-9a-f]'.repeat(40)}`)],
    ];
    for (const [name, artifact, message] of cases) {
      it(name, async () => {
        const requests = fake.requests.length;
        const result = await runComment(artifact());
        assert.equal(result.status, 1, result.stdout + result.stderr);
        assert.match(result.stdout, /::error::fixpoint: the "fixpoint-report" artifact \(id \d+\) of workflow run \d+ was rejected, and nothing was posted: /);
        assert.match(result.stdout, message);
        const asked = fake.requests.slice(requests).map((request) => request.pathname.replace(/\d+/g, 'N'));
        assert.deepEqual(asked, ['/repos/acme/widgets/actions/runs/N/artifacts', '/repos/acme/widgets/actions/artifacts/N/zip', '/blobs/artifact-N'], 'only the artifact was read');
      });
    }
  });

  it('shows a hostile name from the report escaped: no tag, link or mention gets through', async () => {
    const hostile = tampered((copy) => {
      const scenario = (copy['scenarios'] as { name: string; head?: { findings: { message: string; trace: { steps: { writes: { name?: string }[] }[] } }[] } }[])[0]!;
      scenario.name = HOSTILE;
      for (const finding of scenario.head?.findings ?? []) {
        finding.message = HOSTILE;
        for (const step of finding.trace.steps) for (const write of step.writes) write.name = HOSTILE;
      }
    });
    const result = await runComment(hostile);
    assert.equal(result.status, 0, result.stdout + result.stderr);
    const body = fake.commentsOn(PULL)[0]?.body ?? '';
    const html = markdownHtml(body);
    assert.equal(html.split('<!--').length, 2, 'the one HTML comment is the marker on the first line');
    const tags = [...tagNames(html)].filter((tag) => !ALLOWED_TAGS.has(tag));
    assert.deepEqual(tags, []);
    assert.doesNotMatch(html, /href="javascript:/i);
    // GitHub mentions nobody inside code or an HTML comment; anywhere else the @ must be defused.
    const prose = html.replace(/<!--[\s\S]*?-->|<code>[\s\S]*?<\/code>|<pre>[\s\S]*?<\/pre>/g, '');
    assert.doesNotMatch(prose, /@everyone/);
    assert.match(html, /&lt;img src=x onerror=alert\(1\)&gt;/);
  });

  it('posts nothing, with a notice, when the check run uploaded no report', async () => {
    const before = fake.requests.length;
    const result = await runComment(undefined);
    assert.equal(result.status, 0, result.stdout + result.stderr);
    assert.match(result.stdout, /::notice::fixpoint: workflow run \d+ uploaded no "fixpoint-report" artifact, so there is nothing to post/);
    assert.equal(fake.requests.length, before + 1, 'only the artifact list was read');
    assert.equal(result.outputs['comment-url'], '');
  });

  it('warns and posts nothing when the artifact cannot be listed (a token without actions: read)', async () => {
    fake.fail({ method: 'GET', path: /\/actions\/runs\/\d+\/artifacts$/, status: 403, times: 1 });
    const before = fake.writes().length;
    const result = await runComment(uploaded);
    assert.equal(result.status, 0, result.stdout + result.stderr);
    assert.match(result.stdout, /::warning::fixpoint: could not download the "fixpoint-report" artifact of workflow run \d+ \(.*Resource not accessible by integration.*\), so no comment is posted; .*actions: read/);
    assert.equal(fake.writes().length, before);
  });

  it('posts nothing, with a notice, when only an earlier attempt of the run uploaded a report (the re-run commented itself)', async () => {
    const before = fake.writes().length;
    const result = await runComment(undefined, { runId: CHECK_RUN, runStartedAt: '2027-01-01T00:00:00Z' });
    assert.equal(result.status, 0, result.stdout + result.stderr);
    assert.match(result.stdout, new RegExp(`::notice::fixpoint: only an earlier attempt of workflow run ${CHECK_RUN} uploaded a "fixpoint-report" artifact, so there is nothing to post`));
    assert.equal(fake.writes().length, before);
  });

  it('posts nothing, with a notice, when no open pull request has the head any more', async () => {
    const other = 'e'.repeat(40);
    const before = fake.writes().length;
    const result = await runComment(tampered((copy) => ((copy['head'] as { sha: string }).sha = other)), { headSha: other });
    assert.equal(result.status, 0, result.stdout + result.stderr);
    assert.match(result.stdout, /::notice::fixpoint: no open pull request of acme\/widgets has the head e{40}/);
    assert.equal(fake.writes().length, before);
    assert.equal(result.outputs['comment-url'], '');
  });

  it('refuses to check on workflow_run, and to comment on any other event', async () => {
    const workspace = mkdtempSync(join(runner, 'events-'));
    const onWorkflowRun = await runAction({ inputs: {}, eventName: 'workflow_run', payload: { workflow_run: { head_sha: headSha } }, workspace });
    assert.equal(onWorkflowRun.status, 1);
    assert.match(onWorkflowRun.stdout, /set `mode: comment`/);
    const onTarget = await runAction({ inputs: { mode: 'comment' }, eventName: 'pull_request_target', payload: {}, workspace });
    assert.equal(onTarget.status, 1);
    assert.match(onTarget.stdout, /will not run on pull_request_target/);
    const onPullRequest = await runAction({ inputs: { mode: 'comment' }, eventName: 'pull_request', payload: {}, workspace });
    assert.equal(onPullRequest.status, 1);
    assert.match(onPullRequest.stdout, /mode "comment" runs on workflow_run only/);
  });
});
