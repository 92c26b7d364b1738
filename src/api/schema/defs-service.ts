// core/v1 Service and its parts (k8s.io/api/core/v1 ServiceSpec and friends, Kubernetes 1.32).
import type { SchemaTable } from './openapi-types.js';
import {
  arr, bool, core, enumStr, gvk, INTSTR, int32, kind, meta, obj, ref, str, stringMap, strings,
} from './schema-builders.js';

const PROTOCOLS = ['SCTP', 'TCP', 'UDP'];

export const serviceSchemas: SchemaTable = {
  [core('Service')]: kind(
    gvk('', 'v1', 'Service'),
    'A named abstraction of software service: a stable virtual IP, DNS name and set of ports in front of the pods its selector matches, with optional node ports and an external load balancer.',
    {
      spec: ref(core('ServiceSpec'), 'Desired behaviour of the service: its type, ports, selector and traffic policies.'),
      status: ref(core('ServiceStatus'), 'Most recently observed status, e.g. the load balancer ingress points. Written by the system; read-only for clients.'),
    },
  ),
  [core('ServiceSpec')]: obj('The attributes a user asks for when creating or updating a service.', {
    ports: arr(ref(core('ServicePort')), 'Ports the service exposes. Each port maps to a targetPort on the backing pods.', {
      mergeKey: 'port',
      strategy: 'merge',
      listType: 'map',
      mapKeys: ['port', 'protocol'],
    }),
    selector: stringMap(
      'Label query selecting the pods that receive traffic. Pods whose labels match become endpoints. When empty or omitted the service has no selector and its endpoints are managed externally. Ignored for ExternalName services.',
      { 'x-kubernetes-map-type': 'atomic' },
    ),
    clusterIP: str(
      'Virtual IP of the service, normally allocated at random from the service CIDR; may be requested explicitly on create. "None" makes a headless service (no proxying, DNS returns the endpoints). Immutable except when changing to or from ExternalName.',
    ),
    clusterIPs: strings('Virtual IPs of the service, one per IP family; clusterIPs[0] always equals clusterIP.', { listType: 'atomic' }),
    type: enumStr(
      ['ClusterIP', 'ExternalName', 'LoadBalancer', 'NodePort'],
      'How the service is exposed. "ClusterIP" (default) allocates a cluster-internal virtual IP. "NodePort" additionally opens a port on every node. "LoadBalancer" additionally asks for an external load balancer in front of the node ports. "ExternalName" is a DNS CNAME to externalName with no proxying.',
    ),
    externalIPs: strings('Extra IPs on which nodes accept traffic for this service. Not managed by Kubernetes; route them to a node yourself.', { listType: 'atomic' }),
    sessionAffinity: enumStr(['ClientIP', 'None'], '"ClientIP" keeps a client on the same backend (for sessionAffinityConfig.clientIP.timeoutSeconds); "None" (default) balances each connection.'),
    loadBalancerIP: str('Deprecated: requested IP for a LoadBalancer service, honoured only by implementations that support it.'),
    loadBalancerSourceRanges: strings('Client CIDRs allowed through the load balancer; empty means all.', { listType: 'atomic' }),
    externalName: str('DNS name the service aliases (CNAME) when type is ExternalName.'),
    externalTrafficPolicy: enumStr(
      ['Cluster', 'Local'],
      'How traffic from outside the cluster (node ports, load balancer) is routed. "Cluster" (default) spreads it over all ready endpoints and masquerades the source. "Local" only uses endpoints on the receiving node and keeps the client source IP.',
    ),
    healthCheckNodePort: int32('Node port answering health checks for a LoadBalancer service with externalTrafficPolicy Local; allocated when not given.'),
    publishNotReadyAddresses: bool('If true, endpoints include pods that are not ready (useful for peer discovery of stateful sets).'),
    sessionAffinityConfig: ref(core('SessionAffinityConfig'), 'Parameters of session affinity.'),
    ipFamilies: strings('IP families (IPv4, IPv6) assigned to the service, in order; set from ipFamilyPolicy when omitted.', { listType: 'atomic' }),
    ipFamilyPolicy: enumStr(['PreferDualStack', 'RequireDualStack', 'SingleStack'], 'Whether the service gets one IP family or both: SingleStack (default), PreferDualStack or RequireDualStack.'),
    allocateLoadBalancerNodePorts: bool('Whether node ports are allocated for a LoadBalancer service (default true). Set false when the load balancer sends traffic straight to pods.'),
    loadBalancerClass: str('Which load balancer implementation handles this LoadBalancer service; unset means the default one. Immutable once set.'),
    internalTrafficPolicy: enumStr(['Cluster', 'Local'], 'How traffic to the cluster IP from inside the cluster is routed: "Cluster" (default) uses all endpoints, "Local" only endpoints on the same node.'),
    trafficDistribution: str('Preference for how traffic is spread over endpoints, e.g. "PreferClose" for topologically close endpoints.'),
  }),
  [core('ServicePort')]: obj(
    'One port the service exposes.',
    {
      name: str('Name of the port, unique within the service and a DNS label. Required when the service has more than one port; it names the matching EndpointSlice port.'),
      protocol: enumStr(PROTOCOLS, 'IP protocol of the port: TCP (default), UDP or SCTP.', { default: 'TCP' }),
      appProtocol: str('Application protocol hint (e.g. "http", "kubernetes.io/h2c") for implementations that use it.'),
      port: int32('Port number the service listens on (on its cluster IP and load balancer IPs).'),
      targetPort: ref(
        INTSTR,
        'Port on the pods that traffic is sent to: a number, or the name of a container port. Defaults to the value of port. Ignored for headless services without selector.',
      ),
      nodePort: int32('Port opened on every node for NodePort and LoadBalancer services; allocated from the node port range (default 30000-32767) unless given.'),
    },
    { required: ['port'] },
  ),
  [core('ServiceStatus')]: obj('The observed state of a service.', {
    loadBalancer: ref(core('LoadBalancerStatus'), 'The load balancer in front of the service, if any.'),
    conditions: arr(ref(meta('Condition')), 'Current conditions of the service.', {
      mergeKey: 'type',
      strategy: 'merge',
      listType: 'map',
      mapKeys: ['type'],
    }),
  }),
  [core('LoadBalancerStatus')]: obj('Status of a load balancer.', {
    ingress: arr(ref(core('LoadBalancerIngress')), 'Entry points of the load balancer (VIPs or host names).', { listType: 'atomic' }),
  }),
  [core('LoadBalancerIngress')]: obj('One entry point of a load balancer.', {
    ip: str('IP address of the entry point (a VIP).'),
    hostname: str('DNS name of the entry point, for load balancers addressed by name.'),
    ipMode: str('"VIP" (traffic arrives with the VIP as destination) or "Proxy" (the load balancer rewrites the destination).'),
    ports: arr(ref(core('PortStatus')), 'Per-port status records.', { listType: 'atomic' }),
  }),
  [core('PortStatus')]: obj(
    'Status of one service port on a load balancer.',
    {
      port: int32('Port number.'),
      protocol: enumStr(PROTOCOLS, 'Protocol of the port.'),
      error: str('Problem with the port, in CamelCase, or empty when fine.'),
    },
    { required: ['port', 'protocol'] },
  ),
  [core('SessionAffinityConfig')]: obj('Parameters of session affinity.', {
    clientIP: ref(core('ClientIPConfig'), 'Settings of ClientIP affinity.'),
  }),
  [core('ClientIPConfig')]: obj('Settings of ClientIP session affinity.', {
    timeoutSeconds: int32('How long a client sticks to its backend after its last connection; 1-86400, default 10800 (3 hours).'),
  }),
};
