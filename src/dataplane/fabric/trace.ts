// Fabric-wide packet traces: `ovs-appctl ofproto/trace`, but across every element a frame
// crosses. A traced frame carries a TraceCtx in its FrameMeta; every element appends hop
// records (bridge tables and conntrack from the OpenFlow trail, VLAN push/pop, logical
// switch decisions, router hops, the final delivery or drop). Frames an element sends on
// behalf of a traced frame keep the context; frames an endpoint sends (replies) do not.
import { formatIPv4, type IPv4 } from '../../core/ip.js';
import { formatTrace as formatOfTrace, type DropReason, type TraceEvent } from '../openflow/index.js';
import { formatMac } from '../wire/mac.js';
import { formatTcpFlags } from '../wire/tcp.js';
import { parseFrame } from '../wire/frame.js';
import { ARP_REQUEST } from '../wire/arp.js';

/** Why a frame went no further. */
export type FabricDropReason =
  | { readonly kind: 'hop-budget'; readonly budget: number }
  | { readonly kind: 'link-down'; readonly link: string }
  | { readonly kind: 'unconnected-port'; readonly port: string }
  | { readonly kind: 'malformed'; readonly detail: string }
  | { readonly kind: 'pipeline'; readonly reason: DropReason }
  | { readonly kind: 'controller'; readonly reason: string }
  | { readonly kind: 'no-such-port'; readonly ofport: number }
  | { readonly kind: 'same-port'; readonly mac: string }
  | { readonly kind: 'no-other-port' }
  | { readonly kind: 'vlan-unmapped'; readonly vid: number }
  | { readonly kind: 'not-for-us'; readonly mac: string }
  | { readonly kind: 'ttl-exceeded'; readonly ttl: number }
  | { readonly kind: 'no-route'; readonly dst: string }
  | { readonly kind: 'arp-failed'; readonly nextHop: string }
  | { readonly kind: 'arp-queue-full'; readonly nextHop: string }
  | { readonly kind: 'local-unhandled'; readonly detail: string }
  | { readonly kind: 'filtered'; readonly hook: string; readonly reason: string }
  | { readonly kind: 'receive-error'; readonly message: string };

export type HopRecord =
  | { readonly kind: 'inject'; readonly hop: number; readonly device: string; readonly frame: string }
  | { readonly kind: 'link'; readonly hop: number; readonly link: string; readonly to: string; readonly note?: string }
  | { readonly kind: 'ovs-in'; readonly hop: number; readonly bridge: string; readonly port: string; readonly ofport: number; readonly frame: string }
  | { readonly kind: 'ovs'; readonly hop: number; readonly bridge: string; readonly event: TraceEvent }
  | { readonly kind: 'ovs-out'; readonly hop: number; readonly bridge: string; readonly port: string; readonly ofport: number; readonly frame: string }
  | { readonly kind: 'nat'; readonly hop: number; readonly device: string; readonly zone: number; readonly before: string; readonly after: string }
  | {
      readonly kind: 'vlan';
      readonly hop: number;
      readonly device: string;
      readonly port: string;
      readonly op: 'push' | 'pop' | 'set';
      readonly vid: number;
    }
  | {
      readonly kind: 'ls';
      readonly hop: number;
      readonly ls: string;
      readonly inPort: string;
      readonly action: 'forward' | 'flood' | 'arp-suppress' | 'arp-local';
      readonly detail: string;
      readonly outPorts: readonly string[];
    }
  | {
      readonly kind: 'router';
      readonly hop: number;
      readonly router: string;
      readonly inIface: string;
      readonly outIface: string;
      readonly route: string;
      readonly nextHop: string;
      readonly ttlIn: number;
      readonly ttlOut: number;
    }
  | { readonly kind: 'router-local'; readonly hop: number; readonly router: string; readonly iface: string; readonly action: string }
  | { readonly kind: 'arp-pending'; readonly hop: number; readonly router: string; readonly iface: string; readonly nextHop: string }
  | {
      readonly kind: 'icmp-error';
      readonly hop: number;
      readonly router: string;
      readonly type: 'time-exceeded' | 'net-unreachable' | 'host-unreachable' | 'port-unreachable';
      readonly src: string;
      readonly dst: string;
    }
  | { readonly kind: 'hook'; readonly hop: number; readonly device: string; readonly hook: string; readonly verdict: string }
  /** What a packet filter at a hook did (netfilter: conntrack, chains, rules that matched, NAT), one line each. */
  | { readonly kind: 'netfilter'; readonly hop: number; readonly device: string; readonly hook: string; readonly lines: readonly string[] }
  /** The answer a router sends for a rejected packet ("TCP RST a:p > b:q", "ICMP port-unreachable a > b"). */
  | { readonly kind: 'reject'; readonly hop: number; readonly router: string; readonly answer: string }
  | { readonly kind: 'deliver'; readonly hop: number; readonly device: string; readonly delivered: boolean; readonly frame: string }
  | { readonly kind: 'drop'; readonly hop: number; readonly device: string; readonly reason: FabricDropReason };

/** Carried by a traced frame and every frame the fabric derives from it. */
export class TraceCtx {
  readonly records: HopRecord[] = [];
  /** Records beyond the limit are counted, not kept (a flood in a big topology). */
  dropped = 0;

  constructor(
    /** Stop the traced frame at endpoint devices instead of handing it to them. */
    readonly dryRun: boolean,
    readonly limit = 10_000,
  ) {}

  add(r: HopRecord): void {
    if (this.records.length < this.limit) this.records.push(r);
    else this.dropped++;
  }
}

const ip = (n: number) => formatIPv4(n as IPv4);

/** One line describing a frame, tcpdump style: "00:..:02 > 00:..:03, vlan 1, tcp 172.25.5.2:40000 > 172.25.5.3:80 [S] ttl 64". */
export function describeFrame(bytes: Uint8Array): string {
  const r = parseFrame(bytes, { verifyChecksum: false });
  if (!r.ok) return `unparsable frame (${bytes.length} bytes)`;
  const f = r.value;
  let s = `${formatMac(f.eth.src)} > ${formatMac(f.eth.dst)}`;
  if (f.eth.vlan !== undefined) s += `, vlan ${f.eth.vlan.vid}`;
  const l3 = f.l3;
  if (l3.kind === 'arp') {
    const a = l3.arp;
    return a.op === ARP_REQUEST
      ? `${s}, arp who-has ${ip(a.targetIp)} tell ${ip(a.senderIp)}`
      : `${s}, arp reply ${ip(a.senderIp)} is-at ${formatMac(a.senderMac)}`;
  }
  if (l3.kind === 'unsupported') return `${s}, ethertype 0x${f.eth.etherType.toString(16).padStart(4, '0')}`;
  const h = l3.ip;
  const l4 = l3.l4;
  switch (l4.kind) {
    case 'tcp':
      return `${s}, tcp ${ip(h.src)}:${l4.tcp.srcPort} > ${ip(h.dst)}:${l4.tcp.dstPort} [${formatTcpFlags(l4.tcp.flags)}] len ${l4.tcp.payload.length} ttl ${h.ttl}`;
    case 'udp':
      return `${s}, udp ${ip(h.src)}:${l4.udp.srcPort} > ${ip(h.dst)}:${l4.udp.dstPort} len ${l4.udp.payload.length} ttl ${h.ttl}`;
    case 'icmp': {
      const m = l4.icmp;
      let what: string;
      switch (m.kind) {
        case 'echo-request':
        case 'echo-reply':
          what = `${m.kind} id ${m.ident} seq ${m.seq}`;
          break;
        case 'other':
          what = `type ${m.type} code ${m.code}`;
          break;
        default:
          what = `${m.kind} code ${m.code}`;
      }
      return `${s}, icmp ${ip(h.src)} > ${ip(h.dst)} ${what} ttl ${h.ttl}`;
    }
    case 'raw':
      return `${s}, ip proto ${h.protocol} ${ip(h.src)} > ${ip(h.dst)} ttl ${h.ttl}`;
  }
}

export function formatDropReason(r: FabricDropReason): string {
  switch (r.kind) {
    case 'hop-budget':
      return `hop budget of ${r.budget} links exhausted (forwarding loop?)`;
    case 'link-down':
      return `link ${r.link} is down`;
    case 'unconnected-port':
      return `nothing is connected to ${r.port}`;
    case 'malformed':
      return `malformed frame: ${r.detail}`;
    case 'pipeline':
      return `OpenFlow pipeline: ${formatOfDrop(r.reason)}`;
    case 'controller':
      return `sent to controller (${r.reason}); no controller is connected`;
    case 'no-such-port':
      return `output to ofport ${r.ofport}, which does not exist`;
    case 'same-port':
      return `destination ${r.mac} is behind the input port`;
    case 'no-other-port':
      return 'flood found no other port';
    case 'vlan-unmapped':
      return r.vid < 0 ? 'untagged frame on the trunk' : `VLAN ${r.vid} is not mapped to a logical switch`;
    case 'not-for-us':
      return `destination MAC ${r.mac} is not the router's`;
    case 'ttl-exceeded':
      return `TTL ${r.ttl} expired in transit`;
    case 'no-route':
      return `no route to ${r.dst}`;
    case 'arp-failed':
      return `ARP for next hop ${r.nextHop} got no answer`;
    case 'arp-queue-full':
      return `too many packets waiting for ARP of ${r.nextHop}`;
    case 'local-unhandled':
      return `addressed to the router, not handled: ${r.detail}`;
    case 'filtered':
      return `${r.hook}: ${r.reason}`;
    case 'receive-error':
      return `device threw: ${r.message}`;
  }
}

function formatOfDrop(r: DropReason): string {
  // openflow's own wording, taken from its trace formatter.
  return formatOfTrace([{ kind: 'drop', reason: r }]).replace(/^Datapath actions: drop \((.*)\)$/, '$1');
}

/** A readable multi-line report, one block per element visited, in the order visited. */
export function formatTrace(records: readonly HopRecord[]): string {
  const out: string[] = [];
  let ofBatch: TraceEvent[] = [];
  const flushOf = () => {
    if (ofBatch.length === 0) return;
    for (const line of formatOfTrace(ofBatch).split('\n')) out.push(line === '' ? '' : `    ${line}`);
    ofBatch = [];
  };
  for (const r of records) {
    if (r.kind === 'ovs') {
      if (r.event.kind === 'drop') continue; // reported once as a fabric drop record
      ofBatch.push(r.event);
      continue;
    }
    flushOf();
    const h = `[${String(r.hop).padStart(2)}] `;
    switch (r.kind) {
      case 'inject':
        out.push(`Flow: ${r.frame}`, `${h}inject from ${r.device}`);
        break;
      case 'link':
        out.push(`${h}--> ${r.to} (link ${r.link}${r.note !== undefined ? `, ${r.note}` : ''})`);
        break;
      case 'ovs-in':
        out.push('', `${h}bridge ${r.bridge}: in_port ${r.port} (ofport ${r.ofport})`, `     ${r.frame}`);
        break;
      case 'ovs-out':
        out.push(`     output to ${r.port} (ofport ${r.ofport}): ${r.frame}`);
        break;
      case 'nat':
        out.push(`     NAT in ${r.device} zone ${r.zone}: ${r.before} => ${r.after}`);
        break;
      case 'vlan':
        out.push(`     ${r.device} ${r.port}: ${r.op === 'push' ? 'push' : r.op === 'pop' ? 'pop' : 'set'} vlan ${r.vid}`);
        break;
      case 'ls':
        out.push(
          '',
          `${h}logical switch ${r.ls}: from ${r.inPort}: ${r.action} ${r.detail}` +
            (r.outPorts.length > 0 ? ` -> ${r.outPorts.join(', ')}` : ''),
        );
        break;
      case 'router':
        out.push(
          '',
          `${h}router ${r.router}: in ${r.inIface}, route ${r.route}, out ${r.outIface} next hop ${r.nextHop}, ttl ${r.ttlIn} -> ${r.ttlOut}`,
        );
        break;
      case 'router-local':
        out.push('', `${h}router ${r.router}: for ${r.iface}: ${r.action}`);
        break;
      case 'arp-pending':
        out.push(`     ${r.router}: next hop ${r.nextHop} on ${r.iface} unresolved, ARP request sent, packet queued`);
        break;
      case 'icmp-error':
        out.push(`     ${r.router}: sends ICMP ${r.type} ${r.src} > ${r.dst}`);
        break;
      case 'hook':
        out.push(`     ${r.device} ${r.hook}: ${r.verdict}`);
        break;
      case 'netfilter':
        for (const l of r.lines) out.push(`     ${r.device} | ${l}`);
        break;
      case 'reject':
        out.push(`     ${r.router}: REJECT, sends ${r.answer}`);
        break;
      case 'deliver':
        out.push('', `${h}${r.delivered ? 'delivered to' : 'would be delivered to (dry run)'} ${r.device}: ${r.frame}`);
        break;
      case 'drop':
        out.push('', `${h}DROP at ${r.device}: ${formatDropReason(r.reason)}`);
        break;
    }
  }
  flushOf();
  return out.join('\n');
}
