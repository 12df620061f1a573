/**
 * Shared memory through which a scenario's worker says which reconcile it is running, so the main
 * thread can tell a reconcile that never returns (a synchronous loop no timer can interrupt) and
 * name it after ending the thread.
 */
export class HangSignal {
  /** [0] reconciles started, [1] reconciles finished, [2] bytes of the running reconcile's key */
  readonly #counters: Int32Array;
  readonly #key: Uint8Array;

  static readonly BYTES = 4096;

  constructor(buffer: SharedArrayBuffer = new SharedArrayBuffer(HangSignal.BYTES)) {
    this.#counters = new Int32Array(buffer, 0, 3);
    this.#key = new Uint8Array(buffer, 16);
  }

  get buffer(): SharedArrayBuffer {
    return this.#counters.buffer as SharedArrayBuffer;
  }

  started(key: string): void {
    const { written } = new TextEncoder().encodeInto(key, this.#key);
    Atomics.store(this.#counters, 2, written);
    Atomics.add(this.#counters, 0, 1);
  }

  finished(): void {
    Atomics.add(this.#counters, 1, 1);
  }

  /** The reconcile running now (started, not finished), as a count that changes with each new one; undefined when none runs. */
  running(): { count: number; key: string } | undefined {
    const count = Atomics.load(this.#counters, 0);
    if (count === Atomics.load(this.#counters, 1)) return undefined;
    const length = Atomics.load(this.#counters, 2);
    return { count, key: new TextDecoder().decode(this.#key.slice(0, length)) };
  }
}
