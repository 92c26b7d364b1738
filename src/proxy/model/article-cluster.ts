// The Services and EndpointSlices of the reference article's cluster
// (nsx-t-k8s-part5.md, "K8S Service Type ClusterIP"): `kubernetes`, `kube-dns` and
// `nsxtestservice`, with the endpoints `kubectl describe` shows. Endpoint order in the
// slices is the bucket order of the article's `dump-groups` (kube-dns: 172.25.4.3 first).
import type { EndpointSlice, Service } from '../../api/index.js';
import { buildService, buildSlice } from './builders.js';

export const ARTICLE_NODE = { name: 'k8s-node1', nodeIPs: ['10.190.5.11'], zone: '' } as const;
export const ARTICLE_UPLINK = { name: 'ens192', ofport: 1 } as const;

const DNS_PORTS = [
  { name: 'dns', port: 53, protocol: 'UDP' as const },
  { name: 'dns-tcp', port: 53, protocol: 'TCP' as const },
  { name: 'metrics', port: 9153, protocol: 'TCP' as const },
];

export function articleServices(): Service[] {
  return [
    buildService({ namespace: 'default', name: 'kubernetes', clusterIP: '10.96.0.1', ports: [{ name: 'https', port: 443, targetPort: 6443 }] }),
    buildService({ namespace: 'kube-system', name: 'kube-dns', clusterIP: '10.96.0.10', ports: DNS_PORTS }),
    buildService({ namespace: 'demons', name: 'nsxtestservice', clusterIP: '10.101.129.209', ports: [{ name: '80-80', port: 80 }] }),
  ];
}

export function articleSlices(): EndpointSlice[] {
  return [
    buildSlice({
      namespace: 'default',
      service: 'kubernetes',
      name: 'kubernetes',
      ports: [{ name: 'https', port: 6443 }],
      endpoints: [{ ip: '10.190.5.10', node: 'k8s-master' }],
    }),
    buildSlice({
      namespace: 'kube-system',
      service: 'kube-dns',
      ports: [
        { name: 'dns', port: 53, protocol: 'UDP' },
        { name: 'dns-tcp', port: 53, protocol: 'TCP' },
        { name: 'metrics', port: 9153, protocol: 'TCP' },
      ],
      endpoints: [
        { ip: '172.25.4.3', node: 'k8s-node1' },
        { ip: '172.25.4.2', node: 'k8s-node2' },
      ],
    }),
    buildSlice({
      namespace: 'demons',
      service: 'nsxtestservice',
      ports: [{ name: '80-80', port: 80 }],
      endpoints: [
        { ip: '172.25.5.2', node: 'k8s-node1' },
        { ip: '172.25.5.3', node: 'k8s-node2' },
      ],
    }),
  ];
}
