import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

/** A git repository in a temporary folder, for tests: its own user, no signing, no hooks. */
export interface TemporaryRepository {
  /** The repository's root folder (a real path). */
  readonly directory: string;
  /** Runs `git -C directory ...args` and returns its output, trimmed. */
  git(...args: string[]): string;
  /** Writes files (relative paths, folders made as needed); a null content deletes the file. */
  write(files: Record<string, string | null>): void;
  /** Writes the files, stages everything and commits; returns the new commit's SHA. */
  commit(message: string, files?: Record<string, string | null>): string;
  remove(): void;
}

/** This repository's folder for temporary projects (gitignored): resolution from there reaches its node_modules. */
export const REPOSITORY_TMP = join(import.meta.dirname, '..', '..', '.tmp');

/** A new repository in a fresh folder under `parent` (default: the system's temporary folder), with `files` committed when given. */
export function temporaryRepository(files?: Record<string, string | null>, parent: string = tmpdir()): TemporaryRepository {
  mkdirSync(parent, { recursive: true });
  const directory = realpathSync(mkdtempSync(join(parent, 'fixpoint-diff-test-')));
  const git = (...args: string[]): string =>
    execFileSync('git', ['-C', directory, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
  git('init', '--quiet', '--initial-branch=main');
  git('config', 'user.name', 'Fixpoint Test');
  git('config', 'user.email', 'test@fixpoint.invalid');
  git('config', 'commit.gpgsign', 'false');
  git('config', 'core.autocrlf', 'false');
  const write = (changes: Record<string, string | null>): void => {
    for (const [path, content] of Object.entries(changes)) {
      const file = join(directory, path);
      if (content === null) rmSync(file, { force: true });
      else {
        mkdirSync(dirname(file), { recursive: true });
        writeFileSync(file, content);
      }
    }
  };
  const repository: TemporaryRepository = {
    directory,
    git,
    write,
    commit(message, changes = {}) {
      write(changes);
      git('add', '--all');
      git('commit', '--quiet', '--allow-empty', '--no-verify', '-m', message);
      return git('rev-parse', 'HEAD');
    },
    remove() {
      rmSync(directory, { recursive: true, force: true });
    },
  };
  if (files !== undefined) repository.commit('initial', files);
  return repository;
}
