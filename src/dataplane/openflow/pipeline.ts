// The OpenFlow pipeline of one bridge: runs a packet's FlowKey through the tables of a
// BridgeProgram the way ovs-vswitchd translates a packet (ofproto-dpif-xlate.c):
//
//  - lookup starts at table 0; a miss there (or after goto_table) drops the packet
//    (OpenFlow 1.3 table-miss) or punts it to the controller if configured;
//  - actions run in order; resubmit(port,table) is a nested lookup whose changes
//    persist except in_port, which is restored; goto_table continues in a later table;
//  - group buckets run on a copy of the packet (select: one bucket chosen by a
//    symmetric 5-tuple hash; all: every bucket; indirect: the bucket);
//  - ct(...) hands the packet to the injected connection tracker. With table=N the
//    tracked copy (ct_state/ct_zone/ct_mark set, NAT applied) is recirculated into
//    table N after the current pass, while the current pass continues untracked (ct
//    fields cleared) — the "fork" ovs-actions(7) describes. Without table=, NAT is
//    applied to the packet in place and the ct fields are cleared.
//  - nesting is limited like OVS: 64 levels of resubmit/goto/group, 4096 resubmits per
//    packet, and a bounded number of recirculations; exceeding a limit drops the whole
//    packet with a reason.
//
// Packets are copy-on-write: outputs hold the key as it was when output, and a later
// modification copies it first, so the common path (no rewrite after output) does not
// copy at all. The caller's key is never written. After ct(table=N) the untracked
// continuation is materialised lazily: the article's flows end with ct(), so usually
// the tracked copy is the only one ever made.
import type { CtQuotedTuple, CtResult, CtTuple } from '../conntrack/types.js';
import { CT_INV, CT_TRK, ETH_TYPE_IPV4, type FlowKey } from '../flow-key.js';
import type { Action, CtAction, LearnAction } from './actions.js';
import type { BridgeProgram } from './bridge-program.js';
import { fillVector, N_SLOTS, readSubField } from './fields.js';
import { formatAction, formatCt } from './format-actions.js';
import { formatFlow } from './format-flow.js';
import { type FlowEntry } from './flow.js';
import { symmetricFlowHash, type BucketEntry } from './group.js';
import { buildLearnedFlow } from './learn.js';
import type { NormalSwitch } from './normal-switch.js';
import {
  OFPP_ALL,
  OFPP_CONTROLLER,
  OFPP_FLOOD,
  OFPP_IN_PORT,
  OFPP_LOCAL,
  OFPP_MAX,
  OFPP_NONE,
  OFPP_NORMAL,
  OFPP_TABLE,
  formatPort,
  type PortMap,
} from './port-map.js';
import { applyTranslation, clearCt, fillPacketInfo, fillRequest, scratchInfo, scratchRequest } from './pipeline-ct.js';
import {
  MAX_DEPTH,
  MAX_RECIRCULATIONS,
  MAX_RESUBMITS,
  type ConntrackLike,
  type ControllerReason,
  type OpenFlowBridgeOptions,
  type PipelineOutput,
  type PipelineResult,
  type ProcessOptions,
} from './pipeline-types.js';
import { shallowKey } from './key-copy.js';
import { applyRewrite, rewriteChanges, writesRegs, type RewriteAction } from './rewrite.js';
import type { DropReason, TraceEvent } from './trace.js';

export * from './pipeline-types.js';
export { copyFlowKey } from './key-copy.js';

/** Shared by results without a trace (it is readonly): saves an allocation per packet. */
const NO_TRAIL: readonly TraceEvent[] = Object.freeze([]);
const NO_OUTPUT: DropReason = Object.freeze({ kind: 'no-output' });

class Abort {
  constructor(readonly reason: DropReason) {}
}

export class OpenFlowBridge {
  readonly program: BridgeProgram;
  private readonly conntrack: ConntrackLike;
  private readonly ports: PortMap | undefined;
  private readonly normal: NormalSwitch | undefined;
  private readonly tableMiss: 'drop' | 'controller';
  private readonly maxDepth: number;
  private readonly maxResubmits: number;
  private readonly maxRecirculations: number;
  private readonly vec = new Int32Array(N_SLOTS);
  /** Refilled for every ct(): conntrack does not keep them (ConntrackLike contract). */
  private readonly ctInfo = scratchInfo();
  private readonly ctReq = scratchRequest();
  private lastSweep = -Infinity;

  // Per-packet state; process() is not re-entrant.
  /** The packet being processed; read it through cur() unless an untrack is known settled. */
  private raw!: FlowKey;
  /** `raw` is referenced elsewhere (an output, a saved group copy, the caller): copy before writing. */
  private shared = false;
  /**
   * After ct(table=N) the current pass continues "untracked": ct fields cleared and,
   * when `raw` was handed to the recirculation and NATed there, the pre-ct addresses
   * and ports restored. Done on first use (settle), since usually nothing follows ct().
   */
  private untrack = false;
  private untrackRestore = false;
  private uSrc = 0;
  private uDst = 0;
  private uSport = 0;
  private uDport = 0;
  /** Keys whose regs array no other key shares (see copy / writableRegs). */
  private readonly ownRegs = new WeakSet<FlowKey>();
  private regWrites = false;
  private now = 0;
  private bytes = 0;
  private payloadLength: number | undefined;
  private icmpId = 0;
  private quoted: CtQuotedTuple | undefined;
  private translatedQuoted: CtTuple | undefined;
  private depth = 0;
  private resubmits = 0;
  private pass = 0;
  private outputs: PipelineOutput[] = [];
  /**
   * Recirculation queue (parallel arrays, reused across packets; `pendingN` is its
   * length, since truncating arrays per packet showed up in profiles). Entries past
   * pendingN are stale until overwritten, as they were after the last packet before.
   */
  private pendingN = 0;
  private readonly pendingKeys: FlowKey[] = [];
  private readonly pendingTables: number[] = [];
  private readonly pendingPasses: number[] = [];
  private trail: TraceEvent[] | undefined;
  private lastDrop: DropReason = { kind: 'no-output' };
  private stop = false;

  constructor(opts: OpenFlowBridgeOptions) {
    this.program = opts.program;
    this.conntrack = opts.conntrack;
    this.ports = opts.ports;
    this.normal = opts.normal;
    this.tableMiss = opts.tableMiss ?? 'drop';
    this.maxDepth = opts.maxDepth ?? MAX_DEPTH;
    this.maxResubmits = opts.maxResubmits ?? MAX_RESUBMITS;
    this.maxRecirculations = opts.maxRecirculations ?? MAX_RECIRCULATIONS;
  }

  /**
   * Runs one packet through the pipeline. `key` is not modified; outputs carry the
   * packet as it leaves. `packetBytes` feeds the flow/group/bucket byte counters.
   */
  process(key: FlowKey, packetBytes: number, now: number, opts: ProcessOptions = {}): PipelineResult {
    if (now - this.lastSweep >= 1000) {
      this.program.expire(now);
      this.lastSweep = now;
    }
    this.now = now;
    this.bytes = packetBytes;
    this.payloadLength = opts.payloadLength;
    this.icmpId = opts.icmpId ?? 0;
    this.quoted = opts.quoted;
    this.translatedQuoted = undefined;
    this.resubmits = 0;
    this.outputs = [];
    this.pendingN = 0;
    this.enqueue(key, 0, 0);
    this.trail = opts.trace === true ? [] : undefined;
    this.lastDrop = NO_OUTPUT;
    try {
      for (let i = 0; i < this.pendingN; i++) {
        const pass = this.pendingPasses[i] as number;
        const table = this.pendingTables[i] as number;
        if (pass > this.maxRecirculations) throw new Abort({ kind: 'recirculation-limit', limit: this.maxRecirculations });
        if (pass > 0) this.trail?.push({ kind: 'recirculate', table, pass });
        this.raw = this.pendingKeys[i] as FlowKey;
        // The first pass reads the caller's key; recirculated keys are ours.
        this.shared = pass === 0;
        this.untrack = false;
        this.pass = pass;
        this.depth = 0;
        this.stop = false;
        this.lookup(table, true);
      }
    } catch (e) {
      if (!(e instanceof Abort)) throw e;
      this.trail?.push({ kind: 'drop', reason: e.reason });
      return { kind: 'dropped', reason: e.reason, trail: this.trail ?? NO_TRAIL };
    }
    if (this.outputs.length === 0) {
      this.trail?.push({ kind: 'drop', reason: this.lastDrop });
      return { kind: 'dropped', reason: this.lastDrop, trail: this.trail ?? NO_TRAIL };
    }
    const tq = this.translatedQuoted;
    return tq === undefined
      ? { kind: 'forwarded', outputs: this.outputs, trail: this.trail ?? NO_TRAIL }
      : { kind: 'forwarded', outputs: this.outputs, trail: this.trail ?? NO_TRAIL, translatedQuoted: tq };
  }

  // ---- lookup and actions ----------------------------------------------------------

  private lookup(table: number, honorMiss: boolean): void {
    const cls = this.program.table(table);
    let flow: FlowEntry | undefined;
    if (cls !== undefined) {
      fillVector(this.cur(), this.vec, cls.usedSlots);
      flow = cls.lookup(this.vec, this.now);
    }
    if (flow === undefined) {
      this.trail?.push({ kind: 'table', table, depth: this.depth });
      if (honorMiss) {
        this.lastDrop = { kind: 'no-match', table };
        if (this.tableMiss === 'controller') this.emitController('no_match', 65535, table);
      }
      return;
    }
    flow.hit(this.bytes, this.now);
    this.trail?.push({ kind: 'table', table, depth: this.depth, flow: formatFlow(flow, this.ports !== undefined ? { ports: this.ports } : {}) });
    if (flow.actions.length === 0) this.lastDrop = { kind: 'drop-action', table };
    this.execute(flow.actions, table);
  }

  private enter(): void {
    if (++this.depth > this.maxDepth) throw new Abort({ kind: 'resubmit-depth', limit: this.maxDepth });
  }

  private execute(actions: readonly Action[], table: number): void {
    for (let i = 0; i < actions.length && !this.stop; i++) {
      const a = actions[i] as Action;
      switch (a.type) {
        case 'output':
          this.output(a.port, a.maxLen ?? 65535, table);
          break;
        case 'group':
          this.group(a.groupId, table);
          break;
        case 'resubmit': {
          if (++this.resubmits > this.maxResubmits) throw new Abort({ kind: 'resubmit-limit', limit: this.maxResubmits });
          const target = a.table ?? table;
          this.trail?.push({ kind: 'resubmit', table: target, depth: this.depth, ...(a.port !== undefined ? { inPort: a.port } : {}) });
          const oldPort = this.cur().inPort;
          if (a.port !== undefined && a.port !== OFPP_IN_PORT) this.writable().inPort = a.port;
          this.enter();
          this.lookup(target, false);
          this.depth--;
          if (this.cur().inPort !== oldPort) this.writable().inPort = oldPort;
          break;
        }
        case 'goto_table':
          this.trail?.push({ kind: 'goto', table: a.table, depth: this.depth });
          this.enter();
          this.lookup(a.table, true);
          this.depth--;
          break;
        case 'ct':
          this.ct(a);
          break;
        case 'learn':
          this.learn(a);
          break;
        default:
          this.modify(a);
      }
    }
  }

  /** Header rewrites (set_field, load, move, mod_*, dec_ttl, VLAN ops). */
  private modify(a: RewriteAction): void {
    this.trail?.push({ kind: 'action', text: formatAction(a, this.ports), depth: this.depth });
    const k = this.cur();
    if (a.type === 'dec_ttl' && k.dlType === ETH_TYPE_IPV4 && k.nwTtl <= 1) {
      // OVS sends the packet to the controller (reason invalid_ttl) and stops here.
      this.emitController('invalid_ttl', 65535, -1);
      this.lastDrop = { kind: 'invalid-ttl' };
      this.stop = true;
      return;
    }
    if (!rewriteChanges(a, k)) return;
    applyRewrite(a, k, writesRegs(a) ? this.writableRegs() : this.writable());
  }

  private enqueue(key: FlowKey, table: number, pass: number): void {
    const n = this.pendingN++;
    if (n < this.pendingKeys.length) {
      this.pendingKeys[n] = key;
      this.pendingTables[n] = table;
      this.pendingPasses[n] = pass;
    } else {
      this.pendingKeys.push(key);
      this.pendingTables.push(table);
      this.pendingPasses.push(pass);
    }
  }

  private cur(): FlowKey {
    if (this.untrack) this.settle();
    return this.raw;
  }

  private writable(): FlowKey {
    if (this.untrack) this.settle();
    if (this.shared) {
      this.raw = this.copy(this.raw);
      this.shared = false;
    }
    return this.raw;
  }

  private copy(k: FlowKey): FlowKey {
    // The copy shares k's regs array, so neither may write it in place any more.
    if (this.regWrites) this.ownRegs.delete(k);
    return shallowKey(k);
  }

  /** Gives the (writable) current key a regs array of its own before a register write. */
  private writableRegs(): FlowKey {
    const w = this.writable();
    this.regWrites = true;
    if (!this.ownRegs.has(w)) {
      w.regs = new Uint32Array(w.regs);
      this.ownRegs.add(w);
    }
    return w;
  }

  private settle(): void {
    this.untrack = false;
    const w = this.writable();
    clearCt(w);
    if (this.untrackRestore) {
      w.nwSrc = this.uSrc;
      w.nwDst = this.uDst;
      w.tpSrc = this.uSport;
      w.tpDst = this.uDport;
    }
  }

  // ---- outputs -----------------------------------------------------------------------

  private output(port: number, maxLen: number, table: number): void {
    const k = this.cur();
    switch (port) {
      case OFPP_NORMAL:
        this.outputNormal();
        return;
      case OFPP_CONTROLLER:
        this.emitController('action', maxLen, table);
        return;
      case OFPP_IN_PORT:
        this.emitPort(k.inPort);
        return;
      case OFPP_FLOOD:
      case OFPP_ALL:
        for (const p of this.ports?.ports() ?? []) if (p !== k.inPort) this.emitPort(p);
        if (port === OFPP_ALL && k.inPort !== OFPP_LOCAL) this.emitPort(OFPP_LOCAL);
        return;
      case OFPP_TABLE:
      case OFPP_NONE:
        return;
      default:
        if (port === k.inPort && port < OFPP_MAX) {
          this.trail?.push({ kind: 'note', text: `skipping output to input port ${formatPort(port, this.ports)}`, depth: this.depth });
          return;
        }
        this.emitPort(port);
    }
  }

  private emitPort(port: number): void {
    this.trail?.push({ kind: 'output', target: formatPort(port, this.ports), depth: this.depth });
    this.outputs.push({ kind: 'port', port, key: this.cur() });
    this.shared = true;
  }

  private emitController(reason: ControllerReason, maxLen: number, table: number): void {
    this.trail?.push({ kind: 'output', target: `CONTROLLER (${reason})`, depth: this.depth });
    this.outputs.push({ kind: 'controller', key: this.cur(), reason, maxLen, table });
    this.shared = true;
  }

  private outputNormal(): void {
    if (this.normal === undefined) {
      this.trail?.push({ kind: 'output', target: 'NORMAL', depth: this.depth });
      this.outputs.push({ kind: 'normal', key: this.cur() });
      this.shared = true;
      return;
    }
    const d = this.normal.decide(this.cur(), this.now);
    this.trail?.push({ kind: 'normal', decision: d, depth: this.depth });
    if (d.kind === 'drop') {
      this.lastDrop = { kind: 'normal', reason: d.reason };
      return;
    }
    for (const o of d.outputs) {
      let k = this.raw;
      if (k.dlVlan !== o.vlan) {
        k = this.copy(k);
        k.dlVlan = o.vlan;
      } else this.shared = true;
      this.outputs.push({ kind: 'port', port: o.port, key: k });
    }
  }

  // ---- groups --------------------------------------------------------------------------

  /** `table` is the table of the flow using the group (resubmit without a table uses it). */
  private group(groupId: number, table: number): void {
    const g = this.program.group(groupId);
    if (g === undefined) {
      this.lastDrop = { kind: 'missing-group', groupId };
      this.trail?.push({ kind: 'group', groupId, type: 'missing', bucketIds: [], depth: this.depth });
      return;
    }
    g.packetCount++;
    g.byteCount += this.bytes;
    this.enter();
    if (g.type === 'select') {
      const b = g.selectBucket(symmetricFlowHash(this.cur()));
      this.trail?.push({ kind: 'group', groupId, type: g.type, bucketIds: b === undefined ? [] : [b.bucketId], depth: this.depth - 1 });
      if (b === undefined) this.lastDrop = { kind: 'empty-group', groupId };
      else this.bucket(b, table);
    } else if (g.type === 'all') {
      this.trail?.push({ kind: 'group', groupId, type: g.type, bucketIds: g.buckets.map((b) => b.bucketId), depth: this.depth - 1 });
      for (const b of g.buckets) this.bucket(b, table);
    } else {
      const b = g.buckets[0];
      this.trail?.push({ kind: 'group', groupId, type: g.type, bucketIds: b === undefined ? [] : [b.bucketId], depth: this.depth - 1 });
      if (b === undefined) this.lastDrop = { kind: 'empty-group', groupId };
      else this.bucket(b, table);
    }
    this.depth--;
  }

  /** Runs a bucket on a copy of the packet: changes inside do not leak out of the group. */
  private bucket(b: BucketEntry, table: number): void {
    b.packetCount++;
    b.byteCount += this.bytes;
    const saved = this.cur();
    this.shared = true;
    this.execute(b.actions, table);
    this.raw = saved;
    this.untrack = false;
    this.shared = true;
    this.stop = false;
  }

  // ---- conntrack ---------------------------------------------------------------------

  private ct(a: CtAction): void {
    const k = this.cur();
    const zone = typeof a.zone === 'number' ? a.zone : Number(readSubField(k, a.zone));
    let result: CtResult;
    let tuple: CtTuple | undefined;
    if (k.dlType === ETH_TYPE_IPV4) {
      const info = fillPacketInfo(this.ctInfo, k, this.bytes, this.payloadLength, this.icmpId, this.quoted);
      // The trail outlives the scratch tuple, so it gets a copy.
      if (this.trail !== undefined) tuple = { ...info.tuple };
      result = this.conntrack.process(info, fillRequest(this.ctReq, a, zone, this.now));
      if (result.translatedQuoted !== undefined) this.translatedQuoted = result.translatedQuoted;
    } else {
      result = { state: CT_TRK | CT_INV, mark: 0, zone };
    }
    if (this.trail !== undefined) {
      this.trail.push({
        kind: 'ct',
        zone,
        commit: a.commit,
        action: formatCt(a, this.ports),
        stateBefore: k.ctState,
        stateAfter: result.state,
        mark: result.mark,
        tupleBefore: tuple ?? { src: k.nwSrc, dst: k.nwDst, proto: k.nwProto, srcPort: 0, dstPort: 0 },
        depth: this.depth,
        ...(a.table !== undefined ? { recirculateTo: a.table } : {}),
        ...(result.translated !== undefined ? { translated: result.translated } : {}),
        ...(result.entryId !== undefined ? { entryId: result.entryId } : {}),
      });
    }
    if (a.table !== undefined) {
      let nk: FlowKey;
      if (!this.shared) {
        // Nobody else holds `k`: hand it to the recirculation, and remember what the
        // untracked continuation must restore should it ever be used.
        nk = k;
        this.untrackRestore = true;
        this.uSrc = k.nwSrc;
        this.uDst = k.nwDst;
        this.uSport = k.tpSrc;
        this.uDport = k.tpDst;
        this.shared = true;
        this.untrack = true;
      } else {
        nk = this.copy(k);
        this.untrackRestore = false;
        this.untrack = k.ctState !== 0 || k.ctZone !== 0 || k.ctMark !== 0;
      }
      nk.ctState = result.state;
      nk.ctZone = result.zone;
      nk.ctMark = result.mark;
      if (result.translated !== undefined) applyTranslation(nk, result.translated);
      this.enqueue(nk, a.table, this.pass + 1);
    } else {
      const w = this.writable();
      if (result.translated !== undefined) applyTranslation(w, result.translated);
      clearCt(w);
    }
  }

  // ---- learn -------------------------------------------------------------------------

  private learn(a: LearnAction): void {
    const spec = buildLearnedFlow(a, this.cur());
    const existing = this.program.findExact(spec.table, spec.match, spec.priority);
    const r = this.program.learnFlow(spec, this.now);
    if (this.trail !== undefined) {
      this.trail.push({
        kind: 'learn',
        flow: formatFlow(spec, this.ports !== undefined ? { ports: this.ports } : {}),
        result: !r.ok ? 'failed' : existing === r.value ? 'refreshed' : 'added',
        depth: this.depth,
      });
    }
  }
}

