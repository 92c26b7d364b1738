import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Deployment, Pod, Service } from '../types/index.js';
import {
  findUnknownFields, findUnknownFieldsIn, MAX_UNKNOWN_FIELDS, strictDecodingError, strictDecodingMessage, unknownFieldMessage,
} from './unknown-fields.js';

const SERVICE = { group: '', version: 'v1', kind: 'Service' };
const POD = { group: '', version: 'v1', kind: 'Pod' };
const DEPLOYMENT = { group: 'apps', version: 'v1', kind: 'Deployment' };

const lbService: Service = {
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name: 'nsxdemoservice', labels: { app: 'nsxdemoservice' } },
  spec: { type: 'LoadBalancer', selector: { app: 'nsxdemo' }, ports: [{ name: 'http', protocol: 'TCP', port: 80, targetPort: 80 }] },
};

describe('findUnknownFields', () => {
  const cases: { name: string; gvk: typeof SERVICE; obj: unknown; want: string[] }[] = [
    { name: 'the article\'s lb.yaml is clean', gvk: SERVICE, obj: lbService, want: [] },
    { name: 'top-level unknown', gvk: SERVICE, obj: { ...lbService, extra: 1 }, want: ['extra'] },
    { name: 'nested object', gvk: SERVICE, obj: { ...lbService, spec: { ...lbService.spec, tpye: 'NodePort' } }, want: ['spec.tpye'] },
    {
      name: 'inside a list element, with its index',
      gvk: SERVICE,
      obj: { ...lbService, spec: { ports: [{ port: 80 }, { port: 81, foo: true }] } },
      want: ['spec.ports[1].foo'],
    },
    {
      name: 'metadata is checked too',
      gvk: SERVICE,
      obj: { ...lbService, metadata: { name: 'x', label: { a: 'b' } } },
      want: ['metadata.label'],
    },
    {
      name: 'map keys (labels, annotations, selector) are data, not fields',
      gvk: SERVICE,
      obj: { ...lbService, metadata: { name: 'x', labels: { anything: 'goes' }, annotations: { 'a.b/c': 'd' } }, spec: { selector: { whatever: 'x' } } },
      want: [],
    },
    {
      name: 'int-or-string accepts a number or a string and is never descended into',
      gvk: SERVICE,
      obj: { ...lbService, spec: { ports: [{ port: 80, targetPort: 'http' }, { port: 81, targetPort: 8081 }] } },
      want: [],
    },
    {
      name: 'preserve-unknown subtrees (securityContext, affinity, opaque volume sources) accept anything',
      gvk: POD,
      obj: {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: 'p' },
        spec: {
          containers: [{ name: 'c', securityContext: { capabilities: { add: ['NET_ADMIN'] }, made: { up: 1 } } }],
          affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: {} } },
          securityContext: { runAsUser: 1000 },
          volumes: [{ name: 'v', nfs: { server: 'x', path: '/', whatever: true } }, { name: 'w', emptyDir: { medium: 'Memory' } }],
        },
      },
      want: [],
    },
    {
      name: 'modelled volume sources are checked',
      gvk: POD,
      obj: { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: { containers: [{ name: 'c' }], volumes: [{ name: 'v', emptyDir: { size: '1Gi' } }] } },
      want: ['spec.volumes[0].emptyDir.size'],
    },
    {
      name: 'quantity maps accept any resource name',
      gvk: POD,
      obj: { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: { containers: [{ name: 'c', resources: { limits: { cpu: '1', 'example.com/gpu': 2 } } }] } },
      want: [],
    },
    {
      name: 'deep paths through a pod template, several unknowns in document order',
      gvk: DEPLOYMENT,
      obj: {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: 'd' },
        spec: {
          replicas: 1,
          selector: { matchLabels: { app: 'd' } },
          template: {
            metadata: { labels: { app: 'd' }, containers: [] },
            spec: { containers: [{ name: 'a', ports: [{ containerPort: 80, bogus: 1 }] }, { name: 'b', restartPolicyy: 'Always' }] },
          },
        },
      },
      want: ['spec.template.metadata.containers', 'spec.template.spec.containers[0].ports[0].bogus', 'spec.template.spec.containers[1].restartPolicyy'],
    },
    { name: 'null values are skipped', gvk: SERVICE, obj: { ...lbService, spec: null, status: null }, want: [] },
    {
      name: 'type mismatches are not reported as unknown fields',
      gvk: SERVICE,
      obj: { ...lbService, spec: { ports: { port: 80 }, selector: ['a'] } },
      want: [],
    },
    { name: 'a kind without schema yields nothing', gvk: { group: 'x.io', version: 'v1', kind: 'Nope' }, obj: { a: 1 }, want: [] },
  ];
  for (const c of cases) {
    test(c.name, () => assert.deepEqual(findUnknownFields(c.gvk, c.obj), c.want));
  }

  test('objects svcnet itself writes pass strict validation', () => {
    const pod: Pod = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        name: 'web-1', namespace: 'demons', uid: 'u', resourceVersion: '7', generation: 1, creationTimestamp: '2025-01-01T00:00:00Z',
        labels: { app: 'web' }, ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web-abc', uid: 'r', controller: true, blockOwnerDeletion: true }],
        finalizers: ['x'], managedFields: [{ manager: 'kubectl', operation: 'Apply', apiVersion: 'v1', time: '2025-01-01T00:00:00Z', fieldsType: 'FieldsV1', fieldsV1: { 'f:spec': {} } }],
      },
      spec: {
        containers: [{
          name: 'web', image: 'nginx', ports: [{ name: 'http', containerPort: 80, protocol: 'TCP' }], env: [{ name: 'A', valueFrom: { fieldRef: { fieldPath: 'status.podIP' } } }],
          readinessProbe: { httpGet: { path: '/', port: 'http' }, periodSeconds: 5 }, livenessProbe: { tcpSocket: { port: 80 } }, startupProbe: { exec: { command: ['true'] } },
          lifecycle: { preStop: { sleep: { seconds: 1 } } }, resources: { requests: { cpu: '100m' } }, volumeMounts: [{ name: 'cfg', mountPath: '/etc/cfg' }],
        }],
        volumes: [{ name: 'cfg', configMap: { name: 'cfg', items: [{ key: 'a', path: 'a' }] } }],
        dnsPolicy: 'ClusterFirst', dnsConfig: { options: [{ name: 'ndots', value: '5' }] }, tolerations: [{ key: 'k', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 }],
        nodeName: 'k8s-node1', readinessGates: [{ conditionType: 'x' }], hostAliases: [{ ip: '1.2.3.4', hostnames: ['a'] }],
      },
      status: {
        observedGeneration: 1, phase: 'Running', podIP: '172.25.5.4', podIPs: [{ ip: '172.25.5.4' }], hostIP: '10.190.5.11', hostIPs: [{ ip: '10.190.5.11' }], qosClass: 'BestEffort',
        conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: '2025-01-01T00:00:00Z', lastProbeTime: null }],
        containerStatuses: [{ name: 'web', ready: true, restartCount: 0, image: 'nginx', imageID: 'sha', started: true, state: { running: { startedAt: '2025-01-01T00:00:00Z' } } }],
      },
    };
    assert.deepEqual(findUnknownFields(POD, pod), []);
    const deploy: Deployment = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'd' },
      spec: { replicas: 2, selector: { matchLabels: { app: 'd' } }, template: { metadata: { labels: { app: 'd' } }, spec: { containers: [{ name: 'c' }] } }, strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: 0 } } },
      status: { replicas: 2, readyReplicas: 2, terminatingReplicas: 0, conditions: [{ type: 'Available', status: 'True', reason: 'MinimumReplicasAvailable' }] },
    };
    assert.deepEqual(findUnknownFields(DEPLOYMENT, deploy), []);
  });

  test('stops collecting at the decoder limit', () => {
    const junk = Object.fromEntries(Array.from({ length: 150 }, (_, i) => [`f${i}`, i]));
    assert.equal(findUnknownFields(SERVICE, { ...lbService, ...junk }).length, MAX_UNKNOWN_FIELDS);
  });

  test('works from any schema (subresource bodies)', () => {
    assert.deepEqual(findUnknownFieldsIn({ $ref: '#/components/schemas/io.k8s.api.autoscaling.v1.Scale' }, { spec: { replicas: 3, min: 1 } }), ['spec.min']);
  });
});

describe('strict decoding messages (kube-apiserver wording)', () => {
  test('one field', () => {
    assert.equal(unknownFieldMessage('spec.ports[0].foo'), 'unknown field "spec.ports[0].foo"');
    assert.equal(
      strictDecodingError(SERVICE, ['spec.ports[0].foo']),
      'Service in version "v1" cannot be handled as a Service: strict decoding error: unknown field "spec.ports[0].foo"',
    );
  });
  test('several fields are comma-joined', () => {
    assert.equal(strictDecodingMessage(['spec.a', 'b']), 'strict decoding error: unknown field "spec.a", unknown field "b"');
  });
});
