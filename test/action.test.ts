/**
 * The Action end to end: `node dist/index.js` as the runner starts it (INPUT_* with hyphens kept,
 * the event payload, GITHUB_OUTPUT, GITHUB_STEP_SUMMARY, RUNNER_TEMP) on a real repository with a
 * base and a head commit, posting to the fake GitHub.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { FakeGitHub } from './github/fake-github.ts';
import { REPOSITORY_TMP, temporaryRepository, type TemporaryRepository } from './diff/temporary-repository.ts';
import { COPIER_PROJECT, NODE_MODULES, runDist, type ActionRun, THROWING_COPIER } from './action-harness.ts';
import { zipEntries } from './github/zip-archive.ts';
import { DEFAULT_RETRIES } from '../src/github/octokit.ts';

const PULL = 7;

describe('the Action (dist/index.js) on a pull request', () => {
  let fake: FakeGitHub;
  let repository: TemporaryRepository;
  let runner: string;
  let payloadPath: string;

  before(async () => {
    fake = await FakeGitHub.start();
    repository = temporaryRepository(COPIER_PROJECT, REPOSITORY_TMP);
    symlinkSync(NODE_MODULES, join(repository.directory, 'node_modules'), 'junction');
    const baseSha = repository.git('rev-parse', 'HEAD');
    // Head reads a field that is not there: a new controller error (and non-convergence).
    const headSha = repository.commit('nested value', { 'src/copier.ts': THROWING_COPIER });
    runner = mkdtempSync(join(REPOSITORY_TMP, 'fixpoint-runner-'));
    payloadPath = join(runner, 'event.json');
    const repo = { full_name: 'acme/widgets', name: 'widgets', owner: { login: 'acme' } };
    writeFileSync(
      payloadPath,
      JSON.stringify({ action: 'synchronize', number: PULL, pull_request: { number: PULL, base: { sha: baseSha, repo }, head: { sha: headSha, repo } }, repository: repo, sender: { login: 'someone' } }),
    );
  });

  after(async () => {
    await fake.stop();
    repository.remove();
    rmSync(runner, { recursive: true, force: true });
  });

  let runs = 0;
  /**
   * One run. Its artifacts go to the fake's run `artifactRun` (by default one of its own); the
   * comment links the same run page every time, so that an unchanged report is an unchanged comment.
   */
  async function runAction(inputs: Record<string, string>, artifactRun?: number): Promise<ActionRun> {
    runs += 1;
    const payload = JSON.parse(readFileSync(payloadPath, 'utf8')) as unknown;
    const artifactService = { resultsUrl: fake.resultsUrl, runtimeToken: fake.runtimeToken(artifactRun ?? 200 + runs) };
    return runDist({ folder: join(runner, `run-${runs}`), inputs, eventName: 'pull_request', payload, workspace: repository.directory, apiUrl: fake.baseUrl, artifactService });
  }

  it('fails on a new finding, writes outputs, report, summary and annotations, and creates the comment', async () => {
    const result = await runAction({});
    assert.equal(result.status, 1, result.stdout + result.stderr);
    assert.equal(result.outputs['verdict'], 'failed');
    assert.ok(Number(result.outputs['new-findings']) >= 1, result.outputs['new-findings']);
    const report = JSON.parse(readFileSync(result.outputs['report-path'] ?? '', 'utf8')) as { schemaVersion: number; verdict: { failed: boolean } };
    assert.deepEqual([report.schemaVersion, report.verdict.failed], [1, true]);
    assert.match(result.summary, /Fixpoint/);
    // Annotated at the controller's own line, although this test's node_modules is a link to the repository's.
    assert.match(result.stdout, /^::error title=Fixpoint%3A controller copier throws,file=src\/copier\.ts,line=\d+,col=\d+::TypeError/m);
    assert.doesNotMatch(result.stdout, /internal error/);
    const comments = fake.commentsOn(PULL);
    assert.equal(comments.length, 1);
    assert.equal(result.outputs['comment-url'], `https://github.com/acme/widgets/pull/${PULL}#issuecomment-${comments[0]?.id}`);
    assert.deepEqual(fake.writes().map((request) => request.method), ['POST']);
    assert.deepEqual(fake.artifacts, [], 'a run that posted the comment uploads no artifact for the companion');
  });

  it('updates the comment when the report changes, and passes under fail-on: never', async () => {
    const before = fake.writes().length;
    const result = await runAction({ 'fail-on': 'never' });
    assert.equal(result.status, 0, result.stdout + result.stderr);
    assert.equal(result.outputs['verdict'], 'passed');
    assert.deepEqual(fake.writes().slice(before).map((request) => request.method), ['PATCH']);
    assert.equal(fake.commentsOn(PULL).length, 1);
  });

  it('writes nothing when the comment already says it', async () => {
    const before = fake.writes().length;
    const result = await runAction({ 'fail-on': 'never' });
    assert.equal(result.status, 0, result.stdout + result.stderr);
    assert.equal(fake.writes().length, before);
    assert.match(result.outputs['comment-url'] ?? '', /#issuecomment-\d+$/);
  });

  it('posts no comment and uploads no report with comment: off, applies max-states, and fails a bad input with its message', async () => {
    const before = fake.requests.length;
    const off = await runAction({ comment: 'off', 'fail-on': 'never', 'max-states': '1' });
    assert.equal(off.status, 0, off.stdout + off.stderr);
    const report = JSON.parse(readFileSync(off.outputs['report-path'] ?? '', 'utf8')) as { scenarios: { base?: { status: string; stats: { states: number } } }[] };
    assert.deepEqual([report.scenarios[0]?.base?.status, report.scenarios[0]?.base?.stats.states], ['bounded', 1]);
    assert.equal(fake.requests.length, before, 'no request to GitHub or the artifact service');
    assert.equal(off.outputs['comment-url'], '');
    const bad = await runAction({ 'fail-on': 'sometimes' });
    assert.equal(bad.status, 1);
    assert.match(bad.stdout, /::error::input "fail-on" must be one of/);
  });

  /** Our sticky comment as the fake stores it; its body made stale so the next run has something to write. */
  function staleSticky() {
    const sticky = fake.commentsOn(PULL).find((comment) => comment.user.login === fake.actor.login && comment.body.startsWith('<!-- fixpoint:v1 '));
    assert.ok(sticky, 'the earlier runs left a sticky comment');
    sticky.body = '<!-- fixpoint:v1 {} -->\nstale';
    return sticky;
  }

  it('finds its comment on the third page (100 a page) and leaves another user’s comment with the marker alone', async () => {
    const ours = staleSticky();
    fake.comments.splice(fake.comments.indexOf(ours), 1);
    const mallory = fake.addComment(PULL, '<!-- fixpoint:v1 {"base":"x"} -->\nnot from the bot', { login: 'mallory', id: 7, type: 'User' });
    for (let index = 0; index < 250; index += 1) fake.addComment(PULL, `comment ${index}`, { login: 'reviewer', id: 8, type: 'User' });
    fake.comments.push(ours);
    const before = fake.writes().length;
    const result = await runAction({ 'fail-on': 'never' });
    assert.equal(result.status, 0, result.stdout + result.stderr);
    const writes = fake.writes().slice(before);
    assert.deepEqual(writes.map((request) => `${request.method} ${request.pathname}`), [`PATCH /repos/acme/widgets/issues/comments/${ours.id}`]);
    assert.ok(fake.requests.some((request) => request.method === 'GET' && request.query.get('page') === '3'), 'read the third page');
    assert.equal(mallory.body, '<!-- fixpoint:v1 {"base":"x"} -->\nnot from the bot');
  });

  it('leaves alone the comment of a newer push: this run\'s head is no longer the pull request\'s', async () => {
    const sticky = staleSticky();
    const newer = 'c'.repeat(40);
    sticky.body = `<!-- fixpoint:v1 {"version":"0.1.0","base":"x","head":"${newer}","scenarios":[]} -->\nthe newer run's report`;
    const pull = fake.addPullRequest({ number: PULL, headSha: newer, headRepository: 'acme/widgets' });
    const before = fake.writes().length;
    const artifacts = fake.artifacts.length;
    const result = await runAction({ 'fail-on': 'never' });
    fake.pullRequests.splice(fake.pullRequests.indexOf(pull), 1);
    assert.equal(result.status, 0, result.stdout + result.stderr);
    assert.match(result.stdout, /fixpoint: pull request comment superseded: https:\/\/github\.com\/acme\/widgets\/pull\/7#issuecomment-\d+/);
    assert.equal(fake.writes().length, before);
    assert.equal(sticky.body, `<!-- fixpoint:v1 {"version":"0.1.0","base":"x","head":"${newer}","scenarios":[]} -->\nthe newer run's report`);
    assert.equal(fake.artifacts.length, artifacts, 'nothing for the companion to post either');
  });

  for (const [status, message, pattern] of [
    [403, 'Resource not accessible by integration', /fork/i],
    [422, 'Validation Failed: Body is too long', /too long/i],
    [502, 'Bad Gateway', /502|server error|GitHub/i],
  ] as const) {
    it(`only warns when GitHub answers the comment with ${status}, and uploads the report for the companion: the check's own result stands`, async () => {
      staleSticky();
      fake.fail({ method: 'PATCH', path: /\/issues\/comments\/\d+$/, status, body: { message }, times: status === 502 ? 1 + DEFAULT_RETRIES : 1 });
      const result = await runAction({ 'fail-on': 'never' }, status);
      assert.equal(result.status, 0, result.stdout + result.stderr);
      assert.match(result.stdout, /^::warning::/m);
      const warning = result.stdout.split('\n').find((line) => line.startsWith('::warning::')) ?? '';
      assert.match(warning, pattern);
      assert.match(result.summary, /Fixpoint/);
      const uploaded = fake.artifacts.filter((artifact) => artifact.runId === status);
      assert.deepEqual(uploaded.map((artifact) => artifact.name), ['fixpoint-report']);
      assert.equal((await zipEntries(uploaded[0]!.bytes))['fixpoint-report.json'], readFileSync(result.outputs['report-path'] ?? '', 'utf8'));
    });
  }

  it('warns, in the log and the summary, when the report cannot be uploaded either, and the verdict stands', async () => {
    staleSticky();
    fake.fail({ method: 'PATCH', path: /\/issues\/comments\/\d+$/, status: 403, times: 1 });
    // The run has the name already (say, from a second Fixpoint step): the service refuses another.
    fake.addArtifact(600, 'fixpoint-report', Buffer.from('PK'));
    const result = await runAction({ 'fail-on': 'any-finding' }, 600);
    assert.equal(result.status, 1, result.stdout + result.stderr);
    assert.equal(result.outputs['verdict'], 'failed');
    assert.match(result.stdout, /^::warning::The report could not be uploaded as the "fixpoint-report" artifact \(.*already exists.*\), so a fork-safe comment workflow has nothing to post/m);
    assert.match(result.summary, /> \[!WARNING\]\n> The report could not be uploaded as the "fixpoint-report" artifact/);
    assert.doesNotMatch(result.stdout, /internal error/);
  });
});
