import { spawn, type SpawnOptionsWithStdioTuple } from 'node:child_process';
import { lstat, readFile, stat, symlink } from 'node:fs/promises';
import { join } from 'node:path';

/** An install that failed: the command, where it ran, its exit status and the last lines it printed. */
export class InstallError extends Error {
  readonly command: string;
  readonly output: string;

  constructor(command: string, directory: string, status: string, output: string) {
    const tail = lastLines(withoutUsage(output), OUTPUT_LINES);
    super(`\`${command}\` failed in ${directory} (${status})${tail === '' ? ', printing nothing' : `; its last lines:\n${tail}`}`);
    this.name = 'InstallError';
    this.command = command;
    this.output = tail;
  }
}

/** How many lines of a failed install's output the error quotes. */
const OUTPUT_LINES = 25;

/** How much of an install's output is kept, from the end. */
const OUTPUT_KEPT = 64 * 1024;

/** The lockfiles fixpoint knows, in the order it looks for them when package.json names no package manager. */
const LOCKFILES = ['npm-shrinkwrap.json', 'package-lock.json', 'pnpm-lock.yaml', 'yarn.lock'] as const;

type Lockfile = (typeof LOCKFILES)[number];

/**
 * Installs `directory`'s dependencies as its lockfile calls for (`npm ci`, `pnpm install
 * --frozen-lockfile`, `yarn install --immutable` or, for Yarn 1, `--frozen-lockfile`), or runs
 * `installCommand` through the shell instead. When `reuseFrom` has the same lockfile, byte for
 * byte, and a node_modules, links to that node_modules instead of installing (never for a
 * workspace root, whose node_modules links to the workspace's own packages, nor with an
 * `installCommand`, which may do more than install). `command` is the install run, or the one
 * reuse made unnecessary; empty when there is no package.json and so nothing to install.
 */
export async function installDependencies(directory: string, options: { installCommand?: string; reuseFrom?: string }): Promise<{ command: string; reused: boolean }> {
  if (options.installCommand !== undefined) {
    await run(options.installCommand, [], directory, true);
    return { command: options.installCommand, reused: false };
  }
  const manifest = await readManifest(directory);
  if (manifest === undefined) {
    // Nothing declares dependencies here: a checkout of a folder that lives inside a project (say, an example) uses the other side's.
    if (options.reuseFrom !== undefined && (await readManifest(options.reuseFrom)) === undefined && (await isDirectory(join(options.reuseFrom, 'node_modules'))) && !(await isDirectory(join(directory, 'node_modules')))) {
      await symlink(join(options.reuseFrom, 'node_modules'), join(directory, 'node_modules'), 'junction');
      return { command: '', reused: true };
    }
    return { command: '', reused: false };
  }
  const lockfile = await findLockfile(directory, manifest);
  const [program, ...args] = await installArguments(directory, lockfile);
  const command = [program, ...args].join(' ');
  if (options.reuseFrom !== undefined && lockfile !== undefined && (await canReuse(directory, options.reuseFrom, lockfile, manifest))) {
    await symlink(join(options.reuseFrom, 'node_modules'), join(directory, 'node_modules'), 'junction');
    return { command, reused: true };
  }
  await run(program as string, args, directory, false);
  return { command, reused: false };
}

/** The program and arguments of the install `lockfile` calls for; `npm install` without one. */
async function installArguments(directory: string, lockfile: Lockfile | undefined): Promise<string[]> {
  switch (lockfile) {
    case 'npm-shrinkwrap.json':
    case 'package-lock.json':
      return ['npm', 'ci'];
    case 'pnpm-lock.yaml':
      return ['pnpm', 'install', '--frozen-lockfile'];
    case 'yarn.lock':
      // Yarn 2 and later write a `__metadata` entry; Yarn 1's lockfile has none and its own header.
      return /^__metadata:/m.test(await readFile(join(directory, lockfile), 'utf8')) ? ['yarn', 'install', '--immutable'] : ['yarn', 'install', '--frozen-lockfile'];
    case undefined:
      return ['npm', 'install', '--no-package-lock'];
  }
}

/** The lockfile of the package manager package.json names (`packageManager`), else the first one present. */
async function findLockfile(directory: string, manifest: Manifest): Promise<Lockfile | undefined> {
  const present = (await Promise.all(LOCKFILES.map(async (name) => ((await isFile(join(directory, name))) ? name : undefined)))).filter(
    (name) => name !== undefined,
  );
  const manager = typeof manifest.packageManager === 'string' ? manifest.packageManager.split('@')[0] : undefined;
  const preferred = present.find((name) => (manager === 'pnpm' ? name === 'pnpm-lock.yaml' : manager === 'yarn' ? name === 'yarn.lock' : manager === 'npm' ? name.endsWith('.json') : false));
  return preferred ?? present[0];
}

/** Whether `directory` may use `reuseFrom`'s node_modules: the same lockfile byte for byte, installed there, nothing here, and no workspaces. */
async function canReuse(directory: string, reuseFrom: string, lockfile: Lockfile, manifest: Manifest): Promise<boolean> {
  if (manifest.workspaces !== undefined || (await isFile(join(directory, 'pnpm-workspace.yaml')))) return false;
  if (!(await isDirectory(join(reuseFrom, 'node_modules'))) || (await exists(join(directory, 'node_modules')))) return false;
  try {
    const [mine, theirs] = await Promise.all([readFile(join(directory, lockfile)), readFile(join(reuseFrom, lockfile))]);
    return mine.equals(theirs);
  } catch {
    return false;
  }
}

/** What of package.json matters here. */
interface Manifest {
  readonly packageManager?: unknown;
  readonly workspaces?: unknown;
}

async function readManifest(directory: string): Promise<Manifest | undefined> {
  let text;
  try {
    text = await readFile(join(directory, 'package.json'), 'utf8');
  } catch {
    return undefined;
  }
  try {
    const parsed: unknown = JSON.parse(text);
    return typeof parsed === 'object' && parsed !== null ? (parsed as Manifest) : {};
  } catch {
    // The package manager will say what is wrong with it.
    return {};
  }
}

/** Runs an install in `directory`, its output kept (the end of it) for the error should it fail. */
function run(program: string, args: readonly string[], directory: string, shell: boolean): Promise<void> {
  const command = [program, ...args].join(' ');
  return new Promise((resolve, reject) => {
    const settings: SpawnOptionsWithStdioTuple<'ignore', 'pipe', 'pipe'> = { cwd: directory, stdio: ['ignore', 'pipe', 'pipe'], env: installEnvironment() };
    // Through the shell, the command comes whole: arguments beside it would only be joined to it unescaped.
    const child = shell ? spawn(program, { ...settings, shell: true }) : spawn(program, args, settings);
    let output = '';
    const keep = (chunk: Buffer) => {
      output += chunk.toString('utf8');
      if (output.length > 2 * OUTPUT_KEPT) output = output.slice(-OUTPUT_KEPT);
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    child.on('error', (error: NodeJS.ErrnoException) => {
      const status = error.code === 'ENOENT' ? `${program} is not installed` : error.message;
      reject(new InstallError(command, directory, status, output));
    });
    child.on('close', (code, signal) => {
      if (code === 0) resolve();
      else reject(new InstallError(command, directory, signal === null ? `exit code ${code}` : `killed by ${signal}`, output));
    });
  });
}

/** The process's environment, with npm's audit, funding and update notices off: they only slow an install down. */
function installEnvironment(): NodeJS.ProcessEnv {
  return { ...process.env, npm_config_audit: 'false', npm_config_fund: 'false', npm_config_update_notifier: 'false' };
}

/** npm follows a usage error with the command's whole usage, which would push the error itself out of the last lines. */
function withoutUsage(output: string): string {
  const lines = output.split(/\r?\n/);
  const start = lines.findIndex((line) => /^npm (error|ERR!) Usage:\s*$/.test(line));
  if (start === -1) return output;
  const end = lines.findIndex((line, index) => index > start && /^npm (error|ERR!) Run "npm help /.test(line));
  return [...lines.slice(0, start), ...(end === -1 ? [] : lines.slice(end + 1))].join('\n');
}

function lastLines(text: string, count: number): string {
  return text.trimEnd().split(/\r?\n/).slice(-count).join('\n');
}

async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}

async function isDirectory(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory();
  } catch {
    return false;
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await lstat(path);
    return true;
  } catch {
    return false;
  }
}
