import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ip } from './_test-lab.js';
import { RouteTable, routeText } from './route-table.js';

test('longest prefix wins; host bits of a prefix are ignored; removal falls back', () => {
  const t = new RouteTable();
  t.add({ prefix: ip('0.0.0.0'), len: 0, iface: 'up', via: ip('100.64.0.0'), kind: 'static' });
  t.add({ prefix: ip('172.25.0.0'), len: 16, iface: 'pods', via: ip('100.64.0.3'), kind: 'static' });
  t.add({ prefix: ip('172.25.5.77'), len: 24, iface: 'demons', kind: 'connected' });
  t.add({ prefix: ip('172.25.5.9'), len: 32, iface: 'lo', kind: 'connected' });
  const via = (a: string) => t.lookup(ip(a))?.iface;
  assert.deepEqual(['172.25.5.9', '172.25.5.10', '172.25.4.1', '8.8.8.8'].map(via), ['lo', 'demons', 'pods', 'up']);
  assert.equal(routeText(t.lookup(ip('172.25.5.10'))!), '172.25.5.0/24 dev demons');
  assert.equal(routeText(t.lookup(ip('1.2.3.4'))!), '0.0.0.0/0 via 100.64.0.0 dev up');
  assert.ok(t.remove(ip('172.25.5.0'), 24));
  assert.equal(via('172.25.5.10'), 'pods');
  assert.equal(t.removeIface('up'), 1);
  assert.equal(via('8.8.8.8'), undefined);
  assert.deepEqual(t.list().map((r) => `${r.prefix}/${r.len}`), [`${ip('172.25.0.0')}/16`, `${ip('172.25.5.9')}/32`]);
});
