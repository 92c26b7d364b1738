import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Node } from '../api/index.js';
import { resolveConfig } from './config.js';
import { kubeletLabels, nodeLease, nodeStatus, reconcileRegistration, registrationNode, statusChanged } from './node-object.js';

const T0 = Date.UTC(2026, 0, 1, 10, 0, 0);
const runtime = { name: 'svcnet', version: '0.1.0' };
const master = resolveConfig({ nodeName: 'k8s-master', internalIP: '10.190.5.10', role: 'control-plane' });
const worker = resolveConfig({ nodeName: 'k8s-node1', internalIP: '10.190.5.11', podCIDR: '10.244.1.0/24', labels: { zone: 'a' } });

describe('node object', () => {
  test('registration: kubelet labels, control-plane role and taint, podCIDR', () => {
    const m = registrationNode(master);
    assert.equal(m.metadata.labels?.['node-role.kubernetes.io/control-plane'], '');
    assert.deepEqual(m.spec?.taints, [{ key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' }]);
    assert.equal(m.spec?.podCIDR, undefined);
    const w = registrationNode(worker);
    assert.deepEqual(w.metadata.labels, {
      'beta.kubernetes.io/arch': 'amd64',
      'beta.kubernetes.io/os': 'linux',
      'kubernetes.io/arch': 'amd64',
      'kubernetes.io/hostname': 'k8s-node1',
      'kubernetes.io/os': 'linux',
      zone: 'a',
    });
    assert.equal(w.spec?.taints, undefined);
    assert.deepEqual(w.spec?.podCIDRs, ['10.244.1.0/24']);
  });

  test('re-registration restores kubelet labels and fills an empty podCIDR only', () => {
    const existing: Node = { apiVersion: 'v1', kind: 'Node', metadata: { name: 'k8s-node1', labels: { ...kubeletLabels(worker), other: 'x' } }, spec: {} };
    const filled = reconcileRegistration(existing, worker);
    assert.equal(filled?.spec?.podCIDR, '10.244.1.0/24');
    assert.equal(filled?.metadata.labels?.['other'], 'x');
    assert.equal(reconcileRegistration({ ...existing, spec: { podCIDR: '10.244.1.0/24', podCIDRs: ['10.244.1.0/24'] } }, worker), undefined);
    const wrongLabel = { ...existing, spec: { podCIDR: '10.244.9.0/24' }, metadata: { ...existing.metadata, labels: { ...existing.metadata.labels, 'kubernetes.io/os': 'windows' } } };
    const fixed = reconcileRegistration(wrongLabel, worker);
    assert.equal(fixed?.metadata.labels?.['kubernetes.io/os'], 'linux');
    assert.equal(fixed?.spec?.podCIDR, '10.244.9.0/24', 'an assigned podCIDR is never changed');
  });

  test('status: conditions with heartbeat and kept transition times', () => {
    const s1 = nodeStatus(worker, undefined, T0, 'boot-1', runtime);
    assert.deepEqual(s1.addresses, [
      { type: 'InternalIP', address: '10.190.5.11' },
      { type: 'Hostname', address: 'k8s-node1' },
    ]);
    const ready = s1.conditions?.find((c) => c.type === 'Ready');
    assert.deepEqual(ready, { type: 'Ready', status: 'True', lastHeartbeatTime: '2026-01-01T10:00:00Z', lastTransitionTime: '2026-01-01T10:00:00Z', reason: 'KubeletReady', message: 'kubelet is posting ready status' });
    assert.equal(s1.nodeInfo?.containerRuntimeVersion, 'svcnet://0.1.0');
    assert.equal(s1.nodeInfo?.bootID, 'boot-1');
    const s2 = nodeStatus(worker, s1, T0 + 60_000, 'boot-1', runtime);
    assert.equal(s2.conditions?.find((c) => c.type === 'Ready')?.lastTransitionTime, '2026-01-01T10:00:00Z');
    assert.equal(s2.conditions?.find((c) => c.type === 'Ready')?.lastHeartbeatTime, '2026-01-01T10:01:00Z');
    assert.equal(statusChanged(s1, s2), false, 'only heartbeats moved');
    assert.equal(statusChanged(s1, nodeStatus(worker, s1, T0, 'boot-2', runtime)), true);
    assert.equal(statusChanged(undefined, s1), true);
  });

  test('lease: holder, duration, microsecond renew time, owned by the node', () => {
    const l = nodeLease(worker, 'node-uid', T0 + 0.25);
    assert.deepEqual(l.spec, { holderIdentity: 'k8s-node1', leaseDurationSeconds: 40, renewTime: '2026-01-01T10:00:00.000250Z' });
    assert.deepEqual(l.metadata.ownerReferences, [{ apiVersion: 'v1', kind: 'Node', name: 'k8s-node1', uid: 'node-uid' }]);
    assert.equal(l.metadata.namespace, 'kube-node-lease');
    const renewed = nodeLease(worker, 'node-uid', T0 + 10_000, { ...l, metadata: { ...l.metadata, resourceVersion: '7' } });
    assert.equal(renewed.metadata.resourceVersion, '7');
    assert.equal(renewed.spec?.renewTime, '2026-01-01T10:00:10.000000Z');
  });
});
