// OpenFlow groups: select (one bucket per packet, chosen by a hash of the connection),
// all (every bucket, each on its own copy of the packet), indirect (the single bucket).
//
// Select uses a symmetric 5-tuple hash, like OVS's default dp_hash method (the Linux
// flow hash is symmetric): both directions of a connection land in the same bucket, and
// a new connection (new source port) lands in an effectively random one, so the spread
// over buckets follows their weights.
import type { FlowKey } from '../flow-key.js';
import { IP_PROTO_TCP, IP_PROTO_UDP } from '../flow-key.js';
import type { Action } from './actions.js';

export type GroupType = 'all' | 'select' | 'indirect' | 'ff';

export interface BucketSpec {
  readonly bucketId: number;
  readonly weight: number;
  readonly watchPort?: number;
  readonly watchGroup?: number;
  readonly actions: readonly Action[];
}

export interface GroupSpec {
  readonly groupId: number;
  readonly type: GroupType;
  readonly buckets: readonly BucketSpec[];
  /** e.g. "dp_hash" / "hash"; printed when set. The selection here is the same for all. */
  readonly selectionMethod?: string;
}

export interface BucketInit {
  readonly bucketId?: number;
  readonly weight?: number;
  readonly watchPort?: number;
  readonly watchGroup?: number;
  readonly actions: readonly Action[];
}

/** Fills defaults as ovs-ofctl does: bucket ids by position, weight 1 for select, else 0. */
export function groupSpec(groupId: number, type: GroupType, buckets: readonly BucketInit[]): GroupSpec {
  return {
    groupId,
    type,
    buckets: buckets.map((b, i) => ({
      bucketId: b.bucketId ?? i,
      weight: b.weight ?? (type === 'select' ? 1 : 0),
      ...(b.watchPort !== undefined ? { watchPort: b.watchPort } : {}),
      ...(b.watchGroup !== undefined ? { watchGroup: b.watchGroup } : {}),
      actions: b.actions,
    })),
  };
}

export class BucketEntry implements BucketSpec {
  readonly bucketId: number;
  readonly weight: number;
  readonly watchPort?: number;
  readonly watchGroup?: number;
  readonly actions: readonly Action[];
  packetCount = 0;
  byteCount = 0;

  constructor(b: BucketSpec) {
    this.bucketId = b.bucketId;
    this.weight = b.weight;
    if (b.watchPort !== undefined) this.watchPort = b.watchPort;
    if (b.watchGroup !== undefined) this.watchGroup = b.watchGroup;
    this.actions = b.actions;
  }
}

export class GroupEntry implements GroupSpec {
  readonly groupId: number;
  readonly type: GroupType;
  readonly buckets: readonly BucketEntry[];
  readonly selectionMethod?: string;
  readonly created: number;
  packetCount = 0;
  byteCount = 0;
  /** Cumulative weights of select buckets (0-weight buckets are never chosen). */
  private readonly cumulative: Uint32Array;
  private readonly totalWeight: number;

  constructor(spec: GroupSpec, created: number) {
    this.groupId = spec.groupId;
    this.type = spec.type;
    this.buckets = spec.buckets.map((b) => new BucketEntry(b));
    if (spec.selectionMethod !== undefined) this.selectionMethod = spec.selectionMethod;
    this.created = created;
    this.cumulative = new Uint32Array(this.buckets.length);
    let total = 0;
    this.buckets.forEach((b, i) => {
      total += b.weight;
      this.cumulative[i] = total;
    });
    this.totalWeight = total;
  }

  /** The bucket a select group uses for this hash, or undefined when no bucket has weight. */
  selectBucket(hash: number): BucketEntry | undefined {
    if (this.totalWeight === 0) return undefined;
    const point = (hash >>> 0) % this.totalWeight;
    const c = this.cumulative;
    let lo = 0;
    let hi = c.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((c[mid] as number) > point) hi = mid;
      else lo = mid + 1;
    }
    return this.buckets[lo];
  }
}

function fmix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/**
 * Symmetric hash of (addresses, protocol, ports): the endpoints are ordered before
 * hashing, so A:a -> B:b and B:b -> A:a give the same value. Ports count for TCP/UDP
 * only (ICMP "ports" are type/code, which differ between request and reply).
 */
export function symmetricFlowHash(k: FlowKey, basis = 0): number {
  let a = k.nwSrc >>> 0;
  let b = k.nwDst >>> 0;
  let pa = 0;
  let pb = 0;
  if (k.nwProto === IP_PROTO_TCP || k.nwProto === IP_PROTO_UDP) {
    pa = k.tpSrc;
    pb = k.tpDst;
  }
  if (a > b || (a === b && pa > pb)) {
    const t = a;
    a = b;
    b = t;
    const tp = pa;
    pa = pb;
    pb = tp;
  }
  let h = fmix(basis ^ 0x2545f491);
  h = fmix(h ^ a);
  h = fmix((h + b) | 0);
  h = fmix(h ^ ((pa << 16) | pb));
  h = fmix((h + k.nwProto) | 0);
  return h;
}
