// A minimal IPv4 endpoint for fabric tests and benchmarks (not a real stack: see
// ../host for that): one interface, an address, an optional default gateway; answers
// ARP and ICMP echo, resolves next hops by ARP (queueing until the answer), sends pings,
// UDP datagrams and bare TCP segments, and keeps what it receives for inspection.
import { type IPv4 } from '../../core/ip.js';
import { maskV4 } from '../../core/cidr.js';
import { ETH_TYPE_ARP, ETH_TYPE_IPV4 } from '../flow-key.js';
import type { FrameTx, NetDevice } from '../netdev.js';
import { ARP_REPLY, ARP_REQUEST } from '../wire/arp.js';
import { EMPTY_BYTES, writeMac } from '../wire/checksum.js';
import { emitFrame, parseFrame, type Frame, type L4 } from '../wire/frame.js';
import { MAC_BROADCAST } from '../wire/mac.js';

export interface SimpleHostOptions {
  readonly name: string;
  readonly mac: number;
  readonly ip: IPv4;
  readonly prefix: number;
  readonly gateway?: IPv4;
  /** Keep received IP frames in `inbox` (default true; benchmarks turn it off). */
  readonly keepInbox?: boolean;
}

export interface SimpleHostCounters {
  rxFrames: number;
  txFrames: number;
  /** ARP requests seen, for anyone (broadcasts reaching this host). */
  arpRequestsSeen: number;
  echoRequestsAnswered: number;
  echoReplies: number;
  icmpErrors: number;
  udp: number;
  tcp: number;
}

export interface SendOptions {
  readonly ttl?: number;
  readonly srcMac?: number;
}

export class SimpleHost implements NetDevice {
  readonly name: string;
  readonly mac: number;
  readonly ip: IPv4;
  readonly prefix: number;
  readonly gateway: IPv4 | undefined;
  readonly inbox: Frame[] = [];
  readonly counters: SimpleHostCounters = { rxFrames: 0, txFrames: 0, arpRequestsSeen: 0, echoRequestsAnswered: 0, echoReplies: 0, icmpErrors: 0, udp: 0, tcp: 0 };
  readonly arpCache = new Map<number, number>();
  private readonly keepInbox: boolean;
  private readonly waiting = new Map<number, Uint8Array[]>();
  private tx: FrameTx | undefined;
  private ident = 1;

  constructor(o: SimpleHostOptions) {
    this.name = o.name;
    this.mac = o.mac;
    this.ip = o.ip;
    this.prefix = o.prefix;
    this.gateway = o.gateway;
    this.keepInbox = o.keepInbox ?? true;
  }

  attach(tx: FrameTx): void {
    this.tx = tx;
  }

  receive(bytes: Uint8Array): void {
    this.counters.rxFrames++;
    const r = parseFrame(bytes);
    if (!r.ok) return;
    const f = r.value;
    if (f.eth.dst !== this.mac && f.eth.dst !== MAC_BROADCAST) return;
    const l3 = f.l3;
    if (l3.kind === 'arp') {
      const a = l3.arp;
      if (a.op === ARP_REQUEST) this.counters.arpRequestsSeen++;
      if (a.targetIp !== this.ip) return;
      this.learn(a.senderIp, a.senderMac);
      if (a.op === ARP_REQUEST) {
        this.emit({
          eth: { dst: a.senderMac, src: this.mac, etherType: ETH_TYPE_ARP },
          l3: { kind: 'arp', arp: { op: ARP_REPLY, senderMac: this.mac, senderIp: this.ip, targetMac: a.senderMac, targetIp: a.senderIp } },
          trailer: EMPTY_BYTES,
        });
      }
      return;
    }
    if (l3.kind !== 'ipv4' || l3.ip.dst !== this.ip) return;
    if (this.keepInbox) this.inbox.push(f);
    const l4 = l3.l4;
    if (l4.kind === 'icmp') {
      const m = l4.icmp;
      if (m.kind === 'echo-request') {
        this.counters.echoRequestsAnswered++;
        this.sendIp(l3.ip.src, { kind: 'icmp', icmp: { kind: 'echo-reply', ident: m.ident, seq: m.seq, data: m.data } });
      } else if (m.kind === 'echo-reply') this.counters.echoReplies++;
      else this.counters.icmpErrors++;
    } else if (l4.kind === 'udp') this.counters.udp++;
    else if (l4.kind === 'tcp') this.counters.tcp++;
  }

  ping(dst: IPv4, o: SendOptions & { readonly seq?: number; readonly ident?: number; readonly size?: number } = {}): void {
    const data = new Uint8Array(o.size ?? 56);
    this.sendIp(dst, { kind: 'icmp', icmp: { kind: 'echo-request', ident: o.ident ?? 0x1234, seq: o.seq ?? 1, data } }, o);
  }

  sendUdp(dst: IPv4, srcPort: number, dstPort: number, payload: Uint8Array, o: SendOptions = {}): void {
    this.sendIp(dst, { kind: 'udp', udp: { srcPort, dstPort, payload } }, o);
  }

  sendTcp(dst: IPv4, srcPort: number, dstPort: number, flags: number, o: SendOptions & { readonly seq?: number; readonly ack?: number; readonly payload?: Uint8Array } = {}): void {
    this.sendIp(dst, { kind: 'tcp', tcp: { srcPort, dstPort, seq: o.seq ?? 1000, ack: o.ack ?? 0, flags, window: 65535, urgentPointer: 0, options: EMPTY_BYTES, payload: o.payload ?? EMPTY_BYTES } }, o);
  }

  /** The frame this host would send to `dst` (next-hop MAC as currently resolved, else broadcast). */
  buildIp(dst: IPv4, l4: L4, o: SendOptions = {}): Uint8Array {
    const hop = this.nextHop(dst);
    return this.frameFor(dst, l4, this.arpCache.get(hop) ?? MAC_BROADCAST, o);
  }

  sendIp(dst: IPv4, l4: L4, o: SendOptions = {}): void {
    const hop = this.nextHop(dst);
    const mac = this.arpCache.get(hop);
    const bytes = this.frameFor(dst, l4, mac ?? 0, o);
    if (mac !== undefined) return this.send(bytes);
    const q = this.waiting.get(hop);
    if (q !== undefined) {
      q.push(bytes);
      return;
    }
    this.waiting.set(hop, [bytes]);
    this.emit({
      eth: { dst: MAC_BROADCAST, src: this.mac, etherType: ETH_TYPE_ARP },
      l3: { kind: 'arp', arp: { op: ARP_REQUEST, senderMac: this.mac, senderIp: this.ip, targetMac: 0, targetIp: hop as IPv4 } },
      trailer: EMPTY_BYTES,
    });
  }

  /** Transmits raw bytes as they are. */
  send(bytes: Uint8Array): void {
    this.counters.txFrames++;
    this.tx?.(bytes);
  }

  private frameFor(dst: IPv4, l4: L4, dstMac: number, o: SendOptions): Uint8Array {
    return emitFrame({
      eth: { dst: dstMac, src: o.srcMac ?? this.mac, etherType: ETH_TYPE_IPV4 },
      l3: {
        kind: 'ipv4',
        ip: { tos: 0, ident: this.ident++ & 0xffff, dontFragment: true, moreFragments: false, fragmentOffset: 0, ttl: o.ttl ?? 64, protocol: 0, src: this.ip, dst, options: EMPTY_BYTES },
        l4,
      },
      trailer: EMPTY_BYTES,
    });
  }

  private nextHop(dst: number): number {
    const m = maskV4(this.prefix);
    if ((dst & m) >>> 0 === (this.ip & m) >>> 0 || this.gateway === undefined) return dst;
    return this.gateway;
  }

  private learn(ip: number, mac: number): void {
    this.arpCache.set(ip, mac);
    const q = this.waiting.get(ip);
    if (q === undefined) return;
    this.waiting.delete(ip);
    for (const b of q) {
      writeMac(b, 0, mac);
      this.send(b);
    }
  }

  private emit(f: Frame): void {
    this.send(emitFrame(f));
  }
}
