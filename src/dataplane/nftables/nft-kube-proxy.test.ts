// Packet flows through a kube-proxy style nftables ruleset (testdata/kube-proxy-3svc.nft)
// with conntrack, the way kube-proxy's own packet-flow tests trace them, but with real
// semantics: NAT bindings, established connections, affinity timeouts.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { Conntrack } from '../conntrack/index.js';
import { seededRng } from '../fabric/rng.js';
import { NetfilterRunner } from './nf-runner.js';
import { NftRuleset } from './nft-ruleset.js';
import { FORWARD, LOCAL_IN, LOCAL_OUT, TCP_ACK, TCP_SYNACK, dstOf, ip, rigged, skb, srcOf, tcp, through, udp } from './_test-packets.js';

const NODE = '192.168.0.2';
const BRIDGE = '10.180.0.254';
const FIXTURE = readFileSync(new URL('./testdata/kube-proxy-3svc.nft', import.meta.url), 'utf8');

function setup(random: () => number = seededRng(7)): { runner: NetfilterRunner; ct: Conntrack; rs: NftRuleset } {
  const rs = new NftRuleset();
  const r = rs.load(FIXTURE, 0);
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

describe('kube-proxy nftables ruleset', () => {
  test('ClusterIP: new connections spread over endpoints per numgen (1,000 connections)', () => {
    const { runner } = setup();
    const counts = new Map<string, number>();
    for (let i = 0; i < 1000; i++) {
      const s = skb(tcp('10.0.0.2', 20000 + i, '172.30.0.41', 80), 'cni0', 'eth0');
      const r = through(runner, FORWARD, s);
      assert.equal(r.verdict.kind, 'accept');
      counts.set(dstOf(s.key), (counts.get(dstOf(s.key)) ?? 0) + 1);
      assert.equal(srcOf(s.key), `10.0.0.2:${20000 + i}`, 'pod traffic is not masqueraded');
    }
    assert.deepEqual([...counts.keys()].sort(), ['10.180.0.1:80', '10.180.2.1:80']);
    // Binomial(1000, 0.5): sd ~16; 100 is > 6 sd.
    for (const n of counts.values()) assert.ok(Math.abs(n - 500) < 100, `count ${n}`);
  });

  test('established packets keep their translation; replies are un-NATed', () => {
    const { runner, ct } = setup();
    const first = skb(tcp('10.0.0.2', 33000, '172.30.0.41', 80), 'cni0', 'eth0');
    through(runner, FORWARD, first);
    const ep = dstOf(first.key);
    assert.equal(ct.size, 1);
    const reply = skb(tcp(ep.split(':')[0]!, 80, '10.0.0.2', 33000, TCP_SYNACK), 'eth0', 'cni0');
    assert.equal(through(runner, FORWARD, reply).verdict.kind, 'accept');
    assert.equal(srcOf(reply.key), '172.30.0.41:80');
    assert.equal(dstOf(reply.key), '10.0.0.2:33000');
    for (let i = 0; i < 20; i++) {
      const s = skb(tcp('10.0.0.2', 33000, '172.30.0.41', 80, TCP_ACK), 'cni0', 'eth0');
      const r = through(runner, FORWARD, s, 1000 + i, i === 0);
      assert.equal(dstOf(s.key), ep);
      if (i === 0) {
        // Established: no rule of the nat chains runs, the binding is reused.
        assert.ok(!r.trace!.some((e) => e.kind === 'chain' && e.chain === 'services'));
      }
    }
    assert.equal(ct.size, 1);
  });

  test('NodePort via fib daddr type local: masquerade mark, SNAT at postrouting, reply restored', () => {
    const { runner } = setup();
    const s = skb(tcp('203.0.113.2', 40000, NODE, 3003), 'eth0', 'eth0');
    const [pre, fwd, post] = runner.path(FORWARD, s, 0);
    assert.equal(pre!.verdict.kind, 'accept');
    assert.equal(pre!.mark, 0x4000, 'external chain jumped to mark-for-masquerade');
    assert.equal(pre!.nat?.kind, 'dnat');
    assert.equal(fwd!.verdict.kind, 'accept');
    assert.equal(post!.nat?.kind, 'masquerade');
    assert.equal(post!.mark, 0, 'masquerading clears the mark (xor)');
    assert.equal(dstOf(s.key), '10.180.0.3:80');
    assert.equal(s.key.nwSrc, ip(NODE));
    const sport = s.key.tpSrc;
    const reply = skb(tcp('10.180.0.3', 80, NODE, sport, TCP_SYNACK), 'eth0', 'eth0');
    assert.equal(through(runner, FORWARD, reply).verdict.kind, 'accept');
    assert.equal(srcOf(reply.key), `${NODE}:3003`);
    assert.equal(dstOf(reply.key), '203.0.113.2:40000');
  });

  test('service without endpoints: ClusterIP and NodePort are rejected', () => {
    const { runner, ct } = setup();
    const a = through(runner, FORWARD, skb(tcp('10.0.0.2', 1234, '172.30.0.46', 80), 'cni0', 'eth0'));
    assert.deepEqual(a.verdict, { kind: 'reject', with: { kind: 'icmp', type: 'port-unreachable' } });
    const b = through(runner, LOCAL_IN, skb(tcp('203.0.113.2', 1234, NODE, 3006), 'eth0'));
    assert.deepEqual(b.verdict, { kind: 'reject', with: { kind: 'icmp', type: 'port-unreachable' } });
    assert.equal(ct.size, 0, 'rejected first packets leave no conntrack entry');
  });

  test('ClusterIP on a port it does not serve is rejected, an unallocated ClusterIP dropped', () => {
    const { runner } = setup();
    assert.equal(through(runner, FORWARD, skb(tcp('10.0.0.2', 1, '172.30.0.41', 443), 'cni0', 'eth0')).verdict.kind, 'reject');
    assert.equal(through(runner, FORWARD, skb(udp('10.0.0.2', 1, '172.30.0.41', 80), 'cni0', 'eth0')).verdict.kind, 'reject');
    assert.equal(through(runner, FORWARD, skb(tcp('10.0.0.2', 1, '172.30.0.50', 80), 'cni0', 'eth0')).verdict.kind, 'drop');
  });

  test('UDP service DNATs and keeps the binding for the second datagram', () => {
    const { runner } = setup();
    const a = skb(udp('10.0.0.2', 5353, '172.30.0.10', 53), 'cni0', 'eth0');
    through(runner, FORWARD, a);
    assert.equal(dstOf(a.key), '10.180.0.7:53');
    const b = skb(udp('10.0.0.2', 5353, '172.30.0.10', 53), 'cni0', 'eth0');
    through(runner, FORWARD, b, 10);
    assert.equal(dstOf(b.key), '10.180.0.7:53');
  });

  test('session affinity keeps a client on one endpoint until the timeout, update refreshes it', () => {
    const { runner, rs } = setup(seededRng(3));
    const H = 3600_000;
    const dst = (now: number, sport: number): string => {
      const s = skb(tcp('10.0.0.5', sport, '172.30.0.45', 80), 'cni0', 'eth0');
      through(runner, FORWARD, s, now);
      return dstOf(s.key);
    };
    const first = dst(0, 10000);
    for (let i = 1; i <= 30; i++) assert.equal(dst(i * 1000, 10000 + i), first);
    const set = rs.table('ip', 'kube-proxy')!.sets.get(`affinity-${first === '10.180.0.3:80' ? 'GTK6MW7G-ns5/svc5/tcp/p80__10.180.0.3/80' : 'PCTS6QRA-ns5/svc5/tcp/p80__10.180.0.4/80'}`)!;
    assert.equal(set.elements.list(0).length, 1);
    // A connection at 2h refreshes the element: at 3h + 1s it still holds.
    assert.equal(dst(2 * H, 11000), first);
    assert.equal(dst(3 * H + 1000, 11001), first);
    // Idle for more than 3h: the element expires and numgen chooses again.
    const later = new Set<string>();
    for (let i = 0; i < 40; i++) later.add(dst(7 * H + i, 12000 + i * 7));
    assert.ok(later.size >= 1);
    const spread = new Set<string>();
    for (let i = 0; i < 40; i++) spread.add(dst(20 * H + i * 4 * H, 13000 + i));
    assert.equal(spread.size, 2, 'after each expiry the choice is random again');
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

  test('node-local client: output DNAT, masquerade of non-pod source', () => {
    const { runner } = setup(rigged(0.9));
    const s = skb(tcp(NODE, 50000, '172.30.0.41', 80), '', 'eth0');
    const r = through(runner, LOCAL_OUT, s);
    assert.equal(r.verdict.kind, 'accept');
    assert.equal(dstOf(s.key), '10.180.2.1:80');
    assert.equal(s.key.nwSrc, ip(NODE));
    const reply = skb(tcp('10.180.2.1', 80, NODE, s.key.tpSrc, TCP_SYNACK), 'eth0');
    assert.equal(through(runner, LOCAL_IN, reply).verdict.kind, 'accept');
    assert.equal(srcOf(reply.key), '172.30.0.41:80');
    assert.equal(dstOf(reply.key), `${NODE}:50000`);
  });

  test('trace names chains, rules, verdicts and NAT', () => {
    const { runner } = setup(rigged(0));
    const s = skb(tcp('10.0.0.2', 20000, '172.30.0.41', 80), 'cni0', 'eth0');
    const [pre] = runner.path(FORWARD, s, 0, { trace: true });
    const rules = pre!.trace!.filter((e) => e.kind === 'rule');
    assert.deepEqual(
      rules.map((e) => [e.chain, e.rule, e.verdict]),
      [
        ['nat-prerouting', 'jump services', 'jump services'],
        ['services', 'ip daddr . meta l4proto . th dport vmap @service-ips', 'goto service-ULMVA6XW-ns1/svc1/tcp/p80'],
        [
          'service-ULMVA6XW-ns1/svc1/tcp/p80',
          'numgen random mod 2 vmap { 0 : goto endpoint-5OJB2KTY-ns1/svc1/tcp/p80__10.180.0.1/80, 1 : goto endpoint-MLKSHPWN-ns1/svc1/tcp/p80__10.180.2.1/80 }',
          'goto endpoint-5OJB2KTY-ns1/svc1/tcp/p80__10.180.0.1/80',
        ],
        ['endpoint-5OJB2KTY-ns1/svc1/tcp/p80__10.180.0.1/80', 'meta l4proto tcp dnat to 10.180.0.1:80', 'dnat'],
      ],
    );
    assert.ok(pre!.trace!.some((e) => e.kind === 'nat' && e.after === '10.0.0.2:20000 -> 10.180.0.1:80 proto 6'));
    assert.ok(pre!.trace!.some((e) => e.kind === 'conntrack' && e.text.startsWith('ct state new')));
  });
});
