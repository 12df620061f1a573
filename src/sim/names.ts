import { hash } from 'node:crypto';
import type { FieldError } from './status.ts';

/** How a kind's object names are validated (apimachinery `ValidateObjectMeta` name functions). */
export type NameRule = 'subdomain' | 'label' | 'dns1035-label';

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const DNS1035_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;

const RULES: Record<NameRule, { pattern: RegExp; maxLength: number; message: string }> = {
  subdomain: {
    pattern: DNS1123_SUBDOMAIN,
    maxLength: 253,
    message:
      "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')",
  },
  label: {
    pattern: DNS1123_LABEL,
    maxLength: 63,
    message:
      "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')",
  },
  'dns1035-label': {
    pattern: DNS1035_LABEL,
    maxLength: 63,
    message:
      "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')",
  },
};

/** The field errors for an object name, as the apiserver words them; empty when the name is valid. */
export function nameErrors(name: string, rule: NameRule, field = 'metadata.name'): FieldError[] {
  const { pattern, maxLength, message } = RULES[rule];
  const errors: FieldError[] = [];
  if (name.length > maxLength) {
    errors.push({ field, reason: 'FieldValueInvalid', detail: `Invalid value: ${JSON.stringify(name)}: must be no more than ${maxLength} characters` });
  }
  if (!pattern.test(name)) errors.push({ field, reason: 'FieldValueInvalid', detail: `Invalid value: ${JSON.stringify(name)}: ${message}` });
  return errors;
}

/** The alphabet of apimachinery's random suffixes (no vowels, no confusable characters). */
const SUFFIX_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';
const SUFFIX_LENGTH = 5;
const MAX_GENERATED_NAME_LENGTH = 63 - SUFFIX_LENGTH;

/**
 * The name `generateName` yields: the prefix (cut to 58 characters, as the apiserver does) plus a
 * five-character suffix. The suffix is the first of a fixed sequence that is not taken, so it
 * derives from the state, never from a counter: the same state always yields the same name.
 */
export function generateName(prefix: string, isTaken: (name: string) => boolean): string {
  const base = prefix.length > MAX_GENERATED_NAME_LENGTH ? prefix.slice(0, MAX_GENERATED_NAME_LENGTH) : prefix;
  for (let ordinal = 0; ; ordinal += 1) {
    const name = base + suffix(base, ordinal);
    if (!isTaken(name)) return name;
  }
}

function suffix(prefix: string, ordinal: number): string {
  const digest = hash('md5', `${prefix}\n${ordinal}`, 'buffer');
  let text = '';
  for (let index = 0; index < SUFFIX_LENGTH; index += 1) text += SUFFIX_ALPHABET[(digest[index] ?? 0) % SUFFIX_ALPHABET.length];
  return text;
}
