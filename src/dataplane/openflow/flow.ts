// A flow: the OpenFlow rule (table, priority, match, actions, cookie, timeouts) and,
// once installed, its counters and timestamps.
import type { Action } from './actions.js';
import type { ClsRule } from './classifier.js';
import { Match } from './match.js';

export const OFP_DEFAULT_PRIORITY = 32768;

export interface FlowFlags {
  readonly sendFlowRem?: boolean;
  readonly checkOverlap?: boolean;
  /** On add/modify of an existing flow: zero the counters instead of carrying them over. */
  readonly resetCounts?: boolean;
}

export interface FlowSpec {
  readonly table: number;
  readonly priority: number;
  readonly cookie: bigint;
  /** Seconds; 0 = permanent. */
  readonly idleTimeout: number;
  readonly hardTimeout: number;
  readonly importance: number;
  readonly flags: FlowFlags;
  readonly match: Match;
  readonly actions: readonly Action[];
}

export interface FlowSpecInit {
  readonly table?: number;
  readonly priority?: number;
  readonly cookie?: bigint;
  readonly idleTimeout?: number;
  readonly hardTimeout?: number;
  readonly importance?: number;
  readonly flags?: FlowFlags;
  readonly match?: Match;
  readonly actions?: readonly Action[];
}

export function flowSpec(init: FlowSpecInit): FlowSpec {
  return {
    table: init.table ?? 0,
    priority: init.priority ?? OFP_DEFAULT_PRIORITY,
    cookie: init.cookie ?? 0n,
    idleTimeout: init.idleTimeout ?? 0,
    hardTimeout: init.hardTimeout ?? 0,
    importance: init.importance ?? 0,
    flags: init.flags ?? {},
    match: init.match ?? Match.catchAll(),
    actions: init.actions ?? [],
  };
}

/** Counters as dump-flows prints them (also used to restore a dump). */
export interface FlowStats {
  readonly durationMs: number;
  readonly nPackets: number;
  readonly nBytes: number;
  readonly idleAgeMs?: number;
}

/** An installed flow. Counters and timestamps are mutated by the pipeline. */
export class FlowEntry implements ClsRule, FlowSpec {
  readonly table: number;
  readonly priority: number;
  readonly cookie: bigint;
  readonly idleTimeout: number;
  readonly hardTimeout: number;
  readonly importance: number;
  readonly flags: FlowFlags;
  readonly match: Match;
  readonly actions: readonly Action[];
  /** Position in dumps (kept when a flow is replaced by an identical one). */
  readonly order: number;
  /** Tie-break among equal-priority overlapping flows: lower wins (OVS leaves it undefined). */
  readonly seq: number;
  created: number;
  lastUsed: number;
  nPackets = 0;
  nBytes = 0;
  /** Absolute time (ms) at which the flow stops matching; Infinity when permanent. */
  expiresAt: number;

  constructor(spec: FlowSpec, now: number, order: number, seq: number) {
    this.table = spec.table;
    this.priority = spec.priority;
    this.cookie = spec.cookie;
    this.idleTimeout = spec.idleTimeout;
    this.hardTimeout = spec.hardTimeout;
    this.importance = spec.importance;
    this.flags = spec.flags;
    this.match = spec.match;
    this.actions = spec.actions;
    this.order = order;
    this.seq = seq;
    this.created = now;
    this.lastUsed = now;
    this.expiresAt = Infinity;
    this.updateExpiry();
  }

  /** Counts a packet and refreshes the idle deadline. */
  hit(bytes: number, now: number): void {
    this.nPackets++;
    this.nBytes += bytes;
    if (now > this.lastUsed) this.lastUsed = now;
    if (this.idleTimeout !== 0) this.updateExpiry();
  }

  updateExpiry(): void {
    const hard = this.hardTimeout !== 0 ? this.created + this.hardTimeout * 1000 : Infinity;
    const idle = this.idleTimeout !== 0 ? this.lastUsed + this.idleTimeout * 1000 : Infinity;
    this.expiresAt = Math.min(hard, idle);
  }

  /** 'idle' / 'hard' when the flow has timed out at `now`. */
  expiredReason(now: number): 'idle' | 'hard' | undefined {
    if (this.hardTimeout !== 0 && now >= this.created + this.hardTimeout * 1000) return 'hard';
    if (this.idleTimeout !== 0 && now >= this.lastUsed + this.idleTimeout * 1000) return 'idle';
    return undefined;
  }

  stats(now: number): FlowStats {
    return { durationMs: now - this.created, nPackets: this.nPackets, nBytes: this.nBytes, idleAgeMs: now - this.lastUsed };
  }
}
