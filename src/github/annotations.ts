import { isAbsolute, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AnnotationProperties } from '@actions/core';
import type { FindingReport } from '../check/report.ts';
import type { DiffReport, ScenarioDiff } from '../diff/diff-report.ts';
import { findingNumber, findingTitle, reproduceCommands, traceShape } from '../report/describe.ts';
import { shellWord } from '../report/escape.ts';

/** The levels of workflow annotations, most important first. */
export type AnnotationLevel = 'error' | 'warning' | 'notice';

/** One annotation to emit: the caller passes it on as `core[level](message, properties)`. */
export interface Annotation {
  readonly level: AnnotationLevel;
  readonly message: string;
  readonly properties: AnnotationProperties;
}

/** The annotations of a diff, most important first, and how many of each level did not fit under the runner's limits. */
export interface AnnotationPlan {
  readonly annotations: readonly Annotation[];
  readonly omitted: Readonly<Record<AnnotationLevel, number>>;
}

/** Where the stack frames of head's code point to and what the annotation paths are relative to. */
export interface AnnotationOptions {
  /** GITHUB_WORKSPACE: annotation paths are relative to it */
  readonly workspace: string;
  /** the repository's root folder in the workspace (default: the workspace) */
  readonly repository?: string;
  /** where head's code ran when not from `repository` (a temporary worktree): its files map onto `repository`'s */
  readonly checkout?: string;
}

/** A source position of a stack frame, relative to the workspace. */
export interface SourceLocation {
  /** relative to the workspace, with `/` separators */
  readonly file: string;
  readonly line: number;
  readonly column: number;
}

/** The runner shows at most this many annotations of each level per step (50 in all per job). */
export const ANNOTATIONS_PER_LEVEL = 10;

/** Kinds of new findings in the order a reader should see them; kinds not listed come after. */
const KIND_ORDER = ['invariant', 'non-convergence', 'unstable-convergence', 'nondeterministic-reconcile', 'reconcile-timeout', 'bound-reached'];

const LEVELS: readonly AnnotationLevel[] = ['error', 'warning', 'notice'];

/** A new finding with the scenarios it is new in (the same finding in several scenarios is annotated once). */
interface Entry {
  readonly level: AnnotationLevel;
  readonly kind: string;
  readonly title: string;
  readonly headline: string;
  readonly location: SourceLocation | undefined;
  readonly occurrences: { readonly scenario: ScenarioDiff; readonly finding: FindingReport }[];
}

/**
 * The annotations for a diff's new findings: a new `controller-error` at the controller's source
 * line (the first frame of its stack inside the repository), other new findings as notices without
 * a file; errors first, at most ANNOTATIONS_PER_LEVEL of each level.
 */
export function diffAnnotations(report: DiffReport, options: AnnotationOptions): AnnotationPlan {
  // New findings fail the check under these policies, so a new controller error is an error; otherwise a warning.
  const failing = report.verdict.failOn === 'new-findings' || report.verdict.failOn === 'any-finding';
  const entries = new Map<string, Entry>();
  for (const scenario of report.scenarios) {
    for (const finding of scenario.findings.new) {
      const thrown = finding.kind === 'controller-error';
      const level: AnnotationLevel = thrown ? (failing ? 'error' : 'warning') : 'notice';
      const location = thrown ? sourceLocation(finding.message, options) : undefined;
      const title = findingTitle(finding, (text) => text);
      const headline = firstLine(finding.message);
      const key = JSON.stringify([level, finding.kind, title, headline, location]);
      const entry = entries.get(key) ?? { level, kind: finding.kind, title, headline, location, occurrences: [] };
      entry.occurrences.push({ scenario, finding });
      entries.set(key, entry);
    }
  }
  const ordered = [...entries.values()].sort((a, b) => rank(a) - rank(b));
  const annotations: Annotation[] = [];
  const omitted: Record<AnnotationLevel, number> = { error: 0, warning: 0, notice: 0 };
  for (const entry of ordered) {
    if (annotations.filter((annotation) => annotation.level === entry.level).length >= ANNOTATIONS_PER_LEVEL) omitted[entry.level] += 1;
    else annotations.push(annotationOf(entry));
  }
  return { annotations, omitted };
}

/**
 * The first frame of a V8 stack that points into the repository (not into node_modules, Node's
 * internals or elsewhere on the machine), relative to the workspace.
 */
export function sourceLocation(stack: string, options: AnnotationOptions): SourceLocation | undefined {
  const workspace = resolve(options.workspace);
  const repository = resolve(workspace, options.repository ?? '.');
  const checkout = options.checkout === undefined ? undefined : resolve(options.checkout);
  for (const line of stack.split('\n')) {
    const frame = framePosition(line);
    if (!frame) continue;
    let file = frame.path;
    if (file.startsWith('file://')) {
      try {
        file = fileURLToPath(file);
      } catch {
        continue;
      }
    } else if (/^[a-z][\w+.-]*:/i.test(file) && !/^[a-z]:[\\/]/i.test(file)) {
      continue; // node:internal, data:, http:, evalmachine.<anonymous>: — not a file
    }
    if (!isAbsolute(file)) file = resolve(repository, file);
    if (checkout !== undefined && inside(checkout, file)) file = resolve(repository, relative(checkout, file));
    if (!inside(repository, file) || !inside(workspace, file)) continue;
    const path = relative(workspace, file).split(sep).join('/');
    if (path.split('/').includes('node_modules')) continue;
    return { file: path, line: frame.line, column: frame.column };
  }
  return undefined;
}

/** `path`, line and column of a stack line (`    at name (path:line:column)` or `    at path:line:column`); undefined for any other line. */
function framePosition(line: string): { path: string; line: number; column: number } | undefined {
  const body = /^\s*at\s+(.*)$/.exec(line)?.[1]?.trim();
  if (body === undefined) return undefined;
  // `name (location)`: the location is in the last parentheses; `eval at` frames point into generated code.
  const location = body.endsWith(')') && body.includes('(') ? body.slice(body.lastIndexOf('(') + 1, -1) : body;
  if (body.includes('eval at ')) return undefined;
  const match = /^(.+):(\d+):(\d+)$/.exec(location.replace(/^async\s+/, ''));
  if (!match) return undefined;
  const [, path, lineText, columnText] = match;
  return { path: path!, line: Number(lineText), column: Number(columnText) };
}

function inside(folder: string, file: string): boolean {
  const path = relative(folder, file);
  return path !== '' && !path.startsWith(`..${sep}`) && path !== '..' && !isAbsolute(path);
}

/** Errors before warnings before notices; within a level, anchored ones first, then by kind, then in report order. */
function rank(entry: Entry): number {
  const kind = entry.kind === 'controller-error' ? -1 : KIND_ORDER.indexOf(entry.kind) === -1 ? KIND_ORDER.length : KIND_ORDER.indexOf(entry.kind);
  return LEVELS.indexOf(entry.level) * 1000 + (entry.location ? 0 : 100) + kind;
}

function annotationOf(entry: Entry): Annotation {
  const scenarios = entry.occurrences.map((occurrence) => occurrence.scenario.name);
  const [first] = entry.occurrences;
  const number = first ? findingNumber(first.scenario, first.finding) : undefined;
  const lines = [
    entry.headline || entry.title,
    '',
    `New in ${scenarios.length === 1 ? 'scenario' : 'scenarios'} ${scenarios.join(', ')}; the shortest trace: ${first ? traceShape(first.finding.trace) : 'none'}.`,
  ];
  if (first) lines.push('Step through it locally:', ...reproduceCommands(first.scenario.name, number === undefined ? {} : { finding: number }, shellWord));
  const properties: AnnotationProperties = {
    title: `Fixpoint: ${entry.title}`,
    ...(entry.location ? { file: entry.location.file, startLine: entry.location.line, startColumn: entry.location.column } : {}),
  };
  return { level: entry.level, message: lines.join('\n'), properties };
}

function firstLine(text: string): string {
  return (text.split('\n').find((line) => line.trim() !== '') ?? '').trim();
}
