/**
 * A git history of the tls-secrets example in two commits: the base creates each missing Secret,
 * the head "simplifies" the reconcile to skip the whole step once the first Secret exists. Used by
 * `npm start` and by the Action's end-to-end test.
 */
import { execFileSync } from 'node:child_process';
import { cp, mkdir, mkdtemp, readFile, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const REPOSITORY = fileURLToPath(new URL('..', import.meta.url));
const EXAMPLE = join(REPOSITORY, 'examples', 'tls-secrets');

/** The early return the head commit adds: "the public Secret exists, so the bundle is done". */
const SHORTCUT = /\n {4}try \{\n {6}await core\.readNamespacedSecret\(\{ namespace, name: publicName \}\);\n {6}return;[^\n]*\n {4}\} catch \(error\) \{\n {6}if \(!isStatus\(error, 404\)\) throw error;\n {4}\}\n/;

function git(directory: string, ...args: string[]): void {
  execFileSync('git', ['-C', directory, ...args], { stdio: 'ignore' });
}

/** A new repository whose base commit has the careful reconcile and whose head commit has the shortcut; the caller removes it. */
export async function tlsSecretsHistory(): Promise<string> {
  // Inside this repository (in its ignored .tmp), so the example's imports resolve to its node_modules.
  await mkdir(join(REPOSITORY, '.tmp'), { recursive: true });
  const directory = await mkdtemp(join(REPOSITORY, '.tmp', 'diff-demo-'));
  await cp(EXAMPLE, directory, { recursive: true });
  await symlink(join(REPOSITORY, 'node_modules'), join(directory, 'node_modules'), 'junction');
  await writeFile(join(directory, '.gitignore'), 'node_modules\n');
  const controller = join(directory, 'src', 'tls.ts');
  const withShortcut = await readFile(controller, 'utf8');
  if (!SHORTCUT.test(withShortcut)) throw new Error('examples/tls-secrets/src/tls.ts no longer has the early return this demo removes');
  git(directory, 'init', '--quiet', '--initial-branch=main');
  git(directory, 'config', 'user.name', 'Demo');
  git(directory, 'config', 'user.email', 'demo@example.com');
  await writeFile(controller, withShortcut.replace(SHORTCUT, '\n'));
  git(directory, 'add', '-A');
  git(directory, 'commit', '--quiet', '-m', 'TLS bundles: create each Secret that is missing');
  await writeFile(controller, withShortcut);
  git(directory, 'commit', '--quiet', '-am', 'TLS bundles: skip the step once the public Secret exists');
  return directory;
}

