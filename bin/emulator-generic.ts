// The emulated network under `svcnet up --proxy-mode nftables|iptables`: generic
// Kubernetes as the article's "Generic K8S" sections describe it. Nodes on 10.190.5.0/24,
// each routing for its own pod CIDR 10.244.N.0/24 (cni0 bridge, host-gw routes between
// nodes), an edge router (10.190.5.1 / 192.168.50.1) to the external client 192.168.50.10,
// and on every node a netfilter ruleset — nftables table `ip kube-proxy` or iptables
// tables — that the node's kube-proxy reloads and the node router runs packet by packet
// with its own conntrack.
import { parseIPv4, realClock, silentLogger, unwrap, type Clock, type Logger } from '../src/core/index.js';
import { GenericLab, type NodeNetfilter } from '../src/dataplane/fabric/index.js';
import { HostStack, type HostNic } from '../src/dataplane/host/index.js';
import { IptRuleset } from '../src/dataplane/iptables/index.js';
import { formatNftRuleset, NftRuleset } from '../src/dataplane/nftables/index.js';
import type { AppImage, AppLauncher } from '../src/node/emulated-apps.js';
import { nodeMac } from '../src/node/emulated-network.js';
import { EmulatedRuntime } from '../src/node/emulated-runtime.js';
import { attachGenericNodeNetwork, genericPodNetwork } from '../src/node/generic-network.js';
import type { AdminServer } from './emulator-admin.js';
import { conntrackView, EmulatorViews, iptablesSaveView, withNewline, type ViewNetwork, type ViewResult } from './emulator-views.js';
import { defaultApps, EXTERNAL_CLIENT_IP, runtimeAccess, withAdmin } from './emulator.js';

export type NetfilterMode = 'nftables' | 'iptables';

export interface GenericNodeSpec {
  readonly nodeName: string;
  readonly internalIP: string;
  readonly podCIDR: string;
}

/** A node's packet filter: the ruleset its kube-proxy reloads, and what runs it. */
export type NodeRuleset = { readonly mode: 'nftables'; readonly ruleset: NftRuleset; readonly nf: NodeNetfilter } | { readonly mode: 'iptables'; readonly ruleset: IptRuleset; readonly nf: NodeNetfilter };

export interface GenericEmulator {
  readonly mode: NetfilterMode;
  readonly lab: GenericLab;
  readonly clock: Clock;
  readonly apps: AppLauncher;
  readonly runtimes: ReadonlyMap<string, EmulatedRuntime>;
  readonly nodeStacks: ReadonlyMap<string, { readonly stack: HostStack; readonly nic: HostNic }>;
  readonly client: { readonly stack: HostStack; readonly nic: HostNic };
  readonly rulesets: ReadonlyMap<string, NodeRuleset>;
  readonly views: EmulatorViews;
  runtimeFor(node: string): EmulatedRuntime;
  stop(): Promise<void>;
}

/** The kube-proxy lab's views: `nft list ruleset` / `iptables-save -c` with live counters, and conntrack. */
export function genericViewNetwork(lab: GenericLab, rulesets: ReadonlyMap<string, NodeRuleset>, mode: NetfilterMode): ViewNetwork {
  const views: Record<string, (r: NodeRuleset, now: number) => ViewResult> = {
    'nft-list-ruleset': (r, now) =>
      r.mode === 'nftables'
        ? { ok: true, stdout: withNewline(formatNftRuleset(r.ruleset, { counters: true, now })) }
        : { ok: false, error: 'this lab runs kube-proxy in iptables mode: use `svcnet iptables-save <node>`' },
    'iptables-save': (r, now) =>
      r.mode === 'iptables'
        ? iptablesSaveView(r.ruleset, now)
        : { ok: false, error: 'this lab runs kube-proxy in nftables mode: use `svcnet nft list ruleset <node>`' },
    conntrack: (r, now) => conntrackView(r.nf.conntrack, now),
  };
  return {
    mode: `kube-proxy ${mode} (--proxy-mode ${mode})`,
    nodeViews: Object.keys(views),
    nodeView(node, view, now) {
      const v = views[view];
      if (v === undefined) return undefined;
      const r = rulesets.get(node);
      if (r === undefined) return { ok: false, error: `node ${node} has no packet filter` };
      return v(r, now);
    },
    trace: (from, frame) => lab.trace(from, frame),
    scheduler: lab.fabric.scheduler,
    // Every segment here is a plain bridge: a first packet goes to the gateway's MAC.
    nextHopMac(ep, hop) {
      if (ep.kind === 'client') return lab.edge.interfaces().find((i) => i.ip === hop)?.mac;
      for (const n of rulesets.keys()) {
        const node = lab.node(n);
        if (node === undefined) continue;
        if (ep.kind === 'node' && ep.name === n) return node.router.iface('host')?.mac;
        if (ep.kind === 'pod' && node.gateway === hop) return node.router.iface('cni0')?.mac;
      }
      return undefined;
    },
  };
}

export function buildGenericEmulator(opts: {
  readonly mode: NetfilterMode;
  readonly nodes: readonly GenericNodeSpec[];
  readonly clock?: Clock;
  readonly seed?: number;
  readonly apps?: AppLauncher;
  readonly dnsServerApp?: AppImage;
  readonly log?: Logger;
}): GenericEmulator {
  const clock = opts.clock ?? realClock;
  const log = opts.log ?? silentLogger;
  const apps = opts.apps ?? defaultApps(opts.dnsServerApp);
  const lab = new GenericLab({ clock, ...(opts.seed !== undefined ? { seed: opts.seed } : {}) });
  const runtimes = new Map<string, EmulatedRuntime>();
  const nodeStacks = new Map<string, { stack: HostStack; nic: HostNic }>();
  const rulesets = new Map<string, NodeRuleset>();
  for (const n of opts.nodes) {
    unwrap(lab.addNode(n.nodeName, n.internalIP, n.podCIDR));
    const node = attachGenericNodeNetwork({ lab, node: n.nodeName, clock });
    nodeStacks.set(n.nodeName, node);
    runtimes.set(n.nodeName, new EmulatedRuntime({ network: genericPodNetwork(lab, n.nodeName, clock), nodeName: n.nodeName, nodeStack: node.stack, apps, clock, log: log.child(n.nodeName) }));
    if (opts.mode === 'nftables') {
      const ruleset = new NftRuleset();
      rulesets.set(n.nodeName, { mode: 'nftables', ruleset, nf: unwrap(lab.enableNetfilter(n.nodeName, [ruleset])) });
    } else {
      const ruleset = new IptRuleset();
      rulesets.set(n.nodeName, { mode: 'iptables', ruleset, nf: unwrap(lab.enableNetfilter(n.nodeName, [ruleset])) });
    }
  }
  // The external client: outside the cluster, behind the edge router.
  const clientIp = unwrap(parseIPv4(EXTERNAL_CLIENT_IP));
  const stack = new HostStack({ clock, hostname: 'client' });
  const nic = stack.addInterface({ name: 'eth0', mac: nodeMac(clientIp), address: clientIp, prefix: lab.external.cidr.prefix });
  stack.addDefaultRoute(lab.external.gateway);
  unwrap(lab.attachHost('external', nic));
  const client = { stack, nic };
  const views = new EmulatorViews(genericViewNetwork(lab, rulesets, opts.mode), runtimes, nodeStacks, client, clock, '');
  return {
    mode: opts.mode,
    lab,
    clock,
    apps,
    runtimes,
    nodeStacks,
    client,
    rulesets,
    views,
    ...runtimeAccess(runtimes),
  };
}

export interface RunningGenericEmulator extends GenericEmulator {
  readonly admin: AdminServer;
}

export async function startGenericEmulator(o: Parameters<typeof buildGenericEmulator>[0] & { readonly stateDir: string }): Promise<RunningGenericEmulator> {
  return withAdmin(buildGenericEmulator(o), o.stateDir);
}
