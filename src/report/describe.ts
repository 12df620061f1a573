/**
 * Words for a diff, shared by the Markdown and the terminal renderings: who acted, what a trace's
 * faults were, how a scenario changed. Text only, no escaping: each renderer escapes what it shows
 * (names pass through the renderer's `name` function).
 */
import type { FindingReport, ScenarioReport, TraceReport, TraceStepReport, WriteReport } from '../check/report.ts';
import type { ChangeSummary, FailOn, ScenarioDiff, Side } from '../diff/diff-report.ts';
import type { FieldChange } from '../model/cluster/diff.ts';
import type { JsonObject, JsonValue } from '../sim/index.ts';

/** How a renderer shows a user-written name (a code span in Markdown, plain on a terminal). */
export type Namer = (text: string) => string;

/** A side as the reader knows it: its commit's first 7 hex digits, or its ref (`working tree`). */
export function sideName(side: Side): string {
  return side.sha === undefined ? side.ref : side.sha.slice(0, 7);
}

/** Who took a step. */
export interface Actor {
  readonly role: 'controller' | 'builtin' | 'user' | 'cache' | 'clock' | 'other';
  readonly name: string;
}

/** The actor of a step, from its `controller:NAME` / `builtin:NAME` / `user` / `cache` / `clock` form. */
export function actorOf(step: TraceStepReport): Actor {
  const [prefix, ...rest] = step.actor.split(':');
  const name = rest.join(':');
  if (prefix === 'controller' && name) return { role: 'controller', name };
  if (prefix === 'builtin' && name) return { role: 'builtin', name };
  if (step.actor === 'user' || step.actor === 'cache' || step.actor === 'clock') return { role: step.actor, name: step.actor };
  return { role: 'other', name: step.actor };
}

/** A step's faults split by when they bite: a stale read before the writes (it fed them), a crash after. */
export interface StepFaults {
  readonly before: readonly string[];
  readonly after: readonly string[];
}

/** The faults of a step, in the order a reader should meet them. */
export function stepFaults(step: TraceStepReport): StepFaults {
  // The model joins a step's faults with `; `; splitting only before a known fault keeps a `;` inside a name whole.
  const parts = (step.fault ?? '').split(/;\s*(?=(?:crash|stale read)\b)/).map((part) => part.trim()).filter((part) => part !== '');
  return { before: parts.filter((part) => !isCrash(part)), after: parts.filter(isCrash) };
}

/** Whether a fault text is a crash (the model writes `crash after write N`). */
export function isCrash(fault: string): boolean {
  return /\bcrash/i.test(fault);
}

/** Whether a fault text is a stale read (the model writes `stale read of RESOURCE, N steps back`). */
export function isStaleRead(fault: string): boolean {
  return /\bstale\b/i.test(fault);
}

/** `4 steps, 1 crash, 1 stale read`, and for a cycle where it starts repeating. */
export function traceShape(trace: TraceReport): string {
  const faults = trace.steps.flatMap((step) => [...stepFaults(step).before, ...stepFaults(step).after]);
  const crashes = faults.filter(isCrash).length;
  const staleReads = faults.filter(isStaleRead).length;
  const others = Math.max(0, trace.faults - crashes - staleReads);
  const parts = [countText(trace.steps.length, 'step')];
  if (crashes > 0) parts.push(countText(crashes, 'crash', 'crashes'));
  if (staleReads > 0) parts.push(countText(staleReads, 'stale read'));
  if (others > 0) parts.push(countText(others, 'other fault'));
  const cycle = trace.cycleStart === undefined ? '' : `; from step ${trace.cycleStart + 1} on it repeats forever`;
  return `${parts.join(', ')}${cycle}`;
}

/** `default/r1-server`, with `/status` for a subresource write. */
export function writeTarget(write: WriteReport): string {
  const name = `${write.namespace === undefined ? '' : `${write.namespace}/`}${write.name ?? ''}`;
  return `${name}${write.subresource ? `/${write.subresource}` : ''}`;
}

/** `201`, `409 Conflict`. */
export function writeCode(write: WriteReport): string {
  return `${write.code}${write.reason ? ` ${write.reason}` : ''}`;
}

/** Whether the server refused the write. */
export function writeFailed(write: WriteReport): boolean {
  return write.code >= 400;
}

/** The fields a write is worth showing with: a create lists every field it made (its verb says enough), other writes what they changed. */
export function shownChanges(write: WriteReport): readonly FieldChange[] {
  return write.verb === 'create' ? [] : write.changes;
}

/** How a reconcile ended, when it is worth saying (`done` is not; a crash is shown as the fault). */
export function notableResult(step: TraceStepReport): string | undefined {
  return step.result === undefined || step.result === 'done' || step.result === 'crashed' ? undefined : step.result;
}

/**
 * What a step without a request was about: the user step (`step 2: patch ConfigMap default/c1`),
 * the clock, the cache sync. The label repeats the actor, which the reader sees beside it.
 */
export function stepSubject(step: TraceStepReport): string | undefined {
  if (step.request !== undefined) return step.request;
  const actor = actorOf(step);
  // A builtin's label says what its writes say; a user step's carries its number and file.
  if (actor.role === 'controller' || (actor.role === 'builtin' && step.writes.length > 0)) return undefined;
  for (const prefix of [`${actor.name} `, `${actor.role} `]) if (step.label.startsWith(prefix)) return step.label.slice(prefix.length);
  return step.label;
}

/** A value as a cell shows it: strings bare unless they would read as another type; absent is undefined. */
export function formatValue(value: JsonValue | undefined): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string') return JSON.stringify(value);
  const ambiguous = value === '' || value.trim() !== value || looksLikeJson(value);
  return ambiguous ? JSON.stringify(value) : value;
}

function looksLikeJson(text: string): boolean {
  if (!/^[-\d[{"]|^(true|false|null)$/.test(text)) return false;
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

/** `ConfigMap default/persistence-r1-server-0`: how a diff names an object. */
export function objectLabel(object: JsonObject): string {
  const metadata = (object['metadata'] ?? {}) as JsonObject;
  const namespace = typeof metadata['namespace'] === 'string' ? `${metadata['namespace']}/` : '';
  return `${String(object['kind'] ?? 'object')} ${namespace}${String(metadata['name'] ?? '')}`;
}

/** The kind and the name of an object label (`ConfigMap` and `default/c1`); no kind when the label has no space. */
export function splitObjectLabel(label: string): { readonly kind?: string; readonly name: string } {
  const space = label.indexOf(' ');
  return space <= 0 ? { name: label } : { kind: label.slice(0, space), name: label.slice(space + 1) };
}

/** `0.4 s`, `2 min 5 s`. */
export function durationText(milliseconds: number): string {
  if (milliseconds < 100) return '< 0.1 s';
  if (milliseconds < 60_000) return `${(milliseconds / 1000).toFixed(1)} s`;
  const seconds = Math.round(milliseconds / 1000);
  return `${Math.floor(seconds / 60)} min ${seconds % 60} s`;
}

/** `1 step`, `1,058 states`. */
export function countText(value: number, noun: string, plural = `${noun}s`): string {
  return `${value.toLocaleString('en-US')} ${value === 1 ? noun : plural}`;
}

/** What a finding is, in words: `invariant volumeMatchesSpec violated`, `controller rabbitmq throws`. */
export function findingTitle(finding: FindingReport, name: Namer): string {
  const controller = finding.controller === undefined ? undefined : name(finding.controller);
  const subject = finding.subject === undefined ? undefined : name(finding.subject);
  switch (finding.kind) {
    case 'invariant':
      return subject ? `invariant ${subject} violated` : 'invariant violated';
    case 'non-convergence':
      return 'never converges';
    case 'controller-error':
      return controller ? `controller ${controller} throws` : 'a controller throws';
    case 'unstable-convergence':
      return controller ? `controller ${controller} does not stay converged` : 'convergence is not stable';
    case 'nondeterministic-reconcile':
      return controller ? `controller ${controller} reconciles nondeterministically` : 'a reconcile is nondeterministic';
    case 'reconcile-timeout':
      return controller ? `controller ${controller} never returns` : 'a reconcile never returns';
    case 'bound-reached':
      return subject ? `bound ${subject} reached` : 'a bound was reached';
    default: {
      const about = controller ?? subject;
      return `${name(finding.kind)}${about ? ` (${about})` : ''}`;
    }
  }
}

/** A finding's number on the head side (1-based), as `fixpoint explain --finding` takes it. */
export function findingNumber(scenario: ScenarioDiff, finding: FindingReport): number | undefined {
  const findings = scenario.head?.findings ?? [];
  let index = findings.indexOf(finding);
  if (index < 0) {
    index = findings.findIndex(
      (candidate) => candidate.kind === finding.kind && candidate.message === finding.message && candidate.controller === finding.controller && candidate.subject === finding.subject,
    );
  }
  return index < 0 ? undefined : index + 1;
}

/** The commands that rerun a scenario on a laptop and step through one of its findings or states. */
export function reproduceCommands(scenario: string, target: { readonly finding?: number; readonly state?: string }, quote: (word: string) => string): string[] {
  const commands = [`npx fixpoint check --scenario ${quote(scenario)} --json fixpoint-report.json`];
  if (target.finding !== undefined) commands.push(`npx fixpoint explain fixpoint-report.json --scenario ${quote(scenario)} --finding ${target.finding}`);
  if (target.state !== undefined) commands.push(`npx fixpoint explain fixpoint-report.json --scenario ${quote(scenario)} --state ${quote(target.state)}`);
  return commands;
}

/** How bad a change is for the reader: it fails the check, deserves a look, is neutral, or is good news. */
export type Severity = 'fail' | 'warn' | 'info' | 'ok';

const SEVERITY_ORDER: readonly Severity[] = ['ok', 'info', 'warn', 'fail'];

/** The worst of some severities (`ok` for none). */
export function worst(severities: readonly Severity[]): Severity {
  return severities.reduce<Severity>((current, next) => (SEVERITY_ORDER.indexOf(next) > SEVERITY_ORDER.indexOf(current) ? next : current), 'ok');
}

/** What happened to one scenario, part by part, each with how much it matters under `failOn`. */
export function scenarioOutcome(scenario: ScenarioDiff, failOn: FailOn): { readonly severity: Severity; readonly parts: readonly { readonly severity: Severity; readonly text: string }[] } {
  const parts: { severity: Severity; text: string }[] = [];
  const add = (severity: Severity, text: string) => parts.push({ severity, text });
  if (scenario.status === 'added') add('info', 'new scenario');
  if (scenario.status === 'removed') add('info', 'scenario removed');
  // A checked scenario without a side's report: that side did not build (its error is shown above the table).
  if (scenario.status === 'checked' && scenario.head === undefined) add('fail', 'not checked on head');
  if (scenario.status === 'checked' && scenario.base === undefined) add('warn', 'not checked on base');
  if (scenario.head?.status === 'error') add('fail', 'could not run on head');
  if (scenario.base?.status === 'error' && scenario.head?.status !== 'error') add('warn', 'could not run on base');
  const { findings, converged } = scenario;
  if (findings.new.length > 0) add(failOn === 'new-findings' || failOn === 'any-finding' ? 'fail' : 'warn', countText(findings.new.length, 'new finding'));
  if (converged.added.length > 0) add(failOn === 'converged-change' ? 'fail' : 'warn', countText(converged.added.length, 'new converged state'));
  if (converged.removed.length > 0) add(failOn === 'converged-change' ? 'fail' : 'warn', countText(converged.removed.length, 'converged state', 'converged states') + ' gone');
  if (findings.fixed.length > 0) add('ok', `${findings.fixed.length.toLocaleString('en-US')} fixed`);
  if (findings.stillPresent.length > 0) add(failOn === 'any-finding' ? 'fail' : 'warn', `${findings.stillPresent.length.toLocaleString('en-US')} still present`);
  if (scenario.head?.status === 'bounded') add('warn', 'bounded: partial result');
  if (parts.length === 0) add('ok', 'unchanged');
  return { severity: worst(parts.map((part) => part.severity)), parts };
}

/** The severity of the whole diff: failed is failed; otherwise the worst scenario, a side that did not build counting as a warning. */
export function diffSeverity(failed: boolean, sides: readonly Side[], scenarios: readonly ScenarioDiff[], failOn: FailOn): Severity {
  if (failed) return 'fail';
  const severities = scenarios.filter((scenario) => scenario.status !== 'not-checked').map((scenario) => scenarioOutcome(scenario, failOn).severity);
  if (sides.some((side) => side.error !== undefined)) severities.push('warn');
  return worst(severities.map((severity) => (severity === 'info' ? 'ok' : severity)));
}

/** Why scenarios were checked: the changed controllers with their files, and changed check inputs. */
export function changeReasons(changes: ChangeSummary, name: Namer, maxItems = 8): string[] {
  const reasons: string[] = [];
  for (const controller of changes.controllers) {
    const named = `controller ${name(controller.name)}`;
    if (controller.status === 'added') reasons.push(`${named} added`);
    else if (controller.status === 'removed') reasons.push(`${named} removed`);
    else if (controller.status === 'renamed') reasons.push(`controller ${name(controller.from ?? '?')} renamed to ${name(controller.name)}`);
    else if (controller.status === 'changed') reasons.push(controller.files.length === 0 ? `${named} changed` : `${listText(controller.files.map(name), 3, 'file')} changed (${named})`);
  }
  if (changes.checkInputs.length > 0) reasons.push(`${listText(changes.checkInputs.map(name), 3, 'file')} changed`);
  return reasons.length <= maxItems ? reasons : [...reasons.slice(0, maxItems), `${reasons.length - maxItems} more`];
}

/** `a, b, c and 4 more files`. */
export function listText(items: readonly string[], max: number, noun: string): string {
  if (items.length <= max) return items.join(', ');
  return `${items.slice(0, max).join(', ')} and ${countText(items.length - max, `more ${noun}`, `more ${noun}s`)}`;
}

/** Scenarios that were not re-checked, grouped by why. */
export function notCheckedGroups(scenarios: readonly ScenarioDiff[]): { readonly reason: string; readonly names: readonly string[] }[] {
  return reasonGroups(scenarios.filter((scenario) => scenario.status === 'not-checked'));
}

/** Scenarios grouped by the reason the diff gives for each, in order of first appearance. */
export function reasonGroups(scenarios: readonly ScenarioDiff[]): { readonly reason: string; readonly names: readonly string[] }[] {
  const groups = new Map<string, string[]>();
  for (const scenario of scenarios) groups.set(scenario.reason, [...(groups.get(scenario.reason) ?? []), scenario.name]);
  return [...groups].map(([reason, names]) => ({ reason, names }));
}

/** Two sides of a column: `377 → 412`, `—` for a side without it; changed only when both sides have a value and they differ. */
export function sides<T>(base: T | undefined, head: T | undefined, show: (value: T) => string): { readonly base: string; readonly head: string; readonly changed: boolean } {
  const baseText = base === undefined ? '—' : show(base);
  const headText = head === undefined ? '—' : show(head);
  return { base: baseText, head: headText, changed: base !== undefined && head !== undefined && baseText !== headText };
}

/** A side's report when its numbers mean something: a scenario that could not run has none worth comparing. */
export function measured(report: ScenarioReport | undefined): ScenarioReport | undefined {
  return report?.status === 'error' ? undefined : report;
}

/** The totals of one side over the scenarios checked: states explored and time taken. */
export function sideTotals(scenarios: readonly ScenarioDiff[], side: 'base' | 'head'): { readonly states: number; readonly durationMs: number; readonly scenarios: number } {
  const reports = scenarios.map((scenario) => scenario[side]).filter((report): report is ScenarioReport => report !== undefined);
  return {
    states: reports.reduce((total, report) => total + report.stats.states, 0),
    durationMs: reports.reduce((total, report) => total + report.stats.durationMs, 0),
    scenarios: reports.length,
  };
}
