import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, it } from 'node:test';
import { parse } from 'yaml';
import { COMMENT_VALUES, FAIL_ON_VALUES, INPUT_NAMES, InputError, MODE_VALUES, readInputs } from '../../src/github/inputs.ts';

const ACTION = parse(readFileSync(join(import.meta.dirname, '..', '..', 'action.yml'), 'utf8')) as {
  runs: { using: string; main: string };
  branding: { icon: string; color: string };
  inputs: Record<string, { description: string; required: boolean; default: string }>;
  outputs: Record<string, { description: string }>;
};

/** The environment variable the runner sets for an input: `INPUT_` and the name upper-cased, hyphens kept. */
function variable(name: string): string {
  return `INPUT_${name.replace(/ /g, '_').toUpperCase()}`;
}

/** Sets the inputs as the runner would; afterEach removes them again. */
function given(inputs: Record<string, string>): void {
  for (const [name, value] of Object.entries(inputs)) process.env[variable(name)] = value;
}

afterEach(() => {
  for (const name of INPUT_NAMES) delete process.env[variable(name)];
});

describe('readInputs', () => {
  it('reads INPUT_<NAME> with the hyphens kept', () => {
    given({ 'fail-on': 'any-finding', 'working-directory': 'operators/tls', 'install-command': 'pnpm install --frozen-lockfile', 'github-token': 'ghs_example' });
    assert.equal(process.env['INPUT_FAIL-ON'], 'any-finding');
    const inputs = readInputs();
    assert.equal(inputs.failOn, 'any-finding');
    assert.equal(inputs.workingDirectory, 'operators/tls');
    assert.equal(inputs.installCommand, 'pnpm install --frozen-lockfile');
    assert.equal(inputs.githubToken, 'ghs_example');
  });

  it('fills in the defaults when nothing is set', () => {
    assert.deepEqual(readInputs(), { config: 'fixpoint.yaml', githubToken: '', workingDirectory: '.', failOn: 'new-findings', comment: 'update', mode: 'check' });
  });

  it('gives the same inputs for action.yml’s defaults as for none at all', () => {
    const defaults = Object.fromEntries(Object.entries(ACTION.inputs).filter(([name]) => name !== 'github-token').map(([name, input]) => [name, input.default]));
    given(defaults);
    assert.deepEqual(readInputs(), { config: 'fixpoint.yaml', githubToken: '', workingDirectory: '.', failOn: 'new-findings', comment: 'update', mode: 'check' });
  });

  it('reads base, head, bounds and the comment mode', () => {
    given({ base: 'origin/main', head: 'HEAD', 'max-states': '50000', 'timeout-seconds': '90.5', comment: 'recreate', mode: 'comment', 'github-token': 'ghs_example' });
    const inputs = readInputs();
    assert.deepEqual([inputs.base, inputs.head, inputs.maxStates, inputs.timeoutSeconds, inputs.comment, inputs.mode], ['origin/main', 'HEAD', 50000, 90.5, 'recreate', 'comment']);
  });

  it('names the input, the allowed values and the likely one for a value it does not know', () => {
    given({ 'fail-on': 'new-finding' });
    assert.throws(readInputs, (error: unknown) => {
      assert.ok(error instanceof InputError);
      assert.deepEqual(error.inputs, ['fail-on']);
      assert.equal(error.message, 'input "fail-on" must be one of new-findings, any-finding, converged-change, never; got "new-finding"; did you mean "new-findings"?');
      return true;
    });
  });

  it('reports every bad input at once', () => {
    given({ comment: 'sticky', mode: 'review', 'max-states': '1e5', 'timeout-seconds': '0', base: '--upload-pack=evil' });
    assert.throws(readInputs, (error: unknown) => {
      assert.ok(error instanceof InputError);
      assert.deepEqual(error.inputs, ['base', 'comment', 'max-states', 'timeout-seconds', 'mode']);
      assert.match(error.message, /input "comment" must be one of update, recreate, off; got "sticky"/);
      assert.match(error.message, /input "mode" must be one of check, comment; got "review"/);
      assert.match(error.message, /input "max-states" must be a whole number greater than 0, or empty for fixpoint.yaml's bounds; got "1e5"/);
      assert.match(error.message, /input "timeout-seconds" must be a number greater than 0/);
      assert.match(error.message, /input "base" must be a git ref or commit SHA/);
      return true;
    });
  });

  it('wants a token in comment mode, where posting the comment is all it does', () => {
    given({ mode: 'comment', 'github-token': '' });
    assert.throws(readInputs, /input "github-token" is empty, but mode "comment" posts the PR comment/);
    given({ mode: 'comment', 'github-token': 'ghs_example', comment: 'off' });
    assert.throws(readInputs, /input "comment" is "off", but mode "comment"/);
  });
});

describe('action.yml', () => {
  it('runs dist/index.js on node24', () => {
    assert.deepEqual(ACTION.runs, { using: 'node24', main: 'dist/index.js' });
    assert.ok(ACTION.branding.icon && ACTION.branding.color);
  });

  it('declares exactly the inputs readInputs reads, each with a description and a default', () => {
    assert.deepEqual(Object.keys(ACTION.inputs), [...INPUT_NAMES]);
    for (const [name, input] of Object.entries(ACTION.inputs)) {
      assert.ok(input.description.length > 20, `${name} has a description`);
      assert.equal(typeof input.default, 'string', `${name} has a default`);
      assert.equal(input.required, false, `${name} is optional`);
    }
    assert.equal(ACTION.inputs['github-token']?.default, '${{ github.token }}');
  });

  it('documents the allowed values of every choice input', () => {
    for (const [name, values] of [['fail-on', FAIL_ON_VALUES], ['comment', COMMENT_VALUES], ['mode', MODE_VALUES]] as const) {
      for (const value of values) assert.match(ACTION.inputs[name]?.description ?? '', new RegExp(`\`${value}\``), `${name} documents ${value}`);
    }
  });

  it('declares the outputs verdict, report-path, new-findings and comment-url, each described', () => {
    assert.deepEqual(Object.keys(ACTION.outputs), ['verdict', 'report-path', 'new-findings', 'comment-url']);
    for (const output of Object.values(ACTION.outputs)) assert.ok(output.description.length > 10);
  });
});
