import { test } from 'node:test';
import assert from 'node:assert/strict';
import { emptyFlowKey, type FlowKey } from '../flow-key.js';
import { NormalSwitch, type NormalDecision } from './normal-switch.js';

const BCAST = 0xffffffffffff;

function frame(inPort: number, src: number, dst: number, vlan = -1): FlowKey {
  const k = emptyFlowKey();
  k.inPort = inPort;
  k.dlSrc = src;
  k.dlDst = dst;
  k.dlVlan = vlan;
  return k;
}

const outs = (d: NormalDecision) => (d.kind === 'forward' ? d.outputs.map((o) => [o.port, o.vlan]) : d.reason);

test('access ports: broadcast stays in the VLAN, learned MACs are unicast', () => {
  // Like the article's br-int: pods on access ports with tags 1 and 5, uplink trunk.
  const sw = new NormalSwitch([{ ofport: 1 }, { ofport: 2, tag: 5 }, { ofport: 3, tag: 1 }, { ofport: 4, tag: 5 }]);
  assert.deepEqual(outs(sw.decide(frame(2, 0xa, BCAST), 0)), [
    [1, 5],
    [4, -1],
  ]);
  assert.equal(sw.lookup(5, 0xa, 0), 2);
  assert.equal(sw.lookup(1, 0xa, 0), undefined, 'learning is per VLAN');
  // A reply from the uplink, tagged 5, goes straight to port 2 untagged.
  assert.deepEqual(outs(sw.decide(frame(1, 0xb, 0xa, 5), 1)), [[2, -1]]);
  // Port 3 is VLAN 1: frames for 0xa there are flooded within VLAN 1 only.
  assert.deepEqual(outs(sw.decide(frame(3, 0xc, 0xa), 2)), [[1, 1]]);
});

test('drops: tagged frame on an access port, VLAN not on the trunk, destination on the input port', () => {
  const sw = new NormalSwitch([{ ofport: 1, trunks: [10, 20] }, { ofport: 2, tag: 10 }, { ofport: 3, tag: 10 }]);
  assert.equal(outs(sw.decide(frame(2, 0xa, BCAST, 7), 0)), 'tagged-on-access-port');
  assert.equal(outs(sw.decide(frame(1, 0xa, BCAST, 30), 0)), 'vlan-not-on-trunk');
  sw.decide(frame(2, 0xa, BCAST), 0);
  assert.equal(outs(sw.decide(frame(2, 0xb, 0xa), 1)), 'learned-on-input-port');
});

test('learned entries age out and the table evicts its oldest entry when full', () => {
  const sw = new NormalSwitch([{ ofport: 1 }, { ofport: 2 }, { ofport: 3 }], { agingSeconds: 10, maxEntries: 2 });
  sw.decide(frame(1, 0xa, BCAST), 0);
  assert.equal(sw.lookup(0, 0xa, 9_999), 1);
  assert.equal(sw.lookup(0, 0xa, 10_000), undefined);
  sw.decide(frame(2, 0xb, BCAST), 1);
  sw.decide(frame(3, 0xc, BCAST), 2);
  assert.equal(sw.macCount(), 2);
  assert.equal(sw.lookup(0, 0xa, 3), undefined);
  assert.equal(sw.lookup(0, 0xc, 3), 3);
});

test('multicast sources are never learned; MAC moves follow the latest port', () => {
  const sw = new NormalSwitch([{ ofport: 1 }, { ofport: 2 }]);
  sw.decide(frame(1, 0x010000000001, BCAST), 0);
  assert.equal(sw.macCount(), 0);
  sw.decide(frame(1, 0xa, BCAST), 0);
  sw.decide(frame(2, 0xa, BCAST), 5);
  assert.equal(sw.lookup(0, 0xa, 5), 2);
  sw.removePort(2);
  assert.equal(sw.lookup(0, 0xa, 5), undefined);
});
