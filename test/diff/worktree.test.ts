import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import { repositoryRoot, resolveRef, withWorktree } from '../../src/diff/worktree.ts';
import { temporaryRepository, type TemporaryRepository } from './temporary-repository.ts';

const WORKTREE_MODULE = pathToFileURL(join(import.meta.dirname, '..', '..', 'src', 'diff', 'worktree.ts')).href;

/** The folders of the repository's worktrees, the main one first. */
function worktrees(repository: TemporaryRepository): string[] {
  return repository
    .git('worktree', 'list', '--porcelain')
    .split('\n')
    .filter((line) => line.startsWith('worktree '))
    .map((line) => line.slice('worktree '.length));
}

describe('withWorktree', () => {
  let repository: TemporaryRepository;
  let first: string;
  before(() => {
    repository = temporaryRepository({ 'a.txt': 'one\n', 'src/b.txt': 'b\n' });
    first = repository.git('rev-parse', 'HEAD');
    repository.commit('second', { 'a.txt': 'two\n' });
  });
  after(() => repository.remove());

  it('checks the ref out in a temporary worktree and removes it afterwards', async () => {
    let seen = '';
    const result = await withWorktree(repository.directory, 'HEAD~1', async (directory) => {
      seen = directory;
      assert.equal(readFileSync(join(directory, 'a.txt'), 'utf8'), 'one\n');
      assert.equal(readFileSync(join(directory, 'src', 'b.txt'), 'utf8'), 'b\n');
      assert.deepEqual(worktrees(repository), [repository.directory, directory]);
      assert.equal(await repositoryRoot(join(directory, 'src')), directory);
      assert.equal(await resolveRef(directory, 'HEAD'), first);
      return 42;
    });
    assert.equal(result, 42);
    assert.equal(existsSync(seen), false);
    assert.deepEqual(worktrees(repository), [repository.directory]);
    assert.equal(readFileSync(join(repository.directory, 'a.txt'), 'utf8'), 'two\n');
  });

  it('removes the worktree when the work throws, and rethrows', async () => {
    let seen = '';
    await assert.rejects(
      withWorktree(repository.directory, first, async (directory) => {
        seen = directory;
        throw new Error('work failed');
      }),
      /work failed/,
    );
    assert.notEqual(seen, '');
    assert.equal(existsSync(seen), false);
    assert.deepEqual(worktrees(repository), [repository.directory]);
  });

  it('holds two worktrees at once, and leaves no signal handler behind', async () => {
    const listeners = [process.listenerCount('SIGINT'), process.listenerCount('SIGTERM')];
    const folders = await Promise.all(
      ['HEAD', 'HEAD~1'].map((ref) =>
        withWorktree(repository.directory, ref, async (directory) => {
          assert.equal(process.listenerCount('SIGINT'), listeners[0] as number + 1);
          await new Promise((resolve) => setTimeout(resolve, 50));
          return readFileSync(join(directory, 'a.txt'), 'utf8');
        }),
      ),
    );
    assert.deepEqual(folders, ['two\n', 'one\n']);
    assert.deepEqual([process.listenerCount('SIGINT'), process.listenerCount('SIGTERM')], listeners);
    assert.deepEqual(worktrees(repository), [repository.directory]);
  });

  it('names an unknown ref and creates nothing', async () => {
    await assert.rejects(withWorktree(repository.directory, 'no-such-branch', async () => 0), /unknown git ref "no-such-branch"/);
    assert.deepEqual(worktrees(repository), [repository.directory]);
  });

  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    it(`removes the worktree on ${signal}, then ends by that signal`, async () => {
      const code = [
        `import { withWorktree } from ${JSON.stringify(WORKTREE_MODULE)};`,
        `await withWorktree(${JSON.stringify(repository.directory)}, 'HEAD', async (directory) => {`,
        `  process.stdout.write(directory + '\\n');`,
        '  await new Promise(() => setInterval(() => {}, 1000));',
        '});',
      ].join('\n');
      const child = spawn(process.execPath, ['--input-type=module', '--eval', code], { stdio: ['ignore', 'pipe', 'inherit'] });
      const directory = await new Promise<string>((resolve, reject) => {
        let output = '';
        child.stdout.on('data', (chunk: Buffer) => {
          output += chunk.toString();
          if (output.includes('\n')) resolve(output.trim());
        });
        child.on('exit', (status) => reject(new Error(`the child ended early (${status})`)));
      });
      assert.equal(existsSync(join(directory, 'a.txt')), true);
      const ended = new Promise<[number | null, NodeJS.Signals | null]>((resolve) => child.on('exit', (status, received) => resolve([status, received])));
      child.kill(signal);
      assert.deepEqual(await ended, [null, signal]);
      assert.equal(existsSync(directory), false);
      assert.deepEqual(worktrees(repository), [repository.directory]);
    });
  }
});

describe('resolveRef and repositoryRoot', () => {
  let repository: TemporaryRepository;
  before(() => {
    repository = temporaryRepository({ 'src/a.txt': 'a\n' });
    repository.git('tag', 'v1');
  });
  after(() => repository.remove());

  it('resolves branches, tags and expressions to the full SHA of a commit', async () => {
    const head = repository.git('rev-parse', 'HEAD');
    assert.match(head, /^[0-9a-f]{40}$/);
    assert.equal(await resolveRef(repository.directory, 'main'), head);
    assert.equal(await resolveRef(repository.directory, 'v1'), head);
    assert.equal(await resolveRef(join(repository.directory, 'src'), 'HEAD'), head);
    assert.equal(await resolveRef(repository.directory, head.slice(0, 10)), head);
  });

  it('names the ref that does not exist', async () => {
    await assert.rejects(resolveRef(repository.directory, 'origin/nope'), (error: Error) => {
      assert.match(error.message, /^unknown git ref "origin\/nope": no commit of that name in /);
      return true;
    });
    await assert.rejects(resolveRef(repository.directory, 'HEAD~5'), /unknown git ref "HEAD~5"/);
    await assert.rejects(resolveRef(repository.directory, '--all'), /not a git ref: "--all"/);
  });

  it('finds the root from a subfolder, and says when a folder is in no repository', async () => {
    assert.equal(await repositoryRoot(join(repository.directory, 'src')), repository.directory);
    const outside = join(repository.directory, '..', `not-a-repository-${process.pid}`);
    mkdirSync(outside, { recursive: true });
    try {
      await assert.rejects(repositoryRoot(outside), /is not inside a git repository/);
      await assert.rejects(resolveRef(outside, 'HEAD'), /is not inside a git repository/);
    } finally {
      rmSync(outside, { recursive: true, force: true });
    }
  });
});
