/**
 * A Phased object walks through three phases of its `spec.mode` (A or B), one per reconcile of
 * `foo`. `bar` changes the mode once, half-way through the first phase, and marks the object so it
 * never does it again. Whether the change happens depends on whether `bar` runs before `foo`
 * moves past phase 1, so the object can end in either mode.
 */
import { ApiException, CustomObjectsApi, type KubernetesObject } from '@kubernetes/client-node';
import { defineController, type ReconcileContext, type Request } from 'fixpoint';

const GROUP = 'demo.fixpoint.dev';
const VERSION = 'v1';
const PLURAL = 'phaseds';
/** Set by `bar` when it has changed the mode; it changes it at most once per object. */
const FLIP_DONE = 'mode-flip-done';

type Mode = 'A' | 'B';

interface Phased extends KubernetesObject {
  spec?: { mode?: string };
  status?: { state?: string };
}

/** The next state in each mode; a state missing here is final (or foreign): `foo` leaves it alone. */
const NEXT_STATE: Readonly<Record<Mode, ReadonlyMap<string, string>>> = {
  A: new Map([
    ['', 'A-1'],
    ['B-1', 'A-1'],
    ['A-1', 'A-2'],
    ['A-2', 'A-Final'],
  ]),
  B: new Map([
    ['', 'B-1'],
    ['A-1', 'B-1'],
    ['B-1', 'B-2'],
    ['B-2', 'B-Final'],
  ]),
};

/** Where `bar` changes the mode: at the first phase of the current one. */
const FLIP: Readonly<Record<Mode, { at: string; to: Mode }>> = {
  A: { at: 'A-1', to: 'B' },
  B: { at: 'B-1', to: 'A' },
};

function isMode(value: unknown): value is Mode {
  return value === 'A' || value === 'B';
}

async function readPhased(request: Request, ctx: ReconcileContext): Promise<{ api: CustomObjectsApi; phased?: Phased }> {
  const api = ctx.kubeConfig.makeApiClient(CustomObjectsApi);
  try {
    const phased = (await api.getNamespacedCustomObject({ group: GROUP, version: VERSION, namespace: request.namespace ?? 'default', plural: PLURAL, name: request.name })) as Phased;
    return { api, phased };
  } catch (error) {
    if (error instanceof ApiException && error.code === 404) return { api };
    throw error;
  }
}

export const foo = defineController({
  name: 'foo',
  for: { apiVersion: `${GROUP}/${VERSION}`, kind: 'Phased' },
  async reconcile(request, ctx) {
    const { api, phased } = await readPhased(request, ctx);
    const mode = phased?.spec?.mode;
    if (!phased || !isMode(mode)) return;

    const current = phased.status?.state ?? '';
    const next = NEXT_STATE[mode].get(current);
    if (next === undefined) return;

    phased.status = { ...phased.status, state: next };
    await api.replaceNamespacedCustomObjectStatus({ group: GROUP, version: VERSION, namespace: request.namespace ?? 'default', plural: PLURAL, name: request.name, body: phased });
    ctx.log(`advanced ${current || '(new)'} -> ${next}`);
    // Keep going until the final phase, even if nothing else happens to the object.
    return next.endsWith('-Final') ? undefined : { requeue: true };
  },
});

export const bar = defineController({
  name: 'bar',
  for: { apiVersion: `${GROUP}/${VERSION}`, kind: 'Phased' },
  async reconcile(request, ctx) {
    const { api, phased } = await readPhased(request, ctx);
    const mode = phased?.spec?.mode;
    if (!phased || !isMode(mode)) return;
    if (phased.metadata?.annotations?.[FLIP_DONE] !== undefined) return;

    const flip = FLIP[mode];
    if ((phased.status?.state ?? '') !== flip.at) return;

    phased.spec = { ...phased.spec, mode: flip.to };
    phased.metadata = { ...phased.metadata, annotations: { ...phased.metadata?.annotations, [FLIP_DONE]: 'true' } };
    await api.replaceNamespacedCustomObject({ group: GROUP, version: VERSION, namespace: request.namespace ?? 'default', plural: PLURAL, name: request.name, body: phased });
    ctx.log(`flipped mode ${mode} -> ${flip.to}`);
  },
});
