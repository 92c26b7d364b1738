// The applier programs the emulated fabric's OvsBridge (src/dataplane/fabric) through
// the same BridgeProgrammer interface: the node agent wires NsxProxier to its br-int so.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FakeClock } from '../../core/clock.js';
import { OvsBridge } from '../../dataplane/fabric/index.js';
import { ARTICLE_NODE, ARTICLE_UPLINK, articleServices, articleSlices } from '../model/article-cluster.js';
import { buildSlice } from '../model/builders.js';
import { projectEndpointSlice, projectService } from '../model/project.js';
import { NsxProxier } from '../nsx-proxier.js';
import { programmerFor } from './bridge-programmer.js';
import { conntrackFlusher } from './conntrack-flusher.js';

test('NsxProxier programs a fabric OvsBridge (bundles) and follows an endpoint change', () => {
  const clock = new FakeClock(0);
  const bridge = new OvsBridge({ name: 'br-int', owner: ARTICLE_NODE.name, clock });
  assert.equal(bridge.addPort({ name: ARTICLE_UPLINK.name, ofport: ARTICLE_UPLINK.ofport }).ok, true);
  const programmer = programmerFor(bridge);
  assert.ok(programmer.bundle !== undefined, 'the OvsBridge offers atomic bundles');
  const proxier = new NsxProxier({
    nodeName: ARTICLE_NODE.name,
    nodeIPs: ARTICLE_NODE.nodeIPs,
    uplink: ARTICLE_UPLINK,
    programmer,
    flushConntrack: conntrackFlusher(bridge.conntrack),
    clock,
  });
  for (const s of articleServices()) proxier.onServiceUpdate(undefined, projectService(s));
  const slices = articleSlices().map(projectEndpointSlice);
  for (const s of slices) proxier.onEndpointSliceUpdate(undefined, s);
  assert.equal(proxier.sync().outcome.kind, 'applied');
  const flows = bridge.dumpFlows();
  assert.match(flows, /priority=90,ip,in_port=ens192 actions=ct\(table=2,zone=65312,nat\)/);
  assert.match(flows, /ct_state=\+new\+trk,tcp,nw_dst=10\.101\.129\.209,tp_dst=80 actions=group:\d+/);
  assert.equal(flows.split('\n').length, 14);

  const next = projectEndpointSlice(
    buildSlice({ namespace: 'demons', service: 'nsxtestservice', ports: [{ name: '80-80', port: 80 }], endpoints: [{ ip: '172.25.5.3', node: 'k8s-node2' }] }),
  );
  proxier.onEndpointSliceUpdate(slices[2], next);
  const r = proxier.sync();
  assert.equal(r.outcome.kind, 'applied');
  assert.deepEqual(r.outcome.stats.groupMods, 1);
  assert.doesNotMatch(bridge.dumpGroups(), /172\.25\.5\.2:80/);
});
