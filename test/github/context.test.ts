import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ensureHistory, pullRequestContext } from '../../src/github/context.ts';
import { EventError } from '../../src/github/event-payload.ts';
import { temporaryRepository, type TemporaryRepository } from '../diff/temporary-repository.ts';

// Payloads as GitHub writes them to GITHUB_EVENT_PATH, cut to the fields that matter plus a few around them.
const BASE_SHA = '6dcb09b5b57875f334f61aebed695e2e4193db5e';
const HEAD_SHA = 'a10867b14bb761a232cd80139fbd4c0d33264240';

const REPOSITORY = {
  id: 35129377,
  name: 'operators',
  full_name: 'acme/operators',
  private: false,
  owner: { login: 'acme', id: 21031067, type: 'Organization' },
  default_branch: 'main',
  fork: false,
};

function pullRequestPayload(headRepository: Record<string, unknown> | null, sender = 'octocat') {
  return {
    action: 'synchronize',
    number: 42,
    before: '9049f1265b7d61be4a8904a9a27120d2064dab3b',
    after: HEAD_SHA,
    pull_request: {
      url: 'https://api.github.com/repos/acme/operators/pulls/42',
      id: 1934210671,
      number: 42,
      state: 'open',
      title: 'tls: skip the whole step once the first Secret exists',
      user: { login: sender, id: 583231 },
      head: { label: `${sender}:tls-skip`, ref: 'tls-skip', sha: HEAD_SHA, repo: headRepository },
      base: { label: 'acme:main', ref: 'main', sha: BASE_SHA, repo: REPOSITORY },
      merge_commit_sha: 'e5bd3914e2e596debea16f433f57875b5b90bcd6',
      draft: false,
    },
    repository: REPOSITORY,
    sender: { login: sender, id: 583231, type: 'User' },
  };
}

const FORK = { ...REPOSITORY, id: 53991283, full_name: 'octocat/operators', owner: { login: 'octocat', id: 583231, type: 'User' }, fork: true };

const MERGE_GROUP = {
  action: 'checks_requested',
  merge_group: {
    head_sha: HEAD_SHA,
    head_ref: `refs/heads/gh-readonly-queue/main/pr-42-${BASE_SHA}`,
    base_sha: BASE_SHA,
    base_ref: 'refs/heads/main',
    head_commit: { id: HEAD_SHA, tree_id: '31b122c26a97cf9af023e9ddab94a82c6e77b0ea', message: 'Merge pull request #42 from octocat/tls-skip' },
  },
  repository: REPOSITORY,
  organization: { login: 'acme', id: 21031067 },
  sender: { login: 'github-merge-queue[bot]', id: 118344674, type: 'Bot' },
};

function workflowDispatch(inputs: Record<string, string> | null) {
  return { inputs, ref: 'refs/heads/main', repository: REPOSITORY, sender: { login: 'octocat', id: 583231, type: 'User' }, workflow: '.github/workflows/fixpoint.yml' };
}

const ENV = { GITHUB_REPOSITORY: 'acme/operators', GITHUB_ACTOR: 'octocat', GITHUB_SHA: 'e5bd3914e2e596debea16f433f57875b5b90bcd6' };

describe('pullRequestContext', () => {
  it('takes base, head and number from a pull request in the same repository', () => {
    assert.deepEqual(pullRequestContext('pull_request', pullRequestPayload(REPOSITORY), ENV), {
      kind: 'pull_request',
      baseSha: BASE_SHA,
      headSha: HEAD_SHA,
      number: 42,
      isFork: false,
      readOnlyToken: false,
      owner: 'acme',
      repo: 'operators',
    });
  });

  it('marks a pull request from a fork, whose token is read-only, and keeps the base repository as the owner', () => {
    const context = pullRequestContext('pull_request', pullRequestPayload(FORK), ENV);
    assert.equal(context.isFork, true);
    assert.equal(context.readOnlyToken, true);
    assert.deepEqual([context.owner, context.repo], ['acme', 'operators']);
  });

  it('treats a pull request whose fork was deleted (head.repo null) as a fork', () => {
    assert.equal(pullRequestContext('pull_request', pullRequestPayload(null), ENV).isFork, true);
  });

  it('knows that Dependabot’s pull requests get a read-only token though they are no fork', () => {
    const context = pullRequestContext('pull_request', pullRequestPayload(REPOSITORY, 'dependabot[bot]'), { ...ENV, GITHUB_ACTOR: 'dependabot[bot]' });
    assert.deepEqual([context.isFork, context.readOnlyToken], [false, true]);
  });

  it('takes base and head from a merge group', () => {
    assert.deepEqual(pullRequestContext('merge_group', MERGE_GROUP, ENV), {
      kind: 'merge_group',
      baseSha: BASE_SHA,
      headSha: HEAD_SHA,
      isFork: false,
      readOnlyToken: false,
      owner: 'acme',
      repo: 'operators',
    });
  });

  it('takes base and head from the inputs of a workflow_dispatch', () => {
    const context = pullRequestContext('workflow_dispatch', workflowDispatch({ base: 'v1.2.0', head: 'release/1.3' }), ENV);
    assert.deepEqual([context.kind, context.baseSha, context.headSha, context.number], ['workflow_dispatch', 'v1.2.0', 'release/1.3', undefined]);
  });

  it('compares a workflow_dispatch without inputs against the default branch, at the dispatched commit', () => {
    const context = pullRequestContext('workflow_dispatch', workflowDispatch({ base: '', head: '' }), ENV);
    assert.deepEqual([context.baseSha, context.headSha], ['origin/main', ENV.GITHUB_SHA]);
    assert.deepEqual(pullRequestContext('workflow_dispatch', workflowDispatch(null), ENV).baseSha, 'origin/main');
  });

  it('falls back to GITHUB_REPOSITORY when the payload names no repository', () => {
    const { repository: _repository, ...payload } = MERGE_GROUP;
    const context = pullRequestContext('merge_group', payload, ENV);
    assert.deepEqual([context.owner, context.repo], ['acme', 'operators']);
  });

  it('refuses pull_request_target and points at the two-workflow pattern', () => {
    assert.throws(
      () => pullRequestContext('pull_request_target', pullRequestPayload(FORK), ENV),
      (error: unknown) =>
        error instanceof EventError &&
        /will not run on pull_request_target/.test(error.message) &&
        /`pull_request` workflow with `mode: check`/.test(error.message) &&
        /`workflow_run` workflow with `mode: comment`/.test(error.message) &&
        /Preventing pwn requests/.test(error.message),
    );
  });

  it('says that workflow_run is for mode comment only', () => {
    assert.throws(() => pullRequestContext('workflow_run', { action: 'completed', repository: REPOSITORY }, ENV), /set `mode: comment`/);
  });

  it('names the supported events for any other event', () => {
    assert.throws(() => pullRequestContext('push', { ref: 'refs/heads/main', repository: REPOSITORY }, ENV), /cannot tell base and head from a "push" event: run it on pull_request, merge_group, workflow_dispatch/);
  });

  it('names the missing field of a payload that is not what GitHub sends', () => {
    const payload = pullRequestPayload(REPOSITORY);
    const broken = { ...payload, pull_request: { ...payload.pull_request, base: { ...payload.pull_request.base, sha: undefined } } };
    assert.throws(() => pullRequestContext('pull_request', broken, ENV), /the pull_request event's payload has no pull_request\.base\.sha/);
    assert.throws(() => pullRequestContext('merge_group', { ...MERGE_GROUP, merge_group: { ...MERGE_GROUP.merge_group, head_sha: 'main' } }, ENV), /merge_group\.head_sha is not a commit SHA: "main"/);
    assert.throws(() => pullRequestContext('pull_request', null, ENV), /the pull_request event's payload is not a JSON object/);
  });
});

describe('ensureHistory', () => {
  let origin: TemporaryRepository;
  let first: string;
  let second: string;
  let third: string;
  let parent: string;
  before(() => {
    origin = temporaryRepository({ 'a.txt': 'one\n' });
    first = origin.git('rev-parse', 'HEAD');
    second = origin.commit('second', { 'a.txt': 'two\n' });
    origin.git('switch', '--quiet', '-c', 'feature');
    third = origin.commit('third', { 'b.txt': 'three\n' });
    origin.git('switch', '--quiet', 'main');
    parent = realpathSync(mkdtempSync(join(tmpdir(), 'fixpoint-history-test-')));
  });
  after(() => {
    origin.remove();
    rmSync(parent, { recursive: true, force: true });
  });

  /** A clone of `origin` as actions/checkout makes it by default: one commit deep, of `branch` only. */
  function shallowClone(name: string, branch: string): string {
    const directory = join(parent, name);
    execFileSync('git', ['clone', '--quiet', '--depth=1', '--no-tags', '--branch', branch, `file://${origin.directory}`, directory], { stdio: 'ignore' });
    return directory;
  }

  it('does nothing when the base commit is there', async () => {
    const clone = shallowClone('present', 'main');
    await ensureHistory(clone, second);
  });

  it('fetches a base commit a shallow clone lacks, so that base and head have a merge base', async () => {
    const clone = shallowClone('fetches', 'feature');
    assert.throws(() => execFileSync('git', ['-C', clone, 'cat-file', '-e', `${first}^{commit}`], { stdio: 'ignore' }));
    await ensureHistory(clone, first, { headSha: third });
    execFileSync('git', ['-C', clone, 'cat-file', '-e', `${first}^{commit}`]);
  });

  it('fetches the default branch a workflow_dispatch compares against', async () => {
    const clone = shallowClone('branch', 'feature');
    execFileSync('git', ['-C', clone, 'update-ref', '-d', 'refs/remotes/origin/main']);
    await ensureHistory(clone, 'origin/main');
    assert.equal(execFileSync('git', ['-C', clone, 'rev-parse', 'origin/main'], { encoding: 'utf8' }).trim(), second);
  });

  it('fetches all of both sides’ history when the merge base lies deeper than the first fetch went', async () => {
    const clone = shallowClone('deeper', 'feature');
    await ensureHistory(clone, first, { headSha: third, depth: 1 });
    execFileSync('git', ['-C', clone, 'merge-base', first, third]);
  });

  it('says to check out with fetch-depth: 0 when the base commit cannot be fetched', async () => {
    const clone = shallowClone('missing', 'main');
    await assert.rejects(ensureHistory(clone, '0123456789abcdef0123456789abcdef01234567'), (error: unknown) => {
      assert.ok(error instanceof Error);
      assert.match(error.message, /^the base commit 0123456789abcdef0123456789abcdef01234567 is not in this shallow clone, and fetching it from origin failed \(.+\)\./);
      assert.match(error.message, /check the repository out with actions\/checkout and `fetch-depth: 0`$/);
      return true;
    });
  });

  it('says so when base and head have no common ancestor even with all their history', async () => {
    origin.git('switch', '--quiet', '--orphan', 'unrelated');
    const unrelated = origin.commit('unrelated', { 'c.txt': 'c\n' });
    origin.git('switch', '--quiet', '--force', 'main');
    const clone = shallowClone('unrelated', 'unrelated');
    await assert.rejects(ensureHistory(clone, first, { headSha: unrelated }), /^Error: no common ancestor of the base \w+ and the head \w+ is in this shallow clone, even after fetching from origin\./);
  });
});
