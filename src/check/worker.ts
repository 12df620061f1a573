/** The module check() starts each scenario's thread from (when run from the sources); see scenario-thread.ts. */
import { runScenarioThread } from './scenario-thread.ts';

await runScenarioThread();
