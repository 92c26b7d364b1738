import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { formatIPv4, type IPv4 } from '../../core/ip.js';
import { unwrap } from '../../core/result.js';
import type { Frame } from '../wire/frame.js';
import { articleLab, ip, pod } from './_test-lab.js';
import { NsxLab } from './nsx-lab.js';

function icmpOf(f: Frame | undefined) {
  if (f === undefined || f.l3.kind !== 'ipv4' || f.l3.l4.kind !== 'icmp') return undefined;
  return { ip: f.l3.ip, icmp: f.l3.l4.icmp };
}

const ttlOfEcho = (frames: readonly Frame[]) => frames.map(icmpOf).find((x) => x?.icmp.kind === 'echo-request')?.ip.ttl;

describe('NsxLab connectivity', () => {
  test('pod to pod on the same node leaves br-int: up ens192 on its own VLAN, through the logical switch, back down on the peer\'s', () => {
    const { lab, appA, nwtest } = articleLab();
    appA.ping(nwtest.ip);
    lab.runUntilIdle();
    const br = lab.nodeBridge('k8s-node1');
    const ls = lab.namespace('demons')?.ls;
    assert.ok(br !== undefined && ls !== undefined);
    // Each pod has its own tag, so br-int has no VLAN in which both pods sit.
    const tagA = lab.pod('k8s-node1', 'nsxtestapp-5bfcc97b5-pmkw6')?.vlan;
    const tagN = lab.pod('k8s-node1', 'nwtest-5bf9856644-7wwsl')?.vlan;
    assert.deepEqual([tagA, tagN], [2, 3]);
    assert.equal(ls.macPort(nwtest.mac), 'k8s-node1/vlan-3');
    assert.equal(ls.macPort(appA.mac), 'k8s-node1/vlan-2');
    const up = (): [number, number] => [br.port('ens192')?.stats.txPackets ?? -1, br.port('ens192')?.stats.rxPackets ?? -1];
    const [tx0, rx0] = up();
    const fwd0 = ls.stats().forwarded;
    const node2Rx = () => lab.nodeBridge('k8s-node2')?.port('ens192')?.stats.rxPackets ?? -1;
    const node2Before = node2Rx();
    appA.ping(nwtest.ip, { seq: 2 });
    lab.runUntilIdle();
    assert.equal(nwtest.counters.echoRequestsAnswered, 2);
    assert.equal(appA.counters.echoReplies, 2);
    // Request and reply each go up the trunk once and come back down once.
    assert.deepEqual(up(), [tx0 + 2, rx0 + 2]);
    assert.equal(ls.stats().forwarded, fwd0 + 2, 'the logical switch forwarded request and reply by MAC');
    assert.equal(ls.portStats('k8s-node1/vlan-3')?.txFrames, ls.portStats('k8s-node1/vlan-2')?.rxFrames, 'what vlan-2 sent up came down on vlan-3');
    assert.equal(node2Rx(), node2Before, 'nothing went to node2');
    assert.equal(ttlOfEcho(nwtest.inbox), 64, 'switched, no router on the way');
    const flows = br.dumpFlows();
    assert.match(flows, /table=0, n_packets=[1-9]\d*, n_bytes=\d+, priority=100,ip actions=ct\(table=1\)/);
    assert.match(flows, /table=1, n_packets=[1-9]\d*, n_bytes=\d+, priority=80,ip actions=NORMAL/);
    // Coming back down, the same-node packets take the uplink flow into the NAT zone.
    assert.match(flows, /table=1, n_packets=[1-9]\d*, n_bytes=\d+, priority=90,ip,in_port=ens192 actions=ct\(table=2,zone=65312,nat\)/);
  });

  test('pod to pod across nodes goes br-int -> ens192 trunk -> logical switch -> the other node', () => {
    const { lab, appA, appB } = articleLab();
    const ls = lab.namespace('demons');
    assert.ok(ls !== undefined);
    appA.ping(appB.ip);
    lab.runUntilIdle();
    assert.equal(appB.counters.echoRequestsAnswered, 1);
    assert.equal(appA.counters.echoReplies, 1);
    assert.equal(ttlOfEcho(appB.inbox), 64);
    assert.ok(ls.ls.stats().forwarded >= 2, 'request and reply forwarded by MAC on the logical switch');
    const br2 = lab.nodeBridge('k8s-node2');
    assert.ok((br2?.port('ens192')?.stats.rxPackets ?? 0) >= 1);
    // The uplink flow (ct in the NAT zone) handled the arriving request on node2.
    assert.match(br2?.dumpFlows() ?? '', /n_packets=[1-9]\d*, n_bytes=\d+, priority=90,ip,in_port=ens192 actions=ct\(table=2,zone=65312,nat\)/);
    // Tags are per pod and per node: appA is node1's second pod, appB node2's first.
    assert.equal(lab.node('k8s-node1')?.vlans.get('nsxtestapp-5bfcc97b5-pmkw6'), 2);
    assert.equal(lab.node('k8s-node2')?.vlans.get('nsxtestapp-5bfcc97b5-gdv6n'), 1);
    assert.equal(ls.ls.macPort(appB.mac), 'k8s-node2/vlan-1');
  });

  test('pod to pod in different namespaces is routed T1 -> T0 -> T1 with three TTL decrements', () => {
    const { lab, appA, dns2 } = articleLab();
    appA.ping(dns2.ip);
    lab.runUntilIdle();
    assert.equal(dns2.counters.echoRequestsAnswered, 1);
    assert.equal(appA.counters.echoReplies, 1);
    assert.equal(ttlOfEcho(dns2.inbox), 61);
    assert.ok((lab.namespace('demons')?.tier1.stats.forwarded ?? 0) >= 1);
    assert.ok((lab.namespace('kube-system')?.tier1.stats.forwarded ?? 0) >= 1);
    assert.ok(lab.tier0.stats.forwarded >= 2);
  });

  test('a node (management stack) reaches a pod, and the external client reaches a node', () => {
    const { lab, node1, appB, client, node2 } = articleLab();
    node1.ping(appB.ip);
    client.ping(node2.ip);
    lab.runUntilIdle();
    assert.equal(node1.counters.echoReplies, 1);
    assert.equal(appB.counters.echoRequestsAnswered, 1);
    assert.equal(ttlOfEcho(appB.inbox), 61, 'T1-K8S-Node-Management, T0, t1-demons');
    assert.equal(client.counters.echoReplies, 1);
    assert.equal(ttlOfEcho(node2.inbox), 62, 'T0, T1-K8S-Node-Management');
  });

  test('routers answer ping on their own addresses', () => {
    const { lab, appA, client } = articleLab();
    appA.ping(ip('172.25.5.1'));
    client.ping(ip('192.168.50.1'));
    lab.runUntilIdle();
    assert.equal(appA.counters.echoReplies, 1);
    assert.equal(client.counters.echoReplies, 1);
  });
});

describe('NsxLab ICMP errors', () => {
  const errorsAt = (frames: readonly Frame[]) =>
    frames.map(icmpOf).filter((x) => x !== undefined && (x.icmp.kind === 'time-exceeded' || x.icmp.kind === 'dest-unreachable'));

  test('TTL expiry yields ICMP time exceeded from the router where it expired', () => {
    const { lab, appA, client } = articleLab();
    const payload = new Uint8Array(8);
    appA.sendUdp(client.ip, 33434, 33434, payload, { ttl: 1 });
    appA.sendUdp(client.ip, 33435, 33435, payload, { ttl: 2 });
    lab.runUntilIdle();
    const errs = errorsAt(appA.inbox);
    assert.equal(errs.length, 2);
    const t0Link = lab.tier0.iface('down-t1-demons')?.ip as IPv4;
    assert.deepEqual(
      errs.map((e) => [e?.icmp.kind, formatIPv4(e?.ip.src as IPv4)]),
      [
        ['time-exceeded', '172.25.5.1'],
        ['time-exceeded', formatIPv4(t0Link)],
      ],
    );
    assert.equal(client.counters.udp, 0);
    assert.equal(lab.tier0.stats.timeExceeded, 1);
  });

  test('no route yields net unreachable from the Tier-0; an unanswered ARP yields host unreachable', () => {
    const { lab, clock, appA } = articleLab();
    appA.sendUdp(ip('8.8.8.8'), 1000, 53, new Uint8Array(4));
    appA.sendUdp(ip('172.25.4.99'), 1000, 53, new Uint8Array(4));
    lab.runUntilIdle();
    const first = errorsAt(appA.inbox);
    assert.equal(first.length, 1);
    assert.equal(first[0]?.icmp.kind === 'dest-unreachable' ? first[0].icmp.code : -1, 0);
    assert.equal(formatIPv4(first[0]?.ip.src as IPv4), formatIPv4(lab.tier0.iface('down-t1-demons')?.ip as IPv4));
    clock.advance(5000); // three ARP attempts, one second apart
    lab.runUntilIdle();
    const all = errorsAt(appA.inbox);
    assert.equal(all.length, 2);
    assert.equal(all[1]?.icmp.kind === 'dest-unreachable' ? all[1].icmp.code : -1, 1);
    const ingress = lab.namespace('kube-system')?.tier1.iface('uplink')?.ip as IPv4;
    assert.equal(formatIPv4(all[1]?.ip.src as IPv4), formatIPv4(ingress), 'from t1-kube-system, where the packet came in on its uplink');
  });
});

describe('NsxLab ARP suppression and faults', () => {
  test('the logical switch answers ARP for a remote pod; nothing is flooded to the other node', () => {
    const { lab, appA, appB } = articleLab();
    const ls = lab.namespace('demons')?.ls;
    const node2In = () => lab.nodeBridge('k8s-node2')?.port('ens192')?.stats.rxPackets ?? -1;
    const before = node2In();
    appA.sendUdp(appB.ip, 5000, 5001, new Uint8Array(1)); // needs ARP first
    lab.runUntilIdle();
    assert.equal(appA.arpCache.get(appB.ip), appB.mac);
    assert.equal(appB.counters.arpRequestsSeen, 0, 'the request never reached the remote pod');
    assert.equal(ls?.stats().arpSuppressed, 1);
    assert.equal(node2In(), before + 1, 'only the UDP datagram crossed to node2');
    assert.equal(appB.counters.udp, 1);
  });

  test('loss injection drops the expected fraction, reproducibly for a seed', () => {
    const run = (seed: number) => {
      const { lab, appA, appB } = articleLab({ seed });
      appA.ping(appB.ip); // resolve ARP first, without loss
      lab.runUntilIdle();
      assert.ok(lab.setLoss('k8s-node2/ens192', 0.3));
      for (let i = 0; i < 1000; i++) appA.sendUdp(appB.ip, 6000, 6001, new Uint8Array(16));
      lab.runUntilIdle();
      return { got: appB.counters.udp, lost: lab.fabric.link('k8s-node2/ens192')?.stats.lost ?? -1 };
    };
    const a = run(7);
    assert.ok(a.got > 640 && a.got < 760, `~70% delivered, got ${a.got}`);
    assert.equal(a.lost, 1000 - a.got);
    assert.deepEqual(run(7), a);
  });

  test('a detached pod is unreachable and its port and bindings are gone', () => {
    const { lab, appA, appB } = articleLab();
    unwrap(lab.detachPod('k8s-node2', 'nsxtestapp-5bfcc97b5-gdv6n'));
    appA.ping(appB.ip);
    lab.runUntilIdle();
    assert.equal(appB.counters.rxFrames, 0);
    assert.equal(lab.nodeBridge('k8s-node2')?.port('nsxtestapp-5bfcc97b5-gdv6n_77aa66bb55cc44d'), undefined);
    assert.equal(lab.namespace('demons')?.ls.binding(appB.ip), undefined);
  });
});

describe('NsxLab API', () => {
  test('per-pod VLAN tags on a node: lowest free from 1 in attach order, freed on detach and reused, 4094 never handed out', () => {
    const lab = new NsxLab();
    const n1 = unwrap(lab.addNode('n1', '10.190.5.21'));
    unwrap(lab.addNode('n2', '10.190.5.22'));
    unwrap(lab.addNamespace('a', '172.25.32.0/19'));
    unwrap(lab.addNamespace('b', '172.25.11.0/24'));
    const hex = (i: number) => i.toString(16).padStart(6, '0');
    const att = (node: string, ns: 'a' | 'b', i: number) =>
      lab.attachPod({ node, namespace: ns, podName: `p${i}`, containerId: `${hex(i)}0123456789abcdef`, mac: 0x020000000000 + i, ip: ns === 'a' ? `172.25.${32 + (i >> 8)}.${i & 0xff}` : `172.25.11.${i}` });
    assert.equal(unwrap(att('n1', 'a', 2)).vlan, 1, 'first pod on the node');
    assert.equal(unwrap(att('n1', 'a', 3)).vlan, 2, 'same namespace, its own tag');
    assert.equal(unwrap(att('n1', 'b', 4)).vlan, 3);
    assert.equal(unwrap(att('n2', 'a', 5)).vlan, 1, 'tags are node-local');
    assert.deepEqual(n1.trunk.mappings(), [
      { vid: 1, segment: 'a#1' },
      { vid: 2, segment: 'a#2' },
      { vid: 3, segment: 'b#3' },
    ]);
    assert.ok(lab.namespace('a')?.ls.portNames().includes('n1/vlan-2'));
    unwrap(lab.detachPod('n1', 'p3'));
    assert.equal(n1.vlans.get('p3'), undefined);
    assert.equal(n1.trunk.segmentOf(2), undefined, 'the trunk no longer maps the freed tag');
    assert.equal(lab.namespace('a')?.ls.portNames().includes('n1/vlan-2'), false, 'its logical port is gone');
    assert.equal(unwrap(att('n1', 'b', 6)).vlan, 2, 'the freed tag is reused');
    assert.equal(lab.namespace('b')?.ls.macPort(0x020000000006), 'n1/vlan-2');
    // Fill the node: tags 4..4093 are handed out, 4094 stays nsx_agent_outer's.
    for (let i = 7; i < 7 + 4090; i++) assert.ok(att('n1', 'a', i).ok);
    assert.equal(lab.pod('n1', `p${7 + 4089}`)?.vlan, 4093);
    assert.deepEqual(att('n1', 'a', 4097), { ok: false, error: { code: 'vlan-exhausted', node: 'n1' } });
    assert.equal(lab.pod('n1', 'p4097'), undefined);
    assert.equal(lab.nodeBridge('n1')?.port('nsx_agent_outer')?.tag, 4094);
  });

  test('attachPod validates its input', () => {
    const { lab } = articleLab();
    const base = { node: 'k8s-node1', namespace: 'demons', podName: 'x', containerId: 'aaaaaaaaaaaaaaaaaaaa', mac: 0x020000000099 };
    assert.deepEqual(lab.attachPod({ ...base, ip: '172.25.6.2' }), { ok: false, error: { code: 'ip-outside-subnet', ip: '172.25.6.2', cidr: '172.25.5.0/24' } });
    assert.deepEqual(lab.attachPod({ ...base, ip: '172.25.5.9', gateway: '172.25.5.254' }), { ok: false, error: { code: 'gateway-mismatch', expected: '172.25.5.1', got: '172.25.5.254' } });
    assert.equal(lab.attachPod({ ...base, node: 'nope', ip: '172.25.5.9' }).ok, false);
    assert.deepEqual(lab.addNamespace('dup', '172.25.5.128/25'), { ok: false, error: { code: 'subnet-overlap', cidr: '172.25.5.128/25', with: 'demons' } });
    const nic = pod('eth0@x', '172.25.5.9', '172.25.5.1');
    unwrap(lab.attachPod({ ...base, ip: '172.25.5.9', device: nic }));
    assert.equal(lab.attachPod({ ...base, ip: '172.25.5.10' }).ok, false, 'same pod name twice on a node');
    const again = lab.attachPod({ ...base, podName: 'y', containerId: 'bbbbbbbbbbbbbbbbbbbb', ip: '172.25.5.11', device: nic });
    assert.deepEqual(again, { ok: false, error: { code: 'already-connected', device: 'eth0@x' } });
    assert.equal(lab.pod('k8s-node1', 'y'), undefined, 'the failed attach left nothing behind');
    assert.equal(lab.nodeBridge('k8s-node1')?.port('y_bbbbbbbbbbbbbbb'), undefined);
  });

  test('route tables list connected and static routes, NSX style', () => {
    const { lab } = articleLab();
    const t1 = lab.namespace('demons')?.tier1.formatRoutes() ?? '';
    assert.match(t1, /^t1s> \* 0\.0\.0\.0\/0 \[1\/0\] via 100\.64\.0\.\d+, uplink$/m);
    assert.match(t1, /^t1c> \* 172\.25\.5\.0\/24 is directly connected, downlink$/m);
    const t0 = lab.tier0.formatRoutes();
    assert.match(t0, /^t0s> \* 172\.25\.5\.0\/24 \[1\/0\] via 100\.64\.0\.\d+, down-t1-demons$/m);
    assert.match(t0, /^t0s> \* 10\.190\.5\.0\/24 \[1\/0\] via 100\.64\.0\.1, down-T1-K8S-Node-Management$/m);
    assert.match(t0, /^t0c> \* 192\.168\.50\.0\/24 is directly connected, uplink$/m);
  });

  test('a service router hook: loopback VIPs routed by the Tier-0 and answered', () => {
    const { lab, client } = articleLab();
    const sr = unwrap(lab.attachServiceRouter('SR-lb-k8s-cluster1', ['10.190.6.102']));
    client.ping(ip('10.190.6.102'));
    lab.runUntilIdle();
    assert.equal(client.counters.echoReplies, 1);
    let seen = 0;
    sr.setLocalHandler((p) => {
      seen += p.ip.dst === ip('10.190.6.102') ? 1 : 0;
      return true;
    });
    client.sendUdp(ip('10.190.6.102'), 40000, 80, new Uint8Array(3));
    lab.runUntilIdle();
    assert.equal(seen, 1);
    const extra = pod('late', '172.25.5.50', '172.25.5.1');
    assert.equal(lab.attachHost('nowhere', extra).ok, false);
  });
});
