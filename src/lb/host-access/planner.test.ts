import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Service } from '../../api/index.js';
import { parseCidr, unwrap } from '../../core/index.js';
import { formatMappingLine, type HostMapping } from './host-mapping.js';
import { planHostMappings, type PlanInput } from './planner.js';
import { firstReadyNodeIP, projectNode, projectService, type ServiceView } from './service-view.js';

const VIP_POOLS = [unwrap(parseCidr('10.190.6.0/24'))];

/** The article's Service after the NSX LB controller: VIP + Tier-1 uplink in the ingress list. */
const nsxdemoservice: Service = {
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { namespace: 'demons', name: 'nsxdemoservice' },
  spec: { type: 'LoadBalancer', ports: [{ port: 80, targetPort: 80, nodePort: 30657, protocol: 'TCP' }] },
  status: { loadBalancer: { ingress: [{ ip: '10.190.6.1' }, { ip: '100.64.208.9' }] } },
};

function svc(name: string, type: ServiceView['type'], ports: ServiceView['ports'], ingressIPs: string[] = []): ServiceView {
  return { namespace: 'demons', name, type, ports, ingressIPs };
}

function input(services: ServiceView[], over: Partial<PlanInput> = {}): PlanInput {
  return { services, nodeIP: '10.190.5.11', vipCidrs: VIP_POOLS, current: new Map(), unavailable: new Set(), ...over };
}

describe('planHostMappings', () => {
  test("the article's LoadBalancer: one NodePort and one VIP mapping; the uplink is not a VIP", () => {
    const plan = planHostMappings(input([projectService(nsxdemoservice)]));
    assert.deepEqual(
      plan.mappings.map((m) => ({ kind: m.kind, key: m.key, target: m.target, hostPort: m.hostPort, portName: m.portName })),
      [
        { kind: 'nodeport', key: 'nodeport:demons/nsxdemoservice:80/TCP:30657', target: { ip: '10.190.5.11', port: 30657 }, hostPort: { kind: 'node-port', port: 30657 }, portName: '' },
        { kind: 'vip', key: 'vip:demons/nsxdemoservice:10.190.6.1:80/TCP', target: { ip: '10.190.6.1', port: 80 }, hostPort: { kind: 'ephemeral' }, portName: '' },
      ],
    );
    assert.equal(plan.open.length, 2);
    assert.deepEqual(plan.close, []);
    assert.deepEqual(plan.skipped, [{ service: 'demons/nsxdemoservice', port: undefined, reason: { kind: 'not-a-vip', ip: '100.64.208.9' } }]);
  });

  test('types and ports: ClusterIP ignored, NodePort without VIPs, UDP skipped, no nodePort -> no NodePort mapping', () => {
    const plan = planHostMappings(
      input([
        svc('cip', 'ClusterIP', [{ name: '', protocol: 'TCP', port: 80, nodePort: undefined, appProtocol: undefined }]),
        svc('np', 'NodePort', [
          { name: 'http', protocol: 'TCP', port: 80, nodePort: 30080, appProtocol: undefined },
          { name: 'dns', protocol: 'UDP', port: 53, nodePort: 30053, appProtocol: undefined },
        ], ['10.190.6.7']),
        svc('lb-nonp', 'LoadBalancer', [
          { name: 'a', protocol: 'TCP', port: 80, nodePort: undefined, appProtocol: undefined },
          { name: 'b', protocol: 'TCP', port: 443, nodePort: undefined, appProtocol: undefined },
        ], ['10.190.6.9', '10.190.6.9', '10.0.0.1']),
      ]),
    );
    assert.deepEqual(
      plan.mappings.map((m) => m.key),
      ['vip:demons/lb-nonp:10.190.6.9:80/TCP', 'vip:demons/lb-nonp:10.190.6.9:443/TCP', 'nodeport:demons/np:80/TCP:30080'],
    );
    assert.deepEqual(
      plan.skipped.map((s) => [s.service, s.port, s.reason.kind]),
      [
        ['demons/lb-nonp', undefined, 'not-a-vip'],
        ['demons/np', 53, 'protocol-not-supported'],
      ],
    );
  });

  test('no node IP: NodePorts are skipped, VIPs still planned', () => {
    const plan = planHostMappings(input([projectService(nsxdemoservice)], { nodeIP: undefined }));
    assert.deepEqual(plan.mappings.map((m) => m.kind), ['vip']);
    assert.equal(plan.skipped.filter((s) => s.reason.kind === 'no-node-ip').length, 1);
  });

  test('existing mappings keep their host port; new target for the same key is not a new mapping', () => {
    const first = planHostMappings(input([projectService(nsxdemoservice)]));
    const current = new Map([
      [first.mappings[0]!.key, 39001],
      [first.mappings[1]!.key, 41235],
    ]);
    const next = planHostMappings(input([projectService(nsxdemoservice)], { current, nodeIP: '10.190.5.12' }));
    assert.deepEqual(next.mappings.map((m) => m.hostPort), [{ kind: 'keep', port: 39001 }, { kind: 'keep', port: 41235 }]);
    assert.deepEqual(next.mappings[0]!.target, { ip: '10.190.5.12', port: 30657 });
    assert.deepEqual(next.open, []);
    assert.deepEqual(next.close, []);
  });

  test('fallback: a busy NodePort number, or one held by another mapping, gets an ephemeral port', () => {
    const np = (name: string, nodePort: number) => svc(name, 'NodePort', [{ name: '', protocol: 'TCP', port: 80, nodePort, appProtocol: undefined }]);
    const busy = planHostMappings(input([np('a', 30657)], { unavailable: new Set([30657]) }));
    assert.deepEqual(busy.mappings[0]!.hostPort, { kind: 'ephemeral' });
    // "b" already holds 30700 on the host (it fell back earlier); "a" wants 30700 as its NodePort.
    const held = planHostMappings(input([np('a', 30700), np('b', 30699)], { current: new Map([['nodeport:demons/b:80/TCP:30699', 30700]]) }));
    assert.deepEqual(held.mappings.map((m) => [m.key, m.hostPort]), [
      ['nodeport:demons/a:80/TCP:30700', { kind: 'ephemeral' }],
      ['nodeport:demons/b:80/TCP:30699', { kind: 'keep', port: 30700 }],
    ]);
  });

  test('removed Services are closed and free their ports for new mappings in the same plan', () => {
    const current = new Map([['nodeport:demons/old:80/TCP:30657', 30657]]);
    const plan = planHostMappings(input([svc('new', 'NodePort', [{ name: '', protocol: 'TCP', port: 80, nodePort: 30657, appProtocol: undefined }])], { current }));
    assert.deepEqual(plan.close, ['nodeport:demons/old:80/TCP:30657']);
    assert.deepEqual(plan.open.map((m) => m.hostPort), [{ kind: 'node-port', port: 30657 }]);
  });

  test('deterministic: input order does not matter', () => {
    const a = svc('a', 'LoadBalancer', [{ name: 'x', protocol: 'TCP', port: 80, nodePort: 30001, appProtocol: undefined }], ['10.190.6.2']);
    const b = svc('b', 'LoadBalancer', [{ name: 'y', protocol: 'TCP', port: 81, nodePort: 30002, appProtocol: undefined }], ['10.190.6.3']);
    assert.deepEqual(planHostMappings(input([a, b])), planHostMappings(input([b, a])));
  });
});

describe('projections and policy', () => {
  test('first Ready node by name with an InternalIP', () => {
    const node = (name: string, ready: boolean, ip?: string) =>
      projectNode({
        apiVersion: 'v1',
        kind: 'Node',
        metadata: { name },
        status: { conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }], addresses: ip === undefined ? [] : [{ type: 'InternalIP', address: ip }] },
      });
    assert.equal(firstReadyNodeIP([node('k8s-node2', true, '10.190.5.12'), node('k8s-node1', true, '10.190.5.11'), node('k8s-master', false, '10.190.5.10')]), '10.190.5.11');
    assert.equal(firstReadyNodeIP([node('a', true)]), undefined);
  });

  test('the printed line', () => {
    const plan = planHostMappings(input([projectService(nsxdemoservice)]));
    const bound = (i: number, hostPort: number): HostMapping => ({ ...plan.mappings[i]!, address: '127.0.0.1', hostPort });
    assert.equal(formatMappingLine(bound(1, 41235)), 'service demons/nsxdemoservice port 80 -> http://127.0.0.1:41235 (VIP 10.190.6.1:80)');
    assert.equal(formatMappingLine(bound(0, 30657)), 'service demons/nsxdemoservice port 80 -> http://127.0.0.1:30657 (NodePort 10.190.5.11:30657)');
  });
});
