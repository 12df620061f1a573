import type { ConvergedReport, FindingReport, ScenarioReport } from '../check/report.ts';
import { isJsonObject, jsonEqual, type JsonObject, type JsonValue } from '../sim/index.ts';
import type { ConvergedChange, DiffReport, FailOn, FieldDifference, ScenarioDiff, Verdict } from './diff-report.ts';

/** How a scenario compares between the two sides: converged states by id, findings by signature. */
export function compareScenario(name: string, reason: string, base: ScenarioReport | undefined, head: ScenarioReport | undefined): ScenarioDiff {
  const status = base && head ? 'checked' : head ? 'added' : 'removed';
  const baseStates = base?.converged ?? [];
  const headStates = head?.converged ?? [];
  const baseIds = new Set(baseStates.map((state) => state.id));
  const headIds = new Set(headStates.map((state) => state.id));
  const baseFindings = new Map((base?.findings ?? []).map((finding) => [findingSignature(name, finding), finding]));
  const headFindings = new Map((head?.findings ?? []).map((finding) => [findingSignature(name, finding), finding]));
  return {
    name,
    status,
    reason,
    ...(base ? { base } : {}),
    ...(head ? { head } : {}),
    converged: {
      added: headStates.filter((state) => !baseIds.has(state.id)).map((state) => withClosest(state, baseStates, 'head')),
      removed: baseStates.filter((state) => !headIds.has(state.id)).map((state) => withClosest(state, headStates, 'base')),
      unchanged: headStates.filter((state) => baseIds.has(state.id)).length,
    },
    findings: {
      new: [...headFindings].filter(([signature]) => !baseFindings.has(signature)).map(([, finding]) => finding),
      fixed: [...baseFindings].filter(([signature]) => !headFindings.has(signature)).map(([, finding]) => finding),
      stillPresent: [...headFindings].filter(([signature]) => baseFindings.has(signature)).map(([, finding]) => finding),
    },
  };
}

/** A scenario no change reaches: listed, not run. */
export function uncheckedScenario(name: string, reason: string): ScenarioDiff {
  return { name, status: 'not-checked', reason, converged: { added: [], removed: [], unchanged: 0 }, findings: { new: [], fixed: [], stillPresent: [] } };
}

/**
 * What makes two findings "the same finding" on both sides: kind, controller, scenario, and the
 * message's first line with what a code change shifts anyway (uids, source positions) left out.
 */
export function findingSignature(scenario: string, finding: FindingReport): string {
  const firstLine = (finding.message.split('\n')[0] ?? '')
    .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, '<uid>')
    .replace(/:\d+:\d+\b/g, ':<line>')
    .replace(/\s+/g, ' ')
    .trim();
  return [finding.kind, finding.controller ?? '', finding.subject ?? '', scenario, firstLine].join('\u0000');
}

/** Pairs a state of one side with the closest state of the other (fewest differing fields; ties by id). */
function withClosest(state: ConvergedReport, others: readonly ConvergedReport[], side: 'base' | 'head'): ConvergedChange {
  let best: { id: string; differences: FieldDifference[] } | undefined;
  for (const other of [...others].sort((a, b) => (a.id < b.id ? -1 : 1))) {
    const differences = side === 'head' ? stateDifferences(other.objects, state.objects) : stateDifferences(state.objects, other.objects);
    if (!best || differences.length < best.differences.length) best = { id: other.id, differences };
  }
  return best ? { state, closest: best } : { state };
}

/** The fields that differ between a base state's objects and a head state's, object by object. */
export function stateDifferences(base: readonly JsonObject[], head: readonly JsonObject[]): FieldDifference[] {
  const baseObjects = new Map(base.map((object) => [objectName(object), object]));
  const headObjects = new Map(head.map((object) => [objectName(object), object]));
  const differences: FieldDifference[] = [];
  for (const name of [...new Set([...baseObjects.keys(), ...headObjects.keys()])].sort()) {
    const before = baseObjects.get(name);
    const after = headObjects.get(name);
    if (!before || !after) {
      differences.push({ object: name, path: '', ...(before ? { base: 'present' } : {}), ...(after ? { head: 'present' } : {}) });
      continue;
    }
    for (const [path, baseValue, headValue] of leafDifferences(before, after, '')) {
      differences.push({ object: name, path, ...(baseValue === undefined ? {} : { base: baseValue }), ...(headValue === undefined ? {} : { head: headValue }) });
    }
  }
  return differences;
}

function objectName(object: JsonObject): string {
  const metadata = (object['metadata'] ?? {}) as { namespace?: string; name?: string };
  return `${String(object['kind'])} ${metadata.namespace === undefined ? '' : `${metadata.namespace}/`}${metadata.name ?? ''}`;
}

function leafDifferences(before: JsonValue | undefined, after: JsonValue | undefined, path: string): [string, JsonValue | undefined, JsonValue | undefined][] {
  if (isJsonObject(before) && isJsonObject(after)) {
    return [...new Set([...Object.keys(before), ...Object.keys(after)])]
      .sort()
      .flatMap((key) => leafDifferences(before[key], after[key], path === '' ? key : `${path}.${key}`));
  }
  return jsonEqual(before, after) ? [] : [[path, before, after]];
}

/** The verdict `--fail-on` asks for, and its one-line summary. */
export function verdictOf(failOn: FailOn, scenarios: readonly ScenarioDiff[], sides: Pick<DiffReport, 'base' | 'head'>): Verdict {
  const newFindings = scenarios.reduce((total, scenario) => total + scenario.findings.new.length, 0);
  const fixedFindings = scenarios.reduce((total, scenario) => total + scenario.findings.fixed.length, 0);
  const anyFindings = scenarios.reduce((total, scenario) => total + (scenario.head?.findings.length ?? 0), 0);
  const added = scenarios.reduce((total, scenario) => total + scenario.converged.added.length, 0);
  const removed = scenarios.reduce((total, scenario) => total + scenario.converged.removed.length, 0);
  const convergedChanges = added + removed;
  const failed =
    failOn !== 'never' &&
    (sides.head.error !== undefined ||
      (failOn === 'new-findings' && newFindings > 0) ||
      (failOn === 'any-finding' && anyFindings > 0) ||
      (failOn === 'converged-change' && convergedChanges > 0));
  const parts = [
    sides.head.error !== undefined ? 'head does not build' : '',
    sides.base.error !== undefined ? 'base does not build' : '',
    count(newFindings, 'new finding', 'new findings'),
    count(fixedFindings, 'fixed finding', 'fixed findings'),
    count(added, 'new converged state', 'new converged states'),
    count(removed, 'converged state gone', 'converged states gone'),
  ].filter((part) => part !== '');
  return { failOn, failed, newFindings, fixedFindings, convergedChanges, summary: parts.length === 0 ? 'no behavioural change' : parts.join(', ') };
}

function count(value: number, singular: string, plural: string): string {
  return value === 0 ? '' : `${value} ${value === 1 ? singular : plural}`;
}
