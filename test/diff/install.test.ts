import assert from 'node:assert/strict';
import { chmodSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, readlinkSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { InstallError, installDependencies } from '../../src/diff/install.ts';
import { withWorktree } from '../../src/diff/worktree.ts';
import { temporaryRepository } from './temporary-repository.ts';

/** A package with no dependencies, and its lockfile, so `npm ci` needs no registry. */
function npmProject(name: string): Record<string, string> {
  return {
    'package.json': `${JSON.stringify({ name, version: '1.0.0', private: true }, null, 2)}\n`,
    'package-lock.json': `${JSON.stringify({ name, version: '1.0.0', lockfileVersion: 3, requires: true, packages: { '': { name, version: '1.0.0' } } }, null, 2)}\n`,
  };
}

let scratch: string;
let folders = 0;

/** A fresh folder holding `files`. */
function folder(files: Record<string, string>): string {
  folders += 1;
  const directory = join(scratch, `project-${folders}`);
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(join(directory, path, '..'), { recursive: true });
    writeFileSync(join(directory, path), content);
  }
  mkdirSync(directory, { recursive: true });
  return directory;
}

/** A folder whose node_modules looks installed: it holds a marker file. */
function installed(files: Record<string, string>): string {
  const directory = folder(files);
  mkdirSync(join(directory, 'node_modules'));
  writeFileSync(join(directory, 'node_modules', 'marker'), 'installed\n');
  return directory;
}

describe('installDependencies', () => {
  before(() => {
    scratch = realpathSync(mkdtempSync(join(tmpdir(), 'fixpoint-install-test-')));
  });
  after(() => rmSync(scratch, { recursive: true, force: true }));

  it('installs nothing without a package.json', async () => {
    assert.deepEqual(await installDependencies(folder({ 'README.md': 'hi\n' }), {}), { command: '', reused: false });
  });

  it('runs npm ci for a package-lock.json', async () => {
    assert.deepEqual(await installDependencies(folder(npmProject('tiny')), {}), { command: 'npm ci', reused: false });
  });

  it('links to the node_modules of a folder with the same lockfile instead of installing', async () => {
    const from = installed(npmProject('tiny'));
    const directory = folder(npmProject('tiny'));
    assert.deepEqual(await installDependencies(directory, { reuseFrom: from }), { command: 'npm ci', reused: true });
    assert.equal(lstatSync(join(directory, 'node_modules')).isSymbolicLink(), true);
    assert.equal(readlinkSync(join(directory, 'node_modules')), join(from, 'node_modules'));
    assert.equal(readFileSync(join(directory, 'node_modules', 'marker'), 'utf8'), 'installed\n');
  });

  it('installs when the lockfiles differ, the other side has no node_modules, or the project has workspaces', async () => {
    const other = installed(npmProject('other'));
    const directory = folder(npmProject('tiny'));
    assert.deepEqual(await installDependencies(directory, { reuseFrom: other }), { command: 'npm ci', reused: false });
    assert.equal(existsSync(join(directory, 'node_modules', 'marker')), false);

    const bare = folder(npmProject('tiny'));
    assert.deepEqual(await installDependencies(folder(npmProject('tiny')), { reuseFrom: bare }), { command: 'npm ci', reused: false });

    const workspace = { ...npmProject('tiny'), 'package.json': `${JSON.stringify({ name: 'tiny', version: '1.0.0', private: true, workspaces: [] })}\n` };
    const workspaceFrom = installed(workspace);
    const workspaceTo = folder(workspace);
    await installDependencies(workspaceTo, { reuseFrom: workspaceFrom }).catch(() => undefined);
    assert.equal(existsSync(join(workspaceTo, 'node_modules', 'marker')), false);
  });

  it('runs an install command through the shell in the folder, and never reuses with one', async () => {
    const from = installed(npmProject('tiny'));
    const directory = folder(npmProject('tiny'));
    const command = 'echo "$PWD" > made-by-command.txt && test -f package.json';
    assert.deepEqual(await installDependencies(directory, { installCommand: command, reuseFrom: from }), { command, reused: false });
    assert.equal(readFileSync(join(directory, 'made-by-command.txt'), 'utf8').trim(), directory);
    assert.equal(existsSync(join(directory, 'node_modules')), false);
  });

  it('reports a failed install with its command, status and last lines of output', async () => {
    const lines = Array.from({ length: 40 }, (_, index) => `echo line-${index + 1}`).join('; ');
    const command = `${lines}; echo boom >&2; exit 3`;
    await assert.rejects(installDependencies(folder({}), { installCommand: command }), (error: unknown) => {
      assert.ok(error instanceof InstallError);
      assert.equal(error.command, command);
      assert.ok(error.message.startsWith(`\`${command}\` failed in `));
      assert.match(error.message, /\(exit code 3\); its last lines:\n/);
      assert.match(error.message, /line-40\nboom$/);
      assert.doesNotMatch(error.message, /line-1\n/);
      return true;
    });
    // npm ci refuses a lockfile that does not match package.json.
    const mismatched = folder({ ...npmProject('tiny'), 'package.json': '{ "name": "tiny", "version": "1.0.0", "dependencies": { "left-pad": "1.3.0" } }\n' });
    await assert.rejects(installDependencies(mismatched, {}), (error: Error) => {
      assert.match(error.message, /^`npm ci` failed in .*\(exit code \d+\); its last lines:\n/);
      // The reason, not npm's usage text after it.
      assert.match(error.message, /Missing: left-pad@1\.3\.0 from lock file/);
      assert.doesNotMatch(error.message, /Usage:/);
      return true;
    });
  });

  describe('with pnpm and yarn (stand-ins on the PATH that record how they were called)', () => {
    let path: string | undefined;
    before(() => {
      path = process.env['PATH'];
      const bin = folder({});
      for (const program of ['pnpm', 'yarn']) {
        writeFileSync(join(bin, program), `#!/bin/sh\necho "${program} $*" > invoked.txt\n`);
        chmodSync(join(bin, program), 0o755);
      }
      process.env['PATH'] = `${bin}${delimiter}${path ?? ''}`;
    });
    after(() => {
      process.env['PATH'] = path;
    });

    const cases: [string, Record<string, string>, string][] = [
      ['pnpm-lock.yaml', { 'pnpm-lock.yaml': "lockfileVersion: '9.0'\n" }, 'pnpm install --frozen-lockfile'],
      ['a Yarn 1 yarn.lock', { 'yarn.lock': '# THIS IS AN AUTOGENERATED FILE. DO NOT EDIT THIS FILE DIRECTLY.\n# yarn lockfile v1\n' }, 'yarn install --frozen-lockfile'],
      ['a Yarn 2+ yarn.lock', { 'yarn.lock': '# This file is generated by running "yarn install" inside your project.\n\n__metadata:\n  version: 8\n' }, 'yarn install --immutable'],
      [
        'the lockfile of the packageManager package.json names',
        { ...npmProject('tiny'), 'package.json': '{ "name": "tiny", "packageManager": "pnpm@9.0.0" }\n', 'pnpm-lock.yaml': "lockfileVersion: '9.0'\n" },
        'pnpm install --frozen-lockfile',
      ],
    ];
    for (const [name, files, command] of cases) {
      it(`runs ${command} for ${name}`, async () => {
        const directory = folder({ 'package.json': '{ "name": "tiny" }\n', ...files });
        assert.deepEqual(await installDependencies(directory, {}), { command, reused: false });
        assert.equal(readFileSync(join(directory, 'invoked.txt'), 'utf8'), `${command}\n`);
      });
    }
  });
});

describe('installDependencies in a worktree', () => {
  it('links base to head’s node_modules, and removing the worktree leaves head’s node_modules alone', async () => {
    const repository = temporaryRepository({ ...npmProject('tiny'), '.gitignore': 'node_modules/\n', 'index.js': 'export {};\n' });
    try {
      repository.commit('head', { 'index.js': 'export const changed = true;\n' });
      mkdirSync(join(repository.directory, 'node_modules'));
      writeFileSync(join(repository.directory, 'node_modules', 'marker'), 'installed\n');
      const result = await withWorktree(repository.directory, 'HEAD~1', async (directory) => {
        const installation = await installDependencies(directory, { reuseFrom: repository.directory });
        assert.equal(readFileSync(join(directory, 'node_modules', 'marker'), 'utf8'), 'installed\n');
        return installation;
      });
      assert.deepEqual(result, { command: 'npm ci', reused: true });
      assert.equal(readFileSync(join(repository.directory, 'node_modules', 'marker'), 'utf8'), 'installed\n');
    } finally {
      repository.remove();
    }
  });
});
