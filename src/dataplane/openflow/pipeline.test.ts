import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseIPv4 } from '../../core/ip.js';
import { unwrap } from '../../core/result.js';
import { CT_DNAT, CT_EST, CT_NEW, CT_RPL, CT_SNAT, CT_TRK, ETH_TYPE_IPV4, IP_PROTO_TCP, IP_PROTO_UDP, emptyFlowKey, type FlowKey } from '../flow-key.js';
import { BridgeProgram } from './bridge-program.js';
import { FakeConntrack } from './fake-conntrack.js';
import { symmetricFlowHash } from './group.js';
import { NormalSwitch } from './normal-switch.js';
import { parseFlowMod } from './parse-flow.js';
import { parseGroupMod } from './parse-group.js';
import { OpenFlowBridge, type PipelineResult } from './pipeline.js';
import { PortMap } from './port-map.js';
import { formatTrace } from './trace.js';

const T0 = 5_000_000;
const ip = (s: string) => unwrap(parseIPv4(s));

function bridge(flows: string[], groups: string[] = [], extra: Partial<ConstructorParameters<typeof OpenFlowBridge>[0]> = {}) {
  const program = new BridgeProgram();
  for (const g of groups) unwrap(program.groupMod(unwrap(parseGroupMod('add', g)), T0));
  for (const f of flows) {
    const r = program.flowMod(unwrap(parseFlowMod('add', f)), T0);
    if (!r.ok) throw new Error(`${f}: ${r.error.code}`);
  }
  const conntrack = new FakeConntrack();
  return { program, conntrack, br: new OpenFlowBridge({ program, conntrack, ...extra }) };
}

function tcp(src: string, sport: number, dst: string, dport: number, inPort = 1): FlowKey {
  const k = emptyFlowKey();
  k.inPort = inPort;
  k.dlType = ETH_TYPE_IPV4;
  k.nwProto = IP_PROTO_TCP;
  k.nwSrc = ip(src);
  k.nwDst = ip(dst);
  k.tpSrc = sport;
  k.tpDst = dport;
  k.nwTtl = 64;
  k.dlSrc = 0x020000000001;
  k.dlDst = 0x020000000002;
  return k;
}

const ports = (r: PipelineResult) => (r.kind === 'forwarded' ? r.outputs.map((o) => (o.kind === 'port' ? o.port : o.kind)) : []);

test('a resubmit loop is cut at depth 64 and the packet dropped', () => {
  const { br, program } = bridge(['actions=resubmit(,0)']);
  const r = br.process(tcp('1.1.1.1', 1, '2.2.2.2', 2), 60, T0);
  assert.deepEqual(r.kind === 'dropped' ? r.reason : undefined, { kind: 'resubmit-depth', limit: 64 });
  // OVS: the first lookup plus 64 nested resubmits, the 65th resubmit fails.
  assert.equal(program.flows()[0]?.nPackets, 65);
});

test('a ct() recirculation loop is cut after the recirculation limit', () => {
  const { br } = bridge(['ip actions=ct(table=0)']);
  const r = br.process(tcp('1.1.1.1', 1, '2.2.2.2', 2), 60, T0);
  assert.equal(r.kind === 'dropped' ? r.reason.kind : '', 'recirculation-limit');
});

test('resubmit(port,table) runs a nested lookup; in_port is restored, other changes stay', () => {
  const { br } = bridge([
    'table=0, priority=10,ip actions=resubmit(7,1),resubmit(,2),IN_PORT',
    'table=1, priority=10,ip,in_port=7 actions=load:0x5->NXM_NX_REG0[]',
    'table=2, priority=10,reg0=0x5,ip actions=output:9',
    'table=2, priority=1,ip actions=output:8',
  ]);
  const r = br.process(tcp('1.1.1.1', 1, '2.2.2.2', 2, 3), 60, T0);
  assert.deepEqual(ports(r), [9, 3]);
});

test('goto_table misses drop; resubmit misses just continue', () => {
  const { br } = bridge(['table=0, priority=10,tcp actions=resubmit(,5),output:4', 'table=0, priority=5,ip actions=goto_table:6']);
  assert.deepEqual(ports(br.process(tcp('1.1.1.1', 1, '2.2.2.2', 2), 60, T0)), [4]);
  const k = tcp('1.1.1.1', 1, '2.2.2.2', 2);
  k.nwProto = IP_PROTO_UDP;
  const r = br.process(k, 60, T0);
  assert.deepEqual(r.kind === 'dropped' ? r.reason : undefined, { kind: 'no-match', table: 6 });
});

test('table-miss goes to the controller when configured', () => {
  const { br } = bridge([], [], { tableMiss: 'controller' });
  const r = br.process(tcp('1.1.1.1', 1, '2.2.2.2', 2), 60, T0);
  assert.equal(r.kind === 'forwarded' ? r.outputs[0]?.kind : '', 'controller');
});

test('an all-group runs each bucket on its own copy; the packet after the group is unchanged', () => {
  const { br } = bridge(
    ['ip actions=group:1,output:5'],
    ['group_id=1,type=all,bucket=actions=mod_nw_dst:9.9.9.9,output:2,bucket=actions=mod_tp_dst:99,output:3'],
  );
  const input = tcp('1.1.1.1', 1000, '2.2.2.2', 80);
  const r = br.process(input, 60, T0);
  assert.equal(r.kind, 'forwarded');
  if (r.kind !== 'forwarded') return;
  const seen = r.outputs.map((o) => (o.kind === 'port' ? [o.port, o.key.nwDst, o.key.tpDst] : []));
  assert.deepEqual(seen, [
    [2, ip('9.9.9.9'), 80],
    [3, ip('2.2.2.2'), 99],
    [5, ip('2.2.2.2'), 80],
  ]);
  assert.equal(input.nwDst, ip('2.2.2.2'), 'the caller\'s key is never modified');
});

test('select buckets follow a symmetric hash: both directions pick the same bucket', () => {
  const { br, program } = bridge(['ip actions=group:1'], ['group_id=1,type=select,bucket=output:10,bucket=output:11,bucket=output:12']);
  for (let sport = 1000; sport < 1100; sport++) {
    const fwd = tcp('10.0.0.1', sport, '10.0.0.2', 80);
    const rev = tcp('10.0.0.2', 80, '10.0.0.1', sport);
    assert.equal(symmetricFlowHash(fwd), symmetricFlowHash(rev));
    assert.deepEqual(ports(br.process(fwd, 60, T0)), ports(br.process(rev, 60, T0)));
  }
  const g = program.group(1);
  assert.equal(g?.packetCount, 200);
  assert.equal(g?.buckets.reduce((n, b) => n + b.packetCount, 0), 200);
  assert.ok(g?.buckets.every((b) => b.packetCount > 30), 'all buckets used');
});

test('ct(table=N) forks: the current pass continues untracked, the tracked copy recirculates', () => {
  const { br } = bridge(['table=0, ip actions=ct(table=1),output:2', 'table=1, ct_state=+new+trk,ip actions=output:3']);
  const r = br.process(tcp('1.1.1.1', 1, '2.2.2.2', 2), 60, T0);
  assert.equal(r.kind, 'forwarded');
  if (r.kind !== 'forwarded') return;
  assert.deepEqual(ports(r), [2, 3]);
  assert.equal(r.outputs[0]?.key.ctState, 0);
  assert.equal(r.outputs[1]?.key.ctState, CT_NEW | CT_TRK);
});

test('ct(commit,nat(dst=...)) DNATs; replies are un-NATed by ct(nat) and marked +rpl+snat', () => {
  const { br } = bridge([
    'table=0, priority=10,tcp,nw_dst=10.96.0.1,tp_dst=443 actions=ct(commit,table=1,zone=9,nat(dst=172.16.0.5:6443))',
    'table=0, priority=5,ip actions=ct(table=1,zone=9,nat)',
    'table=1, ip actions=output:1',
  ]);
  const fwd = br.process(tcp('10.0.0.7', 5555, '10.96.0.1', 443, 2), 60, T0);
  const out = fwd.kind === 'forwarded' ? fwd.outputs[0]?.key : undefined;
  assert.equal(out?.nwDst, ip('172.16.0.5'));
  assert.equal(out?.tpDst, 6443);
  assert.equal(out?.ctState, CT_NEW | CT_TRK | CT_DNAT);
  const rep = br.process(tcp('172.16.0.5', 6443, '10.0.0.7', 5555, 3), 60, T0 + 1);
  const back = rep.kind === 'forwarded' ? rep.outputs[0]?.key : undefined;
  assert.equal(back?.nwSrc, ip('10.96.0.1'));
  assert.equal(back?.tpSrc, 443);
  assert.equal(back?.ctState, CT_EST | CT_RPL | CT_TRK | CT_SNAT);
});

test('ct without table applies NAT in place and clears the ct fields', () => {
  const { br } = bridge(['ip actions=ct(commit,nat(src=192.0.2.1)),output:4']);
  const r = br.process(tcp('10.0.0.7', 5555, '8.8.8.8', 53), 60, T0);
  const k = r.kind === 'forwarded' ? r.outputs[0]?.key : undefined;
  assert.equal(k?.nwSrc, ip('192.0.2.1'));
  assert.equal(k?.ctState, 0);
});

test('learn() gives session affinity: the first connection teaches, later ones follow', () => {
  // Bucket changes stay inside the group (OVS clones the packet per bucket), so the
  // bucket outputs itself; the learned flow only loads reg1 and table 3 outputs by it.
  const learn = (b: number) =>
    `bucket=actions=load:0x${b}->NXM_NX_REG1[],learn(table=1,hard_timeout=60,priority=100,eth_type=0x800,nw_proto=6,` +
    `NXM_OF_IP_SRC[],NXM_OF_IP_DST[],NXM_OF_TCP_DST[],load:NXM_NX_REG1[]->NXM_NX_REG1[]),resubmit(,3)`;
  const { br, program } = bridge(
    [
      'table=0, priority=10,tcp,nw_dst=10.96.0.50,tp_dst=80 actions=resubmit(,1),resubmit(,3)',
      'table=1, priority=0 actions=group:7',
      'table=3, priority=10,reg1=0x1 actions=output:11',
      'table=3, priority=10,reg1=0x2 actions=output:12',
    ],
    [`group_id=7,type=select,${learn(1)},${learn(2)}`],
  );
  const first = ports(br.process(tcp('10.0.0.7', 40000, '10.96.0.50', 80), 60, T0));
  assert.equal(first.length, 1);
  const learned = program.flows().filter((f) => f.table === 1 && f.priority === 100);
  assert.equal(learned.length, 1);
  for (let sport = 40001; sport < 40050; sport++) {
    assert.deepEqual(ports(br.process(tcp('10.0.0.7', sport, '10.96.0.50', 80), 60, T0 + 1000)), first);
  }
  assert.equal(learned[0]?.nPackets, 49);
  assert.equal(program.group(7)?.packetCount, 1);
  // Other clients are spread by the group; after the hard timeout the choice is made anew.
  const seen = new Set<number | string>();
  for (let i = 0; i < 40; i++) seen.add(ports(br.process(tcp(`10.0.1.${i}`, 1, '10.96.0.50', 80), 60, T0 + 61_000))[0] ?? -1);
  assert.deepEqual([...seen].sort(), [11, 12]);
  assert.equal(program.group(7)?.packetCount, 41);
  assert.equal(program.findExact(1, learned[0]!.match, 100), undefined, 'the first learned flow expired');
});

test('dec_ttl at TTL 1 punts to the controller and stops the action list', () => {
  const { br } = bridge(['ip actions=dec_ttl,output:2']);
  const k = tcp('1.1.1.1', 1, '2.2.2.2', 2);
  k.nwTtl = 1;
  const r = br.process(k, 60, T0);
  assert.deepEqual(r.kind === 'forwarded' ? r.outputs.map((o) => (o.kind === 'controller' ? o.reason : o.kind)) : [], ['invalid_ttl']);
  k.nwTtl = 5;
  const r2 = br.process(k, 60, T0);
  assert.equal(r2.kind === 'forwarded' ? r2.outputs[0]?.key.nwTtl : 0, 4);
});

test('outputs are copy-on-write snapshots', () => {
  const { br } = bridge(['ip actions=output:2,mod_nw_dst:3.3.3.3,output:3,output:4']);
  const r = br.process(tcp('1.1.1.1', 1, '2.2.2.2', 2), 60, T0);
  assert.equal(r.kind, 'forwarded');
  if (r.kind !== 'forwarded') return;
  assert.deepEqual(r.outputs.map((o) => o.key.nwDst), [ip('2.2.2.2'), ip('3.3.3.3'), ip('3.3.3.3')]);
  assert.equal(r.outputs[1]?.key, r.outputs[2]?.key, 'no copy when nothing changed in between');
});

test('register writes never leak into the caller\'s key or earlier outputs', () => {
  const { br } = bridge(['ip actions=load:0x1->NXM_NX_REG0[],output:2,set_field:0x2->reg0,output:3,move:NXM_NX_REG0[]->NXM_NX_REG1[],output:4']);
  const input = tcp('1.1.1.1', 1, '2.2.2.2', 2);
  const r = br.process(input, 60, T0);
  assert.equal(r.kind, 'forwarded');
  if (r.kind !== 'forwarded') return;
  assert.deepEqual(r.outputs.map((o) => [o.key.regs[0], o.key.regs[1]]), [[1, 0], [2, 0], [2, 2]]);
  assert.deepEqual([...input.regs], new Array(16).fill(0));
});

test('output to the input port is skipped; IN_PORT is the way to send back', () => {
  const { br } = bridge(['ip actions=output:1,output:2']);
  assert.deepEqual(ports(br.process(tcp('1.1.1.1', 1, '2.2.2.2', 2, 1), 60, T0)), [2]);
});

test('FLOOD reaches every known port but the input port', () => {
  const pm = new PortMap([{ name: 'a', ofport: 1 }, { name: 'b', ofport: 2 }, { name: 'c', ofport: 3 }]);
  const { br } = bridge(['actions=FLOOD'], [], { ports: pm });
  assert.deepEqual(ports(br.process(tcp('1.1.1.1', 1, '2.2.2.2', 2, 2), 60, T0)), [1, 3]);
});

test('NORMAL with the built-in switch floods unknown destinations, then learns', () => {
  const normal = new NormalSwitch([{ ofport: 1 }, { ofport: 2 }, { ofport: 3 }]);
  const { br } = bridge(['actions=NORMAL'], [], { normal });
  const a = tcp('1.1.1.1', 1, '2.2.2.2', 2, 1);
  assert.deepEqual(ports(br.process(a, 60, T0)), [2, 3]);
  const b = tcp('2.2.2.2', 2, '1.1.1.1', 1, 3);
  b.dlSrc = a.dlDst;
  b.dlDst = a.dlSrc;
  assert.deepEqual(ports(br.process(b, 60, T0 + 1)), [1]);
  assert.deepEqual(ports(br.process(a, 60, T0 + 2)), [3]);
});

test('an idle flow stops matching exactly at its deadline, before any sweep', () => {
  const { br } = bridge(['priority=10,idle_timeout=2,ip actions=output:2', 'priority=1,ip actions=output:3']);
  const k = tcp('1.1.1.1', 1, '2.2.2.2', 2);
  assert.deepEqual(ports(br.process(k, 60, T0 + 1500)), [2]);
  assert.deepEqual(ports(br.process(k, 60, T0 + 3499)), [2]);
  assert.deepEqual(ports(br.process(k, 60, T0 + 5499)), [3]);
});

test('the trail names every table, flow, group bucket and ct step', () => {
  const { br } = bridge(['table=0, ip actions=ct(table=1)', 'table=1, ct_state=+trk,ip actions=group:1'], ['group_id=1,type=select,bucket=output:5']);
  const r = br.process(tcp('1.1.1.1', 1, '2.2.2.2', 2), 60, T0, { trace: true });
  const text = formatTrace(r.trail);
  assert.match(text, /^0\. ip actions=ct\(table=1\)$/m);
  assert.match(text, /ct\(table=1\): zone 0 ct_state 0 -> new\|trk, recirculate to table 1/);
  assert.match(text, /^1\. table=1, ct_state=\+trk,ip actions=group:1$/m);
  assert.match(text, /group:1 \(select\) bucket 0/);
  assert.match(text, /output:5/);
  const quiet = br.process(tcp('1.1.1.1', 1, '2.2.2.2', 2), 60, T0);
  assert.equal(quiet.trail.length, 0);
});

test('trace keeps each ct() tuple as it was (the pipeline reuses its conntrack request objects)', () => {
  const { br } = bridge([
    'table=0,ip actions=ct(table=1)',
    'table=1,ip actions=ct(commit,nat(dst=10.0.0.9:8080),table=2)',
    'table=2,ip actions=ct(zone=7,table=3)',
    'table=3,ip actions=output:2',
  ]);
  const r = br.process(tcp('10.1.1.1', 40000, '10.96.0.10', 80), 60, T0, { trace: true });
  assert.deepEqual(ports(r), [2]);
  const before = r.trail.flatMap((e) => (e.kind === 'ct' ? [[e.tupleBefore.dst, e.tupleBefore.dstPort]] : []));
  assert.deepEqual(before, [
    [ip('10.96.0.10'), 80],
    [ip('10.96.0.10'), 80],
    [ip('10.0.0.9'), 8080],
  ]);
  // The tracker kept its own copy of the original tuple: the reply is un-NATed to the VIP.
  const reply = br.process(tcp('10.0.0.9', 8080, '10.1.1.1', 40000, 3), 60, T0 + 1);
  const out = reply.kind === 'forwarded' ? reply.outputs[0]?.key : undefined;
  assert.deepEqual([out?.nwSrc, out?.tpSrc, out?.nwDst, out?.tpDst], [ip('10.96.0.10'), 80, ip('10.1.1.1'), 40000]);
});
