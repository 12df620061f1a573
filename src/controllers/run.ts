import { inspect } from 'node:util';
import type { Controller, ReconcileContext, ReconcileResult, Request } from '../index.ts';
import type { Status } from '../sim/index.ts';
import { beginSession, endSession, realTimers, type DeterministicSession } from './determinism.ts';

/** How one reconcile is run. */
export interface RunOptions {
  /** Seeds every random source the reconcile can see; the same seed gives the same values. */
  readonly seed: string | number;
  /** The simulated time at the start, in milliseconds since the epoch: what `Date.now()` returns. */
  readonly clockMs: number;
  /** Real milliseconds the reconcile may take in all; once they are spent, a reconcile still pending is a timeout. */
  readonly budgetMs: number;
}

/** The result of a reconcile as `ReconcileResult` describes it, with the defaults filled in. */
export interface CompletedResult extends ReconcileResult {
  readonly requeue: boolean;
  readonly requeueAfterSeconds: number;
}

/** How one reconcile ended. */
export type ReconcileOutcome =
  | { readonly outcome: 'done'; readonly result: CompletedResult }
  /** It threw an API error (an `ApiException`): an expected outcome that re-enqueues the request. */
  | { readonly outcome: 'api-error'; readonly status: Status }
  /** It threw anything else, or returned something that is not a result: a `controller-error`. */
  | { readonly outcome: 'error'; readonly message: string; readonly stack: string }
  /** It was still pending when its real-time budget ran out: waiting on nothing, or on timers that never end. */
  | { readonly outcome: 'timeout' };

type Settlement = { readonly value: unknown } | { readonly error: unknown };

/**
 * Runs one reconcile to completion on a simulated clock and seeded randomness. While the
 * reconcile's promise is pending and no other work can run (every microtask has run), the clock
 * jumps to the earliest simulated timer and fires it; with no timer left, the reconcile may still
 * be waiting on real I/O, so it gets what remains of `budgetMs` of real time. Reconciles in one
 * thread run one at a time; a synchronous endless loop cannot be interrupted here, only by
 * terminating the thread, which nothing here prevents.
 */
export async function runReconcile(controller: Controller, request: Request, context: ReconcileContext, options: RunOptions): Promise<ReconcileOutcome> {
  const session = beginSession(options.seed, options.clockMs);
  const deadline = realTimers.now() + options.budgetMs;
  let settlement: Settlement | undefined;
  try {
    let settled: Promise<void>;
    try {
      settled = Promise.resolve(controller.reconcile(request, context)).then(
        (value) => void (settlement = { value }),
        (error: unknown) => void (settlement = { error }),
      );
    } catch (error) {
      return failure(error);
    }
    while (!settlement) {
      await drainMicrotasks(settled);
      if (settlement) break;
      if (realTimers.now() >= deadline) return { outcome: 'timeout' };
      try {
        if (session.timers.fireNext()) continue;
      } catch (error) {
        // A throwing timer callback would be an uncaught exception, crashing a real controller.
        return failure(error);
      }
      await idle(session, settled, deadline);
    }
  } finally {
    endSession(session);
  }
  return 'error' in settlement ? failure(settlement.error) : completion(settlement.value);
}

/** Waits until the reconcile settles or every pending microtask has run (a real immediate runs only once they have). */
async function drainMicrotasks(settled: Promise<void>): Promise<void> {
  let immediate: ReturnType<typeof realTimers.setImmediate> | undefined;
  try {
    await Promise.race([settled, new Promise<void>((resolve) => (immediate = realTimers.setImmediate(resolve)))]);
  } finally {
    realTimers.clearImmediate(immediate);
  }
}

/** Waits in real time for the reconcile to settle, schedule a timer, or run out of budget. */
async function idle(session: DeterministicSession, settled: Promise<void>, deadline: number): Promise<void> {
  let timeout: ReturnType<typeof realTimers.setTimeout> | undefined;
  const budget = new Promise<void>((resolve) => (timeout = realTimers.setTimeout(resolve, Math.max(0, deadline - realTimers.now()))));
  try {
    await Promise.race([settled, session.timerScheduled(), budget]);
  } finally {
    realTimers.clearTimeout(timeout);
  }
}

/** A returned value as a result, or an error outcome when it is not one. */
function completion(value: unknown): ReconcileOutcome {
  if (value === undefined || value === null) return { outcome: 'done', result: { requeue: false, requeueAfterSeconds: 0 } };
  const fields = typeof value === 'object' ? (value as Record<string, unknown>) : undefined;
  const requeue = fields?.['requeue'] ?? false;
  const requeueAfterSeconds = fields?.['requeueAfterSeconds'] ?? 0;
  if (typeof requeue !== 'boolean' || typeof requeueAfterSeconds !== 'number' || !Number.isFinite(requeueAfterSeconds) || requeueAfterSeconds < 0) {
    return {
      outcome: 'error',
      message: `reconcile returned ${inspect(value)}; expected nothing or { requeue?: boolean, requeueAfterSeconds?: number } with a finite, non-negative number of seconds`,
      stack: '',
    };
  }
  return { outcome: 'done', result: { requeue, requeueAfterSeconds } };
}

/** A thrown value as an API error when it carries a Kubernetes Status, a controller error otherwise. */
function failure(error: unknown): ReconcileOutcome {
  const status = apiStatus(error);
  if (status) return { outcome: 'api-error', status };
  if (error instanceof Error) return { outcome: 'error', message: `${error.name}: ${error.message}`, stack: userStack(error.stack ?? '') };
  return { outcome: 'error', message: typeof error === 'string' ? error : inspect(error), stack: '' };
}

/**
 * The Status an API error carries: client-node's `ApiException` (numeric `code`, `body` the
 * Status or its JSON), the simulator's `ApiError` (`status`), or an error whose `cause` is one.
 */
export function apiStatus(error: unknown, depth = 0): Status | undefined {
  if (typeof error !== 'object' || error === null || depth > 8) return undefined;
  const fields = error as Record<string, unknown>;
  const code = typeof fields['code'] === 'number' ? fields['code'] : fields['statusCode'];
  if (typeof code === 'number' && 'body' in fields) {
    const status = statusOf(fields['body']);
    if (status) return status;
  }
  return statusOf(fields['status']) ?? apiStatus(fields['cause'], depth + 1);
}

function statusOf(value: unknown): Status | undefined {
  let parsed = value;
  if (typeof value === 'string') {
    try {
      parsed = JSON.parse(value);
    } catch {
      return undefined;
    }
  }
  const fields = typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>) : undefined;
  return fields?.['kind'] === 'Status' && typeof fields['code'] === 'number' ? (parsed as Status) : undefined;
}

/**
 * The stack down to the reconcile: the frames from where this runner called it on (the runner's,
 * the checker's, Node's internals) say nothing about the user's code.
 */
function userStack(stack: string): string {
  const runner = new URL('.', import.meta.url);
  const lines = stack.split('\n');
  const end = lines.findIndex((line, index) => index > 0 && (line.includes(runner.href) || line.includes(runner.pathname)));
  return (end === -1 ? lines : lines.slice(0, end)).filter((line) => !line.includes('node:internal/')).join('\n');
}
