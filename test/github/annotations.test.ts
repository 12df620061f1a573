import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import { check } from '../../src/check/check.ts';
import type { FindingReport, ScenarioReport } from '../../src/check/report.ts';
import type { DiffReport, FailOn, ScenarioDiff } from '../../src/diff/diff-report.ts';
import { ANNOTATIONS_PER_LEVEL, diffAnnotations, sourceLocation } from '../../src/github/annotations.ts';
import { reconcile, scenarioReport, write } from '../report/fixtures.ts';

const WORKSPACE = '/home/runner/work/operators/operators';
const TRACE = { steps: [reconcile('tls', 'default/db', [write('create', 'Secret', 'default/db-ssl', 201)], { fault: 'crash after write 1' }), reconcile('tls', 'default/db', [])], faults: 1 };

function thrown(controller: string, stack: string): FindingReport {
  return { kind: 'controller-error', controller, message: stack, trace: TRACE };
}

function finding(kind: string, message: string, extra: Partial<FindingReport> = {}): FindingReport {
  return { kind, message, trace: TRACE, ...extra };
}

/** A checked scenario in which head has `found` and they are all new. */
function scenario(name: string, found: readonly FindingReport[], stillPresent: readonly FindingReport[] = []): ScenarioDiff {
  const report: ScenarioReport = scenarioReport(name, 7, [], [...found, ...stillPresent], 40);
  return {
    name,
    status: 'checked',
    reason: 'involves controller tls',
    base: scenarioReport(name, 6, [], stillPresent, 35),
    head: report,
    converged: { added: [], removed: [], unchanged: 1 },
    findings: { new: found, fixed: [], stillPresent },
  };
}

function diffOf(scenarios: readonly ScenarioDiff[], failOn: FailOn = 'new-findings'): DiffReport {
  const newFindings = scenarios.reduce((sum, each) => sum + each.findings.new.length, 0);
  return {
    schemaVersion: 1,
    tool: { name: 'fixpoint', version: '0.1.0' },
    base: { ref: 'main', sha: '6dcb09b5b57875f334f61aebed695e2e4193db5e' },
    head: { ref: 'working tree' },
    verdict: { failOn, failed: failOn !== 'never' && newFindings > 0, newFindings, fixedFindings: 0, convergedChanges: 0, summary: `${newFindings} new findings` },
    changes: { files: [], controllers: [], checkInputs: [] },
    scenarios,
  };
}

const TLS_STACK = [
  "TypeError: Cannot read properties of undefined (reading 'ssl')",
  `    at secretNames (${WORKSPACE}/node_modules/some-helper/index.js:3:10)`,
  `    at Object.reconcile (${WORKSPACE}/src/controllers/tls.ts:27:31)`,
  `    at async Promise.all (index 0)`,
].join('\n');

describe('sourceLocation', () => {
  it('takes the first frame inside the repository, skipping node_modules, relative to the workspace', () => {
    assert.deepEqual(sourceLocation(TLS_STACK, { workspace: WORKSPACE }), { file: 'src/controllers/tls.ts', line: 27, column: 31 });
  });

  it('reads frames without a function name and file URLs', () => {
    assert.deepEqual(sourceLocation(`Error: x\n    at ${WORKSPACE}/src/a.ts:3:5`, { workspace: WORKSPACE }), { file: 'src/a.ts', line: 3, column: 5 });
    assert.deepEqual(sourceLocation(`Error: x\n    at async reconcile (${pathToFileURL(`${WORKSPACE}/src/b.ts`).href}:8:1)`, { workspace: WORKSPACE }), { file: 'src/b.ts', line: 8, column: 1 });
  });

  it('skips frames outside the repository, in Node’s internals and in eval', () => {
    const stack = [
      'Error: x',
      '    at run (/opt/hostedtoolcache/node/24.11.0/x64/lib/node_modules/npm/index.js:1:1)',
      '    at process.processTicksAndRejections (node:internal/process/task_queues:105:5)',
      `    at eval (eval at load (${WORKSPACE}/src/c.ts:1:1), <anonymous>:1:1)`,
      '    at /tmp/elsewhere/d.ts:4:4',
    ].join('\n');
    assert.equal(sourceLocation(stack, { workspace: WORKSPACE }), undefined);
  });

  it('maps a temporary worktree’s frames onto the repository in the workspace', () => {
    const stack = "TypeError: boom\n    at Object.reconcile (/tmp/fixpoint-worktree-Ab12/operators/src/controllers/tls.ts:27:31)";
    assert.deepEqual(sourceLocation(stack, { workspace: WORKSPACE, checkout: '/tmp/fixpoint-worktree-Ab12/operators' }), { file: 'src/controllers/tls.ts', line: 27, column: 31 });
  });

  it('makes the path relative to the workspace when the repository is checked out in a subfolder', () => {
    const stack = `TypeError: boom\n    at reconcile (${WORKSPACE}/operators/src/tls.ts:2:3)`;
    assert.deepEqual(sourceLocation(stack, { workspace: WORKSPACE, repository: 'operators' }), { file: 'operators/src/tls.ts', line: 2, column: 3 });
  });

  it('finds the controller’s source line in a real controller-error’s mapped stack', async () => {
    const root = join(import.meta.dirname, '..', '..');
    const report = await check({ config: join(root, 'test', 'check', 'bad-controllers', 'fixpoint.yaml'), scenarios: ['type-error'], reconcileBudgetMs: 300, stallSeconds: 2 });
    const error = report.scenarios[0]?.findings.find((each) => each.kind === 'controller-error');
    assert.ok(error);
    assert.deepEqual(sourceLocation(error.message, { workspace: root })?.file, 'test/check/bad-controllers/src/controllers.ts');
    assert.equal(sourceLocation(error.message, { workspace: root })?.line, 15);
  });
});

describe('diffAnnotations', () => {
  it('annotates a new controller error at its source line as an error, other new findings as notices without a file', () => {
    const invariant = finding('invariant', 'TlsBundle default/db converged without its Secret db-ssl-internal', { subject: 'bothSecretsExist' });
    const plan = diffAnnotations(diffOf([scenario('crash', [invariant, thrown('tls', TLS_STACK)])]), { workspace: WORKSPACE });
    assert.deepEqual(
      plan.annotations.map((annotation) => [annotation.level, annotation.properties]),
      [
        ['error', { title: 'Fixpoint: controller tls throws', file: 'src/controllers/tls.ts', startLine: 27, startColumn: 31 }],
        ['notice', { title: 'Fixpoint: invariant bothSecretsExist violated' }],
      ],
    );
    assert.deepEqual(plan.omitted, { error: 0, warning: 0, notice: 0 });
    const [error] = plan.annotations;
    assert.equal(
      error?.message,
      [
        "TypeError: Cannot read properties of undefined (reading 'ssl')",
        '',
        'New in scenario crash; the shortest trace: 2 steps, 1 crash.',
        'Step through it locally:',
        'npx fixpoint check --scenario crash --json fixpoint-report.json',
        'npx fixpoint explain fixpoint-report.json --scenario crash --finding 2',
      ].join('\n'),
    );
  });

  it('leaves findings still present on base out', () => {
    const old = finding('non-convergence', 'tls and cleanup undo each other');
    assert.deepEqual(diffAnnotations(diffOf([scenario('crash', [], [old])]), { workspace: WORKSPACE }).annotations, []);
  });

  it('makes a new controller error a warning when new findings do not fail the check', () => {
    const plan = diffAnnotations(diffOf([scenario('crash', [thrown('tls', TLS_STACK)])], 'never'), { workspace: WORKSPACE });
    assert.deepEqual(plan.annotations.map((annotation) => annotation.level), ['warning']);
  });

  it('keeps a controller error whose stack has no frame in the repository, without a file', () => {
    const plan = diffAnnotations(diffOf([scenario('crash', [thrown('tls', 'boom')])]), { workspace: WORKSPACE });
    assert.deepEqual(plan.annotations.map((annotation) => [annotation.level, annotation.properties]), [['error', { title: 'Fixpoint: controller tls throws' }]]);
  });

  it('annotates the same new finding of several scenarios once, naming them all', () => {
    const plan = diffAnnotations(diffOf([scenario('no-faults', [thrown('tls', TLS_STACK)]), scenario('crash', [thrown('tls', TLS_STACK)])]), { workspace: WORKSPACE });
    assert.equal(plan.annotations.length, 1);
    assert.match(plan.annotations[0]?.message ?? '', /New in scenarios no-faults, crash;/);
  });

  it('puts the most important first: anchored errors, then by kind, invariants before bounds', () => {
    const plan = diffAnnotations(
      diffOf([
        scenario('a', [finding('bound-reached', 'the search stopped at maxStates (50)', { subject: 'maxStates' }), thrown('tls', 'no frame')]),
        scenario('b', [finding('non-convergence', 'tls and cleanup undo each other'), thrown('cleanup', TLS_STACK), finding('invariant', 'x', { subject: 'ownedSecrets' })]),
      ]),
      { workspace: WORKSPACE },
    );
    assert.deepEqual(
      plan.annotations.map((annotation) => annotation.properties.title),
      [
        'Fixpoint: controller cleanup throws',
        'Fixpoint: controller tls throws',
        'Fixpoint: invariant ownedSecrets violated',
        'Fixpoint: never converges',
        'Fixpoint: bound maxStates reached',
      ],
    );
  });

  it('emits at most the runner’s 10 annotations of a level and counts the rest', () => {
    const many = Array.from({ length: 13 }, (_, index) => thrown(`controller-${index}`, TLS_STACK.replace('27:31', `${index + 1}:1`)));
    const notices = Array.from({ length: 11 }, (_, index) => finding('invariant', `violated ${index}`, { subject: `invariant${index}` }));
    const plan = diffAnnotations(diffOf([scenario('crash', [...notices, ...many])]), { workspace: WORKSPACE });
    assert.equal(ANNOTATIONS_PER_LEVEL, 10);
    assert.equal(plan.annotations.filter((annotation) => annotation.level === 'error').length, 10);
    assert.equal(plan.annotations.filter((annotation) => annotation.level === 'notice').length, 10);
    assert.deepEqual(plan.omitted, { error: 3, warning: 0, notice: 1 });
    assert.equal(plan.annotations[0]?.properties.startLine, 1);
  });
});
