import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Service } from '../../src/api/index.js';
import { startTestServer, svc, TOKEN } from '../../src/apiserver/_test-server.js';
import { Resources, RestClient } from '../../src/client/index.js';
import type { Advertisement, SetResult } from '../../src/bgp/index.js';
import { unwrap } from '../../src/core/result.js';
import { VipAdvertiser } from '../../src/lb/advertise/index.js';

async function eventually(what: string, fn: () => boolean, ms = 3000): Promise<void> {
  const end = Date.now() + ms;
  while (!fn()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

test('VipAdvertiser: waits for the list, then follows Services; batches a burst into one set()', async () => {
  const server = await startTestServer();
  const client = new RestClient({ handler: server.api.http.handle, token: TOKEN });
  const sets: Advertisement[][] = [];
  const sink = { set: (a: readonly Advertisement[]): SetResult => (sets.push([...a]), { kind: 'applied', routes: a.length, announced: 0, withdrawn: 0 }) };
  const mk = async (name: string, ips: string[]) => {
    const s = await client.create<Service>(Resources.services, 'default', svc(name, { type: 'LoadBalancer' }) as unknown as Service);
    return client.updateStatus<Service>(Resources.services, 'default', { ...s, status: { loadBalancer: { ingress: ips.map((ip) => ({ ip })) } } });
  };
  await mk('pre', ['10.190.6.9']);
  const adv = unwrap(VipAdvertiser.create({ client, sink, vipCidrs: ['10.190.6.0/24'], nextHop: '192.168.50.1' }));
  try {
    adv.start();
    await adv.ready();
    assert.deepEqual(sets, [[{ prefix: '10.190.6.9/32', nextHop: '192.168.50.1' }]], 'first set() has the listed VIPs, never an empty table');

    await Promise.all([mk('a', ['10.190.6.1', '100.64.208.9']), mk('b', ['10.190.6.2'])]);
    await eventually('both VIPs', () => adv.advertisements().length === 3);
    assert.deepEqual(adv.advertisements().map((a) => a.prefix), ['10.190.6.1/32', '10.190.6.2/32', '10.190.6.9/32']);

    const before = sets.length;
    const cur = await client.get<Service>(Resources.services, 'default', 'a');
    await client.update<Service>(Resources.services, 'default', { ...cur, metadata: { ...cur.metadata, labels: { touched: 'yes' } } });
    await client.delete(Resources.services, 'default', 'b');
    await eventually('b withdrawn', () => adv.advertisements().length === 2);
    assert.equal(sets.length, before + 1, 'a label change does not touch the advertisements');
    assert.deepEqual(adv.advertisements().map((a) => a.prefix), ['10.190.6.1/32', '10.190.6.9/32']);
  } finally {
    adv.stop();
    client.close();
    await server.close();
  }
});
