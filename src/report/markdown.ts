/**
 * The pull-request comment and the job summary of `fixpoint diff` (DESIGN §4): the verdict first,
 * one table of scenarios, then every new finding with its shortest trace and a sequence diagram,
 * converged states that appeared or went with the fields that differ, and brief lists of fixed and
 * remaining findings. The comment must stay under GitHub's limit, so it is assembled from sections
 * that each have a full and a brief form (see `fit`); the job summary carries everything.
 */
import { markdownTable } from 'markdown-table';
import type { FindingReport, ScenarioReport, TraceReport, TraceStepReport, WriteReport } from '../check/report.ts';
import type { ConvergedChange, DiffReport, FailOn, FieldDifference, ScenarioDiff } from '../diff/diff-report.ts';
import type { FieldChange } from '../model/cluster/diff.ts';
import type { JsonValue } from '../sim/index.ts';
import {
  actorOf,
  changeReasons,
  countText,
  diffSeverity,
  durationText,
  findingNumber,
  findingTitle,
  formatValue,
  listText,
  measured,
  notableResult,
  notCheckedGroups,
  objectLabel,
  reasonGroups,
  reproduceCommands,
  scenarioOutcome,
  shownChanges,
  sideName,
  sides,
  sideTotals,
  splitObjectLabel,
  stepFaults,
  stepSubject,
  traceShape,
  writeCode,
  writeTarget,
  type Severity,
} from './describe.ts';
import { cell, codeBlock, commentJson, escapeMarkdown, htmlText, inlineCode, linesOf, safeUrl, shellWord, truncate } from './escape.ts';
import { sequenceDiagram } from './mermaid.ts';

/** What the comment links to and how long it may be. */
export interface CommentOptions {
  /** where the full report is (the job summary or the artifact); linked from every cut */
  readonly reportUrl?: string;
  /** the most characters the comment may have (GitHub refuses bodies over 65,536) */
  readonly maxCharacters?: number;
}

/** Characters a comment stays under by default: GitHub's 65,536 less room for whatever a later stage adds. */
export const DEFAULT_MAX_CHARACTERS = 60_000;
/** Bytes a job summary stays under: GitHub takes 1 MiB per step, and the step may write more. */
export const MAX_JOB_SUMMARY_BYTES = 1_000_000;
/** The first characters of the comment: a later stage finds its sticky comment by them. */
export const COMMENT_MARKER_PREFIX = '<!-- fixpoint:v1 ';

/** Where the job summary sends a reader if even it had to be cut. */
const JSON_REPORT = "the JSON report among the workflow run's artifacts";
/** The longest a name (scenario, controller, file, object) stays in prose or a cell. */
const MAX_NAME = 100;
/** The longest a value stays in a table cell before it is cut with an ellipsis. */
const MAX_VALUE = 80;
/** A value inside a trace step, where several share one cell. */
const MAX_STEP_VALUE = 40;
/** Fields a trace step lists per write before it says how many more. */
const MAX_STEP_CHANGES = 3;
/** Steps a trace table shows unfolded; a longer trace is folded into `<details>`. */
const MAX_OPEN_TRACE_STEPS = 15;
/** Rows of a field table shown unfolded. */
const MAX_OPEN_FIELD_ROWS = 8;
/** Lines of a finding's message quoted; `fixpoint explain` prints it whole. */
const MAX_MESSAGE_LINES = 12;
/** Lines of an error (a side that did not build, a scenario that did not run) quoted; the JSON report has it whole. */
const MAX_ERROR_LINES = 20;
/** Scenario names listed on the "not re-checked" line. */
const MAX_LISTED_SCENARIOS = 30;

/** The pull-request comment: marker, verdict, scenario table, details; cut to `maxCharacters` with a line saying what went. */
export function renderComment(diff: DiffReport, options: CommentOptions = {}): string {
  const link = reportLink(options.reportUrl);
  const document = buildDocument(diff, { marker: true, link, footerLink: true });
  return fit(document, options.maxCharacters ?? DEFAULT_MAX_CHARACTERS, (text) => text.length, link);
}

/** The job summary: the comment's content uncut (no marker), capped under 1 MiB with a cut line should it ever be larger. */
export function renderJobSummary(diff: DiffReport): string {
  const document = buildDocument(diff, { marker: false, link: JSON_REPORT, footerLink: false });
  return fit(document, MAX_JOB_SUMMARY_BYTES, (text) => Buffer.byteLength(text, 'utf8'), JSON_REPORT);
}

/** What the marker says of the report it heads. */
export interface CommentMetadata {
  /** the Fixpoint release that rendered it */
  readonly version: string;
  /** each side's commit SHA, or its ref when it has none (a working tree) */
  readonly base: string;
  readonly head: string;
  readonly scenarios: readonly string[];
  /** scenarios checked but left out of `scenarios` for length */
  readonly moreScenarios?: number;
}

/** The hidden first line of the comment: `<!-- fixpoint:v1 {"version":…,"base":…,"head":…,"scenarios":[…]} -->`. */
export function commentMarker(diff: DiffReport): string {
  const scenarios = diff.scenarios.filter((scenario) => scenario.status !== 'not-checked').map((scenario) => scenario.name);
  // Bounded so a config with thousands of scenarios cannot crowd the comment; a reader wanting all has the report.
  const listed: string[] = [];
  let length = 0;
  for (const name of scenarios) {
    length += name.length + 3;
    if (length > 2000) break;
    listed.push(name);
  }
  const data: CommentMetadata = {
    version: diff.tool.version,
    base: diff.base.sha ?? diff.base.ref,
    head: diff.head.sha ?? diff.head.ref,
    scenarios: listed,
    ...(listed.length < scenarios.length ? { moreScenarios: scenarios.length - listed.length } : {}),
  };
  return `${COMMENT_MARKER_PREFIX}${commentJson(data)} -->`;
}

/** The metadata of a comment that starts with a marker; undefined for any other comment, or a marker this release cannot read. */
export function commentMetadata(body: string): Partial<CommentMetadata> | undefined {
  const firstLine = body.split('\n', 1)[0]!.trim();
  if (!firstLine.startsWith(COMMENT_MARKER_PREFIX) || !firstLine.endsWith(' -->')) return undefined;
  try {
    const data: unknown = JSON.parse(firstLine.slice(COMMENT_MARKER_PREFIX.length, -' -->'.length));
    return typeof data === 'object' && data !== null && !Array.isArray(data) ? (data as Partial<CommentMetadata>) : undefined;
  } catch {
    return undefined;
  }
}

// ---------------------------------------------------------------------------------------------
// Fitting: a document is a top (verdict, table, why), sections in order of importance, a footer.

/** A part of the report below the table, in a full form and, when it has detail worth cutting first, a brief one. */
interface Section {
  readonly full: string;
  readonly brief?: string;
  /** what the brief form leaves out, for the cut line (`trace`, `field table`, `list`) */
  readonly folds: string;
  /** what the section is, for the cut line when it is left out whole (`new finding`) */
  readonly kind: string;
  /** brief forms of one group are list items: a run of them shares one lead (a heading) and one list */
  readonly group?: { readonly key: string; readonly lead: (afterFull: boolean) => string };
}

interface Document {
  /** the top with at most `rows` scenario rows (all when undefined) */
  readonly top: (rows?: number) => string;
  readonly rowCount: number;
  readonly sections: readonly Section[];
  readonly footer: string;
}

/** A section as it goes into the text. */
interface Chosen {
  readonly section: Section;
  readonly full: boolean;
}

/** Room kept for the cut line when something has to go. */
const CUT_NOTICE_RESERVE = 600;
/** Sections whose full form the fitting makes room for before it gives every section its brief form. */
const SECTIONS_KEPT_FULL = 3;

/**
 * Fits a document into `budget` (as `measure` counts): the top first (with fewer table rows if it
 * would take over half), then the sections (see `chooseForms`). What was cut is said once, under
 * the table, with where the rest is.
 */
function fit(document: Document, budget: number, measure: (text: string) => number, elsewhere: string): string {
  const whole = assemble(document.top(), document.sections.map((section) => ({ section, full: true })), document.footer);
  if (measure(whole) <= budget) return whole;
  const top = fitTop(document, budget / 2, measure);
  const available = budget - measure(top) - measure(document.footer) - 2 * measure('\n\n') - CUT_NOTICE_RESERVE;
  const chosen = chooseForms(document.sections, available, measure);
  const notice = cutNotice(chosen, document.sections.slice(chosen.length), elsewhere);
  return hardCut(assemble(notice ? `${top}\n\n${notice}` : top, chosen, document.footer), budget, measure, elsewhere);
}

/**
 * The form of each section that fits in `available`. The first few sections (the first new
 * findings) get room for their full form; every section gets its brief form while room remains,
 * the last (least important) going first; then sections are upgraded to their full form in order
 * until one does not fit. Sections past the returned ones are left out.
 */
function chooseForms(sections: readonly Section[], available: number, measure: (text: string) => number): Chosen[] {
  const separator = measure('\n\n');
  const sizes = sections.map((section) => ({ full: measure(section.full) + separator, brief: measure(section.brief ?? section.full) + separator }));
  const extra = (index: number) => Math.max(0, (sizes[index]?.full ?? 0) - (sizes[index]?.brief ?? 0));
  const firstExtras = sizes.map((_, index) => index).filter((index) => extra(index) > 0).slice(0, SECTIONS_KEPT_FULL);
  const reserve = Math.min(available / 2, firstExtras.reduce((total, index) => total + extra(index), 0));
  // Each group's lead is counted once, whether or not a brief form of it ends up shown: an overestimate, never an overflow.
  const leads = new Map(sections.flatMap((section) => (section.group ? [[section.group.key, measure(section.group.lead(true)) + separator] as const] : [])));
  let used = sizes.reduce((total, size) => total + size.brief, 0) + [...leads.values()].reduce((total, size) => total + size, 0);
  let kept = sections.length;
  while (kept > 0 && used > available - reserve) {
    kept -= 1;
    used -= sizes[kept]?.brief ?? 0;
  }
  let upgrading = true;
  return sections.slice(0, kept).map((section, index) => {
    upgrading = upgrading && used + extra(index) <= available;
    if (upgrading) used += extra(index);
    return { section, full: upgrading || section.brief === undefined };
  });
}

/** The top within `budget`: all scenario rows if they fit, else as many as fit (see `tableRows`). */
function fitTop(document: Document, budget: number, measure: (text: string) => number): string {
  let rows = document.rowCount;
  let top = document.top(rows);
  while (rows > 1 && measure(top) > budget) {
    rows = Math.floor(rows / 2);
    top = document.top(rows);
  }
  return top;
}

/** The text: sections in order, a run of brief forms of one group as one list under its lead. */
function assemble(top: string, chosen: readonly Chosen[], footer: string): string {
  const blocks: string[] = [top];
  let fullSeen = false;
  let previousGroup: string | undefined;
  for (const { section, full } of chosen) {
    const group = full ? undefined : section.group;
    if (group && previousGroup === group.key) blocks[blocks.length - 1] += `\n${section.brief ?? ''}`;
    else if (group) blocks.push(group.lead(fullSeen), section.brief ?? '');
    else blocks.push(full ? section.full : (section.brief ?? section.full));
    fullSeen ||= full;
    previousGroup = group?.key;
  }
  blocks.push(footer);
  return `${blocks.join('\n\n')}\n`;
}

/** `> [!NOTE]` saying what the cut left out and where the rest is. */
function cutNotice(chosen: readonly Chosen[], dropped: readonly Section[], elsewhere: string): string | undefined {
  const folded = tally(chosen.filter((entry) => !entry.full && entry.section.brief !== undefined).map((entry) => entry.section.folds));
  const left = tally(dropped.map((section) => section.kind));
  const sentences: string[] = [];
  if (folded.length > 0) sentences.push(`${joinWords(folded)} ${folded.length === 1 && folded[0]?.startsWith('1 ') ? 'is' : 'are'} left out`);
  if (left.length > 0) sentences.push(`${joinWords(left)} ${left.length === 1 && left[0]?.startsWith('1 ') ? 'is' : 'are'} not shown at all`);
  if (sentences.length === 0) return undefined;
  return `> [!NOTE]\n> ✂️ **Cut to fit GitHub's size limit:** ${sentences.join(', and ')}. The full report is in ${elsewhere}.`;
}

/** `3 traces`, `1 field table`: how many of each noun, in order of first appearance. */
function tally(nouns: readonly string[]): string[] {
  const counts = new Map<string, number>();
  for (const noun of nouns) counts.set(noun, (counts.get(noun) ?? 0) + 1);
  return [...counts].map(([noun, count]) => countText(count, noun));
}

/** The last resort should a top alone outgrow the budget: cut at a line and close any open fence. */
function hardCut(text: string, budget: number, measure: (text: string) => number, elsewhere: string): string {
  if (measure(text) <= budget) return text;
  const ending = `\n\n✂️ **Cut here to fit GitHub's size limit.** The full report is in ${elsewhere}.\n`;
  let cut = text.slice(0, Math.max(0, budget - measure(ending) - 8));
  while (measure(cut) > budget - measure(ending) - 8) cut = cut.slice(0, Math.floor(cut.length * 0.9));
  cut = cut.slice(0, cut.lastIndexOf('\n') + 1);
  const openFence = (cut.match(/^`{3,}/gm) ?? []).length % 2 === 1 ? '```\n' : '';
  return `${cut}${openFence}${ending}`;
}

function joinWords(parts: readonly string[]): string {
  return parts.length <= 1 ? (parts[0] ?? '') : `${parts.slice(0, -1).join(', ')} and ${parts[parts.length - 1]}`;
}

/** Where the cut lines send a reader: a link when the caller knows the URL. */
function reportLink(url: string | undefined): string {
  const safe = url === undefined ? undefined : safeUrl(url);
  return safe ? `the [job summary](${safe})` : 'the job summary';
}

// ---------------------------------------------------------------------------------------------
// The document.

interface Context {
  readonly marker: boolean;
  /** where the full report is, as Markdown (`the [job summary](…)`) */
  readonly link: string;
  readonly footerLink: boolean;
}

function buildDocument(diff: DiffReport, context: Context): Document {
  const failOn = diff.verdict.failOn;
  const tabled = diff.scenarios.filter((scenario) => scenario.status !== 'not-checked');
  const sections = [
    ...tabled.flatMap((scenario) => scenario.findings.new.map((finding) => findingSection(scenario, finding, failOn, context))),
    ...tabled.filter((scenario) => scenario.converged.added.length + scenario.converged.removed.length > 0).map((scenario) => convergedSection(scenario, failOn, context)),
    ...findingListSection(tabled, 'fixed', context),
    ...findingListSection(tabled, 'stillPresent', context),
  ];
  return {
    top: (rows) => top(diff, tabled, rows, context),
    rowCount: tabled.length,
    sections,
    footer: footer(diff, context),
  };
}

const ICONS: Record<Severity, string> = { fail: '❌', warn: '⚠️', info: 'ℹ️', ok: '✅' };

function top(diff: DiffReport, tabled: readonly ScenarioDiff[], rows: number | undefined, context: Context): string {
  const blocks: string[] = [];
  const severity = diffSeverity(diff.verdict.failed, [diff.base, diff.head], diff.scenarios, diff.verdict.failOn);
  const heading = `### ${ICONS[severity]} Fixpoint: ${escapeMarkdown(diff.verdict.summary)} · base ${code(sideName(diff.base))} → head ${code(sideName(diff.head))}`;
  blocks.push(context.marker ? `${commentMarker(diff)}\n${heading}` : heading);
  for (const side of ['head', 'base'] as const) {
    const error = diff[side].error;
    if (error !== undefined) blocks.push(sideErrorAlert(side, diff, error));
  }
  if (tabled.length === 0) blocks.push('*No scenario needed a new check.*');
  else blocks.push(scenarioTable(tableRows(tabled, rows ?? tabled.length, diff.verdict.failOn), diff.verdict.failOn));
  if (rows !== undefined && rows < tabled.length) blocks.push(`*${countText(tabled.length - rows, 'more scenario')} in ${context.link}; the table keeps those with the most to tell.*`);
  const errors = scenarioErrors(tabled);
  if (errors) blocks.push(errors);
  const why = whyLines(diff);
  if (why) blocks.push(why);
  return blocks.join('\n\n');
}

/** A side that did not build: a caution box, since everything below lacks that side. */
function sideErrorAlert(side: 'base' | 'head', diff: DiffReport, error: string): string {
  const { ref } = diff[side];
  const name = sideName(diff[side]);
  const refText = ref !== name ? ` (${code(ref)})` : '';
  const other = side === 'head' ? 'base' : 'head';
  const lines = [
    '[!CAUTION]',
    `**${side} ${code(name)}${refText} could not be built or loaded**, so there is nothing of ${side} to compare; ${other} was still checked.`,
    '',
    ...codeBlock(limitLines(error, MAX_ERROR_LINES)).split('\n'),
  ];
  return quoteLines(lines);
}

const SEVERITY_RANK: Record<Severity, number> = { fail: 0, warn: 1, info: 2, ok: 3 };

/** At most `rows` scenarios for the table, the most eventful first chosen, shown in their own order. */
function tableRows(scenarios: readonly ScenarioDiff[], rows: number, failOn: FailOn): ScenarioDiff[] {
  if (rows >= scenarios.length) return [...scenarios];
  const ranked = scenarios.map((scenario, index) => ({ index, rank: SEVERITY_RANK[scenarioOutcome(scenario, failOn).severity] }));
  const chosen = new Set(ranked.sort((a, b) => a.rank - b.rank || a.index - b.index).slice(0, rows).map((entry) => entry.index));
  return scenarios.filter((_, index) => chosen.has(index));
}

function scenarioTable(scenarios: readonly ScenarioDiff[], failOn: FailOn): string {
  const rows = scenarios.map((scenario) => scenarioRow(scenario, failOn));
  return table(['scenario', 'states', 'converged', 'findings', 'status', 'time', 'result'], rows);
}

function scenarioRow(scenario: ScenarioDiff, failOn: FailOn): string[] {
  const base = measured(scenario.base);
  const head = measured(scenario.head);
  const number = (value: number) => value.toLocaleString('en-US');
  const outcome = scenarioOutcome(scenario, failOn);
  return [
    code(scenario.name),
    change(sides(base?.stats.states, head?.stats.states, number)),
    change(sides(base?.converged.length, head?.converged.length, number)),
    change(sides(base?.findings.length, head?.findings.length, number)),
    change(sides(scenario.base?.status, scenario.head?.status, (status) => status), true),
    time(scenario.base, scenario.head),
    `${ICONS[outcome.severity]} ${outcome.parts.map((part) => part.text).join(', ')}`,
  ];
}

/** `377 → **412**` (bold when it changed); a status that did not change is said once. */
function change(values: { base: string; head: string; changed: boolean }, collapse = false): string {
  if (!values.changed) return collapse && values.base === values.head ? values.base : `${values.base} → ${values.head}`;
  return `${values.base} → **${values.head}**`;
}

function time(base: ScenarioReport | undefined, head: ScenarioReport | undefined): string {
  const values = sides(base?.stats.durationMs, head?.stats.durationMs, durationText);
  return `${values.base} → ${values.head}`;
}

/** Scenarios that could not run on a side: their errors, in a warning box. */
function scenarioErrors(scenarios: readonly ScenarioDiff[]): string | undefined {
  const lines: string[] = [];
  for (const scenario of scenarios) {
    for (const side of ['head', 'base'] as const) {
      const report = scenario[side];
      if (report?.status !== 'error') continue;
      lines.push(`${lines.length === 0 ? '' : '\n'}**${code(scenario.name)} could not run on ${side}:**`, '', ...codeBlock(limitLines(report.error ?? 'no reason given', MAX_ERROR_LINES)).split('\n'));
    }
  }
  return lines.length === 0 ? undefined : quoteLines(['[!WARNING]', ...lines.flatMap((line) => line.split('\n'))]);
}

/** The "checked because" and "not re-checked" lines. */
function whyLines(diff: DiffReport): string | undefined {
  const lines: string[] = [];
  const reasons = changeReasons(diff.changes, code);
  if (reasons.length > 0) lines.push(`**Checked because** ${reasons.join('; ')}.`);
  else {
    // No controller or input changed (a new scenario, `--all`): the scenarios' own reasons say why.
    const checked = reasonGroups(diff.scenarios.filter((scenario) => scenario.status === 'checked' || scenario.status === 'added'));
    if (checked.length > 0) lines.push(`**Checked:** ${checked.map((group) => `${listText(group.names.map(code), MAX_LISTED_SCENARIOS, 'scenario')} (${escapeMarkdown(group.reason)})`).join('; ')}.`);
  }
  const groups = notCheckedGroups(diff.scenarios);
  if (groups.length > 0) {
    const text = groups.map((group) => `${listText(group.names.map(code), MAX_LISTED_SCENARIOS, 'scenario')} (${escapeMarkdown(group.reason)})`).join('; ');
    lines.push(`**Not re-checked:** ${text}.`);
  }
  // Markdown joins consecutive lines into one paragraph; a trailing backslash keeps them apart.
  return lines.length === 0 ? undefined : lines.join('\\\n');
}

function footer(diff: DiffReport, context: Context): string {
  const base = sideTotals(diff.scenarios, 'base');
  const head = sideTotals(diff.scenarios, 'head');
  const parts = [`Fixpoint ${escapeMarkdown(diff.tool.version)}`];
  if (base.scenarios > 0) parts.push(`base: ${countText(base.states, 'state')} in ${durationText(base.durationMs)}`);
  if (head.scenarios > 0) parts.push(`head: ${countText(head.states, 'state')} in ${durationText(head.durationMs)}`);
  parts.push(FAIL_ON_TEXT[diff.verdict.failOn]);
  if (context.footerLink) parts.push(`full report in ${context.link}`);
  return `<sub>${parts.join(' · ')}</sub>`;
}

const FAIL_ON_TEXT: Record<FailOn, string> = {
  'new-findings': 'fails on new findings',
  'any-finding': 'fails on any finding',
  'converged-change': 'fails on any change of converged states',
  never: 'never fails',
};

// ---------------------------------------------------------------------------------------------
// New findings.

function findingSection(scenario: ScenarioDiff, finding: FindingReport, failOn: FailOn, context: Context): Section {
  const icon = failOn === 'new-findings' || failOn === 'any-finding' ? ICONS.fail : ICONS.warn;
  const heading = `#### ${icon} New finding in ${code(scenario.name)}: ${findingTitle(finding, code)}`;
  const message = quoteLines(limitLines(finding.message, MAX_MESSAGE_LINES).split('\n').map(escapeMarkdown));
  const number = findingNumber(scenario, finding);
  const reproduce = reproduceBlock(scenario.name, { finding: number }, 'Reproduce it and step through the trace locally:');
  const first = linesOf(finding.message)[0] ?? '';
  const brief = `- ${code(scenario.name)}${number === undefined ? '' : ` finding ${number}`}: ${findingTitle(finding, code)} — ${escapeMarkdown(truncate(first, 160))} (${escapeMarkdown(traceShape(finding.trace))})`;
  const lead = (afterFull: boolean) =>
    [
      `#### ${icon} ${afterFull ? 'More new findings' : 'New findings'}`,
      `Their traces are left out here for size: see ${context.link}, or run \`npx fixpoint check --scenario SCENARIO --json fixpoint-report.json\` and then \`npx fixpoint explain fixpoint-report.json --scenario SCENARIO --finding N\`.`,
    ].join('\n\n');
  return { full: [heading, message, traceBlock(finding.trace), reproduce].join('\n\n'), brief, folds: 'trace', kind: 'new finding', group: { key: 'new-findings', lead } };
}

/** The shortest trace as a numbered table, folded when long, then its sequence diagram folded. */
function traceBlock(trace: TraceReport): string {
  const shape = escapeMarkdown(traceShape(trace));
  const rows = trace.steps.map((step, index) => traceRow(step, index, trace.cycleStart));
  const steps = table(['#', 'actor', 'request', 'what happened'], rows);
  const tableBlock = trace.steps.length <= MAX_OPEN_TRACE_STEPS ? `**Shortest trace** (${shape}):\n\n${steps}` : details(`Shortest trace (${htmlText(traceShape(trace))})`, steps);
  const diagram = details('Sequence diagram', codeBlock(sequenceDiagram(trace), 'mermaid'));
  return `${tableBlock}\n\n${diagram}`;
}

function traceRow(step: TraceStepReport, index: number, cycleStart: number | undefined): string[] {
  const number = `${index + 1}${cycleStart === index ? ' ↻' : ''}`;
  return [number, actorCell(step), requestCell(step), happenedCell(step)];
}

function actorCell(step: TraceStepReport): string {
  const actor = actorOf(step);
  if (actor.role === 'controller' || actor.role === 'builtin') return `${actor.role} ${code(actor.name)}`;
  if (actor.role === 'other') return code(actor.name);
  return actor.role;
}

function requestCell(step: TraceStepReport): string {
  if (step.request !== undefined) return code(step.request);
  const subject = stepSubject(step);
  return subject === undefined ? '—' : escapeMarkdown(truncate(subject, MAX_VALUE));
}

/** The writes with their answers and changed fields; a stale read before them and a crash after, in bold. */
function happenedCell(step: TraceStepReport): string {
  const faults = stepFaults(step);
  const parts = [
    ...faults.before.map((fault) => `**⚡ ${escapeMarkdown(fault)}**`),
    ...step.writes.map(writeText),
    ...(step.writes.length === 0 && actorOf(step).role === 'controller' ? ['*no writes*'] : []),
  ];
  const result = notableResult(step);
  if (result !== undefined) parts.push(`→ ${escapeMarkdown(truncate(result, MAX_VALUE))}`);
  parts.push(...faults.after.map((fault) => `**💥 ${escapeMarkdown(fault)}**`));
  return parts.length === 0 ? '—' : parts.join('<br>');
}

/** `patch RabbitmqCluster `default/r1` (200): `spec.storage` `10Gi` → `15Gi``. */
function writeText(write: WriteReport): string {
  const changes = shownChanges(write);
  const listed = changes.slice(0, MAX_STEP_CHANGES).map(changeText);
  if (changes.length > MAX_STEP_CHANGES) listed.push(`+${changes.length - MAX_STEP_CHANGES} more`);
  const head = `${escapeMarkdown(truncate(write.verb, MAX_NAME))} ${escapeMarkdown(truncate(write.kind, MAX_NAME))} ${code(writeTarget(write))} (${escapeMarkdown(truncate(writeCode(write), MAX_VALUE))})`;
  return listed.length === 0 ? head : `${head}: ${listed.join(', ')}`;
}

function changeText(change: FieldChange): string {
  return `${code(change.path)} ${valueText(change.before, MAX_STEP_VALUE)} → ${valueText(change.after, MAX_STEP_VALUE)}`;
}

/** A value in a cell: code, cut with an ellipsis; an absent one in italics. */
function valueText(value: JsonValue | undefined, max = MAX_VALUE): string {
  const text = formatValue(value);
  return text === undefined ? '*absent*' : inlineCode(truncate(text, max));
}

// ---------------------------------------------------------------------------------------------
// Converged states.

function convergedSection(scenario: ScenarioDiff, failOn: FailOn, context: Context): Section {
  const { added, removed } = scenario.converged;
  const counts = [added.length > 0 ? countText(added.length, 'new state') : '', removed.length > 0 ? countText(removed.length, 'state') + ' gone' : ''].filter(Boolean).join(', ');
  const icon = failOn === 'converged-change' ? ICONS.fail : ICONS.warn;
  const heading = `#### ${icon} Converged states changed in ${code(scenario.name)}: ${counts}`;
  const states = [...added.map((state) => ({ state, side: 'head' as const })), ...removed.map((state) => ({ state, side: 'base' as const }))];
  const first = added[0];
  const reproduce = first === undefined ? [] : [reproduceBlock(scenario.name, { state: shortId(first.state.id) }, `Step through how head reaches state ${inlineCode(shortId(first.state.id))}:`)];
  return {
    full: [heading, ...states.map(({ state, side }) => convergedState(state, side, true)), ...reproduce].join('\n\n'),
    brief: [heading, ...states.map(({ state, side }) => convergedState(state, side, false)), `*Field tables left out here for size, see ${context.link}.*`, ...reproduce].join('\n\n'),
    folds: 'field table',
    kind: 'converged-state section',
  };
}

/** One state only `side` reaches: how it is reached, its closest state on the other side, and the fields that differ. */
function convergedState(change: ConvergedChange, side: 'base' | 'head', withTable: boolean): string {
  const other = side === 'head' ? 'base' : 'head';
  const label = side === 'head' ? '**New**' : '**Gone**';
  const steps = countText(change.state.trace.steps.length, 'step');
  const reached = side === 'head' ? `reached in ${steps}` : `base reached it in ${steps}`;
  const { closest } = change;
  if (closest === undefined) {
    const objects = listText(change.state.objects.map((object) => objectText(objectLabel(object))), 10, 'object');
    return `${label} state ${inlineCode(shortId(change.state.id))}, ${reached}; ${other} has no converged state to compare it with. Its objects: ${objects || 'none'}.`;
  }
  const count = countText(closest.differences.length, 'field');
  const line = `${label} state ${inlineCode(shortId(change.state.id))}, ${reached}; the closest ${other} state ${inlineCode(shortId(closest.id))} differs in ${count}${withTable ? ':' : '.'}`;
  if (!withTable || closest.differences.length === 0) return line;
  const fields = fieldTable(closest.differences);
  return closest.differences.length <= MAX_OPEN_FIELD_ROWS ? `${line}\n\n${fields}` : `${line}\n\n${details(`${htmlText(count)} differ`, fields)}`;
}

function fieldTable(differences: readonly FieldDifference[]): string {
  return table(
    ['object', 'field', 'base', 'head'],
    differences.map((difference) => [objectText(difference.object), difference.path === '' ? '*whole object*' : code(difference.path), valueText(difference.base), valueText(difference.head)]),
  );
}

/** `ConfigMap `default/c1``: the kind as text, the name as code. */
function objectText(label: string): string {
  const { kind, name } = splitObjectLabel(label);
  return kind === undefined ? code(name) : `${escapeMarkdown(truncate(kind, MAX_NAME))} ${code(name)}`;
}

/** State ids are hashes; eight characters tell them apart and `fixpoint explain --state` takes a prefix. */
function shortId(id: string): string {
  return id.slice(0, 8);
}

// ---------------------------------------------------------------------------------------------
// Fixed and still-present findings.

function findingListSection(scenarios: readonly ScenarioDiff[], which: 'fixed' | 'stillPresent', context: Context): Section[] {
  const entries = scenarios.flatMap((scenario) => scenario.findings[which].map((finding) => findingLine(scenario, finding)));
  if (entries.length === 0) return [];
  const list = entries.join('\n');
  if (which === 'fixed') {
    const heading = `#### ${ICONS.ok} Fixed: ${countText(entries.length, 'finding')}`;
    return [{ full: `${heading}\n\n${list}`, brief: `${heading}\n\n*Listed in ${context.link}.*`, folds: 'list', kind: 'list of fixed findings' }];
  }
  const summary = `Still present: ${countText(entries.length, 'finding')} that base has too`;
  return [{ full: details(htmlText(summary), list), brief: `*${summary}; listed in ${context.link}.*`, folds: 'list', kind: 'list of findings still present' }];
}

function findingLine(scenario: ScenarioDiff, finding: FindingReport): string {
  const first = linesOf(finding.message)[0] ?? '';
  return `- ${code(scenario.name)}: ${findingTitle(finding, code)} — ${escapeMarkdown(truncate(first, 160))}`;
}

// ---------------------------------------------------------------------------------------------
// Markdown building blocks.

/** A user-written name as code, cut to a readable length (the commands and the job summary's JSON keep it whole). */
function code(text: string): string {
  return inlineCode(truncate(text, MAX_NAME));
}

/** A GFM table; every cell escaped for pipes and line breaks (contents are escaped by the caller). */
function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  return markdownTable([header, ...rows].map((row) => row.map(cell)), { alignDelimiters: false });
}

/** A folded block; the summary is HTML (escape user text with `htmlText`). */
function details(summary: string, body: string): string {
  return `<details><summary>${summary}</summary>\n\n${body}\n\n</details>`;
}

/** Lines as a block quote (a GitHub alert when the first is `[!NOTE]`-like). */
function quoteLines(lines: readonly string[]): string {
  return lines.map((line) => (line === '' ? '>' : `> ${line}`)).join('\n');
}

/** At most `max` lines of a text, with a line saying how many more there were. */
function limitLines(text: string, max: number): string {
  const lines = linesOf(text).map((line) => truncate(line, 300));
  return lines.length <= max ? lines.join('\n') : [...lines.slice(0, max), `… ${lines.length - max} more lines`].join('\n');
}

/** The commands to rerun a scenario and step through a finding or state, as a copyable shell block. */
function reproduceBlock(scenario: string, target: { finding?: number; state?: string }, lead: string): string {
  return `${lead}\n\n${codeBlock(reproduceCommands(scenario, target, shellWord).join('\n'), 'sh')}`;
}
