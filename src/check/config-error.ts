import { isAbsolute, relative } from 'node:path';

/** One thing wrong with a config file, located at the YAML node that causes it. */
export interface ConfigProblem {
  /** Absolute path of the config file. */
  readonly file: string;
  /** 1-based line of the offending node; 0 when the problem concerns the whole file (it cannot be read). */
  readonly line: number;
  /** 1-based column of the offending node; 0 when `line` is 0. */
  readonly column: number;
  /** The key path of the offending node, e.g. `scenarios[0].faults.crashes`; empty for the document itself. */
  readonly path: string;
  /** What is wrong and what was expected. */
  readonly message: string;
}

/** A config that cannot be used: every problem found, in document order; the CLI prints the message and exits 2. */
export class ConfigError extends Error {
  /** Every problem, sorted by position. */
  readonly problems: readonly ConfigProblem[];

  constructor(problems: readonly ConfigProblem[]) {
    const sorted = [...problems].sort(compareProblems);
    super(formatProblems(sorted));
    this.name = 'ConfigError';
    this.problems = sorted;
  }
}

/** The human text of problems: a count, then one `file:line:column: path: message` line each (the form editors and terminals link). */
export function formatProblems(problems: readonly ConfigProblem[]): string {
  const count = `${problems.length} problem${problems.length === 1 ? '' : 's'}`;
  return [`invalid config (${count}):`, ...problems.map((problem) => `  ${formatProblem(problem)}`)].join('\n');
}

/** One problem as one line. */
export function formatProblem(problem: ConfigProblem): string {
  const position = problem.line > 0 ? `:${problem.line}:${problem.column}` : '';
  const path = problem.path === '' ? '' : `${problem.path}: `;
  return `${displayPath(problem.file)}${position}: ${path}${problem.message}`;
}

/** A file as the user most likely spelled it: relative to the working directory when inside it. */
function displayPath(file: string): string {
  const shown = relative(process.cwd(), file);
  return shown === '' || shown.startsWith('..') || isAbsolute(shown) ? file : shown;
}

function compareProblems(a: ConfigProblem, b: ConfigProblem): number {
  return a.file.localeCompare(b.file) || a.line - b.line || a.column - b.column || a.path.localeCompare(b.path) || a.message.localeCompare(b.message);
}
