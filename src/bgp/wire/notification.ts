// NOTIFICATION message (RFC 4271 §4.5) plus the error codes and subcodes of RFC 4271 §4.5,
// RFC 4486 (Cease), RFC 5492 (Unsupported Capability), RFC 6608 (FSM), RFC 7313 (ROUTE-REFRESH).
// A parse failure anywhere in wire/ is a WireError: exactly the NOTIFICATION that RFC 4271 §6
// says to send, plus a human reason for the log.
import { err, ok, type Result } from '../../core/result.js';
import { HEADER_LENGTH, MessageType } from './constants.js';
import { writeHeader } from './header-bytes.js';

export const ErrorCode = {
  MESSAGE_HEADER: 1,
  OPEN_MESSAGE: 2,
  UPDATE_MESSAGE: 3,
  HOLD_TIMER_EXPIRED: 4,
  FSM: 5,
  CEASE: 6,
  ROUTE_REFRESH: 7,
} as const;

export const HeaderSubcode = { CONNECTION_NOT_SYNCHRONIZED: 1, BAD_MESSAGE_LENGTH: 2, BAD_MESSAGE_TYPE: 3 } as const;
export const OpenSubcode = {
  UNSPECIFIC: 0,
  UNSUPPORTED_VERSION: 1,
  BAD_PEER_AS: 2,
  BAD_BGP_IDENTIFIER: 3,
  UNSUPPORTED_OPTIONAL_PARAMETER: 4,
  UNACCEPTABLE_HOLD_TIME: 6,
  UNSUPPORTED_CAPABILITY: 7,
} as const;
export const UpdateSubcode = {
  MALFORMED_ATTRIBUTE_LIST: 1,
  UNRECOGNIZED_WELL_KNOWN_ATTRIBUTE: 2,
  MISSING_WELL_KNOWN_ATTRIBUTE: 3,
  ATTRIBUTE_FLAGS_ERROR: 4,
  ATTRIBUTE_LENGTH_ERROR: 5,
  INVALID_ORIGIN: 6,
  INVALID_NEXT_HOP: 8,
  OPTIONAL_ATTRIBUTE_ERROR: 9,
  INVALID_NETWORK_FIELD: 10,
  MALFORMED_AS_PATH: 11,
} as const;
export const FsmSubcode = { UNSPECIFIED: 0, UNEXPECTED_IN_OPENSENT: 1, UNEXPECTED_IN_OPENCONFIRM: 2, UNEXPECTED_IN_ESTABLISHED: 3 } as const;
export const CeaseSubcode = {
  MAX_PREFIXES: 1,
  ADMINISTRATIVE_SHUTDOWN: 2,
  PEER_DECONFIGURED: 3,
  ADMINISTRATIVE_RESET: 4,
  CONNECTION_REJECTED: 5,
  OTHER_CONFIGURATION_CHANGE: 6,
  CONNECTION_COLLISION_RESOLUTION: 7,
  OUT_OF_RESOURCES: 8,
  HARD_RESET: 9,
} as const;

const codeNames: Record<number, string> = {
  1: 'Message Header Error',
  2: 'OPEN Message Error',
  3: 'UPDATE Message Error',
  4: 'Hold Timer Expired',
  5: 'Finite State Machine Error',
  6: 'Cease',
  7: 'ROUTE-REFRESH Message Error',
};

const subcodeNames: Record<number, Record<number, string>> = {
  1: { 1: 'Connection Not Synchronized', 2: 'Bad Message Length', 3: 'Bad Message Type' },
  2: {
    0: 'Unspecific',
    1: 'Unsupported Version Number',
    2: 'Bad Peer AS',
    3: 'Bad BGP Identifier',
    4: 'Unsupported Optional Parameter',
    5: 'Authentication Failure (deprecated)',
    6: 'Unacceptable Hold Time',
    7: 'Unsupported Capability',
  },
  3: {
    1: 'Malformed Attribute List',
    2: 'Unrecognized Well-known Attribute',
    3: 'Missing Well-known Attribute',
    4: 'Attribute Flags Error',
    5: 'Attribute Length Error',
    6: 'Invalid ORIGIN Attribute',
    7: 'AS Routing Loop (deprecated)',
    8: 'Invalid NEXT_HOP Attribute',
    9: 'Optional Attribute Error',
    10: 'Invalid Network Field',
    11: 'Malformed AS_PATH',
  },
  5: {
    0: 'Unspecified Error',
    1: 'Receive Unexpected Message in OpenSent State',
    2: 'Receive Unexpected Message in OpenConfirm State',
    3: 'Receive Unexpected Message in Established State',
  },
  6: {
    1: 'Maximum Number of Prefixes Reached',
    2: 'Administrative Shutdown',
    3: 'Peer De-configured',
    4: 'Administrative Reset',
    5: 'Connection Rejected',
    6: 'Other Configuration Change',
    7: 'Connection Collision Resolution',
    8: 'Out of Resources',
    9: 'Hard Reset',
    10: 'BFD Down',
  },
  7: { 1: 'Invalid Message Length' },
};

export interface NotificationMessage {
  readonly type: 'notification';
  readonly code: number;
  readonly subcode: number;
  readonly data: Uint8Array;
}

/** The NOTIFICATION a parser asks the session to send, and why (for logs only). */
export interface WireError {
  readonly code: number;
  readonly subcode: number;
  readonly data: Uint8Array;
  readonly reason: string;
}

export type WireResult<T> = Result<T, WireError>;

export function wireError(code: number, subcode: number, data: Uint8Array, reason: string): { readonly ok: false; readonly error: WireError } {
  return err({ code, subcode, data, reason });
}

/** "Cease / Administrative Shutdown (6/2)". */
export function notificationName(code: number, subcode: number): string {
  const c = codeNames[code] ?? `Unknown error code ${code}`;
  const s = subcodeNames[code]?.[subcode];
  if (s !== undefined) return `${c} / ${s} (${code}/${subcode})`;
  return subcode === 0 ? `${c} (${code}/0)` : `${c} / subcode ${subcode} (${code}/${subcode})`;
}

export function notification(code: number, subcode: number, data: Uint8Array = new Uint8Array(0)): NotificationMessage {
  return { type: 'notification', code, subcode, data };
}

/** Body only (header already checked by the caller). */
export function parseNotificationBody(body: Uint8Array): WireResult<NotificationMessage> {
  // Length >= 21 is guaranteed by the header check, so code and subcode are present.
  return ok({ type: 'notification', code: body[0] ?? 0, subcode: body[1] ?? 0, data: body.slice(2) });
}

export function emitNotification(m: NotificationMessage): Uint8Array {
  const len = HEADER_LENGTH + 2 + m.data.length;
  const out = new Uint8Array(len);
  writeHeader(out, len, MessageType.NOTIFICATION);
  out[HEADER_LENGTH] = m.code;
  out[HEADER_LENGTH + 1] = m.subcode;
  out.set(m.data, HEADER_LENGTH + 2);
  return out;
}

/** RFC 9003 shutdown communication: Cease 6/2 or 6/4 data = length octet + UTF-8 (at most 255 octets). */
export function shutdownCommunication(text: string): Uint8Array {
  let bytes = new TextEncoder().encode(text);
  if (bytes.length > 255) bytes = bytes.slice(0, 255);
  const out = new Uint8Array(1 + bytes.length);
  out[0] = bytes.length;
  out.set(bytes, 1);
  return out;
}
