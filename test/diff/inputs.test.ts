import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, afterEach, before, describe, it } from 'node:test';
import { loadConfig } from '../../src/check/config.ts';
import { changedFiles, scenariosToCheck, summariseChanges, type SideInputs } from '../../src/diff/changes.ts';
import { controllerInputs } from '../../src/diff/inputs.ts';
import { resolveRef, withWorktree } from '../../src/diff/worktree.ts';
import { REPOSITORY_TMP, temporaryRepository, type TemporaryRepository } from './temporary-repository.ts';

const CONFIG = `controllers:
  - name: toggle-alpha
    module: src/controllers/toggle.ts
    export: alpha
  - name: toggle-beta
    module: src/controllers/toggle.ts
    export: beta
  - name: counter
    module: src/counter.ts
crds: [crds/*.yaml]
scenarios:
  - name: toggle
    objects: [scenarios/toggle.yaml]
    controllers: [toggle-alpha, toggle-beta]
  - name: counter
    objects: [scenarios/counter.yaml]
    controllers: [counter]
`;

const CRD = `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: { name: toggles.demo.fixpoint.dev }
spec:
  group: demo.fixpoint.dev
  names: { kind: Toggle, plural: toggles, singular: toggle }
  scope: Namespaced
  versions:
    - name: v1
      served: true
      storage: true
      schema: { openAPIV3Schema: { type: object, x-kubernetes-preserve-unknown-fields: true } }
`;

/** Two controllers in one module sharing a helper with a third; client-node and fixpoint imported, neither an input. */
const PROJECT = {
  'fixpoint.yaml': CONFIG,
  'crds/toggle.yaml': CRD,
  'scenarios/toggle.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: t, namespace: default }\n',
  'scenarios/counter.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: c, namespace: default }\n',
  'src/shared.ts': 'export function label(name: string): string {\n  return `fixpoint/${name}`;\n}\n',
  'src/controllers/toggle.ts': [
    "import { V1ConfigMap } from '@kubernetes/client-node';",
    "import { defineController } from 'fixpoint';",
    "import { label } from '../shared.ts';",
    "export const alpha = { name: 'toggle-alpha', label: label('alpha'), kind: V1ConfigMap, define: defineController };",
    "export const beta = { name: 'toggle-beta', label: label('beta') };",
    '',
  ].join('\n'),
  'src/counter.ts': "import { label } from './shared.ts';\nimport { step } from './step.ts';\nexport default { name: 'counter', label: label('counter'), step };\n",
  'src/step.ts': 'export const step = 1;\n',
  'README.md': '# a project\n',
};

describe('controllerInputs', () => {
  let repository: TemporaryRepository;
  before(() => {
    // Under this repository, so @kubernetes/client-node resolves from its node_modules, as in a real project.
    repository = temporaryRepository(PROJECT, REPOSITORY_TMP);
  });
  after(() => repository.remove());

  it('lists each controller’s bundle inputs: its module and local imports, not client-node or fixpoint', async () => {
    const config = await loadConfig(join(repository.directory, 'fixpoint.yaml'));
    const { inputs, errors } = await controllerInputs(config);
    const at = (...paths: string[]) => paths.map((path) => join(repository.directory, path));
    assert.deepEqual(errors, []);
    assert.deepEqual(
      inputs,
      new Map([
        ['toggle-alpha', at('src/controllers/toggle.ts', 'src/shared.ts')],
        ['toggle-beta', at('src/controllers/toggle.ts', 'src/shared.ts')],
        ['counter', at('src/counter.ts', 'src/shared.ts', 'src/step.ts')],
      ]),
    );
  });

  it('returns the error of a module that does not build, for each of its controllers, and the inputs of the others', async () => {
    repository.write({ 'src/controllers/toggle.ts': 'export const alpha = {;\n' });
    try {
      const config = await loadConfig(join(repository.directory, 'fixpoint.yaml'));
      const { inputs, errors } = await controllerInputs(config);
      assert.deepEqual([...inputs.keys()], ['counter']);
      assert.deepEqual(
        errors.map((failure) => [failure.controller, failure.module]),
        [
          ['toggle-alpha', join(repository.directory, 'src/controllers/toggle.ts')],
          ['toggle-beta', join(repository.directory, 'src/controllers/toggle.ts')],
        ],
      );
      assert.match(errors[0]?.message ?? '', /build failed\nsrc\/controllers\/toggle\.ts:1:\d+: /);
    } finally {
      repository.git('checkout', '--', '.');
    }
  });
});

describe('base against head, end to end', () => {
  let repository: TemporaryRepository;
  before(() => {
    repository = temporaryRepository(PROJECT, REPOSITORY_TMP);
  });
  after(() => repository.remove());
  afterEach(() => {
    repository.git('reset', '--quiet', '--hard');
    repository.git('clean', '--quiet', '-f', '-d');
  });

  /** A side as the diff sees it: its config and its controllers' inputs, gathered in its checkout. */
  async function gather(root: string): Promise<SideInputs> {
    const config = await loadConfig(join(root, 'fixpoint.yaml'));
    return { root, config, inputs: (await controllerInputs(config)).inputs };
  }

  it('finds the controllers and scenarios a change reaches, with base in a worktree and head the working tree', async () => {
    const base = await resolveRef(repository.directory, 'HEAD');
    repository.write({ 'src/step.ts': 'export const step = 2;\n', 'scenarios/toggle.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: t2, namespace: default }\n', 'NOTES.md': 'untracked\n' });
    const files = await changedFiles(repository.directory, base, undefined);
    assert.deepEqual(files, [
      { status: 'added', path: 'NOTES.md' },
      { status: 'modified', path: 'scenarios/toggle.yaml' },
      { status: 'modified', path: 'src/step.ts' },
    ]);
    const baseSide = await withWorktree(repository.directory, base, gather);
    const headSide = await gather(repository.directory);
    const summary = summariseChanges({ files, base: baseSide, head: headSide });
    assert.deepEqual(summary.controllers, [
      { name: 'toggle-alpha', status: 'unchanged', files: [] },
      { name: 'toggle-beta', status: 'unchanged', files: [] },
      { name: 'counter', status: 'changed', files: ['src/step.ts'] },
    ]);
    assert.deepEqual(summary.checkInputs, ['scenarios/toggle.yaml']);
    assert.deepEqual(scenariosToCheck(summary, headSide, baseSide, false), [
      { name: 'toggle', status: 'checked', check: true, reason: 'scenarios/toggle.yaml changed' },
      { name: 'counter', status: 'checked', check: true, reason: 'src/step.ts changed (controller counter)' },
    ]);
  });

  it('compares two commits, each in its own worktree', async () => {
    const base = await resolveRef(repository.directory, 'HEAD');
    const head = repository.commit('rename a controller, change the shared helper', {
      'fixpoint.yaml': CONFIG.replace('name: counter\n    module', 'name: tally\n    module').replace('controllers: [counter]', 'controllers: [tally]'),
      'src/shared.ts': 'export function label(name: string): string {\n  return `fixpoint.dev/${name}`;\n}\n',
      'README.md': '# a project, documented\n',
    });
    const files = await changedFiles(repository.directory, base, head);
    const [baseSide, headSide] = await Promise.all([withWorktree(repository.directory, base, gather), withWorktree(repository.directory, head, gather)]);
    const summary = summariseChanges({ files, base: baseSide, head: headSide });
    assert.deepEqual(summary.controllers, [
      { name: 'toggle-alpha', status: 'changed', files: ['src/shared.ts'] },
      { name: 'toggle-beta', status: 'changed', files: ['src/shared.ts'] },
      { name: 'tally', status: 'renamed', from: 'counter', files: ['src/shared.ts'] },
    ]);
    assert.deepEqual(summary.checkInputs, ['fixpoint.yaml']);
    assert.deepEqual(
      scenariosToCheck(summary, headSide, baseSide, false).map((selection) => selection.reason),
      ['src/shared.ts changed (controllers toggle-alpha, toggle-beta)', 'controller counter renamed to tally; fixpoint.yaml changed'],
    );
  });
});
