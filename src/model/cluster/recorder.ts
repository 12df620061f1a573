import { route, storageKeyOf, type ApiHandler, type ApiRequest, type ApiResponse, type ApiServer, type JsonObject, type StoreChange, type StoreSnapshot } from '../../sim/index.ts';
import { fieldChanges, type FieldChange } from './diff.ts';

/** One request an actor made, as a trace shows it. */
export interface RecordedRequest {
  /** `get`, `list`, `create`, `update`, `patch`, `apply`, `delete`, `deletecollection` */
  readonly verb: string;
  readonly kind: string;
  readonly namespace?: string;
  readonly name?: string;
  readonly subresource?: string;
  /** HTTP status code of the answer */
  readonly code: number;
  /** the Status reason of a failure */
  readonly reason?: string;
  /** the served-from-a-stale-view marker of a read */
  readonly stale?: boolean;
  /** the fields the request changed in the store (writes only) */
  readonly changes?: readonly FieldChange[];
}

/** A state-changing write, with the store right after it (what a crash at that point leaves). */
export interface AppliedChange {
  readonly change: StoreChange;
  readonly after: StoreSnapshot;
}

/**
 * Sits between an actor's client and the API server for one step: records every request and
 * every change it causes, and serves reads of stale kinds from their views.
 */
export class Recorder implements ApiHandler {
  readonly #server: ApiServer;
  readonly #viewServer: ApiServer;
  #views: ReadonlyMap<string, StoreSnapshot> = new Map();
  #requests: RecordedRequest[] = [];
  #changes: AppliedChange[] = [];
  #pendingChanges: StoreChange[] = [];

  constructor(server: ApiServer, viewServer: ApiServer) {
    this.#server = server;
    this.#viewServer = viewServer;
  }

  /** Starts a step: `views` maps storage keys (`group/plural`) to the snapshots reads of that resource come from. */
  begin(views: ReadonlyMap<string, StoreSnapshot>): void {
    this.#views = views;
    this.#requests = [];
    this.#changes = [];
    this.#server.store.observe((change) => {
      this.#pendingChanges.push(change);
      this.#changes.push({ change, after: this.#server.store.snapshot() });
    });
  }

  /** Ends the step: what was requested and what changed, in order. */
  end(): { requests: RecordedRequest[]; changes: AppliedChange[] } {
    this.#server.store.observe(undefined);
    return { requests: this.#requests, changes: this.#changes };
  }

  handle(request: ApiRequest): ApiResponse {
    let target;
    try {
      target = route(request.path, this.#server.registry);
    } catch {
      return this.#server.handle(request);
    }
    if (target.target === 'discovery') return this.#server.handle(request);
    const view = this.#views.get(storageKeyOf(target.type));
    const isRead = request.method === 'GET';
    let response: ApiResponse;
    if (view && isRead) {
      this.#viewServer.restore(view);
      response = this.#viewServer.handle(request);
    } else {
      this.#pendingChanges = [];
      response = this.#server.handle(request);
    }
    const changes = isRead ? [] : this.#pendingChanges.flatMap((change) => fieldChanges(objectOf(change.before), objectOf(change.after)));
    // A create names its object in the body (or lets generateName pick): take the name from what was stored.
    const name = target.name ?? (request.method === 'POST' ? this.#pendingChanges[0]?.name : undefined);
    this.#requests.push({
      verb: verbOf(request, target.name === undefined),
      kind: target.type.kind,
      ...(target.namespace === undefined ? {} : { namespace: target.namespace }),
      ...(name === undefined ? {} : { name }),
      ...(target.subresource === undefined ? {} : { subresource: target.subresource }),
      code: response.status,
      ...(response.status >= 400 ? { reason: reasonOf(response) } : {}),
      ...(view && isRead ? { stale: true } : {}),
      ...(isRead ? {} : { changes }),
    });
    return response;
  }
}

function objectOf(stored: StoreChange['before']): JsonObject | undefined {
  return stored?.object as JsonObject | undefined;
}

function verbOf(request: ApiRequest, collection: boolean): string {
  switch (request.method) {
    case 'GET':
      return collection ? 'list' : 'get';
    case 'POST':
      return 'create';
    case 'PUT':
      return 'update';
    case 'PATCH':
      return (request.headers['content-type'] ?? '').startsWith('application/apply-patch') ? 'apply' : 'patch';
    case 'DELETE':
      return collection ? 'deletecollection' : 'delete';
    default:
      return request.method.toLowerCase();
  }
}

function reasonOf(response: ApiResponse): string {
  try {
    return String((JSON.parse(response.body) as { reason?: unknown }).reason ?? '');
  } catch {
    return '';
  }
}
