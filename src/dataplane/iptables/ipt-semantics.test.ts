// iptables interpreter semantics hook by hook, without conntrack: targets, -g vs -j,
// RETURN, policies and their counters, matches.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { FlowKey } from '../flow-key.js';
import { runNetfilterHook, statelessNat } from '../nftables/nf-hook-runner.js';
import { IPS_DST_NAT, NF_CT_STATE_ESTABLISHED, NF_CT_STATE_NEW, type NfEnv, type NfHook, type NfPacket } from '../nftables/nf-types.js';
import { icmpEcho, ip, rigged, tcp, udp } from '../nftables/_test-packets.js';
import { IptRuleset } from './ipt-ruleset.js';

function rules(text: string): IptRuleset {
  const rs = new IptRuleset();
  const r = rs.restore(text);
  assert.ok(r.ok, JSON.stringify(!r.ok && r.error));
  return rs;
}

interface O {
  hook?: NfHook;
  mark?: number;
  state?: number;
  status?: number;
  iif?: string;
  random?: () => number;
  now?: number;
}

function run(rs: IptRuleset, key: FlowKey, o: O = {}) {
  const pkt: NfPacket = { key, mark: o.mark ?? 0, iif: o.iif ?? 'eth0', oif: '', bytes: 40, ct: { state: o.state ?? NF_CT_STATE_NEW, status: o.status ?? 0, mark: 0, direction: 0 } };
  const env: NfEnv = { hook: o.hook ?? 'input', now: o.now ?? 0, random: o.random ?? rigged(0.5), isLocalAddress: (a) => a === ip('192.168.0.2') };
  const r = runNetfilterHook([rs], o.hook ?? 'input', pkt, env, statelessNat(), undefined);
  return { verdict: r.verdict.kind, mark: pkt.mark, r };
}

const p = (): FlowKey => tcp('10.0.0.1', 1000, '192.168.0.2', 80);

describe('iptables targets and chains', () => {
  test('-j returns, -g does not; RETURN and the end of the built-in chain apply the policy, which counts', () => {
    const rs = rules(`*filter
:INPUT DROP [0:0]
:A - [0:0]
:B - [0:0]
-A INPUT -j A
-A INPUT -m mark --mark 0x1 -g B
-A INPUT -j ACCEPT
-A A -j MARK --set-mark 0x1
-A B -j MARK --or-mark 0x2
COMMIT
`);
    const { verdict, mark } = run(rs, p());
    assert.equal(verdict, 'drop');
    assert.equal(mark, 3);
    const input = rs.tables.get('filter')!.chains.get('INPUT')!;
    assert.equal(input.packets, 1, 'policy counter');
    assert.deepEqual(
      input.rules.map((r) => r.packets),
      [1, 1, 0],
    );
    const rs2 = rules('*filter\n:INPUT DROP [0:0]\n:A - [0:0]\n-A INPUT -j A\n-A INPUT -j ACCEPT\n-A A -j RETURN\n-A A -j DROP\nCOMMIT\n');
    assert.equal(run(rs2, p()).verdict, 'accept');
  });

  test('a rule without target only counts', () => {
    const rs = rules('*filter\n:INPUT ACCEPT [0:0]\n-A INPUT -m comment --comment "just counting"\nCOMMIT\n');
    run(rs, p());
    run(rs, p());
    assert.equal(rs.tables.get('filter')!.chains.get('INPUT')!.rules[0]!.packets, 2);
    assert.equal(rs.tables.get('filter')!.chains.get('INPUT')!.rules[0]!.bytes, 80);
  });

  test('REJECT variants', () => {
    const rs = rules(
      '*filter\n:INPUT ACCEPT [0:0]\n-A INPUT -p tcp -m tcp --dport 1 -j REJECT\n-A INPUT -p tcp -m tcp --dport 2 -j REJECT --reject-with tcp-reset\n-A INPUT -p tcp -m tcp --dport 3 -j REJECT --reject-with host-unreach\nCOMMIT\n',
    );
    const v = (port: number): unknown => run(rs, tcp('1.1.1.1', 9, '2.2.2.2', port)).r.verdict;
    assert.deepEqual(v(1), { kind: 'reject', with: { kind: 'icmp', type: 'port-unreachable' } });
    assert.deepEqual(v(2), { kind: 'reject', with: { kind: 'tcp-reset' } });
    assert.deepEqual(v(3), { kind: 'reject', with: { kind: 'icmp', type: 'host-unreachable' } });
  });

  test('DNAT in nat PREROUTING, seen translated by filter FORWARD', () => {
    const rs = rules(
      '*nat\n:PREROUTING ACCEPT [0:0]\n-A PREROUTING -d 172.30.0.1/32 -p tcp -m tcp --dport 80 -j DNAT --to-destination 10.0.0.9:8080\nCOMMIT\n*filter\n:FORWARD DROP [0:0]\n-A FORWARD -d 10.0.0.9/32 -p tcp -m tcp --dport 8080 -j ACCEPT\nCOMMIT\n',
    );
    const k = tcp('10.1.1.1', 5, '172.30.0.1', 80);
    const pre = run(rs, k, { hook: 'prerouting' });
    assert.deepEqual(pre.r.nat, { kind: 'dnat', addrMin: ip('10.0.0.9'), addrMax: ip('10.0.0.9'), portMin: 8080, portMax: 8080 });
    assert.equal(run(rs, k, { hook: 'forward' }).verdict, 'accept');
  });
});

describe('iptables matches', () => {
  const rs = rules(`*filter
:INPUT ACCEPT [0:0]
-A INPUT -s 10.9.0.0/16 -j DROP
-A INPUT ! -s 10.0.0.0/8 -j MARK --set-xmark 0x10/0xffffffff
-A INPUT -i veth+ -j MARK --or-mark 0x20
-A INPUT -p udp -m multiport --dports 53,5353:5360 -j MARK --or-mark 0x40
-A INPUT -m conntrack --ctstate RELATED,ESTABLISHED -j MARK --or-mark 0x80
-A INPUT -m conntrack --ctstate DNAT -j MARK --or-mark 0x100
-A INPUT -m addrtype --src-type LOCAL -j MARK --or-mark 0x200
-A INPUT -p icmp -m icmp --icmp-type 8 -j MARK --or-mark 0x400
-A INPUT -p tcp -m tcp ! --dport 80 -j MARK --or-mark 0x800
-A INPUT -m state --state NEW -j MARK --or-mark 0x1000
COMMIT
`);
  const cases: [string, FlowKey, O, number | 'drop'][] = [
    ['source prefix', tcp('10.9.1.1', 1, '192.168.0.2', 80), {}, 'drop'],
    ['negated source', tcp('172.16.0.1', 1, '192.168.0.2', 80), { state: NF_CT_STATE_ESTABLISHED }, 0x90],
    ['interface wildcard', tcp('10.0.0.1', 1, '192.168.0.2', 80), { iif: 'veth12', state: NF_CT_STATE_ESTABLISHED }, 0xa0],
    ['multiport range', udp('10.0.0.1', 1, '192.168.0.2', 5355), { state: NF_CT_STATE_ESTABLISHED }, 0xc0],
    ['ctstate DNAT', tcp('10.0.0.1', 1, '192.168.0.2', 80), { status: IPS_DST_NAT }, 0x1100],
    ['addrtype src LOCAL', tcp('192.168.0.2', 1, '192.168.0.2', 80), {}, 0x1210],
    ['icmp type', icmpEcho('10.0.0.1', '192.168.0.2'), {}, 0x1400],
    ['negated port', tcp('10.0.0.1', 1, '192.168.0.2', 81), {}, 0x1800],
  ];
  for (const [name, key, o, want] of cases) {
    test(name, () => {
      const { verdict, mark } = run(rs, key, o);
      if (want === 'drop') assert.equal(verdict, 'drop');
      else assert.equal(mark, want);
    });
  }

  test('statistic nth matches every nth packet, starting after --packet', () => {
    const r = rules('*filter\n:INPUT ACCEPT [0:0]\n-A INPUT -m statistic --mode nth --every 3 --packet 0 -j MARK --set-mark 0x1\nCOMMIT\n');
    assert.deepEqual([1, 2, 3, 4, 5, 6].map(() => run(r, p()).mark), [0, 0, 1, 0, 0, 1]);
  });

  test('statistic random follows the random source', () => {
    const r = rules('*filter\n:INPUT ACCEPT [0:0]\n-A INPUT -m statistic --mode random --probability 0.25 -j MARK --set-mark 0x1\nCOMMIT\n');
    assert.equal(run(r, p(), { random: rigged(0.2) }).mark, 1);
    assert.equal(run(r, p(), { random: rigged(0.3) }).mark, 0);
  });

  test('recent: --set, --rcheck --seconds, --hitcount, --remove', () => {
    const r = rules(`*filter
:INPUT ACCEPT [0:0]
-A INPUT -p tcp -m tcp --dport 1 -m recent --set --name L
-A INPUT -p tcp -m tcp --dport 2 -m recent --rcheck --seconds 10 --name L -j MARK --set-mark 0x1
-A INPUT -p tcp -m tcp --dport 3 -m recent --rcheck --seconds 100 --hitcount 2 --name L -j MARK --set-mark 0x2
-A INPUT -p tcp -m tcp --dport 4 -m recent --remove --name L
COMMIT
`);
    const hit = (port: number, now: number): number => run(r, tcp('10.0.0.7', 1, '192.168.0.2', port), { now }).mark;
    hit(1, 0);
    assert.equal(hit(2, 5_000), 1);
    assert.equal(hit(2, 11_000), 0, 'outside --seconds');
    assert.equal(hit(3, 20_000), 0, 'one hit only');
    hit(1, 21_000);
    assert.equal(hit(3, 22_000), 2);
    hit(4, 23_000);
    assert.equal(hit(2, 23_500), 0, 'removed');
  });
});
