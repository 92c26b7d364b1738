// Defaulting as kube-apiserver 1.32 applies it (pkg/apis/core/v1/defaults.go, apps/v1
// defaults.go, DefaultTolerationSeconds/Priority admission, registry PrepareForCreate and
// alloc.go initIPFamilyFields).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { articleDeployment, articleLbService, kubectlClusterIPService, kubectlNamespace, kubectlRunPod } from '../testdata/fixtures.js';
import type { Container, DeploymentSpec, Pod, PodSpec, ReplicaSet, Service, ServiceSpec } from '../types/index.js';
import { applyDefaults, prepareForCreate, prepareForUpdate } from './apply.js';
import { defaultPullPolicy } from './image.js';
import { computePodQOS } from './pod.js';
import { initServiceIPFamilies } from './service-ip-families.js';

const svcSpec = (spec: ServiceSpec): ServiceSpec => applyDefaults<Service>({ ...kubectlClusterIPService(), spec }).spec ?? {};

describe('Service defaults', () => {
  test('ClusterIP service from kubectl', () => {
    assert.deepEqual(applyDefaults(kubectlClusterIPService()).spec, {
      ports: [{ name: '80-80', protocol: 'TCP', port: 80, targetPort: 80 }],
      selector: { app: 'nsxtestservice' },
      type: 'ClusterIP',
      sessionAffinity: 'None',
      internalTrafficPolicy: 'Cluster',
    });
  });
  test('article LoadBalancer gets externalTrafficPolicy and allocateLoadBalancerNodePorts', () => {
    const spec = applyDefaults(articleLbService()).spec ?? {};
    assert.equal(spec.externalTrafficPolicy, 'Cluster');
    assert.equal(spec.allocateLoadBalancerNodePorts, true);
    assert.equal(spec.internalTrafficPolicy, 'Cluster');
  });
  test('type defaults to ClusterIP, protocol to TCP, targetPort to port', () => {
    const spec = svcSpec({ ports: [{ port: 8080 }] });
    assert.equal(spec.type, 'ClusterIP');
    assert.deepEqual(spec.ports, [{ port: 8080, protocol: 'TCP', targetPort: 8080 }]);
  });
  test('targetPort 0 or "" is replaced', () => {
    assert.equal(svcSpec({ ports: [{ port: 81, targetPort: 0 }] }).ports?.[0]?.targetPort, 81);
    assert.equal(svcSpec({ ports: [{ port: 82, targetPort: '' }] }).ports?.[0]?.targetPort, 82);
  });
  test('ClientIP affinity gets 10800 s', () =>
    assert.deepEqual(svcSpec({ sessionAffinity: 'ClientIP' }).sessionAffinityConfig, { clientIP: { timeoutSeconds: 10800 } }));
  test('None affinity drops the config', () =>
    assert.equal(svcSpec({ sessionAffinity: 'None', sessionAffinityConfig: { clientIP: { timeoutSeconds: 5 } } }).sessionAffinityConfig, undefined));
  test('externalTrafficPolicy for NodePort and ClusterIP with externalIPs only', () => {
    assert.equal(svcSpec({ type: 'NodePort' }).externalTrafficPolicy, 'Cluster');
    assert.equal(svcSpec({ type: 'ClusterIP', externalIPs: ['192.0.2.1'] }).externalTrafficPolicy, 'Cluster');
    assert.equal(svcSpec({ type: 'ClusterIP' }).externalTrafficPolicy, undefined);
  });
  test('ExternalName gets no internalTrafficPolicy', () => assert.equal(svcSpec({ type: 'ExternalName' }).internalTrafficPolicy, undefined));
  test('ingress ipMode VIP for LoadBalancer', () => {
    const s = applyDefaults<Service>({ ...articleLbService(), status: { loadBalancer: { ingress: [{ ip: '10.190.6.102' }] } } });
    assert.equal(s.status?.loadBalancer?.ingress?.[0]?.ipMode, 'VIP');
  });
  test('prepareForCreate clears status and fills clusterIPs from clusterIP', () => {
    const s = prepareForCreate(applyDefaults<Service>({ ...kubectlClusterIPService(), spec: { clusterIP: 'None', ports: [] } }));
    assert.deepEqual(s.status, {});
    assert.deepEqual(s.spec?.clusterIPs, ['None']);
  });
});

describe('Service IP families', () => {
  const fam = (spec: ServiceSpec, families: Array<'IPv4' | 'IPv6'> = ['IPv4']) => {
    const s = prepareForCreate(applyDefaults<Service>({ ...kubectlClusterIPService(), spec }));
    const errs = initServiceIPFamilies(s, undefined, { families });
    return { spec: s.spec ?? {}, errs: errs.map((e) => `${e.field}: ${e.detail}`) };
  };
  test('single-stack default', () => {
    const r = fam({ ports: [{ port: 80 }] });
    assert.equal(r.spec.ipFamilyPolicy, 'SingleStack');
    assert.deepEqual(r.spec.ipFamilies, ['IPv4']);
  });
  test('family inferred from a requested clusterIP', () => assert.deepEqual(fam({ clusterIP: 'fd00::10' }, ['IPv4', 'IPv6']).spec.ipFamilies, ['IPv6']));
  test('headless without selector is RequireDualStack with both families on a dual-stack cluster', () => {
    const r = fam({ clusterIP: 'None' }, ['IPv4', 'IPv6']);
    assert.equal(r.spec.ipFamilyPolicy, 'RequireDualStack');
    assert.deepEqual(r.spec.ipFamilies, ['IPv4', 'IPv6']);
  });
  test('PreferDualStack on a dual-stack cluster adds the second family', () =>
    assert.deepEqual(fam({ ipFamilyPolicy: 'PreferDualStack' }, ['IPv6', 'IPv4']).spec.ipFamilies, ['IPv6', 'IPv4']));
  test('RequireDualStack on a single-stack cluster is rejected', () =>
    assert.deepEqual(fam({ ipFamilyPolicy: 'RequireDualStack' }).errs, ['spec.ipFamilyPolicy: this cluster is not configured for dual-stack services']));
  test('IPv6 clusterIP on an IPv4 cluster is rejected', () =>
    assert.deepEqual(fam({ clusterIP: 'fd00::10' }).errs, ['spec.clusterIPs[0]: IPv6 is not configured on this cluster']));
  test('ExternalName is left alone', () => assert.equal(fam({ type: 'ExternalName', externalName: 'x.example.com' }).spec.ipFamilyPolicy, undefined));
});

describe('Pod defaults', () => {
  const pod = (spec: Partial<PodSpec> = {}) => {
    const base = kubectlRunPod();
    return applyDefaults<Pod>({ ...base, spec: { ...(base.spec as PodSpec), ...spec } });
  };
  test('kubectl run pod', () => {
    const spec = pod().spec as PodSpec;
    assert.equal(spec.restartPolicy, 'Always');
    assert.equal(spec.dnsPolicy, 'ClusterFirst');
    assert.equal(spec.terminationGracePeriodSeconds, 30);
    assert.equal(spec.schedulerName, 'default-scheduler');
    assert.deepEqual(spec.securityContext, {});
    assert.equal(spec.enableServiceLinks, true);
    assert.equal(spec.priority, 0);
    assert.equal(spec.preemptionPolicy, 'PreemptLowerPriority');
    assert.equal(spec.serviceAccountName, 'default');
    assert.deepEqual(spec.tolerations, [
      { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
      { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
    ]);
    const c = spec.containers[0] as Container;
    assert.equal(c.imagePullPolicy, 'Always');
    assert.equal(c.terminationMessagePath, '/dev/termination-log');
    assert.equal(c.terminationMessagePolicy, 'File');
  });
  test('an existing toleration for a taint suppresses its default', () => {
    const spec = pod({ tolerations: [{ operator: 'Exists' }] }).spec as PodSpec;
    assert.deepEqual(spec.tolerations, [{ operator: 'Exists' }]);
  });
  test('probe and port defaults', () => {
    const spec = pod({ containers: [{ name: 'c', image: 'nginx:1.27', ports: [{ containerPort: 80 }], readinessProbe: { httpGet: { port: 80 } } }] }).spec as PodSpec;
    const c = spec.containers[0] as Container;
    assert.deepEqual(c.ports, [{ containerPort: 80, protocol: 'TCP' }]);
    assert.deepEqual(c.readinessProbe, { httpGet: { port: 80, path: '/', scheme: 'HTTP' }, timeoutSeconds: 1, periodSeconds: 10, successThreshold: 1, failureThreshold: 3 });
  });
  test('requests default from limits', () => {
    const spec = pod({ containers: [{ name: 'c', image: 'nginx', resources: { limits: { cpu: '1', memory: '1Gi' } } }] }).spec as PodSpec;
    assert.deepEqual(spec.containers[0]?.resources?.requests, { cpu: '1', memory: '1Gi' });
    assert.equal(computePodQOS(spec), 'Guaranteed');
  });
  test('QoS classes', () => {
    assert.equal(computePodQOS(pod().spec as PodSpec), 'BestEffort');
    assert.equal(computePodQOS({ containers: [{ name: 'c', resources: { requests: { cpu: '100m' } } }] }), 'Burstable');
  });
  test('prepareForCreate sets Pending and the QoS class', () =>
    assert.deepEqual(prepareForCreate(pod()).status, { phase: 'Pending', qosClass: 'BestEffort' }));
  test('hostNetwork copies containerPort to hostPort', () => {
    const spec = pod({ hostNetwork: true, containers: [{ name: 'c', image: 'x', ports: [{ containerPort: 53 }] }] }).spec as PodSpec;
    assert.equal(spec.containers[0]?.ports?.[0]?.hostPort, 53);
  });
  const pull: Array<[string, string]> = [
    ['nginx', 'Always'],
    ['nginx:latest', 'Always'],
    ['nginx:1.27', 'IfNotPresent'],
    ['registry.local:5000/team/app', 'Always'],
    ['registry.local:5000/team/app:v2', 'IfNotPresent'],
    ['nginx@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef', 'IfNotPresent'],
    ['Not/Valid', 'IfNotPresent'],
  ];
  for (const [image, want] of pull) test(`imagePullPolicy of ${image}`, () => assert.equal(defaultPullPolicy(image), want));
});

describe('Deployment, ReplicaSet, Namespace, EndpointSlice defaults', () => {
  test('article deployment', () => {
    const spec = applyDefaults(articleDeployment()).spec as DeploymentSpec;
    assert.equal(spec.replicas, 4);
    assert.deepEqual(spec.strategy, { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '25%', maxSurge: '25%' } });
    assert.equal(spec.revisionHistoryLimit, 10);
    assert.equal(spec.progressDeadlineSeconds, 600);
    assert.equal(spec.template.spec?.restartPolicy, 'Always');
    assert.equal(spec.template.spec?.containers[0]?.imagePullPolicy, 'Always');
    // Pod-only defaults and admission do not touch templates.
    assert.equal(spec.template.spec?.enableServiceLinks, undefined);
    assert.equal(spec.template.spec?.tolerations, undefined);
  });
  test('replicas default to 1; Recreate gets no rollingUpdate', () => {
    const d = articleDeployment();
    delete (d.spec as Partial<DeploymentSpec>).replicas;
    (d.spec as DeploymentSpec).strategy = { type: 'Recreate' };
    const spec = applyDefaults(d).spec as DeploymentSpec;
    assert.equal(spec.replicas, 1);
    assert.deepEqual(spec.strategy, { type: 'Recreate' });
  });
  test('deployment create sets generation 1 and clears status', () => {
    const d = prepareForCreate(applyDefaults({ ...articleDeployment(), status: { replicas: 9 } }));
    assert.equal(d.metadata.generation, 1);
    assert.equal(d.status, undefined);
  });
  test('status update keeps the spec and generation', () => {
    const old = prepareForCreate(applyDefaults(articleDeployment()));
    const n = structuredClone(old);
    (n.spec as DeploymentSpec).replicas = 100;
    n.status = { replicas: 4, readyReplicas: 4 };
    const p = prepareForUpdate(n, old, 'status');
    assert.equal(p.spec?.replicas, 4);
    assert.deepEqual(p.status, { replicas: 4, readyReplicas: 4 });
    assert.equal(p.metadata.generation, 1);
  });
  test('replicaset replicas default', () =>
    assert.equal(applyDefaults<ReplicaSet>({ apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name: 'r' }, spec: { selector: {} } }).spec?.replicas, 1));
  test('namespace label, phase and finalizer', () => {
    const ns = prepareForCreate(applyDefaults(kubectlNamespace()));
    assert.deepEqual(ns.metadata.labels, { 'kubernetes.io/metadata.name': 'demons' });
    assert.deepEqual(ns.status, { phase: 'Active' });
    assert.deepEqual(ns.spec, { finalizers: ['kubernetes'] });
  });
  test('namespace update keeps spec.finalizers; finalize may change them', () => {
    const old = prepareForCreate(applyDefaults(kubectlNamespace()));
    const n = { ...structuredClone(old), spec: { finalizers: [] } };
    assert.deepEqual(prepareForUpdate(n, old).spec, { finalizers: ['kubernetes'] });
    assert.deepEqual(prepareForUpdate(n, old, 'finalize').spec, { finalizers: [] });
  });
  test('endpointslice and endpoints ports', () => {
    const s = applyDefaults({ apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice', metadata: { name: 's' }, addressType: 'IPv4', endpoints: [], ports: [{ port: 80 }] });
    assert.deepEqual(s.ports, [{ port: 80, name: '', protocol: 'TCP' }]);
    const e = applyDefaults({ apiVersion: 'v1', kind: 'Endpoints', metadata: { name: 'e' }, subsets: [{ ports: [{ port: 80 }] }] });
    assert.deepEqual(e.subsets?.[0]?.ports, [{ port: 80, protocol: 'TCP' }]);
  });
  test('inputs are not modified', () => {
    const d = articleDeployment();
    const before = JSON.stringify(d);
    applyDefaults(d);
    prepareForCreate(d);
    assert.equal(JSON.stringify(d), before);
  });
});
