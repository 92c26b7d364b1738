// ICMP for the host: echo replies for our addresses, a ping client, and ICMP errors —
// sent (port/protocol unreachable, and for a forwarding host TTL exceeded, net/host
// unreachable, fragmentation needed) and received (handed to the socket they concern).
// Never an error about an error, a broadcast, a non-first fragment or a bogus source
// (RFC 1122 3.2.2). No rate limiting (Linux's icmp_ratelimit) is modelled.
import type { Clock, TimerHandle } from '../../core/clock.js';
import { ipv4, type IPv4 } from '../../core/ip.js';
import { allocBytes } from '../wire/alloc.js';
import { readU16, readU32 } from '../wire/checksum.js';
import { icmpLength, icmpQuote, isIcmpErrorType, writeIcmp, type IcmpRepr } from '../wire/icmp.js';
import type { Ipv4Header } from '../wire/ipv4.js';
import type { HostStack } from './host-stack.js';
import { allocPacket, L4_OFFSET } from './packet.js';
import { pingErrorKind, type PingOutcome } from './ping.js';

export interface PingOptions {
  /** Echo identifier (iputils uses its pid); default: one per stack. */
  readonly ident?: number;
  /** Default: 1, 2, 3, ... per stack. */
  readonly seq?: number;
  /** Payload bytes (iputils -s, default 56: 64-byte ICMP messages). */
  readonly size?: number;
  readonly ttl?: number;
  /** How long to wait for a reply or an error (iputils -W); default 10 s. */
  readonly timeoutMs?: number;
}

interface PendingPing {
  readonly seq: number;
  readonly sentAt: number;
  readonly timer: TimerHandle;
  readonly resolve: (o: PingOutcome) => void;
}

export class IcmpLayer {
  private readonly pending = new Map<number, PendingPing>();
  private readonly clock: Clock;
  private readonly defaultIdent: number;
  private nextSeq = 1;

  constructor(private readonly stack: HostStack) {
    this.clock = stack.timerClock();
    this.defaultIdent = Math.floor(stack.random() * 0x10000);
  }

  input(ip: Ipv4Header, icmp: IcmpRepr, bcast: boolean): void {
    const stats = this.stack.stats;
    stats.icmpInMsgs++;
    switch (icmp.kind) {
      case 'echo-request': {
        stats.icmpInEchos++;
        // icmp_echo_ignore_broadcasts=1, as Linux.
        if (bcast) return;
        const reply: IcmpRepr = { kind: 'echo-reply', ident: icmp.ident, seq: icmp.seq, data: icmp.data };
        const buf = allocPacket(icmpLength(reply));
        writeIcmp(reply, buf, L4_OFFSET);
        stats.icmpOutMsgs++;
        stats.icmpOutEchoReps++;
        this.stack.sendIp(buf, 1, ip.dst, ip.src);
        return;
      }
      case 'echo-reply': {
        const key = icmp.ident * 0x10000 + icmp.seq;
        const p = this.pending.get(key);
        if (p === undefined) return;
        this.pending.delete(key);
        this.clock.clearTimeout(p.timer);
        p.resolve({ kind: 'reply', seq: p.seq, from: ip.src, ttl: ip.ttl, bytes: 8 + icmp.data.length, rttMs: this.clock.now() - p.sentAt });
        return;
      }
      case 'dest-unreachable':
        stats.icmpInErrors++;
        this.stack.deliverIcmpError(ip.src, 3, icmp.code, icmp.original, icmp.nextHopMtu);
        return;
      case 'time-exceeded':
        stats.icmpInErrors++;
        this.stack.deliverIcmpError(ip.src, 11, icmp.code, icmp.original);
        return;
      case 'other':
        return;
    }
  }

  /** An error about one of our echo requests (quote = its IP header + ICMP header). */
  echoError(from: IPv4, quote: Uint8Array, hl: number, type: number, code: number, info: number): void {
    if (quote[hl] !== 8) return;
    const key = readU16(quote, hl + 4) * 0x10000 + readU16(quote, hl + 6);
    const p = this.pending.get(key);
    if (p === undefined) return;
    this.pending.delete(key);
    this.clock.clearTimeout(p.timer);
    p.resolve({ kind: 'error', seq: p.seq, from, error: pingErrorKind(type, code), code, info });
  }

  /**
   * Sends an ICMP error about `datagram` (an IPv4 packet we received or forwarded) to its
   * source, from the datagram's destination when that is ours (port unreachable), else
   * from the address of our route back to the sender.
   */
  sendError(datagram: Uint8Array, type: number, code: number, info: number): void {
    if (datagram.length < 20) return;
    const hl = (datagram[0]! & 0x0f) * 4;
    if (datagram[9] === 1 && datagram.length > hl && isIcmpErrorType(datagram[hl]!)) return;
    if ((readU16(datagram, 6) & 0x1fff) !== 0) return;
    const origSrc = readU32(datagram, 12);
    const origDst = readU32(datagram, 16);
    if (origSrc === 0 || origSrc === 0xffffffff || origSrc >>> 28 >= 14 || origDst >>> 28 >= 14) return;
    const from = this.stack.isLocalAddress(origDst) ? ipv4(origDst) : this.stack.sourceFor(origSrc);
    if (from === undefined) return;
    const original = icmpQuote(datagram);
    const repr: IcmpRepr = type === 11 ? { kind: 'time-exceeded', code, original } : { kind: 'dest-unreachable', code, nextHopMtu: info, original };
    const buf = allocPacket(icmpLength(repr));
    writeIcmp(repr, buf, L4_OFFSET);
    const stats = this.stack.stats;
    stats.icmpOutMsgs++;
    if (type === 11) stats.icmpOutTimeExcds++;
    else stats.icmpOutDestUnreachs++;
    this.stack.sendIp(buf, 1, from, origSrc);
  }

  /** Sends one echo request and resolves with its reply, an ICMP error or a timeout. */
  ping(dst: IPv4, opts: PingOptions = {}): Promise<PingOutcome> {
    const seq = (opts.seq ?? this.nextSeq++) & 0xffff;
    const ident = (opts.ident ?? this.defaultIdent) & 0xffff;
    return new Promise<PingOutcome>((resolve) => {
      const stack = this.stack;
      stack.enter();
      try {
        const src = stack.sourceFor(dst);
        if (src === undefined) {
          resolve({ kind: 'send-error', seq, error: 'ENETUNREACH' });
          return;
        }
        const data = allocBytes(opts.size ?? 56);
        for (let i = 0; i < data.length; i++) data[i] = (i + 8) & 0xff;
        const req: IcmpRepr = { kind: 'echo-request', ident, seq, data };
        const buf = allocPacket(icmpLength(req));
        writeIcmp(req, buf, L4_OFFSET);
        const key = ident * 0x10000 + seq;
        const old = this.pending.get(key);
        if (old !== undefined) {
          this.clock.clearTimeout(old.timer);
          old.resolve({ kind: 'timeout', seq: old.seq });
        }
        const timer = this.clock.setTimeout(() => {
          if (this.pending.get(key)?.timer !== timer) return;
          this.pending.delete(key);
          resolve({ kind: 'timeout', seq });
        }, opts.timeoutMs ?? 10_000);
        this.pending.set(key, { seq, sentAt: this.clock.now(), timer, resolve });
        stack.stats.icmpOutMsgs++;
        const status = stack.sendIp(buf, 1, src, dst, opts.ttl ?? stack.ttl);
        if (status !== 'ok') {
          this.pending.delete(key);
          this.clock.clearTimeout(timer);
          resolve({ kind: 'send-error', seq, error: status });
        }
      } finally {
        stack.leave();
      }
    });
  }
}
