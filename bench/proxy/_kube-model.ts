// Bench helper: a kube-proxy render model of `services` ClusterIP Services (one TCP
// port) with `endpoints` ready endpoints each, spread over 10 nodes; node n0 renders.
import type { KubeRenderModel } from '../../src/proxy/render/iptables/render-iptables.js';
import { buildService } from '../../src/proxy/model/builders.js';
import { projectService } from '../../src/proxy/model/project.js';
import type { EndpointInfo, NodeInfo, ServicePortInfo } from '../../src/proxy/model/types.js';

export const BENCH_NODE: NodeInfo = { name: 'n0', nodeIPs: ['192.168.0.2'], zone: '' };
export const BENCH_CLUSTER_CIDR = '10.0.0.0/8';

export function vipOf(i: number): string {
  return `172.30.${(i >> 8) & 0xff}.${i & 0xff}`;
}

export function kubeModel(services: number, endpoints: number): KubeRenderModel {
  const svcs = [];
  const eps = new Map<string, readonly EndpointInfo[]>();
  for (let i = 0; i < services; i++) {
    const info = projectService(buildService({ namespace: `ns${i % 100}`, name: `svc${i}`, clusterIP: vipOf(i), ports: [{ name: 'http', port: 80, targetPort: 8080 }] }));
    svcs.push(info);
    const list: EndpointInfo[] = [];
    for (let e = 0; e < endpoints; e++) {
      const n = i * endpoints + e;
      const ip = `10.${1 + ((n >> 16) & 0xff)}.${(n >> 8) & 0xff}.${n & 0xff}`;
      list.push({ key: `${ip}:8080`, ip, port: 8080, ready: true, serving: true, terminating: false, nodeName: `n${n % 10}`, zone: '', isLocal: n % 10 === 0 });
    }
    eps.set(info.name, list);
  }
  const none: readonly EndpointInfo[] = [];
  return { services: svcs, endpointsOf: (p: ServicePortInfo) => eps.get(p.service) ?? none };
}
