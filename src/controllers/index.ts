/**
 * Loading user controllers and running their reconciles: bundling with esbuild, validating what a
 * module exports, and running each reconcile on a simulated clock with seeded randomness.
 */
export { bundleModule, type Bundle } from './bundle.ts';
export { importModule, loadControllers, loadInvariants, type ControllerEntry, type LoadedModule, type NamedInvariant } from './load.ts';
export { ModuleError } from './module-error.ts';
export { apiStatus, runReconcile, type CompletedResult, type ReconcileOutcome, type RunOptions } from './run.ts';
