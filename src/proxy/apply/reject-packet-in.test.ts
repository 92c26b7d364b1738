// The proxy's reject flows through the emulated fabric: a pod on k8s-node1 addresses a
// Service with no endpoints; br-int sends the packet to the controller and the proxy's
// packet-in handler answers it out of the pod's port.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { articleLab, ip } from '../../dataplane/fabric/_test-lab.js';
import type { ArticleLab } from '../../dataplane/fabric/_test-lab.js';
import { TCP_ACK, TCP_RST, TCP_SYN } from '../../dataplane/wire/tcp.js';
import { articleServices, articleSlices } from '../model/article-cluster.js';
import { buildService } from '../model/builders.js';
import { projectEndpointSlice, projectService } from '../model/project.js';
import { NsxProxier } from '../nsx-proxier.js';
import { programmerFor } from './bridge-programmer.js';
import { conntrackFlusher } from './conntrack-flusher.js';
import { rejectPacketInHandler } from './reject-packet-in.js';

const VIP = '10.96.200.1';

function labWithEmptyService(withHandler: boolean): ArticleLab {
  const l = articleLab();
  const bridge = l.lab.nodeBridge('k8s-node1');
  const uplink = bridge?.port('ens192');
  assert.ok(bridge !== undefined && uplink !== undefined);
  const proxier = new NsxProxier({
    nodeName: 'k8s-node1',
    nodeIPs: ['10.190.5.11'],
    uplink: { name: 'ens192', ofport: uplink.ofport },
    programmer: programmerFor(bridge),
    flushConntrack: conntrackFlusher(bridge.conntrack, 65312),
    clock: l.clock,
  });
  const empty = buildService({ namespace: 'demons', name: 'empty', clusterIP: VIP, ports: [{ name: 'http', port: 80 }, { name: 'dns', port: 53, protocol: 'UDP' }] });
  for (const s of [...articleServices(), empty]) proxier.onServiceUpdate(undefined, projectService(s));
  for (const s of articleSlices()) proxier.onEndpointSliceUpdate(undefined, projectEndpointSlice(s));
  assert.equal(proxier.sync().outcome.kind, 'applied');
  assert.match(bridge.dumpFlows(), /tcp,nw_dst=10\.96\.200\.1,tp_dst=80 actions=load:0x1->NXM_NX_REG0\[1\],CONTROLLER:65535/);
  if (withHandler) bridge.onPacketIn(rejectPacketInHandler);
  return l;
}

describe('reject through the fabric bridge', () => {
  test('a TCP SYN to a ClusterIP without endpoints is answered by an RST from the VIP', () => {
    const { lab, nwtest } = labWithEmptyService(true);
    nwtest.sendTcp(ip(VIP), 41000, 80, TCP_SYN, { seq: 5000 });
    lab.runUntilIdle();
    const rst = nwtest.inbox.find((f) => f.l3.kind === 'ipv4' && f.l3.l4.kind === 'tcp');
    assert.ok(rst !== undefined && rst.l3.kind === 'ipv4' && rst.l3.l4.kind === 'tcp', 'the client got a TCP segment (checksums verified by SimpleHost)');
    assert.equal(rst.l3.ip.src, ip(VIP));
    assert.equal(rst.l3.l4.tcp.srcPort, 80);
    assert.equal(rst.l3.l4.tcp.dstPort, 41000);
    assert.equal(rst.l3.l4.tcp.flags, TCP_RST | TCP_ACK);
    assert.equal(rst.l3.l4.tcp.ack, 5001, 'ACK = SEQ + 1 for the SYN');
    assert.equal(lab.nodeBridge('k8s-node1')?.stats().packetOuts, 1);
  });

  test('a UDP datagram gets ICMP port unreachable quoting it', () => {
    const { lab, nwtest } = labWithEmptyService(true);
    nwtest.sendUdp(ip(VIP), 42000, 53, new Uint8Array([1, 2, 3]));
    lab.runUntilIdle();
    const icmp = nwtest.inbox.find((f) => f.l3.kind === 'ipv4' && f.l3.l4.kind === 'icmp');
    assert.ok(icmp !== undefined && icmp.l3.kind === 'ipv4' && icmp.l3.l4.kind === 'icmp');
    assert.equal(icmp.l3.ip.src, ip(VIP));
    const m = icmp.l3.l4.icmp;
    assert.equal(m.kind, 'dest-unreachable');
    assert.ok(m.kind === 'dest-unreachable');
    assert.equal(m.code, 3);
    // The quote: IPv4 header (20 bytes) + the UDP header, ports 42000 -> 53.
    assert.equal(m.original.length, 28);
    assert.equal((m.original[20]! << 8) | m.original[21]!, 42000);
    assert.equal((m.original[22]! << 8) | m.original[23]!, 53);
  });

  test('without the handler the client hears nothing (the packet-in is a drop)', () => {
    const { lab, nwtest } = labWithEmptyService(false);
    nwtest.sendTcp(ip(VIP), 41000, 80, TCP_SYN);
    lab.runUntilIdle();
    assert.equal(nwtest.inbox.filter((f) => f.l3.kind === 'ipv4' && f.l3.l4.kind === 'tcp').length, 0);
    assert.equal(lab.nodeBridge('k8s-node1')?.stats().controller, 1);
  });
});
