// Text <-> value helpers shared by the parsers and printers. They follow the printf
// formats OVS uses, including C's quirk that "%#x" prints 0 as "0", not "0x0".
import { formatIPv4, parseIPv4, type IPv4 } from '../../core/ip.js';
import { CT_DNAT, CT_EST, CT_INV, CT_NEW, CT_REL, CT_RPL, CT_SNAT, CT_TRK } from '../flow-key.js';
import type { FieldFormat } from './fields.js';
import { formatPort, parsePort, type PortMap } from './port-map.js';

/** Parses a non-negative integer: decimal or 0x-hex, as strtoull(..., 0) without octal. */
export function parseUint(s: string): bigint | undefined {
  if (/^0[xX][0-9a-fA-F]+$/.test(s)) return BigInt(s);
  if (/^\d+$/.test(s)) return BigInt(s);
  return undefined;
}

export function parseUintN(s: string, bits: number): number | undefined {
  const v = parseUint(s);
  if (v === undefined || v >= 1n << BigInt(bits)) return undefined;
  return Number(v);
}

/** printf("%#x"): "0" for zero, "0x.." otherwise. */
export function hexAlt(v: number | bigint): string {
  const b = typeof v === 'bigint' ? v : BigInt(v >>> 0);
  return b === 0n ? '0' : `0x${b.toString(16)}`;
}

export function formatMac(mac: number): string {
  const hex = mac.toString(16).padStart(12, '0');
  return hex.replace(/(..)(?!$)/g, '$1:');
}

export function parseMac(s: string): number | undefined {
  if (!/^[0-9a-fA-F]{1,2}(:[0-9a-fA-F]{1,2}){5}$/.test(s)) return undefined;
  return s.split(':').reduce((acc, b) => acc * 256 + parseInt(b, 16), 0);
}

export function isCidrMask(mask: number): boolean {
  const inv = ~mask >>> 0;
  return (inv & (inv + 1)) === 0;
}

export function cidrBits(mask: number): number {
  let n = 0;
  for (let m = mask >>> 0; m !== 0; m = (m << 1) >>> 0) n++;
  return n;
}

/** ip_format_masked. */
export function formatIPMasked(ip: number, mask: number): string {
  const base = formatIPv4((ip >>> 0) as IPv4);
  const m = mask >>> 0;
  if (m === 0xffffffff) return base;
  return isCidrMask(m) ? `${base}/${cidrBits(m)}` : `${base}/${formatIPv4(m as IPv4)}`;
}

/** `a.b.c.d`, `a.b.c.d/len` or `a.b.c.d/m.m.m.m`. */
export function parseIPMasked(s: string): { value: number; mask: number } | undefined {
  const slash = s.indexOf('/');
  const a = parseIPv4(slash === -1 ? s : s.slice(0, slash));
  if (!a.ok) return undefined;
  if (slash === -1) return { value: a.value, mask: 0xffffffff };
  const rest = s.slice(slash + 1);
  let mask: number;
  if (/^\d+$/.test(rest)) {
    const len = Number(rest);
    if (len > 32) return undefined;
    mask = len === 0 ? 0 : (0xffffffff << (32 - len)) >>> 0;
  } else {
    const m = parseIPv4(rest);
    if (!m.ok) return undefined;
    mask = m.value;
  }
  return { value: (a.value & mask) >>> 0, mask };
}

export function parseIP(s: string): number | undefined {
  const a = parseIPv4(s);
  return a.ok ? a.value : undefined;
}

export function formatIP(ip: number): string {
  return formatIPv4((ip >>> 0) as IPv4);
}

const CT_NAMES: ReadonlyArray<readonly [number, string]> = [
  [CT_NEW, 'new'],
  [CT_EST, 'est'],
  [CT_REL, 'rel'],
  [CT_RPL, 'rpl'],
  [CT_INV, 'inv'],
  [CT_TRK, 'trk'],
  [CT_SNAT, 'snat'],
  [CT_DNAT, 'dnat'],
];
const TCP_NAMES: ReadonlyArray<readonly [number, string]> = [
  [0x001, 'fin'],
  [0x002, 'syn'],
  [0x004, 'rst'],
  [0x008, 'psh'],
  [0x010, 'ack'],
  [0x020, 'urg'],
  [0x040, 'ece'],
  [0x080, 'cwr'],
  [0x100, 'ns'],
  [0x200, '[200]'],
  [0x400, '[400]'],
  [0x800, '[800]'],
];

export type FlagSet = 'ct_state' | 'tcp_flags';
const flagNames = (set: FlagSet) => (set === 'ct_state' ? CT_NAMES : TCP_NAMES);
const flagName = (set: FlagSet, bit: number) => flagNames(set).find(([b]) => b === bit)?.[1];

/** format_flags: names joined by `del`, "0" when empty, unknown bits as hex. */
export function formatFlags(set: FlagSet, flags: number, del: string): string {
  if (flags === 0) return '0';
  const out: string[] = [];
  let bad = 0;
  for (let f = flags >>> 0; f !== 0; f &= f - 1) {
    const bit = f & -f;
    const n = flagName(set, bit >>> 0);
    if (n !== undefined) out.push(n);
    else bad |= bit;
  }
  if (bad) out.push(`0x${(bad >>> 0).toString(16)}`);
  return out.join(del);
}

/** format_flags_masked: "+a-b" form, or format_flags when the mask is full. */
export function formatFlagsMasked(set: FlagSet, flags: number, mask: number, maxMask: number): string {
  if ((mask >>> 0) === (maxMask >>> 0)) return formatFlags(set, flags, '|');
  if (mask === 0) return '0/0';
  let s = '';
  for (let m = mask >>> 0; m !== 0; m &= m - 1) {
    const bit = (m & -m) >>> 0;
    s += `${flags & bit ? '+' : '-'}${flagName(set, bit) ?? '[Unknown]'}`;
  }
  return s;
}

/** Parses `+new+trk`, `-trk`, `new|trk`, `0x21`, `0x21/0x21`. */
export function parseFlags(set: FlagSet, s: string, fullMask: number): { value: number; mask: number } | undefined {
  if (s.startsWith('+') || s.startsWith('-')) {
    let value = 0;
    let mask = 0;
    const re = /([+-])([a-z\[\]0-9]+)/gy;
    let pos = 0;
    for (let m = re.exec(s); m !== null; m = re.exec(s)) {
      const bit = flagNames(set).find(([, n]) => n === m?.[2])?.[0];
      if (bit === undefined || mask & bit) return undefined;
      mask |= bit;
      if (m[1] === '+') value |= bit;
      pos = re.lastIndex;
    }
    return pos === s.length ? { value, mask } : undefined;
  }
  const slash = s.indexOf('/');
  const vs = slash === -1 ? s : s.slice(0, slash);
  let value: number | undefined;
  if (/^[a-z\[\]0-9|]+$/.test(vs) && !/^\d+$/.test(vs) && !vs.startsWith('0x')) {
    value = 0;
    for (const part of vs.split('|')) {
      const bit = flagNames(set).find(([, n]) => n === part)?.[0];
      if (bit === undefined) return undefined;
      value |= bit;
    }
  } else {
    value = parseUintN(vs, 32);
  }
  if (value === undefined) return undefined;
  const mask = slash === -1 ? fullMask : parseUintN(s.slice(slash + 1), 32);
  if (mask === undefined) return undefined;
  return { value: value & mask, mask };
}

/** mf_format for an unmasked value of the given format (ds_put_hex for hex fields). */
export function formatFieldValue(format: FieldFormat, v: bigint, ports?: PortMap): string {
  switch (format) {
    case 'dec':
      return v.toString();
    case 'hex':
      return hexAlt(v);
    case 'ipv4':
      return formatIP(Number(v));
    case 'eth':
      return formatMac(Number(v));
    case 'port':
      return formatPort(Number(v), ports);
    case 'ct_state':
      return formatFlags('ct_state', Number(v), '|');
    case 'tcp_flags':
      return formatFlags('tcp_flags', Number(v), '|');
  }
}

/** mf_format with a mask (`value/mask`, mask in hex for integer fields). */
export function formatFieldValueMasked(format: FieldFormat, bits: number, v: bigint, mask: bigint | undefined, ports?: PortMap): string {
  const full = (1n << BigInt(bits)) - 1n;
  if (mask === undefined || mask === full) return formatFieldValue(format, v, ports);
  if (mask === 0n) return 'ANY';
  switch (format) {
    case 'ipv4':
      return formatIPMasked(Number(v), Number(mask));
    case 'eth':
      return `${formatMac(Number(v))}/${formatMac(Number(mask))}`;
    case 'ct_state':
      return formatFlagsMasked('ct_state', Number(v), Number(mask), 0xffff);
    case 'tcp_flags':
      return formatFlagsMasked('tcp_flags', Number(v), Number(mask), 0xfff);
    default:
      return `${format === 'dec' ? v.toString() : hexAlt(v)}/${hexAlt(mask)}`;
  }
}

/** mf_parse: `value[/mask]` in the field's format. */
export function parseFieldValue(
  format: FieldFormat,
  bits: number,
  s: string,
  ports?: PortMap,
): { value: bigint; mask: bigint } | undefined {
  const full = (1n << BigInt(bits)) - 1n;
  switch (format) {
    case 'ipv4': {
      const r = parseIPMasked(s);
      return r && { value: BigInt(r.value), mask: BigInt(r.mask) };
    }
    case 'eth': {
      const [a, b] = s.split('/');
      const v = parseMac(a ?? '');
      const m = b === undefined ? 0xffffffffffff : parseMac(b);
      if (v === undefined || m === undefined) return undefined;
      return { value: BigInt(v) & BigInt(m), mask: BigInt(m) };
    }
    case 'port': {
      const p = parsePort(s, ports);
      return p === undefined ? undefined : { value: BigInt(p), mask: full };
    }
    case 'ct_state':
    case 'tcp_flags': {
      const r = parseFlags(format, s, Number(full));
      return r && { value: BigInt(r.value >>> 0), mask: BigInt(r.mask >>> 0) };
    }
    default: {
      const slash = s.indexOf('/');
      const v = parseUint(slash === -1 ? s : s.slice(0, slash));
      const m = slash === -1 ? full : parseUint(s.slice(slash + 1));
      if (v === undefined || m === undefined || v > full || m > full) return undefined;
      return { value: v & m, mask: m };
    }
  }
}
