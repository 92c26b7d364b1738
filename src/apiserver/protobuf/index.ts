export {
  decodeKubernetesProtobuf,
  PROTOBUF_CONTENT_TYPE,
  PROTOBUF_MAGIC,
  type DecodeResult,
} from './decode-kubernetes-protobuf.js';
export { encodeKubernetesProtobuf, type EncodeResult } from './encode-kubernetes-protobuf.js';
export type { DecodeOptions } from './decode-message.js';
export type { ProtobufError } from './errors.js';
export type { JsonObject, JsonValue } from './json.js';
export { kubernetesSchema, supportedKinds } from './schema.js';
export type { FieldSpec, MessageSpec, Schema } from './schema-types.js';
