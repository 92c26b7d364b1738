// Patch engines for the API server: pure functions from JSON values to JSON values.
export type { Json, JsonObject } from './json.js';
export { PatchError, type PatchErrorCause, type PatchErrorReason } from './patch-error.js';
export { parsePointer, formatPointer } from './json-pointer.js';
export { applyJsonPatch, DEFAULT_MAX_JSON_PATCH_OPERATIONS, type JsonPatchOptions } from './json-patch.js';
export { jsonMergePatch, mergePatchObject } from './merge-patch.js';
export { strategicMergePatch, type StrategicMergePatchOptions } from './strategic-merge-patch.js';
export {
  schemaFor,
  isKnownKind,
  type SchemaNode,
  type MapSchema,
  type ListSchema,
  type SmpListStrategy,
  type SsaListType,
} from './patch-schema.js';
export { FieldSet, pathString, type FieldPath, type PathElement } from './field-set.js';
export {
  recordUpdate,
  decodeManagedFields,
  encodeManagedFields,
  type RecordUpdateOptions,
  type IgnoredFields,
  type Manager,
  type ManagedFieldsOperation,
} from './managed-fields.js';
export {
  serverSideApply,
  parseApplyBody,
  applyConflictError,
  BEFORE_FIRST_APPLY,
  type ApplyOptions,
  type ApplyOutcome,
  type ApplyConflict,
} from './server-side-apply.js';
