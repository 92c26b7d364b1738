// kube-proxy's chain names, derived from the service port so that they are stable across
// restarts and never collide: iptables truncates a hash (chain names are limited to 28
// characters), nftables keeps the readable name behind a short hash.
import { createHash } from 'node:crypto';
import type { EndpointInfo, ServicePortInfo } from '../model/types.js';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** RFC 4648 base32 (uppercase), without padding. */
export function base32(bytes: Uint8Array): string {
  let out = '';
  let acc = 0;
  let bits = 0;
  for (const b of bytes) {
    acc = ((acc << 8) | b) & 0xffff;
    bits += 8;
    while (bits >= 5) {
      out += ALPHABET[(acc >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += ALPHABET[(acc << (5 - bits)) & 31];
  return out;
}

// Names are re-derived on every full render (tens of thousands of sha256 per sync at
// scale), so the 16-character base32 of each name is memoized; a bounded cache keeps a
// long-running proxy's memory flat (cleared wholesale when full).
const MEMO_MAX = 1 << 20;
const memo = new Map<string, string>();

function hash(s: string, n: number): string {
  let h = memo.get(s);
  if (h === undefined) {
    h = base32(createHash('sha256').update(s).digest()).slice(0, 16);
    if (memo.size >= MEMO_MAX) memo.clear();
    memo.set(s, h);
  }
  return n === 16 ? h : h.slice(0, n);
}

/** kube-proxy's ServicePortName.String(): "ns/name" plus ":portName" when named. */
export function kubeServicePortName(p: ServicePortInfo): string {
  return p.portName === '' ? `${p.namespace}/${p.serviceName}` : `${p.namespace}/${p.serviceName}:${p.portName}`;
}

const proto = (p: ServicePortInfo) => p.protocol.toLowerCase();

/** The 16-character hash shared by KUBE-SVC/SVL/EXT/FW chains of one service port. */
export function servicePortHash(p: ServicePortInfo): string {
  return hash(kubeServicePortName(p) + proto(p), 16);
}

export const svcChain = (p: ServicePortInfo) => `KUBE-SVC-${servicePortHash(p)}`;
export const svlChain = (p: ServicePortInfo) => `KUBE-SVL-${servicePortHash(p)}`;
export const extChain = (p: ServicePortInfo) => `KUBE-EXT-${servicePortHash(p)}`;
export const fwChain = (p: ServicePortInfo) => `KUBE-FW-${servicePortHash(p)}`;

export function sepChain(p: ServicePortInfo, e: Pick<EndpointInfo, 'ip' | 'port'>): string {
  return `KUBE-SEP-${hash(kubeServicePortName(p) + proto(p) + `${e.ip}:${e.port}`, 16)}`;
}

/** nftables: "ns/svc/tcp/portName". */
export function nftServicePortBase(p: ServicePortInfo): string {
  return `${p.namespace}/${p.serviceName}/${proto(p)}/${p.portName}`;
}

/** nftables: "ns/svc/tcp/portName__IP/port". */
export function nftEndpointBase(p: ServicePortInfo, e: Pick<EndpointInfo, 'ip' | 'port'>): string {
  return `${nftServicePortBase(p)}__${e.ip}/${e.port}`;
}

/** prefix + "-" + first 8 of base32(sha256(name)) + "-" + name. */
export function nftHashedName(prefix: string, name: string): string {
  return `${prefix}-${hash(name, 8)}-${name}`;
}
