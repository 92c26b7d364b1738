import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseIPv4, unwrap } from '../../core/index.js';
import { LbAllocator, type LbServiceView } from './allocator.js';
import { compilePool, poolUsable, type CompiledPool } from './pool-set.js';

const pool = (name: string, cidrs: string[], extra: Partial<Parameters<typeof compilePool>[1]> = {}): CompiledPool => unwrap(compilePool(name, { cidrs, ...extra }));
const view = (key: string, extra: Partial<LbServiceView> = {}): LbServiceView => ({ key, managed: true, requested: [], current: [], labels: {}, namespaceLabels: {}, ...extra });

function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('LbAllocator', () => {
  test('avoidBuggyIPs skips .0/.255 and a /24 has 254 usable addresses', () => {
    const p = pool('default', ['10.190.6.0/24'], { avoidBuggyIPs: true });
    assert.equal(p.size, 254);
    const a = new LbAllocator([p]);
    const first = a.sync(view('demons/a'));
    assert.deepEqual(first.type === 'assigned' && first.ips, ['10.190.6.1']);
  });

  test('exhaustion fails with AllocationFailed, and a release lets the pending service in', () => {
    const a = new LbAllocator([pool('small', ['10.0.0.1-10.0.0.2'])]);
    assert.equal(a.sync(view('ns/a')).type, 'assigned');
    assert.equal(a.sync(view('ns/b')).type, 'assigned');
    const c = a.sync(view('ns/c'));
    assert.equal(c.type, 'failed');
    assert.equal(c.type === 'failed' && c.reason, 'AllocationFailed');
    assert.match(c.type === 'failed' ? c.message : '', /no available IPs in pools \["small"\]/);
    assert.deepEqual(a.pendingKeys(), ['ns/c']);
    assert.deepEqual(a.usage('small'), { allocated: 2, available: 0 });
    assert.deepEqual(a.release('ns/a'), ['10.0.0.1']);
    const again = a.sync(view('ns/c'));
    assert.deepEqual(again.type === 'assigned' && again.ips, ['10.0.0.1']);
    assert.deepEqual(a.pendingKeys(), []);
  });

  test('requested IPs: honoured, outside every pool, taken by another, invalid', () => {
    const a = new LbAllocator([pool('p', ['10.1.0.0/28'])]);
    const ok = a.sync(view('ns/a', { requested: ['10.1.0.7'] }));
    assert.deepEqual(ok.type === 'assigned' && ok.ips, ['10.1.0.7']);
    const outside = a.sync(view('ns/b', { requested: ['192.168.1.1'] }));
    assert.equal(outside.type === 'failed' && outside.reason, 'RequestedIPNotInPool');
    const taken = a.sync(view('ns/c', { requested: ['10.1.0.7'] }));
    assert.equal(taken.type === 'failed' && taken.reason, 'RequestedIPInUse');
    assert.match(taken.type === 'failed' ? taken.message : '', /already allocated to ns\/a/);
    const bad = a.sync(view('ns/d', { requested: ['10.1.0.300'] }));
    assert.equal(bad.type === 'failed' && bad.reason, 'RequestedIPInvalid');
    assert.equal(a.holding('ns/b'), undefined);
    // Auto-assignment skips the requested address.
    const auto = a.sync(view('ns/e'));
    assert.deepEqual(auto.type === 'assigned' && auto.ips, ['10.1.0.0']);
  });

  test('a changed request that cannot be met keeps the old address', () => {
    const a = new LbAllocator([pool('p', ['10.1.0.0/28'])]);
    a.sync(view('ns/a', { requested: ['10.1.0.3'] }));
    a.sync(view('ns/b', { requested: ['10.1.0.4'] }));
    const r = a.sync(view('ns/a', { requested: ['10.1.0.4'] }));
    assert.equal(r.type, 'failed');
    assert.deepEqual(r.type === 'failed' && r.held, ['10.1.0.3']);
    const moved = a.sync(view('ns/a', { requested: ['10.1.0.5'] }));
    assert.deepEqual(moved.type === 'assigned' && [moved.ips, moved.released], [['10.1.0.5'], ['10.1.0.3']]);
  });

  test('unmanaged (foreign class / type change) releases', () => {
    const a = new LbAllocator([pool('p', ['10.1.0.0/30'])]);
    a.sync(view('ns/a'));
    const r = a.sync(view('ns/a', { managed: false }));
    assert.deepEqual(r, { type: 'unmanaged', released: ['10.1.0.0'] });
    assert.equal(a.holdings().size, 0);
  });

  test('pools in priority then name order; selectors; autoAssign false only serves requests', () => {
    const pools = [
      pool('b-pool', ['10.2.0.0/30'], { priority: 1 }),
      pool('a-pool', ['10.3.0.0/30'], { priority: 1 }),
      pool('manual', ['10.4.0.0/30'], { priority: 0, autoAssign: false }),
      pool('team', ['10.5.0.0/30'], { priority: 0, serviceSelector: { matchLabels: { team: 'nsx' } } }),
      pool('ns', ['10.6.0.0/30'], { priority: 0, namespaceSelector: { matchLabels: { env: 'prod' } } }),
    ];
    const a = new LbAllocator(pools);
    assert.deepEqual(a.poolNames(), ['manual', 'ns', 'team', 'a-pool', 'b-pool']);
    const plain = a.sync(view('x/plain'));
    assert.equal(plain.type === 'assigned' && plain.pool, 'a-pool');
    const team = a.sync(view('x/team', { labels: { team: 'nsx' } }));
    assert.equal(team.type === 'assigned' && team.pool, 'team');
    const prod = a.sync(view('x/prod', { namespaceLabels: { env: 'prod' } }));
    assert.equal(prod.type === 'assigned' && prod.pool, 'ns');
    const manual = a.sync(view('x/manual', { requested: ['10.4.0.2'] }));
    assert.equal(manual.type === 'assigned' && manual.pool, 'manual');
    const denied = a.sync(view('x/denied', { requested: ['10.5.0.1'] }));
    assert.equal(denied.type === 'failed' && denied.reason, 'RequestedIPNotInPool');
  });

  test('property: random create/delete/type-change/request sequences never duplicate, stay in pools, and restore identically', () => {
    for (let seed = 1; seed <= 40; seed++) {
      const r = rng(seed);
      const pools = [pool('p1', ['10.10.0.0/28'], { avoidBuggyIPs: true }), pool('p2', ['10.10.1.250-10.10.2.5'], { avoidBuggyIPs: seed % 2 === 0, priority: 1 })];
      const a = new LbAllocator(pools);
      const live = new Map<string, LbServiceView>();
      for (let step = 0; step < 300; step++) {
        const key = `ns/s${Math.floor(r() * 40)}`;
        const op = r();
        if (op < 0.45) {
          const requested = r() < 0.2 ? [`10.10.${Math.floor(r() * 3)}.${Math.floor(r() * 16)}`] : [];
          const v = view(key, { requested });
          live.set(key, v);
          a.sync(v);
        } else if (op < 0.7) {
          live.delete(key);
          a.release(key);
        } else if (op < 0.85) {
          const v = view(key, { managed: false });
          live.set(key, v);
          a.sync(v);
        } else {
          for (const k of a.pendingKeys()) {
            const v = live.get(k);
            if (v !== undefined) a.sync(v);
          }
        }
        const h = a.holdings();
        const all = [...h.values()].flat();
        assert.equal(new Set(all).size, all.length, `seed ${seed} step ${step}: duplicate`);
        for (const [k, ips] of h) {
          assert.ok(live.get(k)?.managed === true, `seed ${seed}: ${k} holds without being managed`);
          for (const ip of ips) assert.ok(pools.some((p) => poolUsable(p, unwrap(parseIPv4(ip)))), `seed ${seed}: ${ip} outside pools`);
        }
      }
      // Restart: a fresh allocator restored from "status" holds exactly the same, and syncing changes nothing.
      const before = a.holdings();
      const b = new LbAllocator(pools);
      const views = [...live.values()].map((v) => ({ ...v, current: before.get(v.key) ?? [] }));
      b.restore(views);
      assert.deepEqual(b.holdings(), before, `seed ${seed}: restore`);
      // Services with an unmet request change of their own may still move when retried; nothing else may.
      const settled = views.filter((v) => !a.pendingKeys().includes(v.key));
      for (const v of settled) {
        const o = b.sync(v);
        if (o.type === 'assigned') assert.equal(o.fresh && before.has(v.key), false, `seed ${seed}: ${v.key} reshuffled`);
      }
      for (const v of settled) assert.deepEqual(b.holdings().get(v.key), before.get(v.key), `seed ${seed}: ${v.key} moved after restart`);
    }
  });

  test('restore: the first claimant keeps a contested address; the other is reported', () => {
    const a = new LbAllocator([pool('p', ['10.1.0.0/29'])]);
    const rep = a.restore([view('ns/a', { current: ['10.1.0.2'] }), view('ns/b', { current: ['10.1.0.2'] })]);
    assert.deepEqual(rep, { adopted: 1, conflicts: ['ns/b'] });
    const b = a.sync(view('ns/b'));
    assert.deepEqual(b.type === 'assigned' && b.ips, ['10.1.0.0']);
  });
});
