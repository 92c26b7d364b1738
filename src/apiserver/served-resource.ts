// What the API server needs to know about each resource it serves. Built from the
// api registry (src/api/registry.ts) so discovery, OpenAPI and routing agree.
export interface ServedResource {
  readonly group: string;
  readonly version: string;
  readonly resource: string;
  readonly kind: string;
  readonly namespaced: boolean;
  /** e.g. ["status", "scale", "log", "exec"] */
  readonly subresources: readonly string[];
}

export const apiVersionOf = (r: { group: string; version: string }) => (r.group === '' ? r.version : `${r.group}/${r.version}`);

/** Field errors as the validation layer reports them, already rendered in upstream wording. */
export interface FieldProblem {
  readonly field: string;
  /** Kubernetes CauseType, e.g. "FieldValueInvalid". */
  readonly reason: string;
  /** Cause message without the field, e.g. "Invalid value: 0: must be between 1 and 65535, inclusive". */
  readonly message: string;
  /** Full text, e.g. "spec.ports[0].port: Invalid value: 0: must be between 1 and 65535, inclusive". */
  readonly text: string;
}
