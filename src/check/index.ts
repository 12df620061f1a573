/** Loading and validating `fixpoint.yaml`: config -> scenarios. */
export {
  loadConfig,
  configProblem,
  type Config,
  type ControllerConfig,
  type ScenarioConfig,
  type Builtin,
  type Step,
  type ApplyStep,
  type PatchStep,
  type DeleteStep,
  type StepTiming,
  type ObjectReference,
  type Faults,
  type Bounds,
} from './config.ts';
export { ConfigError, type ConfigProblem } from './config-error.ts';
export type { KeyPath } from './key-path.ts';
