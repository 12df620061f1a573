import { hash } from 'node:crypto';
import { Map as PersistentMap, Set as PersistentSet } from 'immutable';
import {
  ApiServer,
  objectEntries,
  simulatedKubeConfig,
  storageKeyOf,
  type ClientNodeModule,
  type JsonObject,
  type StoreSnapshot,
} from '../../sim/index.ts';
import type { Fingerprint, Model, Outcome, Violation } from '../model.ts';
import { canonicalStoreFingerprint } from './canonical.ts';
import { clusterView, type ClusterView } from './cluster-view.ts';
import { Recorder, type AppliedChange, type RecordedRequest } from './recorder.ts';
import {
  groupKind,
  requestKey,
  requestOfKey,
  requestsForObject,
  watchesKind,
  type ReconcileRequest,
  type RequestTarget,
  type WatchDeclarations,
} from './requests.ts';
import { performUserStep, type UserStep } from './user-steps.ts';
import { garbageCollectorActions, performGarbageCollectorAction, type GarbageCollectorAction } from '../../builtins/garbage-collector.ts';
import { errorMessage } from '../../error-message.ts';

/** A controller as the checker runs it: its declarations and its reconcile. */
export interface RuntimeController extends WatchDeclarations {
  reconcile(request: RequestTarget, context: unknown): Promise<unknown>;
}

/** How one reconcile ended, as the controller runner reports it. */
export type ReconcileRun =
  | { outcome: 'done'; result: unknown }
  | { outcome: 'api-error'; status: unknown }
  | { outcome: 'error'; message: string; stack?: string }
  | { outcome: 'timeout' };

/** Runs one reconcile deterministically (seeded randomness, simulated clock); supplied by the controller runner. */
export type ReconcileRunner = (
  controller: RuntimeController,
  request: RequestTarget,
  context: { kubeConfig: unknown; log(message: string, fields?: Record<string, unknown>): void },
  options: { seed: string; clockMs: number; budgetMs: number },
) => Promise<ReconcileRun>;

/** An invariant as a scenario names it. */
export interface NamedInvariant {
  readonly name: string;
  /** `converged`: checked only on converged states */
  readonly when: 'always' | 'converged';
  /** true: holds; false or text: violated (text says how) */
  check(state: ClusterView): boolean | string;
}

/** Everything one scenario's exploration needs, already loaded. */
export interface ClusterScenario {
  readonly clientNode: ClientNodeModule;
  readonly controllers: readonly RuntimeController[];
  /** CustomResourceDefinitions, registered before anything else */
  readonly definitions: readonly JsonObject[];
  /** created in order before exploration, by the user */
  readonly objects: readonly JsonObject[];
  readonly userSteps: readonly UserStep[];
  readonly invariants: readonly NamedInvariant[];
  readonly garbageCollector: boolean;
  readonly faults: { readonly crashes: number; readonly staleReads: number; readonly staleLag: number };
  readonly runReconcile: ReconcileRunner;
  /** real milliseconds a reconcile may stay pending before it is a `reconcile-timeout` */
  readonly reconcileBudgetMs: number;
  /**
   * Reconciles known never to return (a synchronous loop that only ending the thread stopped), by
   * `stateFingerprint\nstep label`: reported as `reconcile-timeout` instead of being run again.
   */
  readonly hangs?: ReadonlySet<string>;
  /** Told which reconcile is about to run, so a watchdog outside the thread can name the one that never returns. */
  readonly beforeReconcile?: (hangKey: string) => void;
}

/** One state of the cluster model (DESIGN §3): the API server's contents and all pending work. */
export interface ClusterModelState {
  readonly store: StoreSnapshot;
  /** pending reconcile requests: a set, not a queue, so order of arrival is not state */
  readonly pending: PersistentSet<string>;
  /** delayed requeues: request key → seconds until due */
  readonly timers: PersistentMap<string, number>;
  readonly nextUserStep: number;
  readonly crashesLeft: number;
  readonly staleReadsLeft: number;
  /** stale informer views: `controller\0storageKey` → the store that controller reads that resource from */
  readonly views: PersistentMap<string, StoreSnapshot>;
  /** the truth of the last `staleLag` states, most recent first (kept only while a stale read may still happen) */
  readonly history: readonly StoreSnapshot[];
  readonly clockSeconds: number;
}

/** One step of the cluster model. */
export type ClusterStep =
  | { readonly kind: 'reconcile'; readonly request: ReconcileRequest; readonly stale?: { readonly resource: string; readonly lag: number } }
  | { readonly kind: 'user'; readonly index: number }
  | { readonly kind: 'garbage-collector'; readonly action: GarbageCollectorAction }
  | { readonly kind: 'cache-sync'; readonly controller: string; readonly resource: string }
  | { readonly kind: 'clock'; readonly seconds: number };

/** What a trace shows of a step. */
export interface StepDetail {
  /** `controller:NAME`, `user`, `builtin:garbage-collector`, `cache` or `clock` */
  readonly actor: string;
  readonly request?: string;
  readonly fault?: string;
  readonly requests: readonly RecordedRequest[];
  readonly result?: string;
  /** what the reconcile logged through `ctx.log` */
  readonly logs?: readonly string[];
}

/**
 * How far the simulated clock may run: idle time passes only by firing delayed requeues, and a
 * controller that requeues itself forever (a periodic resync) is explored for this much simulated
 * time. Requeues due later never fire.
 */
const CLOCK_HORIZON_SECONDS = 3600;

/** How many of each controller's reconciles are run twice to catch memory kept between reconciles. */
const RERUNS_PER_CONTROLLER = 16;

/** The start of the simulated clock: 2025-01-01T00:00:00Z. */
const EPOCH_MS = Date.UTC(2025, 0, 1);
const VIEW_SEPARATOR = '\u0000';

/**
 * The Kubernetes cluster as a model for the explorer: the simulated API server, the user's
 * controllers, the user's steps, the builtin controllers and the faults of DESIGN §3.
 */
export class ClusterModel implements Model<ClusterModelState, ClusterStep> {
  readonly #scenario: ClusterScenario;
  readonly #server: ApiServer;
  readonly #viewServer: ApiServer;
  readonly #recorder: Recorder;
  readonly #controllers: ReadonlyMap<string, RuntimeController>;
  readonly #kubeConfig: unknown;
  #clockSeconds = 0;
  readonly #fingerprints = new WeakMap<ClusterModelState, Fingerprint>();
  /** what each reconcile wrote, by (reads' state, request): a different answer later is nondeterminism */
  readonly #writesSeen = new Map<string, string>();
  /** reconciles run so far */
  reconciles = 0;
  readonly #gcActionsByStore = new WeakMap<StoreSnapshot, GarbageCollectorAction[]>();
  /** per controller: how many more reconciles are run twice */
  readonly #rerunsLeft = new Map<string, number>();
  #initial: Promise<ClusterModelState> | undefined;

  constructor(scenario: ClusterScenario) {
    this.#scenario = scenario;
    const now = () => new Date(EPOCH_MS + this.#clockSeconds * 1000);
    this.#server = new ApiServer({ now });
    this.#viewServer = new ApiServer({ now });
    this.#recorder = new Recorder(this.#server, this.#viewServer);
    this.#controllers = new Map(scenario.controllers.map((controller) => [controller.name, controller]));
    this.#kubeConfig = simulatedKubeConfig(scenario.clientNode, this.#recorder);
  }

  /** The same initial state every time it is asked for (the explorer replays traces from it). */
  initialState(): Promise<ClusterModelState> {
    this.#initial ??= this.#createInitialState();
    return this.#initial;
  }

  async #createInitialState(): Promise<ClusterModelState> {
    const setup = [...this.#scenario.definitions, ...this.#scenario.objects];
    this.#recorder.begin(new Map());
    for (const object of setup) performUserStep(this.#server, { verb: 'create', object });
    const { requests } = this.#recorder.end();
    const failed = requests.find((request) => request.code >= 300);
    if (failed) throw new Error(`creating the initial objects failed: ${failed.verb} ${failed.kind} ${failed.namespace ?? ''}/${failed.name ?? ''}: ${failed.code} ${failed.reason ?? ''}`);
    const store = this.#server.snapshot();
    let pending = PersistentSet<string>();
    for (const controller of this.#scenario.controllers) {
      for (const target of this.#everythingWatched(controller, store, PersistentMap())) pending = pending.add(requestKey({ controller: controller.name, ...target }));
    }
    return {
      store,
      pending,
      timers: PersistentMap(),
      nextUserStep: 0,
      crashesLeft: this.#scenario.faults.crashes,
      staleReadsLeft: this.#scenario.faults.staleReads,
      views: PersistentMap(),
      history: [],
      clockSeconds: 0,
    };
  }

  steps(state: ClusterModelState): ClusterStep[] {
    const steps: ClusterStep[] = [];
    for (const key of [...state.pending].sort()) {
      const request = requestOfKey(key);
      steps.push({ kind: 'reconcile', request });
      if (state.staleReadsLeft > 0) steps.push(...this.#staleVariants(state, request));
    }
    const gcActions = this.#scenario.garbageCollector ? this.#gcActions(state) : [];
    steps.push(...gcActions.map((action) => ({ kind: 'garbage-collector', action }) as const));
    for (const viewKey of [...state.views.keys()].sort()) {
      const [controller = '', resource = ''] = viewKey.split(VIEW_SEPARATOR);
      steps.push({ kind: 'cache-sync', controller, resource });
    }
    const userStep = this.#scenario.userSteps[state.nextUserStep];
    if (userStep && (userStep.when === 'anytime' || steps.length === 0)) steps.push({ kind: 'user', index: state.nextUserStep });
    if (steps.length === 0 && this.#clockCanAdvance(state)) steps.push({ kind: 'clock', seconds: Math.min(...state.timers.values()) });
    return steps;
  }

  /**
   * Nothing is pending: no reconcile, user step, garbage collection, cache sync, nor a delayed
   * requeue due within the clock's horizon (a controller that requeues itself forever converges at
   * the horizon, where its resync is checked for stability like any converged state).
   */
  converged(state: ClusterModelState): boolean {
    return (
      state.pending.size === 0 &&
      state.views.size === 0 &&
      state.nextUserStep >= this.#scenario.userSteps.length &&
      !this.#clockCanAdvance(state) &&
      (!this.#scenario.garbageCollector || this.#gcActions(state).length === 0)
    );
  }

  #clockCanAdvance(state: ClusterModelState): boolean {
    return state.timers.size > 0 && state.clockSeconds + Math.min(...state.timers.values()) <= CLOCK_HORIZON_SECONDS;
  }

  label(step: ClusterStep): string {
    switch (step.kind) {
      case 'reconcile': {
        const base = `reconcile ${step.request.controller} ${describeTarget(step.request)}`;
        return step.stale ? `${base} · stale ${step.stale.resource} (${step.stale.lag} back)` : base;
      }
      case 'user':
        return `user step ${step.index + 1}: ${this.#scenario.userSteps[step.index]?.description ?? ''}`;
      case 'garbage-collector':
        return `garbage-collector ${step.action.description}`;
      case 'cache-sync':
        return `cache sync ${step.controller} ${step.resource}`;
      case 'clock':
        return `clock +${step.seconds}s`;
    }
  }

  fingerprint(state: ClusterModelState): Fingerprint {
    let fingerprint = this.#fingerprints.get(state);
    if (fingerprint === undefined) {
      const parts = [
        canonicalStoreFingerprint(state.store),
        [...state.pending].sort().join('\n'),
        [...state.timers.entries()].map(([key, due]) => `${key}@${due}`).sort().join('\n'),
        String(state.nextUserStep),
        // A controller may act on the time (an expiry, a backoff), so the clock is state; the horizon keeps it finite.
        String(state.clockSeconds),
        `${state.crashesLeft}/${state.staleReadsLeft}`,
        [...state.views.entries()].map(([key, view]) => `${key}=${viewFingerprint(key, view, state.store)}`).sort().join('\n'),
        state.history.map((snapshot) => canonicalStoreFingerprint(snapshot)).join('\n'),
      ];
      fingerprint = hash('md5', parts.join('\n\u0001\n'), 'hex');
      this.#fingerprints.set(state, fingerprint);
    }
    return fingerprint;
  }

  async next(state: ClusterModelState, step: ClusterStep): Promise<Outcome<ClusterModelState>[]> {
    this.#server.restore(state.store);
    this.#clockSeconds = state.clockSeconds;
    switch (step.kind) {
      case 'reconcile':
        return this.#reconcile(state, step);
      case 'user':
        return [this.#userStep(state, step.index)];
      case 'garbage-collector':
        return [this.#garbageCollect(state, step.action)];
      case 'cache-sync':
        return [this.#cacheSync(state, step.controller, step.resource)];
      case 'clock':
        return [this.#advanceClock(state, step.seconds)];
    }
  }

  check(state: ClusterModelState, converged: boolean): Violation[] {
    if (this.#scenario.invariants.length === 0) return [];
    this.#server.restore(state.store);
    const view = clusterView(this.#server, state.store);
    const violations: Violation[] = [];
    for (const invariant of this.#scenario.invariants) {
      if (invariant.when === 'converged' && !converged) continue;
      let verdict: boolean | string;
      try {
        verdict = invariant.check(view);
      } catch (error) {
        verdict = `the invariant threw: ${errorMessage(error)}`;
      }
      if (verdict === true) continue;
      violations.push({ kind: 'invariant', subject: invariant.name, message: typeof verdict === 'string' ? verdict : `invariant ${invariant.name} does not hold` });
    }
    return violations;
  }

  /**
   * At a converged state, re-runs every controller on every request its declarations map the
   * existing objects to; one that writes shows the state is not a fixpoint (`unstable-convergence`).
   */
  async checkStability(state: ClusterModelState): Promise<{ violation: Violation; label: string; detail: StepDetail } | undefined> {
    for (const controller of this.#scenario.controllers) {
      for (const target of this.#everythingWatched(controller, state.store, state.views)) {
        const step: ClusterStep = { kind: 'reconcile', request: { controller: controller.name, ...target } };
        const [outcome] = await this.next(state, step);
        const detail = outcome?.detail as StepDetail | undefined;
        const wrote = detail?.requests.some((request) => (request.changes?.length ?? 0) > 0);
        if (outcome && detail && wrote) {
          return {
            violation: {
              kind: 'unstable-convergence',
              subject: controller.name,
              message: `controller ${controller.name} writes again at a converged state when reconciling ${describeTarget(target)}`,
            },
            label: this.label(step),
            detail,
          };
        }
      }
    }
    return undefined;
  }

  // ---- steps ----

  async #reconcile(state: ClusterModelState, step: Extract<ClusterStep, { kind: 'reconcile' }>): Promise<Outcome<ClusterModelState>[]> {
    const controller = this.#controllers.get(step.request.controller);
    if (!controller) throw new Error(`no controller ${step.request.controller}`);
    const key = requestKey(step.request);
    const viewKey = step.stale ? `${controller.name}${VIEW_SEPARATOR}${step.stale.resource}` : undefined;
    const views = step.stale && viewKey ? state.views.set(viewKey, state.history[step.stale.lag - 1] ?? state.store) : state.views;
    const hangKey = `${this.fingerprint(state)}\n${this.label(step)}`;
    if (this.#scenario.hangs?.has(hangKey)) {
      const message = `reconcile of ${describeTarget(step.request)} by ${controller.name} never returned (a synchronous infinite loop?): the checker had to stop its thread`;
      return [{ state: undefined, fault: step.stale !== undefined, findings: [{ kind: 'reconcile-timeout', subject: controller.name, message }], detail: { actor: `controller:${controller.name}`, request: describeTarget(step.request), requests: [], result: 'never returned' } satisfies StepDetail }];
    }
    const { run, requests, changes, logs } = await this.#runOnce(controller, state, step, views, hangKey);
    // A re-run from the same state must write the same; a controller's first runs are each run twice to catch memory kept between reconciles.
    const rerunsLeft = this.#rerunsLeft.get(controller.name) ?? RERUNS_PER_CONTROLLER;
    let differs = false;
    if (rerunsLeft > 0 && run.outcome !== 'timeout') {
      this.#rerunsLeft.set(controller.name, rerunsLeft - 1);
      const after = this.#server.snapshot();
      const again = await this.#runOnce(controller, state, step, views, hangKey);
      differs = writesSignature(again.changes) !== writesSignature(changes);
      this.#server.restore(after);
    }
    const detail: StepDetail = {
      actor: `controller:${controller.name}`,
      request: describeTarget(step.request),
      ...(step.stale ? { fault: `stale read of ${step.stale.resource}, ${step.stale.lag} step${step.stale.lag === 1 ? '' : 's'} back` } : {}),
      requests,
      result: describeRun(run),
      ...(logs.length > 0 ? { logs } : {}),
    };
    const findings: Violation[] = [];
    if (run.outcome === 'timeout') {
      findings.push({ kind: 'reconcile-timeout', subject: controller.name, message: `reconcile of ${describeTarget(step.request)} by ${controller.name} did not settle within ${this.#scenario.reconcileBudgetMs} ms` });
      return [{ state: undefined, fault: step.stale !== undefined, findings, detail }];
    }
    if (run.outcome === 'error') findings.push({ kind: 'controller-error', subject: controller.name, message: run.stack ?? run.message });
    const nondeterminism = this.#checkDeterminism(state, step, views, changes, differs);
    if (nondeterminism) findings.push(nondeterminism);

    const afterStore = this.#server.snapshot();
    let pending = state.pending.delete(key);
    let timers = state.timers.delete(key);
    pending = this.#enqueueChanges(pending, changes, views);
    const result = run.outcome === 'done' ? (run.result as { requeue?: boolean; requeueAfterSeconds?: number } | undefined) : undefined;
    if (run.outcome !== 'done' || result?.requeue === true) pending = pending.add(key);
    else if (typeof result?.requeueAfterSeconds === 'number' && result.requeueAfterSeconds > 0) timers = timers.set(key, result.requeueAfterSeconds);
    const normal: Outcome<ClusterModelState> = {
      state: this.#successor(state, { store: afterStore, pending, timers, views, staleReadsLeft: state.staleReadsLeft - (step.stale ? 1 : 0) }),
      fault: step.stale !== undefined,
      findings,
      detail,
    };
    if (state.crashesLeft === 0) return [normal];
    return [normal, ...changes.map((_, index) => this.#crashAfter(state, step, controller, views, changes, index, detail))];
  }

  /** Runs a reconcile once from `state` (its views for reads), recording what it asked and changed. */
  async #runOnce(
    controller: RuntimeController,
    state: ClusterModelState,
    step: Extract<ClusterStep, { kind: 'reconcile' }>,
    views: PersistentMap<string, StoreSnapshot>,
    seed: string,
  ): Promise<{ run: ReconcileRun; requests: RecordedRequest[]; changes: AppliedChange[]; logs: string[] }> {
    this.#server.restore(state.store);
    this.#scenario.beforeReconcile?.(seed);
    this.reconciles += 1;
    this.#recorder.begin(this.#viewsOf(controller.name, views));
    const logs: string[] = [];
    const run = await this.#scenario.runReconcile(
      controller,
      targetOf(step.request),
      { kubeConfig: this.#kubeConfig, log: (message) => logs.push(message) },
      { seed, clockMs: EPOCH_MS + state.clockSeconds * 1000, budgetMs: this.#scenario.reconcileBudgetMs },
    );
    const { requests, changes } = this.#recorder.end();
    return { run, requests, changes, logs };
  }

  /** The reconcile stopped right after write `index`: later writes are lost, and the restarted controller re-lists everything it watches. */
  #crashAfter(
    state: ClusterModelState,
    step: Extract<ClusterStep, { kind: 'reconcile' }>,
    controller: RuntimeController,
    views: PersistentMap<string, StoreSnapshot>,
    changes: readonly AppliedChange[],
    index: number,
    detail: StepDetail,
  ): Outcome<ClusterModelState> {
    const kept = changes.slice(0, index + 1);
    const store = kept[kept.length - 1]?.after ?? state.store;
    let pending = this.#enqueueChanges(state.pending.delete(requestKey(step.request)), kept, views);
    for (const target of this.#everythingWatched(controller, store, views)) pending = pending.add(requestKey({ controller: controller.name, ...target }));
    const timers = state.timers.filter((_, key) => requestOfKey(key).controller !== controller.name);
    const writesKept = countWrites(detail.requests, index + 1);
    return {
      state: this.#successor(state, { store, pending, timers, views, staleReadsLeft: state.staleReadsLeft - (step.stale ? 1 : 0), crashesLeft: state.crashesLeft - 1 }),
      fault: true,
      findings: [],
      label: `${this.label(step)} · crash after write ${index + 1}`,
      detail: { ...detail, requests: detail.requests.slice(0, writesKept), fault: [detail.fault, `crash after write ${index + 1}`].filter(Boolean).join('; '), result: 'crashed' },
    };
  }

  #userStep(state: ClusterModelState, index: number): Outcome<ClusterModelState> {
    const userStep = this.#scenario.userSteps[index];
    if (!userStep) throw new Error(`no user step ${index}`);
    this.#recorder.begin(new Map());
    performUserStep(this.#server, userStep.action);
    const { requests, changes } = this.#recorder.end();
    return {
      state: this.#successor(state, {
        store: this.#server.snapshot(),
        pending: this.#enqueueChanges(state.pending, changes, state.views),
        nextUserStep: index + 1,
      }),
      fault: false,
      findings: [],
      detail: { actor: 'user', requests } satisfies StepDetail,
    };
  }

  #garbageCollect(state: ClusterModelState, action: GarbageCollectorAction): Outcome<ClusterModelState> {
    this.#recorder.begin(new Map());
    performGarbageCollectorAction(this.#server, action);
    const { requests, changes } = this.#recorder.end();
    return {
      state: this.#successor(state, { store: this.#server.snapshot(), pending: this.#enqueueChanges(state.pending, changes, state.views) }),
      fault: false,
      findings: [],
      detail: { actor: 'builtin:garbage-collector', requests } satisfies StepDetail,
    };
  }

  /** A lagging informer catches up: the controller hears of every object of the resource that differs between its view and the truth. */
  #cacheSync(state: ClusterModelState, controllerName: string, resource: string): Outcome<ClusterModelState> {
    const controller = this.#controllers.get(controllerName);
    const viewKey = `${controllerName}${VIEW_SEPARATOR}${resource}`;
    const view = state.views.get(viewKey);
    let pending = state.pending;
    if (controller && view) {
      for (const object of differingObjects(view, state.store, resource)) {
        for (const target of this.#requestsOf(controller, object)) pending = pending.add(requestKey({ controller: controllerName, ...target }));
      }
    }
    return {
      state: this.#successor(state, { pending, views: state.views.delete(viewKey) }),
      fault: false,
      findings: [],
      detail: { actor: 'cache', request: `${controllerName} ${resource}`, requests: [] } satisfies StepDetail,
    };
  }

  #advanceClock(state: ClusterModelState, seconds: number): Outcome<ClusterModelState> {
    let pending = state.pending;
    let timers = PersistentMap<string, number>();
    for (const [key, due] of state.timers) {
      if (due <= seconds) pending = pending.add(key);
      else timers = timers.set(key, due - seconds);
    }
    return {
      state: this.#successor(state, { pending, timers, clockSeconds: state.clockSeconds + seconds }),
      fault: false,
      findings: [],
      detail: { actor: 'clock', requests: [] } satisfies StepDetail,
    };
  }

  // ---- helpers ----

  /** The next state: `changes` over `state`, with history advanced and views that caught up with the truth dropped. */
  #successor(state: ClusterModelState, changes: Partial<ClusterModelState>): ClusterModelState {
    const next: ClusterModelState = { ...state, ...changes };
    const store = next.store;
    const views = next.views.filter((view, key) => !sameResource(view, store, key.split(VIEW_SEPARATOR)[1] ?? ''));
    const history = next.staleReadsLeft > 0 && store !== state.store ? [state.store, ...state.history].slice(0, this.#scenario.faults.staleLag) : next.staleReadsLeft > 0 ? state.history : [];
    return { ...next, views, history };
  }

  #viewsOf(controller: string, views: PersistentMap<string, StoreSnapshot>): Map<string, StoreSnapshot> {
    const own = new Map<string, StoreSnapshot>();
    for (const [key, view] of views) {
      const [owner, resource] = key.split(VIEW_SEPARATOR);
      if (owner === controller && resource) own.set(resource, view);
    }
    return own;
  }

  /** Stale-read variants of a reconcile: each watched resource, each lag whose view differs from the truth and from shorter lags. */
  #staleVariants(state: ClusterModelState, request: ReconcileRequest): ClusterStep[] {
    const controller = this.#controllers.get(request.controller);
    if (!controller) return [];
    const variants: ClusterStep[] = [];
    for (const resource of this.#watchedResources(controller)) {
      if (state.views.has(`${controller.name}${VIEW_SEPARATOR}${resource}`)) continue;
      const seen: StoreSnapshot[] = [state.store];
      state.history.forEach((snapshot, index) => {
        if (seen.some((earlier) => sameResource(earlier, snapshot, resource))) return;
        seen.push(snapshot);
        variants.push({ kind: 'reconcile', request, stale: { resource, lag: index + 1 } });
      });
    }
    return variants;
  }

  #watchedResources(controller: RuntimeController): string[] {
    const kinds = [controller.for, ...(controller.owns ?? []), ...(controller.watches ?? [])];
    const resources = kinds.flatMap((reference) => {
      const type = this.#server.registry.byKind(reference.apiVersion, reference.kind);
      return type ? [storageKeyOf(type)] : [];
    });
    return [...new Set(resources)].sort();
  }

  /** Requests for every controller that watches a changed object, before or after the change (the writer included); stale kinds stay unheard. */
  #enqueueChanges(pending: PersistentSet<string>, changes: readonly AppliedChange[], views: PersistentMap<string, StoreSnapshot>): PersistentSet<string> {
    let result = pending;
    for (const { change } of changes) {
      for (const controller of this.#scenario.controllers) {
        if (views.has(`${controller.name}${VIEW_SEPARATOR}${change.resource}`)) continue;
        for (const stored of [change.before, change.after]) {
          if (!stored) continue;
          for (const target of this.#requestsOf(controller, stored.object as JsonObject)) result = result.add(requestKey({ controller: controller.name, ...target }));
        }
      }
    }
    return result;
  }

  #requestsOf(controller: RuntimeController, object: JsonObject): RequestTarget[] {
    const primary = this.#server.registry.byKind(controller.for.apiVersion, controller.for.kind);
    return requestsForObject(controller, object, primary?.namespaced ?? true);
  }

  /** Every request a controller's declarations map the existing objects to, reading stale resources from its views. */
  #everythingWatched(controller: RuntimeController, store: StoreSnapshot, views: PersistentMap<string, StoreSnapshot>): RequestTarget[] {
    const targets = new Map<string, RequestTarget>();
    for (const resource of this.#watchedResources(controller)) {
      const source = views.get(`${controller.name}${VIEW_SEPARATOR}${resource}`) ?? store;
      for (const entry of objectEntries(source)) {
        if (entry.resource !== resource) continue;
        const object = entry.stored.object as JsonObject;
        if (!watchesKind(controller, groupKind(String(object['apiVersion']), String(object['kind'])))) continue;
        for (const target of this.#requestsOf(controller, object)) targets.set(requestKey({ controller: controller.name, ...target }), target);
      }
    }
    return [...targets.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([, target]) => target);
  }

  /** What the garbage collector would do; asked by both `steps` and `converged`, so remembered per store. */
  #gcActions(state: ClusterModelState): GarbageCollectorAction[] {
    let actions = this.#gcActionsByStore.get(state.store);
    if (!actions) {
      actions = garbageCollectorActions(objectEntries(state.store));
      this.#gcActionsByStore.set(state.store, actions);
    }
    return actions;
  }

  /**
   * The same reconcile, reading the same state, must write the same: remembered by what it could read
   * (the store as its views show it) and compared on every later run of it.
   */
  #checkDeterminism(
    state: ClusterModelState,
    step: Extract<ClusterStep, { kind: 'reconcile' }>,
    views: PersistentMap<string, StoreSnapshot>,
    changes: readonly AppliedChange[],
    differedOnRerun: boolean,
  ): Violation | undefined {
    const readsKey = hash('md5', [requestKey(step.request), String(state.clockSeconds), canonicalStoreFingerprint(state.store), ...[...this.#viewsOf(step.request.controller, views)].map(([resource, view]) => `${resource}:${canonicalStoreFingerprint(view)}`)].join('\n'), 'base64');
    const writes = writesSignature(changes);
    const previous = this.#writesSeen.get(readsKey);
    if (previous === undefined) this.#writesSeen.set(readsKey, writes);
    if (!differedOnRerun && (previous === undefined || previous === writes)) return undefined;
    return {
      kind: 'nondeterministic-reconcile',
      subject: step.request.controller,
      message: `controller ${step.request.controller} wrote differently when reconciling ${describeTarget(step.request)} again from the same state (memory kept between reconciles, or an unseeded source of randomness?)`,
    };
  }
}

/** What a reconcile wrote, compactly: equal writes, equal signatures. */
function writesSignature(changes: readonly AppliedChange[]): string {
  return hash('md5', changes.map(({ change }) => `${change.resource} ${change.namespace}/${change.name} ${change.after?.canonical ?? 'deleted'}`).join('\n'), 'base64');
}

function targetOf(request: ReconcileRequest): RequestTarget {
  return request.namespace === undefined ? { name: request.name } : { namespace: request.namespace, name: request.name };
}

function describeTarget(target: RequestTarget): string {
  return target.namespace === undefined ? target.name : `${target.namespace}/${target.name}`;
}

function describeRun(run: ReconcileRun): string {
  switch (run.outcome) {
    case 'done': {
      const result = run.result as { requeue?: boolean; requeueAfterSeconds?: number } | undefined;
      if (result?.requeue) return 'requeue';
      if (result?.requeueAfterSeconds) return `requeue after ${result.requeueAfterSeconds}s`;
      return 'done';
    }
    case 'api-error':
      return `API error (requeued): ${String((run.status as { message?: unknown } | undefined)?.message ?? '')}`;
    case 'error':
      return `threw: ${run.message}`;
    case 'timeout':
      return 'did not settle';
  }
}

/** How many recorded requests precede and include the n-th state-changing one. */
function countWrites(requests: readonly RecordedRequest[], writes: number): number {
  let seen = 0;
  for (let index = 0; index < requests.length; index += 1) {
    if ((requests[index]?.changes?.length ?? 0) > 0) seen += 1;
    if (seen === writes) return index + 1;
  }
  return requests.length;
}

function resourceObjects(snapshot: StoreSnapshot, resource: string): Map<string, string> {
  const objects = snapshot.resources.get(resource);
  const byKey = new Map<string, string>();
  if (objects) for (const [key, stored] of objects) byKey.set(key, stored.json);
  return byKey;
}

/** Whether a resource's objects are identical, resourceVersions included, in two stores. */
function sameResource(a: StoreSnapshot, b: StoreSnapshot, resource: string): boolean {
  return a.resources.get(resource) === b.resources.get(resource) || mapsEqual(resourceObjects(a, resource), resourceObjects(b, resource));
}

function mapsEqual(a: Map<string, string>, b: Map<string, string>): boolean {
  if (a.size !== b.size) return false;
  for (const [key, value] of a) if (b.get(key) !== value) return false;
  return true;
}

/** Objects of a resource that differ between a view and the truth, each as the truth has it (or as the view had it, if gone). */
function differingObjects(view: StoreSnapshot, truth: StoreSnapshot, resource: string): JsonObject[] {
  const before = view.resources.get(resource);
  const after = truth.resources.get(resource);
  const keys = new Set([...(before?.keys() ?? []), ...(after?.keys() ?? [])]);
  const objects: JsonObject[] = [];
  for (const key of [...keys].sort()) {
    const old = before?.get(key);
    const current = after?.get(key);
    if (old?.json === current?.json) continue;
    if (old) objects.push(old.object as JsonObject);
    if (current) objects.push(current.object as JsonObject);
  }
  return objects;
}

/** A view in a fingerprint: its objects of the stale resource, each with whether its resourceVersion still matches the truth. */
function viewFingerprint(viewKey: string, view: StoreSnapshot, truth: StoreSnapshot): string {
  const resource = viewKey.split(VIEW_SEPARATOR)[1] ?? '';
  const current = truth.resources.get(resource);
  const parts: string[] = [];
  for (const [key, stored] of view.resources.get(resource) ?? []) {
    parts.push(`${key}:${stored.canonical}:${current?.get(key)?.json === stored.json ? 'current' : 'outdated'}`);
  }
  return hash('md5', parts.sort().join('\n'), 'hex');
}
