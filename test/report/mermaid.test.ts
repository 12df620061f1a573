import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { TraceReport } from '../../src/check/report.ts';
import { mermaidText, sequenceDiagram } from '../../src/report/mermaid.ts';
import { cycleTrace, expandCrashTrace, reconcile, userStep, write } from './fixtures.ts';
import { parseSequence } from './helpers.ts';

describe('the Mermaid sequence diagram of a trace', () => {
  it('has the user, each controller, each builtin and the API server, and one line per write', async () => {
    const parsed = await parseSequence(sequenceDiagram(expandCrashTrace()));
    assert.deepEqual(parsed.participants, ['user', 'rabbitmq-cluster', 'API server']);
    assert.deepEqual(parsed.texts, [
      '[1] create StatefulSet default/r1-server → 201',
      '[1] create ConfigMap default/persistence-r1-server-0 → 201',
      '[2] patch RabbitmqCluster default/r1 spec.persistence.storage=15Gi → 200',
      '[3] delete StatefulSet default/r1-server → 200',
      '💥 [3] crash after write 1',
      '⚡ [4] stale read of configmaps, 1 step back',
      '[4] create StatefulSet default/r1-server → 201',
    ]);
  });

  it('marks crashes and stale reads with notes over the controller', () => {
    const diagram = sequenceDiagram(expandCrashTrace());
    assert.match(diagram, /^ {2}Note over C1: 💥 \[3\] crash after write 1$/m);
    assert.match(diagram, /^ {2}Note over C1: ⚡ \[4\] stale read of configmaps, 1 step back$/m);
  });

  it('crosses a refused write, notes a quiet step, and marks where a cycle starts', async () => {
    const trace: TraceReport = {
      steps: [
        reconcile('a', 'default/x', [write('update', 'ConfigMap', 'default/x', 409, [], 'Conflict')], { result: 'requeue' }),
        reconcile('a', 'default/x', [], { result: 'requeue' }),
        { actor: 'clock', label: 'clock +30s', writes: [] },
      ],
      faults: 0,
      cycleStart: 1,
    };
    const diagram = sequenceDiagram(trace);
    assert.match(diagram, /C1-xAPI: \[1\] update ConfigMap default\/x → 409 Conflict/);
    const parsed = await parseSequence(diagram);
    assert.ok(parsed.texts.includes('[2] reconcile default/x, no writes → requeue'), parsed.texts.join('\n'));
    assert.ok(parsed.texts.includes('↻ from here on the steps repeat forever'));
    assert.ok(parsed.texts.includes('[3] clock +30s'));
  });

  it('draws a long trace up to a bound and says how many steps it left to the table', async () => {
    const parsed = await parseSequence(sequenceDiagram(cycleTrace(100)));
    assert.ok(parsed.texts.includes('… 60 more steps, see the table'));
    assert.deepEqual(parsed.participants, ['widget-controller', 'garbage-collector (builtin)', 'API server']);
  });

  it('keeps every piece of hostile text inside its message', async () => {
    const nasty = ['a;b', 'x#y', '%%{init: {"theme":"forest"}}%%', '<b>bold</b><br/>', '"quoted" \'single\'', 'colon: here', 'new\nline', 'back`tick`', 'end', 'participant Z', '-->>', 'a\\b', '{curly}'];
    const trace: TraceReport = {
      steps: nasty.map((name, index) =>
        index % 2 === 0 ? reconcile(name, `ns/${name}`, [write('patch', name, `ns/${name}`, 200, [{ path: `data.${name}`, before: 'a', after: name }])], { fault: `stale read of ${name}` }) : userStep(index, name, [write('create', 'ConfigMap', name, 201)]),
      ),
      faults: 0,
    };
    const parsed = await parseSequence(sequenceDiagram(trace));
    // Seven controllers, the user and the API server: no name split into two participants or ended a line.
    assert.equal(parsed.participants.length, 9, parsed.participants.join(' / '));
    assert.ok(parsed.participants.includes('%%{init: {"theme":"forest"}}%%'));
    assert.ok(parsed.participants.includes('a;b'));
    const writes = parsed.texts.filter((text) => /→ 20[01]$/.test(text));
    assert.equal(writes.length, nasty.length);
    assert.ok(parsed.texts.includes('[7] patch new ↵ line ns/new ↵ line data.new ↵ line=new ↵ line → 200'), parsed.texts.join('\n'));
    assert.ok(parsed.texts.includes('[4] create ConfigMap <b>bold</b><br/> → 201'));
    assert.ok(parsed.texts.includes('⚡ [3] stale read of %%{init: {"theme":"forest"}}%%'));
  });

  it('writes syntax characters as entity codes and cuts long text', () => {
    assert.equal(mermaidText('a;b#c:d<e>f%g'), 'a#59;b#35;c#58;d#60;e#62;f#37;g');
    assert.equal(mermaidText('x'.repeat(200), 10), `${'x'.repeat(9)}…`);
    assert.equal(mermaidText('one\ntwo'), 'one ↵ two');
  });
});
