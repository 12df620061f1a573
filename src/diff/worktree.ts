import { rmSync } from 'node:fs';
import { mkdtemp, realpath, rm } from 'node:fs/promises';
import { constants, tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { git, GitError, gitSync } from './git.ts';

/** A worktree that exists now: the repository it belongs to, its folder, and the temporary folder holding it. */
interface Worktree {
  readonly repository: string;
  readonly directory: string;
  readonly parent: string;
}

/** The signals whose default action ends the process: on them, every live worktree is removed first. */
const SIGNALS = ['SIGINT', 'SIGTERM'] as const;

/** The worktrees of every withWorktree call still running; one pair of signal handlers serves them all. */
const live = new Set<Worktree>();

/**
 * Checks `ref` out into a new detached worktree in a fresh temporary folder, runs `work` on the
 * worktree's root folder and removes the worktree afterwards, whether `work` returns, throws or
 * the process is interrupted (SIGINT, SIGTERM) meanwhile. Hooks do not run on the checkout.
 */
export async function withWorktree<T>(repository: string, ref: string, work: (directory: string) => Promise<T>): Promise<T> {
  const root = await repositoryRoot(repository);
  const sha = await resolveRef(root, ref);
  // The real path, as esbuild and git report files: the temporary folder may lie behind a symbolic link (macOS).
  const parent = await realpath(await mkdtemp(join(tmpdir(), 'fixpoint-worktree-')));
  const worktree: Worktree = { repository: root, directory: join(parent, basename(root) || 'repository'), parent };
  track(worktree);
  try {
    await git(root, ['-c', 'core.hooksPath=/dev/null', 'worktree', 'add', '--detach', worktree.directory, sha]);
    return await work(worktree.directory);
  } finally {
    await removeWorktree(worktree);
    untrack(worktree);
  }
}

/** The full SHA of the commit `ref` names in `repository`; an error naming the ref when there is none. */
export async function resolveRef(repository: string, ref: string): Promise<string> {
  if (ref === '' || ref.startsWith('-')) throw new Error(`not a git ref: "${ref}"`);
  const root = await repositoryRoot(repository);
  try {
    return (await git(root, ['rev-parse', '--verify', '--quiet', `${ref}^{commit}`])).trim();
  } catch (error) {
    if (error instanceof GitError && error.exitCode === 1) {
      throw new Error(`unknown git ref "${ref}": no commit of that name in ${root} (if it is a branch of a shallow clone, fetch it first)`, { cause: error });
    }
    throw error;
  }
}

/** The root folder of the git repository (or worktree) that holds `directory`; an error when none does. */
export async function repositoryRoot(directory: string): Promise<string> {
  try {
    return (await git(directory, ['rev-parse', '--show-toplevel'])).trim();
  } catch (error) {
    if (error instanceof GitError) throw new Error(`${directory} is not inside a git repository (${error.stderr.trim() || error.message})`, { cause: error });
    throw error;
  }
}

async function removeWorktree(worktree: Worktree): Promise<void> {
  // Each step may fail (the add never happened, the folder is already gone); the next ones still run.
  await git(worktree.repository, ['worktree', 'remove', '--force', worktree.directory]).catch(() => undefined);
  await rm(worktree.parent, { recursive: true, force: true }).catch(() => undefined);
  await git(worktree.repository, ['worktree', 'prune']).catch(() => undefined);
}

function removeWorktreeSync(worktree: Worktree): void {
  for (const step of [
    () => gitSync(worktree.repository, ['worktree', 'remove', '--force', worktree.directory]),
    () => rmSync(worktree.parent, { recursive: true, force: true }),
    () => gitSync(worktree.repository, ['worktree', 'prune']),
  ]) {
    try {
      step();
    } catch {
      // As in removeWorktree: what is left is removed by the steps after.
    }
  }
}

function track(worktree: Worktree): void {
  if (live.size === 0) for (const signal of SIGNALS) process.on(signal, onSignal);
  live.add(worktree);
}

function untrack(worktree: Worktree): void {
  live.delete(worktree);
  if (live.size === 0) for (const signal of SIGNALS) process.off(signal, onSignal);
}

/**
 * Removes every live worktree, then ends the process as the signal would have: raised again with
 * the default action restored, or, when another part of the program also listens for it, exit
 * code 128 + the signal's number.
 */
function onSignal(signal: NodeJS.Signals): void {
  for (const worktree of live) removeWorktreeSync(worktree);
  live.clear();
  for (const each of SIGNALS) process.off(each, onSignal);
  if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
  process.exit(128 + (constants.signals[signal] ?? 0));
}
