import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ApiError } from '../../src/sim/status.ts';
import {
  LabelSelectorError,
  labelSelectorFromObject,
  notKnownFieldSelector,
  parseFieldSelector,
  parseLabelSelector,
  type Labels,
} from '../../src/sim/selectors.ts';

const METADATA_FIELDS = ['metadata.name', 'metadata.namespace'];

const KEY_SHAPE =
  "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character " +
  "(e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";
const VALUE_SHAPE =
  "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end " +
  "with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is " +
  "'(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";
const PREFIX_SHAPE =
  "prefix part a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must " +
  "start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is " +
  "'[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
const TOO_MANY_SLASHES = `a valid label key ${KEY_SHAPE} with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')`;

function matching(selector: string, candidates: Record<string, Labels>): string[] {
  const parsed = parseLabelSelector(selector);
  return Object.entries(candidates)
    .filter(([, labels]) => parsed.matches(labels))
    .map(([name]) => name);
}

/** Asserts the 400 BadRequest a LIST with this selector gets from the apiserver. */
function assertBadRequest(parse: () => unknown, message: string): void {
  assert.throws(parse, (error: unknown) => {
    assert.ok(error instanceof ApiError);
    assert.deepEqual(error.status, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason: 'BadRequest', code: 400 });
    return true;
  });
}

const PODS: Record<string, Labels> = {
  web: { app: 'web', tier: 'front' },
  api: { app: 'api', tier: 'back' },
  bare: undefined,
  untiered: { app: 'web' },
};

describe('label selector matching', () => {
  test('an empty selector matches everything, objects without labels too', () => {
    assert.deepEqual(matching('', PODS), ['web', 'api', 'bare', 'untiered']);
    assert.deepEqual(matching(' \t\r\n', PODS), ['web', 'api', 'bare', 'untiered']);
  });

  test('`=` and `==` match objects whose label has the value', () => {
    assert.deepEqual(matching('app=web', PODS), ['web', 'untiered']);
    assert.deepEqual(matching('app==web', PODS), ['web', 'untiered']);
  });

  test('`!=` matches objects without the label', () => {
    assert.deepEqual(matching('tier!=front', PODS), ['api', 'bare', 'untiered']);
  });

  test('`in` matches objects whose label has one of the values', () => {
    assert.deepEqual(matching('tier in (front,back)', PODS), ['web', 'api']);
  });

  test('`notin` matches objects without the label', () => {
    assert.deepEqual(matching('tier notin (front)', PODS), ['api', 'bare', 'untiered']);
  });

  test('a bare key matches objects that have the label, whatever its value', () => {
    assert.deepEqual(matching('tier', PODS), ['web', 'api']);
  });

  test('`!key` matches objects without the label', () => {
    assert.deepEqual(matching('!tier', PODS), ['bare', 'untiered']);
  });

  test('`>` and `<` compare label values as integers, and never match a label that is not one', () => {
    const nodes: Record<string, Labels> = { small: { cpus: '2' }, large: { cpus: '64' }, odd: { cpus: 'many' }, none: {} };
    assert.deepEqual(matching('cpus>4', nodes), ['large']);
    assert.deepEqual(matching('cpus<4', nodes), ['small']);
  });

  test('comma-separated requirements must all hold', () => {
    assert.deepEqual(matching('app=web,tier', PODS), ['web']);
  });

  test('a missing value is the empty string', () => {
    const objects: Record<string, Labels> = { blank: { mode: '' }, set: { mode: 'on' } };
    assert.deepEqual(matching('mode=', objects), ['blank']);
    assert.deepEqual(matching('mode in ()', objects), ['blank']);
    assert.deepEqual(parseLabelSelector('x in (,a,,b,)').requirements, [{ key: 'x', operator: 'in', values: ['', 'a', 'b'] }]);
  });

  test('labels are looked up as own properties, not on the prototype', () => {
    assert.deepEqual(matching('constructor', { plain: {} }), []);
    assert.deepEqual(matching('!toString', { plain: {} }), ['plain']);
  });

  test('requirements come out sorted by key, with set values sorted and deduplicated', () => {
    assert.deepEqual(parseLabelSelector('b notin (z,y,z),a=1').requirements, [
      { key: 'a', operator: '=', values: ['1'] },
      { key: 'b', operator: 'notin', values: ['y', 'z'] },
    ]);
  });

  test('`in` and `notin` are plain words wherever no operator is expected', () => {
    assert.deepEqual(parseLabelSelector('in in (in,notin)').requirements, [{ key: 'in', operator: 'in', values: ['in', 'notin'] }]);
    assert.deepEqual(parseLabelSelector('notin=in').requirements, [{ key: 'notin', operator: '=', values: ['in'] }]);
  });

  test('prefixed keys are accepted', () => {
    assert.deepEqual(matching('app.kubernetes.io/name=web', { a: { 'app.kubernetes.io/name': 'web' } }), ['a']);
  });
});

describe('label selector whitespace', () => {
  test('spaces, tabs and newlines may surround every token', () => {
    assert.deepEqual(parseLabelSelector(' app \t= web ,\n tier  in ( front , back ) , ! gone ').requirements, [
      { key: 'app', operator: '=', values: ['web'] },
      { key: 'gone', operator: '!', values: [] },
      { key: 'tier', operator: 'in', values: ['back', 'front'] },
    ]);
  });

  test('no whitespace is needed around symbols', () => {
    assert.deepEqual(parseLabelSelector('tier in(a),app!=b').requirements, [
      { key: 'app', operator: '!=', values: ['b'] },
      { key: 'tier', operator: 'in', values: ['a'] },
    ]);
  });

  test('whitespace separates words, so a key followed by a word is missing its operator', () => {
    assertBadRequest(() => parseLabelSelector('a b'), "unable to parse requirement: found 'b', expected: in, notin, =, ==, !=, gt, lt");
  });
});

describe('label selector syntax errors', () => {
  test('a requirement that cannot be parsed is wrapped in "unable to parse requirement"', () => {
    // Text kubectl shows for `kubectl get po -l 'type=app,versionv1.0.1)'`.
    assertBadRequest(
      () => parseLabelSelector('type=app,versionv1.0.1)'),
      "unable to parse requirement: found ')', expected: in, notin, =, ==, !=, gt, lt",
    );
    assertBadRequest(() => parseLabelSelector('e!!!!!ss'), "unable to parse requirement: found '!', expected: in, notin, =, ==, !=, gt, lt");
    assertBadRequest(() => parseLabelSelector('!'), "unable to parse requirement: found '', expected: identifier");
    assertBadRequest(() => parseLabelSelector('x in'), "unable to parse requirement: found '' expected: '('");
    assertBadRequest(() => parseLabelSelector('x in (a'), "unable to parse requirement: found '', expected: ',' or ')'");
    assertBadRequest(() => parseLabelSelector('x in (a b)'), "unable to parse requirement: found 'b', expected: ',' or ')'");
    assertBadRequest(() => parseLabelSelector('x in (a,'), "unable to parse requirement: found '', expected: ',', or identifier");
    assertBadRequest(() => parseLabelSelector('x in (='), "unable to parse requirement: found '=', expected: ',', ')' or identifier");
    assertBadRequest(() => parseLabelSelector('x==(a)'), "unable to parse requirement: found '(', expected: identifier");
  });

  test('errors between requirements are not wrapped', () => {
    assertBadRequest(() => parseLabelSelector(',a'), "found ',', expected: !, identifier, or 'end of string'");
    assertBadRequest(() => parseLabelSelector('a,'), "found '', expected: identifier after ','");
    assertBadRequest(() => parseLabelSelector('a,,b'), "found ',', expected: identifier after ','");
    assertBadRequest(() => parseLabelSelector('a=b c'), "found 'c', expected: ',' or 'end of string'");
  });

  test('`!key` takes no operator', () => {
    assertBadRequest(() => parseLabelSelector('!a=b'), "found '=', expected: ',' or 'end of string'");
  });
});

describe('label selector validation errors', () => {
  test('an invalid key is reported with a nil field path', () => {
    // Text kubectl shows for `kubectl get pods -l 'app:monolith'`.
    assertBadRequest(
      () => parseLabelSelector('app:monolith'),
      `unable to parse requirement: <nil>: Invalid value: "app:monolith": name part ${KEY_SHAPE}`,
    );
  });

  test('a key with a bad prefix is rejected', () => {
    assertBadRequest(
      () => parseLabelSelector('app.kubernetes_io/name=vault'),
      `unable to parse requirement: <nil>: Invalid value: "app.kubernetes_io/name": ${PREFIX_SHAPE}`,
    );
    assertBadRequest(() => parseLabelSelector('/name'), 'unable to parse requirement: <nil>: Invalid value: "/name": prefix part must be non-empty');
  });

  test('a key with more than one slash is rejected', () => {
    assertBadRequest(() => parseLabelSelector('a/b/c'), `unable to parse requirement: <nil>: Invalid value: "a/b/c": ${TOO_MANY_SLASHES}`);
  });

  test('a key naming nothing after its prefix reports every problem, joined by semicolons', () => {
    assertBadRequest(
      () => parseLabelSelector('example.com/'),
      `unable to parse requirement: <nil>: Invalid value: "example.com/": name part must be non-empty; name part ${KEY_SHAPE}`,
    );
  });

  test('a key name longer than 63 bytes is rejected', () => {
    const name = 'k'.repeat(64);
    assertBadRequest(
      () => parseLabelSelector(name),
      `unable to parse requirement: <nil>: Invalid value: "${name}": name part must be no more than 63 bytes`,
    );
    assert.deepEqual(matching('k'.repeat(63), { yes: { ['k'.repeat(63)]: '' } }), ['yes']);
  });

  test('an invalid value is reported at its index and key', () => {
    assertBadRequest(() => parseLabelSelector('app=-web'), `unable to parse requirement: values[0][app]: Invalid value: "-web": ${VALUE_SHAPE}`);
  });

  test('a value longer than 63 bytes is rejected', () => {
    const value = 'v'.repeat(64);
    assertBadRequest(
      () => parseLabelSelector(`app=${value}`),
      `unable to parse requirement: values[0][app]: Invalid value: "${value}": must be no more than 63 bytes`,
    );
  });

  test('several invalid values are listed in brackets, in sorted order', () => {
    assertBadRequest(
      () => parseLabelSelector('app in (-y,-x)'),
      `unable to parse requirement: [values[0][app]: Invalid value: "-x": ${VALUE_SHAPE}, values[1][app]: Invalid value: "-y": ${VALUE_SHAPE}]`,
    );
  });

  test('`>` and `<` need an integer', () => {
    assertBadRequest(
      () => parseLabelSelector('cpus>many'),
      `unable to parse requirement: values[0]: Invalid value: "many": for 'Gt', 'Lt' operators, the value must be an integer`,
    );
  });

  test('non-printable characters are shown with Go escapes', () => {
    assertBadRequest(
      () => parseLabelSelector('a\u0001b'),
      `unable to parse requirement: <nil>: Invalid value: "a\\x01b": name part ${KEY_SHAPE}`,
    );
  });
});

describe('field selectors', () => {
  const objects: Record<string, Record<string, string>> = {
    web: { 'metadata.name': 'web', 'metadata.namespace': 'default' },
    api: { 'metadata.name': 'api', 'metadata.namespace': 'default' },
    node: { 'metadata.name': 'node' },
  };

  function selected(text: string): string[] {
    const selector = parseFieldSelector(text, METADATA_FIELDS);
    return Object.entries(objects)
      .filter(([, fields]) => selector.matches(fields))
      .map(([name]) => name);
  }

  test('an empty selector matches everything', () => {
    assert.deepEqual(selected(''), ['web', 'api', 'node']);
    assert.deepEqual(selected(','), ['web', 'api', 'node']);
  });

  test('`=` and `==` match the field value', () => {
    assert.deepEqual(selected('metadata.name=web'), ['web']);
    assert.deepEqual(selected('metadata.name==web'), ['web']);
  });

  test('`!=` matches every other value', () => {
    assert.deepEqual(selected('metadata.name!=web'), ['api', 'node']);
  });

  test('comma-separated terms must all hold', () => {
    assert.deepEqual(selected('metadata.namespace=default,metadata.name!=web'), ['api']);
  });

  test('a field the object lacks reads as the empty string', () => {
    assert.deepEqual(selected('metadata.namespace='), ['node']);
    assert.deepEqual(selected('metadata.namespace!='), ['web', 'api']);
  });

  test('backslashes escape commas, equals signs and backslashes in values', () => {
    const selector = parseFieldSelector('metadata.name=a\\,b\\=c\\\\d', METADATA_FIELDS);
    assert.deepEqual(selector.requirements, [{ field: 'metadata.name', operator: '=', value: 'a,b=c\\d' }]);
    assert.equal(selector.matches({ 'metadata.name': 'a,b=c\\d' }), true);
  });

  test('a term without an operator is rejected', () => {
    assertBadRequest(() => parseFieldSelector('metadata.name=a,oops', METADATA_FIELDS), "invalid selector: 'metadata.name=a,oops'; can't understand 'oops'");
  });

  test('an unescaped equals sign in a value is rejected with its character code', () => {
    assertBadRequest(() => parseFieldSelector('metadata.name=a=b', METADATA_FIELDS), 'invalid field selector: unescaped character in value: 61');
  });

  test('an unknown escape or a trailing backslash is rejected', () => {
    assertBadRequest(() => parseFieldSelector('metadata.name=a\\x', METADATA_FIELDS), 'invalid field selector: invalid escape sequence: \\x');
    assertBadRequest(() => parseFieldSelector('metadata.name=a\\', METADATA_FIELDS), 'invalid field selector: invalid escape sequence: \\');
  });

  test('an unsupported field is rejected as a built-in kind rejects it', () => {
    assertBadRequest(() => parseFieldSelector('spec.nodeName=n1', METADATA_FIELDS), 'field label not supported: spec.nodeName');
  });

  test('field names are not trimmed', () => {
    assertBadRequest(() => parseFieldSelector('metadata.name=a, metadata.namespace=b', METADATA_FIELDS), 'field label not supported:  metadata.namespace');
  });

  test('kinds without their own field conversion word the rejection differently', () => {
    assertBadRequest(
      () => parseFieldSelector('data.key=x', METADATA_FIELDS, notKnownFieldSelector),
      '"data.key" is not a known field selector: only "metadata.name", "metadata.namespace"',
    );
  });

  test('terms are checked in sorted order, syntax before fields', () => {
    assertBadRequest(() => parseFieldSelector('z.field=1,a.field=2', METADATA_FIELDS), 'field label not supported: a.field');
    assertBadRequest(() => parseFieldSelector('a.field=1,zzz', METADATA_FIELDS), "invalid selector: 'a.field=1,zzz'; can't understand 'zzz'");
  });
});

describe('metav1.LabelSelector conversion', () => {
  test('matchLabels and every expression operator must all hold', () => {
    const selector = labelSelectorFromObject({
      matchLabels: { app: 'web' },
      matchExpressions: [
        { key: 'tier', operator: 'In', values: ['front', 'edge'] },
        { key: 'track', operator: 'NotIn', values: ['canary'] },
        { key: 'owner', operator: 'Exists' },
        { key: 'legacy', operator: 'DoesNotExist' },
      ],
    });
    assert.equal(selector.matches({ app: 'web', tier: 'edge', owner: 'x' }), true);
    assert.equal(selector.matches({ app: 'web', tier: 'edge', owner: 'x', track: 'stable' }), true);
    assert.equal(selector.matches({ app: 'web', tier: 'edge', owner: 'x', track: 'canary' }), false);
    assert.equal(selector.matches({ app: 'web', tier: 'back', owner: 'x' }), false);
    assert.equal(selector.matches({ app: 'web', tier: 'edge' }), false);
    assert.equal(selector.matches({ app: 'web', tier: 'edge', owner: 'x', legacy: 'y' }), false);
    assert.equal(selector.matches({ app: 'api', tier: 'edge', owner: 'x' }), false);
  });

  test('an empty selector matches everything', () => {
    assert.equal(labelSelectorFromObject({}).matches(undefined), true);
    assert.equal(labelSelectorFromObject({ matchLabels: {}, matchExpressions: [] }).matches({ a: 'b' }), true);
  });

  test('a missing selector matches nothing', () => {
    assert.equal(labelSelectorFromObject(undefined).matches({}), false);
    assert.equal(labelSelectorFromObject(null).matches({ a: 'b' }), false);
  });

  test('an unknown operator is rejected', () => {
    assert.throws(() => labelSelectorFromObject({ matchExpressions: [{ key: 'a', operator: 'Gt', values: ['1'] }] }), {
      name: 'LabelSelectorError',
      message: '"Gt" is not a valid label selector operator',
    });
  });

  test('`In` without values is rejected', () => {
    assert.throws(() => labelSelectorFromObject({ matchExpressions: [{ key: 'a', operator: 'In', values: [] }] }), {
      message: "values: Invalid value: []string(nil): for 'in', 'notin' operators, values set can't be empty",
    });
  });

  test('`Exists` with values is rejected', () => {
    assert.throws(() => labelSelectorFromObject({ matchExpressions: [{ key: 'a', operator: 'Exists', values: ['x', 'y'] }] }), {
      message: 'values: Invalid value: []string{"x", "y"}: values set must be empty for exists and does not exist',
    });
  });

  test('invalid keys and values are reported at their field paths, together', () => {
    assert.throws(
      () => labelSelectorFromObject({ matchExpressions: [{ key: 'a/b/c', operator: 'NotIn', values: ['ok', '-bad'] }] }),
      (error: unknown) => {
        assert.ok(error instanceof LabelSelectorError);
        assert.equal(
          error.message,
          `[key: Invalid value: "a/b/c": ${TOO_MANY_SLASHES}, values[1][a/b/c]: Invalid value: "-bad": ${VALUE_SHAPE}]`,
        );
        return true;
      },
    );
    assert.throws(() => labelSelectorFromObject({ matchLabels: { app: 'web app' } }), {
      message: `values[0][app]: Invalid value: "web app": ${VALUE_SHAPE}`,
    });
  });
});
