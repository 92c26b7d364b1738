// Objects from the reference article (../shared/seed/nsx-t-k8s-part5.md) and the bodies kubectl
// generates, plus a helper that runs them through the create pipeline the way the API server
// will (defaults -> prepare -> IP families -> simulated allocation). Shared by tests only.
import { applyDefaults, initServiceIPFamilies, prepareForCreate } from '../defaults/index.js';
import type { Deployment, KubeObject, Namespace, Pod, Service } from '../types/index.js';

/** lb.yaml from the article (created with -n demons). */
export function articleLbService(): Service {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'nsxdemoservice', namespace: 'demons', labels: { app: 'nsxdemoservice' } },
    spec: { type: 'LoadBalancer', selector: { app: 'nsxdemo' }, ports: [{ name: 'http', protocol: 'TCP', port: 80, targetPort: 80 }] },
  };
}

/** nsxdemoapp.yml from the article. */
export function articleDeployment(): Deployment {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'nsxdemoapp', namespace: 'demons' },
    spec: {
      selector: { matchLabels: { app: 'nsxdemo' } },
      replicas: 4,
      template: {
        metadata: { labels: { app: 'nsxdemo' } },
        spec: { containers: [{ name: 'nsx-demo', image: 'dumlutimuralp/nsx-demo', ports: [{ containerPort: 80 }] }] },
      },
    },
  };
}

/** `kubectl create service clusterip nsxtestservice --tcp=80:80 -n demons` (kubectl 1.32 body). */
export function kubectlClusterIPService(): Service {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'nsxtestservice', namespace: 'demons', labels: { app: 'nsxtestservice' } },
    spec: {
      ports: [{ name: '80-80', protocol: 'TCP', port: 80, targetPort: 80 }],
      selector: { app: 'nsxtestservice' },
      type: 'ClusterIP',
    },
    status: { loadBalancer: {} },
  };
}

/** `kubectl create deployment nsxtestapp --image=dumlutimuralp/nsx-demo --replicas=2 -n demons`. */
export function kubectlDeployment(): Deployment {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'nsxtestapp', namespace: 'demons', labels: { app: 'nsxtestapp' } },
    spec: {
      replicas: 2,
      selector: { matchLabels: { app: 'nsxtestapp' } },
      strategy: {},
      template: {
        metadata: { labels: { app: 'nsxtestapp' } },
        spec: { containers: [{ name: 'nsx-demo', image: 'dumlutimuralp/nsx-demo', resources: {} }] },
      },
    },
    status: {},
  };
}

/** `kubectl run nwtest --image=dumlutimuralp/networktest -n demons` (run-pod/v1). */
export function kubectlRunPod(): Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'nwtest', namespace: 'demons', labels: { run: 'nwtest' } },
    spec: {
      containers: [{ name: 'nwtest', image: 'dumlutimuralp/networktest', resources: {} }],
      dnsPolicy: 'ClusterFirst',
      restartPolicy: 'Always',
    },
    status: {},
  };
}

/** `kubectl create namespace demons`. */
export function kubectlNamespace(): Namespace {
  return { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'demons' }, spec: {}, status: {} };
}

/** Stand-ins for what the service registry allocates. */
export const ALLOC = { clusterIP: '10.96.0.10', nodePortBase: 30657 };

/**
 * The create pipeline up to validation. Services get a clusterIP and node ports as the
 * registry's allocators would assign them (IPv4-only cluster).
 */
export function created<T extends KubeObject>(obj: T): T {
  const o = prepareForCreate(applyDefaults(obj));
  if (o.kind === 'Service') {
    const svc = o as unknown as Service;
    const errs = initServiceIPFamilies(svc, undefined, { families: ['IPv4'] });
    if (errs.length > 0) throw new Error(`ip families: ${JSON.stringify(errs)}`);
    const spec = svc.spec ?? {};
    if (spec.type !== 'ExternalName' && spec.clusterIP !== 'None' && (spec.clusterIPs ?? []).length === 0) {
      spec.clusterIP = ALLOC.clusterIP;
      spec.clusterIPs = [ALLOC.clusterIP];
    }
    if (spec.type === 'NodePort' || spec.type === 'LoadBalancer') {
      (spec.ports ?? []).forEach((p, i) => {
        p.nodePort ??= ALLOC.nodePortBase + i;
      });
    }
    if (spec.type === 'LoadBalancer' && spec.externalTrafficPolicy === 'Local') spec.healthCheckNodePort ??= 32000;
  }
  return o;
}
