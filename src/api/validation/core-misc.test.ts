// Namespace, ConfigMap, Endpoints, EndpointSlice, Node, Event and Lease rules. Expected texts
// from kubernetes/kubernetes pkg/apis/core/validation (ValidateNamespace, ValidateConfigMap,
// validateEndpointSubsets, ValidateNode/validateNodeTaints, events.go legacyValidateEvent),
// pkg/apis/discovery/validation and pkg/apis/coordination/validation.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { created, kubectlNamespace } from '../testdata/fixtures.js';
import type { ConfigMap, EndpointSlice, Endpoints, Event, KubeObject, Lease, Namespace, Node } from '../types/index.js';
import { formatFieldError } from './field-error.js';
import { validateCreate, validateUpdate } from './validate.js';

const DNS1123_LABEL =
  "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name', or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";
const msgs = (o: KubeObject) => validateCreate(o).map(formatFieldError);

const ns = (name: string, extra: Partial<Namespace> = {}): Namespace => created({ ...kubectlNamespace(), ...extra, metadata: { name, ...extra.metadata } });
const cm = (data: Record<string, string>): ConfigMap => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cfg', namespace: 'demons' }, data });
const slice = (s: Partial<EndpointSlice>): EndpointSlice =>
  created({
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: { name: 'nsxdemoservice-abcde', namespace: 'demons', labels: { 'kubernetes.io/service-name': 'nsxdemoservice' } },
    addressType: 'IPv4',
    endpoints: [{ addresses: ['172.25.5.2'], conditions: { ready: true, serving: true, terminating: false }, nodeName: 'k8s-node1' }],
    ports: [{ name: 'http', port: 80, protocol: 'TCP' }],
    ...s,
  });

describe('Namespace', () => {
  test('valid: kubectl create namespace demons', () => assert.deepEqual(msgs(ns('demons')), []));
  test('name is a DNS-1123 label', () => assert.deepEqual(msgs(ns('Demo')), [`metadata.name: Invalid value: "Demo": ${DNS1123_LABEL}`]));
  test('generateName may end in a dash', () => assert.deepEqual(msgs(created({ ...kubectlNamespace(), metadata: { name: 'demo-x1', generateName: 'demo-' } })), []));
  test('cluster-scoped: no namespace', () =>
    assert.deepEqual(msgs(ns('demons', { metadata: { namespace: 'default' } })), ['metadata.namespace: Forbidden: not allowed on this type']));
  test('spec finalizers are standard or qualified', () =>
    assert.deepEqual(msgs(ns('demons', { spec: { finalizers: ['foo'] } })), [
      'spec.finalizers: Invalid value: "foo": name is neither a standard finalizer name nor is it fully qualified',
    ]));
  test('status phase Terminating only while deleting', () => {
    const old = { ...ns('demons'), metadata: { name: 'demons', resourceVersion: '1' } };
    const n = structuredClone(old);
    n.status = { phase: 'Terminating' };
    assert.deepEqual(validateUpdate(n, old, { subresource: 'status' }).map(formatFieldError), [
      "status.Phase: Invalid value: \"Terminating\": may only be 'Active' if `deletionTimestamp` is empty",
    ]);
  });
});

describe('ConfigMap', () => {
  test('valid', () => assert.deepEqual(msgs(cm({ 'app.conf': 'x=1' })), []));
  test('keys are config keys', () =>
    assert.deepEqual(msgs(cm({ 'a b': 'x' })), [
      "data[a b]: Invalid value: \"a b\": a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name', or 'KEY_NAME', or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')",
    ]));
  test("keys are not '..'", () => assert.deepEqual(msgs(cm({ '..': 'x' })), ["data[..]: Invalid value: \"..\": must not be '..'"]));
  test('total size at most 1 MiB', () => assert.deepEqual(msgs(cm({ a: 'x'.repeat(1024 * 1024 + 1) })), ['[]: Too long: may not be more than 1048576 bytes']));
  test('immutable data stays', () => {
    const old = { ...cm({ a: '1' }), immutable: true, metadata: { name: 'cfg', namespace: 'demons', resourceVersion: '2' } };
    const n = { ...old, data: { a: '2' } };
    assert.deepEqual(validateUpdate(n, old).map(formatFieldError), ['data: Forbidden: field is immutable when `immutable` is set']);
  });
});

describe('Endpoints', () => {
  const ep = (subsets: NonNullable<Endpoints['subsets']>): Endpoints =>
    created({ apiVersion: 'v1', kind: 'Endpoints', metadata: { name: 'nsxtestservice', namespace: 'demons' }, subsets });
  test('valid: the article endpoints', () =>
    assert.deepEqual(msgs(ep([{ addresses: [{ ip: '172.25.5.2' }, { ip: '172.25.5.3' }], ports: [{ name: '80-80', port: 80 }] }])), []));
  test('a subset needs addresses', () =>
    assert.deepEqual(msgs(ep([{ ports: [{ port: 80 }] }])), ['subsets[0]: Required value: must specify `addresses` or `notReadyAddresses`']));
  test('addresses are not link-local', () =>
    assert.deepEqual(msgs(ep([{ addresses: [{ ip: '169.254.1.1' }], ports: [{ port: 80 }] }])), [
      'subsets[0].addresses[0].ip: Invalid value: "169.254.1.1": may not be in the link-local range (169.254.0.0/16, fe80::/10)',
    ]));
});

describe('EndpointSlice', () => {
  test('valid: what the endpointslice controller writes', () => assert.deepEqual(msgs(slice({})), []));
  test('unnamed port defaults to name ""', () => assert.equal(slice({ ports: [{ port: 80 }] }).ports?.[0]?.name, ''));
  test('addressType supported', () =>
    assert.deepEqual(msgs(slice({ addressType: 'IPv5' as 'IPv4' })), ['addressType: Unsupported value: "IPv5": supported values: "FQDN", "IPv4", "IPv6"']));
  test('addresses required', () =>
    assert.deepEqual(msgs(slice({ endpoints: [{ addresses: [] }] })), ['endpoints[0].addresses: Required value: must contain at least 1 address']));
  test('IPv4 addresses', () =>
    assert.deepEqual(msgs(slice({ endpoints: [{ addresses: ['10.0.0.256'] }] })), [
      'endpoints[0].addresses[0]: Invalid value: "10.0.0.256": must be a valid IPv4 address',
      'endpoints[0].addresses[0]: Invalid value: "10.0.0.256": must be a valid IP address',
    ]));
  test('port names unique', () =>
    assert.deepEqual(msgs(slice({ ports: [{ name: 'http', port: 80 }, { name: 'http', port: 81 }] })), ['ports[1].name: Duplicate value: "http"']));
  test('addressType immutable', () => {
    const old = slice({});
    old.metadata.resourceVersion = '4';
    const n = { ...structuredClone(old), addressType: 'IPv6' as const, endpoints: [{ addresses: ['fd00::1'] }] };
    assert.deepEqual(validateUpdate(n, old).map(formatFieldError), ['addressType: Invalid value: "IPv6": field is immutable']);
  });
});

describe('Node, Event, Lease', () => {
  const node = (n: Partial<Node>): Node => created({ apiVersion: 'v1', kind: 'Node', metadata: { name: 'k8s-node1' }, ...n });
  test('valid node with pod CIDRs', () => assert.deepEqual(msgs(node({ spec: { podCIDR: '10.244.1.0/24', podCIDRs: ['10.244.1.0/24'] } })), []));
  test('taint effect supported (reported under metadata.taints, as upstream)', () =>
    assert.deepEqual(msgs(node({ spec: { taints: [{ key: 'k', effect: 'Sometimes' as 'NoSchedule' }] } })), [
      'metadata.taints[0].effect: Unsupported value: "Sometimes": supported values: "NoSchedule", "PreferNoSchedule", "NoExecute"',
    ]));
  test('podCIDRs one per family', () =>
    assert.deepEqual(msgs(node({ spec: { podCIDRs: ['10.244.1.0/24', '10.244.2.0/24'] } })), [
      'spec.podCIDRs: Invalid value: []string{"10.244.1.0/24", "10.244.2.0/24"}: may specify no more than one CIDR for each IP family',
    ]));
  test('podCIDRs immutable once set', () => {
    const old = node({ spec: { podCIDRs: ['10.244.1.0/24'] } });
    old.metadata.resourceVersion = '1';
    const n = { ...structuredClone(old), spec: { podCIDRs: ['10.244.9.0/24'] } };
    assert.deepEqual(validateUpdate(n, old).map(formatFieldError), ['spec.podCIDRs: Forbidden: node updates may not change podCIDR except from "" to valid']);
  });
  const ev = (e: Partial<Event>): Event => ({
    apiVersion: 'v1',
    kind: 'Event',
    metadata: { name: 'nsxdemoapp.17a', namespace: 'demons' },
    involvedObject: { kind: 'Deployment', namespace: 'demons', name: 'nsxdemoapp' },
    reason: 'ScalingReplicaSet',
    message: 'Scaled up replica set nsxdemoapp-85d76c598f to 4',
    source: { component: 'deployment-controller' },
    type: 'Normal',
    ...e,
  });
  test('valid event', () => assert.deepEqual(msgs(ev({})), []));
  test('event namespace matches involved object', () =>
    assert.deepEqual(msgs(ev({ involvedObject: { kind: 'Pod', namespace: 'other', name: 'p' } })), [
      'involvedObject.namespace: Invalid value: "other": does not match event.namespace',
    ]));
  const lease = (spec: NonNullable<Lease['spec']>): Lease => ({ apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name: 'k8s-node1', namespace: 'kube-node-lease' }, spec });
  test('valid lease', () => assert.deepEqual(msgs(lease({ holderIdentity: 'k8s-node1', leaseDurationSeconds: 40 })), []));
  test('lease duration > 0', () =>
    assert.deepEqual(msgs(lease({ leaseDurationSeconds: 0 })), ['spec.leaseDurationSeconds: Invalid value: 0: must be greater than 0']));
  test('lease transitions >= 0', () =>
    assert.deepEqual(msgs(lease({ leaseTransitions: -1 })), ['spec.leaseTransitions: Invalid value: -1: must be greater than or equal to 0']));
});
