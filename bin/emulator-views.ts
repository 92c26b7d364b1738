// What `svcnet ofctl | vsctl | nft | iptables-save | conntrack | trace | exec` show: text views of the running emulated
// lab (per-node br-int flows, groups, ports, conntrack) and packet traces from a pod, a
// node or the external client. Served by the lab's admin channel (./emulator-admin.ts).
import { formatIPv4, parseIPv4, type Clock, type IPv4 } from '../src/core/index.js';
import { formatConntrackL } from '../src/dataplane/conntrack/index.js';
import { firstPacket, formatDropReason, formatTrace, type FirstPacketProto, type HopRecord, type NsxLab } from '../src/dataplane/fabric/index.js';
import type { Conntrack } from '../src/dataplane/conntrack/index.js';
import type { Result } from '../src/core/index.js';
import type { HostNic, HostStack } from '../src/dataplane/host/index.js';
import { formatIptablesSave } from '../src/dataplane/iptables/index.js';
import type { NodeRuleset } from './emulator-generic.js';
import type { EmulatedRuntime } from '../src/node/emulated-runtime.js';
import { execOn } from './host-exec.js';

/** A view's answer: text for stdout (and stderr), or what was wrong. */
export type ViewResult = { readonly ok: true; readonly stdout: string; readonly stderr?: string; readonly exitCode?: number } | { readonly ok: false; readonly error: string };

export interface ExecRequest {
  /** "client" or a node name. */
  readonly target: string;
  readonly argv: readonly string[];
}

/**
 * What the views need from an emulated network (the NSX lab or the generic kube-proxy
 * lab): per-node text views, traces, and the MAC a traced first packet is sent to.
 */
export interface ViewNetwork {
  readonly mode: string;
  /** Node view names this network answers (the admin channel checks against them). */
  readonly nodeViews: readonly string[];
  nodeView(node: string, view: string, now: number): ViewResult | undefined;
  trace(from: HostNic, frame: Uint8Array): Result<HopRecord[], { readonly code: string }>;
  readonly scheduler: { linkOf(d: HostNic): { readonly name: string } | undefined };
  /**
   * The MAC the endpoint's first packet to `hop` goes to when its ARP cache has none
   * (what ARP would answer); undefined = nothing would answer.
   */
  nextHopMac(ep: { readonly kind: 'client' | 'node' | 'pod'; readonly name: string; readonly namespace?: string }, hop: IPv4): number | undefined;
}

export const CONNTRACK_VERSION = 'conntrack v1.4.6 (conntrack-tools)';

/** `conntrack -L` text of a conntrack table. */
export function conntrackView(ct: Conntrack, now: number): ViewResult {
  const lines = ct
    .list()
    .filter((e) => e.expiresAt > now)
    .map((e) => formatConntrackL(e, now));
  return { ok: true, stdout: lines.map((l) => `${l}\n`).join(''), stderr: `${CONNTRACK_VERSION}: ${lines.length} flow entries have been shown.\n` };
}

export const withNewline = (s: string) => (s === '' || s.endsWith('\n') ? s : `${s}\n`);

/**
 * The NSX lab: br-int views per node (`conntrack` is br-int's table, as before), and
 * `iptables-save` (with counters) of the iptables kube-proxy on the node's management NIC
 * when `rulesets` has the node. ARP is answered from the segments' bindings; a node's
 * stack sends everything to its node router's host link (which proxy-ARPs).
 */
export function nsxViewNetwork(lab: NsxLab, rulesets: ReadonlyMap<string, NodeRuleset> = new Map()): ViewNetwork {
  const views: Record<string, (br: NonNullable<ReturnType<NsxLab['nodeBridge']>>, now: number, node: string) => ViewResult> = {
    'dump-flows': (br) => ({ ok: true, stdout: withNewline(br.dumpFlows()) }),
    'dump-groups': (br) => ({ ok: true, stdout: withNewline(br.dumpGroups()) }),
    'dump-conntrack': (br) => ({ ok: true, stdout: withNewline(br.dumpConntrack()) }),
    'dump-ports': (br) => ({ ok: true, stdout: withNewline(br.dumpPorts()) }),
    'vsctl-show': (br) => ({ ok: true, stdout: withNewline(br.vsctlShow()) }),
    conntrack: (br, now) => conntrackView(br.conntrack, now),
    'iptables-save': (_br, _now, node) => {
      const r = rulesets.get(node);
      return r?.mode === 'iptables' ? { ok: true, stdout: withNewline(formatIptablesSave(r.ruleset, { counters: true })) } : fail(`node ${node} runs no iptables kube-proxy`);
    },
  };
  return {
    mode: 'NSX (--proxy-mode openflow)',
    nodeViews: Object.keys(views),
    nodeView(node, view, now) {
      const br = lab.nodeBridge(node);
      const v = views[view];
      if (v === undefined) return undefined;
      if (br === undefined) return fail(`node ${node} has no br-int`);
      return v(br, now, node);
    },
    trace: (from, frame) => lab.trace(from, frame),
    scheduler: lab.fabric.scheduler,
    nextHopMac(ep, hop) {
      if (ep.kind === 'node') return lab.node(ep.name)?.router.iface('host')?.mac;
      const ls = ep.kind === 'client' ? lab.external.ls : lab.namespace(ep.namespace ?? '')?.ls;
      return ls?.binding(hop)?.mac;
    },
  };
}

export interface TraceRequest {
  /** "ns/pod", a node name, or "client". */
  readonly from: string;
  /** "ip[:port]" or "name[:port]" (name: "ns/pod", a node, "client"). */
  readonly to: string;
  readonly proto?: FirstPacketProto;
}

interface Endpoint {
  readonly label: string;
  readonly ip: IPv4;
  readonly stack: HostStack;
  readonly nic: HostNic;
  readonly ref: { readonly kind: 'client' | 'node' | 'pod'; readonly name: string; readonly namespace?: string };
}
/** How long a trace waits for a router's pending ARP to resolve or fail (3 tries, 1 s apart, plus slack for a busy event loop). */
const ARP_WAIT_MS = 5000;

const fail = (error: string): ViewResult => ({ ok: false, error });

export class EmulatorViews {
  constructor(
    private readonly net: ViewNetwork,
    private readonly runtimes: ReadonlyMap<string, EmulatedRuntime>,
    private readonly nodeStacks: ReadonlyMap<string, { readonly stack: HostStack; readonly nic: HostNic }>,
    private readonly client: { readonly stack: HostStack; readonly nic: HostNic },
    private readonly clock: Clock,
    /** /etc/resolv.conf of the client and the nodes (machines outside the cluster DNS). */
    private readonly resolvConf = '',
  ) {}

  nodes(): string[] {
    return [...this.runtimes.keys()];
  }

  private readonly extra = new Map<string, (args: Readonly<Record<string, string>>) => ViewResult>();

  /** A view of a component outside the network (the NSX edge, a load balancer, host ports). */
  addView(name: string, fn: (args: Readonly<Record<string, string>>) => ViewResult): void {
    this.extra.set(name, fn);
  }

  view(name: string, args: Readonly<Record<string, string>>): ViewResult {
    const fn = this.extra.get(name);
    if (fn === undefined) return fail(`no view "${name}" in this lab (${this.net.mode})` + (this.extra.size > 0 ? `; views: ${[...this.extra.keys()].join(', ')}` : ''));
    return fn(args);
  }

  private unknownNode(node: string): ViewResult {
    return fail(`unknown node "${node}" (nodes: ${this.nodes().join(', ')})`);
  }

  node(node: string, view: string): ViewResult {
    if (!this.runtimes.has(node)) return this.unknownNode(node);
    const r = this.net.nodeView(node, view, this.clock.now());
    if (r === undefined) return fail(`no view "${view}" in this lab (${this.net.mode}); views: ${this.net.nodeViews.join(', ')}`);
    return r;
  }

  /** Runs one shell command on the external client or a node's own stack (`svcnet exec`). */
  async exec(req: ExecRequest): Promise<ViewResult> {
    if (req.target !== 'client' && !this.nodeStacks.has(req.target)) {
      return fail(`unknown exec target "${req.target}": "client" (the external host) or a node (${this.nodes().join(', ')}); for pods use kubectl exec`);
    }
    const ep = this.endpoint(req.target);
    if (typeof ep === 'string') return fail(ep);
    const r = await execOn({ name: req.target, stack: ep.stack, ip: ep.ip, resolvConf: this.resolvConf }, req.argv, { clock: this.clock });
    return { ok: true, stdout: r.stdout, stderr: r.stderr, exitCode: r.exitCode };
  }

  // ---- traces ---------------------------------------------------------------------------

  /** Resolves "ns/pod", a node name or "client" to a stack and its NIC on the fabric. */
  private endpoint(name: string): Endpoint | string {
    if (name === 'client') return { label: 'client', ip: this.client.nic.address, stack: this.client.stack, nic: this.client.nic, ref: { kind: 'client', name } };
    const node = this.nodeStacks.get(name);
    if (node !== undefined) return { label: `node ${name}`, ip: node.nic.address, stack: node.stack, nic: node.nic, ref: { kind: 'node', name } };
    const slash = name.indexOf('/');
    const matches = [...this.runtimes.values()].flatMap((rt) =>
      rt.pods().filter((p) => (slash === -1 ? p.name === name : p.namespace === name.slice(0, slash) && p.name === name.slice(slash + 1))),
    );
    if (matches.length > 1) return `"${name}" is ambiguous: ${matches.map((p) => `${p.namespace}/${p.name}`).join(', ')}`;
    const p = matches[0];
    if (p === undefined) {
      const pods = [...this.runtimes.values()].flatMap((rt) => rt.pods().map((x) => `${x.namespace}/${x.name}`));
      return `unknown source "${name}": not a running pod (ns/pod), a node (${this.nodes().join(', ')}) or "client"` + (pods.length > 0 ? `\n  running pods: ${pods.sort().join(', ')}` : '');
    }
    if (p.nic === undefined) return `pod ${p.namespace}/${p.name} uses the host network: trace from its node instead`;
    return { label: `pod ${p.namespace}/${p.name}`, ip: p.nic.address, stack: p.stack, nic: p.nic, ref: { kind: 'pod', name: p.name, namespace: p.namespace } };
  }

  private destination(to: string): { ip: IPv4; port: number | undefined; label: string } | string {
    const m = /^(.*?)(?::(\d+))?$/.exec(to.trim());
    const host = m?.[1] ?? '';
    const port = m?.[2] === undefined ? undefined : Number(m[2]);
    if (host === '') return `bad destination "${to}": want IP[:PORT] or NAME[:PORT]`;
    if (port !== undefined && (port < 1 || port > 65535)) return `bad port ${port} in "${to}"`;
    const lit = parseIPv4(host);
    if (lit.ok) return { ip: lit.value, port, label: host };
    const ep = this.endpoint(host);
    if (typeof ep === 'string') return ep.replace('unknown source', 'unknown destination');
    return { ip: ep.ip, port, label: `${host} (${formatIPv4(ep.ip)})` };
  }

  async trace(req: TraceRequest): Promise<ViewResult> {
    const proto = req.proto ?? 'tcp';
    const src = this.endpoint(req.from);
    if (typeof src === 'string') return fail(src);
    const dst = this.destination(req.to);
    if (typeof dst === 'string') return fail(dst);
    if (proto !== 'icmp' && dst.port === undefined) return fail(`${proto} needs a port: --to ${req.to}:PORT`);
    if (src.stack.isLocalAddress(dst.ip)) return fail(`${formatIPv4(dst.ip)} is ${src.label} itself: the packet would never leave its stack`);
    const route = src.stack.routes.lookup(dst.ip);
    if (route === undefined) return fail(`${src.label} has no route to ${formatIPv4(dst.ip)}`);
    const hop = route.gateway ?? dst.ip;
    const mac = src.stack.arp.lookup(src.nic, hop) ?? this.net.nextHopMac(src.ref, hop);
    if (mac === undefined) {
      return fail(`${src.label}: ARP for ${formatIPv4(hop)} would get no answer (nothing on its segment has that address); ` + `the packet never leaves: "Destination Host Unreachable"`);
    }
    const frame = firstPacket({
      srcMac: src.nic.mac,
      dstMac: mac,
      src: src.ip,
      dst: dst.ip,
      proto,
      srcPort: 32768 + Math.floor(Math.random() * 28232),
      ...(dst.port !== undefined ? { dstPort: dst.port } : {}),
      seq: Math.floor(Math.random() * 0xffffffff),
      ident: Math.floor(Math.random() * 0xffff),
    });
    const r = this.net.trace(src.nic, frame);
    if (!r.ok) return fail(`${src.label} is not linked to the fabric (${r.error.code})`);
    const records = r.value;
    await this.settleArp(records);
    const what = proto === 'icmp' ? 'ICMP echo request' : proto === 'tcp' ? 'TCP SYN' : 'UDP datagram';
    const head = `${what} from ${src.label} (${formatIPv4(src.ip)}) to ${dst.label}${dst.port !== undefined ? ` port ${dst.port}` : ''}, next hop ${formatIPv4(hop)}`;
    return { ok: true, stdout: `${head}\n${formatTrace(records)}\n\n${verdict(records, (link) => this.linkLabel(link))}\n` };
  }

  /** "pod demons/web (172.25.5.2)" for the link of a known endpoint. */
  private linkLabel(link: string): string | undefined {
    const sched = this.net.scheduler;
    const label = (nic: HostNic, what: string) => (sched.linkOf(nic)?.name === link ? `${what} (${formatIPv4(nic.address)})` : undefined);
    for (const rt of this.runtimes.values()) {
      for (const p of rt.pods()) {
        const l = p.nic === undefined ? undefined : label(p.nic, `pod ${p.namespace}/${p.name}`);
        if (l !== undefined) return l;
      }
    }
    for (const [name, n] of this.nodeStacks) {
      const l = label(n.nic, `node ${name}`);
      if (l !== undefined) return l;
    }
    return label(this.client.nic, 'client');
  }

  /** A router may have queued the traced packet behind an ARP request: wait for its outcome. */
  private async settleArp(records: readonly HopRecord[]): Promise<void> {
    const t0 = Date.now();
    while (pendingArp(records) && Date.now() - t0 < ARP_WAIT_MS) await new Promise((r) => setTimeout(r, 50));
  }
}

function pendingArp(records: readonly HopRecord[]): boolean {
  const i = records.findLastIndex((r) => r.kind === 'arp-pending');
  return i !== -1 && !records.slice(i + 1).some((r) => r.kind === 'deliver' || r.kind === 'drop' || r.kind === 'router' || r.kind === 'link');
}

/** One line: where the traced packet ended up. `labelOf` names the endpoint behind a link. */
export function verdict(records: readonly HopRecord[], labelOf: (link: string) => string | undefined = () => undefined): string {
  const name = (r: HopRecord & { kind: 'deliver' }, i: number): string => {
    // The link record just before a delivery names the link the endpoint hangs on.
    const link = records.slice(0, i).findLast((x) => x.kind === 'link' && x.hop === r.hop);
    return (link?.kind === 'link' ? labelOf(link.link) : undefined) ?? r.device;
  };
  const delivered: string[] = [];
  const errorsBack: string[] = [];
  records.forEach((r, i) => {
    if (r.kind !== 'deliver') return;
    // ICMP errors a router sends about the traced packet travel with its trace.
    const m = / icmp \S+ > \S+ (dest-unreachable|time-exceeded)/.exec(r.frame);
    if (m !== null) errorsBack.push(`ICMP ${m[1]} reached ${name(r, i)}`);
    else delivered.push(name(r, i));
  });
  if (delivered.length > 0) return `Result: delivered to ${[...new Set(delivered)].join(', ')}`;
  const drop = records.findLast((r) => r.kind === 'drop');
  const back = errorsBack.length > 0 ? ` (${[...new Set(errorsBack)].join('; ')})` : '';
  if (drop?.kind === 'drop') return `Result: dropped at ${drop.device}: ${formatDropReason(drop.reason)}${back}`;
  if (pendingArp(records)) return 'Result: still waiting for ARP at a router';
  return `Result: no endpoint reached${back}`;
}
