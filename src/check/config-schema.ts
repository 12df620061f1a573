import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
// The schema shipped at the repository root for editors is the one the loader enforces.
import schema from '../../fixpoint.schema.json' with { type: 'json' };
import type { ConfigDocument } from './config-document.ts';
import type { ConfigProblem } from './config-error.ts';
import { isRecord, keyPathOfPointer, valueAt, type KeyPath } from './key-path.ts';
import { didYouMean } from './suggest.ts';

/** The verbs a user step chooses exactly one of. */
const STEP_VERBS = ['apply', 'patch', 'delete'];

let compiled: ValidateFunction | undefined;

/** Every way the document's data breaks the schema, as located problems with plain-language messages. */
export function schemaProblems(document: ConfigDocument): ConfigProblem[] {
  compiled ??= new Ajv({ strict: true, allErrors: true, verbose: true }).compile(schema);
  if (compiled(document.data)) return [];
  const errors = compiled.errors ?? [];
  return errors.filter((error) => !explainedByOneOf(error, errors)).map((error) => problemOf(error, document));
}

/** A branch's own failure (`must have required property 'patch'`) says less than the `oneOf` that contains it. */
function explainedByOneOf(error: ErrorObject, errors: readonly ErrorObject[]): boolean {
  return errors.some((other) => other.keyword === 'oneOf' && other !== error && other.instancePath === error.instancePath && error.schemaPath.startsWith(`${other.schemaPath}/`));
}

function problemOf(error: ErrorObject, document: ConfigDocument): ConfigProblem {
  const path = keyPathOfPointer(error.instancePath, document.data);
  const value = valueAt(document.data, path);
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'additionalProperties': {
      const key = String(params['additionalProperty']);
      const allowed = Object.keys((error.parentSchema as { properties?: object } | undefined)?.properties ?? {});
      return document.problem([...path, key], `unknown key; expected one of: ${allowed.join(', ')}${didYouMean(key, allowed)}`, 'key');
    }
    case 'required':
      return document.problem([...path, String(params['missingProperty'])], 'missing required key');
    case 'type':
      return document.problem(path, `expected ${describeTypes(String(params['type']))}, got ${describeValue(value)}`);
    case 'enum': {
      const allowed = (params['allowedValues'] as unknown[]).map(String);
      const suggestion = typeof value === 'string' ? didYouMean(value, allowed) : '';
      return document.problem(path, `expected one of: ${allowed.join(', ')}; got ${describeValue(value)}${suggestion}`);
    }
    case 'minimum':
    case 'exclusiveMinimum':
      return document.problem(path, `expected a number ${String(params['comparison'])} ${String(params['limit'])}, got ${describeValue(value)}`);
    case 'minLength':
      return document.problem(path, 'expected a non-empty string');
    case 'minItems':
      return document.problem(path, `expected at least ${String(params['limit'])} entry, got an empty list`);
    case 'uniqueItems':
      return duplicateItemProblem(document, path, Number(params['i']), Number(params['j']));
    case 'oneOf':
      return isRecord(value) ? stepVerbProblem(document, path, value) : document.problem(path, error.message ?? 'invalid value');
    default:
      return document.problem(path, error.message ?? 'invalid value');
  }
}

function duplicateItemProblem(document: ConfigDocument, path: KeyPath, later: number, earlier: number): ConfigProblem {
  // ajv names the later duplicate first; point at it, since the first occurrence is the one that stands.
  const value = valueAt(document.data, [...path, later]);
  return document.problem([...path, later], `duplicate entry ${describeValue(value)} (also at index ${earlier})`);
}

/** The only `oneOf` in the schema is a step's choice of verb. */
function stepVerbProblem(document: ConfigDocument, path: KeyPath, step: Record<string, unknown>): ConfigProblem {
  const verbs = STEP_VERBS.filter((verb) => verb in step);
  const found = verbs.length === 0 ? 'none' : verbs.join(' and ');
  return document.problem(path, `a step needs exactly one of: ${STEP_VERBS.join(', ')}; found ${found}`);
}

const TYPE_NAMES: Record<string, string> = {
  object: 'a mapping',
  array: 'a list',
  string: 'a string',
  integer: 'an integer',
  number: 'a number',
  boolean: 'true or false',
  null: 'null',
};

function describeTypes(types: string): string {
  return types.split(',').map((type) => TYPE_NAMES[type] ?? type).join(' or ');
}

/** A value as a problem message shows it: scalars verbatim, collections by their shape. */
function describeValue(value: unknown): string {
  if (value === null || value === undefined) return 'nothing';
  if (Array.isArray(value)) return 'a list';
  if (isRecord(value)) return 'a mapping';
  if (typeof value === 'string') return JSON.stringify(value);
  return String(value);
}
