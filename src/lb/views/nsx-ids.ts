// Deterministic NSX-looking identifiers: UUIDs are name-based (RFC 4122 version 5 layout
// over SHA-1 of a fixed namespace + the name), so views are stable across restarts.
import { createHash } from 'node:crypto';

const NAMESPACE = 'svcnet.nsx-edge/';

export function nameUuid(name: string): string {
  const h = createHash('sha1').update(NAMESPACE + name).digest();
  h[6] = (h[6]! & 0x0f) | 0x50;
  h[8] = (h[8]! & 0x3f) | 0x80;
  const x = h.subarray(0, 16).toString('hex');
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20, 32)}`;
}

/** NSX's CLI shows names cut to 31 characters. */
export const cliName = (s: string): string => s.slice(0, 31);

export function formatMacColon(mac: number): string {
  const out: string[] = [];
  for (let i = 5; i >= 0; i--) out.push((Math.floor(mac / 2 ** (8 * i)) % 256).toString(16).padStart(2, '0'));
  return out.join(':');
}

/** The EUI-64 link-local address of a MAC (U/L bit flipped), in compressed form. */
export function linkLocal(mac: number): string {
  const b: number[] = [];
  for (let i = 5; i >= 0; i--) b.push(Math.floor(mac / 2 ** (8 * i)) % 256);
  const w = [((b[0]! ^ 0x02) << 8) | b[1]!, (b[2]! << 8) | 0xff, 0xfe00 | b[3]!, (b[4]! << 8) | b[5]!];
  return `fe80::${w.map((x) => x.toString(16)).join(':').replace(/^0:/, '')}/64`;
}

/** A stable unique-local /64 for a router link, derived from its name. */
export function ulaFor(name: string, host: number): string {
  const h = createHash('sha1').update(NAMESPACE + 'ula/' + name).digest();
  const w = [0xfc00 | h[0]!, (h[1]! << 8) | h[2]!, (h[3]! << 8) | h[4]!, (h[5]! << 8) | h[6]!];
  return `${w.map((x) => x.toString(16)).join(':')}::${host.toString(16)}/64`;
}
