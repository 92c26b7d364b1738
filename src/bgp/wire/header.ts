// The 19-octet message header (RFC 4271 §4.1) and its checks (§6.1), in the RFC's order:
// marker, then length range, then type, then the type's own length bounds.
import { ok } from '../../core/result.js';
import { HEADER_LENGTH, MARKER_LENGTH, MAX_MESSAGE_LENGTH, MessageType, MIN_LENGTH } from './constants.js';
import { u16 } from './header-bytes.js';
import { ErrorCode, HeaderSubcode, wireError, type WireResult } from './notification.js';

export interface Header {
  readonly length: number;
  readonly type: number;
}

/** Checks the first 19 octets of `b` (which must hold at least that many). */
export function parseHeader(b: Uint8Array): WireResult<Header> {
  if (b.length < HEADER_LENGTH) {
    return wireError(ErrorCode.MESSAGE_HEADER, HeaderSubcode.BAD_MESSAGE_LENGTH, lengthField(b), `header needs ${HEADER_LENGTH} octets, got ${b.length}`);
  }
  for (let i = 0; i < MARKER_LENGTH; i++) {
    if (b[i] !== 0xff) return wireError(ErrorCode.MESSAGE_HEADER, HeaderSubcode.CONNECTION_NOT_SYNCHRONIZED, new Uint8Array(0), 'marker is not all ones');
  }
  const length = u16(b, MARKER_LENGTH);
  const type = b[MARKER_LENGTH + 2] ?? 0;
  if (length < HEADER_LENGTH || length > MAX_MESSAGE_LENGTH) {
    return wireError(ErrorCode.MESSAGE_HEADER, HeaderSubcode.BAD_MESSAGE_LENGTH, b.slice(MARKER_LENGTH, MARKER_LENGTH + 2), `length ${length} outside ${HEADER_LENGTH}..${MAX_MESSAGE_LENGTH}`);
  }
  const min = MIN_LENGTH[type];
  if (min === undefined) return wireError(ErrorCode.MESSAGE_HEADER, HeaderSubcode.BAD_MESSAGE_TYPE, Uint8Array.of(type), `unknown message type ${type}`);
  const exact = type === MessageType.KEEPALIVE || type === MessageType.ROUTE_REFRESH;
  // ROUTE-REFRESH length errors get their own code (RFC 7313 §5) and are reported by its parser.
  if (type !== MessageType.ROUTE_REFRESH && (length < min || (exact && length !== min))) {
    return wireError(ErrorCode.MESSAGE_HEADER, HeaderSubcode.BAD_MESSAGE_LENGTH, b.slice(MARKER_LENGTH, MARKER_LENGTH + 2), `length ${length} invalid for message type ${type}`);
  }
  return ok({ length, type });
}

function lengthField(b: Uint8Array): Uint8Array {
  const out = new Uint8Array(2);
  out.set(b.subarray(MARKER_LENGTH, MARKER_LENGTH + 2));
  return out;
}
