import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { apiUrl, createOctokit, DEFAULT_API_URL, GITHUB_API_VERSION } from '../../src/github/octokit.ts';
import { FakeGitHub } from './fake-github.ts';
import { recordingLogger } from './recording-logger.ts';


/** Run `body` with GITHUB_API_URL set (or unset), restoring it after. */
async function withApiUrl<T>(value: string | undefined, body: () => T | Promise<T>): Promise<T> {
  const saved = process.env['GITHUB_API_URL'];
  if (value === undefined) delete process.env['GITHUB_API_URL'];
  else process.env['GITHUB_API_URL'] = value;
  try {
    return await body();
  } finally {
    if (saved === undefined) delete process.env['GITHUB_API_URL'];
    else process.env['GITHUB_API_URL'] = saved;
  }
}

describe('the API address', () => {
  it('is the option, else GITHUB_API_URL, else github.com, without a trailing slash', async () => {
    await withApiUrl('https://ghe.example.com/api/v3/', () => {
      assert.equal(apiUrl('http://127.0.0.1:1/'), 'http://127.0.0.1:1');
      assert.equal(apiUrl(), 'https://ghe.example.com/api/v3');
    });
    await withApiUrl(undefined, () => assert.equal(apiUrl(), DEFAULT_API_URL));
  });
});

describe('the GitHub client', () => {
  let fake: FakeGitHub;

  beforeEach(async () => {
    fake = await FakeGitHub.start();
  });

  afterEach(async () => {
    await fake.stop();
  });

  it('reaches the API named by GITHUB_API_URL (GHES) with the pinned version header', async () => {
    await withApiUrl(`${fake.baseUrl}/`, async () => {
      const octokit = createOctokit('ghs_test', { logger: recordingLogger(), backoffUnitMilliseconds: 1 });
      await octokit.rest.issues.listComments({ owner: 'acme', repo: 'widgets', issue_number: 1 });
    });
    const [request] = fake.requests;
    assert.equal(request?.pathname, '/repos/acme/widgets/issues/1/comments');
    assert.equal(request?.headers['x-github-api-version'], GITHUB_API_VERSION);
  });

  it('lets a request name another API version', async () => {
    const octokit = createOctokit('ghs_test', { baseUrl: fake.baseUrl, logger: recordingLogger() });
    await octokit.request('GET /repos/{owner}/{repo}/issues/{issue_number}/comments', {
      owner: 'acme',
      repo: 'widgets',
      issue_number: 1,
      headers: { 'x-github-api-version': '2026-03-10' },
    });
    assert.equal(fake.requests[0]?.headers['x-github-api-version'], '2026-03-10');
  });

  it('retries a primary rate limit a bounded number of times, logging each wait', async () => {
    const logger = recordingLogger();
    const reset = String(Math.floor(Date.now() / 1000));
    fake.fail({ method: 'GET', path: /\/comments$/, status: 403, body: { message: 'API rate limit exceeded' }, headers: { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': reset } });
    const octokit = createOctokit('ghs_test', { baseUrl: fake.baseUrl, logger, retries: 2, backoffUnitMilliseconds: 1 });
    await assert.rejects(octokit.rest.issues.listComments({ owner: 'acme', repo: 'widgets', issue_number: 1 }), { status: 403 });
    assert.equal(fake.requests.length, 3, 'one try and two retries');
    assert.equal(logger.lines.filter((line) => line.startsWith('info: ') && line.includes('rate limit')).length, 2);
    assert.equal(logger.lines.filter((line) => line.startsWith('warning: ') && line.includes('gave up')).length, 1);
  });

  it('does not retry an error that will not change (404)', async () => {
    const octokit = createOctokit('ghs_test', { baseUrl: fake.baseUrl, logger: recordingLogger(), backoffUnitMilliseconds: 1 });
    await assert.rejects(octokit.request('GET /nowhere'), { status: 404 });
    assert.equal(fake.requests.length, 1);
  });
});
