import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, realpath, rename, stat, writeFile } from 'node:fs/promises';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { threadId } from 'node:worker_threads';
import type * as Esbuild from 'esbuild';
import type { Message, Plugin } from 'esbuild';
import { ModuleError } from './module-error.ts';
import { errorMessage } from '../error-message.ts';

/** A user module bundled into one ESM file that Node can import. */
export interface Bundle {
  /** Absolute path of the bundle (`.mjs`, inline source map); its name is a hash of its contents. */
  readonly file: string;
  /** Absolute paths of the user's files that went into it, sorted: what to watch for changes. */
  readonly inputs: readonly string[];
}

/** The package a controller talks to the cluster with: never bundled, so the user's installed copy is the one that runs. */
const CLIENT_NODE = '@kubernetes/client-node';

/** This repository's public contract, which `import ... from 'fixpoint'` resolves to without an installation. */
const FIXPOINT_INDEX = fixpointIndex();
const FIXPOINT_SOURCE = dirname(FIXPOINT_INDEX) + sep;

/**
 * Bundled CommonJS dependencies call `require`, which an ES module lacks; this gives them one that
 * resolves from the bundle's folder, inside the user's node_modules.
 */
const REQUIRE_BANNER = "import { createRequire as __fixpointCreateRequire } from 'node:module';\nconst require = __fixpointCreateRequire(import.meta.url);";

/** The environment variable naming the esbuild to load (the absolute path of its main file); unset: this package's own dependency. */
export const ESBUILD_ENV = 'FIXPOINT_ESBUILD';

let esbuildModule: Promise<typeof Esbuild> | undefined;

/** esbuild, loaded once per thread: from ESBUILD_ENV when set (the Action's bundle, which cannot carry esbuild's binary), else this package's. */
function esbuild(): Promise<typeof Esbuild> {
  esbuildModule ??= loadEsbuild();
  return esbuildModule;
}

async function loadEsbuild(): Promise<typeof Esbuild> {
  const path = process.env[ESBUILD_ENV];
  if (path === undefined || path === '') return import('esbuild');
  const loaded = (await import(pathToFileURL(path).href)) as typeof Esbuild & { readonly default?: typeof Esbuild };
  return typeof loaded.build === 'function' ? loaded : (loaded.default ?? loaded);
}

/** src/index.ts: next to this file in the sources, `../src/index.ts` from the Action's bundle in dist/. */
function fixpointIndex(): string {
  const candidates = [new URL('../index.ts', import.meta.url), new URL('../src/index.ts', import.meta.url)].map((url) => fileURLToPath(url));
  return candidates.find((candidate) => existsSync(candidate)) ?? candidates[0]!;
}

/** Numbers the temporary files of concurrent writers in one thread. */
let temporaryFiles = 0;

/**
 * Bundles `module` (TypeScript or JavaScript, resolved against `projectDirectory`) and everything
 * it imports into one ES module, except `@kubernetes/client-node`, which stays an import. The file
 * is written into the node_modules folder that holds the project's client-node, so that import
 * resolves to the user's own copy, the same module instance the simulator binds to.
 */
export async function bundleModule(module: string, projectDirectory: string): Promise<Bundle> {
  const entry = resolve(projectDirectory, module);
  if (!(await isFile(entry))) throw new ModuleError(module, `${module}: file not found (resolved to ${entry})`);
  // Node loads the bundle by its real path, so source-map paths must be relative to that, not to a linked node_modules.
  const directory = await realDirectory(cacheDirectory(projectDirectory));
  const { build } = await esbuild();
  let output;
  try {
    output = await build({
      entryPoints: [entry],
      absWorkingDir: projectDirectory,
      bundle: true,
      format: 'esm',
      platform: 'node',
      target: 'node24',
      sourcemap: 'inline',
      sourcesContent: false,
      external: [CLIENT_NODE, `${CLIENT_NODE}/*`],
      plugins: [fixpointAlias],
      banner: { js: REQUIRE_BANNER },
      // Only the folder matters: source-map paths are relative to it. The name is chosen below, from the contents.
      outfile: join(directory, 'bundle.mjs'),
      write: false,
      metafile: true,
      logLevel: 'silent',
    });
  } catch (error) {
    throw buildError(module, projectDirectory, error);
  }
  const code = output.outputFiles[0]?.contents;
  if (!code) throw new ModuleError(module, `${module}: esbuild produced no output`);
  const file = join(directory, `${createHash('sha256').update(code).digest('hex').slice(0, 32)}.mjs`);
  if (!existsSync(file)) {
    // Write then rename, so a worker importing the same bundle never reads half a file.
    temporaryFiles += 1;
    const temporary = `${file}.${process.pid}-${threadId}-${temporaryFiles}.tmp`;
    await writeFile(temporary, code);
    await rename(temporary, file);
  }
  const inputs = Object.keys(output.metafile.inputs)
    // Inputs outside the file system are namespaced (`dataurl:...`); a drive letter is not a namespace.
    .filter((input) => !/^[\w-]{2,}:/.test(input))
    .map((input) => resolve(projectDirectory, input))
    .filter((input) => !input.startsWith(FIXPOINT_SOURCE))
    .sort();
  return { file, inputs };
}

/**
 * `<folder>/node_modules/.cache/fixpoint` for the nearest folder, from the project up, whose
 * node_modules has client-node: the folders Node searches from the bundle then lead to that copy,
 * symbolic links included (pnpm). Without one, the project's own node_modules.
 */
function cacheDirectory(projectDirectory: string): string {
  for (let folder = resolve(projectDirectory); ; folder = dirname(folder)) {
    if (existsSync(join(folder, 'node_modules', CLIENT_NODE, 'package.json'))) return join(folder, 'node_modules', '.cache', 'fixpoint');
    if (dirname(folder) === folder) break;
  }
  return join(resolve(projectDirectory), 'node_modules', '.cache', 'fixpoint');
}

/** The folder's real path (links resolved), created if missing. */
async function realDirectory(directory: string): Promise<string> {
  await mkdir(directory, { recursive: true });
  return realpath(directory);
}

/** `fixpoint` is this repository's index.ts, so a controller needs no installed copy of fixpoint to build. */
const fixpointAlias: Plugin = {
  name: 'fixpoint-alias',
  setup(builder) {
    builder.onResolve({ filter: /^fixpoint$/ }, () => ({ path: FIXPOINT_INDEX }));
  },
};

async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}

/** esbuild's failure as a ModuleError naming the file, line and column of each error. */
function buildError(module: string, projectDirectory: string, error: unknown): ModuleError {
  const messages = (error as { errors?: Message[] }).errors;
  if (!Array.isArray(messages) || messages.length === 0) {
    return new ModuleError(module, `${module}: build failed: ${errorMessage(error)}`);
  }
  const first = messages[0]?.location?.file;
  const lines = messages.map((message) => {
    const location = message.location;
    if (!location) return `${module}: ${message.text}`;
    return `${displayPath(location.file, projectDirectory)}:${location.line}:${location.column + 1}: ${message.text}`;
  });
  return new ModuleError(first ? displayPath(first, projectDirectory) : module, `${module}: build failed\n${lines.join('\n')}`);
}

/** A path as the user wrote paths in the config: relative to the project when inside it. */
function displayPath(file: string, projectDirectory: string): string {
  const absolute = resolve(projectDirectory, file);
  const inside = relative(projectDirectory, absolute);
  return inside.startsWith('..') || isAbsolute(inside) ? absolute : inside;
}
