/**
 * The thread one scenario runs in: user code is loaded here, with this thread's clock, randomness
 * and timers made deterministic, so the main thread stays untouched and can end a runaway reconcile.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { HangSignal } from './hang-signal.ts';
import { runScenario, type ScenarioRun } from './run-scenario.ts';
import type { WorkerMessage } from './worker-messages.ts';
import { errorMessage } from '../error-message.ts';

/** Runs the scenario `workerData` names and posts its report (or why it did not load) to the main thread. */
export async function runScenarioThread(): Promise<void> {
  const { run, signal } = workerData as { run: ScenarioRun; signal: SharedArrayBuffer };
  const hangs = new HangSignal(signal);
  const post = (message: WorkerMessage) => parentPort?.postMessage(message);
  try {
    const report = await runScenario(run, {
      onProgress: (progress) => post({ type: 'progress', progress }),
      beforeReconcile: (hangKey) => hangs.started(hangKey),
      afterReconcile: () => hangs.finished(),
    });
    post({ type: 'done', report });
  } catch (error) {
    post({ type: 'load-error', message: errorMessage(error) });
  }
}
