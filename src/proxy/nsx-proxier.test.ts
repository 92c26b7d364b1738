import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FakeClock } from '../core/clock.js';
import { BridgeProgram, dumpFlows } from '../dataplane/openflow/index.js';
import { bridgeProgramProgrammer } from './apply/bridge-programmer.js';
import { describeMod, RecordingProgrammer } from './apply/recording-programmer.js';
import { ARTICLE_UPLINK, articleServices, articleSlices } from './model/article-cluster.js';
import { buildService, buildSlice } from './model/builders.js';
import { projectEndpointSlice, projectService } from './model/project.js';
import { NsxProxier } from './nsx-proxier.js';

function setup() {
  const clock = new FakeClock(0);
  const program = new BridgeProgram();
  const rec = new RecordingProgrammer(bridgeProgramProgrammer(program, () => clock.now()));
  const proxier = new NsxProxier({ nodeName: 'k8s-node1', uplink: ARTICLE_UPLINK, programmer: rec, clock });
  for (const s of articleServices()) proxier.onServiceUpdate(undefined, projectService(s));
  for (const s of articleSlices()) proxier.onEndpointSliceUpdate(undefined, projectEndpointSlice(s));
  proxier.setNode({ name: 'k8s-node1', addresses: ['10.190.5.11'], zone: '' });
  return { clock, program, rec, proxier };
}

test('first sync is full; an unchanged full resync re-renders nothing and sends nothing', () => {
  const { rec, proxier } = setup();
  const first = proxier.sync();
  assert.equal(first.kind, 'full');
  assert.equal(first.rendered, 3);
  rec.take();
  proxier.requestFullSync();
  const again = proxier.sync();
  assert.equal(again.kind, 'full');
  assert.deepEqual(rec.take(), []);
  assert.equal(proxier.hasPendingChanges(), false);
});

test('partial syncs render only the touched Service; a deleted Service frees its group ids', () => {
  const { program, rec, proxier } = setup();
  proxier.sync();
  rec.take();
  const np = projectService(buildService({ namespace: 'demons', name: 'np', type: 'NodePort', clusterIP: '10.96.7.7', ports: [{ name: 'http', port: 80, nodePort: 30080 }] }));
  proxier.onServiceUpdate(undefined, np);
  proxier.onEndpointSliceUpdate(undefined, projectEndpointSlice(buildSlice({ namespace: 'demons', service: 'np', ports: [{ name: 'http', port: 80 }], endpoints: [{ ip: '172.25.5.7' }] })));
  const r = proxier.sync();
  assert.equal(r.kind, 'partial');
  assert.equal(r.rendered, 1);
  assert.match(dumpFlows(program, 0), /nw_dst=10\.190\.5\.11,tp_dst=30080 actions=load:0x1->NXM_NX_REG0\[0\],group:\d+/);
  rec.take();
  proxier.onServiceUpdate(np, undefined);
  proxier.sync();
  const mods = rec.take().map(describeMod);
  assert.ok(mods.every((m) => m.startsWith('flow delete-strict') || m.startsWith('group delete')), mods.join('\n'));
  assert.doesNotMatch(dumpFlows(program, 0), /10\.96\.7\.7|30080|10\.190\.5\.11/);
});

test('a node address change is a full sync that moves the NodePort flows; the same address is no change', () => {
  const { program, proxier } = setup();
  proxier.onServiceUpdate(undefined, projectService(buildService({ namespace: 'demons', name: 'np', type: 'NodePort', clusterIP: '10.96.7.7', ports: [{ name: 'http', port: 80, nodePort: 30080 }] })));
  proxier.sync();
  assert.equal(proxier.setNode({ name: 'k8s-node1', addresses: ['10.190.5.11'], zone: '' }), false);
  assert.equal(proxier.setNode({ name: 'k8s-node1', addresses: ['10.190.5.21'], zone: '' }), true);
  const r = proxier.sync();
  assert.equal(r.kind, 'full');
  const flows = dumpFlows(program, 0);
  assert.match(flows, /nw_dst=10\.190\.5\.21,tp_dst=30080/);
  assert.doesNotMatch(flows, /10\.190\.5\.11/);
});
