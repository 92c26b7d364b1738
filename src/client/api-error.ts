// Errors the client hands to callers, as two classes with a discriminating `kind`:
// - ApiStatusError: the server answered with a Kubernetes Status (or an HTTP error we map
//   to one, the way client-go's newUnstructuredResponseError does). Callers branch on `reason`.
// - TransportError: no usable answer (connection refused, TLS, timeout, malformed body).
import type { Status, StatusReason } from '../api/index.js';

export class ApiStatusError extends Error {
  readonly kind = 'status' as const;
  readonly status: Status;
  readonly code: number;
  readonly reason: StatusReason;

  constructor(status: Status, httpCode: number) {
    super(status.message ?? `the server responded with status ${httpCode}`);
    this.name = 'ApiStatusError';
    this.status = status;
    this.code = status.code ?? httpCode;
    this.reason = status.reason ?? reasonForCode(this.code);
  }
}

export type TransportFailure = 'network' | 'timeout' | 'decode' | 'aborted';

export class TransportError extends Error {
  readonly kind = 'transport' as const;
  constructor(
    readonly failure: TransportFailure,
    message: string,
    override readonly cause?: unknown,
  ) {
    super(message);
    this.name = 'TransportError';
  }
}

export type ClientError = ApiStatusError | TransportError;

/** The reason kube-apiserver would have put in the Status for a bare HTTP code. */
export function reasonForCode(code: number): StatusReason {
  switch (code) {
    case 400: return 'BadRequest';
    case 401: return 'Unauthorized';
    case 403: return 'Forbidden';
    case 404: return 'NotFound';
    case 405: return 'MethodNotAllowed';
    case 406: return 'NotAcceptable';
    case 409: return 'Conflict';
    case 410: return 'Gone';
    case 413: return 'RequestEntityTooLarge';
    case 415: return 'UnsupportedMediaType';
    case 422: return 'Invalid';
    case 429: return 'TooManyRequests';
    case 500: return 'InternalError';
    case 503: return 'ServiceUnavailable';
    case 504: return 'Timeout';
    default: return '';
  }
}

/** A Status for an HTTP error whose body was not a Status (proxies, plain-text errors). */
export function statusFromHttp(code: number, body: string): Status {
  const text = body.trim();
  return {
    apiVersion: 'v1',
    kind: 'Status',
    metadata: {},
    status: 'Failure',
    code,
    reason: reasonForCode(code),
    message: text === '' ? `the server responded with status ${code}` : `the server responded with status ${code}: ${text.slice(0, 512)}`,
  };
}

export function isStatus(v: unknown): v is Status {
  return typeof v === 'object' && v !== null && (v as { kind?: unknown }).kind === 'Status' && (v as { apiVersion?: unknown }).apiVersion === 'v1';
}

function reasonOf(e: unknown): StatusReason | undefined {
  return e instanceof ApiStatusError ? e.reason : undefined;
}

export const isNotFound = (e: unknown): boolean => reasonOf(e) === 'NotFound';
export const isAlreadyExists = (e: unknown): boolean => reasonOf(e) === 'AlreadyExists';
export const isConflict = (e: unknown): boolean => reasonOf(e) === 'Conflict';
/** 410: a resourceVersion or continue token too old (reason Gone on watches, Expired on lists). */
export const isGone = (e: unknown): boolean => e instanceof ApiStatusError && (e.code === 410 || e.reason === 'Gone' || e.reason === 'Expired');
