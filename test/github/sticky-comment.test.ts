import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { createOctokit, GITHUB_API_VERSION } from '../../src/github/octokit.ts';
import { isOwnComment, isStickyComment, upsertComment, type CommentMode, type UpsertCommentResult } from '../../src/github/sticky-comment.ts';
import { COMMENT_MARKER_PREFIX } from '../../src/report/markdown.ts';
import { FakeGitHub, GITHUB_ACTIONS_BOT, type FakeGitHubOptions, type FakeUser } from './fake-github.ts';
import { recordingLogger } from './recording-logger.ts';

const PULL = 7;
const MALLORY: FakeUser = { login: 'mallory', id: 666, type: 'User' };
const OCTOCAT: FakeUser = { login: 'octocat', id: 583231, type: 'User' };

/** A comment body as `renderComment` shapes it: the marker line, then the report. */
function report(text: string, head = 'abc123'): string {
  return `${COMMENT_MARKER_PREFIX}{"base":"main","head":"${head}","scenarios":["scale"]} -->\n## Fixpoint\n\n${text}\n`;
}


describe('the sticky pull-request comment', () => {
  let fake: FakeGitHub;
  let logger: ReturnType<typeof recordingLogger>;

  /** (Re)start the fake with other options than the default bot actor. */
  async function restart(options: FakeGitHubOptions): Promise<void> {
    await fake.stop();
    fake = await FakeGitHub.start(options);
  }

  /** One run of the Action's comment step against the fake; retries and pacing shrunk to milliseconds. */
  function run(body: string, mode: CommentMode = 'update', currentHead?: () => Promise<string | undefined>): Promise<UpsertCommentResult> {
    const octokit = createOctokit('ghs_test', { baseUrl: fake.baseUrl, logger, backoffUnitMilliseconds: 1, writeIntervalMilliseconds: 0 });
    return upsertComment({ octokit, owner: 'acme', repo: 'widgets', issueNumber: PULL, body, mode, logger, ...(currentHead === undefined ? {} : { currentHead }) });
  }

  /** The requests of the last run only. */
  function since(count: number) {
    return fake.requests.slice(count);
  }

  beforeEach(async () => {
    fake = await FakeGitHub.start();
    logger = recordingLogger();
  });

  afterEach(async () => {
    await fake.stop();
  });

  it('creates one comment on the first run', async () => {
    const result = await run(report('first'));
    assert.equal(result.action, 'created');
    assert.equal(result.warning, undefined);
    const [comment, ...others] = fake.commentsOn(PULL);
    assert.deepEqual(others, []);
    assert.equal(comment?.body, report('first'));
    assert.equal(result.url, `https://github.com/acme/widgets/pull/${PULL}#issuecomment-${comment?.id}`);
  });

  it('updates the same comment in place when the report changes', async () => {
    await run(report('first'));
    const id = fake.commentsOn(PULL)[0]?.id;
    const before = fake.requests.length;
    const result = await run(report('second', 'def456'));
    assert.equal(result.action, 'updated');
    assert.deepEqual(
      fake.commentsOn(PULL).map((comment) => [comment.id, comment.body]),
      [[id, report('second', 'def456')]],
    );
    assert.deepEqual(
      since(before)
        .filter((request) => request.method !== 'GET' && request.pathname !== '/graphql')
        .map((request) => `${request.method} ${request.pathname}`),
      [`PATCH /repos/acme/widgets/issues/comments/${id}`],
    );
  });

  it('writes nothing at all when the report is byte-identical', async () => {
    await run(report('same'));
    const before = fake.requests.length;
    const result = await run(report('same'));
    assert.equal(result.action, 'unchanged');
    assert.match(result.url ?? '', /#issuecomment-\d+$/);
    assert.deepEqual(
      since(before)
        .map((request) => `${request.method} ${request.pathname}`)
        .sort(),
      [`GET /repos/acme/widgets/issues/${PULL}/comments`, 'POST /graphql'],
      'only the comment list and the identity query',
    );
  });

  describe('when the comment is about another commit than this run', () => {
    for (const mode of ['update', 'recreate'] as const) {
      it(`leaves it alone (${mode}) when it is about the pull request's head and this run checked an older commit`, async () => {
        await run(report('newer', 'bbb222'));
        const before = fake.writes().length;
        const result = await run(report('older', 'aaa111'), mode, async () => 'bbb222');
        assert.equal(result.action, 'superseded');
        assert.match(result.url ?? '', /#issuecomment-\d+$/);
        assert.equal(fake.writes().length, before);
        assert.equal(fake.commentsOn(PULL)[0]?.body, report('newer', 'bbb222'));
        assert.ok(logger.lines.some((line) => /is about bbb222, the pull request's head now; this run checked aaa111/.test(line)), logger.lines.join('\n'));
      });
    }

    it('updates it when this run checked the head', async () => {
      await run(report('older', 'aaa111'));
      const result = await run(report('newer', 'bbb222'), 'update', async () => 'bbb222');
      assert.equal(result.action, 'updated');
    });

    it('updates it when the head cannot be learnt', async () => {
      await run(report('newer', 'bbb222'));
      const result = await run(report('older', 'aaa111'), 'update', () => Promise.reject(new Error('404 Not Found')));
      assert.equal(result.action, 'updated');
    });

    it('does not ask for the head when the comment is about this run\'s commit', async () => {
      await run(report('first', 'aaa111'));
      let asked = 0;
      const result = await run(report('second', 'aaa111'), 'update', async () => {
        asked += 1;
        return 'aaa111';
      });
      assert.deepEqual([result.action, asked], ['updated', 0]);
    });
  });

  it('finds the sticky comment on page 3 of 3', async () => {
    for (let index = 0; index < 240; index += 1) fake.addComment(PULL, `LGTM ${index}`, index % 2 === 0 ? MALLORY : OCTOCAT);
    const sticky = fake.addComment(PULL, report('old'));
    for (let index = 0; index < 10; index += 1) fake.addComment(PULL, `nit ${index}`, OCTOCAT);
    const result = await run(report('new'));
    assert.equal(result.action, 'updated');
    assert.equal(fake.comments.find((comment) => comment.id === sticky.id)?.body, report('new'));
    assert.equal(fake.commentsOn(PULL).length, 251, 'no duplicate posted');
    const pages = fake.requests.filter((request) => request.method === 'GET').map((request) => request.query.get('page') ?? '1');
    assert.deepEqual(pages, ['1', '2', '3']);
  });

  it('does not touch a comment with the marker by someone else', async () => {
    const quoted = fake.addComment(PULL, report('forged by mallory'), MALLORY);
    const result = await run(report('real'));
    assert.equal(result.action, 'created');
    assert.equal(fake.comments.find((comment) => comment.id === quoted.id)?.body, report('forged by mallory'));
    assert.equal(fake.commentsOn(PULL).length, 2);
    assert.ok(!fake.writes().some((request) => request.pathname.endsWith(`/${quoted.id}`)));
  });

  it('does not take a comment that only mentions the marker below its first line', async () => {
    fake.addComment(PULL, `> quoting the bot:\n${report('old')}`);
    const result = await run(report('new'));
    assert.equal(result.action, 'created');
  });

  it('recreates: posts anew, then deletes the old comment', async () => {
    const old = fake.addComment(PULL, report('old'));
    const result = await run(report('new'), 'recreate');
    assert.equal(result.action, 'recreated');
    const remaining = fake.commentsOn(PULL);
    assert.equal(remaining.length, 1);
    assert.notEqual(remaining[0]?.id, old.id);
    assert.equal(remaining[0]?.body, report('new'));
    assert.deepEqual(
      fake.writes().map((request) => `${request.method} ${request.pathname}`),
      [`POST /repos/acme/widgets/issues/${PULL}/comments`, `DELETE /repos/acme/widgets/issues/comments/${old.id}`],
    );
  });

  it('does not recreate a comment that would say the same, so reviewers get no empty notification', async () => {
    fake.addComment(PULL, report('same'));
    const result = await run(report('same'), 'recreate');
    assert.equal(result.action, 'unchanged');
    assert.deepEqual(fake.writes(), []);
  });

  it('keeps the newest of two old sticky comments and deletes the other', async () => {
    const older = fake.addComment(PULL, report('race 1'));
    fake.addComment(PULL, 'a review remark', OCTOCAT);
    const newer = fake.addComment(PULL, report('race 2'));
    const result = await run(report('now'));
    assert.equal(result.action, 'updated');
    assert.deepEqual(
      fake.commentsOn(PULL).filter((comment) => isStickyComment(comment.body)).map((comment) => [comment.id, comment.body]),
      [[newer.id, report('now')]],
    );
    assert.ok(fake.writes().some((request) => request.method === 'DELETE' && request.pathname.endsWith(`/${older.id}`)));
  });

  it('cleans up a duplicate even when the kept comment is already current', async () => {
    const older = fake.addComment(PULL, report('race'));
    fake.addComment(PULL, report('same'));
    const result = await run(report('same'));
    assert.equal(result.action, 'unchanged');
    assert.deepEqual(
      fake.writes().map((request) => `${request.method} ${request.pathname}`),
      [`DELETE /repos/acme/widgets/issues/comments/${older.id}`],
    );
  });

  it('degrades a 403 from a fork token to a warning naming the fork-safe setup', async () => {
    fake.fail({ method: 'POST', path: /\/issues\/\d+\/comments$/, status: 403, body: { message: 'Resource not accessible by integration' } });
    const result = await run(report('from a fork'));
    assert.equal(result.action, 'failed');
    assert.match(result.warning ?? '', /Resource not accessible by integration/);
    assert.match(result.warning ?? '', /fork-safe companion workflow/);
    assert.match(result.warning ?? '', /workflow_run/);
    assert.equal(fake.writes().length, 1, 'a 403 is not retried');
    assert.ok(logger.lines.some((line) => line.startsWith('warning: ') && line.includes('read-only')));
  });

  it('warns when GitHub finds the body too long', async () => {
    fake.fail({
      method: 'POST',
      path: /\/issues\/\d+\/comments$/,
      status: 422,
      body: { message: 'Validation Failed', errors: [{ resource: 'IssueComment', code: 'custom', field: 'body', message: 'Body is too long (maximum is 65536 characters)' }] },
    });
    const result = await run(report('x'.repeat(70_000)));
    assert.equal(result.action, 'failed');
    assert.match(result.warning ?? '', /longer than GitHub's 65,536 characters/);
    assert.match(result.warning ?? '', /job summary/);
    assert.equal(fake.writes().length, 1, 'a 422 is not retried');
  });

  it('retries a 500 on PATCH, then warns', async () => {
    fake.addComment(PULL, report('old'));
    fake.fail({ method: 'PATCH', path: /\/issues\/comments\/\d+$/, status: 500 });
    const result = await run(report('new'));
    assert.equal(result.action, 'failed');
    assert.match(result.warning ?? '', /kept failing \(500/);
    assert.equal(fake.requests.filter((request) => request.method === 'PATCH').length, 4, 'one try and three retries');
    assert.equal(fake.commentsOn(PULL)[0]?.body, report('old'));
  });

  it('gets through a 502 that passes', async () => {
    fake.addComment(PULL, report('old'));
    fake.fail({ method: 'PATCH', path: /\/issues\/comments\/\d+$/, status: 502, times: 1 });
    const result = await run(report('new'));
    assert.equal(result.action, 'updated');
    assert.equal(fake.requests.filter((request) => request.method === 'PATCH').length, 2);
  });

  it('waits out a short secondary rate limit and logs it', async () => {
    fake.fail({
      method: 'POST',
      path: /\/issues\/\d+\/comments$/,
      status: 403,
      body: { message: 'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.' },
      headers: { 'retry-after': '1' },
      times: 1,
    });
    const result = await run(report('busy'));
    assert.equal(result.action, 'created');
    assert.ok(logger.lines.some((line) => line.startsWith('info: ') && line.includes('secondary rate limit')));
  });

  it('gives up on a rate limit that lifts too late, with a warning', async () => {
    const reset = Math.floor(Date.now() / 1000) + 3600;
    fake.fail({
      method: 'POST',
      path: /\/issues\/\d+\/comments$/,
      status: 403,
      body: { message: 'API rate limit exceeded for installation.' },
      headers: { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(reset) },
    });
    const result = await run(report('late'));
    assert.equal(result.action, 'failed');
    assert.match(result.warning ?? '', /rate limit/);
    assert.equal(fake.writes().length, 1);
  });

  it('degrades a failing comment list to a warning', async () => {
    fake.fail({ method: 'GET', path: /\/comments$/, status: 503 });
    const result = await run(report('x'));
    assert.equal(result.action, 'failed');
    assert.match(result.warning ?? '', /could not list the comments of pull request #7/);
    assert.deepEqual(fake.writes(), []);
  });

  it('posts anew when the comment vanished between listing and editing', async () => {
    fake.addComment(PULL, report('old'));
    fake.fail({ method: 'PATCH', path: /\/issues\/comments\/\d+$/, status: 404, times: 1 });
    const result = await run(report('new'));
    assert.equal(result.action, 'created');
  });

  it('does nothing at all when commenting is off', async () => {
    const result = await run(report('x'), 'off');
    assert.deepEqual(result, { action: 'skipped' });
    assert.deepEqual(fake.requests, []);
  });

  it('sends the pinned API version header on every request', async () => {
    fake.addComment(PULL, report('old'));
    await run(report('new'), 'recreate');
    assert.ok(fake.requests.length >= 4);
    for (const request of fake.requests) assert.equal(request.headers['x-github-api-version'], GITHUB_API_VERSION, `${request.method} ${request.path}`);
    for (const request of fake.requests) assert.equal(request.headers.authorization, 'token ghs_test');
  });

  it('learns a personal token’s login from GET /user when GraphQL is unavailable', async () => {
    await restart({ actor: OCTOCAT, graphql: false });
    const own = fake.addComment(PULL, report('old'));
    fake.addComment(PULL, report('by the default bot'), GITHUB_ACTIONS_BOT);
    const result = await run(report('new'));
    assert.equal(result.action, 'updated');
    assert.equal(fake.comments.find((comment) => comment.id === own.id)?.body, report('new'));
    assert.equal(fake.commentsOn(PULL).length, 2);
  });

  it('assumes github-actions[bot] when neither GraphQL nor GET /user answers', async () => {
    await restart({ graphql: false });
    const own = fake.addComment(PULL, report('old'));
    const result = await run(report('new'));
    assert.equal(result.action, 'updated');
    assert.equal(fake.comments.find((comment) => comment.id === own.id)?.body, report('new'));
    assert.ok(fake.requests.some((request) => request.pathname === '/user'));
  });
});

describe('the own-author rule', () => {
  const bot = { login: 'fixpoint-app[bot]', id: 99, type: 'Bot' };

  it('matches by id, whatever the login', () => {
    assert.ok(isOwnComment({ ...bot, login: 'renamed[bot]' }, { login: 'fixpoint-app[bot]', id: 99, source: 'graphql' }));
  });

  it('matches by login, case aside', () => {
    assert.ok(isOwnComment(bot, { login: 'Fixpoint-App[bot]', source: 'assumed' }));
  });

  it('matches a bot named without its [bot] suffix, but not a person of that name', () => {
    assert.ok(isOwnComment(bot, { login: 'fixpoint-app', source: 'graphql' }));
    assert.ok(!isOwnComment({ login: 'fixpoint-app[bot]', id: 5, type: 'User' }, { login: 'fixpoint-app', source: 'graphql' }));
  });

  it('does not match anyone else', () => {
    assert.ok(!isOwnComment({ login: 'github-actions[bot]', id: 41898282, type: 'Bot' }, { login: 'fixpoint-app[bot]', id: 99, source: 'graphql' }));
  });
});

describe('the marker', () => {
  it('is recognised on the first line only', () => {
    assert.ok(isStickyComment(report('x')));
    assert.ok(isStickyComment(report('x').replace('\n', '\r\n')));
    assert.ok(!isStickyComment(`hello\n${report('x')}`));
    assert.ok(!isStickyComment('<!-- fixpoint:v2 {} -->'));
    assert.ok(!isStickyComment(''));
  });
});
