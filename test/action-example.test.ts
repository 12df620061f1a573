/**
 * The Action end to end on one of the examples: the tls-secrets history (base creates each missing
 * Secret, head skips the step once the first exists), checked by `node dist/index.js` on a pull
 * request and commented on the fake GitHub.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { tlsSecretsHistory } from '../examples/tls-secrets-history.ts';
import { REPOSITORY_TMP } from './diff/temporary-repository.ts';
import { FakeGitHub } from './github/fake-github.ts';
import { runDist } from './action-harness.ts';

const PULL = 21;

describe('the Action (dist/index.js) on the tls-secrets example history', () => {
  let fake: FakeGitHub;
  let directory: string;
  let runner: string;

  before(async () => {
    fake = await FakeGitHub.start();
    directory = await tlsSecretsHistory();
    runner = mkdtempSync(join(REPOSITORY_TMP, 'fixpoint-example-runner-'));
  });

  after(async () => {
    await fake.stop();
    rmSync(directory, { recursive: true, force: true });
    rmSync(runner, { recursive: true, force: true });
  });

  it('fails the pull request on the new invariant finding and comments with its one-crash trace', async () => {
    const sha = (ref: string) => execFileSync('git', ['-C', directory, 'rev-parse', ref], { encoding: 'utf8' }).trim();
    const repo = { full_name: 'acme/widgets', name: 'widgets', owner: { login: 'acme' } };
    const payload = { action: 'opened', number: PULL, pull_request: { number: PULL, base: { sha: sha('HEAD~1'), repo }, head: { sha: sha('HEAD'), repo } }, repository: repo };
    const result = await runDist({ folder: join(runner, 'run'), inputs: {}, eventName: 'pull_request', payload, workspace: directory, apiUrl: fake.baseUrl });
    assert.equal(result.status, 1, result.stdout + result.stderr);
    assert.deepEqual([result.outputs['verdict'], result.outputs['new-findings']], ['failed', '1']);
    const [comment] = fake.commentsOn(PULL);
    assert.ok(comment);
    assert.match(comment.body, /^### ❌ Fixpoint: 1 new finding, 1 new converged state/m);
    assert.match(comment.body, /invariant `bothSecretsExist` violated/);
    assert.match(comment.body, /💥 crash after write 1/);
    assert.match(result.summary, /bothSecretsExist/);
  });
});
