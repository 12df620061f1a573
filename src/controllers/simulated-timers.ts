/** Node's limit: a delay outside [1, TIMEOUT_MAX] milliseconds becomes 1. */
const TIMEOUT_MAX = 2 ** 31 - 1;

/**
 * Simulated timer ids live far above Node's async ids, so a number passed to `clearTimeout` is
 * never mistaken for a real timer's.
 */
const FIRST_ID = 2 ** 40;

interface Timer {
  readonly callback: (...values: unknown[]) => void;
  readonly values: readonly unknown[];
  readonly delayMs: number;
  readonly repeat: boolean;
  dueMs: number;
  /** Orders timers due at the same time: the one scheduled first fires first, as in Node. */
  sequence: number;
}

/**
 * The timers of one reconcile, on a simulated clock that moves only when a timer fires: nothing
 * ever waits in real time, and the order of firing depends only on what was scheduled.
 */
export class TimerQueue {
  #clockMs: number;
  readonly #timers = new Map<number, Timer>();
  readonly #onSchedule: () => void;
  #sequence = 0;
  #nextId = FIRST_ID;

  /** `onSchedule` is told of every new timer, so a runner waiting on real I/O can wake up for it. */
  constructor(clockMs: number, onSchedule: () => void = () => {}) {
    this.#clockMs = clockMs;
    this.#onSchedule = onSchedule;
  }

  /** The simulated time, in milliseconds since the epoch. */
  get clockMs(): number {
    return this.#clockMs;
  }

  /** How many timers are scheduled. */
  get size(): number {
    return this.#timers.size;
  }

  /** Schedules `callback(...values)` after `delayMs` (0 for an immediate), again every `delayMs` if `repeat`. */
  schedule(callback: (...values: unknown[]) => void, delayMs: number, values: readonly unknown[], repeat: boolean): number {
    const id = this.#nextId;
    this.#nextId += 1;
    this.#timers.set(id, { callback, values, delayMs, repeat, dueMs: this.#clockMs + delayMs, sequence: this.#nextSequence() });
    this.#onSchedule();
    return id;
  }

  /** Removes a timer; unknown ids are ignored, as `clearTimeout` ignores them. */
  clear(id: number): void {
    this.#timers.delete(id);
  }

  /** Whether `id` is a scheduled timer of this queue. */
  has(id: number): boolean {
    return this.#timers.has(id);
  }

  /** Restarts a timer's delay from the current time, as `timeout.refresh()` does. */
  refresh(id: number): void {
    const timer = this.#timers.get(id);
    if (!timer) return;
    timer.dueMs = this.#clockMs + timer.delayMs;
    timer.sequence = this.#nextSequence();
  }

  /**
   * Advances the clock to the earliest timer and runs it; false when none is scheduled. A throwing
   * callback throws here: in a real process it would be an uncaught exception.
   */
  fireNext(): boolean {
    let nextId: number | undefined;
    let next: Timer | undefined;
    for (const [id, timer] of this.#timers) {
      if (!next || timer.dueMs < next.dueMs || (timer.dueMs === next.dueMs && timer.sequence < next.sequence)) {
        nextId = id;
        next = timer;
      }
    }
    if (nextId === undefined || !next) return false;
    this.#clockMs = Math.max(this.#clockMs, next.dueMs);
    if (next.repeat) {
      next.dueMs = this.#clockMs + next.delayMs;
      next.sequence = this.#nextSequence();
    } else {
      this.#timers.delete(nextId);
    }
    next.callback(...next.values);
    return true;
  }

  /** Drops every timer: a reconcile's leftover timers must not fire in the next one. */
  clearAll(): void {
    this.#timers.clear();
  }

  #nextSequence(): number {
    this.#sequence += 1;
    return this.#sequence;
  }
}

/** A delay as Node normalises it: a number in [1, TIMEOUT_MAX], otherwise 1. */
export function timerDelay(delay: unknown): number {
  const milliseconds = Number(delay);
  return milliseconds >= 1 && milliseconds <= TIMEOUT_MAX ? milliseconds : 1;
}

/** What `setImmediate` returns under simulation: the methods of Node's `Immediate`, on a simulated timer. */
export class SimulatedImmediate {
  protected readonly queue: TimerQueue;
  protected readonly id: number;

  constructor(queue: TimerQueue, id: number) {
    this.queue = queue;
    this.id = id;
  }

  /** Removes the timer from its queue. */
  clear(): void {
    this.queue.clear(this.id);
  }

  /** A simulated timer never keeps a process alive, so ref and unref only keep Node's contract. */
  ref(): this {
    return this;
  }

  unref(): this {
    return this;
  }

  hasRef(): boolean {
    return true;
  }

  [Symbol.dispose](): void {
    this.clear();
  }
}

/** What `setTimeout` and `setInterval` return under simulation: Node's `Timeout` adds refresh, close and its id. */
export class SimulatedTimeout extends SimulatedImmediate {
  /** The timer's id; `clearTimeout(Number(timeout))` works, as in Node. */
  [Symbol.toPrimitive](): number {
    return this.id;
  }

  refresh(): this {
    this.queue.refresh(this.id);
    return this;
  }

  close(): this {
    this.clear();
    return this;
  }
}
