import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Service } from '../../api/index.js';
import { unwrap } from '../../core/result.js';
import { advertisementsForServices, parseVipPolicy, projectServiceVips, type ServiceVips } from './vip-advertisements.js';
import { checkAsn, parseBgpPeer } from './tier0-bgp.js';

const policy = unwrap(parseVipPolicy({ vipCidrs: ['10.190.6.0/24', '10.190.7.0/25'], nextHop: '192.168.50.1' }));
const lb = (key: string, ...ips: string[]): ServiceVips => ({ key, isLoadBalancer: true, ingressIps: ips });

describe('vipAdvertisements', () => {
  test('one /32 per VIP inside the pools; the NSX uplink, foreign and non-IPv4 entries are skipped', () => {
    const advs = advertisementsForServices(policy, [
      lb('demons/a', '10.190.6.102', '100.64.208.9'),
      lb('demons/b', '10.190.7.200', '10.190.7.5', 'fe80::1'),
    ]);
    assert.deepEqual(advs, [
      { prefix: '10.190.6.102/32', nextHop: '192.168.50.1' },
      { prefix: '10.190.7.5/32', nextHop: '192.168.50.1' },
    ]);
  });

  test('numeric order, duplicates merged, same output for any input order; non-LoadBalancer Services ignored', () => {
    const svcs = [lb('x/a', '10.190.6.20'), lb('x/b', '10.190.6.3', '10.190.6.20'), { key: 'x/c', isLoadBalancer: false, ingressIps: ['10.190.6.9'] }];
    const a = advertisementsForServices(policy, svcs).map((x) => x.prefix);
    const b = advertisementsForServices(policy, [...svcs].reverse()).map((x) => x.prefix);
    assert.deepEqual(a, ['10.190.6.3/32', '10.190.6.20/32']);
    assert.deepEqual(b, a);
  });

  test('static prefixes come first and are not repeated; no next hop means none is named', () => {
    const p = unwrap(parseVipPolicy({ vipCidrs: ['10.190.6.0/24'], staticPrefixes: ['10.190.6.0/24', '10.190.6.7/32'] }));
    assert.deepEqual(advertisementsForServices(p, [lb('a', '10.190.6.7')]), [{ prefix: '10.190.6.0/24' }, { prefix: '10.190.6.7/32' }]);
  });

  test('bad configuration: every error reported', () => {
    const r = parseVipPolicy({ vipCidrs: ['10.190.6.1/24', 'fd00::/64', 'nope'], nextHop: '300.1.1.1', staticPrefixes: ['1.2.3.0/33'] });
    assert.equal(r.ok, false);
    if (!r.ok) assert.equal(r.error.length, 5);
  });

  test('projection takes ingress IPs (not hostnames) and the type', () => {
    const s: Service = {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'web', namespace: 'demons' },
      spec: { type: 'LoadBalancer' },
      status: { loadBalancer: { ingress: [{ ip: '10.190.6.102' }, { hostname: 'lb.example' }, { ip: '100.64.208.9' }] } },
    };
    assert.deepEqual(projectServiceVips(s), { key: 'demons/web', isLoadBalancer: true, ingressIps: ['10.190.6.102', '100.64.208.9'] });
  });
});

describe('BGP peer specs', () => {
  test('host:port and ASN', () => {
    assert.deepEqual(unwrap(parseBgpPeer('127.0.0.1:1790', '64512')), { address: '127.0.0.1', port: 1790, asn: 64512 });
    assert.deepEqual(unwrap(parseBgpPeer('192.0.2.1', 4294967295)), { address: '192.0.2.1', port: 179, asn: 4294967295 });
  });

  test('clear errors', () => {
    const e = (spec: string, asn: number | string) => {
      const r = parseBgpPeer(spec, asn);
      return r.ok ? '' : r.error;
    };
    assert.match(e('127.0.0.1:99999', 1), /port 99999 is not in 1\.\.65535/);
    assert.match(e('127.0.0.1:0', 1), /port 0 is not in 1\.\.65535/);
    assert.match(e('router:179', 1), /"router" is not an IPv4 address/);
    assert.match(e('127.0.0.1:x', 1), /expected host:port/);
    assert.match(e('127.0.0.1:179', 0), /ASN 0 is not an integer in 1\.\.4294967295/);
    assert.match(e('127.0.0.1:179', '4294967296'), /ASN 4294967296/);
    assert.match(e('127.0.0.1:179', '65001.5'), /ASN 65001\.5/);
    assert.equal(checkAsn(' 65001 ').ok, true);
  });
});
