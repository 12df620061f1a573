/**
 * The entry of the Action's bundle (dist/index.js). The same file is every scenario's thread:
 * check() starts its workers from this module, and off the main thread it runs the scenario.
 */
import { isMainThread } from 'node:worker_threads';
import { run } from './action.ts';
import { setWorkerEntry } from './check/check.ts';
import { runScenarioThread } from './check/scenario-thread.ts';

if (isMainThread) {
  setWorkerEntry(new URL(import.meta.url));
  await run();
} else {
  await runScenarioThread();
}
