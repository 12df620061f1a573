import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { DEFAULT_BOUNDS, DEFAULT_FAULTS, type Config, type ControllerConfig, type ScenarioConfig } from '../../src/check/config.ts';
import { changedFiles, scenariosToCheck, summariseChanges, type ChangedFile, type SideInputs } from '../../src/diff/changes.ts';
import { temporaryRepository, type TemporaryRepository } from './temporary-repository.ts';

describe('changedFiles', () => {
  let repository: TemporaryRepository;
  let base: string;
  before(() => {
    repository = temporaryRepository({
      '.gitignore': 'ignored.txt\n',
      'keep.txt': 'same\n',
      'modify.txt': 'before\n',
      'delete.txt': 'gone soon\n',
      'src/old-name.ts': 'export const value = "a long enough body for rename detection to match it";\n',
    });
    base = repository.git('rev-parse', 'HEAD');
  });
  after(() => repository.remove());

  it('lists added, modified, deleted and renamed files between two commits', async () => {
    repository.git('switch', '--quiet', '-c', 'feature');
    repository.git('mv', 'src/old-name.ts', 'src/new-name.ts');
    const head = repository.commit('feature', { 'modify.txt': 'after\n', 'delete.txt': null, 'added dir/new file.txt': 'new\n' });
    assert.deepEqual(await changedFiles(repository.directory, base, head), [
      { status: 'added', path: 'added dir/new file.txt' },
      { status: 'deleted', path: 'delete.txt' },
      { status: 'modified', path: 'modify.txt' },
      { status: 'renamed', path: 'src/new-name.ts', from: 'src/old-name.ts' },
    ]);
    assert.deepEqual(await changedFiles(join(repository.directory, 'src'), base, head), await changedFiles(repository.directory, base, head));
    repository.git('switch', '--quiet', 'main');
  });

  it('compares head with its merge base: what base gained since is not a change', async () => {
    repository.git('switch', '--quiet', '-c', 'fork', base);
    const head = repository.commit('fork change', { 'modify.txt': 'fork\n' });
    repository.git('switch', '--quiet', 'main');
    const later = repository.commit('main moves on', { 'keep.txt': 'changed on main\n' });
    assert.deepEqual(await changedFiles(repository.directory, later, head), [{ status: 'modified', path: 'modify.txt' }]);
    repository.git('reset', '--quiet', '--hard', base);
  });

  it('compares with the working tree when head is undefined: staged, unstaged and untracked, not ignored', async () => {
    repository.write({ 'modify.txt': 'unstaged\n', 'staged.txt': 'staged\n', 'src/untracked.ts': 'new\n', 'ignored.txt': 'ignored\n', 'delete.txt': null });
    repository.git('add', 'staged.txt');
    try {
      assert.deepEqual(await changedFiles(join(repository.directory, 'src'), base, undefined), [
        { status: 'deleted', path: 'delete.txt' },
        { status: 'modified', path: 'modify.txt' },
        { status: 'added', path: 'src/untracked.ts' },
        { status: 'added', path: 'staged.txt' },
      ]);
    } finally {
      repository.git('reset', '--quiet', '--hard', base);
      repository.git('clean', '--quiet', '-f', '-d');
    }
    assert.deepEqual(await changedFiles(repository.directory, base, undefined), []);
  });
});

/** Roots of the two checkouts; they need not exist. */
const BASE = '/checkouts/base';
const HEAD = '/checkouts/head';

function controller(root: string, name: string, module: string, exported = 'default'): ControllerConfig {
  return { name, module: join(root, module), export: exported };
}

function scenario(root: string, name: string, controllers: string[], files: { objects?: string[]; apply?: string; invariants?: string } = {}): ScenarioConfig {
  return {
    name,
    objects: (files.objects ?? [`scenarios/${name}.yaml`]).map((file) => join(root, file)),
    controllers,
    builtins: [],
    steps: files.apply === undefined ? [] : [{ verb: 'apply', file: join(root, files.apply), when: 'anytime' }],
    ...(files.invariants === undefined ? {} : { invariants: join(root, files.invariants) }),
    faults: DEFAULT_FAULTS,
    bounds: DEFAULT_BOUNDS,
  };
}

function config(root: string, controllers: ControllerConfig[], scenarios: ScenarioConfig[], crds = ['crds/toggle.yaml']): Config {
  return { file: join(root, 'fixpoint.yaml'), directory: root, controllers, crds: crds.map((file) => join(root, file)), scenarios };
}

function side(root: string, sideConfig: Config | undefined, inputs: Record<string, string[]>): SideInputs {
  return { root, config: sideConfig, inputs: new Map(Object.entries(inputs).map(([name, files]) => [name, files.map((file) => join(root, file))])) };
}

/** A project with two controllers in one module sharing a helper, and a third on its own. */
function project(root: string, scenarios?: ScenarioConfig[]): Config {
  return config(
    root,
    [controller(root, 'toggle-alpha', 'src/controllers/toggle.ts', 'alpha'), controller(root, 'toggle-beta', 'src/controllers/toggle.ts', 'beta'), controller(root, 'counter', 'src/counter.ts')],
    scenarios ?? [
      scenario(root, 'toggle', ['toggle-alpha', 'toggle-beta'], { apply: 'scenarios/toggle-v2.yaml', invariants: 'test/invariants.ts' }),
      scenario(root, 'counter', ['counter']),
    ],
  );
}

const TOGGLE_INPUTS = ['src/controllers/toggle.ts', 'src/shared.ts'];
const INPUTS = { 'toggle-alpha': TOGGLE_INPUTS, 'toggle-beta': TOGGLE_INPUTS, counter: ['src/counter.ts', 'node_modules/left-pad/index.js'] };

function summary(files: ChangedFile[], base = side(BASE, project(BASE), INPUTS), head = side(HEAD, project(HEAD), INPUTS)) {
  return summariseChanges({ files, base, head });
}

describe('summariseChanges', () => {
  it('reaches nothing when only an unrelated file changed', () => {
    const files: ChangedFile[] = [{ status: 'modified', path: 'README.md' }];
    const result = summary(files);
    assert.deepEqual(result.files, files);
    assert.deepEqual(result.controllers, [
      { name: 'toggle-alpha', status: 'unchanged', files: [] },
      { name: 'toggle-beta', status: 'unchanged', files: [] },
      { name: 'counter', status: 'unchanged', files: [] },
    ]);
    assert.deepEqual(result.checkInputs, []);
  });

  it('marks the controllers whose bundle inputs changed, on either side, with those files', () => {
    const result = summary([{ status: 'modified', path: 'src/shared.ts' }]);
    assert.deepEqual(
      result.controllers.map((change) => [change.name, change.status, change.files]),
      [
        ['toggle-alpha', 'changed', ['src/shared.ts']],
        ['toggle-beta', 'changed', ['src/shared.ts']],
        ['counter', 'unchanged', []],
      ],
    );
    // A helper only base imported, deleted by the change, still counts.
    const base = side(BASE, project(BASE), { ...INPUTS, counter: ['src/counter.ts', 'src/old-helper.ts'] });
    const deleted = summary([{ status: 'deleted', path: 'src/old-helper.ts' }], base);
    assert.deepEqual(deleted.controllers.find((change) => change.name === 'counter'), { name: 'counter', status: 'changed', files: ['src/old-helper.ts'] });
    // A rename counts under both names.
    const renamed = summary([{ status: 'renamed', path: 'src/shared.ts', from: 'src/common.ts' }], side(BASE, project(BASE), { ...INPUTS, 'toggle-alpha': ['src/controllers/toggle.ts', 'src/common.ts'] }));
    assert.deepEqual(renamed.controllers.find((change) => change.name === 'toggle-alpha')?.files, ['src/common.ts', 'src/shared.ts']);
  });

  it('counts a module that did not build as its module file alone', () => {
    const result = summary([{ status: 'modified', path: 'src/controllers/toggle.ts' }], side(BASE, project(BASE), {}), side(HEAD, project(HEAD), {}));
    assert.deepEqual(result.controllers.map((change) => change.status), ['changed', 'changed', 'unchanged']);
  });

  it('marks a controller bundling node_modules code changed when a lockfile or package.json changed', () => {
    const result = summary([{ status: 'modified', path: 'package-lock.json' }]);
    assert.deepEqual(result.controllers.map((change) => [change.name, change.status, change.files]), [
      ['toggle-alpha', 'unchanged', []],
      ['toggle-beta', 'unchanged', []],
      ['counter', 'changed', ['package-lock.json']],
    ]);
  });

  it('tells added, removed and renamed controllers apart', () => {
    const baseConfig = config(BASE, [controller(BASE, 'old-name', 'src/a.ts', 'a'), controller(BASE, 'dropped', 'src/b.ts'), controller(BASE, 'kept', 'src/c.ts')], []);
    const headConfig = config(HEAD, [controller(HEAD, 'kept', 'src/c.ts'), controller(HEAD, 'new-name', 'src/a.ts', 'a'), controller(HEAD, 'fresh', 'src/a.ts', 'other')], []);
    const result = summariseChanges({
      files: [{ status: 'modified', path: 'src/a.ts' }],
      base: side(BASE, baseConfig, { 'old-name': ['src/a.ts'], dropped: ['src/b.ts'], kept: ['src/c.ts'] }),
      head: side(HEAD, headConfig, { kept: ['src/c.ts'], 'new-name': ['src/a.ts'], fresh: ['src/a.ts'] }),
    });
    assert.deepEqual(result.controllers, [
      { name: 'kept', status: 'unchanged', files: [] },
      { name: 'new-name', status: 'renamed', from: 'old-name', files: ['src/a.ts'] },
      { name: 'fresh', status: 'added', files: ['src/a.ts'] },
      { name: 'dropped', status: 'removed', files: [] },
    ]);
  });

  it('treats a side without a config as declaring nothing', () => {
    const result = summariseChanges({ files: [], base: side(BASE, undefined, {}), head: side(HEAD, project(HEAD), INPUTS) });
    assert.deepEqual(result.controllers.map((change) => change.status), ['added', 'added', 'added']);
    assert.deepEqual(result.checkInputs, []);
  });

  it('lists the check inputs that changed: the config, CRDs, objects, applied files and invariants', () => {
    const files: ChangedFile[] = [
      { status: 'modified', path: 'fixpoint.yaml' },
      { status: 'modified', path: 'crds/toggle.yaml' },
      { status: 'modified', path: 'scenarios/counter.yaml' },
      { status: 'added', path: 'scenarios/toggle-v2.yaml' },
      { status: 'modified', path: 'test/invariants.ts' },
      { status: 'modified', path: 'docs/guide.md' },
    ];
    assert.deepEqual(summary(files).checkInputs, ['crds/toggle.yaml', 'fixpoint.yaml', 'scenarios/counter.yaml', 'scenarios/toggle-v2.yaml', 'test/invariants.ts']);
  });
});

describe('scenariosToCheck', () => {
  const sides = (base: Config | undefined, head: Config | undefined) => ({ base: { root: BASE, config: base }, head: { root: HEAD, config: head } });
  const select = (files: ChangedFile[], all = false, configs = sides(project(BASE), project(HEAD))) => {
    const changes = summariseChanges({ files, base: { ...configs.base, inputs: side(BASE, undefined, INPUTS).inputs }, head: { ...configs.head, inputs: side(HEAD, undefined, INPUTS).inputs } });
    return scenariosToCheck(changes, configs.head, configs.base, all).map((selection) => [selection.name, selection.status, selection.check, selection.reason]);
  };

  it('checks the scenarios a changed controller takes part in, naming the file and controller', () => {
    assert.deepEqual(select([{ status: 'modified', path: 'src/controllers/toggle.ts' }]), [
      ['toggle', 'checked', true, 'src/controllers/toggle.ts changed (controllers toggle-alpha, toggle-beta)'],
      ['counter', 'not-checked', false, 'no change reaches it'],
    ]);
    assert.deepEqual(select([{ status: 'modified', path: 'src/counter.ts' }]), [
      ['toggle', 'not-checked', false, 'no change reaches it'],
      ['counter', 'checked', true, 'src/counter.ts changed (controller counter)'],
    ]);
  });

  it('checks nothing when no change reaches a scenario, and everything with --all', () => {
    assert.deepEqual(select([{ status: 'modified', path: 'README.md' }]), [
      ['toggle', 'not-checked', false, 'no change reaches it'],
      ['counter', 'not-checked', false, 'no change reaches it'],
    ]);
    assert.deepEqual(select([], true), [
      ['toggle', 'checked', true, '--all'],
      ['counter', 'checked', true, '--all'],
    ]);
  });

  it('checks a scenario whose own files or the CRDs changed', () => {
    assert.deepEqual(select([{ status: 'modified', path: 'scenarios/toggle.yaml' }]), [
      ['toggle', 'checked', true, 'scenarios/toggle.yaml changed'],
      ['counter', 'not-checked', false, 'no change reaches it'],
    ]);
    assert.deepEqual(select([{ status: 'modified', path: 'test/invariants.ts' }, { status: 'modified', path: 'scenarios/toggle-v2.yaml' }])[0], [
      'toggle',
      'checked',
      true,
      'scenarios/toggle-v2.yaml and test/invariants.ts changed',
    ]);
    assert.deepEqual(select([{ status: 'modified', path: 'crds/toggle.yaml' }]).map((selection) => selection[3]), ['crds/toggle.yaml changed', 'crds/toggle.yaml changed']);
  });

  it('checks the scenarios the config changed, and only those', () => {
    const head = project(HEAD, [
      { ...scenario(HEAD, 'toggle', ['toggle-alpha', 'toggle-beta'], { apply: 'scenarios/toggle-v2.yaml', invariants: 'test/invariants.ts' }), faults: { ...DEFAULT_FAULTS, crashes: 1 } },
      scenario(HEAD, 'counter', ['counter']),
      scenario(HEAD, 'fresh', ['counter']),
    ]);
    const base = project(BASE, [scenario(BASE, 'toggle', ['toggle-alpha', 'toggle-beta'], { apply: 'scenarios/toggle-v2.yaml', invariants: 'test/invariants.ts' }), scenario(BASE, 'counter', ['counter']), scenario(BASE, 'gone', ['counter'])]);
    assert.deepEqual(select([{ status: 'modified', path: 'fixpoint.yaml' }], false, sides(base, head)), [
      ['toggle', 'checked', true, 'fixpoint.yaml changed'],
      ['counter', 'not-checked', false, 'no change reaches it'],
      ['fresh', 'added', true, 'new scenario'],
      ['gone', 'removed', false, 'removed scenario'],
    ]);
  });

  it('says when a side has no config', () => {
    assert.deepEqual(select([], false, sides(undefined, project(HEAD))), [
      ['toggle', 'added', true, 'new scenario (base has no config)'],
      ['counter', 'added', true, 'new scenario (base has no config)'],
    ]);
    assert.deepEqual(select([], false, sides(project(BASE), undefined)), [
      ['toggle', 'removed', false, 'removed scenario (head has no config)'],
      ['counter', 'removed', false, 'removed scenario (head has no config)'],
    ]);
  });

  it('names renamed, added and removed controllers a scenario uses', () => {
    const base = config(BASE, [controller(BASE, 'old', 'src/a.ts'), controller(BASE, 'dropped', 'src/b.ts')], [scenario(BASE, 'all', ['old', 'dropped'])]);
    const head = config(HEAD, [controller(HEAD, 'new', 'src/a.ts'), controller(HEAD, 'extra', 'src/c.ts')], [scenario(HEAD, 'all', ['new', 'extra'])]);
    assert.deepEqual(select([{ status: 'modified', path: 'fixpoint.yaml' }], false, sides(base, head)), [
      ['all', 'checked', true, 'controller old renamed to new; controller extra added; controller dropped removed; fixpoint.yaml changed'],
    ]);
  });
});
