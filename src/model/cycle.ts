/** The shortest way around a cycle: from a state back to itself within its component. */
import type { StateGraph, StepCode } from './graph.ts';

/** One step of a path through the graph. */
export interface PathStep {
  source: number;
  step: StepCode;
  target: number;
}

interface Link {
  parent: number;
  step: StepCode;
  faults: number;
  distance: number;
}

/**
 * A shortest cycle from `entry` back to `entry` through states of its component: fewest steps,
 * then fewest faults, then the graph's fixed order of links, found breadth-first like the search
 * itself so that the choice never depends on the order edges were stored in.
 */
export function shortestCycle(graph: StateGraph, component: Int32Array, entry: number): PathStep[] {
  const { offsets, targets, steps } = graph.adjacency();
  const inside = component[entry]!;
  const links = new Map<number, Link>([[entry, { parent: -1, step: 0, faults: 0, distance: 0 }]]);
  let level = [entry];
  for (let distance = 0; level.length > 0; distance += 1) {
    // Every link into this level is final, so the best step back to the entry from it closes the cycle.
    let closing: Link | undefined;
    for (const source of level) {
      const faults = links.get(source)!.faults;
      for (let edge = offsets[source]!; edge < offsets[source + 1]!; edge += 1) {
        if (targets[edge] !== entry) continue;
        const step = steps[edge]!;
        const candidate = { parent: source, step, faults: faults + (graph.isFault(step) ? 1 : 0), distance: distance + 1 };
        if (closing === undefined || graph.compareLinks(candidate.faults, source, step, closing.faults, closing.parent, closing.step) < 0) closing = candidate;
      }
    }
    if (closing !== undefined) return pathBack(links, closing, entry);

    const next: number[] = [];
    for (const source of level) {
      const faults = links.get(source)!.faults;
      for (let edge = offsets[source]!; edge < offsets[source + 1]!; edge += 1) {
        const target = targets[edge]!;
        if (component[target] !== inside) continue;
        const step = steps[edge]!;
        const candidate = { parent: source, step, faults: faults + (graph.isFault(step) ? 1 : 0), distance: distance + 1 };
        const known = links.get(target);
        if (known === undefined) {
          links.set(target, candidate);
          next.push(target);
        } else if (known.distance === distance + 1 && graph.compareLinks(candidate.faults, source, step, known.faults, known.parent, known.step) < 0) {
          links.set(target, candidate);
        }
      }
    }
    level = next;
  }
  throw new Error(`state ${entry} is on no cycle within its component`);
}

/** The path from `entry` that ends with `closing` (a link into `entry`). */
function pathBack(links: Map<number, Link>, closing: Link, entry: number): PathStep[] {
  const path: PathStep[] = [{ source: closing.parent, step: closing.step, target: entry }];
  for (let state = closing.parent; state !== entry; ) {
    const link = links.get(state)!;
    path.push({ source: link.parent, step: link.step, target: state });
    state = link.parent;
  }
  return path.reverse();
}
