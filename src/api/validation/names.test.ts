// Name/format checks with apimachinery v0.32.0 pkg/util/validation/validation.go messages, and
// ParseIPSloppy behaviour (k8s.io/utils/net) used by IP checks.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseIPSloppy, validateNonSpecialIP } from './ip.js';
import {
  isConfigMapKey,
  isDNS1035Label,
  isDNS1123Label,
  isDNS1123Subdomain,
  isQualifiedName,
  isValidLabelValue,
  isValidPortName,
  nameIsDNSSubdomain,
} from './names.js';
import { fieldPath } from './path.js';

describe('name formats', () => {
  test('DNS-1123 label: dots get their own message', () => assert.deepEqual(isDNS1123Label('a.b'), ['must not contain dots']));
  test('DNS-1123 label: too long and bad', () => assert.equal(isDNS1123Label('A'.repeat(64)).length, 2));
  test('DNS-1123 label accepts a leading digit', () => assert.deepEqual(isDNS1123Label('1abc'), []));
  test('DNS-1035 label rejects a leading digit', () => assert.equal(isDNS1035Label('1abc').length, 1));
  test('DNS-1123 subdomain max 253', () => assert.deepEqual(isDNS1123Subdomain(`${'a'.repeat(63)}.`.repeat(4).slice(0, 254)).slice(0, 1), ['must be no more than 253 characters']));
  test('qualified name with prefix', () => assert.deepEqual(isQualifiedName('example.com/MyName'), []));
  test('qualified name empty prefix', () => assert.deepEqual(isQualifiedName('/a'), ['prefix part must be non-empty']));
  test('qualified name empty name', () => assert.equal(isQualifiedName('a/')[0], 'name part must be non-empty'));
  test('label value may be empty', () => assert.deepEqual(isValidLabelValue(''), []));
  test('port name rules', () => {
    assert.deepEqual(isValidPortName('a--b'), ['must not contain consecutive hyphens']);
    assert.deepEqual(isValidPortName('-ab'), ['must not begin or end with a hyphen']);
    assert.deepEqual(isValidPortName('http'), []);
  });
  test('config keys', () => assert.deepEqual(isConfigMapKey('..a'), ["must not start with '..'"]));
  test('generateName masks one trailing dash (upstream drops two chars)', () => {
    assert.deepEqual(nameIsDNSSubdomain('web-', true), []);
    assert.equal(nameIsDNSSubdomain('web-', false).length, 1);
  });
});

describe('sloppy IP parsing', () => {
  test('leading zeros are decimal', () => assert.deepEqual(parseIPSloppy('010.001.0.1'), { family: 4, value: 0x0a010001 }));
  test('IPv4-mapped IPv6 is IPv4', () => assert.equal(parseIPSloppy('::ffff:10.0.0.1')?.family, 4));
  test('garbage', () => assert.equal(parseIPSloppy('10.0.0'), undefined));
  test('special ranges', () => {
    assert.deepEqual(validateNonSpecialIP('0.0.0.0', fieldPath('ip')).map((e) => e.detail), ['may not be unspecified (0.0.0.0)']);
    assert.deepEqual(validateNonSpecialIP('fe80::1', fieldPath('ip')).map((e) => e.detail), ['may not be in the link-local range (169.254.0.0/16, fe80::/10)']);
    assert.deepEqual(validateNonSpecialIP('224.0.0.5', fieldPath('ip')).map((e) => e.detail), ['may not be in the link-local multicast range (224.0.0.0/24, ff02::/10)']);
    assert.deepEqual(validateNonSpecialIP('192.0.2.1', fieldPath('ip')), []);
  });
});
