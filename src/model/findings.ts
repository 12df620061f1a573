/** Findings deduplicated by what they say, each kept with the minimal trace among its occurrences. */
import type { StateGraph } from './graph.ts';
import type { Violation } from './model.ts';
import type { Finding } from './result.ts';
import { compareTraceEnds, traceOf, type TraceEnd } from './trace.ts';

/** Collects violations as the search meets them; one finding per distinct (kind, subject, message). */
export class FindingCollector {
  readonly #graph: StateGraph;
  readonly #best = new Map<string, { violation: Violation; end: TraceEnd }>();

  constructor(graph: StateGraph) {
    this.#graph = graph;
  }

  /** Records that `violation` shows at the end of the trace `end`; keeps the smaller trace of two. */
  record(violation: Violation, end: TraceEnd): void {
    const key = `${violation.kind}\u0000${violation.subject ?? ''}\u0000${violation.subject === undefined ? 0 : 1}\u0000${violation.message}`;
    const kept = this.#best.get(key);
    if (kept === undefined) {
      const copy: Violation = { kind: violation.kind, message: violation.message };
      if (violation.subject !== undefined) copy.subject = violation.subject;
      this.#best.set(key, { violation: copy, end });
    } else if (compareTraceEnds(this.#graph, end, kept.end) < 0) {
      kept.end = end;
    }
  }

  /**
   * The findings with their traces, unordered, each with the state whose minimal trace its trace
   * begins with (all of it, or all but a last step whose detail it kept; -1: none). Call once the
   * parent links are final (the search is over).
   */
  findings(): { finding: Finding; through: number }[] {
    return [...this.#best.values()].map(({ violation, end }) => ({
      finding: { ...violation, trace: traceOf(this.#graph, end) },
      through: end.state >= 0 ? end.state : end.anchor,
    }));
  }
}
