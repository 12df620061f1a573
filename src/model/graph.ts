/**
 * The explored state graph, kept compactly so that millions of states fit: states are integers
 * numbered in the order they were found (so each breadth-first level is a contiguous range, and
 * depth needs no storage), and everything about them lives in typed arrays. The model's state
 * objects are not kept here: only fingerprints, parent links and edges.
 */
import { FingerprintTable } from './fingerprint-table.ts';
import type { Fingerprint } from './model.ts';

const INITIAL_CAPACITY = 1024;
const EXPANDED = 1;

/**
 * A step as one integer: its interned label's number times two, plus one when it used a fault.
 * Steps are stored per state (the parent link) and per edge, and their labels repeat.
 */
export type StepCode = number;

/** States with fingerprints and parent links, and the labelled edges between them. */
export class StateGraph {
  readonly #fingerprints = new FingerprintTable();
  #capacity = INITIAL_CAPACITY;
  /** the state each state was first reached from by a minimal trace; -1 for the initial state */
  #parents = new Int32Array(INITIAL_CAPACITY);
  /** the step of that parent link */
  #parentSteps = new Uint32Array(INITIAL_CAPACITY);
  /** faults on the minimal trace to each state */
  #faults = new Uint32Array(INITIAL_CAPACITY);
  #flags = new Uint8Array(INITIAL_CAPACITY);
  /** the model's detail of each parent link's step */
  readonly #details: unknown[] = [];
  /** the edges of state i are edges #edgeOffsets[i] to #edgeOffsets[i + 1]: states add their edges in index order */
  #edgeOffsets = new Uint32Array(INITIAL_CAPACITY + 1);
  #edgeTargets = new Uint32Array(4 * INITIAL_CAPACITY);
  #edgeSteps = new Uint32Array(4 * INITIAL_CAPACITY);
  #edgeCount = 0;
  /** states whose edges are all added */
  #closedStates = 0;
  /** index of the first state of each depth */
  readonly #levelStarts: number[] = [0];
  /** an edge went to a state no deeper than its source: without one the graph has no cycle */
  #hasBackEdge = false;
  readonly #labels: string[] = [];
  readonly #labelNumbers = new Map<string, number>();

  /** How many states the graph holds. */
  get size(): number {
    return this.#fingerprints.size;
  }

  /** How many edges the graph holds. */
  get edgeCount(): number {
    return this.#edgeCount;
  }

  /** Whether the graph may hold a cycle (some edge goes back to an earlier or the same depth). */
  get mayHaveCycles(): boolean {
    return this.#hasBackEdge;
  }

  /** The index of the state with `fingerprint`, or -1 (then `addState` adds that fingerprint). */
  lookup(fingerprint: Fingerprint): number {
    return this.#fingerprints.lookup(fingerprint);
  }

  /** Starts the next depth: states added from now on are one level deeper. */
  beginLevel(): void {
    this.#levelStarts.push(this.size);
  }

  /** Adds the state whose fingerprint the last `lookup` did not find, reached from `parent` (-1: none) by `step`. */
  addState(parent: number, step: StepCode, detail: unknown): number {
    if (this.size === this.#capacity) this.#grow();
    const index = this.#fingerprints.addLookedUp();
    this.#parents[index] = parent;
    this.#parentSteps[index] = step;
    this.#faults[index] = parent < 0 ? 0 : this.#faults[parent]! + (step & 1);
    this.#details.push(detail);
    return index;
  }

  /**
   * Makes `parent` --`step`--> the parent link of `index` when that is a better way to reach it at
   * the same depth (see `compareLinks`); returns whether it did.
   */
  improveParent(index: number, parent: number, step: StepCode, detail: unknown): boolean {
    const faults = this.#faults[parent]! + (step & 1);
    if (this.compareLinks(faults, parent, step, this.#faults[index]!, this.#parents[index]!, this.#parentSteps[index]!) >= 0) return false;
    this.#parents[index] = parent;
    this.#parentSteps[index] = step;
    this.#faults[index] = faults;
    this.#details[index] = detail;
    return true;
  }

  /**
   * The fixed order of two ways into states of the same depth, so that the choice never depends on
   * which was found first: fewer faults, then the smaller parent fingerprint, then the smaller step
   * label. A parent of -1 (the empty trace) comes first.
   */
  compareLinks(faults: number, parent: number, step: StepCode, otherFaults: number, otherParent: number, otherStep: StepCode): number {
    if (faults !== otherFaults) return faults - otherFaults;
    if (parent !== otherParent) {
      if (parent < 0 || otherParent < 0) return parent - otherParent;
      const order = this.#fingerprints.compare(parent, otherParent);
      if (order !== 0) return order;
    }
    return compareText(this.label(step), this.label(otherStep));
  }

  /** Adds an edge from `source`, which must be the state whose edges are being added (states add theirs in index order). */
  addEdge(source: number, target: number, step: StepCode): void {
    if (source !== this.#closedStates) throw new Error(`edges of state ${source} added while those of state ${this.#closedStates} are open`);
    if (this.#edgeCount === this.#edgeTargets.length) {
      if (this.#edgeCount * 2 > 0xffffffff) throw new RangeError('the explored graph exceeds 2³² transitions');
      this.#edgeTargets = grown(this.#edgeTargets, this.#edgeCount * 2);
      this.#edgeSteps = grown(this.#edgeSteps, this.#edgeCount * 2);
    }
    this.#edgeTargets[this.#edgeCount] = target;
    this.#edgeSteps[this.#edgeCount] = step;
    this.#edgeCount += 1;
    if (target < this.#levelStarts[this.#levelStarts.length - 1]!) this.#hasBackEdge = true;
  }

  /** Ends the edges of `index`, the state whose edges were being added; `expanded`: every step of it was run. */
  closeEdges(index: number, expanded: boolean): void {
    if (index !== this.#closedStates) throw new Error(`edges of state ${index} closed while those of state ${this.#closedStates} are open`);
    this.#edgeOffsets[index + 1] = this.#edgeCount;
    if (expanded) this.#flags[index] = this.#flags[index]! | EXPANDED;
    this.#closedStates += 1;
  }

  /** Closes every state not yet closed, without marking them expanded: the search is over. */
  seal(): void {
    while (this.#closedStates < this.size) this.closeEdges(this.#closedStates, false);
  }

  /** Whether every step of the state was run, so its edges are all known. */
  isExpanded(index: number): boolean {
    return (this.#flags[index]! & EXPANDED) !== 0;
  }

  /** Edge offsets, targets and steps as arrays: state i's edges are offsets[i] to offsets[i + 1]. Valid once sealed. */
  adjacency(): { offsets: Uint32Array; targets: Uint32Array; steps: Uint32Array } {
    return {
      offsets: this.#edgeOffsets.subarray(0, this.size + 1),
      targets: this.#edgeTargets.subarray(0, this.#edgeCount),
      steps: this.#edgeSteps.subarray(0, this.#edgeCount),
    };
  }

  /** The number of a step with this label and fault flag. */
  stepCode(label: string, fault: boolean): StepCode {
    let number = this.#labelNumbers.get(label);
    if (number === undefined) {
      number = this.#labels.length;
      if (number >= 0x7fffffff) throw new RangeError('more than 2³¹ distinct step labels: labels should name steps, not states');
      this.#labels.push(label);
      this.#labelNumbers.set(label, number);
    }
    return number * 2 + (fault ? 1 : 0);
  }

  /** The label of a step. */
  label(step: StepCode): string {
    return this.#labels[step >>> 1]!;
  }

  /** Whether a step used a fault. */
  isFault(step: StepCode): boolean {
    return (step & 1) === 1;
  }

  /** The state's parent on its minimal trace; -1 for the initial state. */
  parentOf(index: number): number {
    return this.#parents[index]!;
  }

  /** The step from the parent on the minimal trace. */
  parentStepOf(index: number): StepCode {
    return this.#parentSteps[index]!;
  }

  /** The detail of the step from the parent on the minimal trace. */
  detailOf(index: number): unknown {
    return this.#details[index];
  }

  /** Faults on the minimal trace to the state. */
  faultsOf(index: number): number {
    return this.#faults[index]!;
  }

  /** The state's depth: the length of its minimal trace. */
  depthOf(index: number): number {
    const starts = this.#levelStarts;
    let low = 0;
    let high = starts.length - 1;
    while (low < high) {
      const middle = (low + high + 1) >>> 1;
      if (starts[middle]! <= index) low = middle;
      else high = middle - 1;
    }
    return low;
  }

  /** The state's fingerprint as text. */
  fingerprintOf(index: number): Fingerprint {
    return this.#fingerprints.text(index);
  }

  /** Orders two states by fingerprint. */
  compareFingerprints(first: number, second: number): number {
    return this.#fingerprints.compare(first, second);
  }

  #grow(): void {
    const capacity = this.#capacity * 2;
    this.#parents = grown(this.#parents, capacity);
    this.#parentSteps = grown(this.#parentSteps, capacity);
    this.#faults = grown(this.#faults, capacity);
    this.#flags = grown(this.#flags, capacity);
    this.#edgeOffsets = grown(this.#edgeOffsets, capacity + 1);
    this.#capacity = capacity;
  }
}

/** Orders text by UTF-16 code units, the same everywhere (unlike localeCompare). */
export function compareText(first: string, second: string): number {
  return first < second ? -1 : first > second ? 1 : 0;
}

/** A copy of `array` with room for `length` elements. */
function grown<Typed extends Int32Array | Uint32Array | Uint8Array>(array: Typed, length: number): Typed {
  const copy = new (array.constructor as new (length: number) => Typed)(length);
  copy.set(array);
  return copy;
}
