/**
 * The report artifact, which carries a `mode: check` run's report to the fork-safe companion
 * (`mode: comment`, on `workflow_run`). The check run uploads it through the runner's artifact
 * service (@actions/artifact). The companion downloads it through the REST API and trusts none of
 * it: a fork's pull request can change its own workflow and upload anything under this name. So
 * the archive and the report in it are size-capped before they are read, the archive is read with
 * yauzl (which checks each entry's declared size against what it inflates to), and the JSON is
 * validated against diff-report.schema.json before any of it is used. Only that JSON is ever
 * rendered; nothing else in the artifact is read.
 */
import { join } from 'node:path';
import { HttpClient } from '@actions/http-client';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { fromBuffer, type Entry, type ZipFile } from 'yauzl';
// The schema shipped at the repository root is the one the companion enforces.
import schema from '../../diff-report.schema.json' with { type: 'json' };
import type { DiffReport } from '../diff/diff-report.ts';
import type { GitHubClient, GitHubLogger } from './octokit.ts';
import { errorMessage } from '../error-message.ts';

/** The artifact's name: the check run uploads under it and the companion looks for it. */
export const REPORT_ARTIFACT_NAME = 'fixpoint-report';

/** The report's file name, in RUNNER_TEMP and inside the artifact's archive. */
export const REPORT_FILE = 'fixpoint-report.json';

/** The largest report read: a real one is kilobytes to a few hundred; more is a tampered or broken artifact. */
export const MAX_REPORT_BYTES = 5 * 1024 * 1024;

/** The largest archive downloaded: a zip of a report within the cap is never larger than the report plus its headers. */
const MAX_ARCHIVE_BYTES = MAX_REPORT_BYTES + 64 * 1024;

/** The companion runs as soon as the check run ends; a week covers re-running it by hand. */
const RETENTION_DAYS = 7;

/** How long the storage may stay silent during a download, and how often a download is tried. */
const DOWNLOAD_SOCKET_TIMEOUT_MS = 20_000;
const DOWNLOAD_ATTEMPTS = 3;
const DOWNLOAD_RETRY_DELAY_MS = 1000;

/** How much of a message that may quote the artifact (a file name, a key) is shown. */
const MAX_QUOTED_CHARACTERS = 200;

/** The artifact could not be used; the message says which one and why, and nothing was posted. */
export class ArtifactError extends Error {
  override readonly name = 'ArtifactError';
}

/** Uploads `directory`/fixpoint-report.json as the `fixpoint-report` artifact of this workflow run; needs the runner's ACTIONS_RUNTIME_TOKEN and ACTIONS_RESULTS_URL. */
export async function uploadReportArtifact(directory: string): Promise<{ readonly id: number | undefined; readonly size: number | undefined }> {
  // Loaded on use: the bundle is also every scenario's worker, which should not evaluate the storage SDK.
  const { DefaultArtifactClient } = await import('@actions/artifact');
  const { id, size } = await new DefaultArtifactClient().uploadArtifact(REPORT_ARTIFACT_NAME, [join(directory, REPORT_FILE)], directory, { retentionDays: RETENTION_DAYS });
  return { id, size };
}

/** Which run's artifact to download. */
export interface DownloadReportArguments {
  readonly octokit: GitHubClient;
  readonly owner: string;
  readonly repo: string;
  readonly runId: number;
  /** when the run's attempt began (`workflow_run.run_started_at`): artifacts older than that are an earlier attempt's */
  readonly attemptStartedAt?: string;
  readonly logger: GitHubLogger;
}

/** The downloaded, validated report; or why there is none to download (not a rejection: the run uploaded none). */
export type ReportDownload =
  | { readonly found: true; readonly report: DiffReport; readonly source: string }
  | { readonly found: false; readonly reason: string };

/**
 * The report the workflow run `runId` uploaded, downloaded, size-capped, unpacked and validated.
 * Throws an `ArtifactError` when the artifact is there but not a report this tool could have
 * written; any other error is a failure to reach it (the API, the storage).
 */
export async function downloadReportArtifact(args: DownloadReportArguments): Promise<ReportDownload> {
  const { octokit, owner, repo, runId, attemptStartedAt } = args;
  const { data } = await octokit.rest.actions.listWorkflowRunArtifacts({ owner, repo, run_id: runId, name: REPORT_ARTIFACT_NAME, per_page: 100 });
  const named = data.artifacts.filter((artifact) => artifact.name === REPORT_ARTIFACT_NAME);
  const live = named.filter((artifact) => !artifact.expired);
  // A re-run that posted its comment itself must not have an earlier attempt's report posted over it.
  const thisAttempt = live.filter((artifact) => attemptStartedAt === undefined || artifact.created_at == null || Date.parse(artifact.created_at) >= Date.parse(attemptStartedAt));
  if (thisAttempt.length === 0) {
    const reason =
      live.length > 0 ? `only an earlier attempt of workflow run ${runId} uploaded a "${REPORT_ARTIFACT_NAME}" artifact`
      : named.length > 0 ? `the "${REPORT_ARTIFACT_NAME}" artifact of workflow run ${runId} has expired`
      : `workflow run ${runId} uploaded no "${REPORT_ARTIFACT_NAME}" artifact`;
    return { found: false, reason };
  }
  const artifact = thisAttempt.reduce((newest, candidate) => (candidate.id > newest.id ? candidate : newest));
  const source = `the "${REPORT_ARTIFACT_NAME}" artifact (id ${artifact.id}) of workflow run ${runId}`;
  if (artifact.size_in_bytes > MAX_ARCHIVE_BYTES) throw rejected(source, `it is ${artifact.size_in_bytes} bytes, more than the ${MAX_ARCHIVE_BYTES} a report's archive may have`);
  const archive = await downloadArchive(args, artifact.id, source);
  return { found: true, report: parseReport(await extractReport(archive, source), source), source };
}

/** The artifact's archive, tried a few times should the storage fail; each try asks for a fresh signed URL, as they expire within a minute. */
async function downloadArchive(args: DownloadReportArguments, artifactId: number, source: string): Promise<Buffer> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await downloadCapped(await signedUrl(args, artifactId, source), source);
    } catch (error) {
      if (error instanceof ArtifactError || attempt === DOWNLOAD_ATTEMPTS) throw error;
      args.logger.debug(`Downloading ${source} failed (${shortMessage(error)}); trying again`);
      await new Promise((resolve) => setTimeout(resolve, DOWNLOAD_RETRY_DELAY_MS * attempt));
    }
  }
}

/** Where the archive is: the API answers with a redirect to a signed storage URL, which is fetched without the token. */
async function signedUrl(args: DownloadReportArguments, artifactId: number, source: string): Promise<string> {
  const { octokit, owner, repo, logger } = args;
  const response = await octokit.rest.actions.downloadArtifact({ owner, repo, artifact_id: artifactId, archive_format: 'zip', request: { redirect: 'manual' } });
  const location = response.headers.location;
  if ((response.status as number) < 300 || (response.status as number) > 399 || location === undefined) {
    throw new Error(`GET the archive of ${source} answered ${response.status} without a download location`);
  }
  logger.debug(`Downloading ${source} from ${new URL(location).origin}`);
  return location;
}

/** The body at `url` (through the runner's proxy, if any), refused as soon as more has come than an archive may have. */
async function downloadCapped(url: string, source: string): Promise<Buffer> {
  const client = new HttpClient('fixpoint', [], { allowRedirects: false, socketTimeout: DOWNLOAD_SOCKET_TIMEOUT_MS });
  try {
    const response = await client.get(url);
    const status = response.message.statusCode ?? 0;
    if (status !== 200) {
      response.message.resume();
      // The signed URL is a credential: the message names the artifact, not the URL.
      throw new Error(`downloading ${source} from storage failed: HTTP ${status}`);
    }
    const chunks: Buffer[] = [];
    let length = 0;
    for await (const chunk of response.message) {
      length += (chunk as Buffer).length;
      if (length > MAX_ARCHIVE_BYTES) {
        response.message.destroy();
        throw rejected(source, `its archive is more than the ${MAX_ARCHIVE_BYTES} bytes a report's archive may have`);
      }
      chunks.push(chunk as Buffer);
    }
    return Buffer.concat(chunks);
  } finally {
    client.dispose();
  }
}

/** The bytes of fixpoint-report.json in the zip `archive`, refused when its declared or inflated size is over the cap. */
async function extractReport(archive: Buffer, source: string): Promise<Buffer> {
  let zip: ZipFile;
  try {
    zip = await new Promise<ZipFile>((resolve, reject) => fromBuffer(archive, { lazyEntries: true }, (error, opened) => (error ? reject(error) : resolve(opened))));
  } catch (error) {
    throw rejected(source, `it is not a zip archive (${shortMessage(error)})`);
  }
  try {
    const entry = await findEntry(zip, REPORT_FILE);
    if (entry === undefined) throw rejected(source, `its archive has no ${REPORT_FILE}`);
    if (entry.uncompressedSize > MAX_REPORT_BYTES) throw rejected(source, `its ${REPORT_FILE} is ${entry.uncompressedSize} bytes, more than the ${MAX_REPORT_BYTES} a report may have`);
    return await readEntry(zip, entry);
  } catch (error) {
    if (error instanceof ArtifactError) throw error;
    throw rejected(source, `its archive cannot be read (${shortMessage(error)})`);
  } finally {
    zip.close();
  }
}

/** The entry named `name` at the archive's root; undefined when there is none. */
function findEntry(zip: ZipFile, name: string): Promise<Entry | undefined> {
  return new Promise((resolve, reject) => {
    zip.on('entry', (entry: Entry) => (entry.fileName === name ? resolve(entry) : zip.readEntry()));
    zip.on('end', () => resolve(undefined));
    zip.on('error', reject);
    zip.readEntry();
  });
}

/** The inflated entry; yauzl fails it should it inflate to more (or fewer) bytes than it declares. */
async function readEntry(zip: ZipFile, entry: Entry): Promise<Buffer> {
  const stream = await new Promise<NodeJS.ReadableStream>((resolve, reject) => zip.openReadStream(entry, (error, opened) => (error ? reject(error) : resolve(opened))));
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** The report in `bytes`: UTF-8 JSON within the cap that matches diff-report.schema.json; else an `ArtifactError` saying why not. */
export function parseReport(bytes: Uint8Array, source: string): DiffReport {
  if (bytes.byteLength > MAX_REPORT_BYTES) throw rejected(source, `it is ${bytes.byteLength} bytes, more than the ${MAX_REPORT_BYTES} a report may have`);
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch (error) {
    throw rejected(source, `it cannot be read as UTF-8 text (${shortMessage(error)})`);
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw rejected(source, `it is not valid JSON (${shortMessage(error)})`);
  }
  const violation = schemaViolation(data);
  if (violation !== undefined) throw rejected(source, `it does not match diff-report.schema.json: ${violation}`);
  return data as DiffReport;
}

let compiled: ValidateFunction | undefined;

/**
 * How `data` breaks diff-report.schema.json: its first violation, in words; undefined when it is a
 * valid report. Only the first: collecting all of them costs Ajv time quadratic in their number,
 * which a forged report of millions of wrong items would turn into hours.
 */
function schemaViolation(data: unknown): string | undefined {
  compiled ??= new Ajv({ strict: true, allErrors: false }).compile(schema);
  if (compiled(data)) return undefined;
  const [first] = compiled.errors ?? [];
  return first === undefined ? 'the report is not valid' : describeViolation(first);
}

/** One violation: where (a JSON pointer) and what, with the unknown key or allowed values named; cut so a hostile key cannot flood the log. */
function describeViolation(error: ErrorObject): string {
  const params = error.params as Record<string, unknown>;
  const where = error.instancePath === '' ? 'the report' : error.instancePath;
  let what = error.message ?? error.keyword;
  if (error.keyword === 'additionalProperties') what = `has the unknown key ${JSON.stringify(params['additionalProperty'])}`;
  else if (error.keyword === 'const') what = `must be ${JSON.stringify(params['allowedValue'])}`;
  else if (error.keyword === 'enum') what = `must be one of ${(params['allowedValues'] as unknown[]).map((value) => JSON.stringify(value)).join(', ')}`;
  return cut(`${where} ${what}`);
}

function rejected(source: string, why: string): ArtifactError {
  return new ArtifactError(`fixpoint: ${source} was rejected, and nothing was posted: ${why}`);
}

/** An error's message, cut: parsers quote the artifact's content (a file name, a token) in theirs. */
function shortMessage(error: unknown): string {
  return cut(errorMessage(error));
}

function cut(text: string): string {
  return text.length > MAX_QUOTED_CHARACTERS ? `${text.slice(0, MAX_QUOTED_CHARACTERS - 1)}…` : text;
}
