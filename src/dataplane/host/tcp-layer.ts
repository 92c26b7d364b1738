// TCP demultiplexing, listeners, active opens, ephemeral ports and resets for segments
// nobody owns (RFC 9293 3.10.7.1 "CLOSED" and 3.10.7.2 "LISTEN").
//
// Demux is one Map lookup without allocation, keyed by a 53-bit number built from the
// low 21 bits of the remote address and both ports; entries whose keys collide (remote
// addresses differing only in their high bits, or only the local address differs) are
// chained through `Tcb.nextSame` and told apart by comparing the full 4-tuple.
import type { Clock } from '../../core/clock.js';
import { formatIPv4, ipv4, type IPv4 } from '../../core/ip.js';
import { err, ok, type Result } from '../../core/result.js';
import { readU16, readU32, writeU16, writeU32 } from '../wire/checksum.js';
import { TCP_ACK, TCP_FIN, TCP_RST, TCP_SYN, type TcpRepr } from '../wire/tcp.js';
import { tcpMss } from '../wire/tcp-options.js';
import type { HostStack } from './host-stack.js';
import { errnoForUnreachable, NetError, type NetErrorCode } from './net-error.js';
import { allocPacket, L4_OFFSET, writeL4Checksum } from './packet.js';
import { Tcb } from './tcb.js';
import { DEFAULT_TCP_CONFIG, TCP_DEFAULT_MSS, type TcpConfig } from './tcp-config.js';
import { tcpInput } from './tcp-input.js';
import { TcpListener, type TcpListenerOwner } from './tcp-listener.js';
import { sendSyn } from './tcp-output.js';
import type { TcpSocket } from './tcp-socket.js';
import { EPHEMERAL_MAX, EPHEMERAL_MIN } from './udp-layer.js';

export interface ConnectOptions {
  /** Bind to this local port instead of an ephemeral one. */
  readonly localPort?: number;
}

export interface ListenOptions {
  /** Accept only connections to this local address (default: all). */
  readonly address?: IPv4;
  readonly backlog?: number;
}

export class TcpLayer implements TcpListenerOwner {
  readonly cfg: TcpConfig;
  readonly clock: Clock;
  private readonly conns = new Map<number, Tcb>();
  /** Connections per local port (ephemeral port allocation skips used ones). */
  /** Connections per local port; sparse, because a pod uses a handful of ports (a 64k array cost 256 KiB per pod). */
  private readonly portUse = new Map<number, number>();
  private readonly listeners = new Map<number, TcpListener>();
  private cursor: number;
  private readonly issSecret: number;

  constructor(
    readonly stack: HostStack,
    cfg: Partial<TcpConfig> = {},
  ) {
    this.cfg = { ...DEFAULT_TCP_CONFIG, ...cfg };
    // Raw clock: connection timers enter the stack themselves (Tcb.onTimer).
    this.clock = stack.clock;
    this.cursor = EPHEMERAL_MIN + Math.floor(stack.random() * (EPHEMERAL_MAX - EPHEMERAL_MIN + 1));
    this.issSecret = Math.floor(stack.random() * 0x100000000) | 0;
  }

  /**
   * RFC 6528: ISN = M + F(4-tuple, secret), M a 4 µs clock. A new incarnation of a
   * 4-tuple thus starts above the old one's sequence space, which is what lets a SYN
   * reopen a TIME_WAIT connection (tcp-input.ts) instead of being answered with an ACK.
   */
  newIss(localIp: number, localPort: number, remoteIp: number, remotePort: number): number {
    let h = this.issSecret;
    h = Math.imul(h ^ localIp, 0x9e3779b1);
    h = Math.imul(h ^ remoteIp, 0x85ebca6b);
    h = Math.imul(h ^ ((localPort << 16) | remotePort), 0xc2b2ae35);
    h ^= h >>> 15;
    return (h + Math.floor(this.clock.now() * 250)) >>> 0;
  }

  listen(port: number, onConnection?: (s: TcpSocket) => void, opts: ListenOptions = {}): Result<TcpListener, NetErrorCode> {
    if (!Number.isInteger(port) || port < 1 || port > 65535) return err('EINVAL');
    const address = opts.address ?? ipv4(0);
    if (address !== 0 && !this.stack.isLocalAddress(address)) return err('EADDRNOTAVAIL');
    if (this.listeners.has(port)) return err('EADDRINUSE');
    const l = new TcpListener(this, port, address, opts.backlog ?? this.cfg.backlog, onConnection);
    this.listeners.set(port, l);
    return ok(l);
  }

  unlisten(l: TcpListener): void {
    if (this.listeners.get(l.port) === l) this.listeners.delete(l.port);
  }

  /** Active open. Rejects with NetError: ENETUNREACH, ECONNREFUSED, ETIMEDOUT, EHOSTUNREACH, ... */
  connect(dst: IPv4, port: number, opts: ConnectOptions = {}): Promise<TcpSocket> {
    return new Promise<TcpSocket>((resolve, reject) => {
      const target = `${formatIPv4(dst)}:${port}`;
      const stack = this.stack;
      stack.enter();
      try {
        if (!Number.isInteger(port) || port < 1 || port > 65535) return reject(new NetError('EINVAL', 'connect', target));
        const src = stack.sourceFor(dst);
        if (src === undefined) return reject(new NetError('ENETUNREACH', 'connect', target));
        let lport = opts.localPort;
        if (lport === undefined) lport = this.freePort();
        else if (this.lookup(lport, dst, port, src) !== undefined) lport = undefined;
        if (lport === undefined) return reject(new NetError(opts.localPort === undefined ? 'EADDRNOTAVAIL' : 'EADDRINUSE', 'connect', target));
        const t = new Tcb(this, src, lport, dst, port, 'SYN_SENT', this.mssFor(dst));
        t.connectResolve = resolve;
        t.connectReject = reject;
        this.insert(t);
        stack.stats.tcpActiveOpens++;
        t.rttSeq = 1;
        t.rttTime = this.clock.now();
        sendSyn(t);
        t.rtoAt = this.clock.now() + t.rto();
        t.armTimer();
      } finally {
        stack.leave();
      }
    });
  }

  input(src: IPv4, dst: IPv4, seg: TcpRepr): void {
    this.stack.stats.tcpInSegs++;
    const t = this.lookup(seg.dstPort, src, seg.srcPort, dst);
    if (t !== undefined) {
      if (tcpInput(t, seg) === 'done') return;
      t.finish();
    }
    const l = this.listeners.get(seg.dstPort);
    if (l !== undefined && (l.address === 0 || l.address === dst)) {
      this.listenInput(l, src, dst, seg);
      return;
    }
    this.sendReset(src, dst, seg);
  }

  /** An ICMP error quoting a segment we sent; Linux's tcp_v4_err semantics. */
  icmpError(quote: Uint8Array, hl: number, type: number, code: number): void {
    const t = this.lookup(readU16(quote, hl), ipv4(readU32(quote, 16)), readU16(quote, hl + 2), ipv4(readU32(quote, 12)));
    if (t === undefined) return;
    // Only errors about data in flight count (blind ICMP attacks, RFC 5927).
    const seq = t.sndUna + ((readU32(quote, hl + 4) - ((t.iss + t.sndUna) >>> 0)) | 0);
    if (seq < t.sndUna || seq > t.sndMax) return;
    if (type === 3 && code === 4) return; // fragmentation needed: no PMTU discovery modelled
    const error: NetErrorCode = type === 3 ? errnoForUnreachable(code) : 'EHOSTUNREACH';
    this.stack.enter();
    try {
      if (t.state === 'SYN_SENT') {
        this.stack.stats.tcpAttemptFails++;
        t.abort(error);
      } else if (t.state === 'SYN_RECEIVED' && t.listener !== undefined) t.finish();
      else t.softError = error;
    } finally {
      this.stack.leave();
    }
  }

  /** RST for a segment no connection accepts (never for a RST). */
  sendReset(src: IPv4, dst: IPv4, seg: TcpRepr): void {
    const flags = seg.flags;
    if ((flags & TCP_RST) !== 0) return;
    const pkt = allocPacket(20);
    const o = L4_OFFSET;
    writeU16(pkt, o, seg.dstPort);
    writeU16(pkt, o + 2, seg.srcPort);
    if ((flags & TCP_ACK) !== 0) {
      writeU32(pkt, o + 4, seg.ack);
      pkt[o + 13] = TCP_RST;
    } else {
      const len = seg.payload.length + ((flags & TCP_SYN) !== 0 ? 1 : 0) + ((flags & TCP_FIN) !== 0 ? 1 : 0);
      writeU32(pkt, o + 8, (seg.seq + len) >>> 0);
      pkt[o + 13] = TCP_RST | TCP_ACK;
    }
    pkt[o + 12] = 5 << 4;
    writeL4Checksum(pkt, 6, dst, src, o + 16);
    this.stack.stats.tcpOutRsts++;
    this.stack.stats.tcpOutSegs++;
    this.stack.sendIp(pkt, 6, dst, src);
  }

  lookup(lport: number, rip: number, rport: number, lip: number): Tcb | undefined {
    let t = this.conns.get(demuxKey(lport, rip, rport));
    while (t !== undefined && (t.localIp !== lip || t.remoteIp !== rip || t.localPort !== lport || t.remotePort !== rport)) t = t.nextSame;
    return t;
  }

  remove(t: Tcb): void {
    t.listener?.halfOpen.delete(t);
    const key = demuxKey(t.localPort, t.remoteIp, t.remotePort);
    let head = this.conns.get(key);
    if (head === t) {
      if (t.nextSame === undefined) this.conns.delete(key);
      else this.conns.set(key, t.nextSame);
    } else {
      while (head !== undefined && head.nextSame !== t) head = head.nextSame;
      if (head === undefined) return;
      head.nextSame = t.nextSame;
    }
    t.nextSame = undefined;
    const n = (this.portUse.get(t.localPort) ?? 1) - 1;
    if (n <= 0) this.portUse.delete(t.localPort);
    else this.portUse.set(t.localPort, n);
  }

  /** Our MSS towards dst: the egress MTU (at most the 65535-byte IPv4 limit) minus 40 header bytes. */
  mssFor(dst: number): number {
    const mtu = this.stack.isLocalAddress(dst) ? this.stack.lo.mtu : (this.stack.routes.lookup(dst)?.dev.mtu ?? 1500);
    return Math.min(mtu, 65535) - 40;
  }

  /** Open connections (for `ss`-like listings and tests). */
  connections(): Tcb[] {
    const out: Tcb[] = [];
    for (const head of this.conns.values()) for (let t: Tcb | undefined = head; t !== undefined; t = t.nextSame) out.push(t);
    return out;
  }

  private listenInput(l: TcpListener, src: IPv4, dst: IPv4, seg: TcpRepr): void {
    const flags = seg.flags;
    if ((flags & TCP_RST) !== 0) return;
    if ((flags & TCP_ACK) !== 0) {
      this.sendReset(src, dst, seg);
      return;
    }
    if ((flags & TCP_SYN) === 0) return;
    if (l.full || l.closed) {
      this.stack.stats.tcpListenDrops++;
      return;
    }
    const t = new Tcb(this, dst, seg.dstPort, src, seg.srcPort, 'SYN_RECEIVED', this.mssFor(src));
    t.listener = l;
    l.halfOpen.add(t);
    t.irs = seg.seq;
    t.rcvNxt = 1;
    t.mss = Math.min(tcpMss(seg.options) ?? TCP_DEFAULT_MSS, t.ourMss);
    t.cwnd = this.cfg.initialCwndSegments * t.mss;
    t.sndWnd = seg.window;
    t.maxSndWnd = seg.window;
    this.insert(t);
    this.stack.stats.tcpPassiveOpens++;
    // Data on a SYN is not taken (no TCP Fast Open); the peer sends it again.
    sendSyn(t);
    t.rttSeq = 1;
    t.rttTime = this.clock.now();
    t.rtoAt = this.clock.now() + t.rto();
    t.armTimer();
  }

  private insert(t: Tcb): void {
    const key = demuxKey(t.localPort, t.remoteIp, t.remotePort);
    const head = this.conns.get(key);
    if (head !== undefined) t.nextSame = head;
    this.conns.set(key, t);
    this.portUse.set(t.localPort, (this.portUse.get(t.localPort) ?? 0) + 1);
  }

  private freePort(): number | undefined {
    const span = EPHEMERAL_MAX - EPHEMERAL_MIN + 1;
    for (let i = 0; i < span; i++) {
      const p = this.cursor;
      this.cursor = p === EPHEMERAL_MAX ? EPHEMERAL_MIN : p + 1;
      if (!this.portUse.has(p) && !this.listeners.has(p)) return p;
    }
    return undefined;
  }
}

/** (remote address mod 2^21) * 2^32 + remote port * 2^16 + local port: exact in a double. */
function demuxKey(lport: number, rip: number, rport: number): number {
  return (rip & 0x1fffff) * 0x100000000 + rport * 0x10000 + lport;
}
