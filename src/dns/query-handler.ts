// Bytes in, bytes out: the transport-independent DNS server. The UDP/TCP listeners and
// the emulated DNS pods both call it. Chain (in order): parse -> response cache ->
// answer engine (cluster zone and reverse zones) -> forwarder (everything else).
//
// Contract:
// - Never throws. Garbage without a complete header, and responses, are dropped;
//   malformed queries with a header get FORMERR; opcodes other than QUERY get NOTIMP;
//   EDNS version > 0 gets BADVERS; an internal error gets SERVFAIL.
// - Size limit: 512 octets over UDP without EDNS, min(client's EDNS size, maxUdpSize)
//   with it, 65535 over TCP. The OPT record is echoed with that size and the DO bit.
// - RA is set: the server recurses for names outside the cluster through its forwarder.
// - Names outside our zones with no upstream configured, or whose upstreams all fail:
//   SERVFAIL (what CoreDNS's forward answers when no upstream responds).
// - An ExternalName chase the forwarder cannot complete answers the CNAME alone, so the
//   client's resolver can follow it (CoreDNS would answer NODATA).
import { performance } from 'node:perf_hooks';
import { silentLogger, type Logger } from '../core/index.js';
import { answerQuestion as answer_, type EngineResult } from './answer-engine.js';
import type { DnsReadIndex } from './cluster-index.js';
import { engineConfig, type EngineConfig } from './engine-config.js';
import type { Forwarder } from './forwarder.js';
import type { DnsMetrics, MetricsPlugin } from './metrics.js';
import { patchResponse as patch_, queryKey as key_, ResponseCache } from './response-cache.js';
import * as C from './wire/constants.js';
import { emitMessage as emit_ } from './wire/message-writer.js';
import { parseQuery as parse_, type ParsedQuery, type ParsedQuestion, type QueryHeader } from './wire/query-parser.js';
import type { Edns, ResourceRecord } from './wire/types.js';

// Module-local copies: under the tsx loader every use of an imported binding is a getter call.
const { CLASSIC_UDP_SIZE, MAX_MESSAGE_SIZE, MAX_UDP_SIZE, Rcode } = C;
const emitMessage = emit_;
const parseQuery = parse_;
const answerQuestion = answer_;
const patchResponse = patch_;
const queryKey = key_;

export interface HandleContext {
  readonly transport: 'udp' | 'tcp';
  /** Cap on UDP responses whatever the client advertises (default 4096). */
  readonly maxUdpSize?: number;
  /** Address family of the client, for metrics (default 4). */
  readonly family?: 4 | 6;
}

export type HandleOutcome =
  | { readonly kind: 'drop' }
  | { readonly kind: 'response'; readonly bytes: Buffer }
  | { readonly kind: 'pending'; readonly promise: Promise<Buffer | undefined> };

export interface DnsHandlerOptions {
  readonly index: DnsReadIndex;
  readonly config?: Partial<EngineConfig>;
  readonly forwarder?: Forwarder;
  readonly metrics?: DnsMetrics;
  /** Encoded authoritative responses kept (default 50,000; 0 turns the cache off). */
  readonly cacheMaxEntries?: number;
  readonly log?: Logger;
}

const DROP: HandleOutcome = { kind: 'drop' };

interface EdnsEcho {
  readonly udpSize: number;
  readonly do: boolean;
}

/** What the metrics need to know about a query once its response is ready. */
interface Measure {
  readonly ctx: HandleContext;
  readonly qtype: number;
  readonly do: boolean;
  readonly start: number;
  readonly requestSize: number;
}

export class DnsHandler {
  readonly config: EngineConfig;
  private readonly index: DnsReadIndex;
  private readonly forwarder: Forwarder | undefined;
  private readonly metrics: DnsMetrics | undefined;
  private readonly cache: ResponseCache;
  private readonly cacheOn: boolean;
  private readonly log: Logger;

  constructor(opts: DnsHandlerOptions) {
    this.index = opts.index;
    this.config = engineConfig(opts.config);
    this.forwarder = opts.forwarder;
    this.metrics = opts.metrics;
    this.cache = new ResponseCache(opts.cacheMaxEntries ?? 50_000);
    this.cacheOn = (opts.cacheMaxEntries ?? 50_000) > 0;
    this.log = opts.log ?? silentLogger;
  }

  /** Async form for callers that do not care about the synchronous fast path. */
  handle(query: Uint8Array, ctx: HandleContext): Promise<Buffer | undefined> {
    const o = this.respond(query, ctx);
    return o.kind === 'pending' ? o.promise : Promise.resolve(o.kind === 'response' ? o.bytes : undefined);
  }

  /** Answers synchronously when it can (cluster names, cache hits, errors); forwarding is pending. */
  respond(query: Uint8Array, ctx: HandleContext): HandleOutcome {
    const start = this.metrics !== undefined ? performance.now() : 0;
    const maxUdp = ctx.maxUdpSize === undefined ? MAX_UDP_SIZE : Math.min(ctx.maxUdpSize, MAX_MESSAGE_SIZE);
    const tcp = ctx.transport === 'tcp';
    // Fast path: a cached answer, found from the raw bytes without parsing into strings.
    const key = this.cacheOn ? queryKey(query, tcp, maxUdp) : undefined;
    const generation = this.index.generation;
    if (key !== undefined) {
      const hit = this.cache.get(query, key, generation);
      if (hit !== undefined) {
        const bytes = patchResponse(hit.bytes, query, key.nameLength);
        if (this.metrics === undefined) return { kind: 'response', bytes };
        this.metrics.cache(true, hit.rcode !== Rcode.NOERROR);
        const m: Measure = { ctx, qtype: key.qtype, do: (key.edns & 1) === 1, start, requestSize: query.length };
        return { kind: 'response', bytes: this.finish(m, bytes, hit.rcode, 'cache') };
      }
    }
    let parsed: ParsedQuery;
    try {
      parsed = parseQuery(query);
    } catch (e) {
      this.log.error('query parser threw', { error: String(e) });
      return DROP;
    }
    if (parsed.kind === 'drop') return DROP;
    const edns = parsed.edns;
    const limit = tcp ? MAX_MESSAGE_SIZE : edns !== undefined ? Math.min(edns.udpSize, maxUdp) : CLASSIC_UDP_SIZE;
    const ednsEcho = edns === undefined ? undefined : { udpSize: Math.max(CLASSIC_UDP_SIZE, Math.min(edns.udpSize, maxUdp)), do: edns.do };
    const m: Measure = { ctx, qtype: parsed.question?.type ?? 0, do: edns?.do ?? false, start, requestSize: query.length };
    try {
      if (parsed.kind === 'error') {
        const bytes = this.emit(parsed.header, parsed.question, ednsEcho, limit, parsed.rcode, false, [], [], []);
        return { kind: 'response', bytes: this.finish(m, bytes, parsed.rcode, '') };
      }
      const q = parsed.question;
      const result: EngineResult = answerQuestion(this.index, q, this.config);
      if (result.kind === 'answer') {
        const bytes = this.emit(parsed.header, q, ednsEcho, limit, result.rcode, result.aa, result.answer, result.authority, result.additional);
        this.metrics?.cache(false, false);
        if (key !== undefined) this.cache.set(query, key, generation, { bytes, rcode: result.rcode });
        return { kind: 'response', bytes: this.finish(m, bytes, result.rcode, 'kubernetes') };
      }
      return this.needsUpstream(query, parsed.header, q, edns, ednsEcho, limit, result, m);
    } catch (e) {
      this.log.error('answering failed', { error: e instanceof Error ? e.message : String(e) });
      try {
        return { kind: 'response', bytes: this.finish(m, this.servfail(parsed.header, parsed.question, ednsEcho, limit), Rcode.SERVFAIL, '') };
      } catch {
        return DROP;
      }
    }
  }

  private finish(m: Measure, bytes: Buffer, rcode: number, plugin: MetricsPlugin): Buffer {
    if (this.metrics !== undefined) {
      this.metrics.report({
        proto: m.ctx.transport,
        family: m.ctx.family ?? 4,
        qtype: m.qtype,
        rcode,
        plugin,
        do: m.do,
        seconds: (performance.now() - m.start) / 1000,
        requestSize: m.requestSize,
        responseSize: bytes.length,
      });
    }
    return bytes;
  }

  /** Forwarding, or finishing a CNAME chase that left the zone. */
  private needsUpstream(
    query: Uint8Array,
    header: QueryHeader,
    q: ParsedQuestion,
    edns: Edns | undefined,
    ednsEcho: EdnsEcho | undefined,
    limit: number,
    result: Exclude<EngineResult, { kind: 'answer' }>,
    m: Measure,
  ): HandleOutcome {
    const fwd = this.forwarder;
    const servfail = (): Buffer => this.finish(m, this.servfail(header, q, ednsEcho, limit), Rcode.SERVFAIL, 'forward');
    if (result.kind === 'forward') {
      if (fwd === undefined || !fwd.hasUpstreams) return { kind: 'response', bytes: servfail() };
      const promise = fwd.forward(query, q, edns, m.ctx.transport).then(
        (o) => (o.kind === 'response' ? this.finish(m, o.bytes, o.bytes[3]! & 0x0f, 'forward') : servfail()),
        () => servfail(),
      );
      return { kind: 'pending', promise };
    }
    const chain = result.answer;
    const cnameOnly = (): Buffer => this.finish(m, this.emit(header, q, ednsEcho, limit, Rcode.NOERROR, true, chain, [], []), Rcode.NOERROR, 'kubernetes');
    if (fwd === undefined || !fwd.hasUpstreams) return { kind: 'response', bytes: cnameOnly() };
    const promise = fwd.lookup(result.target, result.qtype).then(
      (o) => {
        if (o.kind !== 'answer') return cnameOnly();
        const rcode = o.rcode === Rcode.NXDOMAIN ? Rcode.NXDOMAIN : Rcode.NOERROR;
        return this.finish(m, this.emit(header, q, ednsEcho, limit, rcode, true, [...chain, ...o.answer], [], []), rcode, 'kubernetes');
      },
      () => cnameOnly(),
    );
    return { kind: 'pending', promise };
  }

  private servfail(header: QueryHeader, q: ParsedQuestion | undefined, edns: EdnsEcho | undefined, limit: number): Buffer {
    return this.emit(header, q, edns, limit, Rcode.SERVFAIL, false, [], [], []);
  }

  private emit(
    header: QueryHeader,
    q: ParsedQuestion | undefined,
    edns: EdnsEcho | undefined,
    limit: number,
    rcode: number,
    aa: boolean,
    answer: readonly ResourceRecord[],
    authority: readonly ResourceRecord[],
    additional: readonly ResourceRecord[],
  ): Buffer {
    return emitMessage(
      {
        id: header.id,
        opcode: header.opcode,
        flags: { aa, rd: header.rd, ra: true, cd: header.cd },
        rcode,
        ...(q !== undefined ? { question: { wire: q.wire, lower: q.lower, type: q.type, class: q.class } } : {}),
        answer,
        authority,
        additional,
        ...(edns !== undefined ? { edns } : {}),
      },
      limit,
    ).bytes;
  }
}
