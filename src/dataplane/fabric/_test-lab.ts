// Shared fixture for the fabric tests: the article's lab with minimal endpoints.
import { FakeClock } from '../../core/clock.js';
import { parseIPv4, type IPv4 } from '../../core/ip.js';
import { unwrap } from '../../core/result.js';
import { NsxLab } from './nsx-lab.js';
import { SimpleHost } from './simple-host.js';

export const ip = (s: string): IPv4 => unwrap(parseIPv4(s));

export interface ArticleLab {
  readonly clock: FakeClock;
  readonly lab: NsxLab;
  /** demons/nsxtestapp-5bfcc97b5-pmkw6 on k8s-node1 (172.25.5.2). */
  readonly appA: SimpleHost;
  /** demons/nsxtestapp-5bfcc97b5-gdv6n on k8s-node2 (172.25.5.3). */
  readonly appB: SimpleHost;
  /** demons/nwtest-5bf9856644-7wwsl on k8s-node1 (172.25.5.4). */
  readonly nwtest: SimpleHost;
  /** kube-system/coredns-fb8b8dccf-fklnx on k8s-node1 (172.25.4.3). */
  readonly dns1: SimpleHost;
  /** kube-system/coredns-fb8b8dccf-bns22 on k8s-node2 (172.25.4.2). */
  readonly dns2: SimpleHost;
  readonly node1: SimpleHost;
  readonly node2: SimpleHost;
  readonly client: SimpleHost;
}

let macSeq = 0x005056b40000;

export function pod(name: string, addr: string, gw: string, prefix = 24): SimpleHost {
  return new SimpleHost({ name, mac: ++macSeq, ip: ip(addr), prefix, gateway: ip(gw) });
}

/** MACs are handed out in creation order from 00:50:56:b4:00:01, fresh for every lab. */
export function articleLab(opts: { readonly seed?: number } = {}): ArticleLab {
  macSeq = 0x005056b40000;
  const clock = new FakeClock();
  const lab = new NsxLab({ clock, ...(opts.seed !== undefined ? { seed: opts.seed } : {}) });
  unwrap(lab.addNode('k8s-master', '10.190.5.10'));
  unwrap(lab.addNode('k8s-node1', '10.190.5.11'));
  unwrap(lab.addNode('k8s-node2', '10.190.5.12'));
  unwrap(lab.addNamespace('kube-system', '172.25.4.0/24', 5));
  unwrap(lab.addNamespace('demons', '172.25.5.0/24', 1));
  const dns1 = pod('eth0@coredns-fb8b8dccf-fklnx', '172.25.4.3', '172.25.4.1');
  const appA = pod('eth0@nsxtestapp-5bfcc97b5-pmkw6', '172.25.5.2', '172.25.5.1');
  const nwtest = pod('eth0@nwtest-5bf9856644-7wwsl', '172.25.5.4', '172.25.5.1');
  const appB = pod('eth0@nsxtestapp-5bfcc97b5-gdv6n', '172.25.5.3', '172.25.5.1');
  const dns2 = pod('eth0@coredns-fb8b8dccf-bns22', '172.25.4.2', '172.25.4.1');
  const attach = (node: string, namespace: string, podName: string, containerId: string, d: SimpleHost) =>
    unwrap(lab.attachPod({ node, namespace, podName, containerId, mac: d.mac, ip: d.ip, gateway: d.gateway as IPv4, device: d }));
  attach('k8s-node1', 'kube-system', 'coredns-fb8b8dccf-fklnx', '824327d05abfd72e9c1f0a4b7d', dns1);
  attach('k8s-node1', 'demons', 'nsxtestapp-5bfcc97b5-pmkw6', 'cd333ad6021daef5a6b7c8d9e0', appA);
  attach('k8s-node1', 'demons', 'nwtest-5bf9856644-7wwsl', '0f1e2d3c4b5a69788796a5b4c3', nwtest);
  attach('k8s-node2', 'demons', 'nsxtestapp-5bfcc97b5-gdv6n', '77aa66bb55cc44dd33ee22ff11', appB);
  attach('k8s-node2', 'kube-system', 'coredns-fb8b8dccf-bns22', '1234567890abcdef1234567890', dns2);
  const node1 = pod('ens160@k8s-node1', '10.190.5.11', '10.190.5.1');
  const node2 = pod('ens160@k8s-node2', '10.190.5.12', '10.190.5.1');
  unwrap(lab.attachNodeStack('k8s-node1', node1));
  unwrap(lab.attachNodeStack('k8s-node2', node2));
  const client = pod('eth0@client', '192.168.50.10', '192.168.50.1');
  unwrap(lab.attachHost('external', client, { ip: client.ip }));
  return { clock, lab, appA, appB, nwtest, dns1, dns2, node1, node2, client };
}
