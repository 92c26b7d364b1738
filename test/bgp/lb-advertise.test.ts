// LoadBalancer Service -> VIP /32 in a real gobgpd's RIB, through the API server, the
// VipAdvertiser and our speaker over TCP on 127.0.0.1. The allocator is not part of this
// test: it writes status.loadBalancer.ingress itself (VIP + the NSX uplink, which must not
// be advertised).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Service } from '../../src/api/index.js';
import { startTestServer, svc, TOKEN } from '../../src/apiserver/_test-server.js';
import { waitFor } from '../../src/bgp/_wait.js';
import { Resources, RestClient } from '../../src/client/index.js';
import { startTier0Bgp, type Tier0Bgp } from '../../src/lb/advertise/index.js';
import { Gobgpd, gobgpdMissing } from './_gobgpd.js';

const VIP = '10.190.6.1';
const UPLINK = '100.64.208.9';

test('LoadBalancer VIP advertised to gobgpd, withdrawn on delete, back after a gobgpd restart', async () => {
  // Fails (never skips) without gobgpd, as gobgpd.test.ts does: .ci/run installs it.
  const missing = gobgpdMissing();
  if (missing !== undefined) assert.fail(missing);
  const server = await startTestServer();
  const client = new RestClient({ handler: server.api.http.handle, token: TOKEN });
  const g = await Gobgpd.start({ as: 64512, routerId: '192.0.2.1', neighbors: [{ address: '127.0.0.1', peerAs: 65001, passive: true }] });
  let bgp: Tier0Bgp | undefined;
  const dump = () => ({ bgp: bgp?.status(), gobgpdLog: g.log().split('\n').slice(-10) });
  try {
    const started = await startTier0Bgp({
      localAsn: 65001,
      routerId: '192.168.50.1',
      peers: [{ address: '127.0.0.1', port: g.bgpPort, asn: 64512 }],
      client,
      vipCidrs: ['10.190.6.0/24'],
      // gobgpd drops routes whose next hop is its own address (127.0.0.1).
      nextHop: '192.168.50.1',
      holdTime: 9,
      retry: { initialMs: 1000, maxMs: 4000, jitter: 0.25 },
    });
    if (!started.ok) assert.fail(started.error.join('; '));
    bgp = started.value;
    await bgp.advertiser.ready();
    await waitFor('session established', () => bgp?.status().peers[0]?.state === 'Established', 10_000, dump);

    const created = await client.create<Service>(Resources.services, 'default', svc('web', { type: 'LoadBalancer' }) as unknown as Service);
    await client.updateStatus<Service>(Resources.services, 'default', { ...created, status: { loadBalancer: { ingress: [{ ip: VIP }, { ip: UPLINK }] } } });

    const rib = await waitFor('VIP /32 in gobgpd RIB', async () => {
      const r = await g.rib();
      return r[`${VIP}/32`] !== undefined ? r : undefined;
    }, 10_000, dump);
    const attrs = rib[`${VIP}/32`]?.[0]?.attrs ?? [];
    assert.equal(attrs.find((a) => a.type === 3)?.nexthop, '192.168.50.1');
    assert.deepEqual(attrs.find((a) => a.type === 2)?.as_paths?.[0]?.asns, [65001]);
    assert.deepEqual(Object.keys(rib), [`${VIP}/32`], 'the Tier-1 uplink is not a VIP');
    assert.deepEqual(bgp.status().prefixes, [`${VIP}/32`]);
    assert.equal(bgp.status().peers[0]?.prefixesSent, 1);

    await client.delete(Resources.services, 'default', 'web');
    await waitFor('VIP withdrawn', async () => (await g.ribCount()) === 0, 10_000, dump);
    assert.deepEqual(bgp.status().prefixes, []);

    const again = await client.create<Service>(Resources.services, 'default', svc('web2', { type: 'LoadBalancer' }) as unknown as Service);
    await client.updateStatus<Service>(Resources.services, 'default', { ...again, status: { loadBalancer: { ingress: [{ ip: VIP }] } } });
    await waitFor('VIP back', async () => (await g.rib())[`${VIP}/32`] !== undefined, 10_000, dump);

    await g.stop();
    await waitFor('speaker notices gobgpd went away', () => bgp?.status().peers[0]?.state !== 'Established', 10_000, dump);
    await g.launch();
    // gobgpd refuses reconnects for ~5 s after a teardown; the speaker's backoff rides through.
    await waitFor('session re-established', () => bgp?.status().peers[0]?.state === 'Established', 20_000, dump);
    await waitFor('VIP in the restarted gobgpd RIB', async () => (await g.rib())[`${VIP}/32`] !== undefined, 10_000, dump);
  } finally {
    await bgp?.stop();
    await g.dispose();
    client.close();
    await server.close();
  }
});

test('startTier0Bgp reports every bad setting at once and starts nothing', async () => {
  const server = await startTestServer();
  const client = new RestClient({ handler: server.api.http.handle, token: TOKEN });
  try {
    const r = await startTier0Bgp({
      localAsn: 0,
      routerId: '192.168.50.1',
      peers: [{ address: 'gobgp.local', port: 179, asn: 4294967296 }],
      client,
      vipCidrs: ['10.190.6.1/24'],
      nextHop: '192.168.50.1',
    });
    assert.equal(r.ok, false);
    if (r.ok) return;
    const text = r.error.join('\n');
    assert.match(text, /local ASN 0 is not an integer in 1\.\.4294967295/);
    assert.match(text, /"gobgp\.local" is not an IPv4 address/);
    assert.match(text, /VIP CIDR "10\.190\.6\.1\/24"/);
  } finally {
    client.close();
    await server.close();
  }
});
