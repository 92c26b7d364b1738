// The NSX kube proxy on every node of the emulated lab: each one is an API client
// (Services, EndpointSlices, its Node) that programs its node's br-int with deltas.
import type { RestClient } from '../src/client/index.js';
import type { Logger } from '../src/core/index.js';
import type { NsxLab } from '../src/dataplane/fabric/index.js';
import { conntrackFlusher, NsxKubeProxy, programmerFor, rejectPacketInHandler } from '../src/proxy/index.js';

export interface RunningProxies {
  readonly proxies: ReadonlyMap<string, NsxKubeProxy>;
  ready(): Promise<void>;
  stop(): void;
}

/** NSX-T's kube proxy conntrack zone for service NAT (the article's zone=65312). */
const SERVICE_ZONE = 65312;

export function startNsxProxies(lab: NsxLab, nodes: readonly { readonly nodeName: string; readonly internalIP: string }[], clientFor: (component: string) => RestClient, log: Logger): RunningProxies {
  const proxies = new Map<string, NsxKubeProxy>();
  const offPacketIn: (() => void)[] = [];
  for (const n of nodes) {
    const bridge = lab.nodeBridge(n.nodeName);
    const uplink = bridge?.port('ens192');
    if (bridge === undefined || uplink === undefined) throw new Error(`node ${n.nodeName} has no br-int with an ens192 uplink in the emulated lab`);
    const proxy = new NsxKubeProxy({
      client: clientFor(`nsx-kube-proxy/${n.nodeName}`),
      nodeName: n.nodeName,
      nodeIPs: [n.internalIP],
      uplink: { name: 'ens192', ofport: uplink.ofport },
      programmer: programmerFor(bridge),
      flushConntrack: conntrackFlusher(bridge.conntrack, SERVICE_ZONE),
      log: log.child(n.nodeName),
    });
    // The proxy's controller: answers its reject flows (Services without endpoints).
    offPacketIn.push(bridge.onPacketIn(rejectPacketInHandler));
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
      for (const off of offPacketIn) off();
    },
  };
}
