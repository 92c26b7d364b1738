// Conntrack and the wire codecs together: bytes -> FlowKey -> ct(nat) -> bytes.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { IPv4 } from '../../core/ip.js';
import type { FlowKey } from '../flow-key.js';
import { applyFlowKeyToFrame, flowKeyFromFrame } from '../wire/flow-key-frame.js';
import { emitFrame, parseFrame, type Frame } from '../wire/frame.js';
import { applyQuoteTupleToFrame, icmpErrorQuoteOf } from '../wire/icmp-quote.js';
import { icmpPortUnreachable } from '../wire/icmp.js';
import { hex, TCP_SYN_HEX, UDP_DNS_HEX } from '../wire/testdata/fixtures.js';
import { Conntrack } from './conntrack.js';
import { ctStr, dnat, ip, T0 } from './testdata/packets.js';
import type { CtPacketInfo, CtTuple } from './types.js';

function frameOf(b: Uint8Array): Frame {
  const r = parseFrame(b);
  if (!r.ok) throw new Error(JSON.stringify(r.error));
  return r.value;
}

// What the OpenFlow pipeline's ct() does with a packet: key fields in, plus the quote.
function infoOf(k: FlowKey, f: Frame): CtPacketInfo {
  const icmp = k.nwProto === 1;
  const echoId = f.l3.kind === 'ipv4' && f.l3.l4.kind === 'icmp' && (f.l3.l4.icmp.kind === 'echo-request' || f.l3.l4.icmp.kind === 'echo-reply') ? f.l3.l4.icmp.ident : 0;
  return {
    tuple: { src: k.nwSrc, dst: k.nwDst, proto: k.nwProto, srcPort: icmp ? echoId : k.tpSrc, dstPort: icmp ? 0 : k.tpDst },
    tcpFlags: k.tcpFlags,
    icmpType: icmp ? k.tpSrc : 0,
    icmpCode: icmp ? k.tpDst : 0,
    payloadLength: 0,
    quoted: icmpErrorQuoteOf(f),
  };
}

function applyTuple(k: FlowKey, t: CtTuple): void {
  k.nwSrc = t.src;
  k.nwDst = t.dst;
  if (t.proto !== 1) {
    k.tpSrc = t.srcPort;
    k.tpDst = t.dstPort;
  }
}

describe('conntrack on real frames', () => {
  test('a TCP SYN to the VIP leaves DNATed with valid checksums', () => {
    const ct = new Conntrack();
    const f = frameOf(hex(TCP_SYN_HEX));
    const k = flowKeyFromFrame(f, 1);
    const r = ct.process(infoOf(k, f), { zone: 65312, commit: true, nat: { spec: dnat('172.25.5.3', 8080) }, now: T0 });
    assert.equal(ctStr(r.state), '+trk+new+dnat');
    applyTuple(k, r.translated!);
    applyFlowKeyToFrame(f, k);
    const out = frameOf(emitFrame(f));
    const k2 = flowKeyFromFrame(out, 1);
    assert.deepEqual([k2.nwDst, k2.tpDst, k2.nwSrc, k2.tpSrc], [ip('172.25.5.3'), 8080, ip('172.25.5.4'), 40000]);
  });

  test('a port unreachable from the DNS endpoint reaches the client un-NATed, quote included', () => {
    const ct = new Conntrack();
    const VIP = ip('10.96.0.10');
    const EP = ip('172.25.5.30');
    // Query to the VIP, DNATed to the endpoint.
    const q = frameOf(hex(UDP_DNS_HEX));
    const qk = flowKeyFromFrame(q, 1);
    const r = ct.process(infoOf(qk, q), { zone: 0, commit: true, nat: { spec: dnat('172.25.5.30', 53) }, now: T0 });
    applyTuple(qk, r.translated!);
    applyFlowKeyToFrame(q, qk);
    const delivered = emitFrame(q);
    // The endpoint has no listener and answers with ICMP port unreachable.
    const err: Frame = {
      eth: { dst: q.eth.src, src: q.eth.dst, etherType: 0x0800 },
      l3: {
        kind: 'ipv4',
        ip: { tos: 0, ident: 0, dontFragment: false, moreFragments: false, fragmentOffset: 0, ttl: 64, protocol: 1, src: EP as IPv4, dst: ip('172.25.5.4') as IPv4, options: new Uint8Array(0) },
        l4: { kind: 'icmp', icmp: icmpPortUnreachable(delivered.subarray(14)) },
      },
      trailer: new Uint8Array(0),
    };
    const ef = frameOf(emitFrame(err));
    const ek = flowKeyFromFrame(ef, 2);
    const rel = ct.process(infoOf(ek, ef), { zone: 0, commit: false, nat: {}, now: T0 + 5 });
    assert.equal(ctStr(rel.state), '+trk+rel+rpl+snat');
    applyTuple(ek, rel.translated!);
    applyFlowKeyToFrame(ef, ek);
    applyQuoteTupleToFrame(ef, rel.translatedQuoted!);
    const final = frameOf(emitFrame(ef));
    assert.equal(flowKeyFromFrame(final, 2).nwSrc, VIP);
    assert.deepEqual(icmpErrorQuoteOf(final), { src: ip('172.25.5.4'), dst: VIP, proto: 17, srcPort: 53000, dstPort: 53, icmpType: 0, icmpCode: 0 });
    // Un-NATing the quote restores the client's datagram byte for byte (checksums too).
    assert.ok(final.l3.kind === 'ipv4' && final.l3.l4.kind === 'icmp' && final.l3.l4.icmp.kind === 'dest-unreachable');
    assert.deepEqual([...final.l3.l4.icmp.original], [...hex(UDP_DNS_HEX).subarray(14, 14 + 28)]);
  });
});
