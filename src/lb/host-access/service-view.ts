// Slim projections of Services and Nodes at the informer boundary: only what host access
// needs to plan its listeners. Everything downstream (planner, shell) sees these records,
// never API objects.
import type { Node, Service, ServiceType } from '../../api/index.js';

export type PortProtocol = 'TCP' | 'UDP' | 'SCTP';

export interface ServicePortView {
  /** '' when the port is unnamed (single-port Services). */
  readonly name: string;
  readonly protocol: PortProtocol;
  readonly port: number;
  /** Allocated NodePort; undefined for ClusterIP Services or allocateLoadBalancerNodePorts=false. */
  readonly nodePort: number | undefined;
  readonly appProtocol: string | undefined;
}

export interface ServiceView {
  readonly namespace: string;
  readonly name: string;
  readonly type: ServiceType;
  readonly ports: readonly ServicePortView[];
  /** status.loadBalancer.ingress[].ip, in status order (hostnames are dropped). */
  readonly ingressIPs: readonly string[];
}

export interface NodeView {
  readonly name: string;
  readonly ready: boolean;
  readonly internalIP: string | undefined;
}

export function projectService(s: Service): ServiceView {
  const spec = s.spec ?? {};
  const ports: ServicePortView[] = (spec.ports ?? []).map((p) => ({
    name: p.name ?? '',
    protocol: p.protocol ?? 'TCP',
    port: p.port,
    nodePort: p.nodePort !== undefined && p.nodePort > 0 ? p.nodePort : undefined,
    appProtocol: p.appProtocol,
  }));
  const ingressIPs: string[] = [];
  for (const i of s.status?.loadBalancer?.ingress ?? []) if (i.ip !== undefined && i.ip !== '') ingressIPs.push(i.ip);
  return { namespace: s.metadata.namespace ?? 'default', name: s.metadata.name ?? '', type: spec.type ?? 'ClusterIP', ports, ingressIPs };
}

export function projectNode(n: Node): NodeView {
  const ready = (n.status?.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True');
  const internalIP = (n.status?.addresses ?? []).find((a) => a.type === 'InternalIP')?.address;
  return { name: n.metadata.name ?? '', ready, internalIP };
}

/**
 * The default NodePort entry policy: the InternalIP of the first Ready node by name. Any
 * node works for a NodePort (kube-proxy opens it on all of them); a fixed rule keeps the
 * target stable while the set of nodes does not change.
 */
export function firstReadyNodeIP(nodes: readonly NodeView[]): string | undefined {
  const ready = nodes.filter((n) => n.ready && n.internalIP !== undefined).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return ready[0]?.internalIP;
}
