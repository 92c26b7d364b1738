// OPEN message (RFC 4271 §4.2) with optional parameters (RFC 5492 capabilities; the
// RFC 9072 extended-length form is accepted on input). Checks from RFC 4271 §6.2 that
// need no configuration happen here; the peer-AS match against configuration is the
// session's job (it knows what it expects).
//
// Worked example, gobgpd 3.10's OPEN (59 octets): 16 x ff, 003b, 01 | 04 | fc00 (AS 64512)
// | 005a (hold 90) | c0000201 (id 192.0.2.1) | 1e (30 octets of parameters) | 02 1c (one
// capabilities parameter, 28 octets): 02 00 route-refresh; 49 04 0276 6d00 FQDN "vm";
// 01 04 0001 0001 IPv4 unicast; 41 04 0000fc00 4-octet AS 64512; 05 06 0001 0001 0002
// extended next hop.
import { ok } from '../../core/result.js';
import type { IPv4 } from '../../core/ip.js';
import { AS_TRANS, BGP_VERSION, HEADER_LENGTH, MessageType, OPT_PARAM_CAPABILITIES, OPT_PARAM_EXTENDED } from './constants.js';
import { capabilityValueLength, parseCapabilities, writeCapability, type Capability } from './capabilities.js';
import { put16, put32, u16, u32, writeHeader } from './header-bytes.js';
import { ErrorCode, OpenSubcode, wireError, type WireError, type WireResult } from './notification.js';

export interface OpenMessage {
  readonly type: 'open';
  readonly version: number;
  /** The 2-octet My AS field as sent (AS_TRANS when the real AS needs 4 octets). */
  readonly myAs: number;
  readonly holdTime: number;
  readonly bgpId: IPv4;
  /** All capabilities in order, from every Capabilities parameter. */
  readonly capabilities: readonly Capability[];
}

/** Builds an OPEN the way this speaker sends it: AS_TRANS in My AS when the AS needs 4 octets. */
export function makeOpen(asn: number, holdTime: number, bgpId: IPv4, capabilities: readonly Capability[]): OpenMessage {
  return { type: 'open', version: BGP_VERSION, myAs: asn > 0xffff ? AS_TRANS : asn, holdTime, bgpId, capabilities };
}

/** The peer's real AS: the 4-octet AS capability when present (RFC 6793 §4.1), else My AS. */
export function openAs(m: OpenMessage): number {
  for (const c of m.capabilities) if (c.kind === 'four-octet-as') return c.asn;
  return m.myAs;
}

export function hasCapability(m: OpenMessage, kind: Capability['kind']): boolean {
  return m.capabilities.some((c) => c.kind === kind);
}

/** Parses the body (octets after the header) of an OPEN. */
export function parseOpenBody(body: Uint8Array): WireResult<OpenMessage> {
  const version = body[0] ?? 0;
  if (version !== BGP_VERSION) {
    // Data: the largest version we support that is below the bid, else our smallest: always 4.
    return wireError(ErrorCode.OPEN_MESSAGE, OpenSubcode.UNSUPPORTED_VERSION, Uint8Array.of(0, BGP_VERSION), `unsupported BGP version ${version}`);
  }
  const myAs = u16(body, 1);
  const holdTime = u16(body, 3);
  const bgpId = u32(body, 5) as IPv4;
  const optLen = body[9] ?? 0;
  if (myAs === 0) return wireError(ErrorCode.OPEN_MESSAGE, OpenSubcode.BAD_PEER_AS, new Uint8Array(0), 'My AS is 0 (RFC 7607)');
  if (holdTime === 1 || holdTime === 2) {
    return wireError(ErrorCode.OPEN_MESSAGE, OpenSubcode.UNACCEPTABLE_HOLD_TIME, new Uint8Array(0), `hold time ${holdTime} s (must be 0 or >= 3)`);
  }
  // RFC 6286: any non-zero 4-octet value is a valid identifier.
  if (bgpId === 0) return wireError(ErrorCode.OPEN_MESSAGE, OpenSubcode.BAD_BGP_IDENTIFIER, new Uint8Array(0), 'BGP identifier is 0');
  const params = body.subarray(10);
  const caps: Capability[] = [];
  const extended = optLen > 0 && params[0] === OPT_PARAM_EXTENDED;
  if (extended) {
    const extLen = u16(params, 1);
    if (params.length !== 3 + extLen) return malformed(`extended optional parameters length ${extLen} does not match the message (${params.length - 3} octets)`);
    const r = parseParams(params.subarray(3), 3, caps);
    if (!r.ok) return r;
  } else {
    if (params.length !== optLen) return malformed(`optional parameters length ${optLen} does not match the message (${params.length} octets)`);
    const r = parseParams(params, 2, caps);
    if (!r.ok) return r;
  }
  return ok({ type: 'open', version, myAs, holdTime, bgpId, capabilities: caps });
}

/** `headerLen` is 2 (type + 1-octet length) or 3 (RFC 9072: type + 2-octet length). */
function parseParams(b: Uint8Array, headerLen: 2 | 3, caps: Capability[]): WireResult<void> {
  let o = 0;
  while (o < b.length) {
    if (o + headerLen > b.length) return malformed('optional parameter header truncated');
    const type = b[o] ?? 0;
    const len = headerLen === 2 ? (b[o + 1] ?? 0) : u16(b, o + 1);
    const v = b.subarray(o + headerLen, o + headerLen + len);
    if (v.length !== len) return malformed(`optional parameter ${type} length ${len} overruns the parameters`);
    o += headerLen + len;
    if (type !== OPT_PARAM_CAPABILITIES) {
      return wireError(ErrorCode.OPEN_MESSAGE, OpenSubcode.UNSUPPORTED_OPTIONAL_PARAMETER, new Uint8Array(0), `unsupported optional parameter type ${type}`);
    }
    const r = parseCapabilities(v, caps);
    if (!r.ok) return r;
  }
  return ok(undefined);
}

function malformed(reason: string): { readonly ok: false; readonly error: WireError } {
  return wireError(ErrorCode.OPEN_MESSAGE, OpenSubcode.UNSPECIFIC, new Uint8Array(0), reason);
}

/**
 * Emits the capabilities in as few Capabilities parameters as fit 255 octets each (one for
 * what we send, as gobgp does). Should the parameters exceed 255 octets in total, the RFC
 * 9072 extended encoding is used; a single capability value over 255 octets cannot be
 * encoded at all and is a programming error.
 */
export function emitOpen(m: OpenMessage): Uint8Array {
  const params: Capability[][] = [];
  let cur: Capability[] = [];
  let curLen = 0;
  for (const c of m.capabilities) {
    const n = 2 + capabilityValueLength(c);
    if (n > 255) throw new Error(`capability ${c.kind} too long (${n} octets)`);
    if (curLen + n > 255) {
      params.push(cur);
      cur = [];
      curLen = 0;
    }
    cur.push(c);
    curLen += n;
  }
  if (cur.length > 0) params.push(cur);
  const paramLen = (p: Capability[]) => p.reduce((n, c) => n + 2 + capabilityValueLength(c), 0);
  let optLen = params.reduce((n, p) => n + 2 + paramLen(p), 0);
  const extended = optLen > 255;
  if (extended) optLen = 3 + params.reduce((n, p) => n + 3 + paramLen(p), 0);
  const len = HEADER_LENGTH + 10 + optLen;
  const out = new Uint8Array(len);
  writeHeader(out, len, MessageType.OPEN);
  let o = HEADER_LENGTH;
  out[o] = m.version;
  put16(out, o + 1, m.myAs);
  put16(out, o + 3, m.holdTime);
  put32(out, o + 5, m.bgpId);
  out[o + 9] = extended ? 255 : optLen;
  o += 10;
  if (extended) {
    out[o] = OPT_PARAM_EXTENDED;
    put16(out, o + 1, optLen - 3);
    o += 3;
  }
  for (const p of params) {
    out[o] = OPT_PARAM_CAPABILITIES;
    if (extended) put16(out, o + 1, paramLen(p));
    else out[o + 1] = paramLen(p);
    o += extended ? 3 : 2;
    for (const c of p) o = writeCapability(out, o, c);
  }
  return out;
}
