import type { Progress } from '../model/index.ts';
import type { ScenarioReport } from './report.ts';

/** What a scenario's worker tells the main thread. */
export type WorkerMessage =
  | { readonly type: 'progress'; readonly progress: Progress }
  | { readonly type: 'done'; readonly report: ScenarioReport }
  /** the scenario's config, modules or objects could not be loaded: a usage error (exit 2) */
  | { readonly type: 'load-error'; readonly message: string };
