// The first packet of a conversation, for `svcnet trace`: a TCP SYN, a UDP datagram or an
// ICMP echo request from a source's MAC/IP to a destination, addressed at layer 2 to the
// next hop the source would ARP for (its gateway, or the destination on its own subnet).
// What a real host puts in the first packet, so flows match as they would for real
// traffic: DF set, TTL 64, a SYN with an MSS option (1460), an echo with 56 data bytes.
import type { IPv4 } from '../../core/ip.js';
import { ETH_TYPE_IPV4 } from '../flow-key.js';
import { EMPTY_BYTES } from '../wire/checksum.js';
import { emitFrame, type L4 } from '../wire/frame.js';
import { TCP_SYN } from '../wire/tcp.js';

export type FirstPacketProto = 'tcp' | 'udp' | 'icmp';

export interface FirstPacketSpec {
  readonly srcMac: number;
  /** The next hop's MAC (gateway or on-link destination). */
  readonly dstMac: number;
  readonly src: IPv4;
  readonly dst: IPv4;
  readonly proto: FirstPacketProto;
  /** TCP/UDP source port (default 40000). */
  readonly srcPort?: number;
  /** TCP/UDP destination port (required for tcp/udp). */
  readonly dstPort?: number;
  /** TCP initial sequence number / ICMP echo identifier (defaults 1000 / 0x1234). */
  readonly seq?: number;
  readonly ident?: number;
  readonly ttl?: number;
  /** UDP payload (default empty). */
  readonly payload?: Uint8Array;
}

/** MSS 1460 (kind 2, length 4). */
const MSS_OPTION = new Uint8Array([2, 4, 0x05, 0xb4]);

export function firstPacket(s: FirstPacketSpec): Uint8Array {
  const sport = s.srcPort ?? 40000;
  let l4: L4;
  switch (s.proto) {
    case 'tcp':
      if (s.dstPort === undefined) throw new Error('tcp needs a destination port');
      l4 = { kind: 'tcp', tcp: { srcPort: sport, dstPort: s.dstPort, seq: s.seq ?? 1000, ack: 0, flags: TCP_SYN, window: 64240, urgentPointer: 0, options: MSS_OPTION, payload: EMPTY_BYTES } };
      break;
    case 'udp':
      if (s.dstPort === undefined) throw new Error('udp needs a destination port');
      l4 = { kind: 'udp', udp: { srcPort: sport, dstPort: s.dstPort, payload: s.payload ?? EMPTY_BYTES } };
      break;
    case 'icmp':
      l4 = { kind: 'icmp', icmp: { kind: 'echo-request', ident: s.ident ?? 0x1234, seq: 1, data: new Uint8Array(56) } };
      break;
  }
  return emitFrame({
    eth: { dst: s.dstMac, src: s.srcMac, etherType: ETH_TYPE_IPV4 },
    l3: {
      kind: 'ipv4',
      ip: { tos: 0, ident: (s.ident ?? 0x1234) & 0xffff, dontFragment: true, moreFragments: false, fragmentOffset: 0, ttl: s.ttl ?? 64, protocol: 0, src: s.src, dst: s.dst, options: EMPTY_BYTES },
      l4,
    },
    trailer: EMPTY_BYTES,
  });
}
