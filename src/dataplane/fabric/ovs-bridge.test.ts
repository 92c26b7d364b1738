import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { FakeClock } from '../../core/clock.js';
import { unwrap } from '../../core/result.js';
import { TCP_ACK, TCP_SYN } from '../wire/tcp.js';
import { articleLab, ip } from './_test-lab.js';
import { nsxBaseFlows } from './nsx-base-flows.js';
import { NsxLab } from './nsx-lab.js';
import { OvsBridge, type PacketIn } from './ovs-bridge.js';
import { Scheduler } from './scheduler.js';
import { SimpleHost } from './simple-host.js';
import { ovsdbString } from './vsctl-show.js';

// `ovs-vsctl show` on k8s-node1, as the article prints it.
const ARTICLE_VSCTL_SHOW = `523e062f-1763-4fa1-b624-e4c7efb5f612
    Bridge br-int
        Port nsx_agent_outer
            tag: 4094
            Interface nsx_agent_outer
        Port "ens192"
            Interface "ens192"
        Port "coredns-fb8b8dccf-fklnx_824327d05abfd72"
            tag: 5
            Interface "824327d05abfd72"
        Port "nsxtestapp-5bfcc97b5-pmkw6_cd333ad6021daef"
            tag: 1
            Interface "cd333ad6021daef"
        Port br-int
            Interface br-int
                type: internal
    ovs_version: "2.10.2.13185890"`;

describe('OvsBridge text views', () => {
  test('vsctlShow reproduces the article block for the article ports', () => {
    const br = new OvsBridge({ uuid: '523e062f-1763-4fa1-b624-e4c7efb5f612' });
    unwrap(br.addPort({ name: 'nsx_agent_outer', tag: 4094 }));
    unwrap(br.addPort({ name: 'ens192' }));
    unwrap(br.addPort({ name: 'coredns-fb8b8dccf-fklnx_824327d05abfd72', interfaceName: '824327d05abfd72', tag: 5 }));
    unwrap(br.addPort({ name: 'nsxtestapp-5bfcc97b5-pmkw6_cd333ad6021daef', interfaceName: 'cd333ad6021daef', tag: 1 }));
    assert.equal(br.vsctlShow(), ARTICLE_VSCTL_SHOW);
  });

  test("the lab's node1 prints the same layout with our names and a stable uuid", () => {
    const { lab } = articleLab();
    const show = lab.nodeBridge('k8s-node1')?.vsctlShow() ?? '';
    const [uuid, ...rest] = show.split('\n');
    assert.match(uuid ?? '', /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    assert.equal(uuid, articleLab().lab.nodeBridge('k8s-node1')?.uuid, 'derived from the node name, same every run');
    const expected = ARTICLE_VSCTL_SHOW.split('\n').slice(1);
    // Same layout; tags are per pod, lowest free in attach order (coredns, nsxtestapp, then
    // nwtest, one more port before br-int). The article's node had other pods before.
    assert.deepEqual(expected.splice(7, 1, '            tag: 1'), ['            tag: 5']);
    assert.deepEqual(expected.splice(10, 1, '            tag: 2'), ['            tag: 1']);
    expected.splice(12, 0, '        Port "nwtest-5bf9856644-7wwsl_0f1e2d3c4b5a697"', '            tag: 3', '            Interface "0f1e2d3c4b5a697"');
    assert.deepEqual(rest, expected);
  });

  test('OVSDB quoting: bare identifiers only', () => {
    assert.deepEqual(
      ['br-int', 'nsx_agent_outer', 'ens192', '824327d05abfd72', 'true', 'a.b-c', '', 'x y', '523e062f-1763-4fa1-b624-e4c7efb5f612'].map(ovsdbString),
      ['br-int', 'nsx_agent_outer', '"ens192"', '"824327d05abfd72"', '"true"', 'a.b-c', '""', '"x y"', '"523e062f-1763-4fa1-b624-e4c7efb5f612"'],
    );
  });

  test('dumpFlows lists the base flows in the article layout; counters rise with traffic', () => {
    const { lab, clock, appA, appB } = articleLab();
    const br = lab.nodeBridge('k8s-node1');
    assert.ok(br !== undefined);
    clock.advance(60_448_822);
    const skeleton = [
      ' cookie=0x7, duration=60448.822s, table=0, n_packets=0, n_bytes=0, priority=100,ip actions=ct(table=1)',
      ' cookie=0x7, duration=60448.822s, table=0, n_packets=0, n_bytes=0, priority=0 actions=NORMAL',
      ' cookie=0x7, duration=60448.822s, table=1, n_packets=0, n_bytes=0, priority=100,ct_state=-trk,ip actions=ct(table=1)',
      ' cookie=0x7, duration=60448.822s, table=1, n_packets=0, n_bytes=0, priority=90,ip,in_port=ens192 actions=ct(table=2,zone=65312,nat)',
      ' cookie=0x7, duration=60448.822s, table=1, n_packets=0, n_bytes=0, priority=80,ip actions=NORMAL',
      ' cookie=0x7, duration=60448.822s, table=2, n_packets=0, n_bytes=0, actions=NORMAL',
    ].join('\n');
    assert.equal(br.dumpFlows(), skeleton);
    const count = (re: RegExp) => Number(re.exec(br.dumpFlows())?.[1] ?? -1);
    const t0ip = /table=0, n_packets=(\d+), n_bytes=\d+, priority=100,ip /;
    const uplink = /table=1, n_packets=(\d+), n_bytes=\d+, priority=90,ip,in_port=ens192/;
    appA.ping(appB.ip);
    lab.runUntilIdle();
    const [a1, u1] = [count(t0ip), count(uplink)];
    assert.equal(a1, 2, 'request out, reply in');
    assert.equal(u1, 1, 'the reply came in on the uplink');
    for (let i = 0; i < 5; i++) appA.ping(appB.ip, { seq: i + 2 });
    lab.runUntilIdle();
    assert.equal(count(t0ip), a1 + 10);
    assert.equal(count(uplink), u1 + 5);
    assert.match(br.dumpFlows(), /table=0, n_packets=[1-9]\d*, n_bytes=\d+, priority=0 actions=NORMAL/, 'ARP took the catch-all');
    assert.equal(nsxBaseFlows().length, 6);
  });

  test('dump-ports counts per port; dump-groups is empty until the proxy programs groups', () => {
    const { lab, appA, appB } = articleLab();
    appA.ping(appB.ip);
    lab.runUntilIdle();
    const br = lab.nodeBridge('k8s-node1');
    assert.match(br?.dumpPorts() ?? '', /port "cd333ad6021daef": rx pkts=2, bytes=\d+, drop=0/);
    assert.equal(br?.dumpGroups(), 'NXST_GROUP_DESC reply (xid=0x2):');
  });
});

describe('OvsBridge datapath', () => {
  const hostPair = () => {
    const clock = new FakeClock();
    const sched = new Scheduler({ clock });
    const br = new OvsBridge({ clock });
    const trunkPeer = new SimpleHost({ name: 'uplink-peer', mac: 0x0a0000000001, ip: ip('10.0.0.1'), prefix: 24 });
    const a = new SimpleHost({ name: 'a', mac: 0x0a0000000002, ip: ip('10.0.0.2'), prefix: 24 });
    const b = new SimpleHost({ name: 'b', mac: 0x0a0000000003, ip: ip('10.0.0.3'), prefix: 24 });
    const c = new SimpleHost({ name: 'c', mac: 0x0a0000000004, ip: ip('10.0.0.4'), prefix: 24 });
    sched.connect('up', trunkPeer, unwrap(br.addPort({ name: 'up', trunks: [7] })).device);
    sched.connect('a', a, unwrap(br.addPort({ name: 'a', tag: 7 })).device);
    sched.connect('b', b, unwrap(br.addPort({ name: 'b', tag: 7 })).device);
    sched.connect('c', c, unwrap(br.addPort({ name: 'c', tag: 8 })).device);
    unwrap(br.addFlow('priority=0 actions=NORMAL'));
    return { sched, br, a, b, c, trunkPeer };
  };

  test('NORMAL: access ports switch within their VLAN; the trunk carries the tag', () => {
    const { sched, br, a, b, c, trunkPeer } = hostPair();
    a.ping(b.ip);
    sched.runUntilIdle();
    assert.equal(a.counters.echoReplies, 1);
    assert.equal(c.counters.rxFrames, 0, 'VLAN 8 never sees VLAN 7 traffic');
    // The trunk peer saw the ARP broadcast tagged 7 (and ignores it: not addressed to it).
    assert.equal(trunkPeer.counters.rxFrames, 1);
    assert.equal(br.macLookup(7, a.mac)?.name, 'a');
  });

  test('a tagged frame on an access port is dropped; programmed flows take effect', () => {
    const { sched, br, a, b } = hostPair();
    a.ping(b.ip);
    sched.runUntilIdle();
    const f = a.buildIp(b.ip, { kind: 'udp', udp: { srcPort: 1, dstPort: 2, payload: new Uint8Array(1) } });
    const tagged = new Uint8Array(f.length + 4);
    tagged.set(f.subarray(0, 12));
    tagged.set([0x81, 0x00, 0x00, 0x07], 12);
    tagged.set(f.subarray(12), 16);
    a.send(tagged);
    sched.runUntilIdle();
    assert.equal(b.counters.udp, 0);
    unwrap(br.addFlow('priority=10,udp,tp_dst=2 actions=drop'));
    a.sendUdp(b.ip, 1, 2, new Uint8Array(1));
    a.sendUdp(b.ip, 1, 3, new Uint8Array(1));
    sched.runUntilIdle();
    assert.equal(b.counters.udp, 1, 'only the datagram to port 3 passed');
    assert.match(br.dumpFlows(), /n_packets=1, n_bytes=\d+, priority=10,udp,tp_dst=2 actions=drop/);
    assert.deepEqual(br.addFlow('priority=10,udp actions=group:9').ok, false);
  });

  test('packet-in: a handler sees the packet, in_port and the controller action, and its packet-outs leave the in_port', () => {
    const { sched, br, a, b } = hostPair();
    a.ping(b.ip);
    sched.runUntilIdle();
    unwrap(br.addFlow('priority=10,udp,tp_dst=9 actions=load:0x1->NXM_NX_REG0[1],CONTROLLER:65535'));
    const seen: PacketIn[] = [];
    const off = br.onPacketIn((pin) => {
      seen.push(pin);
      // Answer as b would, without the pipeline: straight out of the in_port.
      return [{ frame: b.buildIp(a.ip, { kind: 'udp', udp: { srcPort: 9, dstPort: 5000, payload: new Uint8Array(2) } }) }];
    });
    a.sendUdp(b.ip, 5000, 9, new Uint8Array(4));
    sched.runUntilIdle();
    assert.equal(seen.length, 1);
    const pin = seen[0]!;
    assert.equal(pin.inPort, br.port('a')?.ofport);
    assert.equal(pin.output.reason, 'action');
    assert.equal(pin.output.maxLen, 65535);
    assert.equal((pin.output.key.regs[0] ?? 0) & 2, 2, 'the flow key carries the registers the flow loaded');
    assert.equal(pin.output.key.tpDst, 9);
    assert.equal(b.counters.udp, 0, 'the datagram went to the controller only');
    assert.equal(a.counters.udp, 1, "the handler's packet-out reached the sender");
    assert.deepEqual([br.stats().controller, br.stats().packetOuts], [1, 1]);
    off();
    a.sendUdp(b.ip, 5000, 9, new Uint8Array(4));
    sched.runUntilIdle();
    assert.deepEqual([seen.length, a.counters.udp, br.stats().controller, br.stats().packetOuts], [1, 1, 2, 1], 'no handler: a drop');
  });

  test("the article's service flows DNAT a pod->VIP connection across nodes and un-NAT the reply", () => {
    const { lab, appA, appB } = articleLab();
    const vip = ip('10.101.129.209');
    for (const node of ['k8s-node1', 'k8s-node2']) {
      const br = lab.nodeBridge(node);
      assert.ok(br !== undefined);
      unwrap(br.textGroupMod('add', 'group_id=6,type=select,bucket=bucket_id:0,weight:100,actions=ct(commit,table=2,zone=65312,nat(dst=172.25.5.3:80))'));
      unwrap(br.addFlow('cookie=0x7,table=1,priority=100,ct_state=-new+trk,ip,nw_dst=10.101.129.209 actions=ct(table=2,zone=65312,nat)'));
      unwrap(br.addFlow('cookie=0x7,table=1,priority=100,ct_state=+new+trk,tcp,nw_dst=10.101.129.209,tp_dst=80 actions=group:6'));
    }
    appA.sendTcp(vip, 40000, 80, TCP_SYN);
    lab.runUntilIdle();
    // The SYN reached the backend addressed to it (checksums valid: SimpleHost verifies them).
    const syn = appB.inbox.find((f) => f.l3.kind === 'ipv4' && f.l3.l4.kind === 'tcp');
    assert.ok(syn !== undefined && syn.l3.kind === 'ipv4' && syn.l3.l4.kind === 'tcp');
    assert.equal(syn.l3.ip.dst, appB.ip);
    assert.equal(syn.l3.l4.tcp.dstPort, 80);
    assert.equal(syn.l3.ip.src, appA.ip, 'no SNAT: the backend sees the client');
    appB.sendTcp(appA.ip, 80, 40000, TCP_SYN | TCP_ACK);
    lab.runUntilIdle();
    const synAck = appA.inbox.find((f) => f.l3.kind === 'ipv4' && f.l3.l4.kind === 'tcp');
    assert.ok(synAck !== undefined && synAck.l3.kind === 'ipv4' && synAck.l3.l4.kind === 'tcp');
    assert.equal(synAck.l3.ip.src, vip, 'the reply comes from the VIP');
    assert.equal(synAck.l3.l4.tcp.srcPort, 80);
    // After SYN + SYN-ACK the entry is SYN_RECV, which dpctl prints as ESTABLISHED.
    assert.equal(
      lab.nodeBridge('k8s-node1')?.dumpConntrack({ zone: 65312 }),
      'tcp,orig=(src=172.25.5.2,dst=10.101.129.209,sport=40000,dport=80),reply=(src=172.25.5.3,dst=172.25.5.2,sport=80,dport=40000),zone=65312,protoinfo=(state=ESTABLISHED)',
    );
    assert.match(lab.nodeBridge('k8s-node1')?.dumpFlows() ?? '', /n_packets=1, n_bytes=\d+, priority=100,ct_state=\+new\+trk,tcp,nw_dst=10\.101\.129\.209,tp_dst=80 actions=group:6/);
  });

  test('ports: names, ofports and errors', () => {
    const br = new OvsBridge();
    const p1 = unwrap(br.addPort({ name: 'x' }));
    assert.equal(p1.ofport, 1);
    assert.deepEqual(br.addPort({ name: 'x' }), { ok: false, error: { code: 'port-exists', name: 'x' } });
    assert.deepEqual(br.addPort({ name: 'y', tag: 5000 }), { ok: false, error: { code: 'bad-vlan', vlan: 5000 } });
    assert.equal(unwrap(br.addPort({ name: 'y' })).ofport, 2);
    unwrap(br.removePort('x'));
    assert.equal(unwrap(br.addPort({ name: 'z' })).ofport, 1, 'lowest free ofport');
    assert.equal(br.removePort('br-int').ok, false, 'the internal port stays');
    assert.equal(br.port('br-int')?.ofport, 0xfffe);
    const lab = new NsxLab();
    assert.equal(lab.nodeBridge('nope'), undefined);
  });
});
