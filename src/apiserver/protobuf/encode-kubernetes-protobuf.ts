// JSON object -> 'k8s\0' + runtime.Unknown, byte for byte what a Go client sends for the
// same object (runtime.Unknown's contentEncoding and contentType are written empty, as Go does).

import { encodeMessageJson, type EncodeContext } from './encode-message.js';
import { PROTOBUF_MAGIC } from './decode-kubernetes-protobuf.js';
import { toProtobufError, type ProtobufError } from './errors.js';
import { isJsonObject } from './json.js';
import { kubernetesSchema, rootMessageFor, supportedKinds } from './schema.js';
import { WireError } from './wire-reader.js';
import { WireWriter } from './wire-writer.js';

export type EncodeResult =
  | {
      readonly ok: true;
      readonly bytes: Uint8Array;
      /** JSON keys that have no field in the schema and were not encoded (capped). */
      readonly dropped: readonly string[];
    }
  | { readonly ok: false; readonly error: ProtobufError };

/** Never throws: invalid objects yield `{ ok: false, error }`. */
export function encodeKubernetesProtobuf(object: unknown): EncodeResult {
  try {
    if (!isJsonObject(object)) throw new WireError('invalid-value', 'object must be a JSON object');
    const { apiVersion, kind } = object;
    if (typeof apiVersion !== 'string' || typeof kind !== 'string') {
      throw new WireError('invalid-value', 'object needs string apiVersion and kind');
    }
    const spec = rootMessageFor(apiVersion, kind);
    if (spec === undefined) {
      return {
        ok: false,
        error: {
          code: 'unknown-kind',
          message: `unknown kind ${apiVersion}/${kind}; supported: ${supportedKinds.join(', ')}`,
          apiVersion,
          kind,
          supported: supportedKinds,
        },
      };
    }
    const ctx: EncodeContext = { schema: kubernetesSchema, dropped: [] };
    const raw = encodeMessageJson(ctx, spec, object, '', new Set(['apiVersion', 'kind']));
    const typeMeta = new WireWriter();
    typeMeta.writeStringField(1, apiVersion);
    typeMeta.writeStringField(2, kind);
    const w = new WireWriter();
    w.writeRaw(PROTOBUF_MAGIC);
    w.writeBytesField(1, typeMeta.finish());
    w.writeBytesField(2, raw);
    w.writeStringField(3, '');
    w.writeStringField(4, '');
    return { ok: true, bytes: w.finish(), dropped: ctx.dropped };
  } catch (e) {
    return { ok: false, error: toProtobufError(e) };
  }
}
