// The article's LoadBalancer walkthrough (Part 5, second half) with the real kubectl against
// `svcnet up --bgp-peer` (NSX lab) and a real gobgpd on 127.0.0.1: the VIP from the
// 10.190.6.0/24 pool plus the LB Tier-1 uplink 100.64.208.9 in EXTERNAL-IP, the NSX load
// balancer on its own Tier-1 on the edge (edge views), the client's curl spread over the four
// pods, the VIP on a 127.0.0.1 port of this machine, and the VIP /32 in gobgpd's RIB until
// the Service is deleted.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startLab, type LabProcess } from '../helpers/lab-process.js';
import { httpGet } from '../helpers/http-get.js';
import { Gobgpd, gobgpdMissing } from '../bgp/_gobgpd.js';
import { writeManifests } from './_article-manifests.js';

const NS = 'demons';
let lab: LabProcess;
let gobgpd: Gobgpd | undefined;

function ok(args: readonly string[]): string {
  const r = lab.kubectl(args);
  assert.equal(r.code, 0, `kubectl ${args.join(' ')} failed (${r.code}):\n${r.stderr}${r.stdout}`);
  return r.stdout;
}

async function eventually<T>(what: string, fn: () => T | undefined | Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
  const t0 = Date.now();
  while (Date.now() - t0 < timeoutMs) {
    const v = await fn();
    if (v !== undefined) return v;
    await new Promise((r) => setTimeout(r, 250));
  }
  assert.fail(`timed out waiting for ${what}`);
}


const served = (s: string) => /Hello, this web-page is served by: (\S+)/.exec(s)?.[1];

describe('LoadBalancer on the emulated NSX fabric, as in the article', { timeout: 300_000 }, () => {
  let vip = '';
  let podNames: string[] = [];

  before(async () => {
    const missing = gobgpdMissing();
    if (missing !== undefined) throw new Error(missing);
    gobgpd = await Gobgpd.start({ as: 65000, routerId: '192.0.2.1', neighbors: [{ address: '127.0.0.1', peerAs: 65001, passive: true }] });
    lab = await startLab({ extraArgs: ['--bgp-peer', `127.0.0.1:${gobgpd.bgpPort}`, '--bgp-peer-asn', '65000', '--bgp-asn', '65001'] });
    const m = writeManifests();
    ok(['create', 'namespace', NS]);
    ok(['create', '-f', m.app, '-n', NS]);
    assert.equal(ok(['create', '-f', m.lb, '-n', NS]).trim(), 'service/nsxdemoservice created');
    await eventually('4 pods Running and in the endpoints', () => {
      const eps = ok(['get', 'endpoints', 'nsxdemoservice', '-n', NS, '-o', 'jsonpath={.subsets[*].addresses[*].ip}']).split(' ').filter((x) => x !== '');
      return eps.length === 4 ? eps : undefined;
    });
    podNames = ok(['get', 'pods', '-n', NS, '-l', 'app=nsxdemo', '-o', 'jsonpath={.items[*].metadata.name}']).split(' ').filter((x) => x !== '');
    vip = await eventually('a VIP in status.loadBalancer.ingress', () => {
      const ip = ok(['get', 'service', 'nsxdemoservice', '-n', NS, '-o', 'jsonpath={.status.loadBalancer.ingress[0].ip}']).trim();
      return ip === '' ? undefined : ip;
    });
  });
  after(async () => {
    await lab?.stop();
    await gobgpd?.stop();
  });

  test('kubectl get service: TYPE LoadBalancer, EXTERNAL-IP VIP,100.64.208.9, PORT(S) 80:3xxxx/TCP', () => {
    const out = ok(['get', 'service', '-n', NS]);
    assert.match(out, /^NAME\s+TYPE\s+CLUSTER-IP\s+EXTERNAL-IP\s+PORT\(S\)\s+AGE$/m);
    assert.match(out, /^nsxdemoservice\s+LoadBalancer\s+10\.\d+\.\d+\.\d+\s+10\.190\.6\.\d+,100\.64\.208\.9\s+80:3\d{4}\/TCP\s+\S+$/m);
    assert.match(vip, /^10\.190\.6\.\d+$/);
  });

  test('kubectl describe service: the annotation, LoadBalancer Ingress, NodePort and the four endpoints', () => {
    const out = ok(['describe', 'service', 'nsxdemoservice', '-n', NS]);
    assert.match(out, /^Annotations:\s+ncp\/internal_ip_for_policy: 100\.64\.208\.9$/m);
    assert.match(out, /^Type:\s+LoadBalancer$/m);
    assert.match(out, new RegExp(`^LoadBalancer Ingress:\\s+${vip.replace(/\./g, '\\.')} \\(VIP\\), 100\\.64\\.208\\.9 \\(VIP\\)$`, 'm'));
    assert.match(out, /^NodePort:\s+http\s+3\d{4}\/TCP$/m);
    assert.match(out, /^Endpoints:\s+172\.25\.\d+\.\d+:80,172\.25\.\d+\.\d+:80,172\.25\.\d+\.\d+:80 \+ 1 more\.\.\.$/m);
  });

  test('the external client curls the VIP: round robin over the four pods, through Tier-0 -> LB Tier-1 -> pod', () => {
    const seen: string[] = [];
    for (let i = 0; i < 8; i++) {
      const r = lab.svcnet(['exec', 'client', '--', 'curl', '-s', '--max-time', '5', `http://${vip}`]);
      assert.equal(r.code, 0, `request ${i}: ${r.stderr}${r.stdout}`);
      const by = served(r.stdout);
      assert.ok(by !== undefined, r.stdout);
      seen.push(by);
    }
    assert.deepEqual([...new Set(seen)].sort(), [...podNames].sort(), 'every pod served');
    const trace = lab.svcnet(['trace', '--from', 'client', '--to', `${vip}:80`]);
    assert.equal(trace.code, 0, trace.stderr);
    assert.match(trace.stdout, /router T0-K8S-Domain: in uplink, route 10\.190\.6\.\d+\/32 via 100\.64\.208\.9/);
  });

  test('the edge: the LB Tier-1 service router, its uplink 100.64.208.9/31 and the VIP on its loopback', () => {
    const routers = lab.svcnet(['edge', 'get', 'logical-router']);
    assert.equal(routers.code, 0, routers.stderr);
    assert.match(routers.stdout, /^UUID\s+VRF\s+LR-ID\s+Name\s+Type\s+Ports$/m);
    const sr = /^\S+\s+(\d+)\s+\d+\s+SR-lb-k8s-testcluster1-cyjfb\s+SERVICE_ROUTER_TIER1\s+\d+$/m.exec(routers.stdout);
    assert.ok(sr !== null, routers.stdout);
    assert.match(routers.stdout, /DR-lb-k8s-testcluster1-cyjfb\s+DISTRIBUTED_ROUTER_TIER1/);
    const ifs = lab.svcnet(['edge', 'vrf', sr[1]!, 'get', 'interfaces']);
    assert.equal(ifs.code, 0, ifs.stderr);
    assert.match(ifs.stdout, /Name\s+: TIER1-RouterLinkPort\n\s+Mode\s+: lif\n\s+IP\/Mask\s+: 100\.64\.208\.9\/31/);
    assert.match(ifs.stdout, new RegExp(`Mode\\s+: loopback\\n\\s+IP/Mask\\s+: [^\\n]*${vip.replace(/\./g, '\\.')}/32`));
    const pools = lab.svcnet(['lb', 'get', 'pools']);
    assert.equal(pools.code, 0, pools.stderr);
    assert.match(pools.stdout, /Members\s+: 4/);
    const vs = lab.svcnet(['lb', 'get', 'virtual-servers']);
    assert.match(vs.stdout, new RegExp(`IP : Port\\s+: ${vip.replace(/\./g, '\\.')}:80`));
  });

  test('host access: svcnet status lists the VIP on a 127.0.0.1 port and curl on this machine gets the demo page', async () => {
    const st = lab.svcnet(['status']);
    const m = new RegExp(`service demons/nsxdemoservice port 80 -> (http://127\\.0\\.0\\.1:\\d+) \\(VIP ${vip.replace(/\./g, '\\.')}:80\\)`).exec(st.stdout);
    assert.ok(m !== null, st.stdout);
    const r = await httpGet(m[1]!);
    assert.equal(r.code, 200);
    assert.ok(podNames.includes(served(r.body) ?? ''), r.body);
  });

  test('BGP: the VIP /32 is in the peer RIB (next hop the Tier-0 uplink), and withdrawn when the Service is deleted', async () => {
    const rib = await eventually('VIP /32 in gobgpd', async () => {
      const r = await gobgpd!.rib();
      return r[`${vip}/32`] !== undefined ? r : undefined;
    }, 20_000);
    assert.deepEqual(Object.keys(rib), [`${vip}/32`], 'only the VIP, not the uplink');
    assert.equal(rib[`${vip}/32`]?.[0]?.attrs.find((a) => a.type === 3)?.nexthop, '192.168.50.1');
    const sum = lab.svcnet(['bgp', 'summary']);
    assert.match(sum.stdout, /Established/);
    assert.match(sum.stdout, new RegExp(`^  ${vip.replace(/\./g, '\\.')}/32$`, 'm'));
    ok(['delete', 'service', 'nsxdemoservice', '-n', NS]);
    await eventually('VIP withdrawn', async () => ((await gobgpd!.ribCount()) === 0 ? true : undefined), 20_000);
    const r = lab.svcnet(['exec', 'client', '--', 'curl', '-s', '--max-time', '2', `http://${vip}`]);
    assert.equal(r.code, 28, 'the VIP is gone from the Tier-1 loopback and the Tier-0');
  });
});
