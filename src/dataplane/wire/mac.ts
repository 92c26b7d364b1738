// MAC addresses as 48-bit integers (the FlowKey representation) and their text form.
import { err, ok, type Result } from '../../core/result.js';

export const MAC_BROADCAST = 0xffffffffffff;

/** Parses "aa:bb:cc:dd:ee:ff" (or with '-'), case-insensitive. */
export function parseMac(s: string): Result<number> {
  const m = /^([0-9a-fA-F]{2})[:-]([0-9a-fA-F]{2})[:-]([0-9a-fA-F]{2})[:-]([0-9a-fA-F]{2})[:-]([0-9a-fA-F]{2})[:-]([0-9a-fA-F]{2})$/.exec(s);
  if (m === null) return err(`"${s}" is not a valid MAC address`);
  let n = 0;
  for (let i = 1; i <= 6; i++) n = n * 256 + parseInt(m[i]!, 16);
  return ok(n);
}

export function formatMac(mac: number): string {
  const parts: string[] = [];
  let n = mac;
  for (let i = 0; i < 6; i++) {
    parts.unshift((n % 256).toString(16).padStart(2, '0'));
    n = Math.floor(n / 256);
  }
  return parts.join(':');
}

/** Group bit (least significant bit of the first octet): broadcast and multicast. */
export function isMulticastMac(mac: number): boolean {
  return Math.floor(mac / 0x10000000000) % 2 === 1;
}
