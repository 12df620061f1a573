import nodeCrypto from 'node:crypto';
import { syncBuiltinESMExports } from 'node:module';
import timers from 'node:timers';
import timersPromises from 'node:timers/promises';
import { promisify } from 'node:util';
import { SeededRandom } from './seeded-random.ts';
import { SimulatedImmediate, SimulatedTimeout, TimerQueue, timerDelay } from './simulated-timers.ts';

type Callback = (...values: unknown[]) => void;
type TimerFunction = (callback: Callback, delay?: number, ...values: unknown[]) => unknown;
type ImmediateFunction = (callback: Callback, ...values: unknown[]) => unknown;
type ClearFunction = (handle?: unknown) => void;

const RealDate = globalThis.Date;
const realRandom = Math.random;
const realPerformanceNow = performance.now.bind(performance);
const webCrypto = globalThis.crypto;
const realGetRandomValues = webCrypto.getRandomValues.bind(webCrypto);
const realNodeCrypto = {
  randomUUID: nodeCrypto.randomUUID,
  randomBytes: nodeCrypto.randomBytes,
  randomInt: nodeCrypto.randomInt,
  randomFillSync: nodeCrypto.randomFillSync,
};
const realTimerFunctions = {
  setTimeout: globalThis.setTimeout as unknown as TimerFunction,
  setInterval: globalThis.setInterval as unknown as TimerFunction,
  setImmediate: globalThis.setImmediate as unknown as ImmediateFunction,
  clearTimeout: globalThis.clearTimeout as ClearFunction,
  clearInterval: globalThis.clearInterval as ClearFunction,
  clearImmediate: globalThis.clearImmediate as ClearFunction,
};
const realTimerPromises = {
  setTimeout: timersPromises.setTimeout,
  setImmediate: timersPromises.setImmediate,
  setInterval: timersPromises.setInterval,
};

/**
 * The thread's real timers and clock, captured before anything is patched, for the runner's own
 * waiting: it must wait in real time while the reconcile it watches waits in simulated time.
 */
export const realTimers = Object.freeze({
  setTimeout: globalThis.setTimeout,
  clearTimeout: globalThis.clearTimeout,
  setImmediate: globalThis.setImmediate,
  clearImmediate: globalThis.clearImmediate,
  /** Real milliseconds since the thread started, as `performance.now()`. */
  now: realPerformanceNow,
});

/** One reconcile's simulated clock, timers and seeded randomness; at most one is open per thread. */
export class DeterministicSession {
  /** Behind `Math.random` and every `crypto` random function. */
  readonly random: SeededRandom;
  /** Behind every timer function; its clock is behind `Date` and `performance.now`. */
  readonly timers: TimerQueue;
  /** `performance.now()` counts from the session's start, as it counts from a process's start. */
  readonly #originMs: number;
  #wakers: (() => void)[] = [];

  constructor(seed: string | number, clockMs: number) {
    this.random = new SeededRandom(seed);
    this.timers = new TimerQueue(clockMs, () => this.#wake());
    this.#originMs = clockMs;
  }

  /** The simulated time in milliseconds since the epoch, as `Date.now()` reads it. */
  get clockMs(): number {
    return Math.floor(this.timers.clockMs);
  }

  /** Milliseconds of simulated time since the session began, as `performance.now()` reads it. */
  get elapsedMs(): number {
    return this.timers.clockMs - this.#originMs;
  }

  /** Resolves when the next timer is scheduled: a reconcile woken by real I/O may schedule one. */
  timerScheduled(): Promise<void> {
    return new Promise((resolve) => this.#wakers.push(resolve));
  }

  #wake(): void {
    const wakers = this.#wakers;
    this.#wakers = [];
    for (const wake of wakers) wake();
  }
}

let current: DeterministicSession | undefined;
let installed = false;

/**
 * Opens a session: until `endSession`, the thread's `Date`, `performance.now`, randomness and
 * timers are the session's. Installs the patches on first use.
 */
export function beginSession(seed: string | number, clockMs: number): DeterministicSession {
  if (current) throw new Error('a reconcile is already running in this thread: reconciles run one at a time');
  installDeterminism();
  current = new DeterministicSession(seed, clockMs);
  return current;
}

/** Closes the open session, dropping its unfired timers; the patched functions are real again. */
export function endSession(session: DeterministicSession): void {
  if (current !== session) return;
  session.timers.clearAll();
  current = undefined;
}

/**
 * Replaces `Date`, `performance.now`, `Math.random`, the random functions of `crypto` and
 * `node:crypto`, and the timers of the global scope, `node:timers` and `node:timers/promises`, by
 * functions that use the open session and are the real ones when no session is open. Installing
 * once, before user modules load, means even a function a module captured at load time (`const
 * { randomUUID } = crypto`) is the deterministic one. Idempotent.
 */
export function installDeterminism(): void {
  if (installed) return;
  installed = true;
  installClock();
  installRandomness();
  installTimers();
  // ES modules import node builtins through live bindings; this updates them to the patched functions.
  syncBuiltinESMExports();
}

function installClock(): void {
  const SimulatedDate = function (this: unknown, ...values: unknown[]): unknown {
    if (new.target === undefined) return current ? new RealDate(current.clockMs).toString() : RealDate();
    const arguments_ = values.length === 0 && current ? [current.clockMs] : values;
    return Reflect.construct(RealDate, arguments_, new.target);
  } as unknown as DateConstructor;
  // Sharing the prototype keeps `instanceof Date` true for every date, including those made before the patch.
  Object.defineProperties(SimulatedDate, {
    prototype: { value: RealDate.prototype },
    name: { value: 'Date' },
    length: { value: 7 },
    now: { value: () => (current ? current.clockMs : RealDate.now()), writable: true, configurable: true },
    parse: { value: RealDate.parse, writable: true, configurable: true },
    UTC: { value: RealDate.UTC, writable: true, configurable: true },
  });
  Object.defineProperty(RealDate.prototype, 'constructor', { value: SimulatedDate, writable: true, configurable: true });
  globalThis.Date = SimulatedDate;
  Object.defineProperty(performance, 'now', {
    value: () => (current ? current.elapsedMs : realPerformanceNow()),
    writable: true,
    configurable: true,
  });
}

function installRandomness(): void {
  Math.random = () => (current ? current.random.float() : realRandom());
  const randomUUID = (options?: { disableEntropyCache?: boolean }): `${string}-${string}-${string}-${string}-${string}` =>
    (current ? current.random.uuid() : realNodeCrypto.randomUUID(options)) as `${string}-${string}-${string}-${string}-${string}`;
  const getRandomValues = <T extends ArrayBufferView | null>(array: T): T => {
    if (!current) return realGetRandomValues(array as never) as T;
    // What the platform rejects (a float array, more than 65536 bytes) goes to the real function, so the error is the platform's.
    if (!isIntegerArray(array) || array.byteLength > 65536) {
      return realGetRandomValues(array as never) as T;
    }
    current.random.fill(new Uint8Array(array.buffer, array.byteOffset, array.byteLength));
    return array;
  };
  defineMethod(webCrypto, 'randomUUID', randomUUID);
  defineMethod(webCrypto, 'getRandomValues', getRandomValues);
  const crypto = nodeCrypto as unknown as Record<string, unknown>;
  crypto['randomUUID'] = randomUUID;
  crypto['randomBytes'] = function randomBytes(size: number, callback?: (error: Error | null, buffer: Buffer) => void): Buffer | undefined {
    if (!current) return (realNodeCrypto.randomBytes as (size: number, callback?: unknown) => Buffer | undefined)(size, callback);
    const buffer = Buffer.alloc(size);
    current.random.fill(buffer);
    if (!callback) return buffer;
    process.nextTick(callback, null, buffer);
    return undefined;
  };
  crypto['randomInt'] = function randomInt(first: number, second?: unknown, third?: unknown): number | undefined {
    if (!current) return (realNodeCrypto.randomInt as (...values: unknown[]) => number | undefined)(first, second, third);
    const [minimum, maximum, callback] = typeof second === 'number' ? [first, second, third] : [0, first, second];
    const value = current.random.integer(minimum, maximum);
    if (typeof callback !== 'function') return value;
    process.nextTick(callback as Callback, null, value);
    return undefined;
  };
  crypto['randomFillSync'] = function randomFillSync<T extends ArrayBufferView | ArrayBuffer>(buffer: T, offset = 0, size?: number): T {
    if (!current) return realNodeCrypto.randomFillSync(buffer as never, offset, size) as T;
    const bytes = ArrayBuffer.isView(buffer) ? new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength) : new Uint8Array(buffer);
    current.random.fill(bytes.subarray(offset, size === undefined ? undefined : offset + size));
    return buffer;
  };
}

function installTimers(): void {
  const setTimeout = function setTimeout(callback: Callback, delay?: number, ...values: unknown[]): unknown {
    if (!current) return realTimerFunctions.setTimeout(callback, delay, ...values);
    requireFunction(callback);
    return new SimulatedTimeout(current.timers, current.timers.schedule(callback, timerDelay(delay), values, false));
  };
  const setInterval = function setInterval(callback: Callback, delay?: number, ...values: unknown[]): unknown {
    if (!current) return realTimerFunctions.setInterval(callback, delay, ...values);
    requireFunction(callback);
    return new SimulatedTimeout(current.timers, current.timers.schedule(callback, timerDelay(delay), values, true));
  };
  const setImmediate = function setImmediate(callback: Callback, ...values: unknown[]): unknown {
    if (!current) return realTimerFunctions.setImmediate(callback, ...values);
    requireFunction(callback);
    return new SimulatedImmediate(current.timers, current.timers.schedule(callback, 0, values, false));
  };
  const clear = (real: ClearFunction) =>
    function clearTimer(handle?: unknown): void {
      if (handle instanceof SimulatedTimeout || handle instanceof SimulatedImmediate) handle.clear();
      else if (typeof handle === 'number' && current?.timers.has(handle)) current.timers.clear(handle);
      else real(handle);
    };
  const promises = {
    setTimeout: function setTimeout<T>(delay?: number, value?: T, options?: { signal?: AbortSignal; ref?: boolean }): Promise<T> {
      if (!current) return realTimerPromises.setTimeout(delay, value, options) as Promise<T>;
      return simulatedPromise(current, timerDelay(delay), value as T, options?.signal);
    },
    setImmediate: function setImmediate<T>(value?: T, options?: { signal?: AbortSignal; ref?: boolean }): Promise<T> {
      if (!current) return realTimerPromises.setImmediate(value, options) as Promise<T>;
      return simulatedPromise(current, 0, value as T, options?.signal);
    },
    setInterval: function setInterval<T>(delay?: number, value?: T, options?: { signal?: AbortSignal; ref?: boolean }): AsyncIterator<T> {
      if (!current) return realTimerPromises.setInterval(delay, value, options);
      return simulatedInterval(current, timerDelay(delay), value as T, options?.signal);
    },
  };
  // `promisify(setTimeout)` is a common way to sleep; it must sleep on the simulated clock too.
  Object.defineProperty(setTimeout, promisify.custom, { value: promises.setTimeout });
  Object.defineProperty(setImmediate, promisify.custom, { value: promises.setImmediate });
  const functions = {
    setTimeout,
    setInterval,
    setImmediate,
    clearTimeout: clear(realTimerFunctions.clearTimeout),
    clearInterval: clear(realTimerFunctions.clearInterval),
    clearImmediate: clear(realTimerFunctions.clearImmediate),
  };
  Object.assign(globalThis, functions);
  Object.assign(timers, functions);
  Object.assign(timersPromises, promises);
}

/** A promise that resolves to `value` when a simulated timer fires, or rejects when `signal` aborts. */
function simulatedPromise<T>(session: DeterministicSession, delayMs: number, value: T, signal: AbortSignal | undefined): Promise<T> {
  if (signal?.aborted) return Promise.reject(abortError(signal));
  return new Promise((resolve, reject) => {
    const onAbort = (): void => {
      session.timers.clear(id);
      reject(abortError(signal));
    };
    const id = session.timers.schedule(
      () => {
        signal?.removeEventListener('abort', onAbort);
        resolve(value);
      },
      delayMs,
      [],
      false,
    );
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** `timers/promises.setInterval` on the simulated clock: yields `value` every `delayMs`. */
async function* simulatedInterval<T>(session: DeterministicSession, delayMs: number, value: T, signal: AbortSignal | undefined): AsyncGenerator<T> {
  for (;;) yield await simulatedPromise(session, delayMs, value, signal);
}

/** The error Node's promise timers reject with when their signal aborts. */
function abortError(signal: AbortSignal | undefined): Error {
  return Object.assign(new Error('The operation was aborted', { cause: signal?.reason }), { name: 'AbortError', code: 'ABORT_ERR' });
}

const INTEGER_ARRAYS = [Int8Array, Uint8Array, Uint8ClampedArray, Int16Array, Uint16Array, Int32Array, Uint32Array, BigInt64Array, BigUint64Array];

/** Whether `getRandomValues` accepts the value: an integer typed array. */
function isIntegerArray(value: unknown): value is ArrayBufferView {
  return INTEGER_ARRAYS.some((type) => value instanceof type);
}

function requireFunction(callback: unknown): void {
  if (typeof callback !== 'function') {
    throw Object.assign(new TypeError(`The "callback" argument must be of type function. Received ${typeof callback}`), { code: 'ERR_INVALID_ARG_TYPE' });
  }
}

/** An own method that shadows the prototype's, so it can be replaced on an object whose class is built in. */
function defineMethod(target: object, name: string, value: unknown): void {
  Object.defineProperty(target, name, { value, writable: true, configurable: true, enumerable: true });
}
