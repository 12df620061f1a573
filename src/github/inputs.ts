import { getInput } from '@actions/core';
import { didYouMean } from '../check/suggest.ts';
import type { FailOn } from '../diff/diff-report.ts';
import type { CommentMode } from './sticky-comment.ts';

/** `check` runs fixpoint diff; `comment` only posts the report a fork-safe `check` run uploaded (the `workflow_run` companion). */
export type ActionMode = 'check' | 'comment';

/** The Action's inputs, validated and with their defaults filled in. */
export interface ActionInputs {
  /** fixpoint.yaml's path, relative to the working directory */
  readonly config: string;
  /** the token for comments and API calls; empty when none was given */
  readonly githubToken: string;
  /** the base ref or SHA; absent: taken from the event */
  readonly base?: string;
  /** the head ref or SHA; absent: taken from the event */
  readonly head?: string;
  /** the folder to run in, relative to the workspace */
  readonly workingDirectory: string;
  /** replaces the lockfile's install command on both sides */
  readonly installCommand?: string;
  readonly failOn: FailOn;
  readonly comment: CommentMode;
  /** replaces every scenario's bounds.maxStates; absent: as fixpoint.yaml says */
  readonly maxStates?: number;
  /** replaces every scenario's bounds.timeoutSeconds; absent: as fixpoint.yaml says */
  readonly timeoutSeconds?: number;
  readonly mode: ActionMode;
}

/** The values `fail-on` accepts. */
export const FAIL_ON_VALUES: readonly FailOn[] = ['new-findings', 'any-finding', 'converged-change', 'never'];

/** The values `comment` accepts. */
export const COMMENT_VALUES: readonly CommentMode[] = ['update', 'recreate', 'off'];

/** The values `mode` accepts. */
export const MODE_VALUES: readonly ActionMode[] = ['check', 'comment'];

/** The names of every input action.yml declares, as the workflow spells them. */
export const INPUT_NAMES = [
  'config',
  'github-token',
  'base',
  'head',
  'working-directory',
  'install-command',
  'fail-on',
  'comment',
  'max-states',
  'timeout-seconds',
  'mode',
] as const;

/** One or more inputs with values the Action cannot use; the message names each input and what it accepts. */
export class InputError extends Error {
  /** the inputs at fault, as the workflow spells them */
  readonly inputs: readonly string[];

  constructor(problems: readonly { readonly input: string; readonly message: string }[]) {
    super(problems.map((problem) => problem.message).join('\n'));
    this.name = 'InputError';
    this.inputs = problems.map((problem) => problem.input);
  }
}

/**
 * Reads the Action's inputs (`INPUT_<NAME>` through @actions/core, hyphens kept), fills in the
 * defaults action.yml declares and checks every value; all problems are reported at once.
 */
export function readInputs(): ActionInputs {
  const problems: { input: string; message: string }[] = [];
  const text = (name: (typeof INPUT_NAMES)[number]): string | undefined => {
    const value = getInput(name);
    return value === '' ? undefined : value;
  };
  const choice = <T extends string>(name: (typeof INPUT_NAMES)[number], allowed: readonly T[], fallback: T): T => {
    const value = text(name);
    if (value === undefined) return fallback;
    const match = allowed.find((candidate) => candidate === value);
    if (match !== undefined) return match;
    problems.push({ input: name, message: `input "${name}" must be one of ${allowed.join(', ')}; got "${value}"${didYouMean(value, allowed)}` });
    return fallback;
  };
  const positive = (name: (typeof INPUT_NAMES)[number], whole: boolean): number | undefined => {
    const value = text(name);
    if (value === undefined) return undefined;
    const number = /^\d+(\.\d+)?$/.test(value) ? Number(value) : Number.NaN;
    if (number > 0 && Number.isFinite(number) && (!whole || Number.isInteger(number))) return number;
    problems.push({ input: name, message: `input "${name}" must be ${whole ? 'a whole number' : 'a number'} greater than 0, or empty for fixpoint.yaml's bounds; got "${value}"` });
    return undefined;
  };
  const ref = (name: 'base' | 'head'): string | undefined => {
    const value = text(name);
    if (value === undefined || (!value.startsWith('-') && !/\s/.test(value))) return value;
    problems.push({ input: name, message: `input "${name}" must be a git ref or commit SHA (no spaces, not starting with "-"), or empty to take it from the event; got "${value}"` });
    return undefined;
  };

  const config = text('config') ?? 'fixpoint.yaml';
  const githubToken = text('github-token') ?? '';
  const base = ref('base');
  const head = ref('head');
  const workingDirectory = text('working-directory') ?? '.';
  const installCommand = text('install-command');
  const failOn = choice('fail-on', FAIL_ON_VALUES, 'new-findings');
  const comment = choice('comment', COMMENT_VALUES, 'update');
  const maxStates = positive('max-states', true);
  const timeoutSeconds = positive('timeout-seconds', false);
  const mode = choice('mode', MODE_VALUES, 'check');
  if (mode === 'comment' && githubToken === '') {
    problems.push({ input: 'github-token', message: 'input "github-token" is empty, but mode "comment" posts the PR comment and needs a token with pull-requests: write (the default is ${{ github.token }})' });
  }
  if (mode === 'comment' && comment === 'off') {
    problems.push({ input: 'comment', message: 'input "comment" is "off", but mode "comment" does nothing else than post the comment; use "update" or "recreate", or do not run this step' });
  }
  if (problems.length > 0) throw new InputError(problems);

  return {
    config,
    githubToken,
    ...(base === undefined ? {} : { base }),
    ...(head === undefined ? {} : { head }),
    workingDirectory,
    ...(installCommand === undefined ? {} : { installCommand }),
    failOn,
    comment,
    ...(maxStates === undefined ? {} : { maxStates }),
    ...(timeoutSeconds === undefined ? {} : { timeoutSeconds }),
    mode,
  };
}
