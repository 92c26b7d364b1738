import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { emptyFlowKey, IP_PROTO_TCP, IP_PROTO_UDP } from '../../../dataplane/flow-key.js';
import { formatFlow, formatGroup, PortMap } from '../../../dataplane/openflow/index.js';
import { buildService, buildSlice, type ServiceBuild, type SliceBuild } from '../../model/builders.js';
import { EndpointsChangeTracker } from '../../model/endpoints-change-tracker.js';
import { projectEndpointSlice, projectService } from '../../model/project.js';
import { GroupIdAllocator } from './group-id-allocator.js';
import { MARK_REJECT } from './layout.js';
import { rejectReplyFor } from './reject.js';
import { groupKeys, ipv4, renderService } from './render-service.js';

const PORTS = new PortMap([{ name: 'ens192', ofport: 1 }]);

/** Renders one Service for node n1 (10.190.5.11) and prints its flows and groups. */
function render(svc: Partial<ServiceBuild>, slice?: Partial<SliceBuild>, nodeIPs = ['10.190.5.11']) {
  const info = projectService(buildService({ namespace: 'ns', name: 's', clusterIP: '10.96.0.5', ports: [{ name: 'http', port: 80 }], ...svc }));
  const eps = new EndpointsChangeTracker('n1');
  if (slice !== undefined) {
    eps.update(undefined, projectEndpointSlice(buildSlice({ namespace: 'ns', service: 's', ports: [{ name: 'http', port: 80 }], endpoints: [], ...slice })), 0);
  }
  eps.checkout();
  const ids = new GroupIdAllocator(7);
  for (const p of info.ports) for (const k of groupKeys(p)) ids.acquire(k);
  const f = renderService(info.name, info.ports, (p) => eps.endpointsOf(p.service).get(p.name) ?? [], { nodeIPs, groupId: (k) => ids.get(k) });
  return { flows: f.flows.map((x) => formatFlow(x, { ports: PORTS })), groups: f.groups.map((g) => formatGroup(g)), learned: f.learned };
}

describe('renderService rules', () => {
  test('ClusterIP: the article pair of flows and a select group, bucket per endpoint in order', () => {
    const r = render({}, { endpoints: [{ ip: '172.25.5.3' }, { ip: '172.25.5.2' }] });
    assert.deepEqual(r.flows, [
      'cookie=0x7, table=1, priority=100,ct_state=-new+trk,ip,nw_dst=10.96.0.5 actions=ct(table=2,zone=65312,nat)',
      'cookie=0x7, table=1, priority=100,ct_state=+new+trk,tcp,nw_dst=10.96.0.5,tp_dst=80 actions=group:7',
    ]);
    assert.deepEqual(r.groups, [
      'group_id=7,type=select,bucket=bucket_id:0,weight:100,actions=ct(commit,table=2,zone=65312,nat(dst=172.25.5.3:80)),bucket=bucket_id:1,weight:100,actions=ct(commit,table=2,zone=65312,nat(dst=172.25.5.2:80))',
    ]);
  });

  test('no usable endpoint: reject through the controller, no group', () => {
    const r = render({}, { endpoints: [{ ip: '172.25.5.3', ready: false, serving: false }] });
    assert.equal(r.flows[1], 'cookie=0x7, table=1, priority=100,ct_state=+new+trk,tcp,nw_dst=10.96.0.5,tp_dst=80 actions=load:0x1->NXM_NX_REG0[1],CONTROLLER:65535');
    assert.deepEqual(r.groups, []);
  });

  test('NodePort, policy Cluster: per node IP a +new flow marking masquerade and a -new flow; masquerade infrastructure', () => {
    const r = render({ type: 'NodePort', ports: [{ name: 'http', port: 80, nodePort: 30080 }] }, { endpoints: [{ ip: '172.25.5.3', node: 'n2' }] });
    assert.ok(r.flows.includes('cookie=0x7, table=1, priority=100,ct_state=+new+trk,tcp,nw_dst=10.190.5.11,tp_dst=30080 actions=load:0x1->NXM_NX_REG0[0],group:7'));
    assert.ok(r.flows.includes('cookie=0x7, table=1, priority=100,ct_state=-new+trk,tcp,nw_dst=10.190.5.11,tp_dst=30080 actions=load:0x1->NXM_NX_REG0[0],ct(table=2,zone=65312,nat)'));
    assert.ok(r.flows.includes('cookie=0x7, table=2, priority=33000,ip,reg0=0x1/0x1 actions=ct(commit,zone=65313,nat(src=10.190.5.11)),NORMAL'));
    assert.ok(r.flows.includes('cookie=0x7, table=1, priority=95,ip,nw_dst=10.190.5.11 actions=ct(zone=65313,nat),ct(table=2,zone=65312,nat)'));
    assert.ok(r.flows.includes('cookie=0x7, table=1, priority=100,ct_state=+new+trk,tcp,nw_dst=10.96.0.5,tp_dst=80 actions=group:7'), 'ClusterIP traffic is not masqueraded');
  });

  test('externalTrafficPolicy Local: external frontends use the local group, unmarked; none local -> drop', () => {
    const withLocal = render(
      { type: 'NodePort', ports: [{ name: 'http', port: 80, nodePort: 30080 }], externalTrafficPolicy: 'Local' },
      { endpoints: [{ ip: '172.25.5.2', node: 'n1' }, { ip: '172.25.5.3', node: 'n2' }] },
    );
    assert.ok(withLocal.flows.includes('cookie=0x7, table=1, priority=100,ct_state=+new+trk,tcp,nw_dst=10.190.5.11,tp_dst=30080 actions=group:8'));
    assert.ok(withLocal.flows.includes('cookie=0x7, table=1, priority=100,ct_state=+new+trk,tcp,nw_dst=10.96.0.5,tp_dst=80 actions=group:7'));
    assert.equal(withLocal.groups.length, 2);
    assert.match(withLocal.groups[1] ?? '', /^group_id=8,type=select,bucket=bucket_id:0,weight:100,actions=ct\(commit,table=2,zone=65312,nat\(dst=172\.25\.5\.2:80\)\)$/);
    assert.ok(!withLocal.flows.some((f) => f.includes('65313')), 'no masquerade under policy Local');

    const noLocal = render({ type: 'NodePort', ports: [{ name: 'http', port: 80, nodePort: 30080 }], externalTrafficPolicy: 'Local' }, { endpoints: [{ ip: '172.25.5.3', node: 'n2' }] });
    assert.ok(noLocal.flows.includes('cookie=0x7, table=1, priority=100,ct_state=+new+trk,tcp,nw_dst=10.190.5.11,tp_dst=30080 actions=drop'));
  });

  test('LoadBalancer ingress and external IPs: like the ClusterIP (one -new flow per address), external policy', () => {
    const r = render(
      { type: 'LoadBalancer', ports: [{ name: 'http', port: 80, nodePort: 30080 }, { name: 'dns', port: 53, protocol: 'UDP', nodePort: 30053 }], loadBalancerIPs: ['10.190.6.102'], externalIPs: ['192.0.2.7'] },
      { ports: [{ name: 'http', port: 80 }, { name: 'dns', port: 53, protocol: 'UDP' }], endpoints: [{ ip: '172.25.5.3' }] },
    );
    assert.equal(r.flows.filter((f) => f.includes('ct_state=-new+trk,ip,nw_dst=10.190.6.102')).length, 1, 'one -new flow for two ports');
    assert.ok(r.flows.includes('cookie=0x7, table=1, priority=100,ct_state=+new+trk,udp,nw_dst=10.190.6.102,tp_dst=53 actions=load:0x1->NXM_NX_REG0[0],group:8'));
    assert.ok(r.flows.includes('cookie=0x7, table=1, priority=100,ct_state=+new+trk,tcp,nw_dst=192.0.2.7,tp_dst=80 actions=load:0x1->NXM_NX_REG0[0],group:7'));
  });

  test('session affinity: tables 3/4 and a learn in every bucket; the learned family is declared', () => {
    const r = render({ affinityTimeoutSeconds: 60 }, { endpoints: [{ ip: '172.25.5.3' }] });
    assert.ok(r.flows.includes('cookie=0x7, table=1, priority=100,ct_state=+new+trk,tcp,nw_dst=10.96.0.5,tp_dst=80 actions=load:0x7->NXM_NX_REG3[],resubmit(,3),resubmit(,4)'));
    assert.ok(r.flows.includes('cookie=0x7, table=4, priority=100,ip,reg1=0xac190503,reg2=0x50,reg3=0x7 actions=ct(commit,table=2,zone=65312,nat(dst=172.25.5.3:80))'));
    assert.ok(r.flows.includes('cookie=0x7, table=4, priority=90,ip,reg3=0x7 actions=group:7'));
    assert.equal(
      r.groups[0],
      'group_id=7,type=select,bucket=bucket_id:0,weight:100,actions=learn(table=3,hard_timeout=60,cookie=0x7,eth_type=0x800,NXM_NX_REG3[],NXM_OF_IP_SRC[],load:0xac190503->NXM_NX_REG1[],load:0x50->NXM_NX_REG2[0..15]),ct(commit,table=2,zone=65312,nat(dst=172.25.5.3:80))',
    );
    assert.equal(r.learned.length, 1);
  });

  test('IPv6 addresses are not rendered (IPv4 dataplane)', () => {
    const r = render({ clusterIP: 'fd00::5' }, { endpoints: [{ ip: '172.25.5.3' }] });
    assert.ok(!r.flows.some((f) => f.includes('table=1')));
  });
});

test('ipv4: strict dotted quads only', () => {
  assert.equal(ipv4('10.96.0.1'), 0x0a600001);
  assert.equal(ipv4('255.255.255.255'), 0xffffffff);
  assert.equal(ipv4('0.0.0.0'), 0);
  for (const bad of ['', '1.2.3', '1.2.3.4.5', '01.2.3.4', '1.2.3.256', '1..2.3', 'fd00::1', '1.2.3.4 ', 'a.b.c.d']) assert.equal(ipv4(bad), undefined, bad);
});

test('GroupIdAllocator: stable per key, never reused while unexhausted, reuse oldest-first only in a later sync', () => {
  const a = new GroupIdAllocator(1, 3);
  assert.equal(a.acquire('x'), 1);
  assert.equal(a.acquire('x'), 1);
  assert.equal(a.acquire('y'), 2);
  a.release('x');
  assert.equal(a.acquire('z'), 3, 'fresh ids first');
  assert.equal(a.acquire('w'), undefined, 'released in this sync: not yet reusable');
  a.endGeneration();
  assert.equal(a.acquire('w'), 1);
  assert.equal(a.ownerOf(1), 'w');
});

test('reject packet-ins: RST for TCP from the frontend, ICMP port unreachable otherwise; other packet-ins ignored', () => {
  const k = emptyFlowKey();
  Object.assign(k, { nwSrc: 1, nwDst: 2, tpSrc: 40000, tpDst: 80, nwProto: IP_PROTO_TCP });
  k.regs[0] = MARK_REJECT;
  const out = (key: typeof k) => ({ kind: 'controller' as const, key, reason: 'action' as const, maxLen: 65535, table: 1 });
  assert.deepEqual(rejectReplyFor(out(k)), { kind: 'tcp-rst', src: 2, srcPort: 80, dst: 1, dstPort: 40000 });
  const u = { ...k, nwProto: IP_PROTO_UDP, regs: new Uint32Array(k.regs) };
  assert.deepEqual(rejectReplyFor(out(u)), { kind: 'icmp-port-unreachable', src: 2, dst: 1, type: 3, code: 3 });
  const plain = { ...k, regs: new Uint32Array(16) };
  assert.equal(rejectReplyFor(out(plain)), undefined);
});
