import { styleText } from 'node:util';
import type { FindingReport, Report, ScenarioReport, TraceReport, TraceStepReport, WriteReport } from '../check/report.ts';
import type { FieldChange } from '../model/cluster/diff.ts';
import type { ConvergedChange, DiffReport, ScenarioDiff } from '../diff/diff-report.ts';
import {
  countText,
  changeReasons,
  diffSeverity,
  durationText,
  findingNumber,
  findingTitle,
  formatValue,
  listText,
  measured,
  notCheckedGroups,
  objectLabel,
  reasonGroups,
  reproduceCommands,
  scenarioOutcome,
  sideName,
  sides,
  traceShape,
  type Severity,
} from './describe.ts';
import { shellWord, withoutControls } from './escape.ts';

/** Colours only where a person reads them. */
export interface TerminalStyle {
  readonly color: boolean;
}

type Color = Parameters<typeof styleText>[0];

function paint(style: TerminalStyle, color: Color, text: string): string {
  return style.color ? styleText(color, text) : text;
}

/** The human summary of a check: each scenario's status, converged states and findings with their traces. */
export function renderReport(report: Report, style: TerminalStyle): string {
  const lines: string[] = [];
  for (const scenario of report.scenarios) lines.push(...renderScenario(scenario, style), '');
  const findings = report.scenarios.reduce((total, scenario) => total + scenario.findings.length, 0);
  const errors = report.scenarios.filter((scenario) => scenario.status === 'error').length;
  const bounded = report.scenarios.filter((scenario) => scenario.status === 'bounded').length;
  const verdict =
    findings === 0 && errors === 0
      ? paint(style, 'green', `✔ no findings in ${countText(report.scenarios.length, 'scenario')}`)
      : paint(style, 'red', `✖ ${countText(findings, 'finding')}${errors > 0 ? `, ${countText(errors, 'scenario')} could not run` : ''}${bounded > 0 ? `, ${bounded} cut by a bound (partial)` : ''}`);
  lines.push(verdict);
  return lines.join('\n');
}

function renderScenario(scenario: ScenarioReport, style: TerminalStyle): string[] {
  const { stats } = scenario;
  const status = scenario.status === 'complete' ? paint(style, 'green', 'complete') : paint(style, scenario.status === 'error' ? 'red' : 'yellow', scenario.status);
  const lines = [
    `${paint(style, 'bold', `scenario ${scenario.name}`)}: ${status} · ${countText(stats.states, 'state')}, ${countText(stats.transitions, 'transition')}, ${countText(stats.reconciles, 'reconcile')}, depth ${stats.depth}, ${(stats.durationMs / 1000).toFixed(1)} s`,
  ];
  if (scenario.error) lines.push(`  ${paint(style, 'red', scenario.error)}`);
  lines.push(`  converged states: ${scenario.converged.length}`);
  for (const converged of scenario.converged) {
    lines.push(`    ${converged.id}: ${countText(converged.objects.length, 'object')}, reached in ${countText(converged.trace.steps.length, 'step')}`);
  }
  lines.push(`  findings: ${scenario.findings.length === 0 ? 'none' : scenario.findings.length}`);
  scenario.findings.forEach((finding, index) => lines.push(...renderFinding(finding, index + 1, style).map((line) => `    ${line}`)));
  return lines;
}

/** One finding: its kind, message and minimal trace. */
export function renderFinding(finding: FindingReport, number: number, style: TerminalStyle): string[] {
  const about = finding.controller ?? finding.subject;
  const lines = [`${number}. ${paint(style, 'red', finding.kind)}${about ? ` (${about})` : ''}: ${finding.message.split('\n')[0] ?? ''}`];
  for (const extra of finding.message.split('\n').slice(1, 6)) lines.push(`   ${paint(style, 'dim', extra.trim())}`);
  lines.push(`   ${describeTrace(finding.trace)}:`);
  lines.push(...renderTrace(finding.trace, style).map((line) => `     ${line}`));
  return lines;
}

function describeTrace(trace: TraceReport): string {
  return `shortest trace: ${countText(trace.steps.length, 'step')}${trace.faults > 0 ? `, ${countText(trace.faults, 'fault')}` : ''}`;
}

/** Steps a terminal trace shows at each end before it folds the middle (`fixpoint explain` shows all). */
const SHOWN_AT_EACH_END = 6;

/** A trace, one line per step (writes summarised); a cycle's repeating turn marked; a long middle folded. */
export function renderTrace(trace: TraceReport, style: TerminalStyle): string[] {
  const lines = trace.steps.map((step, index) => {
    const marker = trace.cycleStart !== undefined && index === trace.cycleStart ? paint(style, 'yellow', '↻ ') : '';
    return `${marker}${index + 1}. ${summariseStep(step, style)}`;
  });
  if (lines.length <= 2 * SHOWN_AT_EACH_END + 1) return lines;
  const folded = lines.length - 2 * SHOWN_AT_EACH_END;
  return [...lines.slice(0, SHOWN_AT_EACH_END), paint(style, 'dim', `… ${folded} more steps (fixpoint explain shows them all)`), ...lines.slice(-SHOWN_AT_EACH_END)];
}

function summariseStep(step: TraceStepReport, style: TerminalStyle): string {
  const writes = step.writes.map(summariseWrite).join(', ');
  const fault = step.fault ? paint(style, 'magenta', ` [${step.fault}]`) : '';
  const result = step.result && step.result !== 'done' ? ` → ${step.result.split('\n')[0]}` : '';
  return `${step.label}${writes ? `: ${writes}` : ''}${result}${fault}`;
}

function summariseWrite(write: WriteReport): string {
  return `${write.verb} ${write.kind} ${objectName(write)}${write.subresource ? `/${write.subresource}` : ''} (${write.code}${write.reason ? ` ${write.reason}` : ''})`;
}

function objectName(write: WriteReport): string {
  return `${write.namespace === undefined ? '' : `${write.namespace}/`}${write.name ?? ''}`;
}

/** A trace in full, for `fixpoint explain`: each step, each write with its field-level diff, each fault marked. */
export function explainTrace(trace: TraceReport, style: TerminalStyle): string {
  const lines: string[] = [describeTrace(trace), ''];
  trace.steps.forEach((step, index) => {
    if (trace.cycleStart !== undefined && index === trace.cycleStart) lines.push(paint(style, 'yellow', '↻ from here on the steps repeat forever'), '');
    lines.push(paint(style, 'bold', `step ${index + 1}: ${step.label}`));
    lines.push(`  actor: ${step.actor}${step.request ? ` · request ${step.request}` : ''}`);
    if (step.fault) lines.push(`  ${paint(style, 'magenta', `fault: ${step.fault}`)}`);
    if (step.writes.length === 0) lines.push('  no writes');
    for (const write of step.writes) {
      lines.push(`  ${summariseWrite(write)}`);
      for (const change of write.changes) lines.push(`    ${renderChange(change, style)}`);
    }
    if (step.result) lines.push(`  result: ${step.result}`);
    lines.push('');
  });
  return lines.join('\n');
}

function renderChange(change: FieldChange, style: TerminalStyle): string {
  const before = change.before === undefined ? '(absent)' : JSON.stringify(change.before);
  const after = change.after === undefined ? '(absent)' : JSON.stringify(change.after);
  return `${change.path}: ${paint(style, 'red', before)} → ${paint(style, 'green', after)}`;
}



// ---------------------------------------------------------------------------------------------
// `fixpoint diff` on a terminal.

const SEVERITY_MARKS: Record<Severity, { readonly mark: string; readonly color: Color }> = {
  fail: { mark: '✖', color: 'red' },
  warn: { mark: '⚠', color: 'yellow' },
  info: { mark: 'ℹ', color: 'cyan' },
  ok: { mark: '✔', color: 'green' },
};

function severityText(style: TerminalStyle, severity: Severity, text: string): string {
  const { mark, color } = SEVERITY_MARKS[severity];
  return paint(style, color, `${mark} ${text}`);
}

/** The report of `fixpoint diff` for a terminal: verdict, a table of scenarios, why they were checked, then new findings with traces and converged states that changed. */
export function renderDiff(diff: DiffReport, style: TerminalStyle): string {
  // Names come from the code under review: no escape sequence of theirs reaches the terminal.
  const clean = withoutTerminalControls(diff);
  const lines: string[] = [diffVerdict(clean, style), ''];
  for (const side of ['head', 'base'] as const) {
    const error = clean[side].error;
    if (error === undefined) continue;
    lines.push(paint(style, 'red', `${side} ${sideName(clean[side])} could not be built or loaded; ${side === 'head' ? 'base' : 'head'} was still checked:`));
    lines.push(...error.split('\n').slice(0, 20).map((line) => `  ${line}`), '');
  }
  const tabled = clean.scenarios.filter((scenario) => scenario.status !== 'not-checked');
  if (tabled.length > 0) lines.push(...scenarioColumns(tabled, clean.verdict.failOn, style), '');
  lines.push(...whyLines(clean), '');
  for (const scenario of tabled) lines.push(...scenarioDetail(scenario, clean.verdict.failOn, style));
  return lines.join('\n').replace(/\n{3,}/g, '\n\n').trimEnd();
}

function diffVerdict(diff: DiffReport, style: TerminalStyle): string {
  const severity = diffSeverity(diff.verdict.failed, [diff.base, diff.head], diff.scenarios, diff.verdict.failOn);
  const verdict = severityText(style, severity === 'info' ? 'ok' : severity, `fixpoint diff: ${diff.verdict.summary}`);
  return `${paint(style, 'bold', verdict)}  (base ${sideName(diff.base)} → head ${sideName(diff.head)})`;
}

/** One line per scenario, columns padded to line up. */
function scenarioColumns(scenarios: readonly ScenarioDiff[], failOn: DiffReport['verdict']['failOn'], style: TerminalStyle): string[] {
  const number = (value: number) => value.toLocaleString('en-US');
  const pair = (values: { base: string; head: string }) => `${values.base} → ${values.head}`;
  const rows = scenarios.map((scenario) => {
    const base = measured(scenario.base);
    const head = measured(scenario.head);
    const status = sides(scenario.base?.status, scenario.head?.status, (value) => value);
    return [
      scenario.name,
      pair(sides(base?.stats.states, head?.stats.states, number)),
      pair(sides(base?.converged.length, head?.converged.length, number)),
      pair(sides(base?.findings.length, head?.findings.length, number)),
      status.base === status.head ? status.base : `${status.base} → ${status.head}`,
      pair(sides(scenario.base?.stats.durationMs, scenario.head?.stats.durationMs, durationText)),
    ];
  });
  const header = ['scenario', 'states', 'converged', 'findings', 'status', 'time'];
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => (row[column] ?? '').length)));
  const pad = (row: readonly string[]) => row.map((value, column) => value.padEnd(widths[column] ?? 0)).join('  ');
  return [
    paint(style, 'dim', `${pad(header)}  result`),
    ...rows.map((row, index) => {
      const scenario = scenarios[index];
      if (scenario === undefined) return pad(row);
      const outcome = scenarioOutcome(scenario, failOn);
      return `${pad(row)}  ${severityText(style, outcome.severity, outcome.parts.map((part) => part.text).join(', '))}`;
    }),
  ];
}

function whyLines(diff: DiffReport): string[] {
  const lines: string[] = [];
  const reasons = changeReasons(diff.changes, (name) => name);
  if (reasons.length > 0) lines.push(`checked because ${reasons.join('; ')}`);
  else for (const group of reasonGroups(diff.scenarios.filter((scenario) => scenario.status === 'checked' || scenario.status === 'added'))) lines.push(`checked: ${listText(group.names, 30, 'scenario')} (${group.reason})`);
  for (const group of notCheckedGroups(diff.scenarios)) lines.push(`not re-checked: ${listText(group.names, 30, 'scenario')} (${group.reason})`);
  return lines;
}

/** A scenario's new findings with their traces and how to reproduce them, its converged states that changed, its fixed and remaining findings. */
function scenarioDetail(scenario: ScenarioDiff, failOn: DiffReport['verdict']['failOn'], style: TerminalStyle): string[] {
  const lines: string[] = [];
  for (const side of ['head', 'base'] as const) {
    const report = scenario[side];
    if (report?.status === 'error') lines.push(paint(style, 'red', `${scenario.name} could not run on ${side}: ${report.error ?? 'no reason given'}`), '');
  }
  const severity: Severity = failOn === 'new-findings' || failOn === 'any-finding' ? 'fail' : 'warn';
  for (const finding of scenario.findings.new) {
    const number = findingNumber(scenario, finding);
    lines.push(paint(style, 'bold', severityText(style, severity, `new finding in ${scenario.name}: ${findingTitle(finding, (name) => name)}`)));
    lines.push(...finding.message.split('\n').slice(0, 12).map((line) => `  ${line}`));
    lines.push(`  shortest trace: ${traceShape(finding.trace)}`);
    lines.push(...renderTrace(finding.trace, style).map((line) => `    ${line}`));
    lines.push(`  reproduce: ${reproduceCommands(scenario.name, { finding: number }, shellWord).join('\n             ')}`, '');
  }
  for (const [side, changes] of [['head', scenario.converged.added], ['base', scenario.converged.removed]] as const) {
    for (const change of changes) lines.push(...convergedChange(scenario.name, side, change, style), '');
  }
  for (const finding of scenario.findings.fixed) lines.push(severityText(style, 'ok', `fixed in ${scenario.name}: ${findingTitle(finding, (name) => name)} — ${finding.message.split('\n')[0] ?? ''}`));
  for (const finding of scenario.findings.stillPresent) lines.push(paint(style, 'dim', `still present in ${scenario.name}: ${findingTitle(finding, (name) => name)} — ${finding.message.split('\n')[0] ?? ''}`));
  if (scenario.findings.fixed.length + scenario.findings.stillPresent.length > 0) lines.push('');
  return lines;
}

/** A converged state only one side reaches, with the fields that differ from the other side's closest state. */
function convergedChange(scenario: string, side: 'base' | 'head', change: ConvergedChange, style: TerminalStyle): string[] {
  const id = change.state.id.slice(0, 8);
  const title = side === 'head' ? `new converged state in ${scenario}: ${id}` : `converged state gone in ${scenario}: ${id}`;
  const other = side === 'head' ? 'base' : 'head';
  const { closest } = change;
  if (closest === undefined) {
    return [paint(style, 'yellow', `${title} (${other} has no converged state to compare it with)`), ...change.state.objects.slice(0, 10).map((object) => `    ${objectLabel(object)}`)];
  }
  const lines = [paint(style, 'yellow', `${title} (closest ${other} state ${closest.id.slice(0, 8)}, ${countText(closest.differences.length, 'field')} differ${closest.differences.length === 1 ? 's' : ''})`)];
  const width = Math.max(0, ...closest.differences.map((difference) => difference.object.length));
  for (const difference of closest.differences.slice(0, 40)) {
    const before = formatValue(difference.base) ?? '(absent)';
    const after = formatValue(difference.head) ?? '(absent)';
    lines.push(`    ${difference.object.padEnd(width)}  ${difference.path || '(whole object)'}: ${paint(style, 'red', before)} → ${paint(style, 'green', after)}`);
  }
  if (closest.differences.length > 40) lines.push(`    … ${closest.differences.length - 40} more fields`);
  return lines;
}

/** A copy of a value with every string stripped of terminal controls (escape sequences, bidi overrides). */
function withoutTerminalControls<T>(value: T): T {
  if (typeof value === 'string') return withoutControls(value) as T;
  if (Array.isArray(value)) return value.map(withoutTerminalControls) as T;
  if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([key, entry]) => [key, withoutTerminalControls(entry)])) as T;
  return value;
}
