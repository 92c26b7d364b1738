// Interpreter semantics, hook by hook without conntrack (statelessNat): verdicts,
// chain priorities around the NAT step, matches, sets, marks, numgen.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { FlowKey } from '../flow-key.js';
import { runNetfilterHook, statelessNat } from './nf-hook-runner.js';
import { NF_CT_STATE_ESTABLISHED, NF_CT_STATE_NEW, type NfEnv, type NfHook, type NfPacket } from './nf-types.js';
import { NftRuleset } from './nft-ruleset.js';
import { dstOf, ip, rigged, tcp, udp } from './_test-packets.js';

function ruleset(text: string): NftRuleset {
  const rs = new NftRuleset();
  const r = rs.load(text, 0);
  assert.ok(r.ok, JSON.stringify(!r.ok && r.error));
  return rs;
}

interface RunOpts {
  hook?: NfHook;
  random?: () => number;
  mark?: number;
  state?: number;
  status?: number;
  now?: number;
  iif?: string;
  oif?: string;
}

function run(rs: NftRuleset, key: FlowKey, o: RunOpts = {}) {
  const pkt: NfPacket = { key, mark: o.mark ?? 0, iif: o.iif ?? 'eth0', oif: o.oif ?? '', bytes: 100, ct: { state: o.state ?? NF_CT_STATE_NEW, status: o.status ?? 0, mark: 0, direction: 0 } };
  const env: NfEnv = { hook: o.hook ?? 'input', now: o.now ?? 0, random: o.random ?? rigged(0), isLocalAddress: (a) => a === ip('192.168.0.2') };
  const trace: never[] = [];
  const r = runNetfilterHook([rs], o.hook ?? 'input', pkt, env, statelessNat({ masqueradeAddress: () => ip('192.168.0.2') }), trace);
  return { r, pkt, verdict: r.verdict.kind === 'reject' ? `reject ${r.verdict.with.kind === 'icmp' ? r.verdict.with.type : 'tcp-reset'}` : r.verdict.kind };
}

const pkt1 = (): FlowKey => tcp('10.0.0.1', 1000, '192.168.0.2', 80);

describe('nftables verdicts and chains', () => {
  test('jump returns to the caller, goto does not; return and end of base chain apply the policy', () => {
    const rs = ruleset(`
      table ip t {
        chain sub { meta mark set 0x1 }
        chain gsub { meta mark set meta mark | 0x2 }
        chain base { type filter hook input priority 0; policy drop;
          jump sub
          meta mark 0x1 goto gsub
          accept
        }
      }`);
    const a = run(rs, pkt1());
    assert.equal(a.verdict, 'drop', 'goto ends in gsub, whose end returns to the base chain caller: the policy');
    assert.equal(a.pkt.mark, 3);
    const rs2 = ruleset('table ip t { chain sub { return; accept } chain base { type filter hook input priority 0; policy drop; jump sub; accept } }');
    assert.equal(run(rs2, pkt1()).verdict, 'accept', 'return in a jumped-to chain resumes after the jump');
    const rs3 = ruleset('table ip t { chain base { type filter hook input priority 0; policy accept; return; drop } }');
    assert.equal(run(rs3, pkt1()).verdict, 'accept', 'return in a base chain applies the policy');
  });

  test('policy fallthrough, continue, counters, and every base chain of the hook must accept', () => {
    const rs = ruleset(`
      table ip a { chain in { type filter hook input priority 0; policy accept; tcp dport 80 counter continue; counter } }
      table ip b { chain in { type filter hook input priority 10; policy drop; tcp dport 22 accept } }`);
    assert.equal(run(rs, pkt1()).verdict, 'drop');
    const c = rs.table('ip', 'a')!.chains.get('in')!.rules;
    assert.deepEqual(
      c.map((r) => (r.stmts.find((s) => s.k === 'counter') as { packets: number } | undefined)?.packets),
      [1, 1],
    );
    assert.equal(run(rs, tcp('10.0.0.1', 1000, '192.168.0.2', 22)).verdict, 'accept');
  });

  test('reject variants', () => {
    const rs = ruleset(`table ip t { chain in { type filter hook input priority 0;
      tcp dport 1 reject
      tcp dport 2 reject with icmp type host-unreachable
      tcp dport 3 reject with tcp reset
      tcp dport 4 reject with icmpx admin-prohibited } }`);
    assert.equal(run(rs, tcp('1.1.1.1', 5, '2.2.2.2', 1)).verdict, 'reject port-unreachable');
    assert.equal(run(rs, tcp('1.1.1.1', 5, '2.2.2.2', 2)).verdict, 'reject host-unreachable');
    assert.equal(run(rs, tcp('1.1.1.1', 5, '2.2.2.2', 3)).verdict, 'reject tcp-reset');
    assert.equal(run(rs, tcp('1.1.1.1', 5, '2.2.2.2', 4)).verdict, 'reject admin-prohibited');
  });

  test('chains before the NAT priority see the original address, chains after it the translated one', () => {
    const rs = ruleset(`
      table ip t {
        chain pre { type filter hook prerouting priority -150; ip daddr 172.30.0.1 meta mark set meta mark | 0x1 }
        chain nat { type nat hook prerouting priority -100; ip daddr 172.30.0.1 dnat to 10.0.0.9:8080 }
        chain post { type filter hook prerouting priority 0; ip daddr 10.0.0.9 tcp dport 8080 meta mark set meta mark | 0x2 }
      }`);
    const k = tcp('10.1.1.1', 999, '172.30.0.1', 80);
    const { r, pkt } = run(rs, k, { hook: 'prerouting' });
    assert.equal(pkt.mark, 3);
    assert.equal(dstOf(k), '10.0.0.9:8080');
    assert.deepEqual(r.nat, { kind: 'dnat', addrMin: ip('10.0.0.9'), addrMax: ip('10.0.0.9'), portMin: 8080, portMax: 8080 });
  });
});

describe('nftables matches', () => {
  const rs = ruleset(`
    table ip t {
      set blocked { type ipv4_addr; flags interval; elements = { 10.9.0.0/16, 10.8.0.1-10.8.0.5 } }
      set pairs { type ipv4_addr . inet_service; elements = { 10.0.0.1 . 80, 10.0.0.2 . 443 } }
      chain in { type filter hook input priority 0; policy accept;
        ip saddr @blocked drop
        ip saddr . tcp dport @pairs meta mark set 0x10 accept
        ct state established,related meta mark set 0x20 accept
        ct status dnat meta mark set 0x21 accept
        meta mark & 0x4000 == 0x4000 meta mark set 0x30 accept
        tcp dport 1000-2000 meta mark set 0x40 accept
        ip saddr != { 10.0.0.0/8, 192.168.0.0/16 } meta mark set 0x50 accept
        fib saddr type local meta mark set 0x60 accept
        iifname "lo" meta mark set 0x70 accept
        meta l4proto udp th dport 53 meta mark set 0x80 accept
      }
    }`);
  const cases: [string, FlowKey, RunOpts, number | 'drop'][] = [
    ['interval set prefix', tcp('10.9.3.3', 1, '1.1.1.1', 9), {}, 'drop'],
    ['interval set range', tcp('10.8.0.4', 1, '1.1.1.1', 9), {}, 'drop'],
    ['just outside the range', tcp('10.8.0.6', 1, '1.1.1.1', 9), {}, 0],
    ['concatenated set', tcp('10.0.0.2', 1, '1.1.1.1', 443), {}, 0x10],
    ['concatenated set, other port', tcp('10.0.0.2', 1, '1.1.1.1', 80), {}, 0],
    ['ct state flag list', tcp('10.0.0.3', 1, '1.1.1.1', 9), { state: NF_CT_STATE_ESTABLISHED }, 0x20],
    ['ct status dnat', tcp('10.0.0.3', 1, '1.1.1.1', 9), { status: 32 }, 0x21],
    ['mark bit test', tcp('10.0.0.3', 1, '1.1.1.1', 9), { mark: 0x4001 }, 0x30],
    ['port range', tcp('10.0.0.3', 1, '1.1.1.1', 1500), {}, 0x40],
    ['negated anonymous set', tcp('172.16.0.1', 1, '1.1.1.1', 9), {}, 0x50],
    ['fib saddr type local', tcp('192.168.0.2', 1, '1.1.1.1', 9), {}, 0x60],
    ['iifname', tcp('10.0.0.3', 1, '1.1.1.1', 9), { iif: 'lo' }, 0x70],
    ['th dport after l4proto', udp('10.0.0.3', 1, '1.1.1.1', 53), {}, 0x80],
    ['th dport of another protocol', tcp('10.0.0.3', 1, '1.1.1.1', 53), {}, 0],
  ];
  for (const [name, key, o, want] of cases) {
    test(name, () => {
      const { verdict, pkt } = run(rs, key, o);
      if (want === 'drop') assert.equal(verdict, 'drop');
      else {
        assert.equal(verdict, 'accept');
        assert.equal(pkt.mark, want === 0 ? (o.mark ?? 0) : want);
      }
    });
  }

  test('ct state != new tests the bit', () => {
    const r = ruleset('table ip t { chain in { type filter hook input priority 0; policy drop; ct state != new accept } }');
    assert.equal(run(r, pkt1(), { state: NF_CT_STATE_NEW }).verdict, 'drop');
    assert.equal(run(r, pkt1(), { state: NF_CT_STATE_ESTABLISHED }).verdict, 'accept');
  });

  test('meta mark set with or / xor / and', () => {
    const r = ruleset('table ip t { chain in { type filter hook input priority 0; mark set mark or 0x4000; mark set mark xor 0x1; mark set mark and 0xff00 } }');
    assert.equal(run(r, pkt1(), { mark: 0x12 }).pkt.mark, 0x4000 & 0xff00);
  });

  test('numgen inc round-robins; numgen random follows the random source', () => {
    const r = ruleset(`table ip t { chain a { meta mark set 0xa } chain b { meta mark set 0xb } chain c { meta mark set 0xc }
      chain in { type filter hook input priority 0; numgen inc mod 3 vmap { 0 : jump a, 1 : jump b, 2 : jump c } } }`);
    assert.deepEqual([0, 1, 2, 3].map(() => run(r, pkt1()).pkt.mark), [0xa, 0xb, 0xc, 0xa]);
    const r2 = ruleset(`table ip t { chain a { meta mark set 0xa } chain b { meta mark set 0xb }
      chain in { type filter hook input priority 0; numgen random mod 2 vmap { 0 : jump a, 1 : jump b } } }`);
    assert.equal(run(r2, pkt1(), { random: rigged(0.2) }).pkt.mark, 0xa);
    assert.equal(run(r2, pkt1(), { random: rigged(0.7) }).pkt.mark, 0xb);
  });

  test('dynamic set: update refreshes, elements expire, add does not refresh', () => {
    const r = ruleset(`table ip t { set seen { type ipv4_addr; flags dynamic,timeout; timeout 10s; }
      set once { type ipv4_addr; flags dynamic,timeout; timeout 10s; }
      chain in { type filter hook input priority 0; ip saddr @seen meta mark set 0x1; update @seen { ip saddr }; add @once { ip saddr } } }`);
    const set = r.table('ip', 't')!.sets;
    assert.equal(run(r, pkt1(), { now: 0 }).pkt.mark, 0);
    assert.equal(run(r, pkt1(), { now: 9_000 }).pkt.mark, 1);
    assert.equal(run(r, pkt1(), { now: 18_000 }).pkt.mark, 1, 'refreshed at 9s');
    assert.equal(run(r, pkt1(), { now: 28_001 }).pkt.mark, 0, 'expired 10s after the last update');
    assert.equal(set.get('once')!.elements.list(28_001).length, 1, 're-added after expiry at 28s');
    assert.equal(set.get('once')!.elements.list(0)[0]!.expiresAt, 38_001);
  });

  test('masquerade and snat only act at srcnat hooks', () => {
    const r = ruleset('table ip t { chain post { type nat hook postrouting priority 100; oifname "eth0" masquerade } }');
    const k = tcp('10.0.0.1', 1234, '8.8.8.8', 53);
    const { r: res } = run(r, k, { hook: 'postrouting', oif: 'eth0' });
    assert.equal(res.nat?.kind, 'masquerade');
    assert.equal(k.nwSrc, ip('192.168.0.2'));
    const k2 = tcp('10.0.0.1', 1234, '8.8.8.8', 53);
    run(r, k2, { hook: 'postrouting', oif: 'eth1' });
    assert.equal(k2.nwSrc, ip('10.0.0.1'));
  });
});

describe('named numgen verdict maps (kube-proxy endpoint maps)', () => {
  const text = [
    'add table ip t',
    'add chain ip t in { type filter hook input priority 0 ; }',
    'add chain ip t ep0',
    'add chain ip t ep1',
    'add chain ip t ep2',
    'add rule ip t ep0 drop',
    'add rule ip t ep1 reject',
    'add rule ip t ep2 accept',
    // `mod 1` in the declaration only types the key: elements and the rule's modulus may exceed it.
    'add map ip t eps { typeof numgen random mod 1 : verdict ; }',
    'add element ip t eps { 0 : goto ep0 , 1 : goto ep1 }',
    'add element ip t eps { 2 : goto ep2 }',
    'add rule ip t in numgen random mod 3 vmap @eps',
    '',
  ].join('\n');

  test('numgen random mod N vmap @map picks the element numbered by the random draw', () => {
    const rs = ruleset(text);
    assert.equal(run(rs, pkt1(), { random: rigged(0.1) }).verdict, 'drop');
    assert.equal(run(rs, pkt1(), { random: rigged(0.5) }).verdict, 'reject port-unreachable');
    assert.equal(run(rs, pkt1(), { random: rigged(0.9) }).verdict, 'accept');
  });

  test('a vmap whose key type differs from the expression is refused, as nft does', () => {
    const rs = new NftRuleset();
    const r = rs.load(text.replace('typeof numgen random mod 1 : verdict', 'type mark : verdict'), 0);
    assert.equal(r.ok, false);
    assert.match(!r.ok ? r.error.message : '', /datatype mismatch, map eps expects mark, mapping expression has type integer/);
    assert.equal(rs.tables.size, 0, 'nothing of the transaction stays');
  });
});
