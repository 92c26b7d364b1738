// The renderer-neutral packet-flow cases, run against the iptables render on one node.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { NetfilterCaseRunner } from './netfilter-runner.js';
import { PROXY_CASES } from './proxy-cases.js';
import { runCase } from './run-case.js';

describe('packet-flow cases on the iptables render', () => {
  for (const c of PROXY_CASES) {
    test(`${c.name}: ${c.description}`, () => {
      assert.deepEqual(runCase(c, new NetfilterCaseRunner('iptables', c)), []);
    });
  }
});

test('the stale-UDP case catches an iptables proxy that does not flush conntrack', () => {
  const c = PROXY_CASES.find((x) => x.name === 'stale-udp-conntrack');
  assert.ok(c !== undefined);
  assert.ok(runCase(c, new NetfilterCaseRunner('iptables', c, { flushConntrack: false })).length > 0);
});

test('session affinity uses -m recent lists named after the KUBE-SEP chains', () => {
  const c = PROXY_CASES.find((x) => x.name === 'session-affinity');
  assert.ok(c !== undefined);
  const runner = new NetfilterCaseRunner('iptables', c);
  runner.setState(c.state);
  assert.match(runner.proxier.lastProgram, /-m recent --rcheck --seconds 30 --reap --name KUBE-SEP-\w{16} --mask 255\.255\.255\.255 --rsource -j KUBE-SEP-/);
});

test('every sync replaces the nat table: a removed Service leaves no chain behind', () => {
  const c = PROXY_CASES.find((x) => x.name === 'clusterip-spread');
  assert.ok(c !== undefined);
  const runner = new NetfilterCaseRunner('iptables', c);
  runner.setState(c.state);
  const save = () => (runner.ruleset as { save(): string }).save();
  assert.match(save(), /KUBE-SEP-/);
  runner.setState({ services: [], slices: [] });
  assert.doesNotMatch(save(), /KUBE-SEP-|KUBE-SVC-/);
});
