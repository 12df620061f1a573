/**
 * A trace as a Mermaid sequence diagram: who talked to the API server, in order, with crashes and
 * stale reads as notes. Every user-written piece (object names, messages, label values, actor
 * names) goes through `mermaidText`, which writes anything Mermaid could read as syntax as an
 * entity code (`#59;`), so no name can end a message, open a directive or inject HTML.
 */
import type { TraceReport, TraceStepReport, WriteReport } from '../check/report.ts';
import { actorOf, notableResult, shownChanges, stepFaults, writeCode, writeFailed, writeTarget, type Actor } from './describe.ts';
import { oneLine, truncate } from './escape.ts';

/** Steps a diagram draws before it says how many more the table shows: a diagram is an overview. */
const MAX_DIAGRAM_STEPS = 40;
/** Characters in a message or note before it is cut: Mermaid does not wrap, so long lines make wide diagrams. */
const MAX_TEXT = 90;
/** A write's message, whose parts are each cut already (so its answer code always shows). */
const MAX_WRITE_TEXT = 180;

/**
 * Characters Mermaid reads as syntax somewhere in a line: `;` and newlines end a statement, `#` opens
 * an entity, `%` a directive or comment, `<`, `>`, `&` are HTML, quotes and backticks delimit
 * strings in some diagram versions, `:` separates a message from its actors, `{}` are directive
 * bodies. Letters, digits, spaces and harmless punctuation stay readable.
 */
const MERMAID_SYNTAX = /[;#%<>&"'`:{}\\]/g;

/** User-written text as Mermaid message, note or participant text: one line, cut to `max`, syntax written as entity codes. */
export function mermaidText(text: string, max = MAX_TEXT): string {
  const line = truncate(oneLine(text).replace(/\s+/g, ' ').trim(), max);
  return line.replace(MERMAID_SYNTAX, (character) => `#${character.codePointAt(0)};`);
}

/** A Mermaid participant: its short id in the diagram and what it is called. */
interface Participant {
  readonly id: string;
  readonly title: string;
}

const API_SERVER: Participant = { id: 'API', title: 'API server' };

/** A trace as the source of a Mermaid `sequenceDiagram` (without the Markdown fence). */
export function sequenceDiagram(trace: TraceReport): string {
  const participants = participantsOf(trace.steps);
  const first = [...participants.values()][0];
  const everyone = first === undefined ? API_SERVER.id : `${first.id},${API_SERVER.id}`;
  const lines = ['sequenceDiagram', ...[...participants.values(), API_SERVER].map((participant) => `  participant ${participant.id} as ${mermaidText(participant.title, 40)}`)];
  const shown = trace.steps.slice(0, MAX_DIAGRAM_STEPS);
  shown.forEach((step, index) => {
    if (trace.cycleStart === index) lines.push(`  Note over ${everyone}: ↻ from here on the steps repeat forever`);
    lines.push(...stepLines(step, index + 1, participants.get(actorKey(actorOf(step))) ?? API_SERVER, everyone));
  });
  const hidden = trace.steps.length - shown.length;
  if (hidden > 0) lines.push(`  Note over ${everyone}: … ${hidden} more step${hidden === 1 ? '' : 's'}, see the table`);
  return `${lines.join('\n')}\n`;
}

function actorKey(actor: Actor): string {
  return `${actor.role}:${actor.name}`;
}

/**
 * The participants by actor, in a fixed order (user, controllers, builtins, others) so diagrams of
 * similar traces look alike. Cache syncs and the clock have none: they are drawn at the API server.
 */
function participantsOf(steps: readonly TraceStepReport[]): Map<string, Participant> {
  const actors = new Map(steps.map((step) => actorOf(step)).map((actor) => [actorKey(actor), actor]));
  const participants = new Map<string, Participant>();
  const add = (role: Actor['role'], prefix: string, title: (name: string) => string) => {
    const ofRole = [...actors.values()].filter((actor) => actor.role === role);
    ofRole.forEach((actor, index) => participants.set(actorKey(actor), { id: role === 'user' ? prefix : `${prefix}${index + 1}`, title: title(actor.name) }));
  };
  add('user', 'U', () => 'user');
  add('controller', 'C', (name) => name);
  add('builtin', 'B', (name) => `${name} (builtin)`);
  add('other', 'X', (name) => name);
  return participants;
}

/** One step: its stale reads, each write as an arrow (a refused write crossed), its end, then its crash. */
function stepLines(step: TraceStepReport, number: number, actor: Participant, everyone: string): string[] {
  const lines: string[] = [];
  const faults = stepFaults(step);
  for (const fault of faults.before) lines.push(`  Note over ${actor.id}: ⚡ [${number}] ${mermaidText(fault)}`);
  for (const write of step.writes) {
    const arrow = writeFailed(write) ? '-x' : '->>';
    lines.push(`  ${actor.id}${arrow}${API_SERVER.id}: [${number}] ${mermaidText(writeMessage(write), MAX_WRITE_TEXT)}`);
  }
  const result = notableResult(step);
  if (step.writes.length === 0) {
    // Time passes for everyone; any other quiet step belongs to its actor.
    const role = actorOf(step).role;
    const over = role === 'clock' ? everyone : actor.id;
    const text = role === 'controller' ? `reconcile ${step.request ?? ''}, no writes${result ? ` → ${result}` : ''}` : step.label;
    lines.push(`  Note over ${over}: [${number}] ${mermaidText(text)}`);
  } else if (result) {
    lines.push(`  Note over ${actor.id}: [${number}] ${mermaidText(`→ ${result}`)}`);
  }
  for (const fault of faults.after) lines.push(`  Note over ${actor.id}: 💥 [${number}] ${mermaidText(fault)}`);
  return lines;
}

/** `patch RabbitmqCluster default/r1 spec.storage=15Gi → 200`: the verb, the object, the first changed field, the answer. */
function writeMessage(write: WriteReport): string {
  const changes = shownChanges(write);
  const first = changes[0];
  const change = first === undefined ? '' : ` ${first.path}=${first.after === undefined ? '(removed)' : typeof first.after === 'string' ? first.after : JSON.stringify(first.after)}`;
  const more = changes.length > 1 ? ` (+${changes.length - 1})` : '';
  const text = `${truncate(write.verb, 12)} ${truncate(write.kind, 30)} ${truncate(writeTarget(write), 60)}`;
  return `${text}${truncate(change, 40)}${more} → ${truncate(writeCode(write), 30)}`;
}
