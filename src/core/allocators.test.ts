import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BitmapAllocator } from './bitmap-allocator.js';
import { IPAllocator, PortAllocator } from './range-allocators.js';
import { parseCidr } from './cidr.js';
import { formatIP } from './ip.js';
import { unwrap } from './result.js';

function seeded(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

test('bitmap allocator hands out every slot exactly once, then reports full', () => {
  const a = new BitmapAllocator(100, seeded(1));
  const seen = new Set<number>();
  for (let i = 0; i < 100; i++) {
    const n = a.allocateNext();
    assert.notEqual(n, undefined);
    assert.ok(!seen.has(n!), `duplicate ${n}`);
    seen.add(n!);
  }
  assert.equal(a.allocateNext(), undefined);
  assert.equal(a.count(), 100);
  assert.equal(a.free(), 0);
  assert.ok(a.release(42));
  assert.equal(a.release(42), false);
  assert.equal(a.allocateNext(), 42);
});

test('specific allocation, bounds, and snapshot/restore', () => {
  const a = new BitmapAllocator(70, seeded(2));
  assert.ok(a.allocate(0));
  assert.ok(a.allocate(69));
  assert.equal(a.allocate(69), false);
  assert.equal(a.allocate(70), false);
  assert.equal(a.allocate(-1), false);
  assert.equal(a.allocate(1.5), false);
  const snap = a.snapshot();
  const b = new BitmapAllocator(70);
  b.restore(snap);
  assert.equal(b.count(), 2);
  assert.ok(b.has(0) && b.has(69) && !b.has(1));
  assert.deepEqual([...b.allocated()], [0, 69]);
  assert.throws(() => new BitmapAllocator(71).restore(snap), /size/);
});

test('allocateLowest is deterministic and wraps', () => {
  const a = new BitmapAllocator(4);
  assert.equal(a.allocateLowest(2), 2);
  assert.equal(a.allocateLowest(2), 3);
  assert.equal(a.allocateLowest(2), 0);
});

test('service IP allocator reserves network and broadcast and rejects out-of-range', () => {
  const a = new IPAllocator(unwrap(parseCidr('10.96.0.0/29')), { random: seeded(3) });
  assert.equal(a.capacity(), 6);
  const got = new Set<string>();
  for (let i = 0; i < 6; i++) got.add(formatIP(unwrap(a.allocateNext())));
  assert.deepEqual([...got].sort(), ['10.96.0.1', '10.96.0.2', '10.96.0.3', '10.96.0.4', '10.96.0.5', '10.96.0.6']);
  const full = a.allocateNext();
  assert.ok(!full.ok && full.error.reason === 'Full');
  const b = new IPAllocator(unwrap(parseCidr('10.96.0.0/12')));
  assert.ok(unwrap(b.allocate('10.96.0.10')));
  const dup = b.allocate('10.96.0.10');
  assert.ok(!dup.ok && dup.error.reason === 'AlreadyAllocated');
  const out = b.allocate('10.190.6.1');
  assert.ok(!out.ok && out.error.reason === 'NotInRange');
  assert.ok(!b.allocate('10.96.0.0').ok, 'network address is reserved');
  assert.ok(!b.allocate('10.111.255.255').ok, 'broadcast address is reserved');
  assert.ok(b.release('10.96.0.10'));
  assert.equal(b.used(), 0);
});

test('pod IPAM style: skip the gateway, lowest first', () => {
  const a = new IPAllocator(unwrap(parseCidr('172.25.5.0/24')), { skipFirst: 1 });
  assert.equal(formatIP(unwrap(a.allocateLowest())), '172.25.5.2');
  assert.equal(formatIP(unwrap(a.allocateLowest())), '172.25.5.3');
  assert.ok(!a.allocate('172.25.5.1').ok, '.1 is the Tier-1 gateway');
  assert.deepEqual([...a.allocatedAddresses()], ['172.25.5.2', '172.25.5.3']);
});

test('NodePort allocator', () => {
  const p = new PortAllocator({ min: 30000, max: 30002 }, seeded(4));
  const ports = [unwrap(p.allocateNext()), unwrap(p.allocateNext()), unwrap(p.allocateNext())].sort();
  assert.deepEqual(ports, [30000, 30001, 30002]);
  assert.equal(p.allocateNext().ok, false);
  assert.ok(p.release(30001));
  assert.equal(unwrap(p.allocate(30001)), 30001);
  const r = p.allocate(80);
  assert.ok(!r.ok && r.error.reason === 'NotInRange');
});
