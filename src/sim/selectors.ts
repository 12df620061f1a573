import { badRequest } from './status.ts';

// Label and field selectors as the API server parses and applies them to a LIST or WATCH.
// Parsing follows k8s.io/apimachinery's labels and fields packages closely, because clients
// see the parser's exact error text in a 400 response (kubectl prints it as it is).

/** How a label requirement relates key and values, spelled as Go's `selection.Operator`. */
export type LabelOperator = '=' | '==' | '!=' | 'in' | 'notin' | 'exists' | '!' | 'gt' | 'lt';

/** One requirement of a label selector, e.g. `tier in (web,api)`. */
export interface LabelRequirement {
  readonly key: string;
  readonly operator: LabelOperator;
  readonly values: readonly string[];
}

/** Labels as an object carries them; `undefined` when it has none. */
export type Labels = Readonly<Record<string, string>> | undefined;

/** A label selector: labels match when they meet every requirement. */
export interface LabelSelector {
  /** Sorted by key. Empty both for a selector matching everything and for one matching nothing. */
  readonly requirements: readonly LabelRequirement[];
  matches(labels: Labels): boolean;
}

/** One term of a field selector, e.g. `metadata.name!=web`; `==` is kept as `=`. */
export interface FieldRequirement {
  readonly field: string;
  readonly operator: '=' | '!=';
  readonly value: string;
}

/** The values of an object's selectable fields, e.g. `{ 'metadata.name': 'web' }`. */
export type Fields = Readonly<Record<string, string | undefined>>;

/** A field selector: fields match when they meet every term. */
export interface FieldSelector {
  readonly requirements: readonly FieldRequirement[];
  matches(fields: Fields): boolean;
}

/** `metav1.LabelSelectorRequirement`, as stored in objects. */
export interface V1LabelSelectorRequirement {
  readonly key: string;
  readonly operator: string;
  readonly values?: readonly string[];
}

/** `metav1.LabelSelector`, as stored in objects (`spec.selector` of a ReplicaSet, a PodDisruptionBudget, ...). */
export interface V1LabelSelector {
  readonly matchLabels?: Readonly<Record<string, string>>;
  readonly matchExpressions?: readonly V1LabelSelectorRequirement[];
}

/** A `metav1.LabelSelector` that no requirement can be built from; the message is Go's error text. */
export class LabelSelectorError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LabelSelectorError';
  }
}

/** Parses a `labelSelector` query parameter; throws the apiserver's 400 BadRequest for text it rejects. */
export function parseLabelSelector(text: string): LabelSelector {
  try {
    return selectorOf(parseRequirements(text));
  } catch (error) {
    if (error instanceof SelectorSyntaxError) throw badRequest(error.message);
    throw error;
  }
}

/** `metav1.LabelSelectorAsSelector`: a missing selector matches nothing, an empty one everything; throws `LabelSelectorError`. */
export function labelSelectorFromObject(selector: V1LabelSelector | null | undefined): LabelSelector {
  if (selector === null || selector === undefined) return NOTHING;
  try {
    return selectorOf([
      ...Object.entries(selector.matchLabels ?? {}).map(([key, value]) => checkedRequirement(key, '=', [value])),
      ...(selector.matchExpressions ?? []).map(expressionRequirement),
    ]);
  } catch (error) {
    if (error instanceof SelectorSyntaxError) throw new LabelSelectorError(error.message);
    throw error;
  }
}

/** Parses a `fieldSelector` query parameter for a kind with these fields; throws the apiserver's 400 BadRequest. */
export function parseFieldSelector(
  text: string,
  supportedFields: readonly string[],
  // How the kind words its rejection of other fields: `fieldLabelNotSupported` or `notKnownFieldSelector`.
  describeUnsupported: (field: string) => string = fieldLabelNotSupported,
): FieldSelector {
  // The apiserver sorts the terms before parsing them, so the first bad term in that order is reported.
  const terms = splitTerms(text).filter((term) => term !== '').sort(compareBytes);
  const requirements = terms.map((term) => parseFieldTerm(text, term));
  // Fields are checked only once every term has parsed (`Selector.Transform` after `ParseSelector`).
  for (const requirement of requirements) {
    if (!supportedFields.includes(requirement.field)) throw badRequest(describeUnsupported(requirement.field));
  }
  return { requirements, matches: (fields) => requirements.every((requirement) => fieldHolds(requirement, fields)) };
}

/** The rejection worded by kinds with their own field-label conversion: Pod, Node, Secret, Service, Event, custom resources, ... */
export function fieldLabelNotSupported(field: string): string {
  return `field label not supported: ${field}`;
}

/** The rejection worded by `runtime.DefaultMetaV1FieldSelectorConversion`, for built-in kinds without their own conversion (ConfigMap, ...). */
export function notKnownFieldSelector(field: string): string {
  return `${goQuote(field)} is not a known field selector: only "metadata.name", "metadata.namespace"`;
}

// ---------------------------------------------------------------------------------------------
// Matching

function selectorOf(requirements: readonly LabelRequirement[]): LabelSelector {
  const sorted = [...requirements].sort((left, right) => compareBytes(left.key, right.key));
  return { requirements: sorted, matches: (labels) => sorted.every((requirement) => requirementHolds(requirement, labels ?? {})) };
}

const NOTHING: LabelSelector = { requirements: [], matches: () => false };

function requirementHolds(requirement: LabelRequirement, labels: Readonly<Record<string, string>>): boolean {
  // Own properties only: a label named `constructor` must not be found on the prototype.
  const present = Object.hasOwn(labels, requirement.key);
  const value = present ? labels[requirement.key] : undefined;
  switch (requirement.operator) {
    case '=':
    case '==':
    case 'in':
      return value !== undefined && requirement.values.includes(value);
    case '!=':
    case 'notin':
      return value === undefined || !requirement.values.includes(value);
    case 'exists':
      return present;
    case '!':
      return !present;
    case 'gt':
    case 'lt':
      return value !== undefined && comparisonHolds(requirement.operator, value, requirement.values[0] ?? '');
  }
}

function comparisonHolds(operator: 'gt' | 'lt', labelValue: string, bound: string): boolean {
  const actual = parseInt64(labelValue);
  const limit = parseInt64(bound);
  if (actual === undefined || limit === undefined) return false;
  return operator === 'gt' ? actual > limit : actual < limit;
}

function fieldHolds(requirement: FieldRequirement, fields: Fields): boolean {
  // A field the object lacks reads as the empty string, as `fields.Set.Get` does.
  const value = (Object.hasOwn(fields, requirement.field) ? fields[requirement.field] : undefined) ?? '';
  return requirement.operator === '=' ? value === requirement.value : value !== requirement.value;
}

// ---------------------------------------------------------------------------------------------
// Label selector lexer

type TokenKind = 'identifier' | 'in' | 'notin' | '(' | ')' | ',' | '!' | '=' | '==' | '!=' | '>' | '<' | 'end';

interface Token {
  readonly kind: TokenKind;
  readonly text: string;
}

const END: Token = { kind: 'end', text: '' };
const WHITESPACE = new Set([' ', '\t', '\r', '\n']);
const SYMBOLS = new Set(['=', '!', '(', ')', ',', '>', '<']);
const KEYWORDS_AND_SYMBOLS = new Set<string>(['in', 'notin', '(', ')', ',', '!', '=', '==', '!=', '>', '<']);
// Go's lexer reads bytes and takes 0 for "no more input", so a NUL character ends a word or the text.
const NUL = '\0';

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let position = 0;
  for (;;) {
    while (WHITESPACE.has(text.charAt(position))) position++;
    const first = text.charAt(position);
    if (first === '' || first === NUL) return [...tokens, END];
    const end = SYMBOLS.has(first) ? symbolEnd(text, position) : wordEnd(text, position);
    tokens.push(tokenOf(text.slice(position, end)));
    position = text.charAt(end) === NUL ? end + 1 : end;
  }
}

/** Symbols are one character, except `==` and `!=`: the lexer takes the longest symbol it knows. */
function symbolEnd(text: string, start: number): number {
  const pair = text.slice(start, start + 2);
  return pair === '==' || pair === '!=' ? start + 2 : start + 1;
}

function wordEnd(text: string, start: number): number {
  let end = start;
  while (end < text.length && !endsWord(text.charAt(end))) end++;
  return end;
}

function endsWord(character: string): boolean {
  return character === NUL || WHITESPACE.has(character) || SYMBOLS.has(character);
}

function tokenOf(text: string): Token {
  return KEYWORDS_AND_SYMBOLS.has(text) ? { kind: text as TokenKind, text } : { kind: 'identifier', text };
}

// ---------------------------------------------------------------------------------------------
// Label selector parser

/** A parse failure; its message is the apiserver's. */
class SelectorSyntaxError extends Error {}

/**
 * `in` and `notin` are operators only right after a key; anywhere else they are plain words,
 * so `in in (in)` is a valid selector.
 */
type Reading = 'operator' | 'word';

class TokenCursor {
  readonly #tokens: readonly Token[];
  #position = 0;

  constructor(tokens: readonly Token[]) {
    this.#tokens = tokens;
  }

  peek(reading: Reading = 'word'): Token {
    const token = this.#tokens[this.#position] ?? END;
    const keyword = token.kind === 'in' || token.kind === 'notin';
    return reading === 'word' && keyword ? { kind: 'identifier', text: token.text } : token;
  }

  next(reading: Reading = 'word'): Token {
    const token = this.peek(reading);
    this.#position++;
    return token;
  }
}

function parseRequirements(text: string): LabelRequirement[] {
  const cursor = new TokenCursor(tokenize(text));
  const requirements: LabelRequirement[] = [];
  for (;;) {
    const first = cursor.peek();
    if (first.kind === 'end') return requirements;
    if (!startsRequirement(first)) fail(`found '${first.text}', expected: !, identifier, or 'end of string'`);
    requirements.push(parseRequirementWithContext(cursor));
    const separator = cursor.next();
    if (separator.kind === 'end') return requirements;
    if (separator.kind !== ',') fail(`found '${separator.text}', expected: ',' or 'end of string'`);
    const following = cursor.peek();
    if (!startsRequirement(following)) fail(`found '${following.text}', expected: identifier after ','`);
  }
}

function startsRequirement(token: Token): boolean {
  return token.kind === 'identifier' || token.kind === '!';
}

/** Errors inside a requirement carry the prefix the Go parser wraps them in. */
function parseRequirementWithContext(cursor: TokenCursor): LabelRequirement {
  try {
    return parseRequirement(cursor);
  } catch (error) {
    if (error instanceof SelectorSyntaxError) fail(`unable to parse requirement: ${error.message}`);
    throw error;
  }
}

function parseRequirement(cursor: TokenCursor): LabelRequirement {
  const negated = cursor.peek().kind === '!';
  if (negated) cursor.next();
  const key = cursor.next();
  if (key.kind !== 'identifier') fail(`found '${key.text}', expected: identifier`);
  const keyErrors = labelKeyErrors(key.text);
  // The parser validates the key without a field path, which Go prints as `<nil>`.
  if (keyErrors.length > 0) fail(invalidValue('<nil>', goQuote(key.text), keyErrors));
  // `!key` takes no operator; whatever follows is left for the caller to reject.
  if (negated) return checkedRequirement(key.text, '!', []);
  const ahead = cursor.peek().kind;
  if (ahead === 'end' || ahead === ',') return checkedRequirement(key.text, 'exists', []);
  const operator = parseOperator(cursor);
  const values = operator === 'in' || operator === 'notin' ? parseValueSet(cursor) : [parseExactValue(cursor)];
  return checkedRequirement(key.text, operator, sortedUnique(values));
}

const OPERATORS = new Map<TokenKind, LabelOperator>([
  ['in', 'in'],
  ['notin', 'notin'],
  ['=', '='],
  ['==', '=='],
  ['!=', '!='],
  ['>', 'gt'],
  ['<', 'lt'],
]);

function parseOperator(cursor: TokenCursor): LabelOperator {
  const token = cursor.next('operator');
  const operator = OPERATORS.get(token.kind);
  if (operator === undefined) fail(`found '${token.text}', expected: in, notin, =, ==, !=, gt, lt`);
  return operator;
}

function parseValueSet(cursor: TokenCursor): string[] {
  const open = cursor.next();
  if (open.kind !== '(') fail(`found '${open.text}' expected: '('`);
  const first = cursor.peek();
  if (first.kind === ')') {
    cursor.next();
    return [''];
  }
  if (first.kind !== 'identifier' && first.kind !== ',') fail(`found '${first.text}', expected: ',', ')' or identifier`);
  const values = parseValueList(cursor);
  cursor.next(); // the `)` the list stopped at
  return values;
}

/** Values between parentheses; a missing value around a comma is the empty string: `(,a)`, `(a,,b)`, `(a,)`. */
function parseValueList(cursor: TokenCursor): string[] {
  const values: string[] = [];
  for (;;) {
    const token = cursor.next();
    if (token.kind === 'identifier') {
      values.push(token.text);
      const ahead = cursor.peek();
      if (ahead.kind === ')') return values;
      if (ahead.kind !== ',') fail(`found '${ahead.text}', expected: ',' or ')'`);
    } else if (token.kind === ',') {
      if (values.length === 0) values.push('');
      const ahead = cursor.peek().kind;
      if (ahead === ')' || ahead === ',') values.push('');
      if (ahead === ')') return values;
    } else {
      fail(`found '${token.text}', expected: ',', or identifier`);
    }
  }
}

/** The value after `=`, `==`, `!=`, `>` or `<`; none at all means the empty string. */
function parseExactValue(cursor: TokenCursor): string {
  const ahead = cursor.peek().kind;
  if (ahead === 'end' || ahead === ',') return '';
  const token = cursor.next();
  if (token.kind !== 'identifier') fail(`found '${token.text}', expected: identifier`);
  return token.text;
}

function fail(message: string): never {
  throw new SelectorSyntaxError(message);
}

// ---------------------------------------------------------------------------------------------
// Requirements and their validation (`labels.NewRequirement`)

const EXPRESSION_OPERATORS = new Map<string, LabelOperator>([
  ['In', 'in'],
  ['NotIn', 'notin'],
  ['Exists', 'exists'],
  ['DoesNotExist', '!'],
]);

function expressionRequirement(expression: V1LabelSelectorRequirement): LabelRequirement {
  const operator = EXPRESSION_OPERATORS.get(expression.operator);
  if (operator === undefined) fail(`${goQuote(expression.operator)} is not a valid label selector operator`);
  return checkedRequirement(expression.key, operator, [...(expression.values ?? [])]);
}

function checkedRequirement(key: string, operator: LabelOperator, values: readonly string[]): LabelRequirement {
  const errors = [...keyErrorsAt('key', key), ...operatorErrors(operator, values), ...valueErrors(key, values)];
  if (errors.length > 0) fail(aggregate(errors));
  return { key, operator, values };
}

function keyErrorsAt(path: string, key: string): string[] {
  const errors = labelKeyErrors(key);
  return errors.length > 0 ? [invalidValue(path, goQuote(key), errors)] : [];
}

function operatorErrors(operator: LabelOperator, values: readonly string[]): string[] {
  const shown = goStringSlice(values);
  switch (operator) {
    case 'in':
    case 'notin':
      return values.length === 0 ? [invalidValue('values', shown, ["for 'in', 'notin' operators, values set can't be empty"])] : [];
    case '=':
    case '==':
    case '!=':
      return values.length !== 1 ? [invalidValue('values', shown, ['exact-match compatibility requires one single value'])] : [];
    case 'exists':
    case '!':
      return values.length !== 0 ? [invalidValue('values', shown, ['values set must be empty for exists and does not exist'])] : [];
    case 'gt':
    case 'lt':
      return comparisonErrors(values);
  }
}

function comparisonErrors(values: readonly string[]): string[] {
  const errors =
    values.length !== 1 ? [invalidValue('values', goStringSlice(values), ["for 'Gt', 'Lt' operators, exactly one value is required"])] : [];
  values.forEach((value, index) => {
    if (parseInt64(value) === undefined) {
      errors.push(invalidValue(`values[${index}]`, goQuote(value), ["for 'Gt', 'Lt' operators, the value must be an integer"]));
    }
  });
  return errors;
}

function valueErrors(key: string, values: readonly string[]): string[] {
  return values.flatMap((value, index) => {
    const errors = labelValueErrors(value);
    return errors.length > 0 ? [invalidValue(`values[${index}][${key}]`, goQuote(value), errors)] : [];
  });
}

/** `field.Invalid(...).Error()`: the path, the bad value as Go prints it, and the reasons joined by `; `. */
function invalidValue(path: string, shownValue: string, reasons: readonly string[]): string {
  return `${path}: Invalid value: ${shownValue}: ${reasons.join('; ')}`;
}

/** An aggregate error's text: one message alone, several (deduplicated) in brackets. */
function aggregate(messages: readonly string[]): string {
  const unique = [...new Set(messages)];
  return unique.length === 1 ? (unique[0] ?? '') : `[${unique.join(', ')}]`;
}

// ---------------------------------------------------------------------------------------------
// Label key and value syntax (apimachinery's `content.IsLabelKey` / `IsLabelValue`)

const LABEL_KEY_FORMAT = '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]';
const LABEL_KEY_PATTERN = new RegExp(`^${LABEL_KEY_FORMAT}$`);
const LABEL_KEY_MESSAGE = "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";
const LABEL_KEY_EXAMPLES = ['MyName', 'my.name', '123-abc'];
const LABEL_VALUE_FORMAT = `(${LABEL_KEY_FORMAT})?`;
const LABEL_VALUE_PATTERN = new RegExp(`^${LABEL_VALUE_FORMAT}$`);
const LABEL_VALUE_MESSAGE =
  "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";
const LABEL_VALUE_EXAMPLES = ['MyValue', 'my_value', '12345'];
const DNS_LABEL_FORMAT = '[a-z0-9]([-a-z0-9]*[a-z0-9])?';
const DNS_SUBDOMAIN_FORMAT = `${DNS_LABEL_FORMAT}(\\.${DNS_LABEL_FORMAT})*`;
const DNS_SUBDOMAIN_PATTERN = new RegExp(`^${DNS_SUBDOMAIN_FORMAT}$`);
const DNS_SUBDOMAIN_MESSAGE =
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character";
const NAME_MAX_BYTES = 63;
const VALUE_MAX_BYTES = 63;
const PREFIX_MAX_BYTES = 253;

function labelKeyErrors(key: string): string[] {
  const parts = key.split('/');
  if (parts.length > 2) {
    const shape = regexError(LABEL_KEY_MESSAGE, LABEL_KEY_FORMAT, LABEL_KEY_EXAMPLES);
    return [`a valid label key ${shape} with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')`];
  }
  const prefix = parts.length === 2 ? prefixErrors(parts[0] ?? '') : [];
  return [...prefix, ...nameErrors(parts.at(-1) ?? '')];
}

function prefixErrors(prefix: string): string[] {
  if (prefix === '') return ['prefix part must be non-empty'];
  const errors: string[] = [];
  if (byteLength(prefix) > PREFIX_MAX_BYTES) errors.push(maxLengthError(PREFIX_MAX_BYTES));
  if (!DNS_SUBDOMAIN_PATTERN.test(prefix)) errors.push(regexError(DNS_SUBDOMAIN_MESSAGE, DNS_SUBDOMAIN_FORMAT, ['example.com']));
  return errors.map((error) => `prefix part ${error}`);
}

function nameErrors(name: string): string[] {
  const errors: string[] = [];
  if (name === '') errors.push('name part must be non-empty');
  else if (byteLength(name) > NAME_MAX_BYTES) errors.push(`name part ${maxLengthError(NAME_MAX_BYTES)}`);
  if (!LABEL_KEY_PATTERN.test(name)) errors.push(`name part ${regexError(LABEL_KEY_MESSAGE, LABEL_KEY_FORMAT, LABEL_KEY_EXAMPLES)}`);
  return errors;
}

function labelValueErrors(value: string): string[] {
  const errors: string[] = [];
  if (byteLength(value) > VALUE_MAX_BYTES) errors.push(maxLengthError(VALUE_MAX_BYTES));
  if (!LABEL_VALUE_PATTERN.test(value)) errors.push(regexError(LABEL_VALUE_MESSAGE, LABEL_VALUE_FORMAT, LABEL_VALUE_EXAMPLES));
  return errors;
}

function maxLengthError(limit: number): string {
  return `must be no more than ${limit} bytes`;
}

/** `content.RegexError`, whose `', ' + ' or '` joins leave two spaces between examples. */
function regexError(message: string, format: string, examples: readonly string[]): string {
  const shown = examples.map((example, index) => `${index > 0 ? ' or ' : ''}'${example}', `).join('');
  return `${message} (e.g. ${shown}regex used for validation is '${format}')`;
}

// Go measures lengths in bytes of UTF-8.
function byteLength(text: string): number {
  return Buffer.byteLength(text, 'utf8');
}

// ---------------------------------------------------------------------------------------------
// Field selector terms (apimachinery's `fields.ParseSelector`)

const FIELD_OPERATORS = ['!=', '==', '='] as const;
const ESCAPABLE = new Set(['\\', ',', '=']);

/** Splits on commas not escaped by a backslash; escapes stay in the terms. */
function splitTerms(text: string): string[] {
  if (text === '') return [];
  const terms: string[] = [];
  let start = 0;
  let escaped = false;
  for (let index = 0; index < text.length; index++) {
    const character = text.charAt(index);
    if (escaped) escaped = false;
    else if (character === '\\') escaped = true;
    else if (character === ',') {
      terms.push(text.slice(start, index));
      start = index + 1;
    }
  }
  return [...terms, text.slice(start)];
}

function parseFieldTerm(selector: string, term: string): FieldRequirement {
  const split = splitTerm(term);
  if (split === undefined) throw badRequest(`invalid selector: '${selector}'; can't understand '${term}'`);
  return { field: split.field, operator: split.operator === '!=' ? '!=' : '=', value: unescapeValue(split.value) };
}

/** The first operator in the term splits it; field names cannot escape an operator. */
function splitTerm(term: string): { field: string; operator: string; value: string } | undefined {
  for (let index = 0; index < term.length; index++) {
    const operator = FIELD_OPERATORS.find((candidate) => term.startsWith(candidate, index));
    if (operator !== undefined) return { field: term.slice(0, index), operator, value: term.slice(index + operator.length) };
  }
  return undefined;
}

function unescapeValue(value: string): string {
  let result = '';
  let escaped = false;
  for (const character of value) {
    if (escaped) {
      if (!ESCAPABLE.has(character)) throw badRequest(`invalid field selector: invalid escape sequence: \\${character}`);
      result += character;
      escaped = false;
    } else if (character === '\\') {
      escaped = true;
    } else if (character === ',' || character === '=') {
      // Go formats the character (a rune) with %v, which prints its number: `=` is 61.
      throw badRequest(`invalid field selector: unescaped character in value: ${character.codePointAt(0)}`);
    } else {
      result += character;
    }
  }
  if (escaped) throw badRequest('invalid field selector: invalid escape sequence: \\');
  return result;
}

// ---------------------------------------------------------------------------------------------
// Go formatting and ordering

const INT64_PATTERN = /^[+-]?[0-9]+$/;
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/** `strconv.ParseInt(text, 10, 64)`, or `undefined` where Go reports an error. */
function parseInt64(text: string): bigint | undefined {
  if (!INT64_PATTERN.test(text)) return undefined;
  const value = BigInt(text);
  return value >= INT64_MIN && value <= INT64_MAX ? value : undefined;
}

/** Go sorts strings by their UTF-8 bytes, which is code point order, not UTF-16 order. */
function compareBytes(left: string, right: string): number {
  return Buffer.compare(Buffer.from(left, 'utf8'), Buffer.from(right, 'utf8'));
}

function sortedUnique(values: readonly string[]): string[] {
  return [...new Set(values)].sort(compareBytes);
}

const GO_ESCAPES = new Map([
  ['\x07', '\\a'],
  ['\b', '\\b'],
  ['\f', '\\f'],
  ['\n', '\\n'],
  ['\r', '\\r'],
  ['\t', '\\t'],
  ['\v', '\\v'],
  ['"', '\\"'],
  ['\\', '\\\\'],
]);
// `strconv.IsPrint`: letters, marks, numbers, punctuation, symbols and the ASCII space.
const PRINTABLE = /^[\p{L}\p{M}\p{N}\p{P}\p{S} ]$/u;

/** Go's `%q` of a string (`strconv.Quote`). */
function goQuote(text: string): string {
  return `"${[...text].map(quoteCharacter).join('')}"`;
}

function quoteCharacter(character: string): string {
  const escape = GO_ESCAPES.get(character);
  if (escape !== undefined) return escape;
  if (PRINTABLE.test(character)) return character;
  const code = character.codePointAt(0) ?? 0;
  if (code < 0x20 || code === 0x7f) return `\\x${hex(code, 2)}`;
  return code < 0x10000 ? `\\u${hex(code, 4)}` : `\\U${hex(code, 8)}`;
}

function hex(code: number, digits: number): string {
  return code.toString(16).padStart(digits, '0');
}

/** Go's `%#v` of a `[]string`; the requirement code passes a nil slice when there are no values. */
function goStringSlice(values: readonly string[]): string {
  return values.length === 0 ? '[]string(nil)' : `[]string{${values.map(goQuote).join(', ')}}`;
}
