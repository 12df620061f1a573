import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { describe } from 'node:test';
import * as clientNode2 from '@kubernetes/client-node';
import * as clientNode1 from 'kubernetes-client-node-1';
import { SimulatedCluster, type ClientNodeModule, type JsonObject } from '../../../src/sim/index.ts';

/** The client-node releases every conformance case runs against. */
export const CLIENT_NODE_RELEASES: readonly { readonly version: string; readonly module: ClientNodeModule }[] = [
  { version: '2.0.1', module: clientNode2 },
  { version: '1.4.0', module: clientNode1 as unknown as ClientNodeModule },
];

const FIXTURES = fileURLToPath(new URL('../../fixtures/', import.meta.url));

/** A fresh simulated cluster with the probe.dev CRDs (namespaced Widget with status, cluster-scoped Gadget) and real API clients. */
export interface Harness {
  readonly k8s: ClientNodeModule;
  readonly cluster: SimulatedCluster;
  readonly core: clientNode2.CoreV1Api;
  readonly apps: clientNode2.AppsV1Api;
  readonly batch: clientNode2.BatchV1Api;
  readonly custom: clientNode2.CustomObjectsApi;
  readonly objects: clientNode2.KubernetesObjectApi;
}

export async function freshCluster(k8s: ClientNodeModule): Promise<Harness> {
  const cluster = await SimulatedCluster.create({ clientNode: k8s, crds: ['widgets.crd.yaml'], directory: FIXTURES });
  const kubeConfig = cluster.kubeConfig();
  return {
    k8s,
    cluster,
    core: kubeConfig.makeApiClient(k8s.CoreV1Api),
    apps: kubeConfig.makeApiClient(k8s.AppsV1Api),
    batch: kubeConfig.makeApiClient(k8s.BatchV1Api),
    custom: kubeConfig.makeApiClient(k8s.CustomObjectsApi),
    objects: k8s.KubernetesObjectApi.makeApiClient(kubeConfig),
  };
}

/** Runs a suite once per client-node release; each test gets its own cluster from `setup`. */
export function forEachClientNode(title: string, suite: (setup: () => Promise<Harness>) => void): void {
  for (const release of CLIENT_NODE_RELEASES) {
    describe(`${title} (client-node ${release.version})`, () => suite(() => freshCluster(release.module)));
  }
}

/** The Status body of a rejected call, after checking it is the library's ApiException with that code. */
export async function rejection(call: Promise<unknown>, code: number): Promise<JsonObject> {
  try {
    await call;
  } catch (error) {
    const exception = error as { code?: number; body?: unknown; constructor: { name: string } };
    assert.equal(exception.constructor.name, 'ApiException', `expected an ApiException, got ${String(error)}`);
    assert.equal(exception.code, code, `status code; body: ${String(exception.body)}`);
    assert.equal(typeof exception.body, 'string', 'ApiException.body is the raw response text');
    return JSON.parse(exception.body as string) as JsonObject;
  }
  assert.fail(`expected the call to fail with ${code}`);
}

/** Per-call options that make a generated `patch*` method send `contentType`. */
export function patchAs(k8s: ClientNodeModule, contentType: string): ReturnType<typeof clientNode2.setHeaderOptions> {
  return k8s.setHeaderOptions('Content-Type', contentType);
}
