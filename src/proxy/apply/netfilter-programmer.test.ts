import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Conntrack } from '../../dataplane/conntrack/index.js';
import { IptRuleset } from '../../dataplane/iptables/index.js';
import { formatNftRuleset, NetfilterRunner, NftRuleset, type NftStmt } from '../../dataplane/nftables/index.js';
import { FORWARD, dstOf, ip, skb, tcp, through } from '../../dataplane/nftables/_test-packets.js';
import { buildService, buildSlice } from '../model/builders.js';
import { projectEndpointSlice, projectService } from '../model/project.js';
import { NetfilterProxier, type KubeProxyMode } from '../netfilter-proxier.js';
import { iptablesProgrammer, nftablesProgrammer, type NftTransaction } from './netfilter-programmer.js';

const HTTP = [{ name: 'http', port: 80, targetPort: 8080 }];
const CLIENT = '172.25.4.9';

/** One node: proxier -> programmer -> ruleset, packets through NetfilterRunner. */
function node(mode: KubeProxyMode, opts: { counters?: boolean } = {}) {
  const nft = new NftRuleset();
  const ipt = new IptRuleset();
  const txs: NftTransaction[] = [];
  let now = 1_000_000;
  const programmer = mode === 'nftables' ? nftablesProgrammer(nft, () => now, { onTransaction: (t) => txs.push(t) }) : iptablesProgrammer(ipt);
  const proxier = new NetfilterProxier({ nodeName: 'n1', nodeIPs: ['10.0.0.1'], mode, clusterCIDR: '172.25.0.0/16', programmer, ...(opts.counters === true ? { counters: true } : {}) });
  let r = 0.1;
  const runner = new NetfilterRunner({ conntrack: new Conntrack(), rulesets: [mode === 'nftables' ? nft : ipt], localAddresses: [ip('10.0.0.1')], masqueradeAddress: () => ip('10.0.0.1'), random: () => r });
  let sport = 30000;
  return {
    nft,
    ipt,
    txs,
    proxier,
    service(name: string, vip: string, eps: string[], affinity?: number) {
      proxier.onServiceUpdate(undefined, projectService(buildService({ namespace: 'ns', name, clusterIP: vip, ports: HTTP, ...(affinity !== undefined ? { affinityTimeoutSeconds: affinity } : {}) })));
      proxier.onEndpointSliceUpdate(undefined, projectEndpointSlice(buildSlice({ namespace: 'ns', service: name, ports: HTTP, endpoints: eps.map((e) => ({ ip: e, node: 'n2' })) })));
    },
    sync() {
      const s = proxier.sync();
      assert.equal(s.outcome.kind, 'applied', JSON.stringify(s.outcome));
    },
    /** A new connection from CLIENT to vip:80 with the random source at `rand`; its DNAT target. */
    connect(vip: string, rand = 0.1): string {
      r = rand;
      now += 1000;
      const s = skb(tcp(CLIENT, sport++, vip, 80), 'eth1', 'eth1');
      assert.equal(through(runner, FORWARD, s, now).verdict.kind, 'accept');
      return dstOf(s.key);
    },
  };
}

/** Sum of the counter statements in the chains whose name contains `part`. */
function nftCount(rs: NftRuleset, part: string | RegExp): number {
  let n = 0;
  for (const c of rs.table('ip', 'kube-proxy')!.chains.values()) {
    if (typeof part === 'string' ? !c.name.includes(part) : !part.test(c.name)) continue;
    for (const r of c.rules) for (const s of r.stmts as NftStmt[]) if (s.k === 'counter') n += s.packets;
  }
  return n;
}

function affinityEntries(rs: NftRuleset, part: string): number {
  let n = 0;
  for (const s of rs.table('ip', 'kube-proxy')!.sets.values()) if (s.name.startsWith('affinity-') && s.name.includes(part)) n += s.elements.list().length;
  return n;
}

/** The listing as a set of blocks (incremental syncs append new chains at the end). */
function blocks(rs: NftRuleset): string[] {
  return formatNftRuleset(rs, { counters: false })
    .split('\n\n')
    .map((b) => b.replace(/^table ip kube-proxy \{\n|\n\}\n?$/g, '').trim())
    .sort();
}

describe('nftablesProgrammer: syncs keep live state', () => {
  test('counters: true counts traffic on the dispatch and dnat rules', () => {
    const n = node('nftables', { counters: true });
    n.service('web', '10.96.0.10', ['172.25.5.2', '172.25.5.3']);
    n.sync();
    assert.equal(nftCount(n.nft, 'ns/web/tcp/http'), 0);
    assert.equal(n.connect('10.96.0.10', 0.1), '172.25.5.2:8080');
    assert.equal(n.connect('10.96.0.10', 0.9), '172.25.5.3:8080');
    assert.equal(nftCount(n.nft, 'service-'), 2, 'the dispatch rule saw both connections');
    assert.equal(nftCount(n.nft, 'endpoint-'), 2);
    assert.equal(nftCount(n.nft, '__172.25.5.3/8080'), 1);
    assert.match(formatNftRuleset(n.nft), /counter packets 1 bytes 60 dnat to 172\.25\.5\.3:8080/);
  });

  test('an unrelated Service change keeps the counters and affinity entries of another', () => {
    const n = node('nftables', { counters: true });
    n.service('sticky', '10.96.0.10', ['172.25.5.2', '172.25.5.3'], 600);
    n.service('other', '10.96.0.20', ['172.25.6.2']);
    n.sync();
    assert.equal(n.txs.at(-1)?.kind, 'initial');
    const first = n.connect('10.96.0.10', 0.9);
    assert.equal(first, '172.25.5.3:8080');
    n.connect('10.96.0.20');
    assert.equal(affinityEntries(n.nft, 'ns/sticky'), 1);
    assert.equal(nftCount(n.nft, 'ns/sticky'), 2);

    // Scale "other" and add a third Service.
    n.proxier.onEndpointSliceUpdate(undefined, projectEndpointSlice(buildSlice({ namespace: 'ns', service: 'other', ports: HTTP, endpoints: [{ ip: '172.25.6.2', node: 'n2' }, { ip: '172.25.6.3', node: 'n2' }] })));
    n.service('third', '10.96.0.30', ['172.25.7.2']);
    n.sync();
    const tx = n.txs.at(-1)!;
    assert.equal(tx.kind, 'incremental');
    assert.doesNotMatch(tx.text, /^(flush|delete) \S+ ip kube-proxy \S*sticky|^add (rule|chain|map|set) ip kube-proxy \S*sticky/m, "the untouched Service's objects are not in the transaction");
    assert.doesNotMatch(tx.text, /^flush (set|map) ip kube-proxy (service-ips|cluster-ips)$/m, 'shared maps change element by element');
    assert.match(tx.text, /^add element ip kube-proxy service-ips \{ 10\.96\.0\.30 \. tcp \. 80 : goto service-\w{8}-ns\/third\/tcp\/http \}$/m);
    assert.doesNotMatch(tx.text, /delete table/);
    assert.equal(affinityEntries(n.nft, 'ns/sticky'), 1, 'affinity entry survived the sync');
    assert.equal(nftCount(n.nft, 'ns/sticky'), 2, 'counters survived the sync');
    assert.equal(nftCount(n.nft, /^service-\w{8}-ns\/other\//), 0, "the changed Service's chain was refilled");
    assert.equal(nftCount(n.nft, /^endpoint-\w{8}-ns\/other\//), 1, 'its unchanged endpoint chain kept its count');
    // Affinity still steers the client, whatever the random source says.
    assert.equal(n.connect('10.96.0.10', 0.1), first);
    assert.equal(nftCount(n.nft, 'ns/sticky'), 3);
    assert.equal(n.connect('10.96.0.20', 0.9), '172.25.6.3:8080');
    assert.equal(n.connect('10.96.0.30'), '172.25.7.2:8080');
  });

  test('the incremental result equals a fresh load; removed Services leave nothing behind', () => {
    const n = node('nftables');
    n.service('a', '10.96.0.10', ['172.25.5.2', '172.25.5.3'], 600);
    n.service('b', '10.96.0.20', ['172.25.6.2']);
    n.sync();
    n.connect('10.96.0.10');
    n.proxier.onServiceUpdate(projectService(buildService({ namespace: 'ns', name: 'a', clusterIP: '10.96.0.10', ports: HTTP, affinityTimeoutSeconds: 600 })), undefined);
    n.proxier.onEndpointSliceUpdate(undefined, projectEndpointSlice(buildSlice({ namespace: 'ns', service: 'b', ports: HTTP, endpoints: [{ ip: '172.25.6.9', node: 'n2' }] })));
    n.sync();
    const tx = n.txs.at(-1)!;
    assert.equal(tx.kind, 'incremental');
    assert.match(tx.text, /^delete chain ip kube-proxy service-\w{8}-ns\/a\/tcp\/http$/m);
    assert.match(tx.text, /^delete map ip kube-proxy service-\w{8}-ns\/a\/tcp\/http-endpoints$/m);
    assert.match(tx.text, /^delete set ip kube-proxy affinity-\w{8}-ns\/a\/tcp\/http__172\.25\.5\.2\/8080$/m);
    const fresh = new NftRuleset();
    assert.ok(fresh.load(n.proxier.lastProgram, 0).ok);
    assert.deepEqual(blocks(n.nft), blocks(fresh));
    assert.doesNotMatch(formatNftRuleset(n.nft), /ns\/a\//);
  });

  test('a changed affinity timeout recreates that set only', () => {
    const n = node('nftables');
    n.service('a', '10.96.0.10', ['172.25.5.2'], 600);
    n.service('b', '10.96.0.20', ['172.25.6.2'], 600);
    n.sync();
    n.connect('10.96.0.10');
    n.connect('10.96.0.20');
    const svc = (t: number) => projectService(buildService({ namespace: 'ns', name: 'a', clusterIP: '10.96.0.10', ports: HTTP, affinityTimeoutSeconds: t }));
    n.proxier.onServiceUpdate(svc(600), svc(30));
    n.sync();
    assert.equal(n.txs.at(-1)!.kind, 'incremental');
    assert.match(formatNftRuleset(n.nft), /set affinity-\w{8}-ns\/a\/tcp\/http__172\.25\.5\.2\/8080 \{\n\t\ttype ipv4_addr\n\t\tsize 65535\n\t\tflags dynamic,timeout\n\t\ttimeout 30s\n/);
    assert.equal(affinityEntries(n.nft, 'ns/a'), 0, 'the recreated set starts empty');
    assert.equal(affinityEntries(n.nft, 'ns/b'), 1);
    assert.equal(n.connect('10.96.0.10'), '172.25.5.2:8080');
    assert.equal(affinityEntries(n.nft, 'ns/a'), 1, 'the rules use the new set');
  });

  test('a table changed behind our back is replaced; errors name the program line', () => {
    const n = node('nftables');
    n.service('a', '10.96.0.10', ['172.25.5.2']);
    n.sync();
    assert.ok(n.nft.load('add chain ip kube-proxy intruder\n', 0).ok);
    n.proxier.requestFullSync();
    n.service('b', '10.96.0.20', ['172.25.6.2']);
    n.sync();
    assert.equal(n.txs.at(-1)!.kind, 'replace');
    assert.equal(n.nft.table('ip', 'kube-proxy')!.chains.has('intruder'), false);

    const programmer = nftablesProgrammer(n.nft, () => 0);
    const bad = `${n.proxier.lastProgram}add rule ip kube-proxy services goto no-such-chain\n`;
    const r = programmer.apply(bad);
    assert.equal(r.ok, false);
    assert.equal(!r.ok && r.error, `nft: line ${bad.split('\n').length - 1}: No such file or directory: chain no-such-chain in table ip kube-proxy`);
  });

  test('an unchanged program is an empty transaction', () => {
    const n = node('nftables');
    n.service('a', '10.96.0.10', ['172.25.5.2']);
    n.sync();
    n.proxier.requestFullSync();
    n.sync();
    assert.deepEqual({ kind: n.txs.at(-1)!.kind, text: n.txs.at(-1)!.text }, { kind: 'incremental', text: '' });
  });
});

describe('iptablesProgrammer: syncs keep live state', () => {
  const pkts = (rs: IptRuleset, part: string, chainPrefix = 'KUBE-') => {
    let n = 0;
    for (const c of rs.tables.get('nat')!.chains.values()) {
      if (!c.name.startsWith(chainPrefix)) continue;
      for (const r of c.rules) if (r.matches.some((m) => m.m === 'comment' && m.comment.includes(part))) n += r.packets;
    }
    return n;
  };

  test('counters of unchanged chains and -m recent entries survive a restore', () => {
    const n = node('iptables');
    n.service('sticky', '10.96.0.10', ['172.25.5.2', '172.25.5.3'], 600);
    n.service('other', '10.96.0.20', ['172.25.6.2']);
    n.sync();
    const first = n.connect('10.96.0.10', 0.9);
    n.connect('10.96.0.20');
    const before = pkts(n.ipt, 'ns/sticky');
    assert.ok(before >= 3, `counted ${before}`);
    const recent = [...n.ipt.tables.get('nat')!.chains.keys()].filter((c) => c.startsWith('KUBE-SEP-')).flatMap((c) => n.ipt.recent.entries(c));
    assert.equal(recent.length, 1);

    n.proxier.onEndpointSliceUpdate(undefined, projectEndpointSlice(buildSlice({ namespace: 'ns', service: 'other', ports: HTTP, endpoints: [{ ip: '172.25.6.2', node: 'n2' }, { ip: '172.25.6.3', node: 'n2' }] })));
    n.sync();
    assert.equal(pkts(n.ipt, 'ns/sticky'), before, 'KUBE-SVC/KUBE-SEP counters of the unchanged Service kept');
    assert.equal(pkts(n.ipt, 'ns/other', 'KUBE-SVC-'), 0, "the changed Service's KUBE-SVC chain starts from zero");
    assert.equal(pkts(n.ipt, 'ns/other', 'KUBE-SEP-'), 1, 'its unchanged KUBE-SEP chain keeps its count');
    assert.match(n.ipt.save({ counters: true, table: 'nat' }), /^\[1:60\] -A KUBE-SEP-\w{16} -p tcp -m comment --comment "ns\/sticky:http" -m recent --set/m);
    assert.equal(n.connect('10.96.0.10', 0.1), first, 'the recent list still pins the client');
    assert.ok(pkts(n.ipt, 'ns/sticky') > before);
  });
});
