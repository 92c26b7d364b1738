// The renderer-neutral packet-flow cases, run against the OpenFlow render on one bridge.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { dumpFlows } from '../../dataplane/openflow/index.js';
import { OpenFlowRunner, openFlowRunner } from './openflow-runner.js';
import { PROXY_CASES } from './proxy-cases.js';
import { runCase } from './run-case.js';

describe('packet-flow cases on the OpenFlow render', () => {
  for (const c of PROXY_CASES) {
    test(`${c.name}: ${c.description}`, () => {
      assert.deepEqual(runCase(c, openFlowRunner(c)), []);
    });
  }
});

test('the stale-UDP case catches a proxy that does not flush conntrack', () => {
  const c = PROXY_CASES.find((x) => x.name === 'stale-udp-conntrack');
  assert.ok(c !== undefined);
  const failures = runCase(c, new OpenFlowRunner(c, { flushConntrack: false }));
  assert.ok(failures.length > 0, 'without the flush the client stays on the removed endpoint');
});

test('the NodePort case catches a proxy that does not masquerade (source and reply path)', () => {
  const c = PROXY_CASES.find((x) => x.name === 'nodeport');
  assert.ok(c !== undefined);
  const failures = runCase(c, new OpenFlowRunner(c, { masquerade: false }));
  assert.ok(failures.some((f) => f.includes('expected source IP 10.190.5.11')), failures.join('\n'));
});

test('session affinity learns one flow per client in table 3, and it expires', () => {
  const c = PROXY_CASES.find((x) => x.name === 'session-affinity');
  assert.ok(c !== undefined);
  const runner = new OpenFlowRunner(c);
  runner.setState(c.state);
  runner.send({ from: '172.25.5.40:40000', to: '10.96.10.19:80', proto: 'TCP', origin: 'pod' });
  const learned = dumpFlows(runner.program, runner.clock.now(), { table: 3 });
  assert.match(learned, /table=3, .*hard_timeout=30, .*ip,reg3=0x\w+,nw_src=172\.25\.5\.40 actions=load:0x\w+->NXM_NX_REG1\[\],load:0x1f90->NXM_NX_REG2\[0\.\.15\]/);
  runner.advance(30_000);
  assert.equal(dumpFlows(runner.program, runner.clock.now(), { table: 3 }), '');
});
