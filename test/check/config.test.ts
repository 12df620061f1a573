import assert from 'node:assert/strict';
import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import { Ajv } from 'ajv';
import schema from '../../fixpoint.schema.json' with { type: 'json' };
import { ConfigError, configProblem, loadConfig, type Config } from '../../src/check/index.ts';
import { DEFAULT_BOUNDS, DEFAULT_FAULTS } from '../../src/check/config.ts';

const PROJECT = fileURLToPath(new URL('fixtures/project/', import.meta.url));

/** The config file `name` of the fixture project, and how problem messages show it (relative to the working directory). */
function fixture(name: string): { file: string; shown: string } {
  const file = `${PROJECT}${name}`;
  return { file, shown: relative(process.cwd(), file) };
}

/** Asserts that loading `name` fails with exactly `lines` (after the count line), each prefixed with the shown file. */
async function assertProblems(name: string, lines: readonly string[]): Promise<void> {
  const { file, shown } = fixture(name);
  const count = `${lines.length} problem${lines.length === 1 ? '' : 's'}`;
  const expected = [`invalid config (${count}):`, ...lines.map((line) => `  ${shown}${line}`)].join('\n');
  await assert.rejects(loadConfig(file), (error: unknown) => {
    assert.ok(error instanceof ConfigError, `expected a ConfigError, got ${String(error)}`);
    assert.equal(error.message, expected);
    return true;
  });
}

describe('loadConfig', () => {
  it('resolves every path against the config folder and applies every default', async () => {
    const config = await loadConfig(fixture('fixpoint.yaml').file);
    const at = (path: string) => `${PROJECT}${path}`;
    assert.deepEqual(config, {
      file: at('fixpoint.yaml'),
      directory: PROJECT.slice(0, -1),
      controllers: [
        { name: 'toggle-alpha', module: at('src/controllers/toggle.ts'), export: 'alpha' },
        { name: 'toggle-beta', module: at('src/controllers/toggle.ts'), export: 'default' },
      ],
      crds: [at('config/crd/toggle.yaml'), at('config/crd/widget.yaml')],
      scenarios: [
        {
          name: 'create-toggle',
          objects: [at('scenarios/toggle.yaml')],
          controllers: ['toggle-beta'],
          builtins: ['garbage-collector'],
          steps: [
            { verb: 'apply', file: at('scenarios/toggle-v2.yaml'), when: 'anytime' },
            { verb: 'patch', target: { apiVersion: 'v1', kind: 'ConfigMap', namespace: 'default', name: 'c1' }, merge: { data: { k: 'v' } }, when: 'anytime' },
            { verb: 'delete', target: { apiVersion: 'demo.fixpoint.dev/v1', kind: 'Toggle', name: 't1' }, when: 'converged' },
          ],
          invariants: at('test/invariants.ts'),
          faults: { crashes: 1, staleReads: 2, staleLag: 8 },
          bounds: { maxStates: 1000, maxDepth: 200, timeoutSeconds: 2.5 },
        },
        {
          name: 'all-defaults',
          objects: [at('scenarios/toggle.yaml'), at('scenarios/toggle-v2.yaml')],
          controllers: ['toggle-alpha', 'toggle-beta'],
          builtins: [],
          steps: [],
          faults: { crashes: 0, staleReads: 0, staleLag: 8 },
          bounds: { maxStates: 200000, maxDepth: 200, timeoutSeconds: 300 },
        },
      ],
    } satisfies Config);
  });

  it('reports malformed YAML with the parser’s positions, and checks nothing else', async () => {
    await assertProblems('malformed.yaml', [
      ':3:13: invalid YAML: Nested mappings are not allowed in compact mappings',
      ':6:5: invalid YAML: Map keys must be unique',
    ]);
  });

  it('rejects a second YAML document', async () => {
    await assertProblems('two-documents.yaml', [':4:1: invalid YAML: the config must be a single YAML document (found a second `---`)']);
  });

  it('names unknown keys at the top level and nested, with the allowed keys and a close match', async () => {
    await assertProblems('unknown-keys.yaml', [
      ':4:5: controllers[0].colour: unknown key; expected one of: name, module, export',
      ':5:1: crd: unknown key; expected one of: controllers, crds, scenarios; did you mean "crds"?',
      ':9:15: scenarios[0].faults.crashs: unknown key; expected one of: crashes, staleReads, staleLag; did you mean "crashes"?',
    ]);
  });

  it('says what type or value was expected and what was found', async () => {
    await assertProblems('wrong-types.yaml', [
      ':4:7: crds: expected a list, got "config/crd/*.yaml"',
      ':8:16: scenarios[0].builtins[0]: expected one of: garbage-collector; got "garbage-colector"; did you mean "garbage-collector"?',
      ':11:15: scenarios[0].steps[0].when: expected one of: anytime, converged; got "later"',
      ':12:5: scenarios[0].faults: expected a mapping, got nothing',
      ':13:26: scenarios[0].bounds.maxStates: expected an integer, got "many"',
      ':13:42: scenarios[0].bounds.maxDepth: expected a number >= 1, got 0',
    ]);
  });

  it('points a missing required key at the mapping that lacks it', async () => {
    await assertProblems('missing-keys.yaml', [
      ':2:5: controllers[0].module: missing required key',
      ':4:5: scenarios[0].objects: missing required key',
    ]);
  });

  it('reports an empty config file as a missing mapping', async () => {
    await assertProblems('empty.yaml', [':1:1: expected a mapping, got nothing']);
  });

  it('names every module, objects, apply and invariants file that does not exist', async () => {
    const at = (path: string) => `${PROJECT}${path}`;
    await assertProblems('missing-files.yaml', [
      `:3:13: controllers[0].module: no such file: ${at('src/controllers/missing.ts')}`,
      `:5:13: controllers[1].module: expected a file, found a directory: ${at('src/controllers')}`,
      `:8:38: scenarios[0].objects[1]: no such file: ${at('scenarios/missing.yaml')}`,
      `:10:16: scenarios[0].steps[0].apply: no such file: ${at('scenarios/missing-v2.yaml')}`,
      `:11:17: scenarios[0].invariants: no such file: ${at('test/missing.ts')}`,
    ]);
  });

  it('rejects a CRD glob that matches no file', async () => {
    await assertProblems('unmatched-crd-glob.yaml', [`:4:27: crds[1]: no file matches this pattern (resolved against ${PROJECT.slice(0, -1)})`]);
  });

  it('rejects a controller or scenario name used twice, pointing at the second', async () => {
    await assertProblems('duplicate-names.yaml', [
      ':4:11: controllers[1].name: duplicate controller name "toggle-alpha" (already used by controllers[0])',
      ':9:11: scenarios[1].name: duplicate scenario name "create-toggle" (already used by scenarios[0])',
    ]);
  });

  it('rejects a scenario naming a controller that is not declared', async () => {
    await assertProblems('unknown-controller.yaml', [
      ':9:32: scenarios[0].controllers[1]: unknown controller "toggle-alpah"; expected one of: toggle-alpha, toggle-beta; did you mean "toggle-alpha"?',
      ':9:46: scenarios[0].controllers[2]: unknown controller "cleanup"; expected one of: toggle-alpha, toggle-beta',
    ]);
  });

  it('requires exactly one of apply, patch and delete in a step', async () => {
    await assertProblems('step-verbs.yaml', [
      ':8:9: scenarios[0].steps[0]: a step needs exactly one of: apply, patch, delete; found apply and delete',
      ':10:9: scenarios[0].steps[1]: a step needs exactly one of: apply, patch, delete; found none',
    ]);
  });

  it('reports a config file that does not exist, without a position', async () => {
    await assertProblems('nothing.yaml', [': cannot read the config file: no such file']);
  });

  it('lists problems as data: absolute file, 1-based line and column, key path, message', async () => {
    const { file } = fixture('unknown-controller.yaml');
    const error = await loadConfig(file).then(() => undefined, (thrown: unknown) => thrown);
    assert.ok(error instanceof ConfigError);
    assert.deepEqual(error.problems[1], {
      file,
      line: 9,
      column: 46,
      path: 'scenarios[0].controllers[2]',
      message: 'unknown controller "cleanup"; expected one of: toggle-alpha, toggle-beta',
    });
  });
  it('locates problems found after loading at the key of the loaded config', async () => {
    const { file } = fixture('fixpoint.yaml');
    const config = await loadConfig(file);
    assert.deepEqual(configProblem(config, ['controllers', 0, 'export'], 'no export named "alpha"'), {
      file,
      line: 5,
      column: 13,
      path: 'controllers[0].export',
      message: 'no export named "alpha"',
    });
  });
});

describe('fixpoint.schema.json', () => {
  it('compiles in ajv strict mode', () => {
    assert.doesNotThrow(() => new Ajv({ strict: true, allErrors: true }).compile(schema));
  });

  it('describes every property, so editors can show it', () => {
    const undescribed = propertySchemas(schema).filter(([, property]) => typeof resolveReference(property)['description'] !== 'string');
    assert.deepEqual(undescribed.map(([path]) => path), []);
  });

  it('documents the same defaults the loader applies', () => {
    const scenario = schema.definitions.scenario.properties;
    const defaultsOf = (properties: Record<string, { default?: unknown }>) => Object.fromEntries(Object.entries(properties).map(([key, property]) => [key, property.default]));
    assert.deepEqual(defaultsOf(scenario.faults.properties), DEFAULT_FAULTS);
    assert.deepEqual(defaultsOf(scenario.bounds.properties), DEFAULT_BOUNDS);
    assert.equal(schema.definitions.step.properties.when.default, 'anytime');
  });
});

type SchemaObject = Record<string, unknown>;

/** Every schema under a `properties` keyword (or `items` of a described list), with where it sits. */
function propertySchemas(node: unknown, path = '#'): [string, SchemaObject][] {
  if (typeof node !== 'object' || node === null || Array.isArray(node)) return [];
  const found: [string, SchemaObject][] = [];
  for (const [key, child] of Object.entries(node)) {
    if (key === 'properties') {
      for (const [name, property] of Object.entries(child as SchemaObject)) {
        // `true` marks a property a oneOf branch requires; the property itself is described beside it.
        if (property !== true) found.push([`${path}/properties/${name}`, property as SchemaObject]);
      }
    }
    found.push(...propertySchemas(child, `${path}/${key}`));
  }
  return found;
}

function resolveReference(property: SchemaObject): SchemaObject {
  const reference = property['$ref'];
  if (typeof reference !== 'string') return property;
  const name = reference.replace('#/definitions/', '') as keyof typeof schema.definitions;
  return schema.definitions[name] as SchemaObject;
}
