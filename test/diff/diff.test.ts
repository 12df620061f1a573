import assert from 'node:assert/strict';
import { symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { diff } from '../../src/diff/run-diff.ts';
import { renderComment } from '../../src/report/markdown.ts';
import { REPOSITORY_TMP, temporaryRepository, type TemporaryRepository } from './temporary-repository.ts';
import { COPIER_PROJECT, copierConfig, copierController, NODE_MODULES, THROWING_COPIER } from '../action-harness.ts';


const repositories: TemporaryRepository[] = [];
/** A repository under this one's .tmp (so imports resolve to its node_modules) with a base commit of the copier project. */
function project(files: Record<string, string> = {}): TemporaryRepository {
  const repository = temporaryRepository({ ...COPIER_PROJECT, 'README.md': '# copier\n', ...files }, REPOSITORY_TMP);
  symlinkSync(NODE_MODULES, join(repository.directory, 'node_modules'), 'junction');
  repositories.push(repository);
  return repository;
}

after(() => {
  for (const repository of repositories) repository.remove();
});

describe('fixpoint diff on real repositories', () => {
  it('reports a new converged state with the field that differs from the closest base state', async () => {
    const repository = project();
    repository.commit('copy more', { 'src/copier.ts': copierController({ body: "{ value, copied: 'yes' }" }) });
    const result = await diff({ directory: repository.directory, base: 'HEAD~1', head: 'HEAD' });
    const [scenario] = result.scenarios;
    assert.equal(scenario?.status, 'checked');
    assert.equal(scenario?.reason, 'src/copier.ts changed (controller copier)');
    assert.equal(scenario?.converged.added.length, 1);
    assert.deepEqual(scenario?.converged.added[0]?.closest?.differences, [{ object: 'ConfigMap default/target', path: 'data.copied', head: 'yes' }]);
    assert.deepEqual([result.verdict.failed, result.verdict.summary], [false, '1 new converged state, 1 converged state gone']);
    const strict = await diff({ directory: repository.directory, base: 'HEAD~1', head: 'HEAD', failOn: 'converged-change' });
    assert.equal(strict.verdict.failed, true);
  });

  it('reports a fixed finding and passes', async () => {
    const repository = project({ 'src/copier.ts': THROWING_COPIER });
    repository.commit('fix the copy', { 'src/copier.ts': copierController() });
    const result = await diff({ directory: repository.directory, base: 'HEAD~1', head: 'HEAD' });
    const [scenario] = result.scenarios;
    assert.deepEqual(scenario?.findings.fixed.map((finding) => finding.kind), ['controller-error', 'non-convergence']);
    assert.deepEqual(scenario?.findings.new, []);
    assert.equal(result.verdict.failed, false);
  });

  it('says a change that changes no behaviour changes nothing, and passes', async () => {
    const repository = project();
    repository.write({ 'src/copier.ts': copierController({ comment: '// copies one value' }) });
    const result = await diff({ directory: repository.directory, base: 'HEAD' });
    assert.equal(result.head.ref, 'working tree');
    assert.equal(result.scenarios[0]?.status, 'checked');
    assert.deepEqual([result.verdict.failed, result.verdict.summary], [false, 'no behavioural change']);
    assert.equal(result.scenarios[0]?.converged.unchanged, 1);
    assert.match(renderComment(result).split('\n')[1] ?? '', /^### ✅ Fixpoint: no behavioural change/);
  });

  it('reports a base that does not build, and still checks head', async () => {
    const repository = project({ 'src/copier.ts': 'export default {{{ not typescript' });
    repository.commit('repair', { 'src/copier.ts': copierController() });
    const result = await diff({ directory: repository.directory, base: 'HEAD~1', head: 'HEAD' });
    assert.match(result.base.error ?? '', /copier: .*src\/copier\.ts/);
    assert.equal(result.head.error, undefined);
    assert.equal(result.scenarios[0]?.head?.status, 'complete');
    assert.equal(result.scenarios[0]?.base, undefined);
    // Nothing on base to compare with: head's converged state is new.
    assert.equal(result.scenarios[0]?.converged.added.length, 1);
  });

  it('reports a head that does not build, and fails', async () => {
    const repository = project();
    repository.commit('break', { 'src/copier.ts': 'export default {{{ not typescript' });
    const result = await diff({ directory: repository.directory, base: 'HEAD~1', head: 'HEAD' });
    assert.match(result.head.error ?? '', /copier: /);
    assert.equal(result.scenarios[0]?.base?.status, 'complete');
    assert.deepEqual([result.verdict.failed, result.verdict.summary], [true, 'head does not build']);
  });

  it('recognises a renamed controller', async () => {
    const repository = project();
    repository.commit('rename', { 'src/copier.ts': copierController({ name: 'replicator' }), 'fixpoint.yaml': copierConfig('replicator') });
    const result = await diff({ directory: repository.directory, base: 'HEAD~1', head: 'HEAD' });
    assert.deepEqual(
      result.changes.controllers.map((controller) => [controller.name, controller.status, controller.from]),
      [['replicator', 'renamed', 'copier']],
    );
  });

  it('re-checks nothing when only an unrelated file changed, and says why', async () => {
    const repository = project();
    repository.commit('docs', { 'README.md': '# copier\n\nCopies a value.\n' });
    const result = await diff({ directory: repository.directory, base: 'HEAD~1', head: 'HEAD' });
    assert.deepEqual(result.scenarios.map((scenario) => [scenario.name, scenario.status, scenario.reason]), [['copy', 'not-checked', 'no change reaches it']]);
    assert.equal(result.verdict.failed, false);
  });
});
