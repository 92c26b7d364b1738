// A whole frame parsed once at the edge: Ethernet header, then ARP, IPv4 (with its
// transport) or an opaque payload for EtherTypes we do not model (IPv6 included), so
// an unknown EtherType never fails the Ethernet parse.
//
// Invariants: payload/data fields alias the parsed buffer (zero-copy; do not mutate the
// buffer while the frame is in use). Reprs are mutable so the pipeline can rewrite
// fields in place; emitFrame recomputes every length and checksum.
import { ok, type Result } from '../../core/result.js';
import { ETH_TYPE_ARP, ETH_TYPE_IPV4, IP_PROTO_ICMP, IP_PROTO_TCP, IP_PROTO_UDP } from '../flow-key.js';
import { ARP_LEN, parseArp, writeArp, type ArpRepr } from './arp.js';
import { EMPTY_BYTES } from './checksum.js';
import type { ParseOptions, WireError } from './error.js';
import { ethernetHeaderLength, parseEthernetHeader, writeEthernetHeader, type EthernetHeader } from './ethernet.js';
import { icmpLength, parseIcmp, writeIcmp, type IcmpRepr } from './icmp.js';
import { ipv4HeaderLength, isFragment, parseIpv4Header, writeIpv4Header, type Ipv4Header } from './ipv4.js';
import { parseTcp, tcpLength, writeTcp, type TcpRepr } from './tcp.js';
import { parseUdp, UDP_HEADER_LEN, writeUdp, type UdpRepr } from './udp.js';
import { allocBytes } from './alloc.js';

export type L4 =
  | { kind: 'tcp'; tcp: TcpRepr }
  | { kind: 'udp'; udp: UdpRepr }
  | { kind: 'icmp'; icmp: IcmpRepr }
  /** Other IP protocols, and every fragment (ports are not parsed from fragments). */
  | { kind: 'raw'; bytes: Uint8Array };

export type L3 =
  | { kind: 'arp'; arp: ArpRepr }
  | { kind: 'ipv4'; ip: Ipv4Header; l4: L4 }
  /** IPv6 and any other EtherType: carried, not interpreted. */
  | { kind: 'unsupported'; bytes: Uint8Array };

export interface Frame {
  eth: EthernetHeader;
  l3: L3;
  /** Bytes after the L3 packet (Ethernet minimum-size padding); empty when none. */
  trailer: Uint8Array;
}

export function parseFrame(bytes: Uint8Array, opts?: ParseOptions): Result<Frame, WireError> {
  const e = parseEthernetHeader(bytes);
  if (!e.ok) return e;
  const eth = e.value.header;
  const payload = bytes.subarray(e.value.headerLength);
  if (eth.etherType === ETH_TYPE_ARP) {
    const a = parseArp(payload);
    if (!a.ok) return a;
    return ok({ eth, l3: { kind: 'arp', arp: a.value }, trailer: payload.subarray(ARP_LEN) });
  }
  if (eth.etherType !== ETH_TYPE_IPV4) return ok({ eth, l3: { kind: 'unsupported', bytes: payload }, trailer: EMPTY_BYTES });
  const h = parseIpv4Header(payload, opts);
  if (!h.ok) return h;
  const { header: ip, headerLength, totalLength } = h.value;
  const datagram = payload.subarray(headerLength, totalLength);
  const trailer = payload.subarray(totalLength);
  const l4 = parseL4(ip, datagram, opts);
  if (!l4.ok) return l4;
  return ok({ eth, l3: { kind: 'ipv4', ip, l4: l4.value }, trailer });
}

function parseL4(ip: Ipv4Header, datagram: Uint8Array, opts?: ParseOptions): Result<L4, WireError> {
  if (isFragment(ip)) return ok({ kind: 'raw', bytes: datagram });
  const l4opts = { pseudo: ip, verifyChecksum: opts?.verifyChecksum !== false };
  switch (ip.protocol) {
    case IP_PROTO_TCP: {
      const t = parseTcp(datagram, l4opts);
      return t.ok ? ok({ kind: 'tcp', tcp: t.value }) : t;
    }
    case IP_PROTO_UDP: {
      const u = parseUdp(datagram, l4opts);
      return u.ok ? ok({ kind: 'udp', udp: u.value }) : u;
    }
    case IP_PROTO_ICMP: {
      const i = parseIcmp(datagram, l4opts);
      return i.ok ? ok({ kind: 'icmp', icmp: i.value }) : i;
    }
    default:
      return ok({ kind: 'raw', bytes: datagram });
  }
}

export function l4Length(l4: L4): number {
  switch (l4.kind) {
    case 'tcp':
      return tcpLength(l4.tcp);
    case 'udp':
      return UDP_HEADER_LEN + l4.udp.payload.length;
    case 'icmp':
      return icmpLength(l4.icmp);
    case 'raw':
      return l4.bytes.length;
  }
}

export function frameLength(f: Frame): number {
  let n = ethernetHeaderLength(f.eth) + f.trailer.length;
  switch (f.l3.kind) {
    case 'arp':
      n += ARP_LEN;
      break;
    case 'ipv4':
      n += ipv4HeaderLength(f.l3.ip) + l4Length(f.l3.l4);
      break;
    case 'unsupported':
      n += f.l3.bytes.length;
      break;
  }
  return n;
}

/**
 * Serializes with fresh lengths and checksums. The IPv4 protocol field is taken from
 * the transport kind for TCP/UDP/ICMP, so a frame cannot claim one and carry another.
 */
export function emitFrame(f: Frame): Uint8Array {
  const out = allocBytes(frameLength(f));
  let off = writeEthernetHeader(f.eth, out, 0);
  const l3 = f.l3;
  switch (l3.kind) {
    case 'arp':
      off += writeArp(l3.arp, out, off);
      break;
    case 'unsupported':
      out.set(l3.bytes, off);
      off += l3.bytes.length;
      break;
    case 'ipv4': {
      const l4 = l3.l4;
      const proto = l4.kind === 'tcp' ? IP_PROTO_TCP : l4.kind === 'udp' ? IP_PROTO_UDP : l4.kind === 'icmp' ? IP_PROTO_ICMP : l3.ip.protocol;
      const ip = proto === l3.ip.protocol ? l3.ip : { ...l3.ip, protocol: proto };
      off += writeIpv4Header(ip, l4Length(l4), out, off);
      switch (l4.kind) {
        case 'tcp':
          off += writeTcp(l4.tcp, ip, out, off);
          break;
        case 'udp':
          off += writeUdp(l4.udp, ip, out, off);
          break;
        case 'icmp':
          off += writeIcmp(l4.icmp, out, off);
          break;
        case 'raw':
          out.set(l4.bytes, off);
          off += l4.bytes.length;
          break;
      }
      break;
    }
  }
  out.set(f.trailer, off);
  return out;
}
