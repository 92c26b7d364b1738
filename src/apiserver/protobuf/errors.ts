import { WireError, type WireErrorCode } from './wire-reader.js';

export type ProtobufError =
  | {
      readonly code: 'unknown-kind';
      readonly message: string;
      readonly apiVersion: string;
      readonly kind: string;
      readonly supported: readonly string[];
    }
  | {
      readonly code: Exclude<WireErrorCode, 'unknown-kind'> | 'internal';
      readonly message: string;
      /** Byte offset into the buffer being decoded (the envelope or the nested raw object). */
      readonly offset?: number;
      /** JSON path of the field involved, e.g. 'spec.ports[0].targetPort'. */
      readonly path?: string;
    };

/** Converts anything thrown inside a decoder/encoder into a ProtobufError. */
export function toProtobufError(e: unknown): ProtobufError {
  if (e instanceof WireError && e.code !== 'unknown-kind') {
    return {
      code: e.code,
      message: e.message,
      ...(e.offset !== undefined ? { offset: e.offset } : {}),
      ...(e.path !== undefined ? { path: e.path } : {}),
    };
  }
  // Not expected for any input; reported rather than thrown so callers never see an exception.
  const message = e instanceof Error ? e.message : String(e);
  return { code: 'internal', message: `internal error: ${message}` };
}
