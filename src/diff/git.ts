import { execFile, execFileSync } from 'node:child_process';

/** A git command that failed: the arguments it was given, its exit code and what it printed on stderr. */
export class GitError extends Error {
  readonly args: readonly string[];
  readonly exitCode: number | undefined;
  readonly stderr: string;

  constructor(args: readonly string[], exitCode: number | undefined, stderr: string, reason?: string) {
    const detail = stderr.trim() || reason || 'no output';
    super(`git ${args.join(' ')} failed${exitCode === undefined ? '' : ` (exit code ${exitCode})`}: ${detail}`);
    this.name = 'GitError';
    this.args = args;
    this.exitCode = exitCode;
    this.stderr = stderr;
  }
}

/** Enough for the name-status of a very large diff; git's output is held in memory. */
const MAX_OUTPUT = 256 * 1024 * 1024;

/** Runs `git -C directory ...args` without a shell; resolves to its standard output, rejects with a GitError. */
export function git(directory: string, args: readonly string[]): Promise<string> {
  const all = ['-C', directory, ...args];
  return new Promise((resolve, reject) => {
    execFile('git', all, { env: gitEnvironment(), maxBuffer: MAX_OUTPUT, encoding: 'utf8' }, (error, stdout, stderr) => {
      if (error) reject(new GitError(all, typeof error.code === 'number' ? error.code : undefined, stderr, error.message));
      else resolve(stdout);
    });
  });
}

/** The same, synchronously: for signal handlers, which cannot wait for a promise. */
export function gitSync(directory: string, args: readonly string[]): string {
  const all = ['-C', directory, ...args];
  try {
    return execFileSync('git', all, { env: gitEnvironment(), maxBuffer: MAX_OUTPUT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (error) {
    const failure = error as { status?: number | null; stderr?: string; message?: string };
    throw new GitError(all, failure.status ?? undefined, failure.stderr ?? '', failure.message);
  }
}

/**
 * The process's environment without the variables that would point git at another repository than
 * the `-C` folder (set, for instance, when fixpoint runs inside a git hook), and never prompting.
 */
function gitEnvironment(): NodeJS.ProcessEnv {
  const environment: NodeJS.ProcessEnv = { ...process.env, GIT_TERMINAL_PROMPT: '0' };
  for (const name of ['GIT_DIR', 'GIT_WORK_TREE', 'GIT_INDEX_FILE', 'GIT_COMMON_DIR', 'GIT_PREFIX']) delete environment[name];
  return environment;
}
