// Our speaker against a real gobgpd 3.x on 127.0.0.1: advertise, withdraw, and re-establish
// after gobgpd restarts. Fails (never skips) when gobgpd is not installed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { unwrap } from '../../src/core/result.js';
import { Speaker } from '../../src/bgp/index.js';
import { waitFor } from '../../src/bgp/_wait.js';
import { Gobgpd, gobgpdMissing } from './_gobgpd.js';

const VIP = '10.190.6.102/32';

test('speaker <-> gobgpd: advertise, withdraw, gobgpd restart', async () => {
  const missing = gobgpdMissing();
  if (missing !== undefined) assert.fail(missing);
  const g = await Gobgpd.start({ as: 64512, routerId: '192.0.2.1', neighbors: [{ address: '127.0.0.1', peerAs: 65001, passive: true }] });
  const s = unwrap(
    Speaker.create({
      localAs: 65001,
      routerId: '10.0.0.1',
      holdTime: 9,
      retry: { initialMs: 1000, maxMs: 4000, jitter: 0.25 },
      peers: [{ address: '127.0.0.1', port: g.bgpPort, asn: 64512 }],
    }),
  );
  const dump = () => ({ speaker: s.status(), gobgpdLog: g.log().split('\n').slice(-15) });
  try {
    // gobgpd treats 127.0.0.1 (its own address) as an invalid next hop, so name one.
    s.set([{ prefix: VIP, nextHop: '192.0.2.10' }]);
    await s.start();
    const rib = await waitFor('VIP in gobgpd RIB', async () => {
      const r = await g.rib();
      return r[VIP] !== undefined ? r : undefined;
    }, 10_000, dump);
    const attrs = rib[VIP]?.[0]?.attrs ?? [];
    assert.equal(attrs.find((a) => a.type === 3)?.nexthop, '192.0.2.10');
    assert.deepEqual(attrs.find((a) => a.type === 2)?.as_paths?.[0]?.asns, [65001]);
    assert.equal(await g.neighborState('127.0.0.1'), 6);

    s.set([]);
    await waitFor('withdrawal in gobgpd RIB', async () => (await g.ribCount()) === 0, 10_000, dump);

    s.set([{ prefix: VIP, nextHop: '192.0.2.10' }]);
    await waitFor('VIP back', async () => (await g.ribCount()) === 1, 10_000, dump);
    await g.stop();
    await waitFor('speaker notices gobgpd went away', () => s.status().peers[0]?.state !== 'Established', 10_000, dump);
    await g.launch();
    await waitFor('session re-established', () => s.status().peers[0]?.state === 'Established', 20_000, dump);
    await waitFor('VIP in the new gobgpd RIB', async () => (await g.rib())[VIP] !== undefined, 10_000, dump);
  } finally {
    await s.stop();
    await g.dispose();
  }
});
