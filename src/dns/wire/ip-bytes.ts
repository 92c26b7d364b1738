// Address text to wire bytes, through core's strict parsers.
import { parseIPv6 } from '../../core/index.js';

export function ipv6Bytes(text: string): Uint8Array {
  const r = parseIPv6(text);
  if (!r.ok) throw new Error(r.error);
  const out = new Uint8Array(16);
  let v: bigint = r.value;
  for (let i = 15; i >= 0; i--) {
    out[i] = Number(v & 0xffn);
    v >>= 8n;
  }
  return out;
}
