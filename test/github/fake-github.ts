/**
 * A small fake of GitHub's REST API on 127.0.0.1 for the comment tests: issue comments with real
 * pagination (`per_page`, `page`, a `Link` header), create, edit and delete, GraphQL `viewer` and
 * `GET /user` for the token's identity, pull requests one by one, by commit and by state (for the
 * workflow_run companion), and routes told to fail. It also plays the runner's artifact service
 * as @actions/artifact uses it (the Twirp calls CreateArtifact and FinalizeArtifact, and a block
 * blob upload to the signed URL), and lists and serves a run's artifacts as the REST API does
 * (a redirect to a signed storage URL). It records every request so a test can say exactly what
 * was sent, or that nothing was written.
 */
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** An account as the REST API shows it. */
export interface FakeUser {
  readonly login: string;
  readonly id: number;
  readonly type: 'User' | 'Bot';
}

/** A stored issue comment. */
export interface FakeComment {
  readonly id: number;
  readonly issueNumber: number;
  body: string;
  readonly user: FakeUser;
  readonly createdAt: string;
  updatedAt: string;
}

/** A stored pull request: its number, state and head. */
export interface FakePullRequest {
  readonly number: number;
  state: 'open' | 'closed';
  readonly headSha: string;
  /** `owner/name` of the head's repository (a fork's) */
  readonly headRepository: string;
}

/** A stored artifact of a workflow run. */
export interface FakeArtifact {
  readonly id: number;
  readonly runId: number;
  readonly name: string;
  /** the archive, served as the artifact's zip */
  readonly bytes: Buffer;
  /** what the listing says the size is: the archive's length unless a test says otherwise */
  readonly sizeInBytes: number;
  readonly expired: boolean;
  /** on the fake clock, as comments are */
  readonly createdAt: string;
}

/** One request the server received. */
export interface RecordedRequest {
  readonly method: string;
  /** the path with its query, as sent */
  readonly path: string;
  readonly pathname: string;
  readonly query: URLSearchParams;
  readonly headers: IncomingHttpHeaders;
  /** the JSON body, parsed; undefined when there was none or it is not JSON */
  readonly body: unknown;
  /** the body as sent */
  readonly raw: Buffer;
}

/** A route told to answer with an error instead. */
export interface FailureRule {
  readonly method: string;
  /** matched against the pathname */
  readonly path: RegExp;
  readonly status: number;
  /** the JSON answer; defaults to `{ message }` with a message fitting the status */
  readonly body?: unknown;
  readonly headers?: Record<string, string>;
  /** how many requests fail before the route works again; unset: all of them */
  readonly times?: number;
}

/** How the fake starts. */
export interface FakeGitHubOptions {
  /** the account the token acts as; defaults to `github-actions[bot]`, the workflow's GITHUB_TOKEN */
  readonly actor?: FakeUser;
  /** whether `POST /graphql` answers (`viewer`); GHES without GraphQL, or a proxy blocking it, do not */
  readonly graphql?: boolean;
}

/** The author of comments written with a workflow's GITHUB_TOKEN on github.com. */
export const GITHUB_ACTIONS_BOT: FakeUser = { login: 'github-actions[bot]', id: 41898282, type: 'Bot' };

/** GitHub's page size when `per_page` is not given, and its largest. */
const DEFAULT_PAGE_SIZE = 30;
const MAX_PAGE_SIZE = 100;
/** The fake clock's start: each comment is created one second after the previous. */
const EPOCH = Date.parse('2026-01-01T00:00:00Z');

/** The Twirp service @actions/artifact calls. */
const ARTIFACT_SERVICE = '/twirp/github.actions.results.api.v1.ArtifactService/';

/** An artifact being uploaded: created, its blocks staged and committed, not yet finalized. */
interface PendingUpload {
  readonly runId: number;
  readonly name: string;
  readonly blocks: Map<string, Buffer>;
  committed?: Buffer;
}

/** A fake GitHub REST API; `start` it, point Octokit at `baseUrl`, `stop` it. */
export class FakeGitHub {
  /** every request, in order */
  readonly requests: RecordedRequest[] = [];
  /** every comment that exists, in creation order */
  readonly comments: FakeComment[] = [];
  /** the pull requests `GET …/pulls` and `GET …/commits/{sha}/pulls` list */
  readonly pullRequests: FakePullRequest[] = [];
  /** every artifact uploaded or added, in order */
  readonly artifacts: FakeArtifact[] = [];
  readonly actor: FakeUser;
  readonly graphql: boolean;
  private readonly server: Server;
  private readonly failures: { rule: FailureRule; left: number }[] = [];
  private readonly uploads = new Map<string, PendingUpload>();
  private nextId = 1000;

  private constructor(options: FakeGitHubOptions) {
    this.actor = options.actor ?? GITHUB_ACTIONS_BOT;
    this.graphql = options.graphql ?? true;
    this.server = createServer((request, response) => void this.receive(request, response));
  }

  /** A fake listening on a free port of 127.0.0.1. */
  static async start(options: FakeGitHubOptions = {}): Promise<FakeGitHub> {
    const fake = new FakeGitHub(options);
    await new Promise<void>((resolve) => fake.server.listen(0, '127.0.0.1', resolve));
    return fake;
  }

  /** The API root to hand Octokit. */
  get baseUrl(): string {
    const { port } = this.server.address() as AddressInfo;
    return `http://127.0.0.1:${port}`;
  }

  /** Stop listening, dropping kept-alive connections so the test process can end. */
  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve, reject) => this.server.close((error) => (error ? reject(error) : resolve())));
  }

  /** ACTIONS_RESULTS_URL for the artifact service this fake plays. */
  get resultsUrl(): string {
    return `${this.baseUrl}/`;
  }

  /** ACTIONS_RUNTIME_TOKEN of a job of run `runId`: an unsigned JWT whose scope names the run's and the job's backend ids, as the runner's does. */
  runtimeToken(runId: number): string {
    const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
    return `${part({ typ: 'JWT', alg: 'none' })}.${part({ scp: `Actions.GenericRead Actions.Results:run-${runId}:job-1`, ac: '[]' })}.`;
  }

  /** Store an artifact of run `runId` as if it had been uploaded; `sizeInBytes` lets the listing say another size than the archive's. */
  addArtifact(runId: number, name: string, bytes: Buffer, options: { readonly sizeInBytes?: number; readonly expired?: boolean } = {}): FakeArtifact {
    const id = this.nextId++;
    const createdAt = new Date(EPOCH + id * 1000).toISOString();
    const artifact: FakeArtifact = { id, runId, name, bytes, sizeInBytes: options.sizeInBytes ?? bytes.length, expired: options.expired ?? false, createdAt };
    this.artifacts.push(artifact);
    return artifact;
  }

  /** Store a comment as if someone had posted it; `user` defaults to the token's own account. */
  addComment(issueNumber: number, body: string, user: FakeUser = this.actor): FakeComment {
    const id = this.nextId++;
    const time = new Date(EPOCH + id * 1000).toISOString();
    const comment: FakeComment = { id, issueNumber, body, user, createdAt: time, updatedAt: time };
    this.comments.push(comment);
    return comment;
  }

  /** Store a pull request (open unless said otherwise). */
  addPullRequest(pull: Omit<FakePullRequest, 'state'> & { state?: FakePullRequest['state'] }): FakePullRequest {
    const stored: FakePullRequest = { state: 'open', ...pull };
    this.pullRequests.push(stored);
    return stored;
  }

  /** The comments on one issue, oldest first. */
  commentsOn(issueNumber: number): FakeComment[] {
    return this.comments.filter((comment) => comment.issueNumber === issueNumber);
  }

  /** Make a route answer with an error (for `times` requests, or for good). */
  fail(rule: FailureRule): void {
    this.failures.push({ rule, left: rule.times ?? Number.POSITIVE_INFINITY });
  }

  /** The recorded REST requests that change something: comment POST, PATCH, DELETE (a GraphQL query is a POST but reads; artifact uploads are in `artifacts`). */
  writes(): RecordedRequest[] {
    return this.requests.filter((request) => request.method !== 'GET' && request.pathname !== '/graphql' && !isArtifactTraffic(request));
  }

  /** Record the request, then answer it from a failure rule or a route. */
  private async receive(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    const raw = await readBody(request);
    const isJson = /json/.test(request.headers['content-type'] ?? '') && raw.length > 0;
    const recorded: RecordedRequest = {
      method: request.method ?? 'GET',
      path: request.url ?? '/',
      pathname: url.pathname,
      query: url.searchParams,
      headers: request.headers,
      body: isJson ? JSON.parse(raw.toString('utf8')) : undefined,
      raw,
    };
    this.requests.push(recorded);
    const failure = this.failureFor(recorded);
    if (failure !== undefined) {
      send(response, failure.status, failure.body ?? { message: defaultMessage(failure.status) }, failure.headers);
      return;
    }
    this.route(recorded, response);
  }

  /** The failure rule this request hits, using up one of its times. */
  private failureFor(request: RecordedRequest): FailureRule | undefined {
    const entry = this.failures.find(({ rule, left }) => left > 0 && rule.method === request.method && rule.path.test(request.pathname));
    if (entry === undefined) return undefined;
    entry.left -= 1;
    return entry.rule;
  }

  /** The REST routes the sticky comment and the companion use, and the artifact service's. */
  private route(request: RecordedRequest, response: ServerResponse): void {
    if (request.pathname.startsWith(ARTIFACT_SERVICE)) return this.artifactService(request, response);
    const blob = /^\/blobs\/([\w-]+)$/.exec(request.pathname);
    if (blob !== null) return request.method === 'PUT' ? this.stageBlob(request, response, blob[1]!) : this.serveBlob(response, blob[1]!);
    const runArtifacts = /^\/repos\/[^/]+\/[^/]+\/actions\/runs\/(\d+)\/artifacts$/.exec(request.pathname);
    if (runArtifacts !== null && request.method === 'GET') return this.listArtifacts(request, response, Number(runArtifacts[1]));
    const artifactZip = /^\/repos\/[^/]+\/[^/]+\/actions\/artifacts\/(\d+)\/zip$/.exec(request.pathname);
    if (artifactZip !== null && request.method === 'GET') return this.redirectToArtifact(response, Number(artifactZip[1]));
    const issue = /^\/repos\/([^/]+)\/([^/]+)\/issues\/(\d+)\/comments$/.exec(request.pathname);
    const single = /^\/repos\/([^/]+)\/([^/]+)\/issues\/comments\/(\d+)$/.exec(request.pathname);
    const commitPulls = /^\/repos\/([^/]+)\/([^/]+)\/commits\/([0-9a-f]+)\/pulls$/.exec(request.pathname);
    const pulls = /^\/repos\/([^/]+)\/([^/]+)\/pulls$/.exec(request.pathname);
    const pull = /^\/repos\/([^/]+)\/([^/]+)\/pulls\/(\d+)$/.exec(request.pathname);
    const key = `${request.method} ${issue ? 'issue-comments' : single ? 'comment' : commitPulls ? 'commit-pulls' : pulls ? 'pulls' : pull ? 'pull' : request.pathname}`;
    switch (key) {
      case 'GET issue-comments':
        return this.list(request, response, issue!);
      case 'POST issue-comments':
        return this.create(request, response, issue!);
      case 'PATCH comment':
        return this.edit(request, response, single!);
      case 'DELETE comment':
        return this.remove(response, single!);
      case 'GET commit-pulls':
        return send(response, 200, this.pullRequests.filter((pull) => pull.headSha === commitPulls![3]).map((pull) => this.pullJson(pull, commitPulls![1]!, commitPulls![2]!)));
      case 'GET pull': {
        const found = this.pullRequests.find((candidate) => candidate.number === Number(pull![3]));
        return found === undefined ? send(response, 404, { message: 'Not Found' }) : send(response, 200, this.pullJson(found, pull![1]!, pull![2]!));
      }
      case 'GET pulls': {
        const state = request.query.get('state') ?? 'open';
        const listed = this.pullRequests.filter((pull) => state === 'all' || pull.state === state);
        return send(response, 200, listed.map((pull) => this.pullJson(pull, pulls![1]!, pulls![2]!)));
      }
      case 'POST /graphql':
        return this.viewer(response);
      case 'GET /user':
        return this.user(response);
      default:
        send(response, 404, { message: 'Not Found' });
    }
  }

  /** `GET …/issues/{n}/comments`: one page, with the `Link` header GitHub sends. */
  private list(request: RecordedRequest, response: ServerResponse, [, owner, repo, number]: RegExpExecArray): void {
    const size = Math.min(MAX_PAGE_SIZE, Number(request.query.get('per_page') ?? DEFAULT_PAGE_SIZE));
    const page = Math.max(1, Number(request.query.get('page') ?? 1));
    const all = this.commentsOn(Number(number));
    const last = Math.max(1, Math.ceil(all.length / size));
    const items = all.slice((page - 1) * size, page * size).map((comment) => this.json(comment, owner!, repo!));
    const link = this.linkHeader(request.pathname, size, page, last);
    send(response, 200, items, link === '' ? {} : { link });
  }

  /** The `Link` header of a page: next and last after it, first and prev before it. */
  private linkHeader(pathname: string, size: number, page: number, last: number): string {
    const at = (number: number, rel: string) => `<${this.baseUrl}${pathname}?per_page=${size}&page=${number}>; rel="${rel}"`;
    const links: string[] = [];
    if (page > 1) links.push(at(page - 1, 'prev'), at(1, 'first'));
    if (page < last) links.push(at(page + 1, 'next'), at(last, 'last'));
    return links.join(', ');
  }

  /** `POST …/issues/{n}/comments`: a new comment by the token's account. */
  private create(request: RecordedRequest, response: ServerResponse, [, owner, repo, number]: RegExpExecArray): void {
    const body = bodyText(request);
    if (body === undefined) return send(response, 422, { message: 'Validation Failed' });
    const comment = this.addComment(Number(number), body);
    send(response, 201, this.json(comment, owner!, repo!));
  }

  /** `PATCH …/issues/comments/{id}`. */
  private edit(request: RecordedRequest, response: ServerResponse, [, owner, repo, id]: RegExpExecArray): void {
    const comment = this.comments.find((candidate) => candidate.id === Number(id));
    const body = bodyText(request);
    if (comment === undefined) return send(response, 404, { message: 'Not Found' });
    if (body === undefined) return send(response, 422, { message: 'Validation Failed' });
    comment.body = body;
    comment.updatedAt = new Date(Date.parse(comment.updatedAt) + 1000).toISOString();
    send(response, 200, this.json(comment, owner!, repo!));
  }

  /** `DELETE …/issues/comments/{id}`: 204, or 404 when it is gone. */
  private remove(response: ServerResponse, [, , , id]: RegExpExecArray): void {
    const index = this.comments.findIndex((candidate) => candidate.id === Number(id));
    if (index === -1) return send(response, 404, { message: 'Not Found' });
    this.comments.splice(index, 1);
    send(response, 204, undefined);
  }

  /** `POST /graphql`: only the `viewer` query is understood. */
  private viewer(response: ServerResponse): void {
    if (!this.graphql) return send(response, 404, { message: 'Not Found' });
    send(response, 200, { data: { viewer: { login: this.actor.login, databaseId: this.actor.id } } });
  }

  /** `GET /user`: refused to installation tokens (bots), as on GitHub. */
  private user(response: ServerResponse): void {
    if (this.actor.type === 'Bot') return send(response, 403, { message: defaultMessage(403) });
    send(response, 200, { login: this.actor.login, id: this.actor.id, type: this.actor.type });
  }

  /** The Twirp calls of @actions/artifact's upload, authorized by a runtime token of this fake's. */
  private artifactService(request: RecordedRequest, response: ServerResponse): void {
    const runId = Number(/Actions\.Results:run-(\d+):/.exec(jwtScope(request.headers.authorization))?.[1]);
    if (!Number.isInteger(runId)) return send(response, 401, { code: 'unauthenticated', msg: 'no Actions.Results scope in the token' });
    const body = (request.body ?? {}) as { name?: unknown; workflow_run_backend_id?: unknown };
    const name = typeof body.name === 'string' ? body.name : '';
    if (body.workflow_run_backend_id !== `run-${runId}`) return send(response, 403, { code: 'permission_denied', msg: 'the backend ids are not the token\'s' });
    const key = `upload-${runId}-${encodeURIComponent(name).replace(/%/g, '')}`;
    switch (request.pathname.slice(ARTIFACT_SERVICE.length)) {
      case 'CreateArtifact':
        if (this.artifacts.some((artifact) => artifact.runId === runId && artifact.name === name) || this.uploads.has(key)) {
          return send(response, 409, { code: 'already_exists', msg: 'an artifact with this name already exists on the workflow run' });
        }
        this.uploads.set(key, { runId, name, blocks: new Map() });
        return send(response, 200, { ok: true, signed_upload_url: `${this.baseUrl}/blobs/${key}?sig=upload-signature` });
      case 'FinalizeArtifact': {
        const upload = this.uploads.get(key);
        if (upload?.committed === undefined) return send(response, 404, { code: 'not_found', msg: 'no committed upload of that name' });
        this.uploads.delete(key);
        const artifact = this.addArtifact(runId, name, upload.committed);
        return send(response, 200, { ok: true, artifact_id: String(artifact.id) });
      }
      default:
        return send(response, 404, { code: 'bad_route', msg: 'no such method' });
    }
  }

  /** `PUT <signed url>&comp=block` stages a block, `&comp=blocklist` commits the listed blocks in order. */
  private stageBlob(request: RecordedRequest, response: ServerResponse, key: string): void {
    const upload = this.uploads.get(key);
    if (upload === undefined || request.query.get('sig') !== 'upload-signature') return send(response, 403, undefined);
    const kind = request.query.get('comp');
    if (kind === 'block') {
      upload.blocks.set(request.query.get('blockid') ?? '', request.raw);
      return send(response, 201, undefined);
    }
    if (kind !== 'blocklist') return send(response, 400, undefined);
    const ids = [...request.raw.toString('utf8').matchAll(/<(?:Latest|Uncommitted|Committed)>([^<]*)<\//g)].map((match) => match[1]!);
    if (ids.some((id) => !upload.blocks.has(id))) return send(response, 400, undefined);
    upload.committed = Buffer.concat(ids.map((id) => upload.blocks.get(id)!));
    send(response, 201, undefined);
  }

  /** `GET …/actions/runs/{id}/artifacts`, filtered by `name`. */
  private listArtifacts(request: RecordedRequest, response: ServerResponse, runId: number): void {
    const name = request.query.get('name');
    const listed = this.artifacts.filter((artifact) => artifact.runId === runId && (name === null || artifact.name === name));
    send(response, 200, {
      total_count: listed.length,
      artifacts: listed.map((artifact) => ({
        id: artifact.id,
        name: artifact.name,
        size_in_bytes: artifact.sizeInBytes,
        expired: artifact.expired,
        created_at: artifact.createdAt,
        archive_download_url: `${this.baseUrl}/repos/acme/widgets/actions/artifacts/${artifact.id}/zip`,
        workflow_run: { id: artifact.runId },
      })),
    });
  }

  /** `GET …/actions/artifacts/{id}/zip`: a redirect to the archive's signed storage URL; 410 once it has expired. */
  private redirectToArtifact(response: ServerResponse, id: number): void {
    const artifact = this.artifacts.find((candidate) => candidate.id === id);
    if (artifact === undefined) return send(response, 404, { message: 'Not Found' });
    if (artifact.expired) return send(response, 410, { message: 'Artifact has expired' });
    response.writeHead(302, { location: `${this.baseUrl}/blobs/artifact-${id}?sig=download-signature` });
    response.end();
  }

  /** The storage side of a download: the archive's bytes. */
  private serveBlob(response: ServerResponse, key: string): void {
    const artifact = this.artifacts.find((candidate) => `artifact-${candidate.id}` === key);
    if (artifact === undefined) return send(response, 404, undefined);
    response.writeHead(200, { 'content-type': 'application/zip', 'content-length': String(artifact.bytes.length) });
    response.end(artifact.bytes);
  }

  /** A pull request as the REST API lists it (the fields the Action reads, and its address). */
  private pullJson(pull: FakePullRequest, owner: string, repo: string): Record<string, unknown> {
    return {
      number: pull.number,
      state: pull.state,
      html_url: `https://github.com/${owner}/${repo}/pull/${pull.number}`,
      head: { sha: pull.headSha, repo: { full_name: pull.headRepository } },
      base: { repo: { full_name: `${owner}/${repo}` } },
    };
  }

  /** A comment as the REST API returns it. */
  private json(comment: FakeComment, owner: string, repo: string): Record<string, unknown> {
    return {
      id: comment.id,
      body: comment.body,
      user: comment.user,
      html_url: `https://github.com/${owner}/${repo}/pull/${comment.issueNumber}#issuecomment-${comment.id}`,
      created_at: comment.createdAt,
      updated_at: comment.updatedAt,
    };
  }
}

/** The request body. */
async function readBody(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** Requests to the artifact service and to storage, not to the REST API. */
function isArtifactTraffic(request: RecordedRequest): boolean {
  return request.pathname.startsWith(ARTIFACT_SERVICE) || request.pathname.startsWith('/blobs/');
}

/** The `scp` claim of a `Bearer` JWT; empty when there is none. */
function jwtScope(authorization: string | undefined): string {
  const payload = /^Bearer [^.]+\.([^.]+)\./.exec(authorization ?? '')?.[1];
  if (payload === undefined) return '';
  try {
    const scope = (JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { scp?: unknown }).scp;
    return typeof scope === 'string' ? scope : '';
  } catch {
    return '';
  }
}

/** The `body` field of a JSON request, if it is a string. */
function bodyText(request: RecordedRequest): string | undefined {
  const body = (request.body as { body?: unknown } | undefined)?.body;
  return typeof body === 'string' ? body : undefined;
}

/** Answer with JSON (or nothing, for 204). */
function send(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = body === undefined ? '' : JSON.stringify(body);
  response.writeHead(status, { ...(text === '' ? {} : { 'content-type': 'application/json; charset=utf-8' }), ...headers });
  response.end(text);
}

/** What GitHub says for a status when a test names none. */
function defaultMessage(status: number): string {
  if (status === 403) return 'Resource not accessible by integration';
  if (status === 422) return 'Validation Failed';
  if (status === 404) return 'Not Found';
  return 'Server Error';
}
