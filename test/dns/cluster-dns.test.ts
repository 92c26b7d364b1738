// Cluster DNS against a real in-process API server: Services and EndpointSlices are
// created through the API, the DNS server learns them by list + watch, and the real
// `dig` asks it over UDP/TCP on 127.0.0.1.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { EndpointSlice, Service } from '../../src/api/index.js';
import { startApiServer, type RunningApiServer } from '../../src/apiserver/api-server.js';
import { Resources, RestClient } from '../../src/client/index.js';
import { startClusterDns, type RunningClusterDns } from '../../src/dns/index.js';
import { MemoryStore } from '../../src/store/index.js';
import { dig, requireDig, section, status } from '../../src/dns/_dig.js';

const NS = 'demons';
const Z = 'cluster.local';

async function eventually<T>(what: string, fn: () => Promise<T | undefined>, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

function service(name: string, spec: NonNullable<Service['spec']>): Service {
  return { apiVersion: 'v1', kind: 'Service', metadata: { name, namespace: NS }, spec };
}

function slice(name: string, svc: string, ips: { ip: string; hostname?: string; ready?: boolean }[]): EndpointSlice {
  return {
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: { name, namespace: NS, labels: { 'kubernetes.io/service-name': svc } },
    addressType: 'IPv4',
    ports: [{ name: 'http', port: 80, protocol: 'TCP' }],
    endpoints: ips.map((e) => ({ addresses: [e.ip], conditions: { ready: e.ready ?? true }, ...(e.hostname !== undefined ? { hostname: e.hostname } : {}) })),
  };
}

describe('cluster DNS fed by the API server', () => {
  let api: RunningApiServer;
  let client: RestClient;
  let dns: RunningClusterDns;

  before(async () => {
    await requireDig();
    api = await startApiServer({ store: new MemoryStore(), tokens: new Map([['tok', 'admin']]), port: 0, extraNamespaces: [NS] });
    client = new RestClient({ handler: api.http.handle, token: 'tok' });
    dns = await startClusterDns({ client, metricsPort: 0 });
    await dns.synced;
  });
  after(async () => {
    await dns?.stop();
    await api?.close();
  });

  test('the kubernetes Service resolves after the first sync', async () => {
    assert.equal((await dig(dns.port, '+short', `kubernetes.default.svc.${Z}`)).trim(), '10.96.0.1');
    assert.equal((await dig(dns.port, '+short', 'TXT', `dns-version.${Z}`)).trim(), '"1.1.0"');
  });

  test('a Service created through the API: A, SRV, PTR; deleted: NXDOMAIN with the SOA', async () => {
    const created = await client.create<Service>(Resources.services, NS, service('nsxtestservice', { selector: { app: 'nsxtestapp' }, ports: [{ name: 'http', port: 80, protocol: 'TCP' }] }));
    const ip = created.spec?.clusterIP;
    assert.ok(ip !== undefined && ip !== 'None');
    const a = await eventually('the A record', async () => {
      const out = (await dig(dns.port, '+short', `nsxtestservice.${NS}.svc.${Z}`)).trim();
      return out === '' ? undefined : out;
    });
    assert.equal(a, ip);
    const srv = await dig(dns.port, 'SRV', `_http._tcp.nsxtestservice.${NS}.svc.${Z}`);
    assert.deepEqual(section(srv, 'ANSWER'), [`_http._tcp.nsxtestservice.${NS}.svc.${Z}. 5 IN SRV 0 100 80 nsxtestservice.${NS}.svc.${Z}.`]);
    assert.deepEqual(section(srv, 'ADDITIONAL').filter((l) => l.includes(' IN A ')), [`nsxtestservice.${NS}.svc.${Z}. 5 IN A ${ip}`]);
    assert.equal((await dig(dns.port, '+short', '-x', ip)).trim(), `nsxtestservice.${NS}.svc.${Z}.`);

    await client.delete(Resources.services, NS, 'nsxtestservice');
    const gone = await eventually('NXDOMAIN after delete', async () => {
      const out = await dig(dns.port, `nsxtestservice.${NS}.svc.${Z}`);
      return status(out) === 'NXDOMAIN' ? out : undefined;
    });
    const soa = section(gone, 'AUTHORITY');
    assert.equal(soa.length, 1);
    assert.match(soa[0]!, new RegExp(`^${Z}\\. 5 IN SOA ns\\.dns\\.${Z}\\. hostmaster\\.${Z}\\. \\d+ 7200 1800 86400 5$`));
  });

  test('a headless Service with EndpointSlices: ready endpoints only, hostnames, SRV per endpoint; over TCP too', async () => {
    await client.create<Service>(Resources.services, NS, service('db', { clusterIP: 'None', clusterIPs: ['None'], selector: { app: 'db' }, ports: [{ name: 'http', port: 80, protocol: 'TCP' }] }));
    assert.equal(status(await dig(dns.port, `db.${NS}.svc.${Z}`)), 'NXDOMAIN', 'no ready endpoints yet');
    await client.create<EndpointSlice>(
      Resources.endpointslices,
      NS,
      slice('db-abc', 'db', [{ ip: '172.25.5.3', hostname: 'db-0' }, { ip: '172.25.5.4' }, { ip: '172.25.5.9', ready: false }]),
    );
    const out = await eventually('headless A records', async () => {
      const o = await dig(dns.port, '+tcp', `db.${NS}.svc.${Z}`);
      return section(o, 'ANSWER').length === 2 ? o : undefined;
    });
    assert.deepEqual(section(out, 'ANSWER').sort(), [`db.${NS}.svc.${Z}. 5 IN A 172.25.5.3`, `db.${NS}.svc.${Z}. 5 IN A 172.25.5.4`]);
    assert.equal((await dig(dns.port, '+short', `db-0.db.${NS}.svc.${Z}`)).trim(), '172.25.5.3');
    assert.equal((await dig(dns.port, '+short', `172-25-5-4.db.${NS}.svc.${Z}`)).trim(), '172.25.5.4');
    const srv = await dig(dns.port, 'SRV', `_http._tcp.db.${NS}.svc.${Z}`);
    assert.deepEqual(section(srv, 'ANSWER').sort(), [
      `_http._tcp.db.${NS}.svc.${Z}. 5 IN SRV 0 50 80 172-25-5-4.db.${NS}.svc.${Z}.`,
      `_http._tcp.db.${NS}.svc.${Z}. 5 IN SRV 0 50 80 db-0.db.${NS}.svc.${Z}.`,
    ]);
    assert.equal((await dig(dns.port, '+short', '-x', '172.25.5.3')).trim(), `db-0.db.${NS}.svc.${Z}.`);
  });

  test('ExternalName: a CNAME; names outside the cluster without upstreams: SERVFAIL', async () => {
    await client.create<Service>(Resources.services, NS, service('ext', { type: 'ExternalName', externalName: 'www.example.com' }));
    const out = await eventually('the CNAME', async () => {
      const o = await dig(dns.port, `ext.${NS}.svc.${Z}`);
      return section(o, 'ANSWER').length > 0 ? o : undefined;
    });
    assert.deepEqual(section(out, 'ANSWER'), [`ext.${NS}.svc.${Z}. 5 IN CNAME www.example.com.`]);
    assert.equal(status(await dig(dns.port, 'www.example.com')), 'SERVFAIL');
  });
});
