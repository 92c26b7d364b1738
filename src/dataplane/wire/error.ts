// Parse failures as data. Wire parsers never throw on malformed input: every problem a
// byte buffer can have becomes one of these, naming the layer it was found in.

export type WireLayer = 'ethernet' | 'arp' | 'ipv4' | 'icmp' | 'udp' | 'tcp';

export type WireError =
  /** The buffer is shorter than a header or a length field says. */
  | { readonly kind: 'truncated'; readonly layer: WireLayer; readonly need: number; readonly have: number }
  /** `expected` is what the packet carries, `computed` what its bytes sum to. */
  | { readonly kind: 'bad-checksum'; readonly layer: WireLayer; readonly expected: number; readonly computed: number }
  /** A field holds a value the format forbids (IHL < 5, UDP length < 8, ...). */
  | { readonly kind: 'malformed'; readonly layer: WireLayer; readonly reason: string }
  /** Well-formed but outside what we model (ARP for non-IPv4, ...). */
  | { readonly kind: 'unsupported'; readonly layer: WireLayer; readonly reason: string };

export interface ParseOptions {
  /** Verify header/pseudo-header checksums (default true). */
  readonly verifyChecksum?: boolean;
}

export function truncated(layer: WireLayer, need: number, have: number): { readonly ok: false; readonly error: WireError } {
  return { ok: false, error: { kind: 'truncated', layer, need, have } };
}

export function malformed(layer: WireLayer, reason: string): { readonly ok: false; readonly error: WireError } {
  return { ok: false, error: { kind: 'malformed', layer, reason } };
}

export function badChecksum(layer: WireLayer, expected: number, computed: number): { readonly ok: false; readonly error: WireError } {
  return { ok: false, error: { kind: 'bad-checksum', layer, expected, computed } };
}

export function unsupported(layer: WireLayer, reason: string): { readonly ok: false; readonly error: WireError } {
  return { ok: false, error: { kind: 'unsupported', layer, reason } };
}

export function formatWireError(e: WireError): string {
  switch (e.kind) {
    case 'truncated':
      return `${e.layer}: truncated (need ${e.need} bytes, have ${e.have})`;
    case 'bad-checksum':
      return `${e.layer}: bad checksum 0x${hex16(e.expected)} (computed 0x${hex16(e.computed)})`;
    case 'malformed':
      return `${e.layer}: malformed: ${e.reason}`;
    case 'unsupported':
      return `${e.layer}: unsupported: ${e.reason}`;
  }
}

function hex16(n: number): string {
  return n.toString(16).padStart(4, '0');
}
