// Runtime OpenAPI schemas of the kinds svcnet serves, and what is derived from them:
// unknown-field detection, strategic-merge-patch metadata, server-side-apply list semantics.
export type { GroupVersionKind, ListType, OpenApiSchema, PatchStrategy, SchemaTable } from './openapi-types.js';
export { gvkKey } from './openapi-types.js';
export { componentSchemas, knownGroupVersionKinds, referencedComponents, refTarget, resolveSchema, schemaFor } from './catalog.js';
export type { NamedSchema } from './catalog.js';
export { REF_PREFIX } from './schema-builders.js';
export { SHARED_KIND_GROUP_VERSIONS } from './defs-meta.js';
export { fieldAt, splitPath } from './field-path.js';
export type { FieldLocation, FieldLookupError } from './field-path.js';
export { listTypeFor, mapTypeFor, patchMetaFor } from './patch-meta.js';
export type { ListLookupError, ListSemantics, PatchMeta, ValueShape } from './patch-meta.js';
export {
  findUnknownFields, findUnknownFieldsIn, MAX_UNKNOWN_FIELDS, strictDecodingError, strictDecodingMessage, unknownFieldMessage,
} from './unknown-fields.js';
