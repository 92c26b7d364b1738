import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FakeClock } from './clock.js';
import { parsePortRange } from './port-range.js';

test('FakeClock fires timers in time order, only when advanced', () => {
  const c = new FakeClock(1000);
  const fired: string[] = [];
  c.setTimeout(() => fired.push('b'), 20);
  c.setTimeout(() => fired.push('a'), 10);
  const h = c.setTimeout(() => fired.push('x'), 15);
  c.clearTimeout(h);
  c.advance(9);
  assert.deepEqual(fired, []);
  c.advance(1);
  assert.deepEqual(fired, ['a']);
  assert.equal(c.now(), 1010);
  c.advance(100);
  assert.deepEqual(fired, ['a', 'b']);
  assert.equal(c.now(), 1110);
  assert.throws(() => c.set(0), /backwards/);
});

test('timers scheduled by a firing timer within the window fire in the same advance', () => {
  const c = new FakeClock(0);
  const at: number[] = [];
  c.setTimeout(() => {
    at.push(c.now());
    c.setTimeout(() => at.push(c.now()), 5);
  }, 5);
  c.advance(10);
  assert.deepEqual(at, [5, 10]);
});

test('port ranges', () => {
  assert.deepEqual(parsePortRange('30000-32767'), { ok: true, value: { min: 30000, max: 32767 } });
  assert.deepEqual(parsePortRange('30000+2767'), { ok: true, value: { min: 30000, max: 32767 } });
  assert.equal(parsePortRange('32767-30000').ok, false);
  assert.equal(parsePortRange('0-10').ok, false);
  assert.equal(parsePortRange('x').ok, false);
});
