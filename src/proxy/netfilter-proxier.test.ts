import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { FakeClock } from '../core/clock.js';
import { err, ok } from '../core/result.js';
import { IptRuleset } from '../dataplane/iptables/index.js';
import { NftRuleset } from '../dataplane/nftables/index.js';
import { iptablesProgrammer, nftablesProgrammer } from './apply/netfilter-programmer.js';
import { buildService, buildSlice } from './model/builders.js';
import { projectEndpointSlice, projectService } from './model/project.js';
import type { StaleConntrackFlush } from './model/stale-udp.js';
import { NetfilterProxier } from './netfilter-proxier.js';

const DNS = [{ name: 'dns', port: 53, protocol: 'UDP' as const }];
const svc = projectService(buildService({ namespace: 'ns', name: 'dns', clusterIP: '10.96.0.53', ports: DNS }));
const slice = (ips: string[]) => projectEndpointSlice(buildSlice({ namespace: 'ns', service: 'dns', ports: DNS, endpoints: ips.map((ip) => ({ ip, node: 'n2' })) }));

describe('NetfilterProxier', () => {
  test('an unchanged render is not re-applied; a requested full sync is', () => {
    let applies = 0;
    const p = new NetfilterProxier({ nodeName: 'n1', nodeIPs: ['10.0.0.1'], mode: 'nftables', clusterCIDR: '10.244.0.0/16', programmer: { apply: () => (applies++, ok(undefined)) }, clock: new FakeClock(0) });
    p.onServiceUpdate(undefined, svc);
    assert.equal(p.sync().outcome.kind, 'applied');
    assert.equal(p.sync().outcome.kind, 'unchanged');
    p.requestFullSync();
    assert.equal(p.sync().outcome.kind, 'applied');
    assert.equal(applies, 2);
  });

  test('stale UDP flushes wait for the apply that removes the endpoint', () => {
    const flushed: StaleConntrackFlush[] = [];
    let fail = false;
    const p = new NetfilterProxier({
      nodeName: 'n1',
      mode: 'iptables',
      clusterCIDR: '10.244.0.0/16',
      programmer: { apply: () => (fail ? err('boom') : ok(undefined)) },
      flushConntrack: (f) => flushed.push(f),
    });
    p.onServiceUpdate(undefined, svc);
    p.onEndpointSliceUpdate(undefined, slice(['10.244.1.5', '10.244.1.6']));
    p.sync();
    p.onEndpointSliceUpdate(slice(['10.244.1.5', '10.244.1.6']), slice(['10.244.1.6']));
    fail = true;
    const r1 = p.sync();
    assert.equal(r1.outcome.kind, 'failed');
    assert.equal(flushed.length, 0, 'nothing flushed while the old rules are still loaded');
    assert.ok(p.hasPendingChanges());
    fail = false;
    const r2 = p.sync();
    assert.equal(r2.outcome.kind, 'applied');
    assert.deepEqual(flushed, [{ proto: 'udp', origDst: '10.96.0.53', origDstPort: 53, natDst: '10.244.1.5', natDstPort: 53 }]);
  });

  test('the programmers are all-or-nothing: a refused program leaves the previous one loaded', () => {
    const nft = new NftRuleset();
    const np = nftablesProgrammer(nft, () => 0);
    const p = new NetfilterProxier({ nodeName: 'n1', mode: 'nftables', clusterCIDR: '10.244.0.0/16', programmer: np });
    p.onServiceUpdate(undefined, svc);
    p.onEndpointSliceUpdate(undefined, slice(['10.244.1.5']));
    assert.equal(p.sync().outcome.kind, 'applied');
    const chains = nft.table('ip', 'kube-proxy')?.chains.size;
    const bad = np.apply(`${p.lastProgram}add rule ip kube-proxy services goto no-such-chain\n`);
    assert.equal(bad.ok, false);
    assert.match(!bad.ok ? bad.error : '', /^nft: line \d+: /);
    assert.equal(nft.table('ip', 'kube-proxy')?.chains.size, chains);

    const ipt = new IptRuleset();
    const ip = iptablesProgrammer(ipt);
    const q = new NetfilterProxier({ nodeName: 'n1', mode: 'iptables', clusterCIDR: '10.244.0.0/16', programmer: ip });
    q.onServiceUpdate(undefined, svc);
    q.onEndpointSliceUpdate(undefined, slice(['10.244.1.5']));
    assert.equal(q.sync().outcome.kind, 'applied');
    const before = ipt.save();
    // filter is fine, nat refers to a missing chain: nothing of it may land.
    const broken = q.lastProgram.replace('*filter\n', '*filter\n:KUBE-NEW - [0:0]\n').replace(/COMMIT\n$/, '-A KUBE-SERVICES -j KUBE-MISSING\nCOMMIT\n');
    assert.equal(ip.apply(broken).ok, false);
    assert.equal(ipt.save(), before);
  });
});
