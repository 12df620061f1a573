/**
 * Explorer benchmark (not a test: prints figures, asserts nothing). Run with
 *   npx node --expose-gc test/model/explore.bench.ts [counters] [top]
 * - throughput on the counter grid of the tests (array states, md5 fingerprints), and on the same
 *   grid packed into integers with free fingerprints (the explorer's own cost);
 * - bytes per state kept: heap + typed arrays after a full collection, sampled while the search
 *   runs, on the packed grid (so nearly nothing is the model's) and on the array grid (whose state
 *   objects must be collected once their level is expanded, or the figure would grow);
 * - the cycle analysis on a torus (counters that wrap around): one strongly connected component
 *   of every state, no converged state, one non-convergence finding.
 */
import { execFileSync } from 'node:child_process';
import { hash } from 'node:crypto';
import { explore, type Model } from '../../src/model/index.ts';
import { counterGrid } from './models.ts';

const COUNTERS = Number(process.argv[2] ?? 4);
const TOP = Number(process.argv[3] ?? 30);
const SIDE = TOP + 1;
const collect = (globalThis as { gc?: () => void }).gc;

/** The counter grid with each state packed into one integer (base TOP + 1 digits), so states cost the heap nothing. */
function packedGrid(fingerprint: (state: number) => string, wrap: boolean): Model<number, number> {
  const digit = (state: number, counter: number) => Math.floor(state / SIDE ** counter) % SIDE;
  return {
    initialState: async () => 0,
    steps: (state) => {
      const steps: number[] = [];
      for (let counter = 0; counter < COUNTERS; counter += 1) if (wrap || digit(state, counter) < TOP) steps.push(counter);
      return steps;
    },
    next: async (state, counter) => [{ state: digit(state, counter) === TOP ? state - TOP * SIDE ** counter : state + SIDE ** counter, fault: false, findings: [] }],
    fingerprint,
    label: (counter) => `increment ${counter}`,
    check: () => [],
  };
}

const cheap = (state: number) => state.toString(16).padStart(32, '0');
const md5 = (state: number) => hash('md5', String(state), 'hex');

async function throughput<State, Step>(name: string, model: Model<State, Step>): Promise<void> {
  const result = await explore(model);
  const seconds = result.stats.durationMs / 1000;
  console.log(
    `${name}: ${result.stats.states} states, ${result.stats.transitions} transitions in ${seconds.toFixed(2)} s: ` +
      `${Math.round(result.stats.states / seconds)} states/s, ${Math.round(result.stats.transitions / seconds)} transitions/s; ` +
      `${result.converged.length} converged, ${result.findings.length} findings (${result.findings.map(({ kind }) => kind).join(', ')})`,
  );
}

async function memory<State, Step>(name: string, model: Model<State, Step>): Promise<void> {
  if (!collect) {
    console.log('memory: run with --expose-gc to measure bytes per state');
    return;
  }
  collect();
  const used = () => {
    const usage = process.memoryUsage();
    return usage.heapUsed + usage.arrayBuffers;
  };
  await new Promise((resolve) => setTimeout(resolve, 100));
  collect();
  const baseline = used();
  const samples: { states: number; frontier: number; bytes: number }[] = [];
  await explore(model, {
    progressIntervalMs: 250,
    onProgress: ({ states, frontier }) => {
      collect();
      samples.push({ states, frontier, bytes: used() - baseline });
    },
  });
  for (const { states, frontier, bytes } of samples.slice(-4)) {
    console.log(`memory, ${name}: ${states} states (${frontier} in the frontier): ${(bytes / 2 ** 20).toFixed(1)} MiB, ${(bytes / states).toFixed(1)} bytes per state, edges included`);
  }
}

// Each memory figure comes from a fresh process, so no earlier run's garbage is in it.
const part = process.argv[4];
if (part === 'memory-packed') await memory('packed states', packedGrid(cheap, false));
else if (part === 'memory-array') await memory('array states', counterGrid(COUNTERS, TOP));
else {
  await throughput(`counter grid ${COUNTERS}×0..${TOP}, array states, md5 fingerprints`, counterGrid(COUNTERS, TOP));
  await throughput(`counter grid ${COUNTERS}×0..${TOP}, packed states, md5 fingerprints`, packedGrid(md5, false));
  await throughput(`counter grid ${COUNTERS}×0..${TOP}, packed states, free fingerprints`, packedGrid(cheap, false));
  await throughput(`torus ${COUNTERS}×0..${TOP} (one trap of every state), packed states, free fingerprints`, packedGrid(cheap, true));
  for (const memoryPart of ['memory-packed', 'memory-array']) {
    execFileSync(process.execPath, [...process.execArgv, import.meta.filename, String(COUNTERS), String(TOP), memoryPart], { stdio: 'inherit' });
  }
}
