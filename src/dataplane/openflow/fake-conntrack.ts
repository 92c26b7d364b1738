// A small connection tracker with the semantics the OpenFlow pipeline relies on, for
// tests and for callers that run before the real one (../conntrack) is wired in:
//
//  - per-zone tables; a connection exists only once committed (ct(commit)), so an
//    uncommitted zone reports every packet as +new — which is why the article's zone-0
//    ct(table=1) never yields -new for client packets;
//  - original direction: +new until a reply was seen, then +est; reply direction: +est+rpl;
//  - NAT is set up on commit from the request's spec (first address, first port of the
//    range) and applied to later packets only when the request asks for nat;
//  - ct_state nat bits as the Linux datapath reports them: a DNATed connection's replies
//    are +snat (their source is rewritten), and vice versa;
//  - without an entry, a TCP RST or SYN+ACK is +inv (cannot start a connection);
//    otherwise no TCP state machine, no timeouts; ICMP is tracked by addresses only.
import { CT_DNAT, CT_EST, CT_INV, CT_NEW, CT_RPL, CT_SNAT, CT_TRK, IP_PROTO_TCP } from '../flow-key.js';
import type { CtPacketInfo, CtRequest, CtResult, CtTuple } from '../conntrack/types.js';

interface Entry {
  readonly id: number;
  readonly orig: CtTuple;
  /** The tuple replies carry (the inverse of the translated original). */
  readonly reply: CtTuple;
  readonly nat: 'src' | 'dst' | undefined;
  mark: number;
  seenReply: boolean;
}

const tupleKey = (t: CtTuple) => `${t.src}|${t.dst}|${t.proto}|${t.srcPort}|${t.dstPort}`;
const invert = (t: CtTuple): CtTuple => ({ src: t.dst, dst: t.src, proto: t.proto, srcPort: t.dstPort, dstPort: t.srcPort });

export class FakeConntrack {
  private readonly zones = new Map<number, Map<string, { entry: Entry; reply: boolean }>>();
  private nextId = 1;

  get size(): number {
    let n = 0;
    for (const z of this.zones.values()) n += z.size / 2;
    return n;
  }

  process(info: CtPacketInfo, req: CtRequest): CtResult {
    let zone = this.zones.get(req.zone);
    if (zone === undefined) this.zones.set(req.zone, (zone = new Map()));
    // A copy: entries keep it, and the pipeline reuses info.tuple (ConntrackLike contract).
    const t: CtTuple = { src: info.tuple.src, dst: info.tuple.dst, proto: info.tuple.proto, srcPort: info.tuple.srcPort, dstPort: info.tuple.dstPort };
    let hit = zone.get(tupleKey(t));
    if (hit === undefined && t.proto === IP_PROTO_TCP && (info.tcpFlags & 0x04 || (info.tcpFlags & 0x12) === 0x12)) {
      return { state: CT_INV | CT_TRK, mark: 0, zone: req.zone };
    }
    if (hit === undefined && req.commit) {
      let translated = t;
      let nat: Entry['nat'];
      const spec = req.nat?.spec;
      if (spec !== undefined) {
        nat = spec.kind;
        const port = spec.portMin === 0 ? undefined : spec.portMin;
        translated =
          spec.kind === 'dst'
            ? { ...t, dst: spec.addrMin, dstPort: port ?? t.dstPort }
            : { ...t, src: spec.addrMin, srcPort: port ?? t.srcPort };
      }
      const entry: Entry = { id: this.nextId++, orig: t, reply: invert(translated), nat, mark: 0, seenReply: false };
      zone.set(tupleKey(t), { entry, reply: false });
      zone.set(tupleKey(entry.reply), { entry, reply: true });
      hit = { entry, reply: false };
      if (req.setMark !== undefined) entry.mark = (entry.mark & ~req.setMark.mask) | (req.setMark.value & req.setMark.mask);
      return this.answer(hit.entry, false, req, true);
    }
    if (hit === undefined) return { state: CT_NEW | CT_TRK, mark: 0, zone: req.zone };
    if (hit.reply) hit.entry.seenReply = true;
    if (req.commit && req.setMark !== undefined) {
      hit.entry.mark = (hit.entry.mark & ~req.setMark.mask) | (req.setMark.value & req.setMark.mask);
    }
    return this.answer(hit.entry, hit.reply, req, false);
  }

  private answer(e: Entry, reply: boolean, req: CtRequest, fresh: boolean): CtResult {
    let state = CT_TRK | (reply ? CT_EST | CT_RPL : e.seenReply && !fresh ? CT_EST : CT_NEW);
    const base = { mark: e.mark, zone: req.zone, entryId: e.id };
    if (req.nat === undefined || e.nat === undefined) return { ...base, state };
    state |= (e.nat === 'dst') !== reply ? CT_DNAT : CT_SNAT;
    // Original direction takes the translated tuple; replies take the inverse of the original.
    const translated = reply ? invert(e.orig) : invert(e.reply);
    return { ...base, state, translated };
  }
}
