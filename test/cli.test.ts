import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it, mock } from 'node:test';
import { main } from '../src/cli.ts';

const FIXTURES = fileURLToPath(new URL('./check/fixtures/project/', import.meta.url));
const EXAMPLES = fileURLToPath(new URL('../examples/', import.meta.url));

/** Runs the CLI, capturing what it prints. */
async function run(...args: string[]): Promise<{ status: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const log = mock.method(console, 'log', (...parts: unknown[]) => out.push(parts.join(' ')));
  const error = mock.method(console, 'error', (...parts: unknown[]) => err.push(parts.join(' ')));
  try {
    return { status: await main(args), out: out.join('\n'), err: err.join('\n') };
  } finally {
    log.mock.restore();
    error.mock.restore();
  }
}

describe('the fixpoint command line', () => {
  let folder = '';
  before(async () => {
    folder = await mkdtemp(join(tmpdir(), 'fixpoint-cli-'));
  });
  after(async () => {
    await rm(folder, { recursive: true, force: true });
  });

  it('exits 2 with every config problem on a bad fixpoint.yaml', async () => {
    for (const file of ['malformed.yaml', 'unknown-keys.yaml', 'missing-files.yaml']) {
      const result = await run('check', '--config', `${FIXTURES}${file}`);
      assert.equal(result.status, 2, file);
      assert.match(result.err, new RegExp(`${file.replace('.', '\\.')}:\\d+:\\d+: `), file);
    }
  });

  it('exits 2 on a usage error and names the commands', async () => {
    const result = await run('check', '--bogus');
    assert.equal(result.status, 2);
    assert.match(result.err, /usage:\n {2}fixpoint check/);
    assert.equal((await run('frobnicate')).status, 2);
  });

  it('exits 1 on findings, writes the JSON report, and explains a finding step by step', async () => {
    const report = join(folder, 'report.json');
    const checked = await run('check', '--config', `${EXAMPLES}tls-secrets/fixpoint.yaml`, '--scenario', 'crash', '--json', report);
    assert.equal(checked.status, 1);
    assert.match(checked.out, /1\. invariant \(bothSecretsExist\): TlsBundle default\/db converged without its Secret db-ssl-internal/);
    assert.equal(JSON.parse(await readFile(report, 'utf8')).schemaVersion, 1);
    const explained = await run('explain', report, '--scenario', 'crash', '--finding', '1');
    assert.equal(explained.status, 0);
    assert.match(explained.out, /step 1: reconcile tls default\/db · crash after write 1\n {2}actor: controller:tls · request default\/db\n {2}fault: crash after write 1\n {2}create Secret default\/db-ssl \(201\)/);
    assert.match(explained.out, /metadata\.name: \(absent\) → "db-ssl"/);
  });

  it('exits 0 on a clean check', async () => {
    const result = await run('check', '--config', `${EXAMPLES}toggle/fixpoint.yaml`);
    assert.equal(result.status, 0);
    assert.match(result.out, /✔ no findings in 1 scenario/);
  });
});
