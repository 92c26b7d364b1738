// Table tests after kubelet's dns_test.go cases (TestGetPodDNS*, TestMergeDNSOptions,
// TestFormDNSSearchFitsLimits, TestParseResolvConf), translated to expectations.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mergeDnsOptions, parseResolvConf, podDnsConfig, renderResolvConf, type DnsPod, type DnsSettings } from './resolv-conf.js';

const cluster: DnsSettings = { clusterDNS: ['10.96.0.10'], clusterDomain: 'cluster.local', hostResolvConf: 'nameserver 10.190.5.1\n', nodeIPs: ['10.190.5.11'] };
const pod = (p: Partial<DnsPod> = {}): DnsPod => ({ name: 'nwtest', namespace: 'demons', uid: 'u1', ...p });

describe('parseResolvConf', () => {
  const cases: { name: string; text: string; ns: string[]; search: string[]; opts: string[]; errors?: number }[] = [
    { name: 'empty', text: '', ns: [], search: [], opts: [] },
    { name: 'blank lines and comments', text: '\n#nameserver 9.9.9.9\n  \n', ns: [], search: [], opts: [] },
    { name: 'nameservers accumulate', text: 'nameserver 1.2.3.4\nnameserver 5.6.7.8', ns: ['1.2.3.4', '5.6.7.8'], search: [], opts: [] },
    { name: 'last search wins, trailing dots trimmed', text: 'search a.com\nsearch b.com. c.com', ns: [], search: ['b.com', 'c.com'], opts: [] },
    { name: 'last options wins', text: 'options ndots:2\noptions rotate timeout:1', ns: [], search: [], opts: ['rotate', 'timeout:1'] },
    { name: 'tabs and extra spaces', text: 'nameserver\t1.2.3.4  extra\n  search   foo   bar', ns: ['1.2.3.4'], search: ['foo', 'bar'], opts: [] },
    { name: 'nameserver without address is an error', text: 'nameserver\n', ns: [], search: [], opts: [], errors: 1 },
  ];
  for (const c of cases) {
    test(c.name, () => {
      const r = parseResolvConf(c.text);
      assert.deepEqual(r.nameservers, c.ns);
      assert.deepEqual(r.searches, c.search);
      assert.deepEqual(r.options, c.opts);
      assert.equal(r.errors.length, c.errors ?? 0);
    });
  }
});

describe('podDnsConfig by policy', () => {
  const hostWithSearch: DnsSettings = { ...cluster, hostResolvConf: 'nameserver 10.190.5.1\nnameserver 10.190.5.2\nsearch corp.example lab.example\noptions timeout:2\n' };
  const cases: { name: string; pod: DnsPod; s: DnsSettings; ns: string[]; search: string[]; opts: string[]; warnings?: string[] }[] = [
    {
      name: 'ClusterFirst (the article): cluster DNS, namespace search path, ndots:5',
      pod: pod({ dnsPolicy: 'ClusterFirst' }),
      s: cluster,
      ns: ['10.96.0.10'],
      search: ['demons.svc.cluster.local', 'svc.cluster.local', 'cluster.local'],
      opts: ['ndots:5'],
    },
    {
      name: 'unset policy behaves as ClusterFirst',
      pod: pod(),
      s: cluster,
      ns: ['10.96.0.10'],
      search: ['demons.svc.cluster.local', 'svc.cluster.local', 'cluster.local'],
      opts: ['ndots:5'],
    },
    {
      name: 'ClusterFirst appends the host search domains, drops host options and nameservers',
      pod: pod({ dnsPolicy: 'ClusterFirst' }),
      s: hostWithSearch,
      ns: ['10.96.0.10'],
      search: ['demons.svc.cluster.local', 'svc.cluster.local', 'cluster.local', 'corp.example', 'lab.example'],
      opts: ['ndots:5'],
    },
    {
      name: 'host search domains duplicating cluster ones are omitted',
      pod: pod(),
      s: { ...cluster, hostResolvConf: 'search cluster.local other.example' },
      ns: ['10.96.0.10'],
      search: ['demons.svc.cluster.local', 'svc.cluster.local', 'cluster.local', 'other.example'],
      opts: ['ndots:5'],
    },
    {
      name: 'ClusterFirst on hostNetwork falls back to Default (the node file)',
      pod: pod({ dnsPolicy: 'ClusterFirst', hostNetwork: true }),
      s: hostWithSearch,
      ns: ['10.190.5.1', '10.190.5.2'],
      search: ['corp.example', 'lab.example'],
      opts: ['timeout:2'],
    },
    {
      name: 'ClusterFirstWithHostNet on hostNetwork uses cluster DNS',
      pod: pod({ dnsPolicy: 'ClusterFirstWithHostNet', hostNetwork: true }),
      s: cluster,
      ns: ['10.96.0.10'],
      search: ['demons.svc.cluster.local', 'svc.cluster.local', 'cluster.local'],
      opts: ['ndots:5'],
    },
    {
      name: 'Default copies the node file',
      pod: pod({ dnsPolicy: 'Default' }),
      s: hostWithSearch,
      ns: ['10.190.5.1', '10.190.5.2'],
      search: ['corp.example', 'lab.example'],
      opts: ['timeout:2'],
    },
    {
      name: 'Default without a node resolv.conf points at localhost with search "."',
      pod: pod({ dnsPolicy: 'Default' }),
      s: { ...cluster, hostResolvConf: undefined, nodeIPs: ['10.190.5.11', 'fd00::11'] },
      ns: ['127.0.0.1', '::1'],
      search: ['.'],
      opts: [],
    },
    {
      name: 'ClusterFirst without cluster DNS falls back to Default with a warning',
      pod: pod(),
      s: { ...cluster, clusterDNS: [] },
      ns: ['10.190.5.1'],
      search: [],
      opts: [],
      warnings: ['MissingClusterDNS'],
    },
    {
      name: 'None with dnsConfig uses only dnsConfig',
      pod: pod({ dnsPolicy: 'None', dnsConfig: { nameservers: ['1.1.1.1'], searches: ['a.example'], options: [{ name: 'ndots', value: '2' }, { name: 'edns0' }] } }),
      s: hostWithSearch,
      ns: ['1.1.1.1'],
      search: ['a.example'],
      opts: ['ndots:2', 'edns0'],
    },
    {
      name: 'ClusterFirst merges dnsConfig: servers appended, searches deduplicated, options overridden',
      pod: pod({ dnsConfig: { nameservers: ['10.96.0.10', '8.8.8.8'], searches: ['svc.cluster.local', 'extra.example'], options: [{ name: 'ndots', value: '2' }, { name: 'single-request-reopen' }] } }),
      s: cluster,
      ns: ['10.96.0.10', '8.8.8.8'],
      search: ['demons.svc.cluster.local', 'svc.cluster.local', 'cluster.local', 'extra.example'],
      opts: ['ndots:2', 'single-request-reopen'],
    },
    {
      name: 'more than 3 nameservers are cut with a warning',
      pod: pod({ dnsConfig: { nameservers: ['1.1.1.1', '2.2.2.2', '3.3.3.3'] } }),
      s: cluster,
      ns: ['10.96.0.10', '1.1.1.1', '2.2.2.2'],
      search: ['demons.svc.cluster.local', 'svc.cluster.local', 'cluster.local'],
      opts: ['ndots:5'],
      warnings: ['DNSConfigForming'],
    },
    {
      name: 'empty cluster domain keeps only the host search domains',
      pod: pod(),
      s: { ...hostWithSearch, clusterDomain: '' },
      ns: ['10.96.0.10'],
      search: ['corp.example', 'lab.example'],
      opts: ['ndots:5'],
    },
  ];
  for (const c of cases) {
    test(c.name, () => {
      const r = podDnsConfig(c.pod, c.s);
      assert.deepEqual(r.nameservers, c.ns);
      assert.deepEqual(r.searches, c.search);
      assert.deepEqual(r.options, c.opts);
      assert.deepEqual(r.warnings.map((w) => w.reason), c.warnings ?? []);
    });
  }

  test('the MissingClusterDNS warning names the pod as kubelet does', () => {
    const r = podDnsConfig(pod(), { ...cluster, clusterDNS: [] });
    assert.equal(
      r.warnings[0]?.message,
      'pod: "nwtest_demons(u1)". kubelet does not have ClusterDNS IP configured and cannot create Pod using "ClusterFirst" policy. Falling back to "Default" policy.',
    );
  });

  test('the nameserver warning shows the applied line', () => {
    const r = podDnsConfig(pod({ dnsPolicy: 'None', dnsConfig: { nameservers: ['1.1.1.1', '2.2.2.2', '3.3.3.3', '4.4.4.4'] } }), cluster);
    assert.equal(r.warnings[0]?.message, 'Nameserver limits were exceeded, some nameservers have been omitted, the applied nameserver line is: 1.1.1.1 2.2.2.2 3.3.3.3');
  });
});

describe('search path limits', () => {
  test('more than 32 paths are cut to 32', () => {
    const searches = Array.from({ length: 40 }, (_, i) => `s${i}.example`);
    const r = podDnsConfig(pod({ dnsPolicy: 'None', dnsConfig: { searches } }), cluster);
    assert.deepEqual(r.searches, searches.slice(0, 32));
    assert.equal(r.warnings[0]?.message, `Search Line limits were exceeded, some search paths have been omitted, the applied search line is: ${searches.slice(0, 32).join(' ')}`);
  });

  test('paths longer than 253 characters are dropped', () => {
    const long = `${'a'.repeat(250)}.com`;
    const r = podDnsConfig(pod({ dnsPolicy: 'None', dnsConfig: { searches: ['ok.example', long, 'fine.example'] } }), cluster);
    assert.deepEqual(r.searches, ['ok.example', 'fine.example']);
    assert.equal(r.warnings.length, 1);
  });

  test('a line over 2048 characters loses whole domains from the end', () => {
    // 10 domains of 250 chars: line = 10*250 + 9 = 2509; drop 2 -> 8*250 + 7 = 2007 <= 2048.
    const searches = Array.from({ length: 10 }, (_, i) => `${String(i)}${'b'.repeat(245)}.com`);
    assert.equal(searches[0]!.length, 250);
    const r = podDnsConfig(pod({ dnsPolicy: 'None', dnsConfig: { searches } }), cluster);
    assert.deepEqual(r.searches, searches.slice(0, 8));
    assert.equal(r.warnings.length, 1);
  });

  test('exactly 32 paths and 2048 characters pass without a warning', () => {
    const searches = Array.from({ length: 32 }, (_, i) => `d${String(i).padStart(2, '0')}.example`);
    const r = podDnsConfig(pod({ dnsPolicy: 'None', dnsConfig: { searches } }), cluster);
    assert.equal(r.searches.length, 32);
    assert.equal(r.warnings.length, 0);
  });
});

describe('mergeDnsOptions and rendering', () => {
  test('options without values, overrides in place, additions at the end', () => {
    assert.deepEqual(mergeDnsOptions(['ndots:5', 'rotate', 'timeout:1'], [{ name: 'timeout', value: '3' }, { name: 'rotate', value: '' }, { name: 'edns0' }]), ['ndots:5', 'rotate', 'timeout:3', 'edns0']);
    assert.deepEqual(mergeDnsOptions([], undefined), []);
  });

  test('the article file', () => {
    const text = renderResolvConf(podDnsConfig(pod(), cluster));
    assert.equal(text, 'nameserver 10.96.0.10\nsearch demons.svc.cluster.local svc.cluster.local cluster.local\noptions ndots:5\n');
  });

  test('empty sections are left out', () => {
    assert.equal(renderResolvConf({ nameservers: ['1.1.1.1'], searches: [], options: [] }), 'nameserver 1.1.1.1\n');
    assert.equal(renderResolvConf({ nameservers: [], searches: [], options: [] }), '');
  });
});
