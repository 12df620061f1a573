import { styleText } from 'node:util';
import type { FindingReport, Report, ScenarioReport, TraceReport, TraceStepReport, WriteReport } from '../check/report.ts';
import type { FieldChange } from '../model/cluster/diff.ts';

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
      ? paint(style, 'green', `✔ no findings in ${report.scenarios.length} scenario${plural(report.scenarios.length)}`)
      : paint(style, 'red', `✖ ${findings} finding${plural(findings)}${errors > 0 ? `, ${errors} scenario${plural(errors)} could not run` : ''}${bounded > 0 ? `, ${bounded} cut by a bound (partial)` : ''}`);
  lines.push(verdict);
  return lines.join('\n');
}

function renderScenario(scenario: ScenarioReport, style: TerminalStyle): string[] {
  const { stats } = scenario;
  const status = scenario.status === 'complete' ? paint(style, 'green', 'complete') : paint(style, scenario.status === 'error' ? 'red' : 'yellow', scenario.status);
  const lines = [
    `${paint(style, 'bold', `scenario ${scenario.name}`)}: ${status} · ${count(stats.states, 'state')}, ${count(stats.transitions, 'transition')}, ${count(stats.reconciles, 'reconcile')}, depth ${stats.depth}, ${(stats.durationMs / 1000).toFixed(1)} s`,
  ];
  if (scenario.error) lines.push(`  ${paint(style, 'red', scenario.error)}`);
  lines.push(`  converged states: ${scenario.converged.length}`);
  for (const converged of scenario.converged) {
    lines.push(`    ${converged.id}: ${converged.objects.length} object${plural(converged.objects.length)}, reached in ${count(converged.trace.steps.length, 'step')}`);
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
  return `shortest trace: ${count(trace.steps.length, 'step')}${trace.faults > 0 ? `, ${count(trace.faults, 'fault')}` : ''}`;
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

function plural(count: number): string {
  return count === 1 ? '' : 's';
}

function count(value: number, noun: string): string {
  return `${value.toLocaleString('en-US')} ${noun}${plural(value)}`;
}
