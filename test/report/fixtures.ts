/**
 * DiffReports built by hand for the renderer tests: small realistic ones for the golden files, a
 * hostile one, and one that would be half a megabyte uncut.
 */
import type { ConvergedReport, FindingReport, ScenarioReport, TraceReport, TraceStepReport, WriteReport } from '../../src/check/report.ts';
import type { ConvergedChange, DiffReport, ScenarioDiff, Side, Verdict } from '../../src/diff/diff-report.ts';
import type { JsonObject } from '../../src/sim/index.ts';

const BASE: Side = { ref: 'main', sha: '3f2c1aa9d0b6c4e1f2a3b4c5d6e7f8091a2b3c4d' };
const HEAD: Side = { ref: 'feature/expand', sha: '9b7e410c5d2e8f1a0b3c4d5e6f708192a3b4c5d6' };

/** A write as a trace records it. */
export function write(verb: string, kind: string, target: string, code: number, changes: WriteReport['changes'] = [], reason?: string): WriteReport {
  const slash = target.indexOf('/');
  const [namespace, name] = slash < 0 ? [undefined, target] : [target.slice(0, slash), target.slice(slash + 1)];
  return { verb, kind, ...(namespace === undefined ? {} : { namespace }), name: name ?? target, code, ...(reason ? { reason } : {}), changes };
}

/** A reconcile step of a controller. */
export function reconcile(controller: string, request: string, writes: WriteReport[], extra: Partial<TraceStepReport> = {}): TraceStepReport {
  return { actor: `controller:${controller}`, label: `reconcile ${controller} ${request}`, request, writes, result: 'done', ...extra };
}

/** A user step. */
export function userStep(index: number, description: string, writes: WriteReport[]): TraceStepReport {
  return { actor: 'user', label: `user step ${index}: ${description}`, writes };
}

/** Scenario statistics with the numbers that matter to the table. */
export function scenarioReport(name: string, states: number, converged: readonly ConvergedReport[], findings: readonly FindingReport[], durationMs: number, status: ScenarioReport['status'] = 'complete'): ScenarioReport {
  return {
    name,
    status,
    stats: { states, transitions: states * 3, reconciles: states * 2, depth: 9, durationMs, collisionProbability: 1e-30 },
    converged,
    findings,
  };
}

/** A converged state with a one-step trace (its objects are only named). */
export function convergedState(id: string, objects: readonly JsonObject[], steps = 5): ConvergedReport {
  const trace: TraceReport = { steps: Array.from({ length: steps }, (_, index) => reconcile('rabbitmq-cluster', 'default/r1', [], { label: `step ${index}` })), faults: 0 };
  return { id, objects, trace };
}

/** An object of a converged state. */
export function object(kind: string, namespace: string, name: string, rest: JsonObject = {}): JsonObject {
  return { apiVersion: 'v1', kind, metadata: { namespace, name }, ...rest };
}

/** The four steps of the expand-crash finding: create, user patch, a delete cut short by a crash, a stale recreate. */
export function expandCrashTrace(): TraceReport {
  return {
    steps: [
      reconcile('rabbitmq-cluster', 'default/r1', [
        write('create', 'StatefulSet', 'default/r1-server', 201, [{ path: 'spec.replicas', after: 1 }]),
        write('create', 'ConfigMap', 'default/persistence-r1-server-0', 201, [{ path: 'data.storage', after: '10Gi' }]),
      ]),
      userStep(1, 'patch RabbitmqCluster default/r1', [write('patch', 'RabbitmqCluster', 'default/r1', 200, [{ path: 'spec.persistence.storage', before: '10Gi', after: '15Gi' }])]),
      reconcile('rabbitmq-cluster', 'default/r1', [write('delete', 'StatefulSet', 'default/r1-server', 200)], {
        label: 'reconcile rabbitmq-cluster default/r1 · crash after write 1',
        fault: 'crash after write 1',
        result: 'crashed',
      }),
      reconcile('rabbitmq-cluster', 'default/r1', [write('create', 'StatefulSet', 'default/r1-server', 201, [{ path: 'spec.volumeClaimTemplates', after: [{ storage: '15Gi' }] }])], {
        label: 'reconcile rabbitmq-cluster default/r1 · stale configmaps (1 back)',
        fault: 'stale read of configmaps, 1 step back',
      }),
    ],
    faults: 2,
  };
}

const VOLUME_FINDING: FindingReport = {
  kind: 'invariant',
  subject: 'volumeMatchesSpec',
  message: 'ConfigMap default/persistence-r1-server-0 has data.storage: 10Gi, spec asks 15Gi',
  trace: expandCrashTrace(),
};

const CLUSTER = object('RabbitmqCluster', 'default', 'r1', { spec: { persistence: { storage: '15Gi' } } });
const STATEFUL_SET = object('StatefulSet', 'default', 'r1-server');
const BASE_STATE = convergedState('9f8e7d6c5b4a39281706f5e4d3c2b1a0', [CLUSTER, STATEFUL_SET, object('ConfigMap', 'default', 'persistence-r1-server-0', { data: { storage: '15Gi' } })]);
const NEW_STATE = convergedState('c0ffee1234567890abcdef1234567890', [CLUSTER, STATEFUL_SET, object('ConfigMap', 'default', 'persistence-r1-server-0', { data: { storage: '10Gi' } })], 6);

const NO_CHANGE = { added: [], removed: [], unchanged: 1 } as const;
const NO_FINDINGS = { new: [], fixed: [], stillPresent: [] } as const;

function verdict(summary: string, counts: Partial<Verdict> = {}): Verdict {
  return { failOn: 'new-findings', failed: false, newFindings: 0, fixedFindings: 0, convergedChanges: 0, summary, ...counts };
}

/**
 * The small realistic diff of the golden tests: `expand-crash` gains an invariant finding (a 4-step
 * trace with a crash and a stale read) and a converged state differing in one field; `expand` is
 * unchanged; `tls` is not re-checked.
 */
export function smallDiff(): DiffReport {
  const added: ConvergedChange = {
    state: NEW_STATE,
    closest: { id: BASE_STATE.id, differences: [{ object: 'ConfigMap default/persistence-r1-server-0', path: 'data.storage', base: '15Gi', head: '10Gi' }] },
  };
  const expandState = convergedState('1234abcd5678ef901234abcd5678ef90', [CLUSTER]);
  return {
    schemaVersion: 1,
    tool: { name: 'fixpoint', version: '0.1.0' },
    base: BASE,
    head: HEAD,
    verdict: verdict('1 new finding, 1 new converged state', { failed: true, newFindings: 1, convergedChanges: 1 }),
    changes: {
      files: [{ status: 'modified', path: 'src/controllers/rabbitmq.ts' }],
      controllers: [
        { name: 'rabbitmq-cluster', status: 'changed', files: ['src/controllers/rabbitmq.ts'] },
        { name: 'tls-certs', status: 'unchanged', files: [] },
      ],
      checkInputs: [],
    },
    scenarios: [
      {
        name: 'expand',
        status: 'checked',
        reason: 'involves controller rabbitmq-cluster',
        base: scenarioReport('expand', 118, [expandState], [], 412),
        head: scenarioReport('expand', 118, [expandState], [], 431),
        converged: NO_CHANGE,
        findings: NO_FINDINGS,
      },
      {
        name: 'expand-crash',
        status: 'checked',
        reason: 'involves controller rabbitmq-cluster',
        base: scenarioReport('expand-crash', 377, [BASE_STATE], [], 1210),
        head: scenarioReport('expand-crash', 412, [BASE_STATE, NEW_STATE], [VOLUME_FINDING], 1388),
        converged: { added: [added], removed: [], unchanged: 1 },
        findings: { new: [VOLUME_FINDING], fixed: [], stillPresent: [] },
      },
      {
        name: 'tls',
        status: 'not-checked',
        reason: 'no change reaches it',
        converged: NO_CHANGE,
        findings: NO_FINDINGS,
      },
    ],
  };
}

/** A diff whose head did not build: only base ran. */
export function headBuildErrorDiff(): DiffReport {
  const small = smallDiff();
  const error = "src/controllers/rabbitmq.ts:41:7: ERROR: Expected \";\" but found \"const\"\n    41 │   let x = 1\n       │            ^\n       ╵            ;";
  return {
    ...small,
    head: { ...HEAD, error },
    verdict: verdict('head could not be built', { failed: true }),
    scenarios: small.scenarios.map((scenario): ScenarioDiff => {
      const { head: _head, ...rest } = scenario;
      return { ...rest, converged: { added: [], removed: [], unchanged: 0 }, findings: NO_FINDINGS };
    }),
  };
}

/** A long trace that ends in a cycle: a controller and the garbage collector undoing each other forever. */
export function cycleTrace(steps: number): TraceReport {
  const list: TraceStepReport[] = [];
  for (let index = 0; index < steps; index += 1) {
    if (index % 3 === 2) list.push({ actor: 'builtin:garbage-collector', label: 'garbage-collector delete Pod default/w-0', writes: [write('delete', 'Pod', 'default/w-0', 200)] });
    else if (index % 3 === 1) list.push({ actor: 'clock', label: 'clock +30s', writes: [] });
    else list.push(reconcile('widget-controller', 'default/w', [{ ...write('update', 'Widget', 'default/w', 200, [{ path: 'status.phase', before: 'Ready', after: 'Pending' }]), subresource: 'status' }, write('create', 'Pod', 'default/w-0', 201)], { result: 'requeue' }));
  }
  return { steps: list, faults: 0, cycleStart: Math.max(0, steps - 6) };
}

/**
 * Everything else a reviewer can meet: a fixed finding, one still present, a state that went away
 * with no head state to compare it with, a bounded search, a scenario that could not run on head,
 * a long trace ending in a cycle, an added scenario, and `any-finding` as the policy.
 */
export function mixedDiff(): DiffReport {
  const fixed: FindingReport = { kind: 'controller-error', controller: 'widget-controller', message: 'TypeError: Cannot read properties of undefined (reading "spec")\n    at reconcile (src/widget.ts:12:9)', trace: { steps: [], faults: 0 } };
  const still: FindingReport = { kind: 'non-convergence', message: 'widget-controller and the garbage collector undo each other forever', trace: cycleTrace(20) };
  const cycle: FindingReport = { kind: 'unstable-convergence', controller: 'widget-controller', message: 'a converged state is left again after 30 s', trace: cycleTrace(20) };
  const gone: ConvergedChange = { state: convergedState('77aa88bb99cc00dd', [object('Widget', 'default', 'w'), object('Pod', 'default', 'w-0')], 3) };
  return {
    schemaVersion: 1,
    tool: { name: 'fixpoint', version: '0.1.0' },
    base: BASE,
    head: { ref: 'working tree' },
    verdict: verdict('1 new finding, 1 fixed, 1 converged state gone', { failOn: 'any-finding', failed: true, newFindings: 1, fixedFindings: 1, convergedChanges: 1 }),
    changes: {
      files: [
        { status: 'modified', path: 'src/widget.ts' },
        { status: 'modified', path: 'fixpoint.yaml' },
      ],
      controllers: [
        { name: 'widget-controller', status: 'changed', files: ['src/widget.ts', 'src/widget-status.ts', 'src/pods.ts', 'src/labels.ts'] },
        { name: 'sweeper', status: 'renamed', from: 'janitor', files: [] },
      ],
      checkInputs: ['fixpoint.yaml'],
    },
    scenarios: [
      {
        name: 'widgets',
        status: 'checked',
        reason: 'involves controller widget-controller',
        base: scenarioReport('widgets', 2_046, [gone.state], [fixed, still], 8_200),
        head: scenarioReport('widgets', 50_000, [], [still, cycle], 61_500, 'bounded'),
        converged: { added: [], removed: [gone], unchanged: 0 },
        findings: { new: [cycle], fixed: [fixed], stillPresent: [still] },
      },
      {
        name: 'sweep',
        status: 'checked',
        reason: 'involves controller sweeper',
        base: scenarioReport('sweep', 30, [], [], 90),
        head: { ...scenarioReport('sweep', 0, [], [], 4, 'error'), error: 'controller sweeper: module src/sweeper.ts has no export "sweeper"' },
        converged: { added: [], removed: [], unchanged: 0 },
        findings: NO_FINDINGS,
      },
      {
        name: 'widgets-scale',
        status: 'added',
        reason: 'new scenario',
        head: scenarioReport('widgets-scale', 12, [], [], 30),
        converged: { added: [], removed: [], unchanged: 0 },
        findings: NO_FINDINGS,
      },
    ],
  };
}

/** Names no renderer should trust: pipes, backticks, HTML, newlines, Mermaid syntax, mentions, a directive. */
export const HOSTILE_NAME = 'evil|name`x`<script>alert(1)</script>\nline2 #; %%{init: {"theme":"dark"}}%% @octocat [x](http://e.vil) ![i](http://e.vil/p.png) $x$';

/** The small diff with every user-written string made hostile. */
export function hostileDiff(): DiffReport {
  const small = smallDiff();
  const hostileWrite = write('patch', `Config${HOSTILE_NAME}`, `default/${HOSTILE_NAME}`, 409, [{ path: `data.${HOSTILE_NAME}`, before: HOSTILE_NAME, after: `${HOSTILE_NAME}${'y'.repeat(200)}` }], 'Conflict');
  const trace: TraceReport = {
    steps: [
      reconcile(HOSTILE_NAME, `default/${HOSTILE_NAME}`, [hostileWrite], { fault: `stale read of ${HOSTILE_NAME}`, result: `threw: ${HOSTILE_NAME}` }),
      userStep(1, `patch ConfigMap default/${HOSTILE_NAME}`, [hostileWrite]),
      { actor: `builtin:${HOSTILE_NAME}`, label: HOSTILE_NAME, writes: [hostileWrite], fault: `crash after write 1 ${HOSTILE_NAME}` },
    ],
    faults: 2,
  };
  const finding: FindingReport = { kind: 'invariant', subject: HOSTILE_NAME, message: `ConfigMap ${HOSTILE_NAME}\n# not a heading\n| not | a | table |`, trace };
  const change: ConvergedChange = {
    state: convergedState(HOSTILE_NAME, [object('ConfigMap', 'default', HOSTILE_NAME)]),
    closest: { id: 'abc', differences: [{ object: `ConfigMap default/${HOSTILE_NAME}`, path: `data.${HOSTILE_NAME}`, base: HOSTILE_NAME, head: { nested: HOSTILE_NAME } }] },
  };
  return {
    ...small,
    base: { ...small.base, ref: HOSTILE_NAME },
    head: { ref: HOSTILE_NAME, error: HOSTILE_NAME + '\n```\n# heading\n```' },
    verdict: { ...small.verdict, summary: HOSTILE_NAME },
    changes: { files: [], controllers: [{ name: HOSTILE_NAME, status: 'changed', files: [HOSTILE_NAME] }], checkInputs: [HOSTILE_NAME] },
    scenarios: [
      {
        name: HOSTILE_NAME,
        status: 'checked',
        reason: HOSTILE_NAME,
        base: scenarioReport(HOSTILE_NAME, 1, [], [], 1),
        head: { ...scenarioReport(HOSTILE_NAME, 2, [change.state], [finding], 1, 'error'), error: HOSTILE_NAME },
        converged: { added: [change], removed: [], unchanged: 0 },
        findings: { new: [finding], fixed: [finding], stillPresent: [finding] },
      },
      { name: `${HOSTILE_NAME} 2`, status: 'not-checked', reason: HOSTILE_NAME, converged: NO_CHANGE, findings: NO_FINDINGS },
    ],
  };
}

/** A diff of `scenarios` scenarios, each with `findingsEach` new findings of `steps`-step traces and a 40-field converged change: large uncut. */
export function hugeDiff(scenarios: number, findingsEach: number, steps: number): DiffReport {
  const small = smallDiff();
  const list: ScenarioDiff[] = [];
  for (let index = 0; index < scenarios; index += 1) {
    const name = `scale-${String(index).padStart(3, '0')}`;
    const findings = Array.from({ length: findingsEach }, (_, number): FindingReport => ({
      kind: 'invariant',
      subject: `replicasMatch${number}`,
      message: `StatefulSet default/${name}-server has spec.replicas: ${number}, spec asks ${number + 1}`,
      trace: { ...cycleTrace(steps), cycleStart: undefined },
    }));
    const differences = Array.from({ length: 40 }, (_, field) => ({ object: `ConfigMap default/${name}-config`, path: `data.key${field}`, base: `value-${field}-base`, head: `value-${field}-head` }));
    const state = convergedState(`${name}-state-0123456789`, [object('ConfigMap', 'default', `${name}-config`)]);
    list.push({
      name,
      status: 'checked',
      reason: 'involves controller rabbitmq-cluster',
      base: scenarioReport(name, 1000 + index, [], [], 900),
      head: scenarioReport(name, 1100 + index, [state], findings, 950),
      converged: { added: [{ state, closest: { id: `${name}-base-state`, differences } }], removed: [], unchanged: 0 },
      findings: { new: findings, fixed: [], stillPresent: [] },
    });
  }
  return { ...small, verdict: verdict(`${scenarios * findingsEach} new findings, ${scenarios} new converged states`, { failed: true, newFindings: scenarios * findingsEach, convergedChanges: scenarios }), scenarios: list };
}

/** A change that reaches no scenario: nothing ran. */
export function noChangeDiff(): DiffReport {
  const small = smallDiff();
  return {
    ...small,
    verdict: verdict('no behavioural change'),
    changes: { files: [{ status: 'modified', path: 'README.md' }], controllers: [], checkInputs: [] },
    scenarios: small.scenarios.map((scenario) => ({ name: scenario.name, status: 'not-checked', reason: 'no change reaches it', converged: { added: [], removed: [], unchanged: 0 }, findings: NO_FINDINGS })),
  };
}
