// Test fixtures: Services and EndpointSlices as the API server would store them.
import type { EndpointSlice, Service, ServicePort } from '../api/index.js';

export interface SvcOpts {
  readonly ns?: string;
  readonly type?: 'LoadBalancer' | 'ClusterIP' | 'NodePort';
  readonly ports?: ServicePort[];
  readonly ingress?: readonly string[];
  readonly loadBalancerClass?: string;
}

export function svc(name: string, o: SvcOpts = {}): Service {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name, namespace: o.ns ?? 'demons', uid: `uid-${name}` },
    spec: {
      type: o.type ?? 'LoadBalancer',
      selector: { app: 'nsxdemo' },
      ports: o.ports ?? [{ name: 'http', protocol: 'TCP', port: 80, targetPort: 80 }],
      ...(o.loadBalancerClass !== undefined ? { loadBalancerClass: o.loadBalancerClass } : {}),
    },
    status: { loadBalancer: { ingress: (o.ingress ?? ['10.190.6.102', '100.64.208.9']).map((ip) => ({ ip })) } },
  };
}

export interface Ep {
  readonly ip: string;
  readonly ready?: boolean;
  readonly pod?: string;
}

export function slice(service: string, eps: readonly Ep[], ports: ReadonlyArray<{ name?: string; port: number; protocol?: 'TCP' | 'UDP' }> = [{ name: 'http', port: 80 }], o: { ns?: string; suffix?: string } = {}): EndpointSlice {
  return {
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: { name: `${service}-${o.suffix ?? 'abcde'}`, namespace: o.ns ?? 'demons', labels: { 'kubernetes.io/service-name': service } },
    addressType: 'IPv4',
    endpoints: eps.map((e) => ({
      addresses: [e.ip],
      ...(e.ready !== undefined ? { conditions: { ready: e.ready } } : {}),
      ...(e.pod !== undefined ? { targetRef: { kind: 'Pod', name: e.pod, namespace: o.ns ?? 'demons' } } : {}),
    })),
    ports: ports.map((p) => ({ ...(p.name !== undefined ? { name: p.name } : {}), port: p.port, protocol: p.protocol ?? 'TCP' })),
  };
}
