import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { EndpointSlice, Node, Service } from '../../api/index.js';
import { parseIPv4, type IPv4 } from '../../core/ip.js';
import { unwrap } from '../../core/result.js';
import { planExternalLb, projectLbNode, projectLbService, projectLbSlice, type LbNode, type LbService } from './external-model.js';

const ip = (s: string): IPv4 => unwrap(parseIPv4(s));
const node = (name: string, addr: string, ready = true): LbNode => ({ name, ready, internalIp: ip(addr) });
const nodes = [node('k8s-node2', '10.190.5.12'), node('k8s-master', '10.190.5.10'), node('k8s-node1', '10.190.5.11'), node('down', '10.190.5.13', false)];
const web = (over: Partial<LbService> = {}): LbService => ({
  key: 'demons/web',
  isLoadBalancer: true,
  local: false,
  vips: [ip('10.190.6.102')],
  ports: [{ name: 'http', protocol: 'TCP', port: 80, nodePort: 30657 }],
  ...over,
});
const members = (p: ReturnType<typeof planExternalLb>, i = 0) => p.virtualServers[i]?.members.map((m) => `${m.node}@${m.port}`);

describe('planExternalLb', () => {
  test('Cluster policy: every Ready node InternalIP:NodePort, sorted by address', () => {
    const p = planExternalLb([web()], nodes, []);
    assert.equal(p.virtualServers.length, 1);
    assert.equal(p.virtualServers[0]?.service, 'demons/web:http');
    assert.deepEqual(members(p), ['k8s-master@30657', 'k8s-node1@30657', 'k8s-node2@30657']);
  });

  test('Local policy: only Ready nodes with a ready local endpoint', () => {
    const slices = [
      { key: 'demons/web-a', service: 'demons/web', readyNodes: ['k8s-node2', 'down'] },
      { key: 'demons/other', service: 'demons/other', readyNodes: ['k8s-node1'] },
    ];
    assert.deepEqual(members(planExternalLb([web({ local: true })], nodes, slices)), ['k8s-node2@30657']);
    assert.deepEqual(members(planExternalLb([web({ local: true })], nodes, [])), []);
  });

  test('per VIP and port; ports without a NodePort and non-LoadBalancer Services are skipped; isVip filters', () => {
    const s = web({
      vips: [ip('10.190.6.102'), ip('100.64.208.9')],
      ports: [
        { name: 'dns', protocol: 'UDP', port: 53, nodePort: 31053 },
        { name: 'http', protocol: 'TCP', port: 80, nodePort: 30657 },
      ],
    });
    const all = planExternalLb([s, web({ key: 'x/y', isLoadBalancer: false, vips: [ip('10.190.6.5')] })], nodes, []);
    assert.deepEqual(
      all.virtualServers.map((v) => `${v.vip === ip('10.190.6.102') ? 'vip' : 'uplink'} ${v.protocol}/${v.port}`),
      ['vip TCP/80', 'vip UDP/53', 'uplink TCP/80', 'uplink UDP/53'],
    );
    const only = planExternalLb([s], nodes, [], { isVip: (a) => a >>> 24 === 10 });
    assert.equal(only.virtualServers.length, 2);
  });

  test('two Services on one VIP:port: the first by name keeps it, the conflict is reported', () => {
    const p = planExternalLb([web({ key: 'b/web' }), web({ key: 'a/web' })], nodes, []);
    assert.equal(p.virtualServers[0]?.service, 'a/web:http');
    assert.deepEqual(p.conflicts.map((c) => [c.kept, c.dropped]), [['a/web:http', 'b/web:http']]);
  });

  test('projections', () => {
    const svc: Service = {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'web', namespace: 'demons' },
      spec: { type: 'LoadBalancer', externalTrafficPolicy: 'Local', ports: [{ port: 80, nodePort: 30657 }, { port: 9, protocol: 'SCTP', nodePort: 30001 }] },
      status: { loadBalancer: { ingress: [{ ip: '10.190.6.102' }, { hostname: 'x' }] } },
    };
    assert.deepEqual(projectLbService(svc), { key: 'demons/web', isLoadBalancer: true, local: true, vips: [ip('10.190.6.102')], ports: [{ name: '', protocol: 'TCP', port: 80, nodePort: 30657 }] });
    const n: Node = { apiVersion: 'v1', kind: 'Node', metadata: { name: 'n1' }, status: { conditions: [{ type: 'Ready', status: 'True' }], addresses: [{ type: 'Hostname', address: 'n1' }, { type: 'InternalIP', address: '10.190.5.11' }] } };
    assert.deepEqual(projectLbNode(n), { name: 'n1', ready: true, internalIp: ip('10.190.5.11') });
    const es: EndpointSlice = {
      apiVersion: 'discovery.k8s.io/v1',
      kind: 'EndpointSlice',
      metadata: { name: 'web-x', namespace: 'demons', labels: { 'kubernetes.io/service-name': 'web' } },
      addressType: 'IPv4',
      endpoints: [
        { addresses: ['172.25.5.2'], nodeName: 'n2', conditions: { ready: true } },
        { addresses: ['172.25.5.3'], nodeName: 'n1', conditions: { ready: false } },
        { addresses: ['172.25.5.4'], nodeName: 'n0' },
      ],
    };
    assert.deepEqual(projectLbSlice(es), { key: 'demons/web-x', service: 'demons/web', readyNodes: ['n0', 'n2'] });
  });
});
