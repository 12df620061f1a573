import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { EventError } from '../../src/github/event-payload.ts';
import { workflowRunContext } from '../../src/github/workflow-run.ts';

const SHA = 'c'.repeat(40);

describe('workflowRunContext', () => {
  it('takes the head, the fork and the listed pull requests from the payload', () => {
    const payload = {
      workflow_run: { id: 77, head_sha: SHA, head_branch: 'feature', head_repository: { full_name: 'mallory/widgets' }, html_url: 'https://github.com/acme/widgets/actions/runs/1', run_started_at: '2026-11-23T08:00:00Z', pull_requests: [{ number: 3, head: { sha: SHA } }, { number: 'x' }] },
      repository: { name: 'widgets', owner: { login: 'acme' } },
    };
    assert.deepEqual(workflowRunContext(payload, {}), {
      runId: 77,
      headSha: SHA,
      headRepository: 'mallory/widgets',
      headBranch: 'feature',
      pullRequests: [{ number: 3, headSha: SHA }],
      runUrl: 'https://github.com/acme/widgets/actions/runs/1',
      runStartedAt: '2026-11-23T08:00:00Z',
      owner: 'acme',
      repo: 'widgets',
    });
  });

  it('names the repository from GITHUB_REPOSITORY when the payload does not', () => {
    const context = workflowRunContext({ workflow_run: { id: 1, head_sha: SHA, pull_requests: [] } }, { GITHUB_REPOSITORY: 'acme/widgets' });
    assert.deepEqual([context.owner, context.repo, context.pullRequests], ['acme', 'widgets', []]);
  });

  it('refuses a payload without a workflow_run, a run id, or a head that is a SHA', () => {
    assert.throws(() => workflowRunContext({}, {}), (error: unknown) => error instanceof EventError && /has no workflow_run/.test(error.message));
    assert.throws(() => workflowRunContext({ workflow_run: { head_sha: SHA } }, {}), /workflow_run\.id is not a run id: undefined/);
    assert.throws(() => workflowRunContext({ workflow_run: { id: 1, head_sha: 'main' } }, {}), /workflow_run\.head_sha is not a commit SHA: "main"/);
  });
});
