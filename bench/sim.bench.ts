/**
 * Simulator benchmark: a read-modify-replace loop through the real client against the core called
 * directly, and the cost of branching the store (snapshot, write, fingerprint). Prints figures;
 * asserts nothing. Run with `npm run bench` (ITERATIONS=n to change the loop length).
 */
import * as clientNode2 from '@kubernetes/client-node';
import * as clientNode1 from 'kubernetes-client-node-1';
import { ApiServer, SimulatedCluster, type ClientNodeModule } from '../src/sim/index.ts';

const ITERATIONS = Number(process.env['ITERATIONS'] ?? 50_000);
const WARMUP = Math.min(5_000, ITERATIONS);

function configMap(name: string, index: number) {
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'default', labels: { app: 'bench' } }, data: { counter: String(index), payload: 'x'.repeat(200) } };
}

async function throughClient(k8s: ClientNodeModule, iterations: number): Promise<number> {
  const cluster = await SimulatedCluster.create({ clientNode: k8s });
  const core = cluster.kubeConfig().makeApiClient(k8s.CoreV1Api);
  await core.createNamespacedConfigMap({ namespace: 'default', body: configMap('loop', 0) });
  const started = performance.now();
  for (let index = 1; index <= iterations; index += 1) {
    const current = await core.readNamespacedConfigMap({ name: 'loop', namespace: 'default' });
    current.data = { ...current.data, counter: String(index) };
    await core.replaceNamespacedConfigMap({ name: 'loop', namespace: 'default', body: current });
  }
  return performance.now() - started;
}

function throughCore(iterations: number): number {
  const server = new ApiServer();
  const path = '/api/v1/namespaces/default/configmaps';
  const headers = { 'content-type': 'application/json', accept: 'application/json' };
  const noQuery = new URLSearchParams();
  server.handle({ method: 'POST', path, query: noQuery, headers, body: JSON.stringify(configMap('loop', 0)) });
  const started = performance.now();
  for (let index = 1; index <= iterations; index += 1) {
    const read = server.handle({ method: 'GET', path: `${path}/loop`, query: noQuery, headers });
    const current = JSON.parse(read.body) as { data: Record<string, string> };
    current.data = { ...current.data, counter: String(index) };
    const written = server.handle({ method: 'PUT', path: `${path}/loop`, query: noQuery, headers, body: JSON.stringify(current) });
    if (written.status !== 200) throw new Error(written.body);
  }
  return performance.now() - started;
}

function branchCost(objects: number): { snapshotMicros: number; writeMicros: number; fingerprintMicros: number } {
  const server = new ApiServer();
  const path = '/api/v1/namespaces/default/configmaps';
  const headers = { 'content-type': 'application/json' };
  for (let index = 0; index < objects; index += 1) {
    server.handle({ method: 'POST', path, query: new URLSearchParams(), headers, body: JSON.stringify(configMap(`cm-${index}`, index)) });
  }
  const rounds = 20_000;
  const base = server.snapshot();
  let started = performance.now();
  for (let round = 0; round < rounds; round += 1) server.snapshot();
  const snapshotMicros = ((performance.now() - started) * 1000) / rounds;

  const body = JSON.stringify(configMap('cm-0', -1));
  started = performance.now();
  for (let round = 0; round < rounds; round += 1) {
    server.restore(base);
    server.handle({ method: 'PUT', path: `${path}/cm-0`, query: new URLSearchParams(), headers, body });
  }
  const writeMicros = ((performance.now() - started) * 1000) / rounds;

  started = performance.now();
  let sink = '';
  for (let round = 0; round < rounds; round += 1) sink = server.store.fingerprint();
  const fingerprintMicros = ((performance.now() - started) * 1000) / rounds;
  if (sink.length !== 32) throw new Error('fingerprint is 128 bits');
  return { snapshotMicros, writeMicros, fingerprintMicros };
}

const format = (value: number, digits = 0) => value.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

/** The fastest of a few runs: the machine's noise only ever adds time. */
async function fastest(runs: number, measure: () => number | Promise<number>): Promise<number> {
  let best = Infinity;
  for (let run = 0; run < runs; run += 1) best = Math.min(best, await measure());
  return best;
}

const RUNS = 3;
console.log(`Node ${process.version}; read-modify-replace loop of ${format(ITERATIONS)} iterations (2 calls each), fastest of ${RUNS} runs\n`);
throughCore(WARMUP);
const coreMs = await fastest(RUNS, () => throughCore(ITERATIONS));
const coreCalls = (2 * ITERATIONS) / (coreMs / 1000);
console.log(`core, called directly       ${format(coreCalls).padStart(9)} calls/s   ${format((coreMs * 1000) / (2 * ITERATIONS), 1)} µs/call`);
for (const [version, module] of [
  ['2.0.1', clientNode2],
  ['1.4.0', clientNode1],
] as const) {
  const clientNode = module as unknown as ClientNodeModule;
  await throughClient(clientNode, WARMUP);
  const clientMs = await fastest(RUNS, () => throughClient(clientNode, ITERATIONS));
  const clientCalls = (2 * ITERATIONS) / (clientMs / 1000);
  console.log(
    `client-node ${version}           ${format(clientCalls).padStart(9)} calls/s   ${format((clientMs * 1000) / (2 * ITERATIONS), 1)} µs/call   ratio to core ${format(clientMs / coreMs, 2)}`,
  );
}

console.log('\nstore branching (per operation)');
for (const objects of [10, 1_000]) {
  const cost = branchCost(objects);
  console.log(
    `${format(objects).padStart(5)} objects: snapshot ${format(cost.snapshotMicros, 3)} µs, restore + replace one object ${format(cost.writeMicros, 1)} µs, fingerprint ${format(cost.fingerprintMicros, 3)} µs`,
  );
}
