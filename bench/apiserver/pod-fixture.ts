// The pod the apiserver benches list: shared so their figures compare.

/** A scheduled, running Deployment pod: ~1.2 KB of JSON, the shape kube-apiserver stores. */
export function podObject(ns: string, i: number): Record<string, unknown> {
  const hash = (i * 2654435761) >>> 0;
  const name = `web-5d8f7c9b6d-${hash.toString(36).padStart(7, 'x').slice(0, 5)}${i}`;
  const ip = `10.244.${(i >> 8) & 255}.${i & 255}`;
  const t = '2024-05-01T10:00:00Z';
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      namespace: ns,
      uid: `${hash.toString(16).padStart(8, '0')}-4c1e-4b7a-9d2f-${String(i).padStart(12, '0')}`,
      creationTimestamp: t,
      labels: { app: 'web', 'pod-template-hash': '5d8f7c9b6d', tier: 'frontend' },
      ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web-5d8f7c9b6d', uid: '7b1c2d3e-0000-4000-8000-000000000001', controller: true }],
    },
    spec: {
      nodeName: `node-${i % 50}`,
      containers: [
        {
          name: 'web',
          image: 'registry.example/web:1.25.3',
          ports: [{ name: 'http', containerPort: 8080, protocol: 'TCP' }],
          resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '500m', memory: '256Mi' } },
          readinessProbe: { httpGet: { path: '/healthz', port: 8080 }, periodSeconds: 5 },
        },
      ],
      restartPolicy: 'Always',
      serviceAccountName: 'default',
    },
    status: {
      phase: 'Running',
      hostIP: `192.168.10.${10 + (i % 50)}`,
      podIP: ip,
      podIPs: [{ ip }],
      startTime: t,
      conditions: ['Initialized', 'Ready', 'ContainersReady', 'PodScheduled'].map((type) => ({ type, status: 'True', lastTransitionTime: t })),
      containerStatuses: [{ name: 'web', ready: true, restartCount: 0, image: 'registry.example/web:1.25.3', state: { running: { startedAt: t } } }],
    },
  };
}

