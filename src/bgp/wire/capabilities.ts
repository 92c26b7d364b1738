// OPEN capabilities (RFC 5492) that this speaker understands: multiprotocol (RFC 4760, code 1),
// route refresh (RFC 2918, code 2), 4-octet AS (RFC 6793, code 65). Everything else is
// kept as `unknown` with its raw value so it can be logged (gobgp sends 73 FQDN and 5
// extended next hop; FRR about ten more).
import { ok } from '../../core/result.js';
import { CapabilityCode } from './constants.js';
import { put16, put32, u16, u32 } from './header-bytes.js';
import { ErrorCode, OpenSubcode, wireError, type WireError, type WireResult } from './notification.js';

export type Capability =
  | { readonly kind: 'multiprotocol'; readonly afi: number; readonly safi: number }
  | { readonly kind: 'route-refresh' }
  | { readonly kind: 'four-octet-as'; readonly asn: number }
  | { readonly kind: 'unknown'; readonly code: number; readonly value: Uint8Array };

const capabilityNames: Record<number, string> = {
  1: 'multiprotocol',
  2: 'route-refresh',
  3: 'outbound-route-filtering',
  5: 'extended-next-hop',
  6: 'extended-message',
  9: 'bgp-role',
  64: 'graceful-restart',
  65: 'four-octet-as',
  69: 'add-path',
  70: 'enhanced-route-refresh',
  71: 'long-lived-graceful-restart',
  73: 'fqdn',
  75: 'software-version',
  128: 'route-refresh-cisco',
};

export function capabilityName(code: number): string {
  return capabilityNames[code] ?? `capability-${code}`;
}

export function capabilityCode(c: Capability): number {
  switch (c.kind) {
    case 'multiprotocol':
      return CapabilityCode.MULTIPROTOCOL;
    case 'route-refresh':
      return CapabilityCode.ROUTE_REFRESH;
    case 'four-octet-as':
      return CapabilityCode.FOUR_OCTET_AS;
    case 'unknown':
      return c.code;
  }
}

/**
 * Parses the capability list inside one Capabilities optional parameter. A recognized
 * capability with a wrong length is "recognized but malformed": OPEN error, subcode 0
 * (RFC 4271 §6.2).
 */
export function parseCapabilities(b: Uint8Array, out: Capability[]): WireResult<void> {
  let o = 0;
  while (o < b.length) {
    if (o + 2 > b.length) return malformed('capability header truncated');
    const code = b[o] ?? 0;
    const len = b[o + 1] ?? 0;
    const v = b.subarray(o + 2, o + 2 + len);
    if (v.length !== len) return malformed(`capability ${code} length ${len} overruns the parameter`);
    o += 2 + len;
    switch (code) {
      case CapabilityCode.MULTIPROTOCOL:
        if (len !== 4) return malformed(`multiprotocol capability length ${len}, want 4`);
        out.push({ kind: 'multiprotocol', afi: u16(v, 0), safi: v[3] ?? 0 });
        break;
      case CapabilityCode.ROUTE_REFRESH:
        if (len !== 0) return malformed(`route-refresh capability length ${len}, want 0`);
        out.push({ kind: 'route-refresh' });
        break;
      case CapabilityCode.FOUR_OCTET_AS: {
        if (len !== 4) return malformed(`4-octet AS capability length ${len}, want 4`);
        const asn = u32(v, 0);
        if (asn === 0) return wireError(ErrorCode.OPEN_MESSAGE, OpenSubcode.BAD_PEER_AS, new Uint8Array(0), '4-octet AS capability carries AS 0 (RFC 7607)');
        out.push({ kind: 'four-octet-as', asn });
        break;
      }
      default:
        out.push({ kind: 'unknown', code, value: v.slice() });
    }
  }
  return ok(undefined);
}

function malformed(reason: string): { readonly ok: false; readonly error: WireError } {
  return wireError(ErrorCode.OPEN_MESSAGE, OpenSubcode.UNSPECIFIC, new Uint8Array(0), reason);
}

export function capabilityValueLength(c: Capability): number {
  switch (c.kind) {
    case 'multiprotocol':
    case 'four-octet-as':
      return 4;
    case 'route-refresh':
      return 0;
    case 'unknown':
      return c.value.length;
  }
}

/** Writes code, length, value at `o`; returns the next offset. */
export function writeCapability(out: Uint8Array, o: number, c: Capability): number {
  const len = capabilityValueLength(c);
  out[o] = capabilityCode(c);
  out[o + 1] = len;
  const v = o + 2;
  switch (c.kind) {
    case 'multiprotocol':
      put16(out, v, c.afi);
      out[v + 2] = 0;
      out[v + 3] = c.safi;
      break;
    case 'four-octet-as':
      put32(out, v, c.asn);
      break;
    case 'route-refresh':
      break;
    case 'unknown':
      out.set(c.value, v);
      break;
  }
  return v + len;
}
