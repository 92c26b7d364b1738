// The hook runner with conntrack: NAT decided once per connection, confirm at the end of
// postrouting/input, replies un-NATed, drops before confirm leave nothing, ct mark, ICMP.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Conntrack } from '../conntrack/index.js';
import { ETH_TYPE_ARP } from '../flow-key.js';
import { IptRuleset } from '../iptables/ipt-ruleset.js';
import { NetfilterRunner } from './nf-runner.js';
import { formatNfTrace } from './nf-trace.js';
import { NftRuleset } from './nft-ruleset.js';
import { FORWARD, LOCAL_IN, TCP_ACK, TCP_SYNACK, dstOf, icmpEcho, ip, l4Key, skb, srcOf, tcp, udp } from './_test-packets.js';

const NODE = ip('192.168.0.2');

function nft(text: string): NftRuleset {
  const rs = new NftRuleset();
  const r = rs.load(text, 0);
  assert.ok(r.ok, JSON.stringify(!r.ok && r.error));
  return rs;
}

function runner(...rulesets: (NftRuleset | IptRuleset)[]): { run: NetfilterRunner; ct: Conntrack } {
  const ct = new Conntrack();
  const run = new NetfilterRunner({ conntrack: ct, rulesets, localAddresses: [NODE], masqueradeAddress: (oif) => (oif === 'eth0' ? NODE : undefined) });
  return { run, ct };
}

const DNAT_TO = (ep: string): string => `table ip t { chain pre { type nat hook prerouting priority dstnat; ip daddr 172.30.0.1 tcp dport 80 dnat to ${ep} } }`;

describe('netfilter runner with conntrack', () => {
  test('the nat chains decide once per connection: a new ruleset only affects new connections', () => {
    const { run } = runner(nft(DNAT_TO('10.0.0.1:8080')));
    const a = skb(tcp('10.1.0.1', 4000, '172.30.0.1', 80), 'eth1', 'eth1');
    run.path(FORWARD, a, 0);
    assert.equal(dstOf(a.key), '10.0.0.1:8080');
    run.path(FORWARD, skb(tcp('10.0.0.1', 8080, '10.1.0.1', 4000, TCP_SYNACK), 'eth1', 'eth1'), 1);
    run.setRulesets([nft(DNAT_TO('10.0.0.2:8080'))]);
    const again = skb(tcp('10.1.0.1', 4000, '172.30.0.1', 80, TCP_ACK), 'eth1', 'eth1');
    run.path(FORWARD, again, 1);
    assert.equal(dstOf(again.key), '10.0.0.1:8080', 'established: old binding');
    const fresh = skb(tcp('10.1.0.1', 4001, '172.30.0.1', 80), 'eth1', 'eth1');
    run.path(FORWARD, fresh, 2);
    assert.equal(dstOf(fresh.key), '10.0.0.2:8080');
  });

  test('an ACK of a connection still in SYN_SENT is invalid and not translated (Linux TCP table)', () => {
    const { run } = runner(nft(DNAT_TO('10.0.0.1:8080')));
    run.path(FORWARD, skb(tcp('10.1.0.1', 4000, '172.30.0.1', 80), 'eth1', 'eth1'), 0);
    const ack = skb(tcp('10.1.0.1', 4000, '172.30.0.1', 80, TCP_ACK), 'eth1', 'eth1');
    const [pre] = run.path(FORWARD, ack, 1, { trace: true });
    assert.equal(dstOf(ack.key), '172.30.0.1:80');
    assert.ok(pre!.trace!.some((e) => e.kind === 'conntrack' && e.text.startsWith('ct state invalid')));
  });

  test('a packet dropped after DNAT but before confirm leaves no entry', () => {
    const rs = nft(`${DNAT_TO('10.0.0.1:8080')}\ntable ip f { chain fwd { type filter hook forward priority 0; policy drop; } }`);
    const { run, ct } = runner(rs);
    const a = skb(tcp('10.1.0.1', 4000, '172.30.0.1', 80), 'eth1', 'eth1');
    const res = run.path(FORWARD, a, 0);
    assert.equal(res.length, 2);
    assert.equal(res[1]!.verdict.kind, 'drop');
    assert.equal(ct.size, 0);
  });

  test('masquerade: source rewritten at postrouting, replies restored at prerouting', () => {
    const rs = nft('table ip t { chain post { type nat hook postrouting priority srcnat; oifname "eth0" ip saddr 10.0.0.0/8 masquerade } }');
    const { run, ct } = runner(rs);
    const out = skb(tcp('10.1.0.1', 5555, '8.8.8.8', 443), 'cni0', 'eth0');
    const [, , post] = run.path(FORWARD, out, 0, { trace: true });
    assert.equal(srcOf(out.key), '192.168.0.2:5555');
    assert.ok(post!.trace!.some((e) => e.kind === 'conntrack' && e.text.includes('zone 1')));
    assert.equal(ct.size, 2, 'one entry per zone: DNAT zone (null binding) and SNAT zone');
    const back = skb(tcp('8.8.8.8', 443, '192.168.0.2', 5555, TCP_SYNACK), 'eth0', 'cni0');
    const [pre] = run.path(FORWARD, back, 1, { trace: true });
    assert.equal(dstOf(back.key), '10.1.0.1:5555');
    assert.ok(pre!.trace!.some((e) => e.kind === 'nat' && e.how === 'binding' && e.manip === 'dst'));
    const more = skb(tcp('10.1.0.1', 5555, '8.8.8.8', 443, TCP_ACK), 'cni0', 'eth0');
    run.path(FORWARD, more, 2);
    assert.equal(srcOf(more.key), '192.168.0.2:5555');
  });

  test('ct mark set on the first packet is stored and seen by later packets', () => {
    const rs = nft(`table ip t { chain in { type filter hook input priority 0;
      ct state new ct mark set 0x7
      ct mark 0x7 ct state established meta mark set 0x99 } }`);
    const { run } = runner(rs);
    run.path(LOCAL_IN, skb(tcp('10.1.0.1', 1, '192.168.0.2', 22), 'eth0'), 0);
    run.path(LOCAL_IN, skb(tcp('192.168.0.2', 22, '10.1.0.1', 1, TCP_SYNACK), 'eth0'), 1);
    const s = skb(tcp('10.1.0.1', 1, '192.168.0.2', 22, TCP_ACK), 'eth0');
    run.path(LOCAL_IN, s, 2);
    assert.equal(s.mark, 0x99);
  });

  test('invalid packets skip the nat chains and can be dropped by ct state invalid', () => {
    const rs = nft(`${DNAT_TO('10.0.0.1:8080')}\ntable ip f { chain fwd { type filter hook forward priority 0; ct state invalid drop } }`);
    const { run } = runner(rs);
    const s = skb(tcp('10.1.0.1', 4000, '172.30.0.1', 80, TCP_SYNACK), 'eth1', 'eth1');
    const res = run.path(FORWARD, s, 0);
    assert.equal(dstOf(s.key), '172.30.0.1:80');
    assert.equal(res[1]!.verdict.kind, 'drop');
  });

  test('ICMP echo through masquerade keeps its id and comes back', () => {
    const rs = nft('table ip t { chain post { type nat hook postrouting priority srcnat; oifname "eth0" masquerade } }');
    const { run } = runner(rs);
    const out = { ...skb(icmpEcho('10.1.0.1', '8.8.8.8'), 'cni0', 'eth0'), icmpId: 77 };
    run.path(FORWARD, out, 0);
    assert.equal(out.key.nwSrc, NODE);
    assert.equal(out.icmpId, 77);
    const reply = icmpEcho('8.8.8.8', '192.168.0.2');
    reply.tpSrc = 0;
    const back = { ...skb(reply, 'eth0', 'cni0'), icmpId: 77 };
    run.path(FORWARD, back, 1);
    assert.equal(back.key.nwDst, ip('10.1.0.1'));
  });

  test('an ICMP error about a masqueraded flow is related and sent back to the pod with its quote restored', () => {
    const rs = nft('table ip t { chain post { type nat hook postrouting priority srcnat; oifname "eth0" masquerade } }');
    const { run } = runner(rs);
    const out = skb(udp('10.1.0.1', 40000, '8.8.8.8', 53), 'cni0', 'eth0');
    run.path(FORWARD, out, 0);
    assert.equal(srcOf(out.key), '192.168.0.2:40000');
    const err = l4Key(1, '9.9.9.9', 3, '192.168.0.2', 3);
    const back = { ...skb(err, 'eth0', 'cni0'), quoted: { src: NODE, dst: ip('8.8.8.8'), proto: 17, srcPort: 40000, dstPort: 53, icmpType: 0 } };
    const [pre] = run.path(FORWARD, back, 1, { trace: true });
    assert.ok(pre!.trace!.some((e) => e.kind === 'conntrack' && e.text.startsWith('ct state related')));
    assert.equal(back.key.nwDst, ip('10.1.0.1'));
    assert.equal(back.quoted.src, ip('10.1.0.1'));
    assert.equal(back.quoted.srcPort, 40000);
  });

  test('iptables and nftables rulesets run side by side, ordered by priority', () => {
    const ipt = new IptRuleset();
    assert.ok(ipt.restore('*nat\n:PREROUTING ACCEPT [0:0]\n-A PREROUTING -d 172.30.0.1/32 -p tcp -m tcp --dport 80 -j DNAT --to-destination 10.0.0.5:80\nCOMMIT\n').ok);
    const f = nft('table ip f { chain fwd { type filter hook forward priority 0; ip daddr 10.0.0.5 meta mark set 0x5 } }');
    const { run } = runner(ipt, f);
    const s = skb(tcp('10.1.0.1', 4000, '172.30.0.1', 80), 'eth1', 'eth1');
    const res = run.path(FORWARD, s, 0, { trace: true });
    assert.equal(dstOf(s.key), '10.0.0.5:80');
    assert.equal(s.mark, 0x5);
    const text = res.flatMap((r) => formatNfTrace(r.trace!)).join('\n');
    assert.match(text, /nat PREROUTING \(hook\)/);
    assert.match(text, /rule -A PREROUTING -d 172\.30\.0\.1\/32 -p tcp -m tcp --dport 80 -j DNAT --to-destination 10\.0\.0\.5:80/);
    assert.match(text, /ip f fwd \(hook\)/);
  });

  test('non-IPv4 frames are not netfilter business', () => {
    const { run } = runner(nft('table ip t { chain in { type filter hook input priority 0; policy drop; } }'));
    const s = skb(tcp('10.1.0.1', 1, '192.168.0.2', 22), 'eth0');
    s.key.dlType = ETH_TYPE_ARP;
    assert.equal(run.hook('input', s, 0).verdict.kind, 'accept');
  });
});
