// Kubernetes `Status` errors with upstream's reasons, codes and message wording, so kubectl
// prints exactly what it prints against kube-apiserver (k8s.io/apimachinery/pkg/api/errors).
import type { Status, StatusCause, StatusReason } from '../api/index.js';

export class ApiError extends Error {
  constructor(readonly status: Status) {
    super(status.message ?? status.reason ?? 'error');
    this.name = 'ApiError';
  }
  get code(): number {
    return this.status.code ?? 500;
  }
}

export interface QualifiedResource {
  readonly group: string;
  readonly resource: string;
}

const qualified = (r: QualifiedResource) => (r.group === '' ? r.resource : `${r.resource}.${r.group}`);

function status(code: number, reason: StatusReason, message: string, details?: Status['details']): Status {
  const s: Status = { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, code };
  if (details !== undefined) s.details = details;
  return s;
}

const details = (r: QualifiedResource, name: string, extra: Partial<NonNullable<Status['details']>> = {}) => ({
  name,
  ...(r.group !== '' ? { group: r.group } : {}),
  kind: r.resource,
  ...extra,
});

/** What create/update bodies may be (CBOR stays off, as in 1.32 without its feature gate). */
export const objectMediaTypes = ['application/json', 'application/yaml', 'application/vnd.kubernetes.protobuf'] as const;
/** Patch types in the order kube-apiserver lists them. */
export const patchMediaTypes = ['application/json-patch+json', 'application/merge-patch+json', 'application/strategic-merge-patch+json', 'application/apply-patch+yaml'] as const;

export const errors = {
  notFound: (r: QualifiedResource, name: string) => new ApiError(status(404, 'NotFound', `${qualified(r)} "${name}" not found`, details(r, name))),
  alreadyExists: (r: QualifiedResource, name: string) => new ApiError(status(409, 'AlreadyExists', `${qualified(r)} "${name}" already exists`, details(r, name))),
  conflict: (r: QualifiedResource, name: string, why = 'the object has been modified; please apply your changes to the latest version and try again') =>
    new ApiError(status(409, 'Conflict', `Operation cannot be fulfilled on ${qualified(r)} "${name}": ${why}`, details(r, name))),
  /** 422 with field causes. `kind` is the object Kind (e.g. "Service"), as upstream uses for Invalid. */
  invalid: (group: string, kind: string, name: string, causes: readonly { field: string; reason: string; message: string; text: string }[]) => {
    const texts = causes.map((c) => c.text);
    const list = texts.length === 1 ? texts[0]! : `[${texts.join(', ')}]`;
    const qualifiedKind = group === '' ? kind : `${kind}.${group}`;
    return new ApiError(
      status(422, 'Invalid', `${qualifiedKind} "${name}" is invalid: ${list}`, {
        name,
        ...(group !== '' ? { group } : {}),
        kind,
        causes: causes.map((c): StatusCause => ({ reason: c.reason, message: c.message, field: c.field })),
      }),
    );
  },
  /** Unknown path or resource: kube-apiserver's generic 404. */
  pathNotFound: () => new ApiError(status(404, 'NotFound', 'the server could not find the requested resource', {})),
  badRequest: (message: string) => new ApiError(status(400, 'BadRequest', message)),
  unauthorized: () => new ApiError(status(401, 'Unauthorized', 'Unauthorized')),
  forbidden: (r: QualifiedResource, name: string, why: string, causes?: StatusCause[]) =>
    new ApiError(status(403, 'Forbidden', `${qualified(r)} "${name}" is forbidden: ${why}`, details(r, name, causes !== undefined ? { causes } : {}))),
  /** Namespace lifecycle admission: creating into a terminating namespace. */
  namespaceTerminating: (r: QualifiedResource, name: string, ns: string) =>
    new ApiError(
      status(403, 'Forbidden', `${qualified(r)} "${name}" is forbidden: unable to create new content in namespace ${ns} because it is being terminated`, details(r, name, {
        causes: [{ reason: 'NamespaceTerminating', message: `namespace ${ns} is being terminated`, field: 'metadata.namespace' }],
      })),
    ),
  gone: (message: string) => new ApiError(status(410, 'Expired', message)),
  methodNotAllowed: (message: string) => new ApiError(status(405, 'MethodNotAllowed', message)),
  notAcceptable: (message: string) => new ApiError(status(406, 'NotAcceptable', message)),
  /** `accepted` defaults to the object media types; PATCH passes the patch types. */
  unsupportedMediaType: (accepted: readonly string[] = objectMediaTypes) =>
    new ApiError(status(415, 'UnsupportedMediaType', `the body of the request was in an unknown format - accepted media types include: ${accepted.join(', ')}`)),
  tooLarge: (limit: number) => new ApiError(status(413, 'RequestEntityTooLarge', `Request entity too large: limit is ${limit}`)),
  internal: (message: string) => new ApiError(status(500, 'InternalError', `Internal error occurred: ${message}`)),
  /** NewTimeoutError: the message gains a "Timeout: " prefix. */
  timeout: (message: string, retryAfterSeconds = 0) =>
    new ApiError(status(504, 'Timeout', `Timeout: ${message}`, retryAfterSeconds > 0 ? { retryAfterSeconds } : undefined)),
  /** storage.NewTooLargeResourceVersionError: a resourceVersion newer than the store has. */
  tooLargeResourceVersion: (rv: number, current: number) =>
    new ApiError(
      status(504, 'Timeout', `Timeout: Too large resource version: ${rv}, current: ${current}`, {
        causes: [{ reason: 'ResourceVersionTooLarge', message: 'Too large resource version' }],
        retryAfterSeconds: 1,
      }),
    ),
};

export function successStatus(r: QualifiedResource, name: string, uid?: string): Status {
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', details: details(r, name, uid !== undefined ? { uid } : {}) };
}

export function toApiError(e: unknown): ApiError {
  if (e instanceof ApiError) return e;
  return errors.internal(e instanceof Error ? e.message : String(e));
}
