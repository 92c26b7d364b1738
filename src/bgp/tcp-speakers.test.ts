// Two of our speakers peering over real TCP on 127.0.0.1: A connects (active), B listens (passive).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { unwrap } from '../core/result.js';
import { waitFor } from './_wait.js';
import { Speaker } from './speaker.js';

const retry = { initialMs: 100, maxMs: 1000, jitter: 0.1 };

async function startB(port: number): Promise<Speaker> {
  const b = unwrap(Speaker.create({ localAs: 65002, routerId: '10.0.0.2', listen: { host: '127.0.0.1', port }, holdTime: 9, retry, peers: [{ address: '127.0.0.1', asn: 65001, passive: true }] }));
  await b.start();
  return b;
}

function startA(portB: number): Speaker {
  return unwrap(Speaker.create({ localAs: 65001, routerId: '10.0.0.1', holdTime: 9, retry, peers: [{ address: '127.0.0.1', port: portB, asn: 65002 }] }));
}

const established = (s: Speaker) => s.status().peers[0]?.state === 'Established';
const routes = (s: Speaker) => s.receivedRoutes().map((r) => `${r.prefix} via ${r.nextHop} path ${r.asPath}`);

test('two speakers over TCP: exchange, withdraw, and survive restarts of either side', async () => {
  let b = await startB(0);
  const port = b.listenPort ?? 0;
  assert.ok(port > 0);
  let a = startA(port);
  try {
    a.set([{ prefix: '10.190.6.102/32', nextHop: '192.0.2.10', med: 7 }]);
    b.set([{ prefix: '10.190.7.0/24' }]);
    await a.start();
    await waitFor('routes at B', () => routes(b).length === 1, 5000, () => [a.status(), b.status()]);
    assert.deepEqual(routes(b), ['10.190.6.102/32 via 192.0.2.10 path 65001']);
    assert.equal(b.receivedRoutes()[0]?.med, 7);
    await waitFor('routes at A', () => routes(a).length === 1);
    assert.deepEqual(routes(a), ['10.190.7.0/24 via 127.0.0.1 path 65002']);
    assert.equal(a.status().peers[0]?.prefixesSent, 1);

    a.set([]);
    await waitFor('withdrawal at B', () => routes(b).length === 0);

    // B (the passive side) restarts: A gets a Cease, backs off, and reconnects.
    a.set([{ prefix: '10.190.6.102/32', nextHop: '192.0.2.10' }]);
    await b.stop('restart');
    await waitFor('A notices', () => !established(a));
    assert.match(a.status().peers[0]?.lastDown ?? '', /Cease \/ Administrative Shutdown/);
    b = await startB(port);
    await waitFor('re-established after B restarted', () => established(a) && established(b), 5000, () => [a.status(), b.status()]);
    await waitFor('route back at B', () => routes(b).length === 1);

    // A (the active side) restarts: B drops back to Active and takes the new connection.
    await a.stop();
    await waitFor('B notices', () => b.status().peers[0]?.state === 'Active');
    assert.deepEqual(routes(b), []);
    a = startA(port);
    a.set([{ prefix: '10.190.6.103/32', nextHop: '192.0.2.10' }]);
    await a.start();
    await waitFor('route from the new A', () => routes(b)[0]?.startsWith('10.190.6.103/32'));
  } finally {
    await a.stop();
    await b.stop();
  }
});
