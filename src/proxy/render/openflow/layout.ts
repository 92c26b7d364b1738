// The br-int layout the OpenFlow renderer writes: the article's tables 0-2, zone and
// cookie, plus what the article does not show (README "Rules beyond the article").
//
//   table 0  priority=100,ip actions=ct(table=1)                      track in zone 0
//            priority=0 actions=NORMAL
//   table 1  priority=100,ct_state=-trk,ip actions=ct(table=1)
//            priority=100,ct_state=-new+trk,ip,nw_dst=VIP actions=ct(table=2,zone=65312,nat)
//            priority=100,ct_state=+new+trk,PROTO,nw_dst=VIP,tp_dst=P actions=group:N
//            priority=95,ip,nw_dst=NODEIP actions=ct(zone=65313,nat),ct(table=2,zone=65312,nat)  [masquerade]
//            priority=90,ip,in_port=UPLINK actions=ct(table=2,zone=65312,nat)
//            priority=80,ip actions=NORMAL
//   table 2  priority=33000,ip,reg0=0x1/0x1 actions=ct(commit,zone=65313,nat(src=NODEIP)),NORMAL  [masquerade]
//            actions=NORMAL                                          (priority 32768)
//   table 3  learned session-affinity flows: ip,reg3=N,nw_src=CLIENT actions=load:EP->reg1,load:PORT->reg2
//   table 4  priority=100,ip,reg1=EP,reg2=PORT,reg3=N actions=ct(commit,table=2,zone=65312,nat(dst=EP:PORT))
//            priority=90,ip,reg3=N actions=group:N
//   groups   group_id=N,type=select,bucket=bucket_id:i,weight:100,actions=ct(commit,table=2,zone=65312,nat(dst=EP:PORT))
import { fieldByName, OFP_DEFAULT_PRIORITY, type Action, type CtAction, type MfField, type SubField } from '../../../dataplane/openflow/index.js';
import { OFPP_CONTROLLER, OFPP_NORMAL } from '../../../dataplane/openflow/index.js';

/** Every flow the proxy writes carries this cookie (the article's 0x7). */
export const NSX_COOKIE = 0x7n;
/** The article's NAT zone: DNAT to endpoints and un-DNAT of replies. */
export const CT_ZONE_NAT = 65312;
/** Ours: masquerade (SNAT to the node IP) of external traffic under policy Cluster. */
export const CT_ZONE_SNAT = 65313;

export const TABLE_CLASSIFY = 0;
export const TABLE_SERVICES = 1;
export const TABLE_OUTPUT = 2;
export const TABLE_AFFINITY_LEARNED = 3;
export const TABLE_AFFINITY_SELECT = 4;

export const PRIO_SERVICE = 100;
export const PRIO_UNSNAT = 95;
export const PRIO_UPLINK = 90;
export const PRIO_DEFAULT = 80;
/** Above table 2's catch-all, which the article prints without priority (= 32768). */
export const PRIO_MASQUERADE = 33000;
export const PRIO_AFFINITY_ENDPOINT = 100;
export const PRIO_AFFINITY_GROUP = 90;
export const PRIO_TABLE2_DEFAULT = OFP_DEFAULT_PRIORITY;

export const BUCKET_WEIGHT = 100;

/** reg0 bit 0: masquerade this packet in table 2. reg0 bit 1: reject (packet-in). */
export const REG_MARKS = 0;
export const MARK_MASQUERADE = 0x1;
export const MARK_REJECT = 0x2;
/** Session affinity: chosen endpoint IP (reg1), port (reg2[0..15]), group id (reg3). */
export const REG_AFFINITY_IP = 1;
export const REG_AFFINITY_PORT = 2;
export const REG_AFFINITY_GROUP = 3;

function field(name: string): MfField {
  const f = fieldByName(name);
  if (f === undefined) throw new Error(`openflow field ${name} missing`);
  return f;
}

export const F_REG = (i: number): MfField => field(`reg${i}`);
export const F_ETH_TYPE = field('eth_type');
export const F_IP_SRC = field('ip_src');

export const sub = (f: MfField, ofs = 0, nBits = f.bits): SubField => ({ field: f, ofs, nBits });

export const NORMAL: Action = { type: 'output', port: OFPP_NORMAL };
export const TO_CONTROLLER: Action = { type: 'output', port: OFPP_CONTROLLER, maxLen: 65535 };

export function ct(opts: { table?: number; zone?: number; commit?: boolean; nat?: CtAction['nat'] }): CtAction {
  return {
    type: 'ct',
    commit: opts.commit ?? false,
    force: false,
    ...(opts.table !== undefined ? { table: opts.table } : {}),
    zone: opts.zone ?? 0,
    ...(opts.nat !== undefined ? { nat: opts.nat } : {}),
    exec: NO_ACTIONS,
  };
}

const NO_ACTIONS: readonly Action[] = Object.freeze([]);

/** `ct(commit,table=2,zone=65312,nat(dst=IP:PORT))`: the article's bucket action. Hot: one per endpoint. */
export function dnatTo(ip: number, port: number): CtAction {
  return {
    type: 'ct',
    commit: true,
    force: false,
    table: TABLE_OUTPUT,
    zone: CT_ZONE_NAT,
    nat: { kind: 'dst', range: { kind: 'dst', addrMin: ip, addrMax: ip, portMin: port, portMax: port } },
    exec: NO_ACTIONS,
  };
}

/** `ct(table=2,zone=65312,nat)`: apply an existing binding (either direction). */
export const NAT_EXISTING: CtAction = ct({ table: TABLE_OUTPUT, zone: CT_ZONE_NAT, nat: {} });

/** `load:V->NXM_NX_REGi[bit]` for a one-bit mark. */
export function setMark(bit: number): Action {
  const ofs = Math.log2(bit);
  return { type: 'load', dst: sub(F_REG(REG_MARKS), ofs, 1), value: 1n };
}

/**
 * Reject: the packet goes to the controller with reg0 bit 1 set; the bridge's
 * packet-in handler answers it (TCP RST / ICMP port unreachable, see reject.ts).
 */
export const REJECT_ACTIONS: readonly Action[] = [setMark(MARK_REJECT), TO_CONTROLLER];
/** Policy Local without local endpoints: drop (as kube-proxy). Prints `actions=drop`. */
export const DROP_ACTIONS: readonly Action[] = [];
