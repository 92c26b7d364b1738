// An Open vSwitch bridge as a fabric element (the node's `br-int`): ports with ofport
// numbers, names and access/trunk VLAN configuration; every received frame runs through
// the bridge's OpenFlow program (../openflow) with the bridge's own connection tracker
// (one per bridge, i.e. per node, zones inside it) and NORMAL as a per-VLAN learning
// switch. Frames leave through the ports the pipeline chose, rewritten to the key they
// left with (VLAN push/pop, NAT, ...).
//
// Invariants:
//  - The bridge's internal port (named like the bridge, type internal) always exists as
//    ofport LOCAL (65534), as in OVS.
//  - OpenFlow port names are Interface names (what `in_port=` and dump-flows use); Port
//    names are what `ovs-vsctl show` prints. Pod ports differ: Port "<pod>_<cid15>",
//    Interface "<cid15>".
//  - VLAN `tag` (access) and `trunks` only affect NORMAL (as in OVS): an access port's
//    frames enter NORMAL in its VLAN and leave access ports untagged; trunk ports carry
//    tags. Explicit output actions send the packet as the pipeline left it.
//  - A frame is never modified in place; outputs that change nothing share its bytes.
//  - Controller outputs go to the packet-in handlers (`onPacketIn`); without one they are
//    drops, as on a bridge with no controller connected. Handlers know nothing of the
//    bridge's program: they see the packet, in_port and the controller action, and may
//    answer with frames sent out of a port (packet-out), which skip the pipeline.
import { realClock, type Clock } from '../../core/clock.js';
import { err, ok, type Result } from '../../core/result.js';
import { Conntrack, formatDpctl, type CtQuotedTuple } from '../conntrack/index.js';
import { emptyFlowKey, type FlowKey } from '../flow-key.js';
import {
  BridgeProgram,
  NormalSwitch,
  OFPP_LOCAL,
  OpenFlowBridge,
  PortMap,
  dumpFlows,
  dumpGroups,
  parseFlowMod,
  parseGroupMod,
  type DumpFlowsOptions,
  type FlowEntry,
  type FlowMod,
  type FlowModError,
  type GroupMod,
  type GroupModError,
  type PipelineOutput,
  type ProcessOptions,
  type TraceEvent,
} from '../openflow/index.js';
import { fillFlowKey } from '../wire/flow-key-frame.js';
import { parseFrame, type Frame } from '../wire/frame.js';
import { formatWireError } from '../wire/error.js';
import { icmpErrorQuoteOf } from '../wire/icmp-quote.js';
import { FabricPort, type FrameMeta } from './fabric-port.js';
import { rewriteForOutput } from './frame-rewrite.js';
import { uuidFromName } from './rng.js';
import { describeFrame, type TraceCtx } from './trace.js';
import { formatVsctlShow, ovsdbString, type ShowPort } from './vsctl-show.js';

export const DEFAULT_OVS_VERSION = '2.10.2.13185890';

export interface OvsBridgeOptions {
  readonly name?: string;
  /** Who owns the bridge (the node name), for trace labels and the default uuid. */
  readonly owner?: string;
  readonly clock?: Clock;
  /** The Open_vSwitch row uuid `ovs-vsctl show` prints first (default: derived from owner/name). */
  readonly uuid?: string;
  readonly ovsVersion?: string;
  readonly conntrack?: Conntrack;
  readonly tableMiss?: 'drop' | 'controller';
}

export interface AddPortOptions {
  /** Port name (`ovs-vsctl show`). */
  readonly name: string;
  /** Interface name = OpenFlow port name (default: the port name). */
  readonly interfaceName?: string;
  /** Access VLAN 0..4095. */
  readonly tag?: number;
  /** VLANs a trunk port carries (default all). */
  readonly trunks?: readonly number[];
  readonly type?: 'system' | 'internal';
  /** Requested ofport (default: lowest free from 1). */
  readonly ofport?: number;
  readonly mac?: number;
}

export interface PortStats {
  rxPackets: number;
  rxBytes: number;
  rxDropped: number;
  txPackets: number;
  txBytes: number;
  /** Output to a port with nothing linked to it. */
  txDropped: number;
}

export type BridgeError =
  | { readonly code: 'port-exists'; readonly name: string }
  | { readonly code: 'ofport-in-use'; readonly ofport: number }
  | { readonly code: 'bad-vlan'; readonly vlan: number }
  | { readonly code: 'no-such-port'; readonly name: string }
  | { readonly code: 'parse'; readonly message: string }
  | { readonly code: 'flow-mod'; readonly error: FlowModError }
  | { readonly code: 'group-mod'; readonly error: GroupModError };

export class BridgePort {
  readonly stats: PortStats = { rxPackets: 0, rxBytes: 0, rxDropped: 0, txPackets: 0, txBytes: 0, txDropped: 0 };

  constructor(
    readonly name: string,
    readonly interfaceName: string,
    readonly ofport: number,
    readonly type: 'system' | 'internal',
    readonly tag: number | undefined,
    readonly trunks: readonly number[] | undefined,
    /** The bridge side of the port: link the peer (pod NIC, uplink) to this. */
    readonly device: FabricPort,
  ) {}
}

export interface BridgeStats {
  readonly received: number;
  readonly forwarded: number;
  readonly dropped: number;
  readonly malformed: number;
  readonly controller: number;
  /** Frames the packet-in handlers sent out (packet-outs). */
  readonly packetOuts: number;
}

export type ControllerOutput = Extract<PipelineOutput, { readonly kind: 'controller' }>;

export interface PacketIn {
  /** The packet as the pipeline had rewritten it when it reached the controller action. */
  readonly frame: Uint8Array;
  /** The ofport it entered the bridge on. */
  readonly inPort: number;
  /** The controller action's output: the flow key then (registers included), reason, table. */
  readonly output: ControllerOutput;
}

/** A frame a packet-in handler sends; `port` (an ofport) defaults to the packet-in's in_port. */
export interface PacketOut {
  readonly frame: Uint8Array;
  readonly port?: number;
}

/** Returns the frames to send back, if any. Called synchronously in the datapath. */
export type PacketInHandler = (pin: PacketIn) => readonly PacketOut[] | undefined;

export class OvsBridge {
  readonly name: string;
  readonly label: string;
  readonly uuid: string;
  readonly ovsVersion: string;
  readonly program = new BridgeProgram();
  readonly conntrack: Conntrack;
  /** Interface names <-> ofports, for the text formats and the pipeline's traces. */
  readonly portMap = new PortMap();
  private readonly clock: Clock;
  private readonly normal = new NormalSwitch();
  private readonly pipeline: OpenFlowBridge;
  private readonly byOfport = new Map<number, BridgePort>();
  private readonly byName = new Map<string, BridgePort>();
  private readonly order: BridgePort[] = [];
  private readonly key: FlowKey = emptyFlowKey();
  /** No ofport below this is free (lowest-free allocation without a scan from 1). */
  private freeHint = 1;
  private counters = { received: 0, forwarded: 0, dropped: 0, malformed: 0, controller: 0, packetOuts: 0 };
  private packetInHandlers: PacketInHandler[] = [];

  constructor(opts: OvsBridgeOptions = {}) {
    this.name = opts.name ?? 'br-int';
    this.label = opts.owner !== undefined ? `${opts.owner}/${this.name}` : this.name;
    this.uuid = opts.uuid ?? uuidFromName(`${this.label}/Open_vSwitch`);
    this.ovsVersion = opts.ovsVersion ?? DEFAULT_OVS_VERSION;
    this.clock = opts.clock ?? realClock;
    this.conntrack = opts.conntrack ?? new Conntrack();
    this.pipeline = new OpenFlowBridge({
      program: this.program,
      conntrack: this.conntrack,
      ports: this.portMap,
      normal: this.normal,
      ...(opts.tableMiss !== undefined ? { tableMiss: opts.tableMiss } : {}),
    });
    const local = this.addPort({ name: this.name, type: 'internal', ofport: OFPP_LOCAL });
    if (!local.ok) throw new Error('cannot create the bridge-local port');
  }

  // ---- ports -------------------------------------------------------------------------

  addPort(opts: AddPortOptions): Result<BridgePort, BridgeError> {
    const iface = opts.interfaceName ?? opts.name;
    if (this.byName.has(opts.name) || this.portMap.number(iface) !== undefined) return err({ code: 'port-exists', name: opts.name });
    for (const v of [opts.tag, ...(opts.trunks ?? [])]) {
      if (v !== undefined && (!Number.isInteger(v) || v < 0 || v > 4095)) return err({ code: 'bad-vlan', vlan: v });
    }
    let ofport = opts.ofport;
    if (ofport !== undefined && this.byOfport.has(ofport)) return err({ code: 'ofport-in-use', ofport });
    if (ofport === undefined) {
      for (ofport = this.freeHint; this.byOfport.has(ofport); ofport++);
      this.freeHint = ofport + 1;
    }
    const device = new FabricPort(iface, opts.mac ?? 0, this.label, (f, m) => this.onFrame(bp, f, m));
    const bp: BridgePort = new BridgePort(opts.name, iface, ofport, opts.type ?? 'system', opts.tag, opts.trunks, device);
    this.byOfport.set(ofport, bp);
    this.byName.set(opts.name, bp);
    this.order.push(bp);
    this.portMap.add(iface, ofport);
    this.normal.setPort({ ofport, ...(opts.tag !== undefined ? { tag: opts.tag } : {}), ...(opts.trunks !== undefined ? { trunks: opts.trunks } : {}) });
    return ok(bp);
  }

  /** Removes a port by Port or Interface name (not the bridge-local port). */
  removePort(name: string): Result<BridgePort, BridgeError> {
    const bp = this.byName.get(name) ?? this.byOfport.get(this.portMap.number(name) ?? -1);
    if (bp === undefined || bp.ofport === OFPP_LOCAL) return err({ code: 'no-such-port', name });
    this.byName.delete(bp.name);
    this.byOfport.delete(bp.ofport);
    if (bp.ofport < this.freeHint) this.freeHint = bp.ofport;
    this.order.splice(this.order.indexOf(bp), 1);
    this.portMap.remove(bp.ofport);
    this.normal.removePort(bp.ofport);
    bp.device.detach();
    return ok(bp);
  }

  port(name: string): BridgePort | undefined {
    return this.byName.get(name) ?? this.byOfport.get(this.portMap.number(name) ?? -1);
  }

  portByOfport(ofport: number): BridgePort | undefined {
    return this.byOfport.get(ofport);
  }

  /** Ports in `ovs-vsctl show` order: creation order, the bridge-local port last. */
  ports(): BridgePort[] {
    return [...this.order.filter((p) => p.ofport !== OFPP_LOCAL), ...this.order.filter((p) => p.ofport === OFPP_LOCAL)];
  }

  /** The port a MAC was learned on in a VLAN (NORMAL's MAC table). */
  macLookup(vlan: number, mac: number): BridgePort | undefined {
    const p = this.normal.lookup(vlan, mac, this.clock.now());
    return p === undefined ? undefined : this.byOfport.get(p);
  }

  // ---- programming (what a controller or `ovs-ofctl` does) ----------------------------

  flowMod(mod: FlowMod): Result<FlowEntry[], BridgeError> {
    const r = this.program.flowMod(mod, this.clock.now());
    return r.ok ? r : err({ code: 'flow-mod', error: r.error });
  }

  groupMod(mod: GroupMod): Result<void, BridgeError> {
    const r = this.program.groupMod(mod, this.clock.now());
    return r.ok ? ok(undefined) : err({ code: 'group-mod', error: r.error });
  }

  /** Flow and group mods applied atomically (`ovs-ofctl --bundle`). */
  applyBundle(mods: ReadonlyArray<FlowMod | GroupMod>): Result<void, BridgeError & { readonly index?: number }> {
    const r = this.program.applyBundle(mods, this.clock.now());
    if (r.ok) return ok(undefined);
    const e = r.error.error;
    return err('code' in e && e.code.startsWith('OFPG') ? { code: 'group-mod', error: e as GroupModError, index: r.error.index } : { code: 'flow-mod', error: e as FlowModError, index: r.error.index });
  }

  /** `ovs-ofctl add-flow br-int "<text>"` (port names allowed). */
  addFlow(text: string): Result<FlowEntry[], BridgeError> {
    return this.textFlowMod('add', text);
  }

  modFlows(text: string, strict = false): Result<FlowEntry[], BridgeError> {
    return this.textFlowMod(strict ? 'modify-strict' : 'modify', text);
  }

  delFlows(text: string, strict = false): Result<FlowEntry[], BridgeError> {
    return this.textFlowMod(strict ? 'delete-strict' : 'delete', text);
  }

  private textFlowMod(cmd: 'add' | 'modify' | 'modify-strict' | 'delete' | 'delete-strict', text: string): Result<FlowEntry[], BridgeError> {
    const m = parseFlowMod(cmd, text, { ports: this.portMap });
    return m.ok ? this.flowMod(m.value) : err({ code: 'parse', message: m.error });
  }

  /** `ovs-ofctl add-group / mod-group / del-groups`. */
  textGroupMod(cmd: 'add' | 'modify' | 'add-or-modify' | 'delete', text: string): Result<void, BridgeError> {
    const m = parseGroupMod(cmd, text, { ports: this.portMap });
    return m.ok ? this.groupMod(m.value) : err({ code: 'parse', message: m.error });
  }

  // ---- text views ---------------------------------------------------------------------

  dumpFlows(opts: Omit<DumpFlowsOptions, 'ports'> = {}): string {
    return dumpFlows(this.program, this.clock.now(), { ...opts, ports: this.portMap });
  }

  dumpGroups(): string {
    return dumpGroups(this.program, { ports: this.portMap });
  }

  /** `ovs-appctl dpctl/dump-conntrack [zone=N]`. */
  dumpConntrack(opts: { readonly zone?: number; readonly stats?: boolean } = {}): string {
    const now = this.clock.now();
    return this.conntrack
      .list(opts.zone)
      .filter((e) => e.expiresAt > now)
      .map((e) => formatDpctl(e, opts.stats === true ? { stats: true, now } : {}))
      .join('\n');
  }

  vsctlShow(): string {
    const ports: ShowPort[] = this.ports().map((p) => ({
      name: p.name,
      ...(p.tag !== undefined ? { tag: p.tag } : {}),
      ...(p.trunks !== undefined ? { trunks: p.trunks } : {}),
      interfaces: [{ name: p.interfaceName, ...(p.type === 'internal' ? { type: 'internal' } : {}) }],
    }));
    return formatVsctlShow(this.uuid, [{ name: this.name, ports }], this.ovsVersion);
  }

  /** `ovs-ofctl dump-ports br-int` (rx/tx counters per port). */
  dumpPorts(): string {
    const ports = [...this.byOfport.values()].sort((a, b) => a.ofport - b.ofport);
    const lines = [`OFPST_PORT reply (xid=0x2): ${ports.length} ports`];
    for (const p of ports) {
      const id = p.ofport === OFPP_LOCAL ? 'LOCAL' : ovsdbString(p.interfaceName);
      const s = p.stats;
      lines.push(`  port ${id.padStart(4)}: rx pkts=${s.rxPackets}, bytes=${s.rxBytes}, drop=${s.rxDropped}, errs=0, frame=0, over=0, crc=0`);
      lines.push(`           tx pkts=${s.txPackets}, bytes=${s.txBytes}, drop=${s.txDropped}, errs=0, coll=0`);
    }
    return lines.join('\n');
  }

  stats(): BridgeStats {
    return { ...this.counters };
  }

  /** Registers a controller (packet-in handler); returns its removal. */
  onPacketIn(handler: PacketInHandler): () => void {
    this.packetInHandlers = [...this.packetInHandlers, handler];
    return () => {
      this.packetInHandlers = this.packetInHandlers.filter((h) => h !== handler);
    };
  }

  // ---- the datapath -------------------------------------------------------------------

  private onFrame(bp: BridgePort, bytes: Uint8Array, meta: FrameMeta): void {
    bp.stats.rxPackets++;
    bp.stats.rxBytes += bytes.length;
    this.counters.received++;
    const trace = meta.trace;
    const pr = parseFrame(bytes, { verifyChecksum: false });
    if (!pr.ok) {
      bp.stats.rxDropped++;
      this.counters.malformed++;
      trace?.add({ kind: 'drop', hop: meta.hops, device: this.label, reason: { kind: 'malformed', detail: formatWireError(pr.error) } });
      return;
    }
    const frame = pr.value;
    const key = this.key;
    fillFlowKey(key, frame, bp.ofport);
    const res = this.pipeline.process(key, bytes.length, this.clock.now(), processOptions(frame, trace !== undefined));
    if (trace !== undefined) this.traceIngress(trace, meta.hops, bp, bytes, res.trail);
    if (res.kind === 'dropped') {
      this.counters.dropped++;
      trace?.add({ kind: 'drop', hop: meta.hops, device: this.label, reason: { kind: 'pipeline', reason: res.reason } });
      return;
    }
    this.counters.forwarded++;
    for (const o of res.outputs) {
      if (o.kind !== 'port') {
        this.counters.controller++;
        if (o.kind === 'controller' && this.packetInHandlers.length > 0) {
          this.packetIn(bp, rewriteForOutput(bytes, key, o.key, res.translatedQuoted), o, meta);
          continue;
        }
        trace?.add({ kind: 'drop', hop: meta.hops, device: this.label, reason: { kind: 'controller', reason: o.kind === 'controller' ? o.reason : 'NORMAL' } });
        continue;
      }
      const out = this.byOfport.get(o.port);
      if (out === undefined) {
        trace?.add({ kind: 'drop', hop: meta.hops, device: this.label, reason: { kind: 'no-such-port', ofport: o.port } });
        continue;
      }
      this.transmit(out, rewriteForOutput(bytes, key, o.key, res.translatedQuoted), meta, key.dlVlan, o.key.dlVlan);
    }
  }

  private packetIn(bp: BridgePort, frame: Uint8Array, output: ControllerOutput, meta: FrameMeta): void {
    // The handler list may change under a handler; iterate the array as it was.
    for (const h of this.packetInHandlers) {
      for (const po of h({ frame, inPort: bp.ofport, output }) ?? []) {
        const out = this.byOfport.get(po.port ?? bp.ofport);
        if (out === undefined) {
          meta.trace?.add({ kind: 'drop', hop: meta.hops, device: this.label, reason: { kind: 'no-such-port', ofport: po.port ?? bp.ofport } });
          continue;
        }
        this.counters.packetOuts++;
        this.transmit(out, po.frame, meta, -1, -1);
      }
    }
  }

  /** Sends out of a port; vlanIn/vlanOut only label a VLAN change in traces. */
  private transmit(out: BridgePort, outBytes: Uint8Array, meta: FrameMeta, vlanIn: number, vlanOut: number): void {
    const trace = meta.trace;
    out.stats.txPackets++;
    out.stats.txBytes += outBytes.length;
    if (trace !== undefined) {
      if (vlanOut !== vlanIn) {
        const op = vlanOut < 0 ? 'pop' : vlanIn < 0 ? 'push' : 'set';
        trace.add({ kind: 'vlan', hop: meta.hops, device: this.label, port: out.interfaceName, op, vid: op === 'pop' ? vlanIn : vlanOut });
      }
      trace.add({ kind: 'ovs-out', hop: meta.hops, bridge: this.label, port: out.interfaceName, ofport: out.ofport, frame: describeFrame(outBytes) });
    }
    if (!out.device.send(outBytes, meta)) {
      out.stats.txDropped++;
      // An unconnected internal port is the host interface nobody configured: the
      // kernel would drop silently, and a trace would only be noisier for it.
      if (out.type !== 'internal') trace?.add({ kind: 'drop', hop: meta.hops, device: this.label, reason: { kind: 'unconnected-port', port: out.interfaceName } });
    }
  }

  private traceIngress(trace: TraceCtx, hop: number, bp: BridgePort, bytes: Uint8Array, trail: readonly TraceEvent[]): void {
    trace.add({ kind: 'ovs-in', hop, bridge: this.label, port: bp.interfaceName, ofport: bp.ofport, frame: describeFrame(bytes) });
    for (const event of trail) {
      trace.add({ kind: 'ovs', hop, bridge: this.label, event });
      if (event.kind === 'ct' && event.translated !== undefined) {
        trace.add({ kind: 'nat', hop, device: this.label, zone: event.zone, before: tupleText(event.tupleBefore), after: tupleText(event.translated) });
      }
    }
  }
}

function tupleText(t: { readonly src: number; readonly dst: number; readonly proto: number; readonly srcPort: number; readonly dstPort: number }): string {
  const ip = (n: number) => `${n >>> 24}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}`;
  const ports = t.proto === 6 || t.proto === 17;
  return ports ? `${ip(t.src)}:${t.srcPort} -> ${ip(t.dst)}:${t.dstPort}` : `${ip(t.src)} -> ${ip(t.dst)}`;
}

const PLAIN: ProcessOptions = {};
const TRACED: ProcessOptions = { trace: true };

/** What conntrack needs beyond the FlowKey: payload length, ICMP echo id, an error's quote. */
function processOptions(frame: Frame, trace: boolean): ProcessOptions {
  const l3 = frame.l3;
  if (l3.kind !== 'ipv4') return trace ? TRACED : PLAIN;
  const l4 = l3.l4;
  switch (l4.kind) {
    case 'tcp':
      return { trace, payloadLength: l4.tcp.payload.length };
    case 'udp':
      return { trace, payloadLength: l4.udp.payload.length };
    case 'icmp': {
      const m = l4.icmp;
      if (m.kind === 'echo-request' || m.kind === 'echo-reply') return { trace, payloadLength: m.data.length, icmpId: m.ident };
      const q = icmpErrorQuoteOf(frame);
      const quoted: CtQuotedTuple | undefined = q;
      return quoted !== undefined ? { trace, quoted } : { trace };
    }
    case 'raw':
      return { trace, payloadLength: l4.bytes.length };
  }
}
