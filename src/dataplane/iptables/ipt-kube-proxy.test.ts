// Packet flows through a kube-proxy style iptables ruleset (testdata/kube-proxy-3svc.restore)
// with conntrack: the same services and expectations as the nftables flows.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { Conntrack } from '../conntrack/index.js';
import { seededRng } from '../fabric/rng.js';
import { NetfilterRunner } from '../nftables/nf-runner.js';
import { formatNfTrace } from '../nftables/nf-trace.js';
import { FORWARD, LOCAL_IN, TCP_ACK, TCP_SYNACK, dstOf, ip, rigged, skb, srcOf, tcp, through, udp } from '../nftables/_test-packets.js';
import { IptRuleset } from './ipt-ruleset.js';

const NODE = '192.168.0.2';
const BRIDGE = '10.180.0.254';
const FIXTURE = readFileSync(new URL('./testdata/kube-proxy-3svc.restore', import.meta.url), 'utf8');

function setup(random: () => number = seededRng(11)): { runner: NetfilterRunner; ct: Conntrack; rs: IptRuleset } {
  const rs = new IptRuleset();
  const r = rs.restore(FIXTURE);
  assert.ok(r.ok, JSON.stringify(!r.ok && r.error));
  const ct = new Conntrack();
  const runner = new NetfilterRunner({
    conntrack: ct,
    rulesets: [rs],
    localAddresses: [ip(NODE)],
    masqueradeAddress: (oif) => (oif === 'eth0' ? ip(NODE) : oif === 'cni0' ? ip(BRIDGE) : undefined),
    random,
  });
  return { runner, ct, rs };
}

describe('kube-proxy iptables ruleset', () => {
  test('ClusterIP: -m statistic spreads new connections (1,000 connections)', () => {
    const { runner, rs } = setup();
    const counts = new Map<string, number>();
    for (let i = 0; i < 1000; i++) {
      const s = skb(tcp('10.0.0.2', 20000 + i, '172.30.0.41', 80), 'cni0', 'eth0');
      assert.equal(through(runner, FORWARD, s).verdict.kind, 'accept');
      counts.set(dstOf(s.key), (counts.get(dstOf(s.key)) ?? 0) + 1);
    }
    assert.deepEqual([...counts.keys()].sort(), ['10.180.0.1:80', '10.180.2.1:80']);
    for (const n of counts.values()) assert.ok(Math.abs(n - 500) < 100, `count ${n}`);
    const stat = rs.tables.get('nat')!.chains.get('KUBE-SVC-XPGD46QRK7WJZT7O')!.rules[1]!;
    assert.equal(stat.packets, counts.get('10.180.0.1:80'), 'the statistic rule counts the packets it sent to its endpoint');
  });

  test('established packets keep their translation; replies are un-NATed', () => {
    const { runner } = setup(rigged(0.9));
    const first = skb(tcp('10.0.0.2', 33000, '172.30.0.41', 80), 'cni0', 'eth0');
    through(runner, FORWARD, first);
    assert.equal(dstOf(first.key), '10.180.2.1:80');
    const reply = skb(tcp('10.180.2.1', 80, '10.0.0.2', 33000, TCP_SYNACK), 'eth0', 'cni0');
    assert.equal(through(runner, FORWARD, reply).verdict.kind, 'accept');
    assert.equal(srcOf(reply.key), '172.30.0.41:80');
    for (let i = 0; i < 10; i++) {
      const s = skb(tcp('10.0.0.2', 33000, '172.30.0.41', 80, TCP_ACK), 'cni0', 'eth0');
      through(runner, FORWARD, s, 10 + i);
      assert.equal(dstOf(s.key), '10.180.2.1:80');
    }
  });

  test('NodePort via addrtype LOCAL: KUBE-MARK-MASQ, MASQUERADE at postrouting, reply restored', () => {
    const { runner } = setup();
    const s = skb(tcp('203.0.113.2', 40000, NODE, 3003), 'eth0', 'eth0');
    const [pre, fwd, post] = runner.path(FORWARD, s, 0);
    assert.equal(pre!.mark, 0x4000);
    assert.equal(fwd!.verdict.kind, 'accept', 'KUBE-FORWARD accepts marked traffic');
    assert.equal(post!.nat?.kind, 'masquerade');
    assert.equal(post!.mark, 0);
    assert.equal(dstOf(s.key), '10.180.0.3:80');
    assert.equal(s.key.nwSrc, ip(NODE));
    const reply = skb(tcp('10.180.0.3', 80, NODE, s.key.tpSrc, TCP_SYNACK), 'eth0', 'eth0');
    through(runner, FORWARD, reply);
    assert.equal(srcOf(reply.key), `${NODE}:3003`);
    assert.equal(dstOf(reply.key), '203.0.113.2:40000');
  });

  test('service without endpoints: REJECT in the filter table for ClusterIP and NodePort', () => {
    const { runner, ct } = setup();
    assert.deepEqual(through(runner, FORWARD, skb(tcp('10.0.0.2', 1, '172.30.0.46', 80), 'cni0', 'eth0')).verdict, {
      kind: 'reject',
      with: { kind: 'icmp', type: 'port-unreachable' },
    });
    assert.equal(through(runner, LOCAL_IN, skb(tcp('203.0.113.2', 1, NODE, 3006), 'eth0')).verdict.kind, 'reject');
    assert.equal(ct.size, 0);
  });

  test('UDP DNS service', () => {
    const { runner } = setup();
    const s = skb(udp('10.0.0.2', 5353, '172.30.0.10', 53), 'cni0', 'eth0');
    through(runner, FORWARD, s);
    assert.equal(dstOf(s.key), '10.180.0.7:53');
  });

  test('ClientIP affinity with -m recent: sticky until 10800 s without traffic', () => {
    const { runner, rs } = setup(seededRng(5));
    const H = 3600_000;
    const dst = (now: number, sport: number): string => {
      const s = skb(tcp('10.0.0.5', sport, '172.30.0.45', 80), 'cni0', 'eth0');
      through(runner, FORWARD, s, now);
      return dstOf(s.key);
    };
    const first = dst(0, 10000);
    for (let i = 1; i <= 30; i++) assert.equal(dst(i * 1000, 10000 + i), first);
    const list = first === '10.180.0.3:80' ? 'KUBE-SEP-I77PXRDZVX7PMWMN' : 'KUBE-SEP-4XN4Y7BLDMS4FVTY';
    assert.equal(rs.recent.entries(list)[0]!.addr, ip('10.0.0.5'));
    assert.equal(dst(2 * H, 11000), first);
    assert.equal(dst(5 * H - 1000, 11001), first, 'the --set at 2h refreshed it');
    const spread = new Set<string>();
    for (let i = 0; i < 40; i++) spread.add(dst(20 * H + i * 4 * H, 13000 + i));
    assert.equal(spread.size, 2, 'after each expiry the statistic rules choose again');
  });

  test('hairpin: an endpoint reaching itself through the ClusterIP is masqueraded', () => {
    const { runner } = setup(rigged(0));
    const s = skb(tcp('10.180.0.1', 45000, '172.30.0.41', 80), 'cni0', 'cni0');
    const [pre, , post] = runner.path(FORWARD, s, 0);
    assert.equal(pre!.mark, 0x4000);
    assert.equal(post!.nat?.kind, 'masquerade');
    assert.equal(dstOf(s.key), '10.180.0.1:80');
    assert.equal(s.key.nwSrc, ip(BRIDGE));
  });

  test('trace: rules as iptables-save prints them, with their targets', () => {
    const { runner } = setup(rigged(0));
    const s = skb(tcp('10.0.0.2', 20000, '172.30.0.41', 80), 'cni0', 'eth0');
    const [pre] = runner.path(FORWARD, s, 0, { trace: true });
    const lines = formatNfTrace(pre!.trace!);
    assert.ok(lines.includes('    rule -A KUBE-SERVICES -d 172.30.0.41/32 -p tcp -m comment --comment "ns1/svc1:p80 cluster IP" -m tcp --dport 80 -j KUBE-SVC-XPGD46QRK7WJZT7O (verdict jump KUBE-SVC-XPGD46QRK7WJZT7O)'), lines.join('\n'));
    assert.ok(lines.some((l) => l.includes('-j DNAT --to-destination 10.180.0.1:80 (verdict DNAT --to-destination 10.180.0.1:80)')));
  });
});
