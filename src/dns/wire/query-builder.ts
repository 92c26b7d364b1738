// Builds a standard query (RD set), optionally with an EDNS OPT record.
import { splitName, labelBytes, MAX_LABEL, MAX_NAME_WIRE } from './names.js';
import { QClass, QType } from './constants.js';

export function buildQuery(id: number, name: string, qtype: number, opts: { readonly ednsUdpSize?: number; readonly do?: boolean } = {}): Buffer {
  const bytes: number[] = [(id >>> 8) & 0xff, id & 0xff, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, opts.ednsUdpSize !== undefined ? 1 : 0];
  let total = 1;
  for (const label of splitName(name)) {
    const b = labelBytes(label);
    if (b.length === 0 || b.length > MAX_LABEL) throw new Error(`bad label in "${name}"`);
    total += b.length + 1;
    if (total > MAX_NAME_WIRE) throw new Error(`name too long: "${name}"`);
    bytes.push(b.length, ...b);
  }
  bytes.push(0, (qtype >>> 8) & 0xff, qtype & 0xff, 0, QClass.IN);
  if (opts.ednsUdpSize !== undefined) {
    const s = opts.ednsUdpSize;
    bytes.push(0, 0, QType.OPT, (s >>> 8) & 0xff, s & 0xff, 0, 0, opts.do === true ? 0x80 : 0, 0, 0, 0);
  }
  return Buffer.from(bytes);
}
