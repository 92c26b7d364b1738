import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { FakeCluster } from './_fake-cluster.js';
import { DEMO_PODS, fetchOnce, lbLab } from './_test-edge.js';
import { slice, svc } from './_test-objects.js';
import { NsxLoadBalancer } from './nsx-load-balancer.js';
import { settle } from '../dataplane/host/testing.js';

async function until(cond: () => boolean): Promise<void> {
  for (let i = 0; i < 100 && !cond(); i++) await settle();
  assert.ok(cond(), 'condition not reached');
}

describe('NsxLoadBalancer', () => {
  test('watches Services and EndpointSlices and drives the edge: VIP up, members follow slices, deletion withdraws', async () => {
    const { clock, lab, client } = lbLab();
    const api = new FakeCluster();
    api.put(svc('nsxdemoservice'));
    api.put(slice('nsxdemoservice', DEMO_PODS.slice(0, 2).map((p) => ({ ip: p.ip, pod: p.name }))));
    api.put(svc('internal', { type: 'ClusterIP', ingress: [] }));
    const lb = new NsxLoadBalancer({ client: api, lab, clock, suffix: 'cyjfb' });
    lb.start();
    await lb.ready();
    assert.equal(lb.edge.srName, 'SR-lb-k8s-testcluster1-cyjfb');
    assert.deepEqual(lb.edge.loopbackVips(), ['10.190.6.102']);
    assert.deepEqual(lb.model().pools[0]?.members.map((m) => m.ip), ['172.25.5.2', '172.25.5.3']);
    const r = await fetchOnce(clock, client.stack, '10.190.6.102', 80);
    assert.equal(r.kind === 'ok' ? r.body.trim() : r.message, DEMO_PODS[0].name);

    api.put(slice('nsxdemoservice', DEMO_PODS.map((p) => ({ ip: p.ip }))));
    await until(() => lb.model().pools[0]?.members.length === 4);

    api.delete(svc('nsxdemoservice'));
    await until(() => lb.edge.loopbackVips().length === 0);
    assert.equal(lb.model().virtualServers.length, 0);
    assert.doesNotMatch(lab.tier0.formatRoutes(), /10\.190\.6\.102/);
    lb.stop();
  });

  test('a foreign loadBalancerClass is left alone; ours is taken', async () => {
    const { clock, lab } = lbLab();
    const api = new FakeCluster();
    api.put(svc('theirs', { loadBalancerClass: 'other.io/lb', ingress: ['10.190.6.5'] }));
    api.put(svc('ours', { loadBalancerClass: 'svcnet.io/nsx', ingress: ['10.190.6.6', '100.64.208.9'] }));
    const lb = new NsxLoadBalancer({ client: api, lab, clock, loadBalancerClass: 'svcnet.io/nsx' });
    lb.start();
    await lb.ready();
    assert.deepEqual(lb.edge.loopbackVips(), ['10.190.6.6']);
    assert.match(lb.edge.srName, /^SR-lb-k8s-testcluster1-[a-z]{5}$/);
    lb.stop();
  });
});
