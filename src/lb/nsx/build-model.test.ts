import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { slice, svc } from '../_test-objects.js';
import { buildNsxLbModel, lbName, lbSuffix, serviceSkip } from './build-model.js';
import { diffNsxLb } from './diff-model.js';

const o = { clusterName: 'k8s-testcluster1', suffix: 'cyjfb', uplinkIp: '100.64.208.9' } as const;

describe('buildNsxLbModel', () => {
  test("one virtual server and pool per Service port, tagged with the Kubernetes identity, no health monitors", () => {
    const m = buildNsxLbModel([svc('nsxdemoservice')], [slice('nsxdemoservice', [{ ip: '172.25.5.3' }, { ip: '172.25.5.2', pod: 'nsxdemoapp-x' }])], o);
    assert.deepEqual(m.loadBalancer, { name: 'lb-k8s-testcluster1-cyjfb', tier1: 'lb-k8s-testcluster1-cyjfb', size: 'SMALL', tags: [{ scope: 'ncp/cluster', tag: 'k8s-testcluster1' }] });
    assert.equal(m.virtualServers.length, 1);
    const vs = m.virtualServers[0];
    assert.deepEqual(vs, {
      name: 'k8s-testcluster1-demons-nsxdemoservice-80',
      vip: '10.190.6.102',
      port: 80,
      protocol: 'TCP',
      pool: 'k8s-testcluster1-demons-nsxdemoservice-80',
      tags: [
        { scope: 'ncp/cluster', tag: 'k8s-testcluster1' },
        { scope: 'ncp/project', tag: 'demons' },
        { scope: 'ncp/service', tag: 'nsxdemoservice' },
      ],
    });
    assert.deepEqual(m.pools[0]?.members, [{ ip: '172.25.5.2', port: 80, pod: 'nsxdemoapp-x' }, { ip: '172.25.5.3', port: 80 }]);
    assert.deepEqual(m.pools[0]?.healthMonitors, []);
  });

  test('members follow readiness (nil ready = ready), across slices, without duplicates', () => {
    const m = buildNsxLbModel(
      [svc('s')],
      [slice('s', [{ ip: '172.25.5.2', ready: false }, { ip: '172.25.5.3', ready: true }, { ip: '172.25.5.4' }]), slice('s', [{ ip: '172.25.5.4' }, { ip: '172.25.5.5' }], undefined, { suffix: 'zz' })],
      o,
    );
    assert.deepEqual(m.pools[0]?.members.map((x) => x.ip), ['172.25.5.3', '172.25.5.4', '172.25.5.5']);
  });

  test('named target ports resolve through the slice ports; multiple ports and protocols', () => {
    const s = svc('web', {
      ports: [
        { name: 'http', protocol: 'TCP', port: 80, targetPort: 'web' },
        { name: 'dns', protocol: 'UDP', port: 53, targetPort: 5353 },
        { name: 'https', protocol: 'TCP', port: 443, targetPort: 8443 },
      ],
    });
    const sl = slice('web', [{ ip: '172.25.5.2' }], [{ name: 'http', port: 8080 }, { name: 'dns', port: 5353, protocol: 'UDP' }, { name: 'https', port: 8443 }]);
    const m = buildNsxLbModel([s], [sl], o);
    assert.deepEqual(
      m.virtualServers.map((v) => [v.name, v.port, v.protocol]),
      [
        ['k8s-testcluster1-demons-web-443', 443, 'TCP'],
        ['k8s-testcluster1-demons-web-53-udp', 53, 'UDP'],
        ['k8s-testcluster1-demons-web-80', 80, 'TCP'],
      ],
    );
    const port = (n: string) => m.pools.find((p) => p.name === n)?.members[0]?.port;
    assert.equal(port('k8s-testcluster1-demons-web-80'), 8080);
    assert.equal(port('k8s-testcluster1-demons-web-53-udp'), 5353);
    assert.equal(port('k8s-testcluster1-demons-web-443'), 8443);
  });

  test('skips non-LoadBalancer Services, foreign classes and Services without a VIP yet', () => {
    assert.deepEqual(serviceSkip(svc('a', { type: 'ClusterIP' }), o), { kind: 'not-load-balancer' });
    assert.deepEqual(serviceSkip(svc('a', { loadBalancerClass: 'other.io/lb' }), o), { kind: 'foreign-class', loadBalancerClass: 'other.io/lb' });
    assert.equal(serviceSkip(svc('a', { loadBalancerClass: 'svcnet.io/nsx' }), { ...o, loadBalancerClass: 'svcnet.io/nsx' }), undefined);
    assert.deepEqual(serviceSkip(svc('a', { ingress: ['100.64.208.9'] }), o), { kind: 'no-ingress' });
    assert.equal(buildNsxLbModel([svc('a', { type: 'NodePort' }), svc('b', { ingress: [] })], [], o).virtualServers.length, 0);
  });

  test('the suffix is five lowercase letters, stable per cluster', () => {
    assert.match(lbSuffix('k8s-testcluster1'), /^[a-z]{5}$/);
    assert.equal(lbSuffix('c1'), lbSuffix('c1'));
    assert.notEqual(lbSuffix('c1'), lbSuffix('c2'));
    assert.equal(lbName('k8s-cluster1', 'abcde'), 'lb-k8s-cluster1-abcde');
  });
});

describe('diffNsxLb', () => {
  test('add, member change, deletion', () => {
    const a = buildNsxLbModel([svc('s')], [slice('s', [{ ip: '172.25.5.2' }])], o);
    assert.deepEqual(diffNsxLb(undefined, a).map((x) => x.kind), ['upsert-pool', 'upsert-virtual-server', 'add-vip']);
    assert.deepEqual(diffNsxLb(a, a), []);
    const b = buildNsxLbModel([svc('s')], [slice('s', [{ ip: '172.25.5.2' }, { ip: '172.25.5.3' }])], o);
    assert.deepEqual(diffNsxLb(a, b).map((x) => x.kind), ['upsert-pool']);
    const gone = buildNsxLbModel([], [], o);
    assert.deepEqual(diffNsxLb(b, gone), [
      { kind: 'delete-virtual-server', name: 'k8s-testcluster1-demons-s-80' },
      { kind: 'delete-pool', name: 'k8s-testcluster1-demons-s-80' },
      { kind: 'remove-vip', vip: '10.190.6.102' },
    ]);
  });

  test('a VIP shared by two Services stays until both are gone', () => {
    const two = buildNsxLbModel([svc('a'), svc('b', { ports: [{ name: 'http', port: 8080 }] })], [], o);
    const one = buildNsxLbModel([svc('b', { ports: [{ name: 'http', port: 8080 }] })], [], o);
    assert.ok(!diffNsxLb(two, one).some((x) => x.kind === 'remove-vip'));
  });
});
