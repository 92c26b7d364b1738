// lb-ipam against the in-process API server: pools as custom resources, allocation into
// status.loadBalancer.ingress, exhaustion (event + condition), release re-queueing a pending
// Service, NSX mode (VIP + uplink, ncp annotation), restart stability, pool status counts.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { toTable, type Event, type LoadBalancerIPPool, type Service } from '../../src/api/index.js';
import { Resources } from '../../src/client/index.js';
import { LB_POOLS, startControllers } from '../../src/controllers/index.js';
import { realClock } from '../../src/core/index.js';
import { eventually, list, startCluster, type TestCluster } from './_cluster.js';

const NS = 'demons';

function lbService(name: string, extra: Partial<NonNullable<Service['spec']>> = {}, annotations?: Record<string, string>): Service {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name, namespace: NS, ...(annotations !== undefined ? { annotations } : {}) },
    spec: { type: 'LoadBalancer', selector: { app: name }, ports: [{ name: 'http', port: 80, targetPort: 80, protocol: 'TCP' }], ...extra },
  };
}

const ingressOf = (s: Service | undefined) => (s?.status?.loadBalancer?.ingress ?? []).map((i) => i.ip ?? '');

describe('lb-ipam (generic mode, pools as custom resources)', () => {
  let c: TestCluster;
  const get = (name: string) => c.client.get<Service>(Resources.services, NS, name);
  before(async () => {
    c = await startCluster({ controllers: { controllers: ['lb-ipam'], lbIpam: { mode: 'generic', defaultPool: null } } });
    const pool: LoadBalancerIPPool = { apiVersion: 'svcnet.io/v1alpha1', kind: 'LoadBalancerIPPool', metadata: { name: 'tiny' }, spec: { cidrs: ['10.190.7.10-10.190.7.11'] } };
    await c.client.create(LB_POOLS, undefined, pool);
  });
  after(async () => {
    await c.stop();
  });

  test('create -> ingress; exhaustion -> AllocationFailed event and condition; delete -> pending service gets the address', async () => {
    await c.client.create(Resources.services, NS, lbService('one'));
    await c.client.create(Resources.services, NS, lbService('two'));
    const one = await eventually('one has ingress', async () => ((await get('one')).status?.loadBalancer?.ingress?.length ? get('one') : undefined));
    assert.deepEqual(one.status?.loadBalancer?.ingress, [{ ip: '10.190.7.10', ipMode: 'VIP' }]);
    assert.equal(one.status?.conditions?.find((x) => x.type === 'LoadBalancerIPAllocated')?.status, 'True');
    await eventually('two has ingress', async () => (ingressOf(await get('two')).length === 1 ? true : undefined));
    assert.deepEqual(ingressOf(await get('two')), ['10.190.7.11']);

    await c.client.create(Resources.services, NS, lbService('three'));
    const three = await eventually('three failed', async () => {
      const s = await get('three');
      return s.status?.conditions?.find((x) => x.type === 'LoadBalancerIPAllocated' && x.status === 'False') !== undefined ? s : undefined;
    });
    const cond = three.status?.conditions?.find((x) => x.type === 'LoadBalancerIPAllocated');
    assert.equal(cond?.reason, 'AllocationFailed');
    assert.match(cond?.message ?? '', /no available IPs in pools \["tiny"\]/);
    assert.deepEqual(ingressOf(three), []);
    const ev = await eventually('AllocationFailed event', async () =>
      (await list<Event>(c.client, Resources.events, NS)).find((e) => e.reason === 'AllocationFailed' && e.involvedObject.name === 'three'),
    );
    assert.equal(ev.type, 'Warning');
    const pool = await eventually('pool exhausted in status', async () => {
      const p = await c.client.get<LoadBalancerIPPool>(LB_POOLS, undefined, 'tiny');
      return p.status?.available === 0 ? p : undefined;
    });
    assert.equal(pool.status?.allocated, 2);
    assert.equal(pool.status?.conditions?.find((x) => x.type === 'Exhausted')?.status, 'True');
    const table = toTable('loadbalancerippools', [pool], { now: Date.now() });
    assert.deepEqual(table.columnDefinitions?.map((d) => d.name.toUpperCase()), ['NAME', 'CIDRS', 'AUTO-ASSIGN', 'ALLOCATED', 'AVAILABLE', 'AGE']);
    assert.deepEqual(table.rows[0]?.cells.slice(0, 5), ['tiny', '10.190.7.10-10.190.7.11', true, 2, 0]);

    await c.client.delete(Resources.services, NS, 'one');
    await eventually('three gets the freed address', async () => (ingressOf(await get('three'))[0] === '10.190.7.10' ? true : undefined));
    assert.equal((await get('three')).status?.conditions?.find((x) => x.type === 'LoadBalancerIPAllocated')?.status, 'True');
  });

  test('type change away from LoadBalancer releases and clears status; foreign class is skipped', async () => {
    const two = await get('two');
    await c.client.update(Resources.services, NS, { ...two, spec: { ...two.spec!, type: 'ClusterIP' } });
    await eventually('two cleared', async () => {
      const s = await get('two');
      return ingressOf(s).length === 0 && s.status?.conditions?.find((x) => x.type === 'LoadBalancerIPAllocated') === undefined ? true : undefined;
    });
    await c.client.create(Resources.services, NS, lbService('foreign', { loadBalancerClass: 'example.com/other' }));
    await c.client.create(Resources.services, NS, lbService('four'));
    await eventually('four gets the address two freed', async () => (ingressOf(await get('four'))[0] === '10.190.7.11' ? true : undefined));
    const foreign = await get('foreign');
    assert.deepEqual(ingressOf(foreign), []);
    assert.equal(foreign.status?.conditions, undefined);
  });
});

describe('lb-ipam (NSX mode, lab default pool)', () => {
  let c: TestCluster;
  before(async () => {
    c = await startCluster({ controllers: { controllers: ['lb-ipam'], lbIpam: {} } });
  });
  after(async () => {
    await c.stop();
  });

  test('ingress is VIP + Tier-1 uplink, annotation ncp/internal_ip_for_policy set; requested IP honoured', async () => {
    await c.client.create(Resources.services, NS, lbService('nsxdemoservice'));
    await c.client.create(Resources.services, NS, lbService('pinned', { loadBalancerIP: '10.190.6.102' }));
    await c.client.create(Resources.services, NS, lbService('byannotation', {}, { 'svcnet.io/loadBalancerIPs': '10.190.6.50' }));
    await c.client.create(Resources.services, NS, lbService('outside', {}, { 'svcnet.io/loadBalancerIPs': '192.0.2.1' }));
    const svc = await eventually('nsx ingress + annotation', async () => {
      const s = await c.client.get<Service>(Resources.services, NS, 'nsxdemoservice');
      return ingressOf(s).length === 2 && s.metadata.annotations?.['ncp/internal_ip_for_policy'] !== undefined ? s : undefined;
    });
    assert.deepEqual(ingressOf(svc), ['10.190.6.1', '100.64.208.9']);
    assert.equal(svc.metadata.annotations?.['ncp/internal_ip_for_policy'], '100.64.208.9');
    await eventually('pinned', async () => (ingressOf(await c.client.get<Service>(Resources.services, NS, 'pinned')).join(',') === '10.190.6.102,100.64.208.9' ? true : undefined));
    await eventually('annotation request', async () => (ingressOf(await c.client.get<Service>(Resources.services, NS, 'byannotation'))[0] === '10.190.6.50' ? true : undefined));
    const outside = await eventually('outside fails', async () => {
      const s = await c.client.get<Service>(Resources.services, NS, 'outside');
      return s.status?.conditions?.find((x) => x.type === 'LoadBalancerIPAllocated')?.reason === 'RequestedIPNotInPool' ? s : undefined;
    });
    assert.deepEqual(ingressOf(outside), []);
  });

  test('a restarted controller keeps every address (rebuilt from status before allocating)', async () => {
    await c.controllers.stop();
    // A Service created while no controller runs must not take an address someone already shows.
    await c.client.create(Resources.services, NS, lbService('latecomer'));
    const before = new Map((await list<Service>(c.client, Resources.services, NS)).map((s) => [s.metadata.name, ingressOf(s).join(',')]));
    const restarted = startControllers(c.client, { clock: realClock, controllers: ['lb-ipam'], lbIpam: {} });
    try {
      await restarted.synced;
      const late = await eventually('latecomer allocated', async () => {
        const s = await c.client.get<Service>(Resources.services, NS, 'latecomer');
        return ingressOf(s).length === 2 ? s : undefined;
      });
      assert.deepEqual(ingressOf(late), ['10.190.6.2', '100.64.208.9']);
      for (const s of await list<Service>(c.client, Resources.services, NS)) {
        if (s.metadata.name !== 'latecomer') assert.equal(ingressOf(s).join(','), before.get(s.metadata.name), `${s.metadata.name} moved`);
      }
    } finally {
      await restarted.stop();
    }
  });
});
