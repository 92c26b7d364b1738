// Forwards names outside the cluster zone to upstream servers, with a small cache that
// respects TTLs (CoreDNS's `forward` + `cache 30`, reduced to what a cluster DNS needs).
//
// - `forward` relays the client's own query (new message id) and hands back the upstream's
//   response with the client's id: EDNS, DO and the size limit are the client's, so the
//   response fits what the client asked for. Upstreams are tried in turn (rotating start),
//   each once, `timeoutMs` per attempt, over the client's transport.
// - `lookup` resolves (name, type) for a CNAME chase out of the cluster zone.
// - Cache: NOERROR and NXDOMAIN responses without TC, for min(record TTLs, maxTtl) seconds
//   (negative: the SOA's min(TTL, MINIMUM), RFC 2308); a hit is the stored message with
//   the id, RD/CD bits and question case of the new query patched in and every TTL
//   lowered by the time spent in the cache. FIFO eviction at `cacheMaxEntries`.
// - No upstreams configured: every forward fails at once ('no-upstreams'); the handler
//   answers SERVFAIL, which is also what CoreDNS answers when no upstream responds.
import { decode, type Answer as PacketAnswer } from 'dns-packet';
import { realClock, type Clock } from '../core/index.js';
import { SocketTransport, type Upstream, type UpstreamTransport } from './upstream-transport.js';
import { buildQuery, Rcode, scanResponse, type Edns, type ResourceRecord } from './wire/index.js';
import type { ParsedQuestion } from './wire/index.js';

export interface ForwarderOptions {
  readonly upstreams: readonly Upstream[];
  readonly transport?: UpstreamTransport;
  readonly clock?: Clock;
  /** Per attempt (default 2000 ms). */
  readonly timeoutMs?: number;
  readonly cacheMaxEntries?: number;
  /** Upper bound on how long anything is cached, in seconds (default 30, as `cache 30`). */
  readonly cacheMaxTtl?: number;
  readonly random?: () => number;
}

export type ForwardFailure = 'no-upstreams' | 'timeout' | 'network' | 'bad-response';
export type ForwardOutcome = { readonly kind: 'response'; readonly bytes: Buffer; readonly cached: boolean } | { readonly kind: 'failed'; readonly reason: ForwardFailure };
export type LookupOutcome = { readonly kind: 'answer'; readonly rcode: number; readonly answer: readonly ResourceRecord[] } | { readonly kind: 'failed'; readonly reason: ForwardFailure };

interface CacheEntry {
  readonly bytes: Buffer;
  readonly storedMs: number;
  readonly expiresMs: number;
  readonly ttlOffsets: readonly number[];
}

function sameQuestion(resp: Uint8Array, wire: Uint8Array): boolean {
  if (resp.length < 12 + wire.length) return false;
  for (let i = 0; i < wire.length; i++) {
    let a = resp[12 + i]!;
    let b = wire[i]!;
    if (a >= 0x41 && a <= 0x5a) a |= 0x20;
    if (b >= 0x41 && b <= 0x5a) b |= 0x20;
    if (a !== b) return false;
  }
  return true;
}

export function packetAnswerToRecord(a: PacketAnswer): ResourceRecord | undefined {
  if (a.type === 'OPT') return undefined;
  const name = a.name;
  const ttl = a.ttl ?? 0;
  switch (a.type) {
    case 'A':
    case 'AAAA':
    case 'CNAME':
    case 'PTR':
    case 'NS':
      return { name, type: a.type, ttl, data: a.data };
    case 'TXT': {
      const d = a.data;
      const parts = Array.isArray(d) ? d : [d];
      return { name, type: 'TXT', ttl, data: parts.map((p) => (typeof p === 'string' ? p : p.toString('utf8'))) };
    }
    case 'SRV':
      return { name, type: 'SRV', ttl, data: { priority: a.data.priority ?? 0, weight: a.data.weight ?? 0, port: a.data.port, target: a.data.target } };
    case 'SOA':
      return {
        name,
        type: 'SOA',
        ttl,
        data: { mname: a.data.mname, rname: a.data.rname, serial: a.data.serial ?? 0, refresh: a.data.refresh ?? 0, retry: a.data.retry ?? 0, expire: a.data.expire ?? 0, minimum: a.data.minimum ?? 0 },
      };
    default:
      return undefined;
  }
}

export class Forwarder {
  private readonly transport: UpstreamTransport;
  private readonly clock: Clock;
  private readonly timeoutMs: number;
  private readonly maxEntries: number;
  private readonly maxTtl: number;
  private readonly random: () => number;
  private readonly cache = new Map<string, CacheEntry>();
  private readonly lookups = new Map<string, { readonly expiresMs: number; readonly outcome: LookupOutcome }>();
  private next = 0;

  constructor(private readonly opts: ForwarderOptions) {
    this.transport = opts.transport ?? new SocketTransport(opts.clock !== undefined ? { clock: opts.clock } : {});
    this.clock = opts.clock ?? realClock;
    this.timeoutMs = opts.timeoutMs ?? 2000;
    this.maxEntries = opts.cacheMaxEntries ?? 10_000;
    this.maxTtl = opts.cacheMaxTtl ?? 30;
    this.random = opts.random ?? Math.random;
  }

  get hasUpstreams(): boolean {
    return this.opts.upstreams.length > 0;
  }

  get cacheSize(): number {
    return this.cache.size;
  }

  /** Sends (id, query) to the upstreams in turn until one answers with a matching response. */
  private async exchange(query: Buffer, wire: Uint8Array, proto: 'udp' | 'tcp'): Promise<{ ok: true; bytes: Buffer } | { ok: false; reason: ForwardFailure }> {
    const ups = this.opts.upstreams;
    if (ups.length === 0) return { ok: false, reason: 'no-upstreams' };
    const start = this.next++ % ups.length;
    let reason: ForwardFailure = 'network';
    for (let i = 0; i < ups.length; i++) {
      const server = ups[(start + i) % ups.length]!;
      const id = Math.floor(this.random() * 0x10000) & 0xffff;
      query.writeUInt16BE(id, 0);
      const r = await this.transport.exchange(server, query, proto, this.timeoutMs);
      if (!r.ok) {
        reason = r.error;
        continue;
      }
      if (r.bytes.length < 12 || r.bytes.readUInt16BE(0) !== id || (r.bytes[2]! & 0x80) === 0 || !sameQuestion(r.bytes, wire)) {
        reason = 'bad-response';
        continue;
      }
      return { ok: true, bytes: r.bytes };
    }
    return { ok: false, reason };
  }

  private cacheTtl(bytes: Buffer): { ttl: number; offsets: readonly number[] } | undefined {
    const scan = scanResponse(bytes);
    if (scan === undefined || scan.truncated) return undefined;
    if (scan.rcode !== Rcode.NOERROR && scan.rcode !== Rcode.NXDOMAIN) return undefined;
    const ttl = scan.answerCount > 0 ? scan.minTtl : scan.negativeTtl;
    if (ttl === undefined || ttl <= 0) return undefined;
    return { ttl: Math.min(ttl, this.maxTtl), offsets: scan.ttlOffsets };
  }

  private remember<V>(map: Map<string, V>, key: string, value: V): void {
    if (map.size >= this.maxEntries && !map.has(key)) {
      const oldest = map.keys().next();
      if (oldest.done !== true) map.delete(oldest.value);
    }
    map.set(key, value);
  }

  /** Relays a client's query. `query` is the client's message (left untouched). */
  async forward(query: Uint8Array, q: ParsedQuestion, edns: Edns | undefined, proto: 'udp' | 'tcp'): Promise<ForwardOutcome> {
    const clientId = (query[0]! << 8) | query[1]!;
    const key = `${q.lower}|${q.type}|${q.class}|${edns === undefined ? '-' : `${edns.udpSize}${edns.do ? 'd' : ''}`}|${proto}`;
    const now = this.clock.now();
    const hit = this.cache.get(key);
    if (hit !== undefined) {
      if (hit.expiresMs > now) {
        const out = Buffer.from(hit.bytes);
        out.writeUInt16BE(clientId, 0);
        out[2] = (out[2]! & ~0x01) | (query[2]! & 0x01);
        out[3] = (out[3]! & ~0x10) | (query[3]! & 0x10);
        out.set(q.wire, 12);
        const aged = Math.floor((now - hit.storedMs) / 1000);
        for (const off of hit.ttlOffsets) out.writeUInt32BE(Math.max(0, out.readUInt32BE(off) - aged), off);
        return { kind: 'response', bytes: out, cached: true };
      }
      this.cache.delete(key);
    }
    const r = await this.exchange(Buffer.from(query), q.wire, proto);
    if (!r.ok) return { kind: 'failed', reason: r.reason };
    const bytes = Buffer.from(r.bytes);
    bytes.writeUInt16BE(clientId, 0);
    const c = this.cacheTtl(bytes);
    if (c !== undefined) this.remember(this.cache, key, { bytes, storedMs: now, expiresMs: now + c.ttl * 1000, ttlOffsets: c.offsets });
    return { kind: 'response', bytes: Buffer.from(bytes), cached: false };
  }

  /** Resolves (name, qtype) upstream, for a CNAME chase; answer-section records only. */
  async lookup(name: string, qtype: number): Promise<LookupOutcome> {
    const key = `${name.toLowerCase()}|${qtype}`;
    const now = this.clock.now();
    const hit = this.lookups.get(key);
    if (hit !== undefined && hit.expiresMs > now) return hit.outcome;
    let query: Buffer;
    try {
      query = buildQuery(0, name, qtype, { ednsUdpSize: 1232 });
    } catch {
      return { kind: 'failed', reason: 'bad-response' };
    }
    const wire = query.subarray(12, query.length - 4 - 11);
    let r = await this.exchange(query, wire, 'udp');
    if (r.ok && (r.bytes[2]! & 0x02) !== 0) r = await this.exchange(query, wire, 'tcp');
    if (!r.ok) return { kind: 'failed', reason: r.reason };
    let answer: ResourceRecord[];
    let rcode: number;
    try {
      const p = decode(r.bytes);
      rcode = r.bytes[3]! & 0x0f;
      answer = (p.answers ?? []).map(packetAnswerToRecord).filter((x): x is ResourceRecord => x !== undefined);
    } catch {
      return { kind: 'failed', reason: 'bad-response' };
    }
    const outcome: LookupOutcome = { kind: 'answer', rcode, answer };
    const c = this.cacheTtl(r.bytes);
    if (c !== undefined) this.remember(this.lookups, key, { expiresMs: now + c.ttl * 1000, outcome });
    return outcome;
  }

  close(): void {
    this.transport.close();
  }
}
