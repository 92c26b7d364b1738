import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { BridgeProgram, dumpFlows, dumpGroups, flowSpec, matchOf } from '../../dataplane/openflow/index.js';
import { buildService, buildSlice } from '../model/builders.js';
import { EndpointsChangeTracker } from '../model/endpoints-change-tracker.js';
import { projectEndpointSlice, projectService } from '../model/project.js';
import type { Service, EndpointSlice } from '../../api/index.js';
import { OpenFlowCompiler } from '../render/openflow/compiler.js';
import { NSX_COOKIE, NORMAL } from '../render/openflow/layout.js';
import { BASE_FRAGMENT, flattenProgram, loadProgram, type OpenFlowFragment } from '../render/openflow/program.js';
import { bridgeProgramProgrammer } from './bridge-programmer.js';
import { ProgramApplier } from './program-applier.js';
import { describeMod, RecordingProgrammer } from './recording-programmer.js';

const NODE = { name: 'n1', nodeIPs: ['10.190.5.11'], zone: '' };
const UPLINK = { name: 'ens192', ofport: 1 };

/** Renders Services + slices with one compiler (ids stable across calls, as in a proxy). */
function renderer() {
  const compiler = new OpenFlowCompiler({ uplink: UPLINK });
  return (services: Service[], slices: EndpointSlice[]): Map<string, OpenFlowFragment> => {
    const eps = new EndpointsChangeTracker(NODE.name);
    for (const s of slices) eps.update(undefined, projectEndpointSlice(s), 0);
    eps.checkout();
    const out = new Map<string, OpenFlowFragment>([[BASE_FRAGMENT, compiler.base()]]);
    for (const s of services) {
      const info = projectService(s);
      const f = compiler.compile(info.name, info.ports, eps.endpointsOf(info.name), NODE);
      if (f !== undefined) out.set(info.name, f);
    }
    return out;
  };
}

const web = (ips: string[], affinity?: number) => ({
  svc: buildService({ namespace: 'ns', name: 'web', clusterIP: '10.96.0.50', ports: [{ name: 'http', port: 80 }], ...(affinity ? { affinityTimeoutSeconds: affinity } : {}) }),
  slice: buildSlice({ namespace: 'ns', service: 'web', ports: [{ name: 'http', port: 8080 }], endpoints: ips.map((ip) => ({ ip })) }),
});
const db = buildService({ namespace: 'ns', name: 'db', clusterIP: '10.96.0.60', ports: [{ name: 'pg', port: 5432 }] });
const dbSlice = buildSlice({ namespace: 'ns', service: 'db', ports: [{ name: 'pg', port: 5432 }], endpoints: [{ ip: '172.25.1.9' }] });

function setup(opts: { bundles?: boolean; flush?: (f: unknown) => void } = {}) {
  const program = new BridgeProgram();
  const rec = new RecordingProgrammer(bridgeProgramProgrammer(program, () => 0, { bundles: opts.bundles ?? false }));
  const applier = new ProgramApplier({ programmer: rec, cleanStart: { cookie: NSX_COOKIE }, ...(opts.flush ? { flushConntrack: opts.flush } : {}) });
  return { program, rec, applier, render: renderer() };
}

/** The bridge must hold exactly what a fresh load of the desired fragments holds. */
function assertConverged(program: BridgeProgram, desired: Map<string, OpenFlowFragment>) {
  const fresh = loadProgram(flattenProgram(desired.values()), 0);
  const norm = (s: string) => s.split('\n').map((l) => l.replace(/duration=[\d.]+s, /, '').replace(/n_packets=\d+, n_bytes=\d+, /, '')).sort();
  assert.deepEqual(norm(dumpFlows(program, 0)), norm(dumpFlows(fresh, 0)));
  assert.deepEqual(norm(dumpGroups(program)), norm(dumpGroups(fresh)));
}

describe('ProgramApplier', () => {
  test('first apply: leftovers with our cookie and old groups are cleared, then everything is written', () => {
    const { program, rec, applier, render } = setup();
    program.groupMod({ command: 'add', group: { groupId: 77, type: 'select', buckets: [] } }, 0);
    program.addFlow(flowSpec({ table: 1, priority: 100, cookie: NSX_COOKIE, match: matchOf().ip().nwDst(0x0a0a0a0a).build(), actions: [NORMAL] }), 0);
    const w = web(['172.25.5.2', '172.25.5.3']);
    const desired = render([w.svc, db], [w.slice, dbSlice]);
    const out = applier.apply({ kind: 'full', fragments: desired });
    assert.equal(out.kind, 'applied');
    assert.deepEqual(rec.take().slice(0, 2).map(describeMod), ['flow delete table=*', 'group delete 4294967292']);
    assertConverged(program, desired);
    assert.equal(applier.writtenGroupCount(), 2);
  });

  test('deltas only: endpoint change = one group modify; no change = nothing; new and removed services', () => {
    const { program, rec, applier, render } = setup();
    const w = web(['172.25.5.2', '172.25.5.3']);
    applier.apply({ kind: 'full', fragments: render([w.svc], [w.slice]) });
    rec.take();

    const w2 = web(['172.25.5.2', '172.25.5.4']);
    let desired = render([w2.svc], [w2.slice]);
    applier.apply({ kind: 'partial', changes: new Map([['ns/web', desired.get('ns/web')]]) });
    assert.deepEqual(rec.take().map(describeMod), ['group modify 1']);
    assertConverged(program, desired);

    applier.apply({ kind: 'full', fragments: render([w2.svc], [w2.slice]) });
    assert.deepEqual(rec.take(), [], 'a full sync of an unchanged program sends nothing');

    desired = render([w2.svc, db], [w2.slice, dbSlice]);
    applier.apply({ kind: 'partial', changes: new Map([['ns/db', desired.get('ns/db')]]) });
    assert.deepEqual(rec.take().map(describeMod), ['group add 2', 'flow add table=1', 'flow add table=1']);
    assertConverged(program, desired);

    applier.apply({ kind: 'partial', changes: new Map([['ns/db', undefined]]) });
    assert.deepEqual(rec.take().map(describeMod), ['flow delete-strict table=1', 'flow delete-strict table=1', 'group delete 2']);
    desired.delete('ns/db');
    assertConverged(program, desired);
  });

  test('last endpoint gone: the +new flow is modified to reject and the group deleted', () => {
    const { program, rec, applier, render } = setup();
    const w = web(['172.25.5.2']);
    applier.apply({ kind: 'full', fragments: render([w.svc], [w.slice]) });
    rec.take();
    const desired = render([w.svc], []);
    applier.apply({ kind: 'partial', changes: new Map([['ns/web', desired.get('ns/web')]]) });
    assert.deepEqual(rec.take().map(describeMod), ['flow modify-strict table=1', 'group delete 1']);
    assert.match(dumpFlows(program, 0), /tp_dst=80 actions=load:0x1->NXM_NX_REG0\[1\],CONTROLLER:65535/);
    assertConverged(program, desired);
  });

  test('a failed apply (one by one) is remembered as the union and repaired by the next full apply', () => {
    const { program, rec, applier, render } = setup();
    const w = web(['172.25.5.2', '172.25.5.3']);
    applier.apply({ kind: 'full', fragments: render([w.svc], [w.slice]) });
    rec.take();
    // Service changes port and endpoints, db appears: several mods; the 2nd one fails.
    const w2 = { svc: buildService({ namespace: 'ns', name: 'web', clusterIP: '10.96.0.50', ports: [{ name: 'http', port: 81 }] }), slice: web(['172.25.5.9']).slice };
    const desired = render([w2.svc, db], [w2.slice, dbSlice]);
    rec.failAfter = 1;
    const out = applier.apply({ kind: 'partial', changes: new Map([['ns/web', desired.get('ns/web')], ['ns/db', desired.get('ns/db')]]) });
    assert.equal(out.kind, 'failed');
    assert.equal(applier.needsFullSync, true);
    const again = applier.apply({ kind: 'full', fragments: render([w2.svc, db], [w2.slice, dbSlice]) });
    assert.equal(again.kind, 'applied');
    assert.equal(applier.needsFullSync, false);
    assertConverged(program, desired);
  });

  test('a failed bundle changes nothing; memory stays exact', () => {
    const { program, rec, applier, render } = setup({ bundles: true });
    const w = web(['172.25.5.2']);
    const first = render([w.svc], [w.slice]);
    applier.apply({ kind: 'full', fragments: first });
    const before = dumpFlows(program, 0);
    rec.failAfter = 0;
    const desired = render([w.svc, db], [w.slice, dbSlice]);
    assert.equal(applier.apply({ kind: 'full', fragments: desired }).kind, 'failed');
    assert.equal(dumpFlows(program, 0), before);
    assert.equal(applier.apply({ kind: 'full', fragments: desired }).kind, 'applied');
    assertConverged(program, desired);
  });

  test('a flow rendered by two fragments is deleted only with its last owner', () => {
    const { program, applier } = setup();
    const shared = flowSpec({ table: 1, priority: 100, cookie: NSX_COOKIE, match: matchOf().ip().nwDst(0x0abe0666).build(), actions: [NORMAL] });
    const frag = (key: string): OpenFlowFragment => ({ key, flows: [shared], groups: [], learned: [] });
    applier.apply({ kind: 'full', fragments: new Map([['a', frag('a')], ['b', frag('b')]]) });
    assert.equal(program.flowCount(), 1);
    applier.apply({ kind: 'partial', changes: new Map([['a', undefined]]) });
    assert.equal(program.flowCount(), 1);
    applier.apply({ kind: 'partial', changes: new Map([['b', undefined]]) });
    assert.equal(program.flowCount(), 0);
  });

  test('session affinity: removing the service also deletes its learned flows', () => {
    const { rec, applier, render } = setup();
    const w = web(['172.25.5.2'], 30);
    applier.apply({ kind: 'full', fragments: render([w.svc], [w.slice]) });
    rec.take();
    applier.apply({ kind: 'partial', changes: new Map([['ns/web', undefined]]) });
    const mods = rec.take().map(describeMod);
    assert.ok(mods.includes('flow delete table=3'), mods.join('\n'));
    assert.equal(mods.at(-1), 'group delete 1');
  });

  test('stale-UDP flushes run after a successful apply only', () => {
    const flushed: unknown[] = [];
    const { rec, applier, render } = setup({ flush: (f) => flushed.push(f) });
    const w = web(['172.25.5.2']);
    const f = { proto: 'udp' as const, origDst: '10.96.0.50', origDstPort: 80, natDst: '172.25.5.2' };
    rec.failAfter = 0;
    applier.apply({ kind: 'full', fragments: render([w.svc], [w.slice]) }, [f]);
    assert.deepEqual(flushed, []);
    applier.apply({ kind: 'full', fragments: render([w.svc], [w.slice]) }, [f]);
    assert.deepEqual(flushed, [f]);
  });
});
