/**
 * The entry of the Action's bundle (dist/index.js). The same file is every scenario's thread:
 * check() starts its workers from this module, and off the main thread it runs the scenario.
 */
import { isMainThread } from 'node:worker_threads';

// Each side is imported on its own, so that a scenario's thread does not evaluate the Action's GitHub libraries.
if (isMainThread) {
  const { setWorkerEntry } = await import('./check/check.ts');
  const { run } = await import('./action.ts');
  setWorkerEntry(new URL(import.meta.url));
  await run();
} else {
  const { runScenarioThread } = await import('./check/scenario-thread.ts');
  await runScenarioThread();
}
