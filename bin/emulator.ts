// The emulated network under `svcnet up`: the article's NSX lab (one br-int per node,
// namespace logical switches and Tier-1s, Tier-0, management and external segments), each
// node's own IP stack on the management segment, the external client 192.168.50.10, and
// one EmulatedRuntime per node for its node agent. bin/lab.ts takes `runtimeFor(node)`;
// the admin channel (./emulator-admin.ts) serves `views` to the svcnet CLI.
//
// Beyond the Tier-0: an "upstream" router at 192.168.50.254 on the external segment is the
// Tier-0's default route, standing for the physical network. It answers ARP and ping and
// swallows everything else, so a packet for an address nobody owns (172.25.9.9, 8.8.8.8)
// leaves the lab and is never answered, as in the article's lab: clients time out
// (`curl --max-time 2` exits 28) instead of getting ICMP net unreachable from the Tier-0.
//
// Every node also runs kube-proxy in iptables mode on its management NIC, as the article's
// nodes do ("Iptables rules for this service are implemented on K8S nodes"): each node's
// router between ens160 and its own stack runs an IptRuleset (`rulesets`) that the node's
// kube-proxy (bin/kube-proxies.ts, started by bin/lab.ts) reloads; NodePorts on
// 10.190.5.x are DNATed to pod IPs there and masqueraded to the node IP.
import { parseIPv4, realClock, silentLogger, unwrap, type Clock, type Logger } from '../src/core/index.js';
import { NsxLab, SimpleHost } from '../src/dataplane/fabric/index.js';
import type { HostNic, HostStack } from '../src/dataplane/host/index.js';
import { IptRuleset } from '../src/dataplane/iptables/index.js';
import type { AppImage, AppLauncher } from '../src/node/emulated-apps.js';
import { attachExternalHost, attachNodeNetwork, nodeMac } from '../src/node/emulated-network.js';
import { EmulatedRuntime } from '../src/node/emulated-runtime.js';
import { silentDnsApp } from '../src/node/silent-dns-app.js';
import { BuiltinApps } from '../src/node/builtin-apps.js';
import { startAdminServer, type AdminServer } from './emulator-admin.js';
import { EmulatorViews, nsxViewNetwork } from './emulator-views.js';
import type { NodeRuleset } from './emulator-generic.js';

export const EXTERNAL_CLIENT_IP = '192.168.50.10';
export const UPSTREAM_IP = '192.168.50.254';

export interface EmulatorOptions {
  readonly nodes: readonly { readonly nodeName: string; readonly internalIP: string }[];
  readonly clock?: Clock;
  /** Seed of the fabric's loss RNG. */
  readonly seed?: number;
  /** Apps by image; default: the built-in apps plus `dnsServerApp`. */
  readonly apps?: AppLauncher;
  /**
   * The app behind the coredns image (registry.k8s.io/coredns/coredns). Until the cluster
   * DNS server (src/dns) is plugged in here, a server that receives and never answers.
   */
  readonly dnsServerApp?: AppImage;
  readonly log?: Logger;
}

export interface Emulator {
  readonly lab: NsxLab;
  readonly clock: Clock;
  readonly apps: AppLauncher;
  readonly runtimes: ReadonlyMap<string, EmulatedRuntime>;
  readonly nodeStacks: ReadonlyMap<string, { readonly stack: HostStack; readonly nic: HostNic }>;
  readonly client: { readonly stack: HostStack; readonly nic: HostNic };
  readonly upstream: SimpleHost;
  /** Per node: the iptables ruleset its kube-proxy reloads, run on its management NIC. */
  readonly rulesets: ReadonlyMap<string, NodeRuleset>;
  readonly views: EmulatorViews;
  /** The PodRuntime for a node's agent. Throws for a node that is not in the lab. */
  runtimeFor(node: string): EmulatedRuntime;
  /** Stops every app and unplugs every pod. */
  stop(): Promise<void>;
}

export function defaultApps(dnsServerApp: AppImage = silentDnsApp()): AppLauncher {
  return new BuiltinApps({ dnsServerApp });
}

export function buildEmulator(opts: EmulatorOptions): Emulator {
  const clock = opts.clock ?? realClock;
  const log = opts.log ?? silentLogger;
  const apps = opts.apps ?? defaultApps(opts.dnsServerApp);
  const lab = new NsxLab({ clock, ...(opts.seed !== undefined ? { seed: opts.seed } : {}) });
  const runtimes = new Map<string, EmulatedRuntime>();
  const nodeStacks = new Map<string, { stack: HostStack; nic: HostNic }>();
  const rulesets = new Map<string, NodeRuleset>();
  for (const n of opts.nodes) {
    unwrap(lab.addNode(n.nodeName, n.internalIP));
    const node = attachNodeNetwork({ lab, node: n.nodeName, clock });
    nodeStacks.set(n.nodeName, node);
    const ruleset = new IptRuleset();
    rulesets.set(n.nodeName, { mode: 'iptables', ruleset, nf: unwrap(lab.enableNetfilter(n.nodeName, [ruleset])) });
    runtimes.set(n.nodeName, new EmulatedRuntime({ lab, nodeName: n.nodeName, nodeStack: node.stack, apps, clock, log: log.child(n.nodeName) }));
  }
  const client = attachExternalHost({ lab, name: 'client', ip: EXTERNAL_CLIENT_IP, clock });
  const upIp = unwrap(parseIPv4(UPSTREAM_IP));
  const upstream = new SimpleHost({ name: 'upstream', mac: nodeMac(upIp), ip: upIp, prefix: lab.external.cidr.prefix, keepInbox: false });
  unwrap(lab.attachHost('external', upstream, { ip: upIp }));
  lab.tier0.addRoute(unwrap(parseIPv4('0.0.0.0')), 0, upIp);
  const views = new EmulatorViews(nsxViewNetwork(lab, rulesets), runtimes, nodeStacks, client, clock, `nameserver ${UPSTREAM_IP}\n`);
  return {
    lab,
    clock,
    apps,
    runtimes,
    nodeStacks,
    client,
    upstream,
    rulesets,
    views,
    ...runtimeAccess(runtimes),
  };
}

/** `runtimeFor` and `stop` over a lab's node runtimes (both labs). */
export function runtimeAccess(runtimes: ReadonlyMap<string, EmulatedRuntime>): { runtimeFor(node: string): EmulatedRuntime; stop(): Promise<void> } {
  return {
    runtimeFor(node) {
      const rt = runtimes.get(node);
      if (rt === undefined) throw new Error(`node ${node} is not in the emulated lab (nodes: ${[...runtimes.keys()].join(', ')})`);
      return rt;
    },
    async stop() {
      for (const rt of runtimes.values()) await rt.shutdown();
    },
  };
}

/** Serves an emulator's views on STATE_DIR/admin.sock; stopping it closes the socket first. */
export async function withAdmin<E extends { readonly views: EmulatorViews; stop(): Promise<void> }>(emu: E, stateDir: string): Promise<E & { readonly admin: AdminServer }> {
  const admin = await startAdminServer(stateDir, emu.views);
  return {
    ...emu,
    admin,
    async stop() {
      await admin.close();
      await emu.stop();
    },
  };
}

export interface RunningEmulator extends Emulator {
  readonly admin: AdminServer;
}

/** The emulator for `svcnet up`: built on the real clock, its views served on STATE_DIR/admin.sock. */
export async function startEmulator(o: { readonly stateDir: string; readonly nodes: EmulatorOptions['nodes']; readonly log?: Logger; readonly dnsServerApp?: AppImage }): Promise<RunningEmulator> {
  return withAdmin(buildEmulator({ nodes: o.nodes, ...(o.log !== undefined ? { log: o.log } : {}), ...(o.dnsServerApp !== undefined ? { dnsServerApp: o.dnsServerApp } : {}) }), o.stateDir);
}
