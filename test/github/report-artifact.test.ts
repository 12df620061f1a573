import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { ArtifactError, readReportArtifact, schemaViolations } from '../../src/github/report-artifact.ts';

const folder = mkdtempSync(join(tmpdir(), 'fixpoint-artifact-'));
after(() => rmSync(folder, { recursive: true, force: true }));

/** A folder holding `content` as fixpoint-report.json. */
function artifact(name: string, content: string | Buffer): string {
  const directory = join(folder, name);
  mkdirSync(directory);
  writeFileSync(join(directory, 'fixpoint-report.json'), content);
  return directory;
}

const MINIMAL = {
  schemaVersion: 1,
  tool: { name: 'fixpoint', version: '0.1.0' },
  base: { ref: 'main', sha: 'a'.repeat(40) },
  head: { ref: 'HEAD', sha: 'b'.repeat(40) },
  verdict: { failOn: 'new-findings', failed: false, newFindings: 0, fixedFindings: 0, convergedChanges: 0, summary: 'no behavioural change' },
  changes: { files: [], controllers: [], checkInputs: [] },
  scenarios: [],
};

describe('readReportArtifact', () => {
  it('returns a report that matches diff-report.schema.json', async () => {
    const { report } = await readReportArtifact(artifact('valid', JSON.stringify(MINIMAL)));
    assert.deepEqual(report, MINIMAL);
  });

  it('rejects a missing file, saying where it looked', async () => {
    const directory = join(folder, 'empty');
    mkdirSync(directory);
    await assert.rejects(readReportArtifact(directory), (error: unknown) => error instanceof ArtifactError && /fixpoint-report\.json was rejected, and nothing was posted: it does not exist/.test(error.message));
  });

  it('rejects a file over the cap before parsing it', async () => {
    await assert.rejects(readReportArtifact(artifact('large', JSON.stringify(MINIMAL)), 100), /is \d+ bytes, more than the 100 a report may have/);
  });

  it('rejects bytes that are not UTF-8', async () => {
    await assert.rejects(readReportArtifact(artifact('binary', Buffer.from([0x7b, 0xff, 0xfe, 0x7d]))), /cannot be read as UTF-8 text/);
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
