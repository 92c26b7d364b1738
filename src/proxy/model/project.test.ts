import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Node, Service } from '../../api/index.js';
import { buildService, buildSlice } from './builders.js';
import { parseTriggerTime, projectEndpointSlice, projectNode, projectService } from './project.js';

describe('projectService', () => {
  test('a ClusterIP service: one record per port with precomputed names and defaults', () => {
    const info = projectService(
      buildService({ namespace: 'kube-system', name: 'kube-dns', clusterIP: '10.96.0.10', ports: [{ name: 'dns', port: 53, protocol: 'UDP' }, { name: 'metrics', port: 9153 }] }),
    );
    assert.equal(info.name, 'kube-system/kube-dns');
    assert.deepEqual(info.ports.map((p) => [p.name, p.display, p.protocol, p.port]), [
      ['kube-system/kube-dns:dns/UDP', 'kube-system/kube-dns:dns', 'UDP', 53],
      ['kube-system/kube-dns:metrics/TCP', 'kube-system/kube-dns:metrics', 'TCP', 9153],
    ]);
    const p = info.ports[0];
    assert.ok(p !== undefined);
    assert.deepEqual(p.clusterIPs, ['10.96.0.10']);
    assert.equal(p.nodePort, 0);
    assert.deepEqual(p.sessionAffinity, { kind: 'None' });
    assert.equal(p.externallyAccessible, false);
    assert.equal(p.usesClusterEndpoints, true);
    assert.equal(p.usesLocalEndpoints, false);
  });

  test('headless and ExternalName services are not proxied', () => {
    const headless = buildService({ namespace: 'a', name: 'h', clusterIP: 'None', ports: [{ port: 80 }] });
    assert.deepEqual(projectService(headless).ports, []);
    const ext: Service = { apiVersion: 'v1', kind: 'Service', metadata: { namespace: 'a', name: 'e' }, spec: { type: 'ExternalName', externalName: 'example.com' } };
    assert.deepEqual(projectService(ext).ports, []);
  });

  test('LoadBalancer: node ports, ingress IPs except ipMode Proxy, external policy Local', () => {
    const svc = buildService({
      namespace: 'demons',
      name: 'nsxdemoservice',
      type: 'LoadBalancer',
      clusterIP: '10.103.216.59',
      ports: [{ name: 'http', port: 80, nodePort: 30657 }],
      loadBalancerIPs: ['10.190.6.102', '100.64.208.9'],
      externalTrafficPolicy: 'Local',
      healthCheckNodePort: 31000,
      affinityTimeoutSeconds: 60,
    });
    svc.status?.loadBalancer?.ingress?.push({ ip: '10.190.6.200', ipMode: 'Proxy' });
    const [p] = projectService(svc).ports;
    assert.ok(p !== undefined);
    assert.equal(p.nodePort, 30657);
    assert.deepEqual(p.loadBalancerIPs, ['10.190.6.102', '100.64.208.9']);
    assert.equal(p.externalPolicyLocal, true);
    assert.equal(p.healthCheckNodePort, 31000);
    assert.deepEqual(p.sessionAffinity, { kind: 'ClientIP', timeoutSeconds: 60 });
    // Internal traffic (ClusterIP) still uses cluster endpoints; external uses local ones.
    assert.equal(p.usesClusterEndpoints, true);
    assert.equal(p.usesLocalEndpoints, true);
  });

  test('a ClusterIP service ignores externalTrafficPolicy; internalTrafficPolicy Local uses local endpoints only', () => {
    const [p] = projectService(
      buildService({ namespace: 'a', name: 'b', clusterIP: '10.96.1.1', ports: [{ port: 80 }], externalTrafficPolicy: 'Local', internalTrafficPolicy: 'Local' }),
    ).ports;
    assert.ok(p !== undefined);
    assert.equal(p.externalPolicyLocal, false);
    assert.equal(p.internalPolicyLocal, true);
    assert.equal(p.usesClusterEndpoints, false);
    assert.equal(p.usesLocalEndpoints, true);
    assert.equal(p.name, 'a/b:/TCP');
    assert.equal(p.display, 'a/b');
  });
});

describe('projectEndpointSlice', () => {
  test('conditions default to ready/serving, service from the label, trigger time parsed', () => {
    const slice = buildSlice({
      namespace: 'demons',
      service: 'nsxtestservice',
      ports: [{ name: '80-80', port: 80 }],
      endpoints: [{ ip: '172.25.5.2', node: 'k8s-node1' }],
      triggerTime: '2019-11-12T14:31:20.123456Z',
    });
    delete slice.endpoints[0]?.conditions;
    const info = projectEndpointSlice(slice);
    assert.equal(info.service, 'demons/nsxtestservice');
    assert.deepEqual(info.ports, [{ name: '80-80', protocol: 'TCP', port: 80 }]);
    assert.deepEqual(info.endpoints, [{ ip: '172.25.5.2', ready: true, serving: true, terminating: false, nodeName: 'k8s-node1', zone: '' }]);
    assert.equal(info.triggerTime, Date.UTC(2019, 10, 12, 14, 31, 20, 123));
  });

  test('trigger times: RFC 3339 only', () => {
    assert.equal(parseTriggerTime('2024-05-01T10:00:00Z'), Date.UTC(2024, 4, 1, 10));
    assert.equal(parseTriggerTime('2024-05-01T12:00:00+02:00'), Date.UTC(2024, 4, 1, 10));
    assert.equal(parseTriggerTime('yesterday'), undefined);
    assert.equal(parseTriggerTime(undefined), undefined);
  });
});

test('projectNode: InternalIP before ExternalIP, zone label', () => {
  const node: Node = {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name: 'k8s-node1', labels: { 'topology.kubernetes.io/zone': 'z1' } },
    status: { addresses: [{ type: 'ExternalIP', address: '1.2.3.4' }, { type: 'Hostname', address: 'k8s-node1' }, { type: 'InternalIP', address: '10.190.5.11' }] },
  };
  assert.deepEqual(projectNode(node), { name: 'k8s-node1', addresses: ['10.190.5.11', '1.2.3.4'], zone: 'z1' });
});
