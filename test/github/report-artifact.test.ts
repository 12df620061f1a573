/**
 * The report artifact both ways against the fake GitHub: uploaded through @actions/artifact as the
 * runner's artifact service sees it, and downloaded by the companion as untrusted data.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ArtifactError, downloadReportArtifact, MAX_REPORT_BYTES, parseReport, REPORT_ARTIFACT_NAME, REPORT_FILE, schemaViolations, uploadReportArtifact } from '../../src/github/report-artifact.ts';
import { createOctokit } from '../../src/github/octokit.ts';
import { FakeGitHub } from './fake-github.ts';
import { recordingLogger } from './recording-logger.ts';
import { zipArchive } from './zip-archive.ts';

const MINIMAL = {
  schemaVersion: 1,
  tool: { name: 'fixpoint', version: '0.1.0' },
  base: { ref: 'main', sha: 'a'.repeat(40) },
  head: { ref: 'HEAD', sha: 'b'.repeat(40) },
  verdict: { failOn: 'new-findings', failed: false, newFindings: 0, fixedFindings: 0, convergedChanges: 0, summary: 'no behavioural change' },
  changes: { files: [], controllers: [], checkInputs: [] },
  scenarios: [],
};

/** `archive` with its one entry's central-directory record claiming `size` inflated bytes: a zip bomb that lies. */
function withDeclaredSize(archive: Buffer, size: number): Buffer {
  const copy = Buffer.from(archive);
  const central = copy.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]));
  assert.ok(central > 0, 'the archive has a central directory');
  copy.writeUInt32LE(size, central + 24);
  return copy;
}

describe('the report artifact', () => {
  let fake: FakeGitHub;
  let folder: string;
  let runs = 0;
  const logger = recordingLogger();

  before(async () => {
    fake = await FakeGitHub.start();
    folder = mkdtempSync(join(tmpdir(), 'fixpoint-artifact-'));
  });

  after(async () => {
    await fake.stop();
    rmSync(folder, { recursive: true, force: true });
  });

  /** A fresh run id with `archive` as its `fixpoint-report` artifact. */
  function runWith(archive: Buffer, options: Parameters<FakeGitHub['addArtifact']>[3] = {}): number {
    runs += 1;
    fake.addArtifact(runs, REPORT_ARTIFACT_NAME, archive, options);
    return runs;
  }

  function download(runId: number): ReturnType<typeof downloadReportArtifact> {
    const octokit = createOctokit('ghs_fake', { baseUrl: fake.baseUrl, logger });
    return downloadReportArtifact({ octokit, owner: 'acme', repo: 'widgets', runId, logger });
  }

  async function rejects(runId: number, why: RegExp): Promise<void> {
    await assert.rejects(download(runId), (error: unknown) => {
      assert.ok(error instanceof ArtifactError, String(error));
      assert.match(error.message, new RegExp(`^fixpoint: the "fixpoint-report" artifact \\(id \\d+\\) of workflow run ${runId} was rejected, and nothing was posted: `));
      assert.match(error.message, why);
      return true;
    });
  }

  it('goes up through the artifact service and comes back through the REST API as the same report', async () => {
    writeFileSync(join(folder, REPORT_FILE), JSON.stringify(MINIMAL));
    const runId = 500;
    const saved = { ...process.env };
    Object.assign(process.env, { ACTIONS_RUNTIME_TOKEN: fake.runtimeToken(runId), ACTIONS_RESULTS_URL: fake.resultsUrl, GITHUB_SERVER_URL: 'https://github.com' });
    try {
      const uploaded = await uploadReportArtifact(folder);
      const stored = fake.artifacts.find((artifact) => artifact.runId === runId);
      assert.deepEqual([uploaded.id, stored?.name], [stored?.id, REPORT_ARTIFACT_NAME]);
      // The second upload of the name in the same run is refused, as the service does.
      await assert.rejects(uploadReportArtifact(folder), /already exists/);
    } finally {
      process.env = saved;
    }
    const result = await download(runId);
    assert.ok(result.found);
    assert.deepEqual(result.report, MINIMAL);
    const blob = fake.requests.find((request) => request.pathname.startsWith('/blobs/artifact-'));
    assert.equal(blob?.headers.authorization, undefined, 'the token is not sent to storage');
  });

  it('finds nothing, and says why, when the run uploaded none or it has expired', async () => {
    runs += 1;
    assert.deepEqual(await download(runs), { found: false, reason: `workflow run ${runs} uploaded no "fixpoint-report" artifact` });
    const expired = runWith(await zipArchive({ [REPORT_FILE]: JSON.stringify(MINIMAL) }), { expired: true });
    assert.deepEqual(await download(expired), { found: false, reason: `the "fixpoint-report" artifact of workflow run ${expired} has expired` });
  });

  it('takes the newest of several artifacts of the name (a re-run attempt)', async () => {
    const runId = runWith(await zipArchive({ [REPORT_FILE]: '{}' }));
    fake.addArtifact(runId, REPORT_ARTIFACT_NAME, await zipArchive({ [REPORT_FILE]: JSON.stringify(MINIMAL) }));
    const result = await download(runId);
    assert.ok(result.found);
    assert.deepEqual(result.report, MINIMAL);
  });

  it('retries storage that fails, then reads the archive', async () => {
    const runId = runWith(await zipArchive({ [REPORT_FILE]: JSON.stringify(MINIMAL) }));
    fake.fail({ method: 'GET', path: /^\/blobs\//, status: 503, times: 2 });
    const result = await download(runId);
    assert.ok(result.found);
  });

  describe('rejects an artifact that is not a report this tool wrote', () => {
    it('when the listing says it is larger than a report\'s archive may be, without downloading it', async () => {
      const runId = runWith(await zipArchive({ [REPORT_FILE]: JSON.stringify(MINIMAL) }), { sizeInBytes: 6 * 1024 * 1024 });
      const before = fake.requests.length;
      await rejects(runId, /it is 6291456 bytes, more than the 5308416 a report's archive may have/);
      assert.ok(fake.requests.slice(before).every((request) => !request.pathname.startsWith('/blobs/')), 'storage was not asked');
    });

    it('when storage serves more than the listing said', async () => {
      await rejects(runWith(Buffer.alloc(6 * 1024 * 1024), { sizeInBytes: 1000 }), /its archive is more than the 5308416 bytes a report's archive may have/);
    });

    it('when the report in it declares more than 5 MiB', async () => {
      const bomb = await zipArchive({ [REPORT_FILE]: ' '.repeat(MAX_REPORT_BYTES + 1) });
      assert.ok(bomb.length < 64 * 1024, 'a small archive');
      await rejects(runWith(bomb), /its fixpoint-report\.json is 5242881 bytes, more than the 5242880 a report may have/);
    });

    it('when the report in it inflates to more than it declares', async () => {
      const liar = withDeclaredSize(await zipArchive({ [REPORT_FILE]: ' '.repeat(MAX_REPORT_BYTES + 1) }), 100);
      await rejects(runWith(liar), /its archive cannot be read \(too many bytes in the stream/);
    });

    it('when it is not a zip archive, or has no report in it', async () => {
      await rejects(runWith(Buffer.from(JSON.stringify(MINIMAL))), /it is not a zip archive/);
      await rejects(runWith(await zipArchive({ 'comment.md': '<script>alert(1)</script>' })), /its archive has no fixpoint-report\.json/);
      await rejects(runWith(await zipArchive({ [`nested/${REPORT_FILE}`]: JSON.stringify(MINIMAL) })), /its archive has no fixpoint-report\.json/);
    });

    it('when the report is not UTF-8 JSON matching the schema', async () => {
      await rejects(runWith(await zipArchive({ [REPORT_FILE]: Buffer.from([0x7b, 0xff, 0xfe, 0x7d]) })), /it cannot be read as UTF-8 text/);
      await rejects(runWith(await zipArchive({ [REPORT_FILE]: '{"schemaVersion": 1,' })), /it is not valid JSON/);
      await rejects(runWith(await zipArchive({ [REPORT_FILE]: JSON.stringify({ ...MINIMAL, markdown: '<b>hi</b>' }) })), /does not match diff-report\.schema\.json: the report has the unknown key "markdown"/);
    });
  });
});

describe('parseReport', () => {
  it('returns a report that matches diff-report.schema.json', () => {
    assert.deepEqual(parseReport(Buffer.from(JSON.stringify(MINIMAL)), 'the test report'), MINIMAL);
  });

  it('refuses more than 5 MiB before decoding it', () => {
    assert.throws(() => parseReport(Buffer.alloc(MAX_REPORT_BYTES + 1, 0x20), 'the test report'), /^ArtifactError: fixpoint: the test report was rejected, and nothing was posted: it is 5242881 bytes, more than the 5242880 a report may have$/);
  });
});

describe('schemaViolations', () => {
  it('names an unknown key, a wrong enum value and a string over its cap', () => {
    const report = { ...MINIMAL, extra: true, verdict: { ...MINIMAL.verdict, failOn: 'sometimes', summary: 'x'.repeat(5000) } };
    const problems = schemaViolations(report);
    assert.ok(problems.includes('the report has the unknown key "extra"'), problems.join('\n'));
    assert.ok(problems.includes('/verdict/failOn must be one of "new-findings", "any-finding", "converged-change", "never"'), problems.join('\n'));
    assert.ok(problems.includes('/verdict/summary must NOT have more than 1000 characters'), problems.join('\n'));
  });

  it('rejects a head SHA that is not a commit id', () => {
    assert.deepEqual(schemaViolations({ ...MINIMAL, head: { ref: 'HEAD', sha: 'HEAD; rm -rf /' } }), ['/head/sha must match pattern "^(?:[0-9a-f]{40}|[0-9a-f]{64})$"']);
  });
});
