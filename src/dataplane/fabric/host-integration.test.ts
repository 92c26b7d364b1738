// The fabric with real pod/node IP stacks (../host): TCP end to end across the NSX lab
// and the generic lab, including a connection to a ClusterIP programmed with the
// article's flows and group (DNAT on the client's node, un-NAT of the replies).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { FakeClock } from '../../core/clock.js';
import { unwrap } from '../../core/result.js';
import { HostStack, type TcpSocket } from '../host/index.js';
import { runFor, runUntil, seededRandom, settle } from '../host/testing.js';
import { ip } from './_test-lab.js';
import { GenericLab } from './generic-lab.js';
import { NsxLab } from './nsx-lab.js';

let seq = 0;
function stack(clock: FakeClock, name: string, addr: string, gateway: string, prefix = 24) {
  seq++;
  const s = new HostStack({ clock, hostname: name, random: seededRandom(seq * 104729) });
  const eth0 = s.addInterface({ name: 'eth0', mac: 0x0a5800aa0000 + seq, address: ip(addr), prefix });
  unwrap(s.addDefaultRoute(ip(gateway)));
  return { stack: s, eth0 };
}

function pattern(n: number, salt: number): Uint8Array {
  const b = new Uint8Array(n);
  for (let i = 0; i < n; i++) b[i] = (i * 31 + salt) & 0xff;
  return b;
}

/** An echo server on `port`; returns the accepted sockets. */
function echoServer(s: HostStack, port: number): TcpSocket[] {
  const accepted: TcpSocket[] = [];
  unwrap(
    s.listen(port, (sock) => {
      accepted.push(sock);
      sock.onData((c) => sock.write(c));
      sock.onEnd(() => sock.end());
    }),
  );
  return accepted;
}

/** Connects, sends `data`, half-closes, and resolves with everything echoed back. */
async function roundTrip(clock: FakeClock, client: HostStack, dst: string, port: number, data: Uint8Array): Promise<{ got: Uint8Array; sock: TcpSocket }> {
  const sock = await runUntil(clock, client.connect(ip(dst), port), 30_000);
  const parts: Uint8Array[] = [];
  let ended = false;
  sock.onData((c) => parts.push(c));
  sock.onEnd(() => (ended = true));
  sock.write(data);
  sock.end();
  await runUntil(
    clock,
    (async () => {
      while (!ended) await settle();
    })(),
    60_000,
    1,
  );
  return { got: new Uint8Array(Buffer.concat(parts)), sock };
}

function nsx() {
  const clock = new FakeClock();
  const lab = new NsxLab({ clock });
  unwrap(lab.addNode('k8s-node1', '10.190.5.11'));
  unwrap(lab.addNode('k8s-node2', '10.190.5.12'));
  unwrap(lab.addNamespace('kube-system', '172.25.4.0/24', 5));
  unwrap(lab.addNamespace('demons', '172.25.5.0/24', 1));
  const add = (node: string, ns: string, name: string, addr: string, gw: string) => {
    const h = stack(clock, name, addr, gw);
    unwrap(lab.attachPod({ node, namespace: ns, podName: name, containerId: `${name}-0123456789abcdef`.replace(/[^0-9a-f]/g, 'a'), mac: h.eth0.mac, ip: addr, device: h.eth0 }));
    return h;
  };
  const client = add('k8s-node1', 'demons', 'nwtest-5bf9856644-7wwsl', '172.25.5.4', '172.25.5.1');
  const server = add('k8s-node2', 'demons', 'nsxtestapp-5bfcc97b5-gdv6n', '172.25.5.3', '172.25.5.1');
  const dns = add('k8s-node1', 'kube-system', 'coredns-fb8b8dccf-fklnx', '172.25.4.3', '172.25.4.1');
  return { clock, lab, client, server, dns };
}

describe('fabric + HostStack', () => {
  test('TCP across nodes in one namespace: 100 KB echoed byte for byte', async () => {
    const { clock, lab, client, server } = nsx();
    echoServer(server.stack, 80);
    const data = pattern(100_000, 3);
    const { got } = await roundTrip(clock, client.stack, '172.25.5.3', 80, data);
    assert.equal(got.length, data.length);
    assert.deepEqual(got, data);
    assert.ok((lab.nodeBridge('k8s-node2')?.port('ens192')?.stats.rxPackets ?? 0) > 50);
  });

  test('TCP across namespaces through Tier-1, Tier-0, Tier-1', async () => {
    const { clock, lab, dns, server } = nsx();
    echoServer(server.stack, 8080);
    const data = pattern(20_000, 9);
    const { got } = await roundTrip(clock, dns.stack, '172.25.5.3', 8080, data);
    assert.deepEqual(got, data);
    assert.ok(lab.tier0.stats.forwarded > 20);
  });

  test("TCP to a ClusterIP programmed with the article's flows: DNAT to the backend, replies from the VIP", async () => {
    const { clock, lab, client, server } = nsx();
    for (const node of ['k8s-node1', 'k8s-node2']) {
      const br = lab.nodeBridge(node);
      assert.ok(br !== undefined);
      unwrap(br.textGroupMod('add', 'group_id=6,type=select,bucket=bucket_id:0,weight:100,actions=ct(commit,table=2,zone=65312,nat(dst=172.25.5.3:80))'));
      unwrap(br.addFlow('cookie=0x7,table=1,priority=100,ct_state=-new+trk,ip,nw_dst=10.101.129.209 actions=ct(table=2,zone=65312,nat)'));
      unwrap(br.addFlow('cookie=0x7,table=1,priority=100,ct_state=+new+trk,tcp,nw_dst=10.101.129.209,tp_dst=80 actions=group:6'));
    }
    const accepted = echoServer(server.stack, 80);
    const data = pattern(30_000, 5);
    const { got, sock } = await roundTrip(clock, client.stack, '10.101.129.209', 80, data);
    assert.deepEqual(got, data);
    assert.equal(sock.remoteAddress, ip('10.101.129.209'), 'the client only ever talked to the VIP');
    assert.equal(accepted[0]?.remoteAddress, ip('172.25.5.4'), 'the backend sees the client pod');
    assert.match(lab.nodeBridge('k8s-node1')?.dumpConntrack() ?? '', /tcp,orig=\(src=172\.25\.5\.4,dst=10\.101\.129\.209,sport=\d+,dport=80\),reply=\(src=172\.25\.5\.3,dst=172\.25\.5\.4,sport=80,dport=\d+\),zone=65312/);
  });

  test('TCP to a ClusterIP whose backend is on the client\'s node: the reply comes back up ens192 and is un-NATed to the VIP', async () => {
    const { clock, lab, client } = nsx();
    const local = stack(clock, 'nsxtestapp-5bfcc97b5-pmkw6', '172.25.5.2', '172.25.5.1');
    unwrap(lab.attachPod({ node: 'k8s-node1', namespace: 'demons', podName: 'nsxtestapp-5bfcc97b5-pmkw6', containerId: 'cd333ad6021daef5a6b7c8d9e0', mac: local.eth0.mac, ip: '172.25.5.2', device: local.eth0 }));
    const br = lab.nodeBridge('k8s-node1');
    assert.ok(br !== undefined);
    unwrap(br.textGroupMod('add', 'group_id=7,type=select,bucket=bucket_id:0,weight:100,actions=ct(commit,table=2,zone=65312,nat(dst=172.25.5.2:80))'));
    unwrap(br.addFlow('cookie=0x7,table=1,priority=100,ct_state=-new+trk,ip,nw_dst=10.101.129.209 actions=ct(table=2,zone=65312,nat)'));
    unwrap(br.addFlow('cookie=0x7,table=1,priority=100,ct_state=+new+trk,tcp,nw_dst=10.101.129.209,tp_dst=80 actions=group:7'));
    const accepted = echoServer(local.stack, 80);
    await runFor(clock, 10); // the gratuitous ARPs sent at link-up are flooded to node2 too
    const node2Rx = lab.nodeBridge('k8s-node2')?.port('ens192')?.stats.rxPackets ?? -1;
    const data = pattern(20_000, 7);
    const { got, sock } = await roundTrip(clock, client.stack, '10.101.129.209', 80, data);
    assert.deepEqual(got, data);
    assert.equal(sock.remoteAddress, ip('10.101.129.209'), 'the client only ever talked to the VIP');
    assert.equal(accepted[0]?.remoteAddress, ip('172.25.5.4'), 'the backend sees the client pod');
    assert.equal(lab.nodeBridge('k8s-node2')?.port('ens192')?.stats.rxPackets, node2Rx, 'the connection never left node1 for node2');
    assert.match(br.dumpConntrack({ zone: 65312 }), /tcp,orig=\(src=172\.25\.5\.4,dst=10\.101\.129\.209,sport=\d+,dport=80\),reply=\(src=172\.25\.5\.2,dst=172\.25\.5\.4,sport=80,dport=\d+\),zone=65312/);
    const flows = br.dumpFlows();
    // The backend's replies reach br-int from the trunk, where the uplink flow un-NATs them.
    assert.match(flows, /n_packets=[1-9]\d*, n_bytes=\d+, priority=90,ip,in_port=ens192 actions=ct\(table=2,zone=65312,nat\)/);
    // Zone 0 never commits, so every client packet is +new there and takes the group (the
    // article's 10.96.0.1 line: 67223 packets on +new, 9 on -new); the group's ct(commit)
    // in zone 65312 finds the existing entry.
    assert.match(flows, /n_packets=[1-9]\d*, n_bytes=\d+, priority=100,ct_state=\+new\+trk,tcp,nw_dst=10\.101\.129\.209,tp_dst=80 actions=group:7/);
  });

  test('generic lab: TCP from a pod to a pod on another node, routed by both nodes', async () => {
    const clock = new FakeClock();
    const g = new GenericLab({ clock });
    unwrap(g.addNode('k8s-node1', '10.190.5.11', '10.244.1.0/24'));
    unwrap(g.addNode('k8s-node2', '10.190.5.12', '10.244.2.0/24'));
    const a = stack(clock, 'a', '10.244.1.2', '10.244.1.1');
    const b = stack(clock, 'b', '10.244.2.2', '10.244.2.1');
    unwrap(g.attachPod({ node: 'k8s-node1', podName: 'a', mac: a.eth0.mac, ip: '10.244.1.2', device: a.eth0 }));
    unwrap(g.attachPod({ node: 'k8s-node2', podName: 'b', mac: b.eth0.mac, ip: '10.244.2.2', device: b.eth0 }));
    const node2 = stack(clock, 'k8s-node2', '10.190.5.12', '10.190.5.1');
    unwrap(g.attachNodeStack('k8s-node2', node2.eth0));
    echoServer(b.stack, 80);
    echoServer(node2.stack, 10250);
    const data = pattern(50_000, 1);
    assert.deepEqual((await roundTrip(clock, a.stack, '10.244.2.2', 80, data)).got, data);
    assert.deepEqual((await roundTrip(clock, a.stack, '10.190.5.12', 10250, data.subarray(0, 5000))).got, data.subarray(0, 5000), 'a pod reaches the node stack (kubelet port)');
  });
});
