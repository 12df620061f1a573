import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { loadControllers, loadInvariants, ModuleError } from '../../src/controllers/index.ts';
import type { ClusterState } from '../../src/index.ts';

const FIXTURES = join(import.meta.dirname, 'fixtures');

/** Asserts that loading rejects with a ModuleError naming `file`, with exactly `message`. */
async function rejectsWith(loading: Promise<unknown>, file: string, message: string): Promise<void> {
  await assert.rejects(loading, (error: unknown) => {
    assert.ok(error instanceof ModuleError, String(error));
    assert.equal(error.message, message);
    assert.equal(error.file, file);
    return true;
  });
}

describe('loading controllers', () => {
  it('selects controllers by name from a default export that is an array, in the order of the entries', async () => {
    const controllers = await loadControllers(
      [
        { name: 'config-map-reader', module: 'config-map-writer.ts' },
        { name: 'config-map-writer', module: 'config-map-writer.ts' },
        { name: 'named', module: 'only-named.ts', export: 'named' },
      ],
      FIXTURES,
    );
    assert.deepEqual(controllers.map((controller) => controller.name), ['config-map-reader', 'config-map-writer', 'named']);
    assert.deepEqual(controllers[1]?.owns, [{ apiVersion: 'v1', kind: 'ConfigMap' }]);
    assert.equal(typeof controllers[0]?.reconcile, 'function');
  });

  it('says when the module has no default export', async () => {
    await rejectsWith(
      loadControllers([{ name: 'named', module: 'only-named.ts' }], FIXTURES),
      'only-named.ts',
      'only-named.ts: the module has no default export; export the controller "named" as default (export default defineController({ ... })), or name its export in the config ("export")',
    );
  });

  it('says when the module has no export of that name, listing the exports it has', async () => {
    await rejectsWith(
      loadControllers([{ name: 'named', module: 'only-named.ts', export: 'primary' }], FIXTURES),
      'only-named.ts',
      'only-named.ts: the module has no export named "primary" (controller "named"); it exports: "helper", "named"',
    );
  });

  it('says which field makes an export not a controller', async () => {
    const cases: [string, string][] = [
      ['default', 'not-controllers.ts: export "default" is not a controller: "name" must be a non-empty string'],
      ['noApiVersion', 'not-controllers.ts: export "noApiVersion" is not a controller: "for.apiVersion" must be a non-empty string'],
      ['noKind', 'not-controllers.ts: export "noKind" is not a controller: "for.kind" must be a non-empty string'],
      ['noReconcile', 'not-controllers.ts: export "noReconcile" is not a controller: "reconcile" must be a function'],
      ['badWatch', 'not-controllers.ts: export "badWatch" is not a controller: "watches[0].map" must be a function'],
      ['list', 'not-controllers.ts: item 1 of export "list" is not a controller: "for" must be an object { apiVersion, kind }'],
      ['number', 'not-controllers.ts: export "number" is not a controller: expected an object { name, for, reconcile } or an array of them, got number 5'],
    ];
    for (const [exportName, message] of cases) {
      await rejectsWith(loadControllers([{ name: 'a', module: 'not-controllers.ts', export: exportName }], FIXTURES), 'not-controllers.ts', message);
    }
  });

  it('says when no controller has the name, listing the names the export has', async () => {
    await rejectsWith(
      loadControllers([{ name: 'config-map-deleter', module: 'config-map-writer.ts' }], FIXTURES),
      'config-map-writer.ts',
      'config-map-writer.ts: export "default" has no controller named "config-map-deleter"; it has: "config-map-writer", "config-map-reader"',
    );
  });

  it('says when the module file does not exist', async () => {
    await rejectsWith(loadControllers([{ name: 'a', module: 'src/missing.ts' }], FIXTURES), 'src/missing.ts', `src/missing.ts: file not found (resolved to ${join(FIXTURES, 'src/missing.ts')})`);
  });
});

describe('loading invariants', () => {
  const state: ClusterState = {
    objects: [],
    get: () => undefined,
    list: () => [],
  };

  it('returns every export under its name, with when it is checked', async () => {
    const invariants = await loadInvariants('invariants.ts', FIXTURES);
    assert.deepEqual(invariants.map(({ name, when }) => ({ name, when })), [
      { name: 'atMostOneSettings', when: 'always' },
      { name: 'settingsExist', when: 'converged' },
    ]);
    assert.deepEqual(invariants.map((invariant) => invariant.check(state)), [true, false]);
  });

  it('refuses a default export, since findings name invariants by their export', async () => {
    await rejectsWith(
      loadInvariants('invariants-default.ts', FIXTURES),
      'invariants-default.ts',
      'invariants-default.ts: export "default" is not allowed: export each invariant by name (export const name: Invariant = ...), the name findings will show',
    );
  });

  it('says which export is not an invariant', async () => {
    await rejectsWith(
      loadInvariants('invariants-helper.ts', FIXTURES),
      'invariants-helper.ts',
      'invariants-helper.ts: export "LIMIT" is not an invariant: expected a function (state) => boolean | string, or { converged: (state) => boolean | string }; got number 3',
    );
  });

  it('says when a module exports no invariants', async () => {
    await rejectsWith(
      loadInvariants('invariants-none.ts', FIXTURES),
      'invariants-none.ts',
      'invariants-none.ts: the module exports no invariants; export each one by name: export const name: Invariant = (state) => ...',
    );
  });
});
