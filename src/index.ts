/**
 * Fixpoint's public contract: what a controller module and an invariants module export, and
 * exactly how the checker treats every field.
 *
 * Reconciliation is level-based. A reconcile is told only *which* object to look at, never what
 * happened to it: it reads the current state through the API, compares it with what it wants, and
 * writes the difference. The checker relies on that. It runs each reconcile as one atomic step
 * against a state of the simulated API server, explores every order in which the pending
 * reconciles (and user steps, builtin controllers and faults) can happen, and treats two runs from
 * the same state as the same step. Memory a controller keeps between reconciles (a module-level
 * cache, a counter) is not part of the model: the checker may run any reconcile from any state,
 * in any order, any number of times.
 *
 * Under check, a reconcile is deterministic: `Date`, `Date.now()`, `performance.now()`,
 * `Math.random()`, `crypto.randomUUID()`, `crypto.getRandomValues()` (and `randomUUID`,
 * `randomBytes`, `randomInt`, `randomFillSync`, `getRandomValues` of `node:crypto`) and timers
 * (`setTimeout`, `setInterval`, `setImmediate`, their `clear*` and `node:timers/promises`) run on a
 * simulated clock and seeded randomness, derived from the state and the step, so every run of a
 * check is reproducible. A timer does not wait in real time: when a reconcile has nothing left to
 * do but wait, the clock jumps to the earliest timer and fires it, so `await sleep(1000)` costs
 * nothing. A reconcile that behaves differently when re-run from the same state is reported as
 * `nondeterministic-reconcile`.
 *
 * This module has no runtime dependencies: it may be imported by production code, where
 * `defineController` is the identity and every type describes an ordinary client-node program.
 */
import type { KubeConfig, KubernetesObject } from '@kubernetes/client-node';

/**
 * Which object a reconcile is about: the namespace and name of an object of the controller's
 * `for` kind, as in controller-runtime's `reconcile.Request`.
 *
 * It does NOT contain the object (it may have changed since, or been deleted: read it), the event
 * that caused the request (create, update, delete: the reconcile must not care), the kind (always
 * the controller's `for` kind), or how many events were merged into it. Pending requests are a
 * set: several events for the same object before the reconcile runs yield one reconcile.
 */
export interface Request {
  /** The object's namespace; absent for a cluster-scoped kind. */
  readonly namespace?: string;
  /** The object's name. */
  readonly name: string;
}

/** What a reconcile is given besides the request: the cluster to talk to and a log. */
export interface ReconcileContext {
  /**
   * A real `KubeConfig` (a subclass of the one in the user's own `@kubernetes/client-node`, 1.x
   * or 2.x) whose API clients (`makeApiClient(CoreV1Api)`, `KubernetesObjectApi.makeApiClient`)
   * send every request to the simulated API server in-process, with no socket. The library's own
   * request building, serialisation, content-type choice and `ApiException` all run. Its current
   * context's namespace is `default`. Only request/response calls are served: a watch, exec,
   * attach, port-forward or log stream fails. In production the same code gets an ordinary
   * `KubeConfig`.
   */
  readonly kubeConfig: KubeConfig;
  /** Records a message, with optional structured fields, in the trace step of this reconcile. */
  log(message: string, fields?: Record<string, unknown>): void;
}

/**
 * What a reconcile returns; `undefined` (or no return) means "done until something changes", as an
 * empty `reconcile.Result` does. A thrown error is not a result: any error re-enqueues the request
 * right away (no backoff: the model has no time to wait out). An `ApiException` from the client
 * (a 404, a 409 Conflict) is an expected outcome and only re-enqueues; anything else thrown (a
 * `TypeError`, a string) also re-enqueues and is reported as a `controller-error` finding.
 */
export interface ReconcileResult {
  /**
   * `true`: the request is pending again as soon as this reconcile ends, as if an event for the
   * object had arrived. A controller that always asks to be requeued never converges, and is
   * reported as `non-convergence`, as it would spin in production.
   */
  readonly requeue?: boolean;
  /**
   * A positive number of seconds: the request is scheduled on the simulated clock at now plus this
   * many seconds (an earlier schedule of the same request stays if it is sooner, as the workqueue
   * keeps the earliest `AddAfter`). It takes precedence over `requeue`. Simulated time passes only
   * when nothing else is pending, so scheduled requests run after all untimed work has settled; a
   * state whose only pending work is scheduled requests whose reconciles write nothing (a periodic
   * resync of a settled object) is converged. Zero or absent: nothing is scheduled. Negative or not
   * a finite number: the reconcile is reported as a `controller-error`.
   */
  readonly requeueAfterSeconds?: number;
}

/** A kind, named as in a manifest: `apiVersion` (`v1`, `apps/v1`, `group/version`) and `kind`. */
export interface KindReference {
  /** `v1` for the core group, `group/version` otherwise; must be built in or served by a CRD in the config. */
  readonly apiVersion: string;
  /** The kind, as its manifests spell it (`ConfigMap`, `Deployment`, `Toggle`). */
  readonly kind: string;
}

/**
 * An object as the simulated API server stores it: plain JSON, with every field the server keeps
 * (`metadata`, `spec`, `data`, `status`, ...). Its client-node type is a convenience, not a check.
 */
export type StoredObject = KubernetesObject & { readonly [field: string]: unknown };

/** Another kind whose changes enqueue this controller, through a map from the object to requests. */
export interface Watch extends KindReference {
  /**
   * The requests a change of `object` enqueues. A write calls it with the object as it was before
   * and as it is after (each that exists; a deletion with the deleted object) and enqueues the
   * union. It must be a pure function of the object: it runs outside any reconcile and is not made
   * deterministic. A request with an empty name is dropped, so `?? ''` maps an object to nothing.
   */
  map(object: StoredObject): Request[];
}

/**
 * A controller: a name, the kinds it watches, and a level-based reconcile. At the start of a
 * scenario every controller is enqueued for every existing object its `for`, `owns` and `watches`
 * map to; after that, every write that changes an object enqueues every controller (the writer
 * included) whose `for`, `owns` or `watches` match the object before or after the write. A write
 * that changes nothing (an update to identical contents) enqueues nobody.
 */
export interface Controller {
  /**
   * Unique among the controllers of a config; `controllers[].name` in fixpoint.yaml selects the
   * controller by it, and traces call its steps `controller:NAME`.
   */
  readonly name: string;
  /** The primary kind: a change of an object of this kind enqueues `{ namespace, name }` of that object. */
  readonly for: KindReference;
  /**
   * Kinds of objects this controller creates and owns: a change of an object of one of these
   * kinds whose *controller* ownerReference (`controller: true`) names an object of the `for`
   * kind (same group and kind) enqueues that owner, `{ namespace: object's namespace, name:
   * ownerReference.name }`. Objects without such a reference enqueue nothing.
   */
  readonly owns?: readonly KindReference[];
  /** Other kinds whose changes enqueue requests through each watch's `map`. */
  readonly watches?: readonly Watch[];
  /**
   * Brings the cluster one step closer to what the object named by `request` asks for. Run as one
   * atomic step of the model: its reads see one state (or a stale view of it, under the
   * `staleReads` fault), its writes are applied in order with full API-server semantics (a write
   * that fails returns the real error to the controller), and under the `crashes` fault it may
   * stop after any state-changing write. A returned promise that is still pending once every
   * simulated timer has fired and the real-time budget is spent is a `reconcile-timeout` finding.
   */
  reconcile(request: Request, context: ReconcileContext): Promise<ReconcileResult | void> | ReconcileResult | void;
}

/** A read-only view of one state of the cluster, given to invariants: plain objects, no API calls. */
export interface ClusterState {
  /** Every stored object, ordered by apiVersion, kind, namespace and name. */
  readonly objects: readonly StoredObject[];
  /**
   * The object, or undefined. `namespace` is ignored for a cluster-scoped kind. The type
   * parameter (`get<V1Pod>(...)`) is an unchecked assertion, for convenience.
   */
  get<T extends KubernetesObject = StoredObject>(apiVersion: string, kind: string, namespace: string | undefined, name: string): T | undefined;
  /** The objects of a kind, in one namespace or (namespace omitted) all, ordered by namespace and name. */
  list<T extends KubernetesObject = StoredObject>(apiVersion: string, kind: string, namespace?: string): T[];
}

/**
 * A property of the cluster, exported by name from the scenario's `invariants` module (the
 * export's name is how findings refer to it). It returns `true` when the property holds and
 * `false` or a message (a string, shown in the finding) when it does not; a thrown error fails it
 * too, with the error's message.
 *
 * - A function is checked on every reachable state, including the intermediate states between
 *   two reconciles: use it for safety properties ("never two primaries").
 * - `{ converged: function }` is checked only on converged states (nothing pending): use it for
 *   what the controllers must eventually achieve ("the Secret exists").
 */
export type Invariant = ((state: ClusterState) => boolean | string) | { readonly converged: (state: ClusterState) => boolean | string };

/**
 * Returns its argument unchanged; it exists so that a controller module (one controller or an
 * array of them) is type-checked as such, with its `reconcile` and `map` parameters typed, without
 * an annotation.
 */
export function defineController(controller: Controller): Controller;
export function defineController(controllers: readonly Controller[]): readonly Controller[];
export function defineController(definition: Controller | readonly Controller[]): Controller | readonly Controller[] {
  return definition;
}
