/** The limits of one search, and the `bound-reached` findings that say a result is partial. */
import type { Violation } from './model.ts';
import type { ExploreOptions } from './result.ts';

/** The kind of the findings that say which limit cut the search. */
export const BOUND_REACHED = 'bound-reached';

/** A limit, named as its option is. */
export type Bound = 'maxStates' | 'maxDepth' | 'timeoutSeconds' | 'signal';

/** The options' limits, validated; unset ones are infinite. */
export class Bounds {
  readonly maxStates: number;
  readonly maxDepth: number;
  readonly timeoutSeconds: number;
  readonly #deadline: number;
  readonly #signal: AbortSignal | undefined;

  constructor(options: ExploreOptions, startedAt: number) {
    this.maxStates = whole(options.maxStates, 'maxStates', 1);
    this.maxDepth = whole(options.maxDepth, 'maxDepth', 0);
    const timeout = options.timeoutSeconds ?? Infinity;
    if (!(timeout >= 0)) throw new RangeError(`explore: timeoutSeconds must be a number of at least 0, got ${options.timeoutSeconds}`);
    this.timeoutSeconds = timeout;
    this.#deadline = startedAt + timeout * 1000;
    this.#signal = options.signal;
  }

  /** The time or abort limit reached now, if any; checked before each step. */
  interrupted(): Bound | undefined {
    if (this.#signal?.aborted) return 'signal';
    if (this.#deadline !== Infinity && performance.now() >= this.#deadline) return 'timeoutSeconds';
    return undefined;
  }

  /** The `bound-reached` violation for a limit. */
  violation(bound: Bound): Violation {
    const partial = 'the result is partial';
    switch (bound) {
      case 'maxStates':
        return { kind: BOUND_REACHED, subject: bound, message: `the search stopped at maxStates (${this.maxStates}): this step led to one state more; ${partial}` };
      case 'maxDepth':
        return { kind: BOUND_REACHED, subject: bound, message: `the search stopped at maxDepth (${this.maxDepth}): steps from states at that depth, like this one, were not run; ${partial}` };
      case 'timeoutSeconds':
        return { kind: BOUND_REACHED, subject: bound, message: `the search stopped after timeoutSeconds (${this.timeoutSeconds}) at this state: its steps and those of later states were not all run; ${partial}` };
      case 'signal':
        return { kind: BOUND_REACHED, subject: bound, message: `the search was aborted at this state: its steps and those of later states were not all run; ${partial}` };
    }
  }
}

/** A whole-number option of at least `least`, or Infinity when unset. */
function whole(value: number | undefined, name: string, least: number): number {
  if (value === undefined || value === Infinity) return Infinity;
  if (!Number.isInteger(value) || value < least) throw new RangeError(`explore: ${name} must be a whole number of at least ${least}, got ${value}`);
  return value;
}
