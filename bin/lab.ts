// Assembles the lab that `svcnet up` runs. bin/ is the only place that imports every
// component; each piece talks to the others only through the Kubernetes API.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startApiServer } from '../src/apiserver/api-server.js';
import { loadOrCreateTls } from '../src/apiserver/tls.js';
import { RestClient, Resources } from '../src/client/index.js';
import { startControllers } from '../src/controllers/index.js';
import { createLogger } from '../src/core/index.js';
import { DEFAULT_POD_POOL, NodeAgent, routeByNode, type NodeAgentConfig, type PodRuntime } from '../src/node/index.js';
import { SqliteStore } from '../src/store/index.js';
import { startEmulator } from './emulator.js';
import { clusterDnsApp } from './dns-app.js';
import { startNsxProxies } from './proxies.js';
import { startGenericEmulator } from './emulator-generic.js';
import { startKubeProxies } from './kube-proxies.js';
import { startExternalLoadBalancer, startNsxLoadBalancer } from './load-balancers.js';
import { startHostAccess } from './host-ports.js';
import { formatBgpSummary } from './bgp-summary.js';
import { advertise } from '../src/lb/index.js';
import type { EmulatorViews } from './emulator-views.js';
import type { HostStack } from '../src/dataplane/host/index.js';
import { startClusterDns } from '../src/dns/index.js';
import { corednsDeployment, ensureObject, kubeDnsService } from './lab-objects.js';
import type { KubeObject } from '../src/api/index.js';

export interface LabOptions {
  readonly stateDir: string;
  readonly address: string;
  readonly port: number;
  readonly progress: (msg: string) => void;
  /** Host address/port of the cluster DNS (default 127.0.0.1:10053). */
  readonly dnsAddress?: string;
  readonly dnsPort?: number;
  /** Host address/port of the cluster DNS's /metrics (default 127.0.0.1:9153, CoreDNS's port). */
  readonly dnsMetricsAddress?: string;
  readonly dnsMetricsPort?: number;
  /** openflow (default): the NSX lab; nftables / iptables: generic Kubernetes with kube-proxy. */
  readonly proxyMode?: ProxyMode;
  /** Advertise LoadBalancer VIPs over BGP from the Tier-0 (NSX) / edge (kube-proxy lab). */
  readonly bgp?: BgpConfig;
}

export interface BgpConfig {
  readonly peers: readonly advertise.BgpPeerSpec[];
  readonly localAsn: number;
  readonly routerId: string;
}

export type ProxyMode = 'openflow' | 'nftables' | 'iptables';
export const PROXY_MODES: readonly ProxyMode[] = ['openflow', 'nftables', 'iptables'];

export interface Lab {
  readonly server: string;
  readonly kubeconfig: string;
  /** host:port where the cluster DNS answers (dig @127.0.0.1 -p 10053 ...). */
  readonly dns: string;
  /** host:port of the cluster DNS metrics (curl http://127.0.0.1:9153/metrics). */
  readonly dnsMetrics: string;
  readonly proxyMode: ProxyMode;
  stop(): Promise<void>;
}

/** The article's lab: the API server advertises k8s-master's address. */
export const LAB = {
  serviceCidr: '10.96.0.0/12',
  nodePortRange: '30000-32767',
  advertiseAddress: '10.190.5.10',
  advertisePort: 6443,
  extraNamespaces: ['nsx-system'],
  nodes: [
    { nodeName: 'k8s-master', internalIP: '10.190.5.10', role: 'control-plane', podCIDR: '10.244.0.0/24' },
    { nodeName: 'k8s-node1', internalIP: '10.190.5.11', role: 'worker', podCIDR: '10.244.1.0/24' },
    { nodeName: 'k8s-node2', internalIP: '10.190.5.12', role: 'worker', podCIDR: '10.244.2.0/24' },
  ],
  /** kube-proxy --cluster-cidr in the generic lab (the nodes' podCIDRs are carved from it). */
  clusterCIDR: '10.244.0.0/16',
  /** LoadBalancer VIPs (lb-ipam's default pool; NSX: the routable pool of the article's Part 3). */
  lbPool: '10.190.6.0/24',
  /** NEXT_HOP of advertised VIPs: the Tier-0's (NSX) / edge's (kube-proxy lab) external address. */
  tier0Uplink: '192.168.50.1',
} as const;

function loadOrCreateToken(dir: string): string {
  const p = join(dir, 'admin.token');
  if (existsSync(p)) return readFileSync(p, 'utf8').trim();
  const t = randomBytes(24).toString('base64url');
  writeFileSync(p, t + '\n', { mode: 0o600 });
  return t;
}

export function kubeconfigYaml(server: string, caPem: string, token: string): string {
  const ca = Buffer.from(caPem).toString('base64');
  return [
    'apiVersion: v1',
    'kind: Config',
    'clusters:',
    '- name: svcnet',
    '  cluster:',
    `    server: ${server}`,
    `    certificate-authority-data: ${ca}`,
    'users:',
    '- name: svcnet-admin',
    '  user:',
    `    token: ${token}`,
    'contexts:',
    '- name: svcnet',
    '  context:',
    '    cluster: svcnet',
    '    user: svcnet-admin',
    '    namespace: default',
    'current-context: svcnet',
    '',
  ].join('\n');
}

export async function startLab(opts: LabOptions): Promise<Lab> {
  const log = createLogger('svcnet');
  mkdirSync(opts.stateDir, { recursive: true });
  // Everything started is stopped in reverse order, on `stop()` and on a failed start alike.
  const cleanups: Array<() => unknown> = [];
  const stopAll = async () => {
    for (const c of cleanups.splice(0).reverse()) {
      try {
        await c();
      } catch (e) {
        log.warn(`while stopping: ${(e as Error).message}`);
      }
    }
  };
  try {
    opts.progress(`opening store ${join(opts.stateDir, 'store.db')}`);
    const store = SqliteStore.open(join(opts.stateDir, 'store.db'));
    cleanups.push(() => store.close());
    const tls = await loadOrCreateTls(join(opts.stateDir, 'pki'), {
      ips: ['127.0.0.1', '::1', opts.address, '10.96.0.1', LAB.advertiseAddress],
      dnsNames: ['localhost', 'kubernetes', 'kubernetes.default', 'kubernetes.default.svc', 'kubernetes.default.svc.cluster.local'],
    });
    const token = loadOrCreateToken(opts.stateDir);
    opts.progress('starting API server');
    const api = await startApiServer({
      store,
      log: log.child('apiserver'),
      address: opts.address,
      port: opts.port,
      tls: { cert: tls.certPem, key: tls.keyPem },
      tokens: new Map([[token, 'admin']]),
      serviceCidr: LAB.serviceCidr,
      nodePortRange: LAB.nodePortRange,
      advertiseAddress: LAB.advertiseAddress,
      advertisePort: LAB.advertisePort,
      extraNamespaces: LAB.extraNamespaces,
    });
    cleanups.push(() => api.close());
    // Every component is an API client; in one process they use the in-process transport,
    // which still goes through the server's HTTP handling (auth, admission, watch).
    const clientFor = (component: string) => new RestClient({ handler: api.http.handle, token, userAgent: `svcnet-${component}` });

    // Cluster DNS: served inside the emulator by the coredns pods, and on a host port for dig.
    const dnsAddress = opts.dnsAddress ?? '127.0.0.1';
    const metricsAddress = opts.dnsMetricsAddress ?? '127.0.0.1';
    opts.progress(`starting cluster DNS (host port ${dnsAddress}:${opts.dnsPort ?? 10053}, metrics ${metricsAddress}:${opts.dnsMetricsPort ?? 9153})`);
    const dns = await startClusterDns({
      client: clientFor('coredns'),
      address: dnsAddress,
      port: opts.dnsPort ?? 10053,
      metricsAddress,
      metricsPort: opts.dnsMetricsPort ?? 9153,
      log: log.child('dns'),
    });
    cleanups.push(() => dns.stop());

    // The emulated network the pods run on (and its admin channel for `svcnet ofctl|nft|conntrack|trace|exec`).
    const mode = opts.proxyMode ?? 'openflow';
    const dnsServerApp = clusterDnsApp(dns.handler, { metrics: dns.metrics });
    const nodes = LAB.nodes.map(({ podCIDR, ...n }) => n);
    let runtimeFor: (node: string) => PodRuntime;
    let nodeConfig: (n: (typeof LAB.nodes)[number]) => NodeAgentConfig;
    let startProxies: () => { ready(): Promise<void>; stop(): void };
    let startLoadBalancer: () => { ready(): Promise<void>; stop(): void };
    let views: EmulatorViews;
    let entryStack: HostStack;
    if (mode === 'openflow') {
      opts.progress('building the emulated NSX network (Tier-0, Tier-1s, br-int on every node)');
      const emulator = await startEmulator({ stateDir: opts.stateDir, nodes, log: log.child('emulator'), dnsServerApp });
      cleanups.push(() => emulator.stop());
      runtimeFor = (n) => emulator.runtimeFor(n);
      views = emulator.views;
      entryStack = emulator.client.stack;
      nodeConfig = ({ podCIDR, ...n }) => ({ ...n });
      startProxies = () => {
        opts.progress('starting NSX kube proxies (br-int flows and groups on every node)');
        const nsx = startNsxProxies(emulator.lab, nodes, clientFor, log.child('nsx-kube-proxy'));
        // As in the article, kube-proxy still runs on every node in iptables mode: NodePorts
        // on the management NICs (10.190.5.x). --cluster-cidr = NCP's pod pool.
        opts.progress(`starting kube-proxy (iptables mode, cluster CIDR ${DEFAULT_POD_POOL}) on every node's management NIC`);
        const kube = startKubeProxies(emulator, nodes, DEFAULT_POD_POOL, clientFor, log.child('kube-proxy'));
        return {
          ready: async () => {
            await Promise.all([nsx.ready(), kube.ready()]);
          },
          stop: () => {
            kube.stop();
            nsx.stop();
          },
        };
      };
      startLoadBalancer = () => {
        opts.progress('starting the NSX load balancer (lb-k8s-testcluster1-cyjfb on its own Tier-1 on the edge, uplink 100.64.208.9)');
        return startNsxLoadBalancer(emulator, clientFor('ncp'), log.child('nsx-lb'));
      };
    } else {
      opts.progress(`building the emulated generic network (pod CIDRs ${LAB.nodes.map((n) => n.podCIDR).join(', ')}; ${mode} on every node)`);
      const emulator = await startGenericEmulator({ stateDir: opts.stateDir, mode, nodes: LAB.nodes, log: log.child('emulator'), dnsServerApp });
      cleanups.push(() => emulator.stop());
      runtimeFor = (n) => emulator.runtimeFor(n);
      views = emulator.views;
      entryStack = emulator.client.stack;
      nodeConfig = (n) => ({ ...n, ipam: { mode: 'node-cidr' } });
      startProxies = () => {
        opts.progress(`starting kube-proxy (${mode} mode) on every node`);
        return startKubeProxies(emulator, nodes, LAB.clusterCIDR, clientFor, log.child('kube-proxy'));
      };
      startLoadBalancer = () => {
        opts.progress(`starting the external load balancer on the edge router (VIPs from ${LAB.lbPool} -> NodeIP:NodePort)`);
        return startExternalLoadBalancer(emulator, emulator.views, clientFor('external-lb'), LAB.lbPool, log.child('external-lb'));
      };
    }

    const agents = new Map<string, NodeAgent>();
    opts.progress(`starting node agents ${LAB.nodes.map((n) => n.nodeName).join(', ')}`);
    for (const n of LAB.nodes) {
      const agent = new NodeAgent({ client: clientFor(`kubelet/${n.nodeName}`), runtime: runtimeFor(n.nodeName), config: nodeConfig(n), log: log.child(`kubelet/${n.nodeName}`) });
      agents.set(n.nodeName, agent);
    }
    api.setConnector(routeByNode((name) => agents.get(name)?.connector));
    await Promise.all([...agents.values()].map((a) => a.start()));
    cleanups.push(() => Promise.all([...agents.values()].map((a) => a.stop())));

    const proxies = startProxies();
    cleanups.push(() => proxies.stop());
    const loadBalancer = startLoadBalancer();
    cleanups.push(() => loadBalancer.stop());

    opts.progress('starting controllers (deployment, replicaset, scheduler, garbage collector, endpointslice, endpoints, lb-ipam)');
    // lb-ipam: LoadBalancer VIPs from 10.190.6.0/24 (the article's pool); in NSX mode the ingress also lists the LB Tier-1 uplink.
    const controllers = startControllers(clientFor('kube-controller-manager'), { log: log.child('controllers'), lbIpam: { mode: mode === 'openflow' ? 'nsx' : 'generic' } });
    cleanups.push(() => controllers.stop());
    await controllers.synced;

    const admin = clientFor('lab');
    await ensureObject(admin, Resources.services, kubeDnsService as unknown as KubeObject);
    await ensureObject(admin, Resources.deployments, corednsDeployment as unknown as KubeObject);
    await proxies.ready();
    await loadBalancer.ready();

    // Host access: every NodePort and LoadBalancer VIP:port on a 127.0.0.1 port, entering the
    // emulated network from the external client (192.168.50.10), as an outside user would.
    const hostAccess = startHostAccess({ client: clientFor('host-access'), views, entry: entryStack, vipCidrs: [LAB.lbPool], announce: opts.progress, log: log.child('host-access') });
    cleanups.push(() => hostAccess.stop());

    if (opts.bgp !== undefined) {
      const peers = opts.bgp.peers.map((p) => `${p.address}:${p.port} AS ${p.asn}`).join(', ');
      opts.progress(`starting BGP on the Tier-0 (AS ${opts.bgp.localAsn}, router ID ${opts.bgp.routerId}): VIP /32s from ${LAB.lbPool} to ${peers}`);
      const bgp = await advertise.startTier0Bgp({ ...opts.bgp, client: clientFor('bgp'), vipCidrs: [LAB.lbPool], nextHop: LAB.tier0Uplink, log: log.child('bgp') });
      if (!bgp.ok) throw new Error(`BGP: ${bgp.error.join('; ')}`);
      cleanups.push(() => bgp.value.stop());
      views.addView('bgp-summary', () => ({ ok: true, stdout: formatBgpSummary(bgp.value.status()) }));
    } else {
      views.addView('bgp-summary', () => ({ ok: false, error: 'BGP is not enabled: start the lab with --bgp-peer HOST:PORT --bgp-peer-asn ASN' }));
    }
    const kubeconfig = join(opts.stateDir, 'kubeconfig');
    writeFileSync(kubeconfig, kubeconfigYaml(api.url, tls.caCertPem, token), { mode: 0o600 });
    opts.progress(`API server listening on ${api.url}`);
    return { proxyMode: mode, server: api.url, kubeconfig, dns: `${dns.server.address}:${dns.server.port}`, dnsMetrics: `${metricsAddress}:${dns.metricsPort ?? ''}`, stop: stopAll };
  } catch (e) {
    await stopAll();
    throw e;
  }
}
