// core/v1 Endpoints (legacy) and discovery.k8s.io/v1 EndpointSlice.
import type { SchemaTable } from './openapi-types.js';
import {
  arr, bool, core, DISCOVERY, enumStr, gvk, int32, kind, obj, ref, str, stringMap, strings,
} from './schema-builders.js';

const PROTOCOLS = ['SCTP', 'TCP', 'UDP'];
const disc = (name: string): string => `${DISCOVERY}.${name}`;

export const endpointsSchemas: SchemaTable = {
  [core('Endpoints')]: kind(
    gvk('', 'v1', 'Endpoints'),
    'The addresses that implement a service, grouped into subsets of addresses sharing the same ports. Superseded by EndpointSlice; still maintained by the endpoints controller.',
    {
      subsets: arr(ref(core('EndpointSubset')), 'Groups of addresses with the ports they all serve.', { listType: 'atomic' }),
    },
  ),
  [core('EndpointSubset')]: obj('Addresses that all expose the same ports.', {
    addresses: arr(ref(core('EndpointAddress')), 'Ready addresses.', { listType: 'atomic' }),
    notReadyAddresses: arr(ref(core('EndpointAddress')), 'Addresses that are not ready yet (or failed readiness).', { listType: 'atomic' }),
    ports: arr(ref(core('EndpointPort')), 'Ports available on every address of the subset.', { listType: 'atomic' }),
  }),
  [core('EndpointAddress')]: obj(
    'One backend address.',
    {
      ip: str('IP address of the endpoint.'),
      hostname: str('Hostname of the endpoint, used for DNS of headless services.'),
      nodeName: str('Node hosting the endpoint.'),
      targetRef: ref(core('ObjectReference'), 'The object (normally a Pod) providing the endpoint.'),
    },
    { required: ['ip'], mapType: 'atomic' },
  ),
  [core('EndpointPort')]: obj(
    'A port of an endpoint subset.',
    {
      name: str('Name of the port; matches the ServicePort name.'),
      port: int32('Port number.'),
      protocol: enumStr(PROTOCOLS, 'Protocol of the port (default TCP).'),
      appProtocol: str('Application protocol of the port.'),
    },
    { required: ['port'], mapType: 'atomic' },
  ),
  [disc('EndpointSlice')]: kind(
    gvk('discovery.k8s.io', 'v1', 'EndpointSlice'),
    'A slice of the endpoints of a service: endpoints of one address type with the ports they serve (the controller puts up to 100 in each slice). The kubernetes.io/service-name label ties it to its service.',
    {
      addressType: enumStr(['FQDN', 'IPv4', 'IPv6'], 'Kind of addresses in the slice: IPv4, IPv6 or FQDN. Immutable.'),
      endpoints: arr(ref(disc('Endpoint')), 'The endpoints; at most 1000.', { listType: 'atomic' }),
      ports: arr(ref(disc('EndpointPort')), 'Ports every endpoint of the slice serves. Empty means no ports; a port with empty name and no number means all ports.', {
        listType: 'atomic',
      }),
    },
    { required: ['addressType', 'endpoints'] },
  ),
  [disc('Endpoint')]: obj(
    'One backend of a slice.',
    {
      addresses: strings('Addresses of the endpoint (consumers use the first one); 1-100 entries.', { listType: 'set' }),
      conditions: ref(disc('EndpointConditions'), 'Readiness state of the endpoint.'),
      hostname: str('Hostname of the endpoint, for DNS of headless services.'),
      targetRef: ref(core('ObjectReference'), 'The object (normally a Pod) providing the endpoint.'),
      deprecatedTopology: stringMap('Deprecated topology labels; use nodeName and zone.'),
      nodeName: str('Node hosting the endpoint.'),
      zone: str('Zone of the endpoint.'),
      hints: ref(disc('EndpointHints'), 'Hints for topology-aware routing.'),
    },
    { required: ['addresses'] },
  ),
  [disc('EndpointConditions')]: obj('Readiness state of an endpoint.', {
    ready: bool('The endpoint should receive new traffic: it is serving and not terminating. Unknown (null) counts as ready.'),
    serving: bool('The endpoint passes its readiness checks, whether or not it is terminating.'),
    terminating: bool('The endpoint is terminating.'),
  }),
  [disc('EndpointHints')]: obj('Where an endpoint should preferably be consumed.', {
    forZones: arr(ref(disc('ForZone')), 'Zones whose clients should use this endpoint.', { listType: 'atomic' }),
    // Kubernetes 1.33 field; accepted so our controllers can write it.
    forNodes: arr(ref(disc('ForNode')), 'Nodes whose clients should use this endpoint.', { listType: 'atomic' }),
  }),
  [disc('ForZone')]: obj('A zone hint.', { name: str('Name of the zone.') }, { required: ['name'] }),
  [disc('ForNode')]: obj('A node hint.', { name: str('Name of the node.') }, { required: ['name'] }),
  [disc('EndpointPort')]: obj(
    'A port served by the endpoints of a slice.',
    {
      name: str('Name of the port; matches the ServicePort name. Empty for an unnamed port.'),
      protocol: enumStr(PROTOCOLS, 'Protocol of the port (default TCP).'),
      port: int32('Port number; unset means all ports.'),
      appProtocol: str('Application protocol of the port.'),
    },
    { mapType: 'atomic' },
  ),
};
