// The article's br-int (nsx-t-k8s-part5.md: `ovs-ofctl dump-flows br-int` and
// `dump-groups br-int`) loaded from the copied text and exercised packet by packet,
// against the real connection tracker and against FakeConntrack (same expectations).
//
// A note on the `ct_state=-new+trk,ip,nw_dst=<VIP>` flows: table 0's ct(table=1) runs in
// zone 0 and never commits, so every client packet is +new there and goes through the
// service group again; the zone-65312 entry made by the group's ct(commit,...) keeps it
// on the same backend. The -new flow only catches packets zone 0 finds invalid (a
// client RST, for instance). That is what real OVS does, and why the article shows
// n_packets=0 on the VIP's -new flow while its group flows count every packet.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parseIPv4 } from '../../core/ip.js';
import { unwrap } from '../../core/result.js';
import { Conntrack } from '../conntrack/index.js';
import { CT_DNAT, CT_EST, CT_NEW, CT_RPL, CT_SNAT, CT_TRK, ETH_TYPE_IPV4, IP_PROTO_ICMP, IP_PROTO_TCP, emptyFlowKey, type FlowKey } from '../flow-key.js';
import { BridgeProgram } from './bridge-program.js';
import { FakeConntrack } from './fake-conntrack.js';
import { dumpFlows, formatFlow } from './format-flow.js';
import { dumpGroupStats, dumpGroups } from './format-group.js';
import { loadDumpFlows, loadDumpGroups } from './load-dump.js';
import { parseFlow, parseFlowMod } from './parse-flow.js';
import { parseGroup, parseGroupMod } from './parse-group.js';
import { OpenFlowBridge, type ConntrackLike, type PipelineResult } from './pipeline.js';
import { PortMap } from './port-map.js';
import { formatTrace } from './trace.js';

const FIXTURE = readFileSync(new URL('./testdata/nsx-t-k8s-part5-br-int.txt', import.meta.url), 'utf8');
const [FLOW_BLOCK = '', GROUP_BLOCK = ''] = FIXTURE.split('# ovs-ofctl dump-groups br-int\n');
const FLOW_LINES = FLOW_BLOCK.split('\n').filter((l) => l.startsWith(' '));
const GROUP_TEXT = GROUP_BLOCK.trimEnd();

// br-int's ports as `ovs-vsctl show` lists them in the article, plus the client pod.
const UPLINK = 1;
const CLIENT_PORT = 5;
const PORTS = new PortMap([
  { name: 'ens192', ofport: UPLINK },
  { name: '824327d05abfd72', ofport: 2 },
  { name: 'cd333ad6021daef', ofport: 3 },
  { name: 'nsx_agent_outer', ofport: 4 },
  { name: 'nwtest', ofport: CLIENT_PORT },
  { name: 'br-int', ofport: 0xfffe },
]);

const T0 = 1_600_000_000_000;
const ip = (s: string) => unwrap(parseIPv4(s));
const VIP = ip('10.101.129.209');
const CLIENT = ip('172.25.5.4');
const BACKENDS: number[] = [ip('172.25.5.2'), ip('172.25.5.3')];
const SYN = 0x02;
const ACK = 0x10;
const PSH = 0x08;
const RST = 0x04;

function load(): BridgeProgram {
  const program = new BridgeProgram();
  unwrap(loadDumpGroups(program, GROUP_BLOCK, T0, { ports: PORTS }));
  unwrap(loadDumpFlows(program, FLOW_BLOCK, T0, { ports: PORTS }));
  return program;
}

function tcp(src: number, sport: number, dst: number, dport: number, flags: number, inPort: number): FlowKey {
  const k = emptyFlowKey();
  k.inPort = inPort;
  k.dlType = ETH_TYPE_IPV4;
  k.nwProto = IP_PROTO_TCP;
  k.nwTtl = 64;
  k.nwSrc = src;
  k.nwDst = dst;
  k.tpSrc = sport;
  k.tpDst = dport;
  k.tcpFlags = flags;
  return k;
}

function only(r: PipelineResult): FlowKey {
  assert.equal(r.kind, 'forwarded', r.kind === 'dropped' ? JSON.stringify(r.reason) : '');
  if (r.kind !== 'forwarded') throw new Error('dropped');
  assert.equal(r.outputs.length, 1);
  const o = r.outputs[0];
  assert.equal(o?.kind, 'normal', 'table 2 hands the packet to NORMAL');
  return (o as { key: FlowKey }).key;
}

const normalize = (s: string) => s.replace(/duration=[\d.]+s, /g, 'duration=X, ').replace(/n_packets=\d+, n_bytes=\d+/g, 'n_packets=N, n_bytes=N');
const flowLine = (p: BridgeProgram, needle: string) => p.flows().find((f) => formatFlow(f, { ports: PORTS }).includes(needle));

test('the loaded program dumps back exactly as the article prints it', () => {
  const program = load();
  assert.equal(dumpFlows(program, T0, { ports: PORTS }), FLOW_LINES.join('\n'));
  assert.equal(dumpGroups(program), GROUP_TEXT);
  // Every line also survives print(parse(line)) on its own.
  for (const line of FLOW_LINES) {
    const p = unwrap(parseFlow(line.trim(), { ports: PORTS }));
    assert.equal(` ${formatFlow(p.flow, { ports: PORTS, ...(p.stats ? { stats: p.stats } : {}) })}`, line);
  }
});

test('the same program programmed with add-flow/add-group syntax dumps the same lines apart from durations and counters', () => {
  const program = new BridgeProgram();
  for (const line of GROUP_TEXT.split('\n').slice(1)) unwrap(program.groupMod({ command: 'add', group: unwrap(parseGroup(line.trim())) }, T0));
  for (const line of FLOW_LINES) {
    // What a controller would send: no stats, "cookie=0x7,table=1,priority=100,... actions=...".
    const spec = unwrap(parseFlow(line.trim(), { ports: PORTS })).flow;
    const addFlow = formatFlow(spec, { ports: PORTS });
    unwrap(program.flowMod(unwrap(parseFlowMod('add', addFlow, { ports: PORTS })), T0));
  }
  assert.equal(normalize(dumpFlows(program, T0 + 1234, { ports: PORTS })), normalize(FLOW_LINES.join('\n')));
  assert.equal(dumpGroups(program), GROUP_TEXT);
});

const TRACKERS: ReadonlyArray<readonly [string, () => ConntrackLike]> = [
  ['Conntrack', () => new Conntrack()],
  ['FakeConntrack', () => new FakeConntrack()],
];

for (const [name, makeTracker] of TRACKERS) {
  describe(`article pipeline with ${name}`, () => {
    const setup = () => {
      const program = load();
      const br = new OpenFlowBridge({ program, conntrack: makeTracker(), ports: PORTS });
      return { program, br };
    };

    test('a new connection to the VIP takes group 6 and is DNATed; the reply is un-NATed', () => {
      const { program, br } = setup();
      const groupFlow = flowLine(program, 'tp_dst=80 actions=group:6');
      const uplinkFlow = flowLine(program, 'priority=90,ip,in_port=ens192');
      const [g0, u0] = [groupFlow?.nPackets ?? 0, uplinkFlow?.nPackets ?? 0];
      const syn = br.process(tcp(CLIENT, 40000, VIP, 80, SYN, CLIENT_PORT), 74, T0 + 1, { trace: true, payloadLength: 0 });
      const out = only(syn);
      assert.ok(BACKENDS.includes(out.nwDst), 'DNATed to one of the two endpoints');
      assert.equal(out.tpDst, 80);
      assert.equal(out.nwSrc, CLIENT);
      assert.equal(out.ctState, CT_NEW | CT_TRK | CT_DNAT);
      assert.equal(out.ctZone, 65312);
      const trace = formatTrace(syn.trail);
      assert.match(trace, /priority=100,ct_state=\+new\+trk,tcp,nw_dst=10\.101\.129\.209,tp_dst=80 actions=group:6/);
      assert.match(trace, /group:6 \(select\) bucket [01]/);
      assert.match(trace, /zone 65312 ct_state new\|trk -> new\|trk\|dnat NAT 172\.25\.5\.4:40000 -> 10\.101\.129\.209:80 proto 6 => 172\.25\.5\.4:40000 -> 172\.25\.5\.[23]:80/);
      assert.equal(program.group(6)?.packetCount, 1);
      assert.equal(groupFlow?.nPackets, g0 + 1);

      const backend = out.nwDst;
      const synAck = br.process(tcp(backend, 80, CLIENT, 40000, SYN | ACK, UPLINK), 74, T0 + 2, { payloadLength: 0 });
      const back = only(synAck);
      assert.equal(back.nwSrc, VIP, 'the reply comes from the VIP');
      assert.equal(back.tpSrc, 80);
      assert.equal(back.nwDst, CLIENT);
      // The Linux datapath flags a DNATed connection's replies +snat: their source was rewritten.
      assert.equal(back.ctState, CT_EST | CT_RPL | CT_TRK | CT_SNAT);
      assert.equal(uplinkFlow?.nPackets, u0 + 1);
    });

    test('later packets of the connection keep their endpoint; only zone-0-invalid ones take the -new flow', () => {
      const { program, br } = setup();
      const backend = only(br.process(tcp(CLIENT, 40001, VIP, 80, SYN, CLIENT_PORT), 74, T0 + 1, { payloadLength: 0 })).nwDst;
      only(br.process(tcp(backend, 80, CLIENT, 40001, SYN | ACK, UPLINK), 74, T0 + 2, { payloadLength: 0 }));
      for (let i = 0; i < 5; i++) {
        const k = only(br.process(tcp(CLIENT, 40001, VIP, 80, i === 0 ? ACK : PSH | ACK, CLIENT_PORT), 100, T0 + 3 + i, { payloadLength: i === 0 ? 0 : 34 }));
        assert.equal(k.nwDst, backend);
        assert.equal(k.ctState, CT_EST | CT_TRK | CT_DNAT, 'zone 65312 knows the connection');
      }
      // Zone 0 never commits, so those went through the group again (as the article's counters show).
      assert.equal(program.group(6)?.packetCount, 6);
      const minusNew = flowLine(program, 'ct_state=-new+trk,ip,nw_dst=10.101.129.209');
      assert.equal(minusNew?.nPackets, 0, 'as in the article: n_packets=0');
      // A RST has no zone-0 entry to belong to: +inv, hence -new+trk, and the -new flow
      // still NATs it (ct(nat) in zone 65312) to the same endpoint.
      const rst = only(br.process(tcp(CLIENT, 40001, VIP, 80, RST | ACK, CLIENT_PORT), 54, T0 + 20, { payloadLength: 0 }));
      assert.equal(rst.nwDst, backend);
      assert.equal(minusNew?.nPackets, 1);
    });

    test('ICMP echo to the VIP is not DNATed to any endpoint', () => {
      const { program, br } = setup();
      const k = emptyFlowKey();
      k.inPort = CLIENT_PORT;
      k.dlType = ETH_TYPE_IPV4;
      k.nwProto = IP_PROTO_ICMP;
      k.nwTtl = 64;
      k.nwSrc = CLIENT;
      k.nwDst = VIP;
      k.tpSrc = 8;
      const catchAll = flowLine(program, 'priority=80,ip actions=NORMAL');
      const before = catchAll?.nPackets ?? 0;
      const r = br.process(k, 98, T0 + 1, { icmpId: 77, payloadLength: 56, trace: true });
      const out = only(r);
      assert.equal(out.nwDst, VIP);
      assert.equal(program.group(6)?.packetCount, 0);
      assert.equal(catchAll?.nPackets, before + 1, 'it falls through to priority=80,ip actions=NORMAL');
      assert.doesNotMatch(formatTrace(r.trail), /zone 65312/);
    });

    test('1,000 new connections spread evenly (within 10%) over the two endpoints', () => {
      const { program, br } = setup();
      const count = new Map<number, number>();
      for (let i = 0; i < 1000; i++) {
        const k = only(br.process(tcp(CLIENT, 20000 + i, VIP, 80, SYN, CLIENT_PORT), 74, T0 + i, { payloadLength: 0 }));
        count.set(k.nwDst, (count.get(k.nwDst) ?? 0) + 1);
      }
      for (const b of BACKENDS) {
        const n = count.get(b) ?? 0;
        assert.ok(n >= 450 && n <= 550, `${n} connections to one endpoint`);
      }
      const buckets = program.group(6)?.buckets.map((b) => b.packetCount);
      assert.deepEqual(buckets, BACKENDS.map((b) => count.get(b)));
      const stats = dumpGroupStats(program, T0 + 5000).split('\n');
      assert.equal(stats[0], 'NXST_GROUP reply (xid=0x2):');
      assert.equal(
        stats.find((l) => l.startsWith(' group_id=6,')),
        ` group_id=6,duration=5s,ref_count=1,packet_count=1000,byte_count=74000,` +
          `bucket0:packet_count=${buckets?.[0]},byte_count=${(buckets?.[0] ?? 0) * 74},bucket1:packet_count=${buckets?.[1]},byte_count=${(buckets?.[1] ?? 0) * 74}`,
      );
    });

    test('controller deltas: mod-group, new service, deleted service', () => {
      const { program, br } = setup();
      const first = only(br.process(tcp(CLIENT, 30000, VIP, 80, SYN, CLIENT_PORT), 74, T0 + 1, { payloadLength: 0 })).nwDst;
      only(br.process(tcp(first, 80, CLIENT, 30000, SYN | ACK, UPLINK), 74, T0 + 2, { payloadLength: 0 }));

      // A third endpoint: only new connections are spread over three; the open one stays.
      const mod = unwrap(
        parseGroupMod(
          'modify',
          'group_id=6,type=select,' +
            [2, 3, 6].map((h, i) => `bucket=bucket_id:${i},weight:100,actions=ct(commit,table=2,zone=65312,nat(dst=172.25.5.${h}:80))`).join(','),
        ),
      );
      unwrap(program.groupMod(mod, T0 + 10));
      const seen = new Set<number>();
      for (let i = 0; i < 60; i++) seen.add(only(br.process(tcp(CLIENT, 31000 + i, VIP, 80, SYN, CLIENT_PORT), 74, T0 + 20, { payloadLength: 0 })).nwDst);
      assert.equal(seen.size, 3);
      assert.equal(only(br.process(tcp(CLIENT, 30000, VIP, 80, ACK, CLIENT_PORT), 60, T0 + 30, { payloadLength: 0 })).nwDst, first);

      // A new service 10.101.0.7:8080 -> 172.25.4.9:8080, as the NSX controller would add it.
      unwrap(program.groupMod(unwrap(parseGroupMod('add', 'group_id=7,type=select,bucket=bucket_id:0,weight:100,actions=ct(commit,table=2,zone=65312,nat(dst=172.25.4.9:8080))')), T0 + 40));
      unwrap(program.flowMod(unwrap(parseFlowMod('add', 'cookie=0x7,table=1,priority=100,ct_state=+new+trk,tcp,nw_dst=10.101.0.7,tp_dst=8080 actions=group:7')), T0 + 40));
      unwrap(program.flowMod(unwrap(parseFlowMod('add', 'cookie=0x7,table=1,priority=100,ct_state=-new+trk,ip,nw_dst=10.101.0.7 actions=ct(table=2,zone=65312,nat)')), T0 + 40));
      const svc = only(br.process(tcp(CLIENT, 30500, ip('10.101.0.7'), 8080, SYN, CLIENT_PORT), 74, T0 + 41, { payloadLength: 0 }));
      assert.equal(svc.nwDst, ip('172.25.4.9'));

      // Service deleted: removing group 6 removes the flow that used it (OVS semantics);
      // the -new flow goes by del-flows. New connections then just go to NORMAL un-NATed.
      const removed = unwrap(program.groupMod({ command: 'delete', groupId: 6 }, T0 + 50));
      assert.deepEqual(removed.map((r) => formatFlow(r.flow, { ports: PORTS })), [
        'cookie=0x7, table=1, priority=100,ct_state=+new+trk,tcp,nw_dst=10.101.129.209,tp_dst=80 actions=group:6',
      ]);
      unwrap(program.flowMod(unwrap(parseFlowMod('delete-strict', 'table=1,priority=100,ct_state=-new+trk,ip,nw_dst=10.101.129.209')), T0 + 50));
      assert.equal(program.flowCount(), 14 - 2 + 2);
      const after = only(br.process(tcp(CLIENT, 32000, VIP, 80, SYN, CLIENT_PORT), 74, T0 + 60, { payloadLength: 0 }));
      assert.equal(after.nwDst, VIP);
      assert.match(dumpFlows(program, T0 + 60, { ports: PORTS }), /nw_dst=10\.101\.0\.7,tp_dst=8080 actions=group:7/);
    });
  });
}
