import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, it } from 'node:test';
import * as installed from '@kubernetes/client-node';
import * as legacy from 'kubernetes-client-node-1';
import { bundleModule, ModuleError } from '../../src/controllers/index.ts';

const REPOSITORY = resolve(import.meta.dirname, '../..');
const FIXTURES = join(import.meta.dirname, 'fixtures');

/** A project folder outside the repository; with `clientNode1`, its node_modules has client-node 1.4.0. */
async function temporaryProject(files: Record<string, string>, clientNode1 = false): Promise<string> {
  const project = await mkdtemp(join(tmpdir(), 'fixpoint-bundle-'));
  for (const [name, text] of Object.entries(files)) await writeFile(join(project, name), text);
  if (clientNode1) {
    await mkdir(join(project, 'node_modules', '@kubernetes'), { recursive: true });
    await symlink(join(REPOSITORY, 'node_modules', 'kubernetes-client-node-1'), join(project, 'node_modules', '@kubernetes', 'client-node'), 'dir');
  }
  return project;
}

describe('bundling a user module', () => {
  it('bundles a TS controller and its local helper into one ES module, listing both as inputs', async () => {
    const bundle = await bundleModule('config-map-writer.ts', FIXTURES);
    assert.deepEqual(bundle.inputs, [join(FIXTURES, 'config-map-writer.ts'), join(FIXTURES, 'settings.ts')]);
    assert.match(bundle.file, /\/node_modules\/\.cache\/fixpoint\/[0-9a-f]{32}\.mjs$/);
    const text = await readFile(bundle.file, 'utf8');
    assert.match(text, /function settingsName\(owner\)/);
    assert.match(text, /^\/\/# sourceMappingURL=data:application\/json;base64,/m);
  });

  it('keeps @kubernetes/client-node an import, and writes the bundle where it resolves to the project’s copy', async () => {
    const bundle = await bundleModule('config-map-writer.ts', FIXTURES);
    assert.equal(bundle.file.startsWith(join(REPOSITORY, 'node_modules', '.cache', 'fixpoint')), true);
    const text = await readFile(bundle.file, 'utf8');
    assert.match(text, /from "@kubernetes\/client-node"/);
    assert.doesNotMatch(text, /class ApiException/);
    const module = (await import(pathToFileURL(bundle.file).href)) as { ApiException: unknown };
    assert.equal(module.ApiException, installed.ApiException);
  });

  it('resolves fixpoint to this repository’s index.ts, which is not a user input', async () => {
    const bundle = await bundleModule('only-named.ts', FIXTURES);
    assert.deepEqual(bundle.inputs, [join(FIXTURES, 'only-named.ts')]);
    assert.match(await readFile(bundle.file, 'utf8'), /function defineController\(definition\)/);
  });

  it('writes the same contents to the same file, and changed contents to another', async () => {
    const project = await temporaryProject({ 'main.ts': 'export const value: number = 1;\n' });
    try {
      const first = await bundleModule('main.ts', project);
      assert.equal((await bundleModule('main.ts', project)).file, first.file);
      assert.equal(first.file.startsWith(join(project, 'node_modules', '.cache', 'fixpoint')), true);
      await writeFile(join(project, 'main.ts'), 'export const value: number = 2;\n');
      assert.notEqual((await bundleModule('main.ts', project)).file, first.file);
    } finally {
      await rm(project, { recursive: true, force: true });
    }
  });

  it('binds the bundle to the client-node the project installed, not the repository’s', async () => {
    const project = await temporaryProject({ 'main.ts': "export { ApiException, KubeConfig } from '@kubernetes/client-node';\n" }, true);
    try {
      const bundle = await bundleModule('main.ts', project);
      assert.equal(bundle.file.startsWith(join(project, 'node_modules', '.cache', 'fixpoint')), true);
      const module = (await import(pathToFileURL(bundle.file).href)) as { ApiException: unknown; KubeConfig: unknown };
      assert.equal(module.KubeConfig, legacy.KubeConfig);
      assert.notEqual(module.KubeConfig, installed.KubeConfig);
    } finally {
      await rm(project, { recursive: true, force: true });
    }
  });

  it('reports a build error with the file, line, column and esbuild’s message', async () => {
    const project = await temporaryProject({ 'main.ts': "import { helper } from './helper.ts';\nexport default helper;\n", 'helper.ts': 'export const helper = {\n  name: "x",,\n};\n' });
    try {
      await assert.rejects(bundleModule('main.ts', project), (error: unknown) => {
        assert.ok(error instanceof ModuleError);
        assert.equal(error.file, 'helper.ts');
        assert.equal(error.message, 'main.ts: build failed\nhelper.ts:2:13: Expected identifier but found ","');
        return true;
      });
    } finally {
      await rm(project, { recursive: true, force: true });
    }
  });

  it('reports an import that does not resolve at the line that imports it', async () => {
    const project = await temporaryProject({ 'main.ts': "export const a = 1;\nimport { missing } from './missing.ts';\nexport { missing };\n" });
    try {
      await assert.rejects(bundleModule('main.ts', project), { message: 'main.ts: build failed\nmain.ts:2:25: Could not resolve "./missing.ts"' });
    } finally {
      await rm(project, { recursive: true, force: true });
    }
  });

  it('reports a module file that does not exist', async () => {
    await assert.rejects(bundleModule('missing.ts', FIXTURES), { name: 'ModuleError', message: `missing.ts: file not found (resolved to ${join(FIXTURES, 'missing.ts')})` });
  });
});
