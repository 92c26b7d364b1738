import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { FakeClock } from '../../core/clock.js';
import { parseIPv4, type IPv4 } from '../../core/ip.js';
import { unwrap } from '../../core/result.js';
import { Fabric } from '../../dataplane/fabric/fabric.js';
import { LogicalSwitch } from '../../dataplane/fabric/logical-switch.js';
import { Router } from '../../dataplane/fabric/router.js';
import { SimpleHost } from '../../dataplane/fabric/simple-host.js';
import type { Frame } from '../../dataplane/wire/frame.js';
import { TCP_ACK, TCP_FIN, TCP_SYN } from '../../dataplane/wire/tcp.js';
import type { VirtualServer } from './external-model.js';
import { OneArmLb } from './one-arm-lb.js';

const ip = (s: string): IPv4 => unwrap(parseIPv4(s));
const VIP = ip('10.190.6.1');
const SNAT = ip('10.190.5.1');
const NODE_PORT = 30657;

let mac = 0x02000000aa00;
const host = (name: string, a: string, gw: string) => new SimpleHost({ name, mac: ++mac, ip: ip(a), prefix: 24, gateway: ip(gw) });

/** client (192.168.50.10) --- ext [edge] nodes --- node-network --- node1 (10.190.5.11), node2 (.12) */
function lab() {
  const clock = new FakeClock();
  const fabric = new Fabric({ clock });
  const edge = new Router({ name: 'edge', clock });
  const client = host('client', '192.168.50.10', '192.168.50.1');
  fabric.connect('external', client, edge.addInterface({ name: 'ext', mac: ++mac, ip: ip('192.168.50.1'), prefix: 24 }));
  const net = new LogicalSwitch({ name: 'node-network', arpSuppression: false });
  fabric.connect('node-network/edge', net.addPort('edge'), edge.addInterface({ name: 'nodes', mac: ++mac, ip: SNAT, prefix: 24 }));
  // The nodes' default gateway is NOT the edge: replies must still come back (SNAT).
  const node1 = host('node1', '10.190.5.11', '10.190.5.254');
  const node2 = host('node2', '10.190.5.12', '10.190.5.254');
  fabric.connect('node-network/node1', net.addPort('node1'), node1);
  fabric.connect('node-network/node2', net.addPort('node2'), node2);
  const lb = unwrap(OneArmLb.attach({ router: edge, snatAddress: SNAT, clock }));
  const vs: VirtualServer = {
    vip: VIP,
    port: 80,
    protocol: 'TCP',
    service: 'demons/web:http',
    members: [
      { ip: node1.ip, port: NODE_PORT, node: 'node1' },
      { ip: node2.ip, port: NODE_PORT, node: 'node2' },
    ],
  };
  lb.setVirtualServers([vs, { ...vs, protocol: 'UDP', port: 53, members: [{ ip: node2.ip, port: 31053, node: 'node2' }] }]);
  return { clock, fabric, edge, client, node1, node2, lb, vs };
}

type Seg = { src: IPv4; dst: IPv4; sport: number; dport: number; flags: number; payload: string };
function tcpIn(h: SimpleHost): Seg[] {
  const out: Seg[] = [];
  for (const f of h.inbox as Frame[]) {
    if (f.l3.kind !== 'ipv4' || f.l3.l4.kind !== 'tcp') continue;
    const t = f.l3.l4.tcp;
    out.push({ src: f.l3.ip.src, dst: f.l3.ip.dst, sport: t.srcPort, dport: t.dstPort, flags: t.flags, payload: Buffer.from(t.payload).toString() });
  }
  h.inbox.length = 0;
  return out;
}

/** A TCP "listener" stand-in on a node: answers every SYN to `port` with a SYN-ACK carrying its name. */
function answerSyns(h: SimpleHost, port: number): number {
  let n = 0;
  for (const s of tcpIn(h)) {
    if (s.dport === port && (s.flags & TCP_SYN) !== 0) {
      h.sendTcp(s.src, port, s.sport, TCP_SYN | TCP_ACK, { payload: Buffer.from(h.name) });
      n++;
    }
  }
  return n;
}

describe('OneArmLb', () => {
  test('client -> VIP:80 is SNATed/DNATed to NodeIP:NodePort and the reply comes back from VIP:80; round robin over nodes', () => {
    const { fabric, client, node1, node2, lb } = lab();
    client.sendTcp(VIP, 40000, 80, TCP_SYN);
    client.sendTcp(VIP, 40001, 80, TCP_SYN);
    fabric.runUntilIdle();
    const [s1] = tcpIn(node1);
    const [s2] = tcpIn(node2);
    assert.ok(s1 !== undefined && s2 !== undefined, 'one connection per node');
    assert.deepEqual({ src: s1.src, dport: s1.dport, dst: s1.dst }, { src: SNAT, dport: NODE_PORT, dst: node1.ip });
    assert.equal(s2.src, SNAT);
    assert.notEqual(s1.sport, s2.sport, 'distinct SNAT ports');
    node1.sendTcp(SNAT, NODE_PORT, s1.sport, TCP_SYN | TCP_ACK, { payload: Buffer.from('node1') });
    node2.sendTcp(SNAT, NODE_PORT, s2.sport, TCP_SYN | TCP_ACK, { payload: Buffer.from('node2') });
    fabric.runUntilIdle();
    const replies = tcpIn(client).sort((a, b) => a.dport - b.dport);
    assert.deepEqual(
      replies.map((r) => [r.src, r.sport, r.dport, r.payload]),
      [
        [VIP, 80, 40000, 'node1'],
        [VIP, 80, 40001, 'node2'],
      ],
    );
    assert.deepEqual(lb.connections().map((c) => c.state), ['established', 'established']);
    assert.equal(lb.stats.newConnections, 2);
  });

  test('later segments of a connection stick to its member; a bare ACK with no connection is dropped', () => {
    const { fabric, client, node1, node2, lb } = lab();
    client.sendTcp(VIP, 40000, 80, TCP_SYN);
    fabric.runUntilIdle();
    answerSyns(node1, NODE_PORT);
    fabric.runUntilIdle();
    tcpIn(client);
    for (let i = 0; i < 3; i++) client.sendTcp(VIP, 40000, 80, TCP_ACK, { payload: Buffer.from(`d${i}`) });
    client.sendTcp(VIP, 49999, 80, TCP_ACK);
    fabric.runUntilIdle();
    assert.deepEqual(tcpIn(node1).map((s) => s.payload), ['d0', 'd1', 'd2']);
    assert.equal(tcpIn(node2).length, 0);
    assert.equal(lb.stats.droppedNoConnection, 1);
  });

  test('UDP, and ICMP echo to the VIP answered by the router (VIP on its loopback)', () => {
    const { fabric, client, node2, edge } = lab();
    client.sendUdp(VIP, 5353, 53, new Uint8Array([1, 2]));
    client.ping(VIP);
    fabric.runUntilIdle();
    const f = node2.inbox.find((x) => x.l3.kind === 'ipv4' && x.l3.l4.kind === 'udp');
    assert.ok(f !== undefined && f.l3.kind === 'ipv4' && f.l3.l4.kind === 'udp');
    assert.equal(f.l3.ip.src, SNAT);
    assert.equal(f.l3.l4.udp.dstPort, 31053);
    assert.equal(client.counters.echoReplies, 1);
    assert.deepEqual(edge.loopbackAddresses(), [VIP]);
  });

  test('idle and closed connections expire on the clock; their SNAT port is reused', () => {
    const { clock, fabric, client, node1, lb } = lab();
    client.sendTcp(VIP, 40000, 80, TCP_SYN);
    fabric.runUntilIdle();
    answerSyns(node1, NODE_PORT);
    fabric.runUntilIdle();
    clock.advance(1_799_000);
    assert.equal(lb.expire(), 0);
    client.sendTcp(VIP, 40000, 80, TCP_ACK | TCP_FIN);
    fabric.runUntilIdle();
    assert.equal(lb.connections()[0]?.state, 'closing');
    clock.advance(9_999);
    assert.equal(lb.expire(), 0);
    clock.advance(1);
    assert.equal(lb.expire(), 1);
    assert.equal(lb.connections().length, 0);
    // A late reply to the freed SNAT port is not ours any more.
    tcpIn(client);
    node1.sendTcp(SNAT, NODE_PORT, 1024, TCP_ACK);
    fabric.runUntilIdle();
    assert.equal(tcpIn(client).length, 0);
    client.sendTcp(VIP, 40002, 80, TCP_SYN);
    fabric.runUntilIdle();
    assert.equal(lb.connections()[0]?.snatPort, 1025);
  });

  test('config changes: a member leaving drops its connections; a VIP removed leaves the loopback; no members -> dropped', () => {
    const { fabric, client, node1, node2, lb, edge, vs } = lab();
    client.sendTcp(VIP, 40000, 80, TCP_SYN);
    fabric.runUntilIdle();
    tcpIn(node1);
    lb.setVirtualServers([{ ...vs, members: [{ ip: node2.ip, port: NODE_PORT, node: 'node2' }] }]);
    assert.equal(lb.connections().length, 0);
    lb.setVirtualServers([{ ...vs, members: [] }]);
    client.sendTcp(VIP, 40001, 80, TCP_SYN);
    fabric.runUntilIdle();
    assert.equal(lb.stats.droppedNoMember, 1);
    lb.setVirtualServers([]);
    assert.deepEqual(edge.loopbackAddresses(), []);
  });

  test('the SNAT address must be one of the router\'s own', () => {
    const { edge } = lab();
    const r = OneArmLb.attach({ router: edge, snatAddress: ip('10.190.5.99') });
    assert.deepEqual(r.ok ? undefined : r.error, { code: 'snat-not-local', address: '10.190.5.99' });
  });
});
