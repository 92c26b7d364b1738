import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cidrContains, cidrIndexOf, cidrIterate, cidrNth, cidrOverlaps, cidrSize, formatCidr, parseCidr } from './cidr.js';
import { formatIP, parseIP } from './ip.js';
import { unwrap } from './result.js';

const ip = (s: string) => unwrap(parseIP(s));

test('service range 10.96.0.0/12 contains the article VIPs and not the pod range', () => {
  const c = unwrap(parseCidr('10.96.0.0/12'));
  assert.equal(cidrSize(c), 1n << 20n);
  for (const s of ['10.96.0.1', '10.96.0.10', '10.101.129.209', '10.103.216.59', '10.111.255.255']) assert.ok(cidrContains(c, ip(s)), s);
  for (const s of ['10.112.0.0', '10.95.255.255', '172.25.5.2']) assert.ok(!cidrContains(c, ip(s)), s);
  assert.equal(cidrContains(c, ip('::1')), false);
});

test('nth and indexOf are inverse; negative nth counts from the end', () => {
  const c = unwrap(parseCidr('172.25.5.0/24'));
  assert.equal(formatIP(cidrNth(c, 1)!), '172.25.5.1');
  assert.equal(formatIP(cidrNth(c, -1)!), '172.25.5.255');
  assert.equal(cidrNth(c, 256), undefined);
  assert.equal(cidrIndexOf(c, ip('172.25.5.3')), 3n);
  assert.equal(cidrIndexOf(c, ip('172.25.6.3')), undefined);
  assert.deepEqual([...cidrIterate(c, 3)].map(formatIP), ['172.25.5.0', '172.25.5.1', '172.25.5.2']);
});

test('host bits are masked unless strict', () => {
  assert.equal(formatCidr(unwrap(parseCidr('10.0.0.7/24'))), '10.0.0.0/24');
  assert.equal(parseCidr('10.0.0.7/24', { strict: true }).ok, false);
  assert.equal(parseCidr('10.0.0.0/33').ok, false);
  assert.equal(parseCidr('10.0.0.0').ok, false);
  assert.equal(parseCidr('10.0.0.0/08').ok, false);
  assert.equal(formatCidr(unwrap(parseCidr('fd00:10:96::/108'))), 'fd00:10:96::/108');
  assert.equal(formatCidr(unwrap(parseCidr('0.0.0.0/0'))), '0.0.0.0/0');
});

test('IPv6 CIDR arithmetic', () => {
  const c = unwrap(parseCidr('fd00:10:96::/112'));
  assert.equal(cidrSize(c), 65536n);
  assert.equal(formatIP(cidrNth(c, 10)!), 'fd00:10:96::a');
  assert.ok(cidrContains(c, ip('fd00:10:96::ffff')));
  assert.ok(!cidrContains(c, ip('fd00:10:96::1:0')));
});

test('overlap', () => {
  assert.ok(cidrOverlaps(unwrap(parseCidr('10.96.0.0/12')), unwrap(parseCidr('10.100.0.0/16'))));
  assert.ok(!cidrOverlaps(unwrap(parseCidr('10.96.0.0/12')), unwrap(parseCidr('172.25.0.0/16'))));
});
