// kube-proxy in nftables or iptables mode on every node: each one an API client
// (Services, EndpointSlices, its Node) that renders kube-proxy's program and reloads it
// into its node's ruleset, which the node router runs packet by packet. Both labs: the
// kube-proxy lab's nodes (nftables or iptables), and the NSX lab's management NICs
// (iptables, clusterCIDR = the pod pool), where it serves the NodePorts.
import type { RestClient } from '../src/client/index.js';
import type { Clock, Logger } from '../src/core/index.js';
import { conntrackFlusher, iptablesProgrammer, KubeProxy, nftablesProgrammer } from '../src/proxy/index.js';
import type { NodeRuleset } from './emulator-generic.js';

/** What the proxies program: a ruleset per node (GenericEmulator and Emulator both fit). */
export interface NodeRulesets {
  readonly rulesets: ReadonlyMap<string, NodeRuleset>;
  readonly clock: Clock;
}

export interface RunningKubeProxies {
  readonly proxies: ReadonlyMap<string, KubeProxy>;
  ready(): Promise<void>;
  stop(): void;
}

export function startKubeProxies(emu: NodeRulesets, nodes: readonly { readonly nodeName: string; readonly internalIP: string }[], clusterCIDR: string, clientFor: (component: string) => RestClient, log: Logger): RunningKubeProxies {
  const proxies = new Map<string, KubeProxy>();
  for (const n of nodes) {
    const rs = emu.rulesets.get(n.nodeName);
    if (rs === undefined) throw new Error(`node ${n.nodeName} has no packet filter in the emulated lab`);
    const proxy = new KubeProxy({
      client: clientFor(`kube-proxy/${n.nodeName}`),
      nodeName: n.nodeName,
      nodeIPs: [n.internalIP],
      mode: rs.mode,
      clusterCIDR,
      programmer: rs.mode === 'nftables' ? nftablesProgrammer(rs.ruleset, () => emu.clock.now()) : iptablesProgrammer(rs.ruleset),
      flushConntrack: conntrackFlusher(rs.nf.conntrack),
      // `counter` on the dispatch, DNAT and reject rules, so `svcnet nft list ruleset` shows
      // traffic (upstream's rules carry none; iptables counts every rule anyway).
      counters: true,
      log: log.child(n.nodeName),
    });
    proxy.start();
    proxies.set(n.nodeName, proxy);
  }
  return {
    proxies,
    ready: async () => {
      await Promise.all([...proxies.values()].map((p) => p.ready()));
    },
    stop: () => {
      for (const p of proxies.values()) p.stop();
    },
  };
}
