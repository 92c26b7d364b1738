import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { unwrap } from '../../core/result.js';
import { ETH_TYPE_ARP } from '../flow-key.js';
import { ARP_REQUEST } from '../wire/arp.js';
import { EMPTY_BYTES } from '../wire/checksum.js';
import { emitFrame } from '../wire/frame.js';
import { MAC_BROADCAST } from '../wire/mac.js';
import { articleLab, ip } from './_test-lab.js';
import { formatTrace, type HopRecord } from './trace.js';

const udp = (dstPort: number) => ({ kind: 'udp' as const, udp: { srcPort: 40000, dstPort, payload: new Uint8Array(4) } });

/** Asserts that `needles` occur in `text` in this order. */
function inOrder(text: string, needles: readonly string[]): void {
  let at = 0;
  for (const n of needles) {
    const i = text.indexOf(n, at);
    assert.ok(i >= 0, `missing (in order) "${n}" in:\n${text}`);
    at = i + n.length;
  }
}

describe('fabric traces', () => {
  test('a delivered packet: both bridges, their tables and conntrack, VLAN push/pop, the logical switch, the endpoint', () => {
    const { lab, appA, appB } = articleLab();
    appA.ping(appB.ip);
    lab.runUntilIdle();
    const records = unwrap(lab.trace(appA, appA.buildIp(appB.ip, udp(80))));
    const kinds = records.map((r) => r.kind).filter((k) => k !== 'ovs' && k !== 'link');
    assert.deepEqual(kinds, ['inject', 'ovs-in', 'vlan', 'ovs-out', 'vlan', 'ls', 'vlan', 'ovs-in', 'vlan', 'ovs-out', 'deliver']);
    const last = records.at(-1);
    assert.equal(last?.kind === 'deliver' ? last.delivered : undefined, false, 'dry run by default');
    assert.equal(appB.counters.udp, 0, 'the endpoint did not get it');
    const text = formatTrace(records);
    inOrder(text, [
      'Flow: 00:50:56:b4:00:02 > 00:50:56:b4:00:04, udp 172.25.5.2:40000 > 172.25.5.3:80 len 4 ttl 64',
      'bridge k8s-node1/br-int: in_port cd333ad6021daef (ofport 4)',
      '0. cookie=0x7, priority=100,ip actions=ct(table=1)',
      'ct(table=1): zone 0 ct_state 0 -> new|trk, recirculate to table 1',
      '1. cookie=0x7, table=1, priority=80,ip actions=NORMAL',
      // appA is node1's second pod (tag 2), appB node2's first (tag 1).
      'NORMAL vlan 2: forward to 2',
      'k8s-node1/br-int ens192: push vlan 2',
      'output to ens192 (ofport 2)',
      'k8s-node1/nvds trunk -> demons#2: pop vlan 2',
      'logical switch ls-demons: from k8s-node1/vlan-2: forward to 00:50:56:b4:00:04 -> k8s-node2/vlan-1',
      'k8s-node2/nvds demons#1 -> trunk: push vlan 1',
      'bridge k8s-node2/br-int: in_port ens192 (ofport 2)',
      '1. cookie=0x7, table=1, priority=90,ip,in_port=ens192 actions=ct(table=2,zone=65312,nat)',
      'ct(table=2,zone=65312,nat): zone 65312 ct_state new|trk -> new|trk, recirculate to table 2',
      '2. cookie=0x7, table=2, actions=NORMAL',
      'k8s-node2/br-int 77aa66bb55cc44d: pop vlan 1',
      'would be delivered to (dry run) eth0@nsxtestapp-5bfcc97b5-gdv6n',
    ]);
    unwrap(lab.trace(appA, appA.buildIp(appB.ip, udp(81)), { deliver: true }));
    assert.equal(appB.counters.udp, 1, 'deliver: true hands the frame over');
  });

  test('a routed packet dropped for lack of a route: router hops with TTL, the ICMP error, the reason', () => {
    const { lab, appA } = articleLab();
    appA.ping(ip('172.25.5.1'));
    lab.runUntilIdle();
    const records = unwrap(lab.trace(appA, appA.buildIp(ip('8.8.8.8'), udp(53))));
    const hop = records.find((r): r is Extract<HopRecord, { kind: 'router' }> => r.kind === 'router');
    assert.deepEqual(hop && { router: hop.router, in: hop.inIface, out: hop.outIface, ttl: [hop.ttlIn, hop.ttlOut] }, { router: 't1-demons', in: 'downlink', out: 'uplink', ttl: [64, 63] });
    const text = formatTrace(records);
    // demons' Tier-1 is the third on the Tier-0 (after management and kube-system): 100.64.0.4/31.
    inOrder(text, [
      'router t1-demons: in downlink, route 0.0.0.0/0 via 100.64.0.4 dev uplink, out uplink next hop 100.64.0.4, ttl 64 -> 63',
      't1-demons: next hop 100.64.0.4 on uplink unresolved, ARP request sent, packet queued',
      'T0-K8S-Domain: sends ICMP net-unreachable 100.64.0.4 > 172.25.5.2',
      'DROP at T0-K8S-Domain: no route to 8.8.8.8',
      // The error the Tier-0 sent on the traced packet's behalf is followed back to the pod (and stopped there).
      'would be delivered to (dry run) eth0@nsxtestapp-5bfcc97b5-pmkw6: 02:50:56:56:00:08 > 00:50:56:b4:00:02, icmp 100.64.0.4 > 172.25.5.2 dest-unreachable code 0 ttl 63',
    ]);
  });

  test('a packet dropped by a flow, and an ARP request answered by suppression', () => {
    const { lab, appA, appB } = articleLab();
    appA.ping(appB.ip);
    lab.runUntilIdle();
    const br = lab.nodeBridge('k8s-node1');
    assert.ok(br !== undefined);
    unwrap(br.addFlow('priority=200,udp,tp_dst=9 actions=drop'));
    const dropped = formatTrace(unwrap(lab.trace(appA, appA.buildIp(appB.ip, udp(9)))));
    inOrder(dropped, ['0. priority=200,udp,tp_dst=9 actions=drop', 'DROP at k8s-node1/br-int: OpenFlow pipeline: flow in table 0 has no actions (drop)']);

    const arp = emitFrame({
      eth: { dst: MAC_BROADCAST, src: appA.mac, etherType: ETH_TYPE_ARP },
      l3: { kind: 'arp', arp: { op: ARP_REQUEST, senderMac: appA.mac, senderIp: appA.ip, targetMac: 0, targetIp: appB.ip } },
      trailer: EMPTY_BYTES,
    });
    const text = formatTrace(unwrap(lab.trace(appA, arp)));
    inOrder(text, [
      'arp who-has 172.25.5.3 tell 172.25.5.2',
      // appA is alone in VLAN 2: the broadcast floods only to the uplink and the internal port.
      'NORMAL vlan 2: flood to 2,65534',
      'logical switch ls-demons: from k8s-node1/vlan-2: arp-suppress 172.25.5.3 is-at 00:50:56:b4:00:04 (static binding), answered on the requester\'s port -> k8s-node1/vlan-2',
      'k8s-node1/nvds demons#2 -> trunk: push vlan 2',
      'k8s-node1/br-int cd333ad6021daef: pop vlan 2',
      'would be delivered to (dry run) eth0@nsxtestapp-5bfcc97b5-pmkw6: 00:50:56:b4:00:04 > 00:50:56:b4:00:02, arp reply 172.25.5.3 is-at 00:50:56:b4:00:04',
    ]);
    assert.doesNotMatch(text, /k8s-node2/, 'the request never went to node2');
    assert.doesNotMatch(text, /0f1e2d3c4b5a697|824327d05abfd72/, 'nor to the other pods on node1 (nwtest, coredns)');
  });

  test('a packet to a ClusterIP: the group bucket chosen and the NAT applied', () => {
    const { lab, appA } = articleLab();
    const br = lab.nodeBridge('k8s-node1');
    assert.ok(br !== undefined);
    unwrap(br.textGroupMod('add', 'group_id=6,type=select,bucket=bucket_id:0,weight:100,actions=ct(commit,table=2,zone=65312,nat(dst=172.25.5.3:80))'));
    unwrap(br.addFlow('cookie=0x7,table=1,priority=100,ct_state=+new+trk,tcp,nw_dst=10.101.129.209,tp_dst=80 actions=group:6'));
    appA.ping(ip('172.25.5.1'));
    lab.runUntilIdle();
    const syn = appA.buildIp(ip('10.101.129.209'), {
      kind: 'tcp',
      tcp: { srcPort: 40000, dstPort: 80, seq: 1, ack: 0, flags: 0x02, window: 65535, urgentPointer: 0, options: EMPTY_BYTES, payload: EMPTY_BYTES },
    });
    const records = unwrap(lab.trace(appA, syn));
    const nat = records.find((r): r is Extract<HopRecord, { kind: 'nat' }> => r.kind === 'nat');
    assert.deepEqual(nat && [nat.device, nat.zone, nat.before, nat.after], ['k8s-node1/br-int', 65312, '172.25.5.2:40000 -> 10.101.129.209:80', '172.25.5.2:40000 -> 172.25.5.3:80']);
    inOrder(formatTrace(records), [
      '1. cookie=0x7, table=1, priority=100,ct_state=+new+trk,tcp,nw_dst=10.101.129.209,tp_dst=80 actions=group:6',
      'group:6 (select) bucket 0',
      'ct(commit,table=2,zone=65312,nat(dst=172.25.5.3:80)): zone 65312 ct_state new|trk -> new|trk|dnat NAT 172.25.5.2:40000 -> 10.101.129.209:80 proto 6 => 172.25.5.2:40000 -> 172.25.5.3:80 proto 6',
      'NAT in k8s-node1/br-int zone 65312: 172.25.5.2:40000 -> 10.101.129.209:80 => 172.25.5.2:40000 -> 172.25.5.3:80',
      'tcp 172.25.5.2:40000 > 172.25.5.3:80 [S]',
      // The gateway MAC is still the destination: the Tier-1 routes it back onto the segment.
      'router t1-demons: in downlink, route 172.25.5.0/24 dev downlink, out downlink next hop 172.25.5.3, ttl 64 -> 63',
      'would be delivered to (dry run) eth0@nsxtestapp-5bfcc97b5-gdv6n',
    ]);
    assert.match(br.dumpConntrack(), /^tcp,orig=\(src=172\.25\.5\.2,dst=10\.101\.129\.209,sport=40000,dport=80\).*state=SYN_SENT/, 'a trace commits like real traffic (see TraceOptions)');
  });

  test('tracing from a device that is not linked is an error', () => {
    const { lab } = articleLab();
    const r = lab.trace({ name: 'ghost', mac: 1, attach: () => undefined, receive: () => undefined }, new Uint8Array(60));
    assert.deepEqual(r, { ok: false, error: { code: 'not-linked', device: 'ghost' } });
  });
});
