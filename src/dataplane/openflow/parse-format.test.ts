import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatFlow } from './format-flow.js';
import { formatGroup } from './format-group.js';
import { matchOf } from './match.js';
import { parseActions } from './parse-actions.js';
import { parseFlow, parseFlowMod, parseMatch } from './parse-flow.js';
import { parseGroup } from './parse-group.js';
import { PortMap } from './port-map.js';
import { formatActions } from './format-actions.js';
import { formatMatch } from './format-match.js';
import { CT_NEW, CT_TRK } from '../flow-key.js';
import { formatDuration } from './format-flow.js';
import { unwrap } from '../../core/result.js';

const ports = new PortMap([
  { name: 'ens192', ofport: 1 },
  { name: 'br-int', ofport: 0xfffe },
  { name: 'cd333ad6021daef', ofport: 7 },
]);

/** Text that must print back exactly as written (OVS canonical form). */
const CANONICAL_FLOWS = [
  'priority=100,ip actions=ct(table=1)',
  'priority=0 actions=NORMAL',
  'actions=drop',
  'table=1, priority=100,ct_state=-trk,ip actions=ct(table=1)',
  'cookie=0x7, table=1, priority=100,ct_state=+new+trk,tcp,nw_dst=10.101.129.209,tp_dst=80 actions=group:6',
  'table=1, priority=90,ip,in_port=ens192 actions=ct(table=2,zone=65312,nat)',
  'priority=5,ct_state=new|trk,ct_zone=5,ct_mark=0x1/0xf,tcp,reg0=0x5,reg3=0/0xff00,metadata=0x1234/0xffff,in_port=9,dl_vlan=10,dl_src=00:11:22:33:44:55,dl_dst=01:00:00:00:00:00/01:00:00:00:00:00,nw_src=10.0.0.0/8,nw_dst=192.168.0.1/255.255.0.255,nw_tos=16,nw_ttl=3,tp_src=0x400/0xfc00,tp_dst=80,tcp_flags=+syn-ack actions=output:ens192',
  'priority=7,icmp,nw_dst=10.96.0.10,icmp_type=8,icmp_code=0 actions=CONTROLLER:65535',
  'arp,arp_spa=10.0.0.1,arp_tpa=10.0.0.2,arp_op=1 actions=FLOOD',
  'dl_type=0x88cc actions=LOCAL',
  'vlan_tci=0x0000 actions=IN_PORT',
  'vlan_tci=0x0005/0x0fff actions=strip_vlan,output:2',
  'idle_timeout=30, hard_timeout=60, send_flow_rem priority=200,udp,nw_src=1.2.3.4 actions=mod_nw_dst:10.0.0.1,mod_tp_dst:53,mod_dl_dst:aa:bb:cc:dd:ee:ff,mod_dl_src:00:00:00:00:00:01,mod_nw_src:1.1.1.1,mod_tp_src:1000,dec_ttl,output:3',
  'table=3, ip actions=set_field:10.0.0.1->ip_dst,set_field:0x1/0xf->reg0,set_field:aa:bb:cc:dd:ee:ff->eth_dst,set_field:80->tcp_dst,load:0x5->NXM_NX_REG0[0..15],load:0->NXM_NX_REG1[],move:NXM_OF_IP_SRC[]->NXM_NX_REG2[],resubmit(,4)',
  'ip actions=resubmit:3,resubmit(ens192,2),resubmit(,7),goto_table:9',
  'ip actions=ct(commit,zone=5,exec(set_field:0x1->ct_mark)),ct(commit,table=3,zone=NXM_NX_REG6[0..15],nat(src=10.0.0.1-10.0.0.9:1000-2000,random)),ct(nat(dst=1.2.3.4)),ct(commit,force,nat(src))',
  'ip actions=push_vlan:0x8100,mod_vlan_vid:12,set_vlan_vid:7,pop_vlan,mod_nw_tos:8,mod_nw_ttl:9',
  'tcp actions=learn(table=3,hard_timeout=10800,priority=200,cookie=0x9,eth_type=0x800,nw_proto=6,NXM_OF_IP_SRC[],NXM_OF_IP_DST[],NXM_OF_TCP_DST[],load:NXM_NX_REG1[]->NXM_NX_REG1[],load:0x2->NXM_NX_REG2[0..7]),group:3',
  'tcp actions=learn(table=10,idle_timeout=30,delete_learned,NXM_OF_VLAN_TCI[0..11],NXM_OF_ETH_DST[]=NXM_OF_ETH_SRC[],output:NXM_OF_IN_PORT[])',
  'reg5=0x1,metadata=0x7 actions=group:1',
  'priority=1,ct_state=0,ip actions=drop',
];

test('canonical add-flow text prints back identically', () => {
  for (const line of CANONICAL_FLOWS) {
    const p = parseFlow(line, { ports });
    assert.ok(p.ok, `${line}: ${p.ok ? '' : p.error}`);
    assert.equal(formatFlow(p.value.flow, { ports }), line);
  }
});

test('parse(print(x)) == x for flows built in code', () => {
  const flows = [
    matchOf().tcp().nwDst(0x0a65_81d1).tpDst(80).ctState(CT_NEW | CT_TRK, CT_NEW | CT_TRK).build(),
    matchOf().ip().inPort(1).build(),
    matchOf().udp().nwSrc(0x0a000000, 8).tpSrc(53).reg(3, 7, 0xff).build(),
    matchOf().dlVlan(-1).dlSrc(0x001122334455).build(),
    matchOf().arp().arpOp(2).build(),
    matchOf().metadata(0xdeadbeefcafen).ctZone(9).ctMark(0x10).build(),
  ];
  for (const m of flows) {
    const spec = { table: 4, priority: 123, cookie: 0xabcn, idleTimeout: 0, hardTimeout: 5, importance: 0, flags: {}, match: m, actions: unwrap(parseActions('group:6,output:2')) };
    const text = formatFlow(spec, { ports });
    const back = unwrap(parseFlow(text, { ports })).flow;
    assert.equal(back.match.key(), m.key(), text);
    assert.equal(back.priority, 123);
    assert.equal(back.cookie, 0xabcn);
    assert.equal(back.hardTimeout, 5);
    assert.equal(formatFlow(back, { ports }), text);
  }
});

test('non-canonical input is normalized the way OVS prints it', () => {
  const cases: Array<[string, string]> = [
    ['nw_dst=10.0.0.1,ip,ct_state=+trk-new,priority=100 actions=ct(table=2)', 'priority=100,ct_state=-new+trk,ip,nw_dst=10.0.0.1 actions=ct(table=2)'],
    ['in_port=1,ip,priority=90 actions=normal', 'priority=90,ip,in_port=ens192 actions=NORMAL'],
    ['dl_type=0x0800,nw_proto=6,tcp_dst=80 actions=output:1', 'tcp,tp_dst=80 actions=output:ens192'],
    ['ip,nw_src=10.1.2.3/16 actions=controller', 'ip,nw_src=10.1.0.0/16 actions=CONTROLLER:65535'],
    ['ip actions=set_field:1.2.3.4->nw_dst,load:1->NXM_NX_REG0[]', 'ip actions=set_field:1.2.3.4->ip_dst,load:0x1->NXM_NX_REG0[]'],
    ['ip actions=ct(zone=0,table=1)', 'ip actions=ct(table=1)'],
    ['priority=32768,ip actions=drop', 'ip actions=drop'],
    ['dl_vlan=0xffff actions=2', 'vlan_tci=0x0000 actions=output:2'],
    ['tcp,tcp_flags=syn actions=drop', 'tcp,tcp_flags=syn actions=drop'],
    ['vlan_tci=0x1005/0x1fff actions=drop', 'dl_vlan=5 actions=drop'],
    ['icmp,icmp_type=3 actions=drop', 'icmp,icmp_type=3 actions=drop'],
    ['ip actions=resubmit(1,)', 'ip actions=resubmit:ens192'],
  ];
  for (const [input, want] of cases) {
    const p = parseFlow(input, { ports });
    assert.ok(p.ok, `${input}: ${p.ok ? '' : p.error}`);
    assert.equal(formatFlow(p.value.flow, { ports }), want);
  }
});

test('dump-flows stats are parsed and printed in ofp_print_duration form', () => {
  const line =
    'cookie=0x7, duration=60448.822s, table=0, n_packets=300078, n_bytes=53313183, priority=100,ip actions=ct(table=1)';
  const p = unwrap(parseFlow(line, { ports }));
  assert.deepEqual(p.stats, { durationMs: 60448822, nPackets: 300078, nBytes: 53313183 });
  assert.equal(formatFlow(p.flow, { ports, stats: p.stats as NonNullable<typeof p.stats> }), line);
  assert.equal(formatDuration(5000), '5s');
  assert.equal(formatDuration(1500), '1.500s');
  assert.equal(formatDuration(1.5), '0.0015s');
  assert.equal(formatDuration(0), '0s');
});

test('parse errors are reported, not thrown', () => {
  const bad = [
    'ip',
    'ip actions=frobnicate',
    'ip,nw_dst=10.0.0.300 actions=drop',
    'bogus=1 actions=drop',
    'ip actions=drop,output:1',
    'ip actions=goto_table:2,output:1',
    'ip actions=ct(exec(set_field:1.2.3.4->ip_dst))',
    'ip actions=ct(table=300)',
    'ip actions=load:0x10000->NXM_NX_REG0[0..15]',
    'ip actions=move:NXM_OF_IP_SRC[]->NXM_NX_REG0[0..15]',
    'in_port=nosuchport actions=drop',
    'ip actions=set_field:1->nw_proto',
    'ip actions=ct(nat(dst=10.0.0.9-10.0.0.1))',
  ];
  for (const line of bad) assert.equal(parseFlow(line, { ports }).ok, false, line);
});

test('match printer follows OVS field order', () => {
  const m = unwrap(parseMatch('tp_dst=80,nw_dst=10.101.129.209,tcp,ct_state=+new+trk,in_port=7,reg1=0x2'));
  assert.equal(formatMatch(m, 100, ports), 'priority=100,ct_state=+new+trk,tcp,reg1=0x2,in_port=cd333ad6021daef,nw_dst=10.101.129.209,tp_dst=80');
});

test('actions print as OVS does', () => {
  assert.equal(formatActions([]), 'drop');
  assert.equal(formatActions(unwrap(parseActions('drop'))), 'drop');
  assert.equal(formatActions(unwrap(parseActions('output:65534'))), 'LOCAL');
  assert.equal(formatActions(unwrap(parseActions('br-int', ports)), ports), 'LOCAL');
  assert.equal(formatActions(unwrap(parseActions('ens192', ports)), ports), 'output:ens192');
  assert.equal(formatActions(unwrap(parseActions('controller:128'))), 'CONTROLLER:128');
});

test('article groups round-trip and defaults match ovs-ofctl', () => {
  const line =
    'group_id=6,type=select,bucket=bucket_id:0,weight:100,actions=ct(commit,table=2,zone=65312,nat(dst=172.25.5.2:80)),bucket=bucket_id:1,weight:100,actions=ct(commit,table=2,zone=65312,nat(dst=172.25.5.3:80))';
  const g = unwrap(parseGroup(line));
  assert.equal(g.buckets.length, 2);
  assert.equal(formatGroup(g), line);
  // No bucket ids given: positions; select weight defaults to 1 (and is then not printed).
  const d = unwrap(parseGroup('group_id=9,type=select,bucket=output:1,bucket=actions=output:2,resubmit(,3)'));
  assert.equal(formatGroup(d), 'group_id=9,type=select,bucket=bucket_id:0,actions=output:1,bucket=bucket_id:1,actions=output:2,resubmit(,3)');
  const all = unwrap(parseGroup('group_id=1,type=all,bucket=weight:0,actions=output:1'));
  assert.equal(formatGroup(all), 'group_id=1,type=all,bucket=bucket_id:0,actions=output:1');
  assert.equal(formatGroup(unwrap(parseGroup('group_id=4,type=indirect'))), 'group_id=4,type=indirect');
  assert.equal(parseGroup('type=select').ok, false);
});

test('flow mods: cookie rules follow ovs-ofctl', () => {
  assert.equal(parseFlowMod('add', 'cookie=0x1/0xff,ip actions=drop').ok, false);
  assert.equal(parseFlowMod('delete', 'cookie=0x1,ip').ok, false);
  const del = unwrap(parseFlowMod('delete', 'cookie=0x7/-1,table=1'));
  assert.equal(del.command, 'delete');
  if (del.command === 'delete') {
    assert.deepEqual(del.cookie, { value: 7n, mask: 0xffffffffffffffffn });
    assert.equal(del.table, 1);
  }
  const mod = unwrap(parseFlowMod('modify', 'ip actions=drop'));
  assert.ok(mod.command === 'modify' && mod.table === undefined && mod.newCookie === undefined);
});
