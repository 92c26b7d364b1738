// The objects `svcnet up` creates for the article's lab once the API server runs:
// the kube-dns Service (10.96.0.10; dns 53/UDP, dns-tcp 53/TCP, metrics 9153/TCP) and the
// 2-replica coredns Deployment behind it, as kubeadm installs them.
import type { KubeObject } from '../src/api/index.js';
import { isAlreadyExists, isNotFound, type RestClient } from '../src/client/index.js';

export const kubeDnsService = {
  apiVersion: 'v1',
  kind: 'Service',
  metadata: {
    name: 'kube-dns',
    namespace: 'kube-system',
    labels: { 'k8s-app': 'kube-dns', 'kubernetes.io/cluster-service': 'true', 'kubernetes.io/name': 'KubeDNS' },
    annotations: { 'prometheus.io/port': '9153', 'prometheus.io/scrape': 'true' },
  },
  spec: {
    clusterIP: '10.96.0.10',
    selector: { 'k8s-app': 'kube-dns' },
    ports: [
      { name: 'dns', port: 53, protocol: 'UDP', targetPort: 53 },
      { name: 'dns-tcp', port: 53, protocol: 'TCP', targetPort: 53 },
      { name: 'metrics', port: 9153, protocol: 'TCP', targetPort: 9153 },
    ],
  },
} as const;

export const corednsDeployment = {
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'coredns', namespace: 'kube-system', labels: { 'k8s-app': 'kube-dns' } },
  spec: {
    replicas: 2,
    selector: { matchLabels: { 'k8s-app': 'kube-dns' } },
    strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1 } },
    template: {
      metadata: { labels: { 'k8s-app': 'kube-dns' } },
      spec: {
        dnsPolicy: 'Default',
        containers: [
          {
            name: 'coredns',
            image: 'registry.k8s.io/coredns/coredns:v1.11.3',
            args: ['-conf', '/etc/coredns/Corefile'],
            ports: [
              { name: 'dns', containerPort: 53, protocol: 'UDP' },
              { name: 'dns-tcp', containerPort: 53, protocol: 'TCP' },
              { name: 'metrics', containerPort: 9153, protocol: 'TCP' },
            ],
          },
        ],
      },
    },
  },
};

/** Creates an object unless it exists (a restart keeps whatever the user changed). */
export async function ensureObject(client: RestClient, ref: { group: string; version: string; resource: string }, obj: KubeObject): Promise<void> {
  // Look first: re-creating kube-dns would fail on its own ClusterIP ("already allocated")
  // before the store could say AlreadyExists, exactly as kube-apiserver does.
  try {
    await client.get(ref, obj.metadata.namespace, obj.metadata.name ?? '');
    return;
  } catch (e) {
    if (!isNotFound(e)) throw e;
  }
  try {
    await client.create(ref, obj.metadata.namespace, obj);
  } catch (e) {
    if (!isAlreadyExists(e)) throw e;
  }
}
