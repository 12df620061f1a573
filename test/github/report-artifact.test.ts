/**
 * The report artifact both ways against the fake GitHub: uploaded through @actions/artifact as the
 * runner's artifact service sees it, and downloaded by the companion as untrusted data.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ArtifactError, downloadReportArtifact, MAX_REPORT_BYTES, parseReport, REPORT_ARTIFACT_NAME, REPORT_FILE, uploadReportArtifact } from '../../src/github/report-artifact.ts';
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

  function download(runId: number, attemptStartedAt?: string): ReturnType<typeof downloadReportArtifact> {
    const octokit = createOctokit('ghs_fake', { baseUrl: fake.baseUrl, logger });
    return downloadReportArtifact({ octokit, owner: 'acme', repo: 'widgets', runId, ...(attemptStartedAt === undefined ? {} : { attemptStartedAt }), logger });
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

  it('takes the newest of several artifacts of the name, and none an earlier attempt of the run uploaded', async () => {
    const runId = runWith(await zipArchive({ [REPORT_FILE]: '{}' }));
    const newest = fake.addArtifact(runId, REPORT_ARTIFACT_NAME, await zipArchive({ [REPORT_FILE]: JSON.stringify(MINIMAL) }));
    const result = await download(runId, newest.createdAt);
    assert.ok(result.found);
    assert.deepEqual(result.report, MINIMAL);
    const later = new Date(Date.parse(newest.createdAt) + 1000).toISOString();
    assert.deepEqual(await download(runId, later), { found: false, reason: `only an earlier attempt of workflow run ${runId} uploaded a "fixpoint-report" artifact` });
  });

  it('retries storage that fails, with a fresh signed URL each time, then reads the archive', async () => {
    const runId = runWith(await zipArchive({ [REPORT_FILE]: JSON.stringify(MINIMAL) }));
    fake.fail({ method: 'GET', path: /^\/blobs\//, status: 503, times: 2 });
    const before = fake.requests.length;
    const result = await download(runId);
    assert.ok(result.found);
    const asked = fake.requests.slice(before).map((request) => request.pathname.replace(/\d+/g, 'N'));
    assert.deepEqual(asked.filter((path) => path.endsWith('/zip')).length, 3);
  });

  it('gives up on storage that keeps failing, and on an API that sends no redirect, as failures to reach the artifact, not rejections', async () => {
    const failing = runWith(await zipArchive({ [REPORT_FILE]: JSON.stringify(MINIMAL) }));
    fake.fail({ method: 'GET', path: /^\/blobs\//, status: 503, times: 3 });
    await assert.rejects(download(failing), (error: unknown) => !(error instanceof ArtifactError) && /from storage failed: HTTP 503$/.test((error as Error).message));
    const unredirected = runWith(await zipArchive({ [REPORT_FILE]: JSON.stringify(MINIMAL) }));
    fake.fail({ method: 'GET', path: /\/actions\/artifacts\/\d+\/zip$/, status: 200, body: {}, times: 3 });
    await assert.rejects(download(unredirected), (error: unknown) => !(error instanceof ArtifactError) && /answered 200 without a download location/.test((error as Error).message));
  });

  describe('rejects an artifact that is not a report this tool wrote', () => {
    it('when the listing says it is larger than a report\'s archive may be, without downloading it', async () => {
      const runId = runWith(await zipArchive({ [REPORT_FILE]: JSON.stringify(MINIMAL) }), { sizeInBytes: 6 * 1024 * 1024 });
      const before = fake.requests.length;
      await rejects(runId, /it is 6291456 bytes, more than the 5308416 a report's archive may have/);
      assert.ok(fake.requests.slice(before).every((request) => !request.pathname.startsWith('/blobs/')), 'storage was not asked');
    });

    it('when storage serves more than an archive may have, whatever the listing says', async () => {
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

describe('parseReport against diff-report.schema.json', () => {
  const violation = (report: unknown) => {
    try {
      parseReport(Buffer.from(JSON.stringify(report)), 'the test report');
      return undefined;
    } catch (error) {
      assert.ok(error instanceof ArtifactError);
      return /does not match diff-report\.schema\.json: (.*)$/.exec(error.message)?.[1];
    }
  };

  it('names an unknown key, a wrong enum value and a string over its cap', () => {
    assert.equal(violation({ ...MINIMAL, extra: true }), 'the report has the unknown key "extra"');
    assert.equal(violation({ ...MINIMAL, verdict: { ...MINIMAL.verdict, failOn: 'sometimes' } }), '/verdict/failOn must be one of "new-findings", "any-finding", "converged-change", "never"');
    assert.equal(violation({ ...MINIMAL, verdict: { ...MINIMAL.verdict, summary: 'x'.repeat(5000) } }), '/verdict/summary must NOT have more than 1000 characters');
  });

  it('rejects a head SHA that is not a commit id', () => {
    assert.equal(violation({ ...MINIMAL, head: { ref: 'HEAD', sha: 'HEAD; rm -rf /' } }), '/head/sha must match pattern "^(?:[0-9a-f]{40}|[0-9a-f]{64})$"');
  });

  it('cuts a hostile key short in the message', () => {
    assert.equal(violation({ ...MINIMAL, ['k'.repeat(10_000)]: 1 })?.length, 200);
  });

  // Collecting every violation would take Ajv time quadratic in their number: hours for this one.
  it('rejects millions of wrong items at the first', { timeout: 60_000 }, () => {
    const forged = Buffer.from(`{"scenarios":[${'0,'.repeat(2_000_000)}0]}`);
    assert.ok(forged.length <= MAX_REPORT_BYTES);
    assert.throws(() => parseReport(forged, 'the forged report'), /does not match diff-report\.schema\.json: the report must have required property/);
  });
});
