// Encoded responses of authoritative answers, looked up straight from the query bytes.
//
// The key is everything that shapes the response bytes except what differs between two
// askers of the same question: the question name lower-cased (wire form), type and
// class, the size limit and the EDNS echo (size, DO). On a hit the stored message is
// copied and the asker's id, RD/CD bits and question-name bytes (its letter case) are
// written into the copy; names compressed against the question follow the new case.
// A hit never parses the query into strings: `queryKey` walks the bytes once and hashes
// them (FNV-1a), which keeps the cached path to about a microsecond.
//
// The whole cache is dropped when the index generation moves: any change to the cluster
// state can change any answer (a new service turns NXDOMAIN into an answer), and changes
// are rare next to queries.

export interface QueryKey {
  readonly hash: number;
  /** Offset just past qtype/qclass: the key bytes are query[12, end). */
  readonly end: number;
  readonly nameLength: number;
  readonly qtype: number;
  readonly limit: number;
  /** 0 without EDNS, else (echoed UDP size) * 2 + DO. */
  readonly edns: number;
}

export interface CachedResponse {
  readonly bytes: Buffer;
  readonly rcode: number;
}

interface Entry extends CachedResponse {
  readonly key: Uint8Array;
  readonly limit: number;
  readonly edns: number;
}

const lower = (c: number): number => (c >= 0x41 && c <= 0x5a ? c | 0x20 : c);

/**
 * The cache key of a plain query (QUERY opcode, one question, no answer/authority
 * records, at most one additional record which must be a version-0 OPT), or undefined
 * for anything else (those take the full path and are not cached).
 */
export function queryKey(q: Uint8Array, tcp: boolean, maxUdp: number): QueryKey | undefined {
  const len = q.length;
  if (len < 17 || (q[2]! & 0xf8) !== 0 || q[4] !== 0 || q[5] !== 1 || q[6] !== 0 || q[7] !== 0 || q[8] !== 0 || q[9] !== 0 || q[10] !== 0) return undefined;
  const ar = q[11]!;
  if (ar > 1) return undefined;
  let h = 0x811c9dc5;
  let pos = 12;
  for (;;) {
    const l = q[pos]!;
    if (l === 0) break;
    if ((l & 0xc0) !== 0 || pos + 1 + l >= len) return undefined;
    h = Math.imul(h ^ l, 0x01000193);
    for (let i = pos + 1; i <= pos + l; i++) h = Math.imul(h ^ lower(q[i]!), 0x01000193);
    pos += l + 1;
  }
  const nameLength = pos + 1 - 12;
  if (nameLength > 255) return undefined;
  const end = pos + 5;
  if (end > len) return undefined;
  for (let i = pos; i < end; i++) h = Math.imul(h ^ q[i]!, 0x01000193);
  const qtype = (q[pos + 1]! << 8) | q[pos + 2]!;
  let edns = 0;
  let limit: number;
  if (ar === 1) {
    // root owner, type OPT, version 0, options (if any) inside the message
    if (end + 11 > len || q[end] !== 0 || q[end + 1] !== 0 || q[end + 2] !== 41 || q[end + 6] !== 0) return undefined;
    if (end + 11 + ((q[end + 9]! << 8) | q[end + 10]!) > len) return undefined;
    const size = Math.max(512, (q[end + 3]! << 8) | q[end + 4]!);
    const echo = Math.max(512, Math.min(size, maxUdp));
    edns = echo * 2 + (q[end + 7]! & 0x80 ? 1 : 0) + 2;
    limit = tcp ? 65535 : Math.min(size, maxUdp);
  } else limit = tcp ? 65535 : 512;
  h = Math.imul(h ^ limit, 0x01000193);
  h = Math.imul(h ^ edns, 0x01000193) >>> 0;
  return { hash: h, end, nameLength, qtype, limit, edns };
}

export class ResponseCache {
  private readonly map = new Map<number, Entry[]>();
  private entries = 0;
  private generation = -1;

  constructor(private readonly maxEntries: number) {}

  get size(): number {
    return this.entries;
  }

  private sync(generation: number): void {
    if (generation !== this.generation) {
      this.map.clear();
      this.entries = 0;
      this.generation = generation;
    }
  }

  get(query: Uint8Array, k: QueryKey, generation: number): CachedResponse | undefined {
    this.sync(generation);
    const list = this.map.get(k.hash);
    if (list === undefined) return undefined;
    outer: for (const e of list) {
      if (e.limit !== k.limit || e.edns !== k.edns || e.key.length !== k.end - 12) continue;
      for (let i = 0; i < e.key.length; i++) if (e.key[i] !== lower(query[12 + i]!)) continue outer;
      return e;
    }
    return undefined;
  }

  set(query: Uint8Array, k: QueryKey, generation: number, value: CachedResponse): void {
    if (this.maxEntries <= 0) return;
    this.sync(generation);
    if (this.entries >= this.maxEntries) {
      const oldest = this.map.entries().next();
      if (oldest.done !== true) {
        this.map.delete(oldest.value[0]);
        this.entries -= oldest.value[1].length;
      }
    }
    const key = new Uint8Array(k.end - 12);
    for (let i = 0; i < key.length; i++) key[i] = lower(query[12 + i]!);
    const entry: Entry = { key, limit: k.limit, edns: k.edns, bytes: value.bytes, rcode: value.rcode };
    const list = this.map.get(k.hash);
    if (list === undefined) this.map.set(k.hash, [entry]);
    else list.push(entry);
    this.entries++;
  }
}

/** A copy of `template` answering `query`: id, RD and CD from the query, question name bytes from the query. */
export function patchResponse(template: Buffer, query: Uint8Array, questionWireLength: number): Buffer {
  const out = Buffer.allocUnsafe(template.length);
  template.copy(out);
  out[0] = query[0]!;
  out[1] = query[1]!;
  out[2] = (out[2]! & 0xfe) | (query[2]! & 0x01);
  out[3] = (out[3]! & 0xef) | (query[3]! & 0x10);
  for (let i = 12; i < 12 + questionWireLength; i++) out[i] = query[i]!;
  return out;
}
