// Small builders for Service and EndpointSlice API objects, used by the packet-flow cases
// (which are data: API objects in, packet fates out) and by tests.
import { LABEL_SERVICE_NAME, type EndpointSlice, type Service, type ServiceSpec } from '../../api/index.js';
import { ANNOTATION_LAST_CHANGE_TRIGGER_TIME } from './project.js';

export interface PortSpec {
  readonly name?: string;
  readonly port: number;
  readonly protocol?: 'TCP' | 'UDP' | 'SCTP';
  readonly nodePort?: number;
  readonly targetPort?: number;
}

export interface ServiceBuild {
  readonly namespace: string;
  readonly name: string;
  readonly clusterIP: string;
  readonly ports: readonly PortSpec[];
  readonly type?: ServiceSpec['type'];
  readonly externalIPs?: readonly string[];
  readonly loadBalancerIPs?: readonly string[];
  readonly loadBalancerSourceRanges?: readonly string[];
  readonly externalTrafficPolicy?: 'Cluster' | 'Local';
  readonly internalTrafficPolicy?: 'Cluster' | 'Local';
  readonly affinityTimeoutSeconds?: number;
  readonly healthCheckNodePort?: number;
}

export function buildService(b: ServiceBuild): Service {
  const spec: ServiceSpec = {
    type: b.type ?? 'ClusterIP',
    clusterIP: b.clusterIP,
    clusterIPs: [b.clusterIP],
    ports: b.ports.map((p) => ({
      ...(p.name !== undefined ? { name: p.name } : {}),
      port: p.port,
      protocol: p.protocol ?? 'TCP',
      targetPort: p.targetPort ?? p.port,
      ...(p.nodePort !== undefined ? { nodePort: p.nodePort } : {}),
    })),
    sessionAffinity: b.affinityTimeoutSeconds !== undefined ? 'ClientIP' : 'None',
    ...(b.affinityTimeoutSeconds !== undefined ? { sessionAffinityConfig: { clientIP: { timeoutSeconds: b.affinityTimeoutSeconds } } } : {}),
    ...(b.externalIPs !== undefined ? { externalIPs: [...b.externalIPs] } : {}),
    ...(b.loadBalancerSourceRanges !== undefined ? { loadBalancerSourceRanges: [...b.loadBalancerSourceRanges] } : {}),
    ...(b.externalTrafficPolicy !== undefined ? { externalTrafficPolicy: b.externalTrafficPolicy } : {}),
    ...(b.internalTrafficPolicy !== undefined ? { internalTrafficPolicy: b.internalTrafficPolicy } : {}),
    ...(b.healthCheckNodePort !== undefined ? { healthCheckNodePort: b.healthCheckNodePort } : {}),
  };
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { namespace: b.namespace, name: b.name },
    spec,
    ...(b.loadBalancerIPs !== undefined ? { status: { loadBalancer: { ingress: b.loadBalancerIPs.map((ip) => ({ ip })) } } } : {}),
  };
}

export interface EndpointBuild {
  readonly ip: string;
  readonly node?: string;
  readonly ready?: boolean;
  readonly serving?: boolean;
  readonly terminating?: boolean;
  readonly zone?: string;
}

export interface SliceBuild {
  readonly namespace: string;
  readonly service: string;
  /** Default "<service>-abc12". */
  readonly name?: string;
  readonly ports: readonly PortSpec[];
  readonly endpoints: readonly EndpointBuild[];
  readonly triggerTime?: string;
}

export function buildSlice(b: SliceBuild): EndpointSlice {
  return {
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: {
      namespace: b.namespace,
      name: b.name ?? `${b.service}-abc12`,
      labels: { [LABEL_SERVICE_NAME]: b.service },
      ...(b.triggerTime !== undefined ? { annotations: { [ANNOTATION_LAST_CHANGE_TRIGGER_TIME]: b.triggerTime } } : {}),
    },
    addressType: 'IPv4',
    ports: b.ports.map((p) => ({ ...(p.name !== undefined ? { name: p.name } : {}), port: p.targetPort ?? p.port, protocol: p.protocol ?? 'TCP' })),
    endpoints: b.endpoints.map((e) => ({
      addresses: [e.ip],
      conditions: {
        ready: e.ready ?? (e.terminating === true ? false : true),
        serving: e.serving ?? true,
        terminating: e.terminating ?? false,
      },
      ...(e.node !== undefined ? { nodeName: e.node } : {}),
      ...(e.zone !== undefined ? { zone: e.zone } : {}),
    })),
  };
}
