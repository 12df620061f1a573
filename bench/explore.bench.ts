/**
 * Explorer benchmark: the `counters` example scaled up, and `tls-secrets` with a crash fault, run
 * in this process. Prints states/s, reconciles/s, peak RSS and heap bytes per visited state;
 * asserts nothing. Run with `npm run bench` (or `node --expose-gc bench/explore.bench.ts`).
 */
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { runScenario } from '../src/check/run-scenario.ts';

const REPOSITORY = fileURLToPath(new URL('../', import.meta.url));
const WORK = `${REPOSITORY}.tmp/bench/`;
const collect = (globalThis as { gc?: () => void }).gc;

/** A copy of the counters example with K counters of target T (the example's own controller and CRD). */
async function countersProject(counters: number, target: number): Promise<string> {
  const folder = `${WORK}counters-${counters}x${target}/`;
  await mkdir(folder, { recursive: true });
  const objects = Array.from({ length: counters }, (_, index) => `apiVersion: demo.fixpoint.dev/v1\nkind: Counter\nmetadata: { name: c${index + 1}, namespace: default }\nspec: { target: ${target} }\n`).join('---\n');
  await writeFile(`${folder}counters.yaml`, objects);
  await writeFile(
    `${folder}fixpoint.yaml`,
    [
      'controllers:',
      `  - { name: counter, module: ${REPOSITORY}examples/counters/src/counter.ts }`,
      `crds: [${REPOSITORY}examples/counters/config/crd/*.yaml]`,
      'scenarios:',
      '  - { name: grid, objects: [counters.yaml], bounds: { maxStates: 2000000, timeoutSeconds: 600 } }',
      '',
    ].join('\n'),
  );
  return `${folder}fixpoint.yaml`;
}

async function measure(title: string, configPath: string, scenario: string): Promise<void> {
  collect?.();
  const heapBefore = process.memoryUsage().heapUsed;
  // The progress samples below include the garbage collections they force; the time is a little pessimistic.
  let peakRss = process.memoryUsage().rss;
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 50);
  const started = performance.now();
  /** live heap per state found, sampled (after a full collection) while the search runs: what the search holds */
  let bytesPerState: number | undefined;
  const report = await runScenario(
    { configPath, scenario, reconcileBudgetMs: 2000, hangs: [] },
    {
      onProgress: (progress) => {
        collect?.();
        const { rss, heapUsed } = process.memoryUsage();
        peakRss = Math.max(peakRss, rss);
        if (collect && progress.states > 0) bytesPerState = (heapUsed - heapBefore) / progress.states;
      },
    },
  );
  const seconds = (performance.now() - started) / 1000;
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
  clearInterval(sampler);
  const { states, reconciles, transitions } = report.stats;
  const format = (value: number) => Math.round(value).toLocaleString('en-US');
  console.log(
    `${title.padEnd(28)} ${report.status.padEnd(8)} ${format(states).padStart(8)} states ${format(transitions).padStart(9)} transitions ${format(reconciles).padStart(9)} reconciles  ` +
      `${seconds.toFixed(2).padStart(6)} s  ${format(states / seconds).padStart(7)} states/s  ${format(reconciles / seconds).padStart(7)} reconciles/s  ` +
      `peak RSS ${format(peakRss / 2 ** 20)} MiB  live heap ${bytesPerState === undefined ? '(run too short to sample)' : `${format(bytesPerState)} B/state`}`,
  );
}

console.log(`Node ${process.version}${collect ? '' : ' (run with --expose-gc for the heap figure)'}\n`);
await measure('tls-secrets, crashes: 1', `${REPOSITORY}examples/tls-secrets/fixpoint.yaml`, 'crash');
for (const [counters, target] of [
  [4, 2],
  [5, 3],
  [6, 3],
] as const) {
  await measure(`counters K=${counters} T=${target}`, await countersProject(counters, target), 'grid');
}
await rm(WORK, { recursive: true, force: true });
