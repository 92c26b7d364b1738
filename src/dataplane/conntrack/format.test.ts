import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Conntrack } from './conntrack.js';
import { formatConntrackL, formatDpctl } from './format.js';
import { ACK, dnat, icmp, req, SYN, T0, tcp, udp } from './testdata/packets.js';

function established(): Conntrack {
  const ct = new Conntrack();
  const z = 65312;
  ct.process(tcp('172.25.5.4', 40000, '10.101.129.209', 80, SYN), req(T0, { zone: z, commit: true, nat: dnat('172.25.5.2', 80) }));
  ct.process(tcp('172.25.5.2', 80, '172.25.5.4', 40000, SYN | ACK), req(T0, { zone: z }));
  ct.process(tcp('172.25.5.4', 40000, '10.101.129.209', 80, ACK), req(T0, { zone: z }));
  return ct;
}

describe('dpctl/dump-conntrack format', () => {
  test('established TCP through a VIP in a zone', () => {
    const [e] = established().list();
    assert.equal(
      formatDpctl(e!),
      'tcp,orig=(src=172.25.5.4,dst=10.101.129.209,sport=40000,dport=80),reply=(src=172.25.5.2,dst=172.25.5.4,sport=80,dport=40000),zone=65312,protoinfo=(state=ESTABLISHED)',
    );
    assert.equal(
      formatDpctl(e!, { stats: true, now: T0 + 1000 }),
      'tcp,orig=(src=172.25.5.4,dst=10.101.129.209,sport=40000,dport=80,packets=2,bytes=0),reply=(src=172.25.5.2,dst=172.25.5.4,sport=80,dport=40000,packets=1,bytes=0),zone=65312,timeout=431999,protoinfo=(state=ESTABLISHED)',
    );
  });

  test('OVS state names: SYN_RECV shows as ESTABLISHED, FIN_WAIT as FIN_WAIT_1', () => {
    const ct = new Conntrack();
    ct.process(tcp('1.1.1.1', 1, '2.2.2.2', 2, SYN), req(T0, { commit: true }));
    assert.match(formatDpctl(ct.list()[0]!), /protoinfo=\(state=SYN_SENT\)$/);
    ct.process(tcp('2.2.2.2', 2, '1.1.1.1', 1, SYN | ACK), req(T0));
    assert.match(formatDpctl(ct.list()[0]!), /protoinfo=\(state=ESTABLISHED\)$/);
    ct.process(tcp('1.1.1.1', 1, '2.2.2.2', 2, 0x11), req(T0));
    assert.match(formatDpctl(ct.list()[0]!), /protoinfo=\(state=FIN_WAIT_1\)$/);
  });

  test('ICMP and UDP in zone 0 with a mark', () => {
    const ct = new Conntrack();
    ct.process(icmp('172.25.5.4', '172.25.5.3', 8, 4660), req(T0, { commit: true }));
    ct.process(udp('172.25.5.4', 53000, '10.96.0.10', 53), req(T0, { commit: true, mark: 7 }));
    const [i, u] = ct.list();
    assert.equal(formatDpctl(i!), 'icmp,orig=(src=172.25.5.4,dst=172.25.5.3,id=4660,type=8,code=0),reply=(src=172.25.5.3,dst=172.25.5.4,id=4660,type=0,code=0)');
    assert.equal(formatDpctl(u!), 'udp,orig=(src=172.25.5.4,dst=10.96.0.10,sport=53000,dport=53),reply=(src=10.96.0.10,dst=172.25.5.4,sport=53,dport=53000),mark=7');
  });
});

describe('conntrack -L format', () => {
  test('established, assured TCP in a zone', () => {
    const [e] = established().list();
    assert.equal(
      formatConntrackL(e!, T0 + 1),
      'tcp      6 431999 ESTABLISHED src=172.25.5.4 dst=10.101.129.209 sport=40000 dport=80 src=172.25.5.2 dst=172.25.5.4 sport=80 dport=40000 [ASSURED] mark=0 zone=65312 use=1',
    );
  });

  test('unreplied UDP and ICMP in zone 0', () => {
    const ct = new Conntrack();
    ct.process(udp('172.25.5.4', 53000, '10.96.0.10', 53), req(T0, { commit: true }));
    ct.process(icmp('172.25.5.4', '172.25.5.3', 8, 4660), req(T0, { commit: true }));
    ct.process(icmp('172.25.5.3', '172.25.5.4', 0, 4660), req(T0));
    const [u, i] = ct.list();
    assert.equal(formatConntrackL(u!, T0 + 500), 'udp      17 29 src=172.25.5.4 dst=10.96.0.10 sport=53000 dport=53 [UNREPLIED] src=10.96.0.10 dst=172.25.5.4 sport=53 dport=53000 mark=0 use=1');
    assert.equal(formatConntrackL(i!, T0), 'icmp     1 30 src=172.25.5.4 dst=172.25.5.3 type=8 code=0 id=4660 src=172.25.5.3 dst=172.25.5.4 type=0 code=0 id=4660 mark=0 use=1');
  });
});
