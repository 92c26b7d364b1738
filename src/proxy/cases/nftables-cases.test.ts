// The renderer-neutral packet-flow cases, run against the nftables render on one node.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { NftRuleset } from '../../dataplane/nftables/index.js';
import { NetfilterCaseRunner } from './netfilter-runner.js';
import { PROXY_CASES } from './proxy-cases.js';
import { runCase } from './run-case.js';

describe('packet-flow cases on the nftables render', () => {
  for (const c of PROXY_CASES) {
    test(`${c.name}: ${c.description}`, () => {
      assert.deepEqual(runCase(c, new NetfilterCaseRunner('nftables', c)), []);
    });
  }
});

test('the stale-UDP case catches an nftables proxy that does not flush conntrack', () => {
  const c = PROXY_CASES.find((x) => x.name === 'stale-udp-conntrack');
  assert.ok(c !== undefined);
  assert.ok(runCase(c, new NetfilterCaseRunner('nftables', c, { flushConntrack: false })).length > 0);
});

test('session affinity: one dynamic set element per client, with the timeout', () => {
  const c = PROXY_CASES.find((x) => x.name === 'session-affinity');
  assert.ok(c !== undefined);
  const runner = new NetfilterCaseRunner('nftables', c);
  runner.setState(c.state);
  assert.match(runner.proxier.lastProgram, /add set ip kube-proxy affinity-\w{8}-demo\/sticky\/tcp\/http__172\.25\.5\.2\/8080 \{ type ipv4_addr ; flags dynamic,timeout ; timeout 30s ; \}/);
  const f = runner.send({ from: '172.25.5.40:40000', to: '10.96.10.19:80', proto: 'TCP', origin: 'pod' });
  assert.equal(f.kind, 'forwarded');
  const t = runner.ruleset instanceof NftRuleset ? runner.ruleset.table('ip', 'kube-proxy') : undefined;
  assert.ok(t !== undefined);
  const withClient = [...t.sets.values()].filter((s) => s.name.startsWith('affinity-') && s.elements.size > 0);
  assert.equal(withClient.length, 1, 'exactly the chosen endpoint remembers the client');
});

test('every sync replaces the table: a removed Service leaves nothing behind', () => {
  const c = PROXY_CASES.find((x) => x.name === 'no-endpoints-reject');
  assert.ok(c !== undefined);
  const runner = new NetfilterCaseRunner('nftables', c);
  runner.setState(c.state);
  assert.match(runner.proxier.lastProgram, /demo\/empty-udp/);
  runner.setState({ services: [], slices: [] });
  const t = runner.ruleset instanceof NftRuleset ? runner.ruleset.table('ip', 'kube-proxy') : undefined;
  assert.ok(t !== undefined);
  assert.equal([...t.chains.keys()].filter((n) => n.includes('demo/')).length, 0);
  assert.equal(t.sets.get('no-endpoint-services')?.elements.size, 0);
});
