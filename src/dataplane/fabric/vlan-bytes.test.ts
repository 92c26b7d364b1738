import { test } from 'node:test';
import assert from 'node:assert/strict';
import { etherTypeOf, l3OffsetOf, setVlanBytes, vlanOf } from './vlan-bytes.js';

test('push, retag and pop an 802.1Q tag without touching the input', () => {
  const plain = Uint8Array.from({ length: 64 }, (_, i) => i);
  plain[12] = 0x08;
  plain[13] = 0x00;
  const copy = plain.slice();
  const tagged = setVlanBytes(plain, 5);
  assert.equal(tagged.length, 68);
  assert.equal(vlanOf(tagged), 5);
  assert.equal(etherTypeOf(tagged), 0x0800);
  assert.equal(l3OffsetOf(tagged), 18);
  assert.deepEqual([...tagged.subarray(0, 12)], [...plain.subarray(0, 12)]);
  assert.deepEqual([...tagged.subarray(16)], [...plain.subarray(12)]);
  const retagged = setVlanBytes(tagged, 4094);
  assert.equal(vlanOf(retagged), 4094);
  assert.deepEqual([...setVlanBytes(retagged, -1)], [...plain]);
  assert.equal(setVlanBytes(plain, -1), plain, 'no change, no copy');
  assert.deepEqual(plain, copy);
  assert.equal(vlanOf(plain), -1);
});
