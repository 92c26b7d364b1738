// Getting DNS messages to a server and back over the pod's stack: a connected UDP
// socket per server (so ICMP port unreachable comes back as ECONNREFUSED, as with
// glibc's connected sockets, and a late answer to an earlier try still counts), and
// one-shot TCP exchanges with the 2-byte length framing of RFC 1035 4.2.2.
import type { Clock } from '../../core/clock.js';
import type { IPv4 } from '../../core/ip.js';
import type { HostStack, NetErrorCode, TcpSocket, UdpSocket } from '../host/index.js';
import { NetError } from '../host/index.js';
import { err, ok, type Result } from '../../core/result.js';
import { answersQuery, encodeQuery, parseReply, type DnsReply, type QuerySpec } from './dns-message.js';
import { waitFor } from './wait.js';

export interface DnsServer {
  readonly address: IPv4;
  readonly port: number;
}

export type ReceiveOutcome =
  | { readonly kind: 'reply'; readonly reply: DnsReply }
  | { readonly kind: 'timeout' }
  | { readonly kind: 'error'; readonly code: NetErrorCode }
  | { readonly kind: 'aborted' };

export type ExchangeOutcome =
  | { readonly kind: 'reply'; readonly reply: DnsReply; readonly transport: 'udp' | 'tcp'; readonly rttMs: number }
  | { readonly kind: 'timeout' }
  | { readonly kind: 'error'; readonly code: NetErrorCode }
  | { readonly kind: 'aborted' };

type Item = { readonly kind: 'reply'; readonly reply: DnsReply } | { readonly kind: 'error'; readonly code: NetErrorCode };

export class UdpDnsChannel {
  private readonly queue: Item[] = [];
  private wake: (() => void) | undefined;

  private constructor(
    private readonly sock: UdpSocket,
    readonly server: DnsServer,
  ) {
    sock.onMessage((m) => {
      const r = parseReply(m.data);
      // Garbage and stray datagrams are dropped, as a resolver waiting on its id does.
      if (r.ok) this.push({ kind: 'reply', reply: r.value });
    });
    sock.onError((code) => this.push({ kind: 'error', code }));
  }

  static open(stack: HostStack, server: DnsServer): Result<UdpDnsChannel, NetErrorCode> {
    const s = stack.udpBind();
    if (!s.ok) return s;
    s.value.connect(server.address, server.port);
    return ok(new UdpDnsChannel(s.value, server));
  }

  send(bytes: Uint8Array): Result<void, NetErrorCode> {
    return this.sock.send(bytes);
  }

  /** The next reply that `accept` takes (others are dropped), an ICMP error, or a timeout. */
  async receive(clock: Clock, ms: number, signal: AbortSignal | undefined, accept: (r: DnsReply) => boolean): Promise<ReceiveOutcome> {
    const deadline = clock.now() + ms;
    for (;;) {
      const item = this.queue.shift();
      if (item !== undefined) {
        if (item.kind === 'error' || accept(item.reply)) return item;
        continue;
      }
      const arrived = new Promise<void>((resolve) => (this.wake = resolve));
      const w = await waitFor(clock, arrived, Math.max(0, deadline - clock.now()), signal);
      this.wake = undefined;
      if (w.kind !== 'value') return w;
    }
  }

  close(): void {
    this.sock.close();
  }

  private push(item: Item): void {
    this.queue.push(item);
    this.wake?.();
  }
}

/**
 * One try per the usual stub resolver loop: send the query, wait up to timeoutMs for the
 * matching answer. A truncated answer is retried over TCP within the same budget
 * (glibc and musl >= 1.2.4 do; busybox nslookup does not).
 */
export async function udpTry(
  stack: HostStack,
  clock: Clock,
  ch: UdpDnsChannel,
  spec: QuerySpec,
  wire: Uint8Array,
  timeoutMs: number,
  signal?: AbortSignal,
  tcpOnTruncation = true,
): Promise<ExchangeOutcome> {
  const start = clock.now();
  const sent = ch.send(wire);
  if (!sent.ok) return { kind: 'error', code: sent.error };
  const r = await ch.receive(clock, timeoutMs, signal, (rep) => answersQuery(rep, spec));
  if (r.kind !== 'reply') return r;
  if (r.reply.flags.tc && tcpOnTruncation) {
    return tcpExchange(stack, clock, ch.server, spec, wire, Math.max(1, timeoutMs - (clock.now() - start)), signal);
  }
  return { kind: 'reply', reply: r.reply, transport: 'udp', rttMs: clock.now() - start };
}

/** Connect, send the length-prefixed query, read one length-prefixed answer. */
export async function tcpExchange(
  stack: HostStack,
  clock: Clock,
  server: DnsServer,
  spec: QuerySpec,
  wire: Uint8Array = encodeQuery(spec),
  timeoutMs: number,
  signal?: AbortSignal,
): Promise<ExchangeOutcome> {
  const start = clock.now();
  // Once the caller has given up, a connection that still completes is torn down.
  let gaveUp = false;
  let open: TcpSocket | undefined;
  const work = (async (): Promise<Result<DnsReply, NetErrorCode | 'eof'>> => {
    const sock = await stack.connect(server.address, server.port);
    if (gaveUp) {
      sock.destroy();
      return err('eof');
    }
    open = sock;
    try {
      const framed = new Uint8Array(wire.length + 2);
      framed[0] = wire.length >> 8;
      framed[1] = wire.length & 0xff;
      framed.set(wire, 2);
      sock.write(framed);
      let buf = new Uint8Array(0);
      for (;;) {
        const chunk = await sock.read();
        if (chunk === null) return err('eof');
        const next = new Uint8Array(buf.length + chunk.length);
        next.set(buf);
        next.set(chunk, buf.length);
        buf = next;
        if (buf.length < 2) continue;
        const len = (buf[0]! << 8) | buf[1]!;
        if (buf.length < len + 2) continue;
        const r = parseReply(buf.subarray(2, len + 2));
        if (r.ok && answersQuery(r.value, spec)) return ok(r.value);
        return err('eof');
      }
    } finally {
      if (sock.writable) sock.end();
    }
  })().catch((e: unknown) => err(e instanceof NetError ? e.code : ('EINVAL' as NetErrorCode)));
  const w = await waitFor(clock, work, timeoutMs, signal);
  if (w.kind !== 'value') {
    gaveUp = true;
    open?.destroy();
    return w;
  }
  if (!w.value.ok) return w.value.error === 'eof' ? { kind: 'error', code: 'ECONNRESET' } : { kind: 'error', code: w.value.error };
  return { kind: 'reply', reply: w.value.value, transport: 'tcp', rttMs: clock.now() - start };
}
