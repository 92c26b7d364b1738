// UDP demultiplexing, ephemeral ports (net.ipv4.ip_local_port_range 32768-60999) and
// output. Datagrams are never fragmented: larger than the route's MTU is EMSGSIZE.
import { ipv4, type IPv4 } from '../../core/ip.js';
import { err, ok, type Result } from '../../core/result.js';
import { readU16, readU32, writeU16 } from '../wire/checksum.js';
import type { UdpRepr } from '../wire/udp.js';
import type { HostStack } from './host-stack.js';
import { errnoForUnreachable, type NetErrorCode } from './net-error.js';
import { allocPacket, L4_OFFSET, writeL4Checksum } from './packet.js';
import { UdpSocket, type UdpSocketOwner } from './udp-socket.js';

export const EPHEMERAL_MIN = 32768;
export const EPHEMERAL_MAX = 60999;

export class UdpLayer implements UdpSocketOwner {
  private readonly sockets = new Map<number, UdpSocket>();
  private cursor: number;

  constructor(readonly stack: HostStack) {
    this.cursor = EPHEMERAL_MIN + Math.floor(stack.random() * (EPHEMERAL_MAX - EPHEMERAL_MIN + 1));
  }

  /** Port 0 picks an ephemeral port. One socket per port (no SO_REUSEADDR). */
  bind(port = 0, address: IPv4 = ipv4(0)): Result<UdpSocket, NetErrorCode> {
    if (!Number.isInteger(port) || port < 0 || port > 65535) return err('EINVAL');
    if (address !== 0 && !this.stack.isLocalAddress(address)) return err('EADDRNOTAVAIL');
    let p = port;
    if (p === 0) {
      const found = this.freePort();
      if (found === undefined) return err('EADDRINUSE');
      p = found;
    } else if (this.sockets.has(p)) return err('EADDRINUSE');
    const s = new UdpSocket(this, p, address);
    this.sockets.set(p, s);
    return ok(s);
  }

  unbind(sock: UdpSocket): void {
    if (this.sockets.get(sock.localPort) === sock) this.sockets.delete(sock.localPort);
  }

  /** False when no socket wants the datagram (the caller answers port unreachable). */
  input(src: IPv4, dst: IPv4, udp: UdpRepr): boolean {
    const s = this.sockets.get(udp.dstPort);
    if (s === undefined || (s.localAddress !== 0 && s.localAddress !== dst)) {
      this.stack.stats.udpNoPorts++;
      return false;
    }
    // The payload aliases the received frame; the socket keeps its own copy.
    const data = udp.payload.slice();
    if (!s.deliver({ data, address: src, port: udp.srcPort })) {
      this.stack.stats.udpNoPorts++;
      return false;
    }
    this.stack.stats.udpInDatagrams++;
    return true;
  }

  send(sock: UdpSocket, data: Uint8Array, dst: IPv4, port: number): Result<void, NetErrorCode> {
    if (port < 1 || port > 65535) return err('EINVAL');
    const stack = this.stack;
    const src = sock.localAddress !== 0 ? sock.localAddress : stack.sourceFor(dst);
    if (src === undefined) return err('ENETUNREACH');
    if (data.length > 65507) return err('EMSGSIZE');
    const buf = allocPacket(8 + data.length);
    writeU16(buf, L4_OFFSET, sock.localPort);
    writeU16(buf, L4_OFFSET + 2, port);
    writeU16(buf, L4_OFFSET + 4, 8 + data.length);
    buf.set(data, L4_OFFSET + 8);
    writeL4Checksum(buf, 17, src, dst, L4_OFFSET + 6);
    stack.enter();
    try {
      const status = stack.sendIp(buf, 17, src, dst);
      if (status !== 'ok') return err(status);
      stack.stats.udpOutDatagrams++;
      return ok(undefined);
    } finally {
      stack.leave();
    }
  }

  /** ICMP error about a datagram we sent: the quote holds our source and destination ports. */
  icmpError(quote: Uint8Array, hl: number, type: number, code: number): void {
    const s = this.sockets.get(readU16(quote, hl));
    if (s === undefined) return;
    s.icmpError(type === 3 ? errnoForUnreachable(code) : 'EHOSTUNREACH', ipv4(readU32(quote, 16)), readU16(quote, hl + 2));
  }

  private freePort(): number | undefined {
    const span = EPHEMERAL_MAX - EPHEMERAL_MIN + 1;
    for (let i = 0; i < span; i++) {
      const p = this.cursor;
      this.cursor = p === EPHEMERAL_MAX ? EPHEMERAL_MIN : p + 1;
      if (!this.sockets.has(p)) return p;
    }
    return undefined;
  }
}
