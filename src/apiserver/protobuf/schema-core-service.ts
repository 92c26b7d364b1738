// k8s.io/api/core/v1 messages for Namespace, Service and ConfigMap.
// Field numbers, names, Go pointer-ness and JSON tags transcribed from
// k8s.io/api core/v1/generated.proto and types.go (newest kubernetes/api and
// kubernetes/apimachinery; field numbers are never reused, so this also matches kubectl 1.32,
// which simply never sends the newer fields). Notation: see schema-types.ts. Fields whose
// message types are not listed here are skipped on decode and reported in `skipped`.

import type { SchemaSource } from './schema-types.js';

export const coreServiceSchema: SchemaSource = {
  Namespace: [
    '1 metadata ObjectMeta omitempty',
    '2 spec NamespaceSpec omitempty',
    '3 status NamespaceStatus omitempty',
  ],
  NamespaceSpec: [
    '1 finalizers []string omitempty',
  ],
  NamespaceStatus: [
    '1 phase string omitempty',
    '2 conditions []NamespaceCondition omitempty',
  ],
  NamespaceCondition: [
    '1 type string',
    '2 status string',
    '4 lastTransitionTime Time omitempty',
    '5 reason string omitempty',
    '6 message string omitempty',
  ],
  Service: [
    '1 metadata ObjectMeta omitempty',
    '2 spec ServiceSpec omitempty',
    '3 status ServiceStatus omitempty',
  ],
  ServiceSpec: [
    '1 ports []ServicePort omitempty',
    '2 selector map[string]string omitempty',
    '3 clusterIP string omitempty',
    '4 type string omitempty',
    '5 externalIPs []string omitempty',
    '7 sessionAffinity string omitempty',
    '8 loadBalancerIP string omitempty',
    '9 loadBalancerSourceRanges []string omitempty',
    '10 externalName string omitempty',
    '11 externalTrafficPolicy string omitempty',
    '12 healthCheckNodePort int32 omitempty',
    '13 publishNotReadyAddresses bool omitempty',
    '14 sessionAffinityConfig *SessionAffinityConfig omitempty',
    '17 ipFamilyPolicy *string omitempty',
    '18 clusterIPs []string omitempty',
    '19 ipFamilies []string omitempty',
    '20 allocateLoadBalancerNodePorts *bool omitempty',
    '21 loadBalancerClass *string omitempty',
    '22 internalTrafficPolicy *string omitempty',
    '23 trafficDistribution *string omitempty',
  ],
  ServicePort: [
    '1 name string omitempty',
    '2 protocol string omitempty',
    '3 port int32',
    '4 targetPort IntOrString omitempty',
    '5 nodePort int32 omitempty',
    '6 appProtocol *string omitempty',
  ],
  ServiceStatus: [
    '1 loadBalancer LoadBalancerStatus omitempty',
    '2 conditions []Condition omitempty',
  ],
  LoadBalancerStatus: [
    '1 ingress []LoadBalancerIngress omitempty',
  ],
  LoadBalancerIngress: [
    '1 ip string omitempty',
    '2 hostname string omitempty',
    '3 ipMode *string omitempty',
    '4 ports []PortStatus omitempty',
  ],
  PortStatus: [
    '1 port int32',
    '2 protocol string',
    '3 error *string omitempty',
  ],
  SessionAffinityConfig: [
    '1 clientIP *ClientIPConfig omitempty',
  ],
  ClientIPConfig: [
    '1 timeoutSeconds *int32 omitempty',
  ],
  ConfigMap: [
    '1 metadata ObjectMeta omitempty',
    '2 data map[string]string omitempty',
    '3 binaryData map[string]bytes omitempty',
    '4 immutable *bool omitempty',
  ],
};
