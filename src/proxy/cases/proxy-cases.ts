// The packet-flow cases (data). Node k8s-node1 (10.190.5.11) runs the proxy under test;
// pod 172.25.5.2 lives on it, 172.25.5.3 / .4 on k8s-node2; 192.168.1.50 is an external
// client. Expectations are what Kubernetes promises, whatever the dataplane.
import { buildService, buildSlice, type EndpointBuild, type PortSpec, type ServiceBuild } from '../model/builders.js';
import type { CasePacket, CaseState, ProxyCase, ProxyMode } from './case-types.js';

const NODE = { name: 'k8s-node1', ip: '10.190.5.11' };
const LOCAL = '172.25.5.2';
const REMOTE_A = '172.25.5.3';
const REMOTE_B = '172.25.5.4';
const CLIENT_POD = '172.25.5.9';
const EXTERNAL = '192.168.1.50';

const ep = (ip: string, more: Partial<EndpointBuild> = {}): EndpointBuild => ({ ip, node: ip === LOCAL ? NODE.name : 'k8s-node2', ...more });

function svc(name: string, clusterIP: string, ports: PortSpec[], eps: EndpointBuild[] | undefined, extra: Partial<ServiceBuild> = {}): CaseState {
  return {
    services: [buildService({ namespace: 'demo', name, clusterIP, ports, ...extra })],
    slices: eps === undefined ? [] : [buildSlice({ namespace: 'demo', service: name, ports, endpoints: eps })],
  };
}

const pod = (from: string, to: string, proto: CasePacket['proto'] = 'TCP'): CasePacket => ({ from, to, proto, origin: 'pod' });
const ext = (from: string, to: string, proto: CasePacket['proto'] = 'TCP'): CasePacket => ({ from, to, proto, origin: 'external' });
const HTTP: PortSpec[] = [{ name: 'http', port: 80, targetPort: 8080 }];
const at = (ip: string, port = 8080) => `${ip}:${port}`;
const NETFILTER: readonly ProxyMode[] = ['nftables', 'iptables'];

export const PROXY_CASES: readonly ProxyCase[] = [
  {
    name: 'clusterip-spread',
    description: 'A ClusterIP with three endpoints: new connections spread over all of them; the source is kept.',
    node: NODE,
    state: svc('web', '10.96.10.10', HTTP, [ep(LOCAL), ep(REMOTE_A), ep(REMOTE_B)]),
    steps: [
      { kind: 'spread', packet: pod(`${CLIENT_POD}:40000`, '10.96.10.10:80'), connections: 60, all: true, expect: { kind: 'forwarded', to: [at(LOCAL), at(REMOTE_A), at(REMOTE_B)], fromIp: CLIENT_POD } },
      {
        kind: 'send',
        packet: pod(`${CLIENT_POD}:41000`, '10.96.10.10:81'),
        expect: { kind: 'forwarded', to: ['10.96.10.10:81'] },
        modes: ['openflow', 'iptables'],
        why: 'only the Service\'s ports are proxied; another port of the ClusterIP is routed on unchanged',
      },
      {
        kind: 'send',
        packet: pod(`${CLIENT_POD}:41000`, '10.96.10.10:81'),
        expect: { kind: 'reject' },
        modes: ['nftables'],
        why: 'kube-proxy\'s nftables mode rejects new connections to other ports of an active ClusterIP (cluster-ips-check)',
      },
    ],
  },
  {
    name: 'hairpin',
    description: 'A pod reaches itself through its Service VIP; the answer reaches it from the VIP.',
    node: NODE,
    state: svc('self', '10.96.10.11', HTTP, [ep(LOCAL)]),
    steps: [
      { kind: 'send', packet: pod(`${LOCAL}:40000`, '10.96.10.11:80'), expect: { kind: 'forwarded', to: [at(LOCAL)] }, remember: 'c' },
      { kind: 'reply', of: 'c', expect: { kind: 'forwarded', from: '10.96.10.11:80', to: [`${LOCAL}:40000`] } },
    ],
  },
  {
    name: 'nodeport',
    description: 'NodePort (policy Cluster): external traffic to node:nodePort reaches an endpoint masqueraded as the node; the reply is un-NATed.',
    node: NODE,
    state: svc('np', '10.96.10.12', [{ name: 'http', port: 80, targetPort: 8080, nodePort: 30080 }], [ep(REMOTE_A), ep(REMOTE_B)], { type: 'NodePort' }),
    steps: [
      { kind: 'spread', packet: ext(`${EXTERNAL}:50000`, `${NODE.ip}:30080`), connections: 30, all: true, expect: { kind: 'forwarded', to: [at(REMOTE_A), at(REMOTE_B)], fromIp: NODE.ip } },
      { kind: 'send', packet: ext(`${EXTERNAL}:51000`, `${NODE.ip}:30080`), expect: { kind: 'forwarded', to: [at(REMOTE_A), at(REMOTE_B)] }, remember: 'c' },
      { kind: 'reply', of: 'c', expect: { kind: 'forwarded', from: `${NODE.ip}:30080`, to: [`${EXTERNAL}:51000`] } },
      { kind: 'send', packet: pod(`${CLIENT_POD}:40000`, '10.96.10.12:80'), expect: { kind: 'forwarded', to: [at(REMOTE_A), at(REMOTE_B)], from: `${CLIENT_POD}:40000` } },
    ],
  },
  {
    name: 'loadbalancer-ip',
    description: 'A LoadBalancer ingress IP behaves like the ClusterIP for external clients (masqueraded, policy Cluster).',
    node: NODE,
    state: svc('lb', '10.96.10.13', [{ name: 'http', port: 80, targetPort: 8080, nodePort: 30081 }], [ep(REMOTE_A)], { type: 'LoadBalancer', loadBalancerIPs: ['10.190.6.102'] }),
    steps: [
      { kind: 'send', packet: ext(`${EXTERNAL}:50000`, '10.190.6.102:80'), expect: { kind: 'forwarded', to: [at(REMOTE_A)], fromIp: NODE.ip }, remember: 'c' },
      { kind: 'reply', of: 'c', expect: { kind: 'forwarded', from: '10.190.6.102:80', to: [`${EXTERNAL}:50000`] } },
    ],
  },
  {
    name: 'loadbalancer-source-ranges',
    description: 'loadBalancerSourceRanges: clients inside the ranges reach the LoadBalancer IP; others are dropped where the node enforces them.',
    node: NODE,
    state: svc('fw', '10.96.10.21', [{ name: 'http', port: 80, targetPort: 8080, nodePort: 30084 }], [ep(REMOTE_A)], {
      type: 'LoadBalancer',
      loadBalancerIPs: ['10.190.6.103'],
      loadBalancerSourceRanges: ['192.168.1.0/24'],
    }),
    steps: [
      { kind: 'send', packet: ext(`${EXTERNAL}:50000`, '10.190.6.103:80'), expect: { kind: 'forwarded', to: [at(REMOTE_A)], fromIp: NODE.ip }, remember: 'c' },
      { kind: 'reply', of: 'c', expect: { kind: 'forwarded', from: '10.190.6.103:80', to: [`${EXTERNAL}:50000`] } },
      {
        kind: 'send',
        packet: ext('198.51.100.7:50000', '10.190.6.103:80'),
        expect: { kind: 'drop' },
        modes: NETFILTER,
        why: 'kube-proxy enforces the ranges on every node (KUBE-FW / KUBE-PROXY-FIREWALL, firewall-ips)',
      },
      {
        kind: 'send',
        packet: ext('198.51.100.7:50000', '10.190.6.103:80'),
        expect: { kind: 'forwarded', to: [at(REMOTE_A)] },
        modes: ['openflow'],
        why: 'with NSX the ranges are enforced by the NSX load balancer (NCP firewall rules on the virtual server), not by the node\'s OVS program',
      },
      { kind: 'send', packet: pod(`${CLIENT_POD}:40000`, '10.96.10.21:80'), expect: { kind: 'forwarded', to: [at(REMOTE_A)], from: `${CLIENT_POD}:40000` } },
    ],
  },
  {
    name: 'etp-local-with-local-endpoint',
    description: 'externalTrafficPolicy Local: external traffic only to this node\'s endpoint, client source kept; internal traffic uses all.',
    node: NODE,
    state: svc('local', '10.96.10.14', [{ name: 'http', port: 80, targetPort: 8080, nodePort: 30082 }], [ep(LOCAL), ep(REMOTE_A)], {
      type: 'NodePort',
      externalTrafficPolicy: 'Local',
    }),
    steps: [
      { kind: 'spread', packet: ext(`${EXTERNAL}:50000`, `${NODE.ip}:30082`), connections: 30, all: true, expect: { kind: 'forwarded', to: [at(LOCAL)], fromIp: EXTERNAL } },
      { kind: 'spread', packet: pod(`${CLIENT_POD}:40000`, '10.96.10.14:80'), connections: 30, all: true, expect: { kind: 'forwarded', to: [at(LOCAL), at(REMOTE_A)] } },
    ],
  },
  {
    name: 'etp-local-without-local-endpoint',
    description: 'externalTrafficPolicy Local with no endpoint on this node: external traffic is dropped, internal traffic still served.',
    node: NODE,
    state: svc('remote', '10.96.10.15', [{ name: 'http', port: 80, targetPort: 8080, nodePort: 30083 }], [ep(REMOTE_A)], {
      type: 'NodePort',
      externalTrafficPolicy: 'Local',
    }),
    steps: [
      { kind: 'send', packet: ext(`${EXTERNAL}:50000`, `${NODE.ip}:30083`), expect: { kind: 'drop' } },
      { kind: 'send', packet: pod(`${CLIENT_POD}:40000`, '10.96.10.15:80'), expect: { kind: 'forwarded', to: [at(REMOTE_A)] } },
    ],
  },
  {
    name: 'itp-local',
    description: 'internalTrafficPolicy Local: ClusterIP traffic only to this node\'s endpoints; none here means drop.',
    node: NODE,
    state: svc('itp', '10.96.10.16', HTTP, [ep(LOCAL), ep(REMOTE_A)], { internalTrafficPolicy: 'Local' }),
    steps: [
      { kind: 'spread', packet: pod(`${CLIENT_POD}:40000`, '10.96.10.16:80'), connections: 20, all: true, expect: { kind: 'forwarded', to: [at(LOCAL)] } },
      { kind: 'state', state: svc('itp', '10.96.10.16', HTTP, [ep(REMOTE_A)], { internalTrafficPolicy: 'Local' }) },
      { kind: 'send', packet: pod(`${CLIENT_POD}:41000`, '10.96.10.16:80'), expect: { kind: 'drop' } },
    ],
  },
  {
    name: 'no-endpoints-reject',
    description: 'A Service without endpoints rejects (TCP and UDP); once endpoints appear it serves.',
    node: NODE,
    state: {
      services: [
        buildService({ namespace: 'demo', name: 'empty', clusterIP: '10.96.10.17', ports: HTTP }),
        buildService({ namespace: 'demo', name: 'empty-udp', clusterIP: '10.96.10.18', ports: [{ name: 'dns', port: 53, protocol: 'UDP' }] }),
      ],
      slices: [],
    },
    steps: [
      { kind: 'send', packet: pod(`${CLIENT_POD}:40000`, '10.96.10.17:80'), expect: { kind: 'reject' } },
      { kind: 'send', packet: pod(`${CLIENT_POD}:40001`, '10.96.10.18:53', 'UDP'), expect: { kind: 'reject' } },
      { kind: 'state', state: svc('empty', '10.96.10.17', HTTP, [ep(REMOTE_A)]) },
      { kind: 'send', packet: pod(`${CLIENT_POD}:40002`, '10.96.10.17:80'), expect: { kind: 'forwarded', to: [at(REMOTE_A)] } },
      { kind: 'send', packet: pod(`${CLIENT_POD}:40003`, '10.96.10.18:53', 'UDP'), expect: { kind: 'forwarded', to: ['10.96.10.18:53'] } },
    ],
  },
  {
    name: 'session-affinity',
    description: 'sessionAffinity ClientIP (timeout 30 s): a client sticks to one endpoint until the timeout, then is balanced again.',
    node: NODE,
    state: svc('sticky', '10.96.10.19', HTTP, [ep(LOCAL), ep(REMOTE_A), ep(REMOTE_B)], { affinityTimeoutSeconds: 30 }),
    steps: [
      ...clients().map((c, i) => ({ kind: 'sticky' as const, packet: pod(`${c}:40000`, '10.96.10.19:80'), connections: 10, remember: `c${i}` })),
      { kind: 'advance', seconds: 29 },
      ...clients().map((c, i) => ({ kind: 'sticky' as const, packet: pod(`${c}:41000`, '10.96.10.19:80'), connections: 5, sameAs: `c${i}` })),
      { kind: 'advance', seconds: 2 },
      {
        kind: 'rechosen',
        packets: clients().map((c) => pod(`${c}:42000`, '10.96.10.19:80')),
        connections: 5,
        remembered: clients().map((_c, i) => `c${i}`),
        modes: ['openflow'],
        why: 'the learned affinity flow has a hard_timeout: it ends timeoutSeconds after the first connection',
      },
      ...clients().map((c, i) => ({
        kind: 'sticky' as const,
        packet: pod(`${c}:42000`, '10.96.10.19:80'),
        connections: 5,
        sameAs: `c${i}`,
        modes: NETFILTER,
        why: 'kube-proxy refreshes the affinity entry on every new connection (`recent --set`, `update @affinity-…`): the timeout counts from the last one',
      })),
      { kind: 'advance', seconds: 31, modes: NETFILTER, why: 'idle for longer than the timeout' },
      {
        kind: 'rechosen',
        packets: clients().map((c) => pod(`${c}:43000`, '10.96.10.19:80')),
        connections: 5,
        remembered: clients().map((_c, i) => `c${i}`),
        modes: NETFILTER,
        why: 'the affinity entry expired timeoutSeconds after the last connection',
      },
    ],
  },
  {
    name: 'terminating-fallback',
    description: 'Only serving-terminating endpoints left: they keep serving; once a ready one exists, only it is used.',
    node: NODE,
    state: svc('term', '10.96.10.20', HTTP, [ep(LOCAL, { terminating: true }), ep(REMOTE_A, { terminating: true }), ep(REMOTE_B, { ready: false, serving: false })]),
    steps: [
      { kind: 'spread', packet: pod(`${CLIENT_POD}:40000`, '10.96.10.20:80'), connections: 30, all: true, expect: { kind: 'forwarded', to: [at(LOCAL), at(REMOTE_A)] } },
      { kind: 'state', state: svc('term', '10.96.10.20', HTTP, [ep(LOCAL, { terminating: true }), ep(REMOTE_A, { terminating: true }), ep(REMOTE_B)]) },
      { kind: 'spread', packet: pod(`${CLIENT_POD}:41000`, '10.96.10.20:80'), connections: 20, all: true, expect: { kind: 'forwarded', to: [at(REMOTE_B)] } },
    ],
  },
  {
    name: 'stale-udp-conntrack',
    description: 'A UDP client keeps its 5-tuple; when its endpoint goes away, its next datagram reaches another endpoint (stale entry flushed).',
    node: NODE,
    state: svc('dns', '10.96.10.53', [{ name: 'dns', port: 53, protocol: 'UDP' }], [ep(REMOTE_A), ep(REMOTE_B)]),
    steps: [
      { kind: 'send', packet: pod(`${CLIENT_POD}:5353`, '10.96.10.53:53', 'UDP'), expect: { kind: 'forwarded', to: [at(REMOTE_A, 53), at(REMOTE_B, 53)] }, remember: 'first' },
      { kind: 'send', packet: pod(`${CLIENT_POD}:5353`, '10.96.10.53:53', 'UDP'), expect: { kind: 'forwarded' }, sameAs: 'first' },
      { kind: 'state', state: svc('dns', '10.96.10.53', [{ name: 'dns', port: 53, protocol: 'UDP' }], [ep(REMOTE_A)]) },
      { kind: 'state', state: svc('dns', '10.96.10.53', [{ name: 'dns', port: 53, protocol: 'UDP' }], [ep(REMOTE_B)]) },
      { kind: 'send', packet: pod(`${CLIENT_POD}:5353`, '10.96.10.53:53', 'UDP'), expect: { kind: 'forwarded', to: [at(REMOTE_B, 53)] } },
      { kind: 'state', state: svc('dns', '10.96.10.53', [{ name: 'dns', port: 53, protocol: 'UDP' }], [ep(REMOTE_A)]) },
      { kind: 'send', packet: pod(`${CLIENT_POD}:5353`, '10.96.10.53:53', 'UDP'), expect: { kind: 'forwarded', to: [at(REMOTE_A, 53)] } },
    ],
  },
];

function clients(): string[] {
  return Array.from({ length: 8 }, (_v, i) => `172.25.5.${20 + i}`);
}
