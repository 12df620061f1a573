/**
 * The Action where neither the user's project nor the Action's checkout has esbuild (whose native
 * binary cannot be bundled into dist/index.js): it installs esbuild once into RUNNER_TEMP with npm
 * and reuses that copy on the next run. npm is told to prefer its cache, which `npm ci` of this
 * repository filled with the same esbuild, so the test needs the registry no more than that did.
 */
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import packageJson from '../package.json' with { type: 'json' };
import { FakeGitHub } from './github/fake-github.ts';
import { temporaryRepository, type TemporaryRepository } from './diff/temporary-repository.ts';
import { COPIER_PROJECT, DIST, NODE_MODULES, runDist, type ActionRun, THROWING_COPIER } from './action-harness.ts';

const ROOT = join(import.meta.dirname, '..');

describe('the Action (dist/index.js) without esbuild anywhere it can resolve it', () => {
  let fake: FakeGitHub;
  let outside: string;
  let repository: TemporaryRepository;
  let payload: unknown;
  let runs = 0;

  before(async () => {
    fake = await FakeGitHub.start();
    // Outside this repository, so that nothing resolves esbuild from its node_modules.
    outside = realpathSync(mkdtempSync(join(tmpdir(), 'fixpoint-no-esbuild-')));
    const action = join(outside, 'action');
    mkdirSync(join(action, 'dist'), { recursive: true });
    copyFileSync(DIST, join(action, 'dist', 'index.js'));
    copyFileSync(join(ROOT, 'package.json'), join(action, 'package.json'));
    symlinkSync(join(ROOT, 'src'), join(action, 'src'), 'junction');
    repository = temporaryRepository(COPIER_PROJECT, outside);
    // The project has its client-node and nothing else.
    mkdirSync(join(repository.directory, 'node_modules', '@kubernetes'), { recursive: true });
    symlinkSync(join(NODE_MODULES, '@kubernetes', 'client-node'), join(repository.directory, 'node_modules', '@kubernetes', 'client-node'), 'junction');
    const baseSha = repository.git('rev-parse', 'HEAD');
    const headSha = repository.commit('nested value', { 'src/copier.ts': THROWING_COPIER });
    const repo = { full_name: 'acme/widgets', name: 'widgets', owner: { login: 'acme' } };
    payload = { action: 'synchronize', number: 3, pull_request: { number: 3, base: { sha: baseSha, repo }, head: { sha: headSha, repo } }, repository: repo };
  });

  after(async () => {
    await fake.stop();
    rmSync(outside, { recursive: true, force: true });
  });

  /** A run sharing the runner's temporary folder with the earlier ones, as one job's steps do. */
  function runAction(): Promise<ActionRun> {
    runs += 1;
    const folder = join(outside, 'runner', `run-${runs}`);
    return runDist({ folder, dist: join(outside, 'action', 'dist', 'index.js'), inputs: { comment: 'off' }, eventName: 'pull_request', payload, workspace: repository.directory, apiUrl: fake.baseUrl, temp: join(outside, 'runner', 'temp'), env: { npm_config_prefer_offline: 'true' } });
  }

  it('installs esbuild into RUNNER_TEMP and checks the pull request with it', async () => {
    const result = await runAction();
    assert.equal(result.status, 1, result.stdout + result.stderr);
    const prefix = join(outside, 'runner', 'temp', 'fixpoint-esbuild');
    assert.ok(result.stdout.includes(`fixpoint: installing esbuild@${packageJson.dependencies.esbuild} into ${prefix}`), result.stdout);
    assert.ok(existsSync(join(prefix, 'node_modules', 'esbuild', 'package.json')));
    assert.equal(result.outputs['verdict'], 'failed');
    assert.match(result.stdout, /controller copier throws/);
  });

  it('reuses that copy on the next run', async () => {
    const result = await runAction();
    assert.equal(result.status, 1, result.stdout + result.stderr);
    assert.doesNotMatch(result.stdout, /installing esbuild/);
    assert.equal(result.outputs['verdict'], 'failed');
  });
});
