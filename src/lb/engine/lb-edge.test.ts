import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { unwrap } from '../../core/result.js';
import { buildNsxLbModel } from '../nsx/build-model.js';
import { DEMO_PODS, fetchOnce, ip, lbLab } from '../_test-edge.js';
import { slice, svc } from '../_test-objects.js';
import { LbEdge } from './lb-edge.js';

const opts = { clusterName: 'k8s-testcluster1', suffix: 'cyjfb', uplinkIp: '100.64.208.9' } as const;
const demoSlice = (ready: readonly boolean[] = [true, true, true, true]) =>
  slice('nsxdemoservice', DEMO_PODS.map((p, i) => ({ ip: p.ip, pod: p.name, ready: ready[i] ?? true })));

function setup(o: { readonly pick?: 'random' } = {}) {
  const env = lbLab();
  const model = buildNsxLbModel([svc('nsxdemoservice')], [demoSlice()], opts);
  let r = 0.1;
  const edge = unwrap(
    LbEdge.attach({
      lab: env.lab,
      loadBalancer: model.loadBalancer,
      clock: env.clock,
      ...(o.pick === 'random' ? { pick: { kind: 'random', random: () => ((r = (r * 9301 + 0.49297) % 1), r) } } : {}),
    }),
  );
  edge.sync(model);
  return { ...env, edge, model };
}

describe('LbEdge in the NSX lab', () => {
  test('the SR hangs off the Tier-0 on 100.64.208.8/31 and the VIP /32 is routed to it', () => {
    const { lab, edge } = setup();
    assert.equal(edge.srName, 'SR-lb-k8s-testcluster1-cyjfb');
    assert.equal(edge.router.iface('uplink')?.ip, ip('100.64.208.9'));
    assert.deepEqual(edge.loopbackVips(), ['10.190.6.102']);
    assert.match(lab.tier0.formatRoutes(), /^t0s> \* 10\.190\.6\.102\/32 \[1\/0\] via 100\.64\.208\.9, down-SR-lb-k8s-testcluster1-cyjfb$/m);
    assert.match(lab.tier0.formatRoutes(), /^t0c> \* 100\.64\.208\.8\/31 is directly connected, down-SR-lb-k8s-testcluster1-cyjfb$/m);
  });

  test('the external client reaches the pods through the VIP; connections spread round robin; replies come from the VIP', async () => {
    const { clock, client, servers, edge } = setup();
    const bodies: string[] = [];
    for (let i = 0; i < 8; i++) {
      const r = await fetchOnce(clock, client.stack, '10.190.6.102', 80);
      assert.equal(r.kind, 'ok', JSON.stringify(r));
      if (r.kind !== 'ok') return;
      assert.equal(r.remote, ip('10.190.6.102'), 'the client only talks to the VIP');
      bodies.push(r.body.trim());
    }
    // Members in address order, each picked twice in turn.
    assert.deepEqual(bodies, [...DEMO_PODS.map((p) => p.name), ...DEMO_PODS.map((p) => p.name)]);
    for (const s of servers) {
      assert.equal(s.accepted.length, 2);
      // SNAT automap: the pods see the LB uplink address, not the client.
      for (const a of s.accepted) assert.equal(a.remoteAddress, ip('100.64.208.9'));
    }
    assert.equal(edge.lb.counters.newConnections, 8);
    assert.ok(edge.lb.counters.toClient > 8 && edge.lb.counters.toMember > 8);
    assert.deepEqual([...edge.lb.memberConnections(ip('10.190.6.102'), 'TCP', 80).values()], [2, 2, 2, 2]);
  });

  test('random pick with an injected generator reaches every member over enough connections', async () => {
    const { clock, client, servers } = setup({ pick: 'random' });
    for (let i = 0; i < 16; i++) assert.equal((await fetchOnce(clock, client.stack, '10.190.6.102', 80)).kind, 'ok');
    assert.equal(servers.reduce((n, s) => n + s.accepted.length, 0), 16);
    assert.ok(servers.every((s) => s.accepted.length > 0), servers.map((s) => s.accepted.length).join(','));
  });

  test('pool follows readiness; no ready member -> the SYN is answered with RST; VIP removed -> unreachable', async () => {
    const { clock, lab, client, servers, edge } = setup();
    edge.sync(buildNsxLbModel([svc('nsxdemoservice')], [demoSlice([false, true, false, false])], opts));
    for (let i = 0; i < 3; i++) assert.equal((await fetchOnce(clock, client.stack, '10.190.6.102', 80)).kind, 'ok');
    assert.deepEqual(servers.map((s) => s.accepted.length), [0, 3, 0, 0]);

    edge.sync(buildNsxLbModel([svc('nsxdemoservice')], [demoSlice([false, false, false, false])], opts));
    const refused = await fetchOnce(clock, client.stack, '10.190.6.102', 80);
    assert.equal(refused.kind, 'error');
    if (refused.kind === 'error') assert.match(refused.message, /refused|ECONNREFUSED/i);
    assert.equal(edge.lb.counters.resets, 1);

    edge.sync(buildNsxLbModel([], [], opts));
    assert.deepEqual(edge.loopbackVips(), []);
    assert.doesNotMatch(lab.tier0.formatRoutes(), /10\.190\.6\.102/);
    const gone = await fetchOnce(clock, client.stack, '10.190.6.102', 80, 5_000);
    assert.equal(gone.kind, 'error');
    assert.equal(edge.lb.counters.resets, 1, 'no LB involvement once the VIP is gone');
  });

  test('connection state expires on the clock', async () => {
    const { clock, client, edge } = setup();
    assert.equal((await fetchOnce(clock, client.stack, '10.190.6.102', 80)).kind, 'ok');
    assert.equal(edge.lb.connections().length, 1);
    assert.match(edge.lb.connections()[0]?.tcpState ?? '', /TIME_WAIT|CLOSE|LAST_ACK|FIN_WAIT/);
    clock.advance(121_000);
    assert.equal(edge.lb.connections().length, 0);
  });
});
