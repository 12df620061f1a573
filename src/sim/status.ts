import type { JsonObject } from './json.ts';

/** `metav1.StatusCause`: one reason a request failed, pointing at a field where it can. */
export interface StatusCause {
  /** omitted when empty, as Go's `omitempty` does */
  reason?: string;
  message: string;
  field?: string;
}

/** `metav1.Status` as the API server returns it for a failed request. */
export interface Status {
  kind: 'Status';
  apiVersion: 'v1';
  metadata: JsonObject;
  status: 'Failure';
  message: string;
  /** omitted when empty (an error the apiserver could not classify) */
  reason?: string;
  details?: { name?: string; group?: string; kind?: string; uid?: string; causes?: StatusCause[] };
  code: number;
}

/** A request failure; carries the `Status` body the API server sends. */
export class ApiError extends Error {
  readonly status: Status;
  constructor(status: Status) {
    super(status.message);
    this.name = 'ApiError';
    this.status = status;
  }
}

/** What an error message calls a resource: `plural.group`, or just `plural` in the core group. */
export interface GroupResource {
  group: string;
  resource: string;
}
/** What a validation error calls a kind: `Kind.group`, or just `Kind` in the core group. */
export interface GroupKind {
  group: string;
  kind: string;
}

function qualified(name: string, group: string): string {
  return group === '' ? name : `${name}.${group}`;
}

function failure(code: number, reason: string, message: string, details?: Status['details']): ApiError {
  // Field order as the apiserver serialises metav1.Status; empty reason omitted (omitempty).
  const status: Status = {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message,
    ...(reason === '' ? {} : { reason }),
    ...(details ? { details } : {}),
    code,
  };
  return new ApiError(status);
}

function resourceDetails(resource: GroupResource, name: string): NonNullable<Status['details']> {
  return resource.group === ''
    ? { name, kind: resource.resource }
    : { name, group: resource.group, kind: resource.resource };
}

export function notFound(resource: GroupResource, name: string): ApiError {
  return failure(404, 'NotFound', `${qualified(resource.resource, resource.group)} "${name}" not found`, resourceDetails(resource, name));
}

/** 409 AlreadyExists; over an object that is still being deleted the store says so first. */
export function alreadyExists(resource: GroupResource, name: string, beingDeleted = false): ApiError {
  const message = `${qualified(resource.resource, resource.group)} "${name}" already exists`;
  return failure(409, 'AlreadyExists', beingDeleted ? `object is being deleted: ${message}` : message, resourceDetails(resource, name));
}

/** 409 Conflict: `Operation cannot be fulfilled on <resource> "<name>": <why>` (BeforeDelete passes the kind as the resource, as the apiserver does). */
export function conflict(resource: GroupResource, name: string, why: string): ApiError {
  return failure(
    409,
    'Conflict',
    `Operation cannot be fulfilled on ${qualified(resource.resource, resource.group)} "${name}": ${why}`,
    resourceDetails(resource, name),
  );
}

/** The optimistic-concurrency message of etcd-backed stores. */
export const OBJECT_MODIFIED = 'the object has been modified; please apply your changes to the latest version and try again';

/** One field error of a 422 Invalid response (`field.Error` in the apiserver). */
export interface FieldError {
  field: string;
  /** `FieldValueRequired`, `FieldValueInvalid`, `FieldValueForbidden`, ... */
  reason: string;
  /** Text after the field, e.g. `Required value: name or generateName is required`. */
  detail: string;
}

/** 422 Invalid: `<Kind.group> "<name>" is invalid: <field>: <detail>` (several errors in `[...]`). */
export function invalid(kind: GroupKind, name: string, errors: FieldError[]): ApiError {
  const parts = errors.map((error) => `${error.field}: ${error.detail}`);
  const summary = parts.length === 1 ? parts[0] : `[${parts.join(', ')}]`;
  const details: NonNullable<Status['details']> = { name };
  if (kind.group !== '') details.group = kind.group;
  details.kind = kind.kind;
  details.causes = errors.map((error) => ({ reason: error.reason, message: error.detail, field: error.field }));
  return failure(422, 'Invalid', `${qualified(kind.kind, kind.group)} "${name}" is invalid: ${summary}`, details);
}

export function badRequest(message: string): ApiError {
  return failure(400, 'BadRequest', message);
}

export function forbidden(resource: GroupResource, name: string, why: string, causes?: StatusCause[]): ApiError {
  const details = resourceDetails(resource, name);
  if (causes) details.causes = causes;
  return failure(403, 'Forbidden', `${qualified(resource.resource, resource.group)} "${name}" is forbidden: ${why}`, details);
}

export function methodNotAllowed(): ApiError {
  return failure(405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource', {});
}

/** 415: the PATCH content type is not one the resource accepts. */
export function unsupportedMediaType(accepted: readonly string[]): ApiError {
  return failure(
    415,
    'UnsupportedMediaType',
    `the body of the request was in an unknown format - accepted media types include: ${accepted.join(', ')}`,
  );
}

/** A 404 for a path no resource serves (the apiserver's generic "the server could not find the requested resource"). */
export function pathNotFound(): ApiError {
  return failure(404, 'NotFound', 'the server could not find the requested resource', {});
}

/** 500 with the apiserver's generic shape, for a failure inside the server. */
export function internalError(message: string): ApiError {
  return failure(500, 'InternalError', `Internal error occurred: ${message}`, { causes: [{ message }] });
}

/**
 * 422 as `errors.NewGenericServerResponse(422, "", GroupResource{}, "", text, 0, false)` builds it, which is how
 * the apiserver reports a JSON patch that does not apply: a fixed message and empty details. The body never
 * carries `text`, so it is kept as the error's `cause` for whoever debugs the simulation.
 */
export function genericInvalid(text: string): ApiError {
  const error = failure(422, 'Invalid', 'the server rejected our request due to an error in our request', {});
  error.cause = new Error(text);
  return error;
}

/**
 * 500 with an empty reason: what `ErrorToAPIStatus` makes of an error that is not a Status (for example most
 * strategic merge patch failures). The apiserver omits the empty reason from the body.
 */
export function unclassifiedError(message: string): ApiError {
  return failure(500, '', message);
}

/**
 * 409 from server-side apply (`errors.NewApplyConflict`): the details carry only the causes, one
 * `FieldManagerConflict` per conflicting field, and no name or kind.
 */
export function applyConflict(message: string, causes: StatusCause[]): ApiError {
  return failure(409, 'Conflict', message, { causes });
}
