// Values on iptables command lines: numbers, addresses with prefix or dotted mask, port
// ranges, NAT ranges, comma lists, chain names. Errors throw ParseFail, which the
// command parser turns into a Result.
import { parseIPv4 } from '../../core/ip.js';
import { MAX_CHAIN_NAME, type IptAddr, type IptNatRange, type IptPortMatch } from './ipt-types.js';

export class ParseFail extends Error {}
export function fail(msg: string): never {
  throw new ParseFail(msg);
}

export function parseNumber(s: string | undefined, what: string): number {
  if (s === undefined) fail(`${what}: missing value`);
  if (/^0x[0-9a-fA-F]+$/.test(s)) return Number.parseInt(s.slice(2), 16) >>> 0;
  if (/^\d+$/.test(s)) return Number(s);
  return fail(`${what}: bad number "${s}"`);
}

export function parseAddr(s: string | undefined, neg: boolean): IptAddr {
  if (s === undefined) fail('missing address');
  if (s.includes(',')) fail(`address lists are not supported: "${s}"`);
  const [a, m] = s.split('/');
  const ip = parseIPv4(a ?? '');
  if (!ip.ok) fail(`host/network "${s}" not found`);
  let len = 32;
  if (m !== undefined) {
    if (/^\d+$/.test(m) && Number(m) <= 32) len = Number(m);
    else {
      const mask = parseIPv4(m);
      if (!mask.ok) fail(`invalid mask "${m}"`);
      len = prefixOfMask(mask.value);
    }
  }
  const netmask = len === 0 ? 0 : (0xffffffff << (32 - len)) >>> 0;
  return { addr: (ip.value & netmask) >>> 0, len, neg };
}

function prefixOfMask(mask: number): number {
  let n = 0;
  while (n < 32 && (mask & (0x80000000 >>> n)) !== 0) n++;
  const expect = n === 0 ? 0 : (0xffffffff << (32 - n)) >>> 0;
  if (expect !== mask >>> 0) fail('non-contiguous netmask');
  return n;
}

export function parsePortRange(s: string | undefined, neg: boolean): IptPortMatch {
  if (s === undefined) fail('missing port');
  const [lo, hi] = s.split(':');
  const l = lo === '' ? 0 : parseNumber(lo, 'port');
  const h = hi === undefined ? l : hi === '' ? 65535 : parseNumber(hi, 'port');
  if (l > 65535 || h > 65535 || l > h) fail(`invalid port range "${s}"`);
  return { lo: l, hi: h, neg };
}

/** `[addr[-addr]][:port[-port]]` of --to-destination / --to-source. */
export function parseNatRange(s: string | undefined): IptNatRange {
  if (s === undefined) fail('missing NAT range');
  const c = s.indexOf(':');
  const addrs = c < 0 ? s : s.slice(0, c);
  const ports = c < 0 ? undefined : s.slice(c + 1);
  const out: { addrMin?: number; addrMax?: number; portMin?: number; portMax?: number } = {};
  if (addrs !== '') {
    const [a, b] = addrs.split('-');
    const lo = parseIPv4(a ?? '');
    const hi = b === undefined ? lo : parseIPv4(b);
    if (!lo.ok || !hi.ok) fail(`bad IP address "${addrs}"`);
    out.addrMin = lo.value;
    out.addrMax = hi.value;
  }
  if (ports !== undefined) {
    const [a, b] = ports.split('-');
    out.portMin = parseNumber(a, 'port');
    out.portMax = b === undefined ? out.portMin : parseNumber(b, 'port');
  }
  return out;
}

export function parsePorts(s: string | undefined): [number, number] {
  if (s === undefined) fail('missing ports');
  const [a, b] = s.split('-');
  const lo = parseNumber(a, 'port');
  return [lo, b === undefined ? lo : parseNumber(b, 'port')];
}

export function list(s: string | undefined, allowed: Set<string>, what: string): string[] {
  if (s === undefined) fail(`${what}: missing value`);
  const out = s.split(',');
  for (const x of out) if (!allowed.has(x)) fail(`${what}: bad value "${x}"`);
  return out;
}

export function chainName(s: string | undefined): string {
  if (s === undefined || s === '' || s.startsWith('-')) fail('missing chain name');
  if (s.length > MAX_CHAIN_NAME) fail(`chain name "${s}" too long (must be under ${MAX_CHAIN_NAME + 1} chars)`);
  return s;
}
