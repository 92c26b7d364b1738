// The one error type the patch engines throw. `reason` is the Kubernetes StatusReason the API
// server should answer with; `code` is its HTTP status. Messages follow kube-apiserver's wording
// where practical (evanphx/json-patch for RFC 6902, apimachinery's strategicpatch and mergepatch
// packages, the field manager's conflict text), so kubectl prints what it prints upstream.

export type PatchErrorReason =
  /** 400: the patch document is malformed (wrong shape, unknown directive value, bad YAML). */
  | 'BadRequest'
  /** 422: a well-formed patch that does not apply to this object (missing path, failed test). */
  | 'Invalid'
  /** 409: server-side apply found fields owned by other managers. */
  | 'Conflict'
  /** 413: more JSON-patch operations than the server accepts. */
  | 'RequestEntityTooLarge';

/** A Status cause, as kube-apiserver attaches to apply conflicts. */
export interface PatchErrorCause {
  readonly reason: 'FieldManagerConflict';
  readonly message: string;
  readonly field: string;
}

const CODES: Record<PatchErrorReason, number> = { BadRequest: 400, Invalid: 422, Conflict: 409, RequestEntityTooLarge: 413 };

export class PatchError extends Error {
  readonly code: number;

  constructor(
    readonly reason: PatchErrorReason,
    message: string,
    readonly causes: readonly PatchErrorCause[] = [],
  ) {
    super(message);
    this.name = 'PatchError';
    this.code = CODES[reason];
  }

  static badRequest(message: string): PatchError {
    return new PatchError('BadRequest', message);
  }

  static invalid(message: string): PatchError {
    return new PatchError('Invalid', message);
  }
}
