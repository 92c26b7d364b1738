// Acceptance by the real tools: the nftables and iptables programs NetfilterProxier
// renders for the article's cluster plus every packet-flow case's Services (NodePorts,
// LoadBalancer IPs with source ranges, policy Local, affinity, no endpoints) are
// checked with `nft -c -f` and `iptables-restore --test` inside a network namespace the
// test creates and deletes (needs root, as CI runs; nothing touches the host's rules).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ok } from '../../src/core/result.js';
import { withNetns } from '../../src/dataplane/nftables/_netns.js';
import { indexNftProgram, nftProgramObjects, nftReplaceTransaction, nftSyncTransaction, type NftProgramIndex, type NftTransaction } from '../../src/proxy/apply/netfilter-programmer.js';
import { buildService, buildSlice } from '../../src/proxy/model/builders.js';
import { PROXY_CASES } from '../../src/proxy/cases/proxy-cases.js';
import { articleServices, articleSlices } from '../../src/proxy/model/article-cluster.js';
import { projectEndpointSlice, projectService } from '../../src/proxy/model/project.js';
import { NetfilterProxier, type KubeProxyMode } from '../../src/proxy/netfilter-proxier.js';
import { ARTICLE_NODE } from '../../src/proxy/model/article-cluster.js';
import { ARTICLE_POD_CIDR, articleModel } from '../../src/proxy/render/iptables/_article-model.js';
import { renderNftables } from '../../src/proxy/render/nftables/index.js';

function render(mode: KubeProxyMode, counters = false): string {
  const p = new NetfilterProxier({ nodeName: 'k8s-node1', nodeIPs: ['10.190.5.11'], mode, clusterCIDR: '172.25.0.0/16', counters, programmer: { apply: () => ok(undefined) } });
  const services = new Map([...articleServices(), ...PROXY_CASES.flatMap((c) => c.state.services)].map((s) => [`${s.metadata.namespace}/${s.metadata.name}`, s]));
  const slices = new Map([...articleSlices(), ...PROXY_CASES.flatMap((c) => c.state.slices)].map((s) => [`${s.metadata.namespace}/${s.metadata.name}`, s]));
  for (const s of services.values()) p.onServiceUpdate(undefined, projectService(s));
  for (const s of slices.values()) p.onEndpointSliceUpdate(undefined, projectEndpointSlice(s), 0);
  const r = p.sync();
  assert.equal(r.outcome.kind, 'applied');
  return p.lastProgram;
}

test('nft -c accepts the rendered program and the replace transaction', () => {
  const text = render('nftables');
  assert.match(text, /firewall-ips \{ 10\.190\.6\.103 \. tcp \. 80/);
  withNetns((_ns, run) => {
    const a = run(['nft', '-c', '-f', '-'], text);
    assert.equal(a.code, 0, a.stderr);
    // Applied for real twice: the second replaces the first in one transaction.
    for (let i = 0; i < 2; i++) {
      const b = run(['nft', '-f', '-'], nftReplaceTransaction(text));
      assert.equal(b.code, 0, b.stderr);
    }
    const list = run(['nft', 'list', 'table', 'ip', 'kube-proxy']);
    assert.equal(list.code, 0, list.stderr);
    assert.match(list.stdout, /chain firewall-\w{8}-demo\/fw\/tcp\/http/);
    assert.match(list.stdout, /^\t\tnumgen random mod 2 vmap @service-\w{8}-\S+-endpoints$/m, 'named endpoint maps');
    // With counters, and upstream's anonymous form.
    const counted = render('nftables', true);
    assert.match(counted, / counter dnat to /);
    const c = run(['nft', '-c', '-f', '-'], counted);
    assert.equal(c.code, 0, c.stderr);
    const anon = renderNftables(articleModel(), ARTICLE_NODE, { clusterCIDR: ARTICLE_POD_CIDR, endpointMaps: 'anonymous' });
    const d = run(['nft', '-c', '-f', '-'], anon);
    assert.equal(d.code, 0, d.stderr);
  });
});

test('iptables-restore --test accepts the rendered program', () => {
  const text = render('iptables');
  assert.match(text, /-A KUBE-PROXY-FIREWALL -d 10\.190\.6\.103\/32 -p tcp/);
  withNetns((_ns, run) => {
    const a = run(['iptables-restore', '--test'], text);
    assert.equal(a.code, 0, a.stderr);
    const b = run(['iptables-restore'], text);
    assert.equal(b.code, 0, b.stderr);
    const save = run(['iptables-save', '-t', 'nat']);
    assert.match(save.stdout, /-A KUBE-FW-\w{16} -s 192\.168\.1\.0\/24 -m comment --comment "demo\/fw:http loadbalancer IP" -j KUBE-EXT-/);
  });
});

test('the kernel takes our incremental sync transactions and keeps affinity entries across them', () => {
  const HTTP = [{ name: 'http', port: 80, targetPort: 8080 }];
  const txs: NftTransaction[] = [];
  let prev: NftProgramIndex | undefined;
  const p = new NetfilterProxier({
    nodeName: 'n1',
    nodeIPs: ['10.0.0.1'],
    mode: 'nftables',
    clusterCIDR: '172.25.0.0/16',
    counters: true,
    programmer: {
      apply(program) {
        const next = indexNftProgram(program)!;
        txs.push(nftSyncTransaction(program, next, prev, prev === undefined ? undefined : nftProgramObjects(prev)));
        prev = next;
        return ok(undefined);
      },
    },
  });
  const svc = (name: string, vip: string, affinity?: number) =>
    projectService(buildService({ namespace: 'ns', name, clusterIP: vip, ports: HTTP, ...(affinity !== undefined ? { affinityTimeoutSeconds: affinity } : {}) }));
  const slice = (name: string, ips: string[]) => projectEndpointSlice(buildSlice({ namespace: 'ns', service: name, ports: HTTP, endpoints: ips.map((ip) => ({ ip, node: 'n2' })) }));
  for (const [name, vip, eps, aff] of [['a', '10.96.0.10', ['172.25.5.2', '172.25.5.3'], 600], ['b', '10.96.0.20', ['172.25.6.2'], undefined], ['c', '10.96.0.30', ['172.25.7.2'], 600], ['keep', '10.96.0.40', ['172.25.8.2'], 600]] as const) {
    p.onServiceUpdate(undefined, svc(name, vip, aff));
    p.onEndpointSliceUpdate(undefined, slice(name, [...eps]));
  }
  p.sync();
  // Remove a, rescale b, change c's affinity timeout, add d; keep is untouched.
  p.onServiceUpdate(svc('a', '10.96.0.10', 600), undefined);
  p.onEndpointSliceUpdate(slice('a', ['172.25.5.2', '172.25.5.3']), undefined);
  p.onEndpointSliceUpdate(slice('b', ['172.25.6.2']), slice('b', ['172.25.6.2', '172.25.6.3']));
  p.onServiceUpdate(svc('c', '10.96.0.30', 600), svc('c', '10.96.0.30', 30));
  p.onServiceUpdate(undefined, svc('d', '10.96.0.50'));
  p.onEndpointSliceUpdate(undefined, slice('d', ['172.25.9.2']));
  p.sync();
  const [first, second] = txs;
  assert.equal(first?.kind, 'initial');
  assert.equal(second?.kind, 'incremental');
  assert.match(second.text, /^delete chain /m);
  assert.match(second.text, /^delete element ip kube-proxy service-ips /m);
  assert.match(second.text, /^delete set ip kube-proxy affinity-\w{8}-ns\/c\//m);

  withNetns((_ns, run) => {
    const a = run(['nft', '-f', '-'], first.text);
    assert.equal(a.code, 0, a.stderr);
    const keepSet = /add set ip kube-proxy (affinity-\w{8}-ns\/keep\/\S+)/.exec(first.text)?.[1];
    assert.ok(keepSet);
    const el = run(['nft', 'add', 'element', 'ip', 'kube-proxy', keepSet, '{ 192.0.2.7 }']);
    assert.equal(el.code, 0, el.stderr);
    const b = run(['nft', '-f', '-'], second.text);
    assert.equal(b.code, 0, `${b.stderr}\n--- transaction ---\n${second.text}`);
    const list = run(['nft', 'list', 'table', 'ip', 'kube-proxy']);
    assert.equal(list.code, 0, list.stderr);
    assert.doesNotMatch(list.stdout, /ns\/a\//);
    assert.match(list.stdout, new RegExp(`set ${keepSet.replaceAll('/', '\\/')} \\{[^}]*elements = \\{ 192\\.0\\.2\\.7`), 'the untouched affinity set kept its entry');
    assert.match(list.stdout, /set affinity-\w{8}-ns\/c\/[^{]*\{[^}]*timeout 30s/);
    // The kernel holds exactly the chains and maps of the new program.
    const names = (re: RegExp, s: string) => [...s.matchAll(re)].map((m) => m[1]).sort();
    assert.deepEqual(names(/^\t(?:chain|set|map) (\S+) \{/gm, list.stdout), names(/^add (?:chain|set|map) ip kube-proxy (\S+)/gm, p.lastProgram));
  });
});
