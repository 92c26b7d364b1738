// Decodes a request body sent with Content-Type application/vnd.kubernetes.protobuf:
//
//   'k' '8' 's' 0x00                        4-byte magic
//   runtime.Unknown {
//     1 typeMeta        TypeMeta{1 apiVersion, 2 kind}
//     2 raw             bytes: the object's own message (e.g. k8s.io.api.core.v1.Service)
//     3 contentEncoding string ('' = none)
//     4 contentType     string ('' = protobuf)
//   }
//
// The object's message has no TypeMeta of its own; apiVersion/kind come from the envelope.

import { decodeMessageBytes, type DecodeContext, type DecodeOptions } from './decode-message.js';
import { toProtobufError, type ProtobufError } from './errors.js';
import type { JsonObject } from './json.js';
import { kubernetesSchema, rootMessageFor, supportedKinds } from './schema.js';
import { WireError, WireReader, WireType } from './wire-reader.js';

export const PROTOBUF_MAGIC: Uint8Array = Uint8Array.of(0x6b, 0x38, 0x73, 0x00);
export const PROTOBUF_CONTENT_TYPE = 'application/vnd.kubernetes.protobuf';

export type DecodeResult =
  | {
      readonly ok: true;
      readonly apiVersion: string;
      readonly kind: string;
      /** The object as kubectl would have sent it in JSON, apiVersion and kind first. */
      readonly object: JsonObject;
      /** Paths of wire fields outside the schema, e.g. 'spec.template.spec.#34' (capped). */
      readonly skipped: readonly string[];
    }
  | { readonly ok: false; readonly error: ProtobufError };

export interface UnknownEnvelope {
  readonly apiVersion: string;
  readonly kind: string;
  readonly rawStart: number;
  readonly rawEnd: number;
  readonly contentEncoding: string;
  readonly contentType: string;
}

/** Never throws: every malformed input yields `{ ok: false, error }`. */
export function decodeKubernetesProtobuf(bytes: Uint8Array, options: DecodeOptions = {}): DecodeResult {
  try {
    const env = readEnvelope(bytes);
    if (env.contentEncoding !== '') {
      throw new WireError('unsupported-encoding', `runtime.Unknown contentEncoding '${env.contentEncoding}' is not supported`);
    }
    if (env.contentType !== '' && env.contentType !== PROTOBUF_CONTENT_TYPE) {
      throw new WireError('unsupported-encoding', `runtime.Unknown contentType '${env.contentType}' is not protobuf`);
    }
    const spec = rootMessageFor(env.apiVersion, env.kind);
    if (spec === undefined) {
      const gvk = `${env.apiVersion || '(no apiVersion)'}/${env.kind || '(no kind)'}`;
      return {
        ok: false,
        error: {
          code: 'unknown-kind',
          message: `unknown kind ${gvk}; supported: ${supportedKinds.join(', ')}`,
          apiVersion: env.apiVersion,
          kind: env.kind,
          supported: supportedKinds,
        },
      };
    }
    const ctx: DecodeContext = { schema: kubernetesSchema, zeroTime: options.zeroTime ?? 'omit', skipped: [] };
    const body = decodeMessageBytes(ctx, spec, bytes, env.rawStart, env.rawEnd, '');
    const object: JsonObject = { kind: env.kind, apiVersion: env.apiVersion, ...body };
    return { ok: true, apiVersion: env.apiVersion, kind: env.kind, object, skipped: ctx.skipped };
  } catch (e) {
    return { ok: false, error: toProtobufError(e) };
  }
}

/** Parses the magic and runtime.Unknown; throws WireError. */
export function readEnvelope(bytes: Uint8Array): UnknownEnvelope {
  if (bytes.length < 4 || PROTOBUF_MAGIC.some((b, i) => bytes[i] !== b)) {
    throw new WireError('missing-magic', "body does not start with the Kubernetes protobuf magic 'k8s\\0'", 0);
  }
  const r = new WireReader(bytes, 4);
  let apiVersion = '';
  let kind = '';
  let rawStart = 0;
  let rawEnd = 0;
  let contentEncoding = '';
  let contentType = '';
  while (!r.done) {
    const no = r.readTag();
    const wt = r.wireType;
    if (no >= 1 && no <= 4 && wt !== WireType.LengthDelimited) {
      throw new WireError('wrong-wire-type', `wire type ${wt} for runtime.Unknown field ${no}`, r.pos);
    }
    if (no === 1) {
      const [s, e] = r.readLengthDelimited();
      const tm = new WireReader(bytes, s, e);
      while (!tm.done) {
        const tno = tm.readTag();
        if ((tno === 1 || tno === 2) && tm.wireType !== WireType.LengthDelimited) {
          throw new WireError('wrong-wire-type', `wire type ${tm.wireType} for runtime.TypeMeta field ${tno}`, tm.pos);
        }
        if (tno === 1) apiVersion = tm.readString();
        else if (tno === 2) kind = tm.readString();
        else tm.skip(tm.wireType);
      }
    } else if (no === 2) [rawStart, rawEnd] = r.readLengthDelimited();
    else if (no === 3) contentEncoding = r.readString();
    else if (no === 4) contentType = r.readString();
    else r.skip(wt);
  }
  return { apiVersion, kind, rawStart, rawEnd, contentEncoding, contentType };
}
