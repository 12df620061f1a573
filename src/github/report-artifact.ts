/**
 * The report artifact as the `workflow_run` companion (`mode: comment`) reads it: untrusted data
 * written by a run of the pull request's code, so it is size-capped before it is parsed and
 * validated against diff-report.schema.json before any of it is used. Only the validated JSON is
 * rendered; nothing else in the artifact (Markdown, summaries) is ever read.
 */
import { open } from 'node:fs/promises';
import { join } from 'node:path';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
// The schema shipped at the repository root is the one the companion enforces.
import schema from '../../diff-report.schema.json' with { type: 'json' };
import type { DiffReport } from '../diff/diff-report.ts';

/** The report's file name inside the downloaded artifact. */
export const REPORT_ARTIFACT_FILE = 'fixpoint-report.json';

/** The largest report read: a real one is kilobytes to a few hundred; more is a tampered or broken artifact. */
export const MAX_REPORT_BYTES = 5 * 1024 * 1024;

/** Schema violations quoted in the rejection message. */
const MAX_LISTED_VIOLATIONS = 5;

/** The artifact could not be used; the message says which file and why, and nothing was posted. */
export class ArtifactError extends Error {
  override readonly name = 'ArtifactError';
}

let compiled: ValidateFunction | undefined;

/** Reads, size-checks, parses and validates `fixpoint-report.json` in `directory`; throws an `ArtifactError` saying why it was rejected. */
export async function readReportArtifact(directory: string, maxBytes = MAX_REPORT_BYTES): Promise<{ readonly report: DiffReport; readonly path: string }> {
  const path = join(directory, REPORT_ARTIFACT_FILE);
  const text = await readCapped(path, maxBytes);
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw rejected(path, `it is not valid JSON (${error instanceof Error ? error.message : String(error)})`);
  }
  const problems = schemaViolations(data);
  if (problems.length > 0) throw rejected(path, `it does not match diff-report.schema.json: ${problems.join('; ')}`);
  return { report: data as DiffReport, path };
}

/** How `data` breaks diff-report.schema.json, in words (the first few); empty when it is a valid report. */
export function schemaViolations(data: unknown): string[] {
  compiled ??= new Ajv({ strict: true, allErrors: true }).compile(schema);
  if (compiled(data)) return [];
  const errors = compiled.errors ?? [];
  const listed = errors.slice(0, MAX_LISTED_VIOLATIONS).map(describeViolation);
  if (errors.length > listed.length) listed.push(`and ${errors.length - listed.length} more`);
  return listed;
}

/** One violation: where (a JSON pointer) and what, with the unknown key or allowed values named; cut so a hostile key cannot flood the log. */
function describeViolation(error: ErrorObject): string {
  const params = error.params as Record<string, unknown>;
  const where = error.instancePath === '' ? 'the report' : error.instancePath;
  let what = error.message ?? error.keyword;
  if (error.keyword === 'additionalProperties') what = `has the unknown key ${JSON.stringify(params['additionalProperty'])}`;
  else if (error.keyword === 'const') what = `must be ${JSON.stringify(params['allowedValue'])}`;
  else if (error.keyword === 'enum') what = `must be one of ${(params['allowedValues'] as unknown[]).map((value) => JSON.stringify(value)).join(', ')}`;
  const text = `${where} ${what}`;
  return text.length > 200 ? `${text.slice(0, 199)}…` : text;
}

/** The file's text, refusing it unread when it is larger than `maxBytes` (and reading no more than that should it grow meanwhile). */
async function readCapped(path: string, maxBytes: number): Promise<string> {
  let handle;
  try {
    handle = await open(path, 'r');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'it does not exist (did the download-artifact step put the "fixpoint-report" artifact into working-directory?)' : `it cannot be read (${code ?? String(error)})`;
    throw rejected(path, why);
  }
  try {
    const stats = await handle.stat();
    if (!stats.isFile()) throw rejected(path, 'it is not a regular file');
    if (stats.size > maxBytes) throw rejected(path, `it is ${stats.size} bytes, more than the ${maxBytes} a report may have`);
    const buffer = Buffer.alloc(maxBytes + 1);
    let length = 0;
    while (length < buffer.length) {
      const { bytesRead } = await handle.read(buffer, length, buffer.length - length, length);
      if (bytesRead === 0) break;
      length += bytesRead;
    }
    if (length > maxBytes) throw rejected(path, `it is more than the ${maxBytes} bytes a report may have`);
    return new TextDecoder('utf-8', { fatal: true }).decode(buffer.subarray(0, length));
  } catch (error) {
    if (error instanceof ArtifactError) throw error;
    throw rejected(path, `it cannot be read as UTF-8 text (${error instanceof Error ? error.message : String(error)})`);
  } finally {
    await handle.close();
  }
}

function rejected(path: string, why: string): ArtifactError {
  return new ArtifactError(`fixpoint: the report artifact ${path} was rejected, and nothing was posted: ${why}`);
}
