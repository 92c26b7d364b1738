import { test } from 'node:test';
import assert from 'node:assert/strict';
import { unwrap } from '../../core/result.js';
import { BridgeProgram, OFPG_ALL } from './bridge-program.js';
import { dumpFlows } from './format-flow.js';
import { formatFlow } from './format-flow.js';
import { parseFlowMod } from './parse-flow.js';
import { parseGroupMod } from './parse-group.js';
import type { FlowEntry } from './flow.js';

const T0 = 1_000_000;

function program(...flows: string[]): BridgeProgram {
  const p = new BridgeProgram();
  unwrap(p.groupMod(unwrap(parseGroupMod('add', 'group_id=6,type=select,bucket=output:1,bucket=output:2')), T0));
  for (const f of flows) apply(p, 'add', f, T0);
  return p;
}

function apply(p: BridgeProgram, cmd: 'add' | 'modify' | 'modify-strict' | 'delete' | 'delete-strict', text: string, now = T0): void {
  const mod = unwrap(parseFlowMod(cmd, text));
  const r = p.flowMod(mod, now);
  if (!r.ok) throw new Error(`${cmd} ${text}: ${r.error.code}`);
}

const list = (p: BridgeProgram) => p.flows().map((f) => formatFlow(f));
const find = (p: BridgeProgram, needle: string): FlowEntry => {
  const f = p.flows().find((x) => formatFlow(x).includes(needle));
  if (f === undefined) throw new Error(`no flow with ${needle}`);
  return f;
};

test('add replaces a flow with identical match and priority, in place, carrying counters over', () => {
  const p = program('priority=100,ip actions=drop', 'priority=100,tcp actions=drop', 'priority=50,ip actions=drop');
  find(p, 'priority=100,ip ').hit(100, T0 + 1);
  apply(p, 'add', 'cookie=0x9,priority=100,ip actions=output:3', T0 + 5000);
  assert.deepEqual(list(p), ['cookie=0x9, priority=100,ip actions=output:3', 'priority=100,tcp actions=drop', 'priority=50,ip actions=drop']);
  const f = find(p, 'output:3');
  assert.equal(f.nPackets, 1, 'OVS forwards the replaced rule\'s stats');
  assert.equal(f.stats(T0 + 6000).durationMs, 1000, 'the duration restarts');
  apply(p, 'add', 'reset_counts,priority=100,ip actions=output:4', T0 + 7000);
  assert.equal(find(p, 'output:4').nPackets, 0);
});

test('modify (loose) changes every flow the match covers, in all tables, keeping the rest', () => {
  const p = program(
    'cookie=0x1,priority=100,tcp,nw_dst=10.1.2.3,tp_dst=80 actions=drop',
    'cookie=0x2,table=1,priority=5,ip,nw_dst=10.9.0.0/16 actions=drop',
    'priority=100,ip actions=drop',
    'priority=100,ip,nw_dst=11.0.0.1 actions=drop',
  );
  const tcp = find(p, 'tp_dst=80');
  tcp.hit(60, T0 + 1);
  apply(p, 'modify', 'ip,nw_dst=10.0.0.0/8 actions=output:7', T0 + 10);
  assert.deepEqual(list(p), [
    'cookie=0x1, priority=100,tcp,nw_dst=10.1.2.3,tp_dst=80 actions=output:7',
    'priority=100,ip actions=drop',
    'priority=100,ip,nw_dst=11.0.0.1 actions=drop',
    'cookie=0x2, table=1, priority=5,ip,nw_dst=10.9.0.0/16 actions=output:7',
  ]);
  const after = find(p, 'tp_dst=80');
  assert.equal(after.nPackets, 1);
  assert.equal(after.created, T0);
  // table= restricts, cookie= sets a new cookie.
  apply(p, 'modify', 'table=1,cookie=0x5,ip actions=output:8', T0 + 20);
  assert.equal(find(p, 'table=1').cookie, 5n);
  assert.equal(formatFlow(find(p, 'tp_dst=80')), 'cookie=0x1, priority=100,tcp,nw_dst=10.1.2.3,tp_dst=80 actions=output:7');
});

test('modify that selects nothing adds the flow, unless a cookie mask was given', () => {
  const p = program();
  apply(p, 'modify', 'cookie=0x3/0xff,udp actions=drop');
  assert.equal(p.flowCount(), 0);
  apply(p, 'modify', 'priority=9,udp actions=output:1');
  assert.deepEqual(list(p), ['priority=9,udp actions=output:1']);
});

test('modify-strict and delete-strict touch only the identical match and priority', () => {
  const p = program('priority=100,ip actions=drop', 'priority=90,ip actions=drop', 'priority=100,tcp actions=drop');
  apply(p, 'modify-strict', 'priority=100,ip actions=output:2');
  assert.deepEqual(list(p), ['priority=100,ip actions=output:2', 'priority=90,ip actions=drop', 'priority=100,tcp actions=drop']);
  apply(p, 'delete-strict', 'priority=90,ip');
  assert.deepEqual(list(p), ['priority=100,ip actions=output:2', 'priority=100,tcp actions=drop']);
});

test('delete (loose) by match, cookie mask, out_port and out_group', () => {
  const p = program(
    'cookie=0x7,priority=100,tcp,nw_dst=10.0.0.1 actions=group:6',
    'cookie=0x7,table=2,actions=NORMAL',
    'cookie=0x8,priority=1,ip actions=output:4',
    'cookie=0x8,priority=2,arp actions=output:5',
  );
  apply(p, 'delete', 'out_port=5');
  assert.equal(p.flowCount(), 3);
  apply(p, 'delete', 'out_group=6');
  assert.equal(p.flowCount(), 2);
  apply(p, 'delete', 'cookie=0x7/-1');
  assert.deepEqual(list(p), ['cookie=0x8, priority=1,ip actions=output:4']);
  apply(p, 'delete', 'tcp');
  assert.equal(p.flowCount(), 1, '"tcp" does not cover "ip"');
  apply(p, 'delete', '');
  assert.equal(p.flowCount(), 0);
});

test('group mods: add/modify/delete with OVS errors, and deleting a group deletes its flows', () => {
  const p = program('priority=100,tcp actions=group:6', 'priority=1,ip actions=NORMAL');
  const dup = p.groupMod(unwrap(parseGroupMod('add', 'group_id=6,type=all')), T0);
  assert.deepEqual(dup.ok ? undefined : dup.error, { code: 'OFPGMFC_GROUP_EXISTS', groupId: 6 });
  const unknown = p.groupMod(unwrap(parseGroupMod('modify', 'group_id=77,type=all')), T0);
  assert.deepEqual(unknown.ok ? undefined : unknown.error, { code: 'OFPGMFC_UNKNOWN_GROUP', groupId: 77 });
  const missing = p.flowMod(unwrap(parseFlowMod('add', 'tcp actions=group:9')), T0);
  assert.deepEqual(missing.ok ? undefined : missing.error, { code: 'OFPBAC_BAD_OUT_GROUP', groupId: 9 });

  const g = p.group(6);
  assert.ok(g);
  g.packetCount = 5;
  unwrap(p.groupMod(unwrap(parseGroupMod('modify', 'group_id=6,type=select,bucket=output:3')), T0 + 50));
  const g2 = p.group(6);
  assert.equal(g2?.buckets.length, 1);
  assert.equal(g2?.created, T0, 'creation time survives modify');
  assert.equal(g2?.packetCount, 0);
  assert.equal(p.groupRefCount(6), 1);

  const removed = unwrap(p.groupMod({ command: 'delete', groupId: 6 }, T0));
  assert.equal(removed.length, 1);
  assert.equal(removed[0]?.reason, 'group-delete');
  assert.deepEqual(list(p), ['priority=1,ip actions=NORMAL']);
  assert.equal(p.group(6), undefined);
  unwrap(p.groupMod({ command: 'delete', groupId: 6 }, T0));
  unwrap(p.groupMod({ command: 'delete', groupId: OFPG_ALL }, T0));
});

test('flows are validated like ofproto does', () => {
  const p = program();
  const ct = p.flowMod(unwrap(parseFlowMod('add', 'arp actions=ct(table=1)')), T0);
  assert.equal(ct.ok ? '' : ct.error.code, 'OFPBAC_MATCH_INCONSISTENT');
  const pre = p.flowMod(unwrap(parseFlowMod('add', 'tp_dst=80 actions=drop')), T0);
  assert.equal(pre.ok ? '' : pre.error.code, 'OFPBMC_BAD_PREREQ');
  const ov = p.flowMod(unwrap(parseFlowMod('add', 'priority=5,ip,nw_dst=10.0.0.0/8 actions=drop')), T0);
  assert.ok(ov.ok);
  const overlap = p.flowMod(unwrap(parseFlowMod('add', 'check_overlap,priority=5,tcp actions=drop')), T0);
  assert.equal(overlap.ok ? '' : overlap.error.code, 'OFPFMFC_OVERLAP');
  assert.ok(p.flowMod(unwrap(parseFlowMod('add', 'check_overlap,priority=6,tcp actions=drop')), T0).ok);
});

test('timeouts: hard from creation, idle from last use, swept by expire()', () => {
  const p = program('hard_timeout=10,priority=5,ip actions=drop', 'idle_timeout=3,priority=6,tcp actions=drop', 'priority=1,udp actions=drop');
  const idle = find(p, 'idle_timeout=3');
  idle.hit(1, T0 + 2000);
  assert.deepEqual(p.expire(T0 + 4999), []);
  assert.equal(idle.expiresAt, T0 + 5000);
  const r1 = p.expire(T0 + 5000);
  assert.deepEqual(r1.map((r) => [formatFlow(r.flow), r.reason]), [['idle_timeout=3, priority=6,tcp actions=drop', 'idle']]);
  const r2 = p.expire(T0 + 10_000);
  assert.deepEqual(r2.map((r) => r.reason), ['hard']);
  assert.deepEqual(list(p), ['priority=1,udp actions=drop']);
});

test('applyBundle is all-or-nothing', () => {
  const p = program('priority=1,ip actions=drop');
  const bad = p.applyBundle(
    [unwrap(parseGroupMod('add', 'group_id=8,type=select,bucket=output:1')), unwrap(parseFlowMod('add', 'tcp actions=group:8')), unwrap(parseFlowMod('add', 'udp actions=group:99'))],
    T0,
  );
  assert.deepEqual(bad.ok ? undefined : bad.error, { index: 2, error: { code: 'OFPBAC_BAD_OUT_GROUP', groupId: 99 } });
  assert.equal(p.group(8), undefined);
  assert.equal(p.flowCount(), 1);
  const good = p.applyBundle(
    [unwrap(parseGroupMod('add', 'group_id=8,type=select,bucket=output:1')), unwrap(parseFlowMod('add', 'tcp actions=group:8'))],
    T0,
  );
  assert.ok(good.ok);
  assert.equal(p.flowCount(), 2);
});

test('dump-flows of a reloaded program restores duration and counters', () => {
  const p = program();
  const line = 'cookie=0x7, duration=12.5s, table=1, n_packets=3, n_bytes=180, priority=10,ip actions=drop';
  const parsed = unwrap(parseFlowMod('add', line));
  assert.equal(parsed.command, 'add');
  if (parsed.command === 'add') unwrap(p.addFlow(parsed.flow, T0, { durationMs: 12500, nPackets: 3, nBytes: 180 }));
  assert.equal(dumpFlows(p, T0), ` ${line.replace('12.5s', '12.500s')}`);
});
