// One Service -> its OpenFlow fragment (flows + select groups), a pure function of the
// Service's ports, their endpoints, the node and the group ids already assigned.
//
// Per port, traffic is "internal" (to a ClusterIP) or "external" (to a NodePort on a node
// IP, a LoadBalancer ingress IP or an external IP). Each kind picks its endpoint list
// by its traffic policy (categorize.ts) and its group: the cluster group (ready
// endpoints anywhere) or the local group (this node's endpoints). Its +new flow then
//  - sends to the group (`group:N`), or with ClientIP affinity through tables 3/4;
//  - rejects when the Service has no usable endpoint anywhere;
//  - drops when the policy is Local and this node has none (kube-proxy's behaviour);
//  - for external traffic under policy Cluster, first sets the masquerade mark, so table
//    2 SNATs it to the node IP and the reply comes back through this node.
import { CT_NEW, CT_TRK, IP_PROTO_TCP, IP_PROTO_UDP } from '../../../dataplane/flow-key.js';
import type { Action, BucketSpec, FlowSpec, GroupSpec, LearnAction } from '../../../dataplane/openflow/index.js';
import { lean, type LeanMatch } from './lean-match.js';
import { categorizeEndpoints } from '../../model/categorize.js';
import type { EndpointInfo, L4Protocol, ServiceName, ServicePortInfo } from '../../model/types.js';
import {
  BUCKET_WEIGHT,
  CT_ZONE_SNAT,
  DROP_ACTIONS,
  F_ETH_TYPE,
  F_IP_SRC,
  F_REG,
  MARK_MASQUERADE,
  NAT_EXISTING,
  NORMAL,
  NSX_COOKIE,
  PRIO_AFFINITY_ENDPOINT,
  PRIO_AFFINITY_GROUP,
  PRIO_MASQUERADE,
  PRIO_SERVICE,
  PRIO_UNSNAT,
  REG_AFFINITY_GROUP,
  REG_AFFINITY_IP,
  REG_AFFINITY_PORT,
  REG_MARKS,
  REJECT_ACTIONS,
  TABLE_AFFINITY_LEARNED,
  TABLE_AFFINITY_SELECT,
  TABLE_OUTPUT,
  TABLE_SERVICES,
  ct,
  dnatTo,
  setMark,
  sub,
} from './layout.js';
import type { LearnedFamily, OpenFlowFragment } from './program.js';

const IP_PROTO_SCTP = 132;

export interface ServiceRenderContext {
  /** This node's IPv4 addresses (NodePorts answer on each; masquerade uses the first). */
  readonly nodeIPs: readonly string[];
  /** Id of a group key (see groupKeys); must have been assigned before rendering. */
  readonly groupId: (key: string) => number | undefined;
  /** Masquerade external traffic under policy Cluster (default true). */
  readonly masquerade?: boolean;
}

/** The group keys a port needs ids for: its cluster group and/or its local group. */
export function groupKeys(p: ServicePortInfo): string[] {
  const keys: string[] = [];
  if (p.usesClusterEndpoints) keys.push(clusterGroupKey(p));
  if (p.usesLocalEndpoints) keys.push(localGroupKey(p));
  return keys;
}

export const clusterGroupKey = (p: ServicePortInfo): string => p.name;
export const localGroupKey = (p: ServicePortInfo): string => `${p.name}|local`;

/**
 * IPv4 text -> uint32, or undefined for IPv6 / anything else (not rendered: the
 * dataplane is IPv4 only). Hand-rolled: a full render parses ~110,000 addresses, and the
 * split/regex parser in core was a quarter of the render time. Same strictness: four
 * decimal parts 0-255, no leading zeros.
 */
export function ipv4(s: string): number | undefined {
  let n = 0;
  let part = 0;
  let digits = 0;
  let dots = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 46) {
      if (digits === 0 || dots === 3) return undefined;
      n = n * 256 + part;
      part = 0;
      digits = 0;
      dots++;
    } else if (c >= 48 && c <= 57) {
      if (digits > 0 && part === 0) return undefined;
      part = part * 10 + (c - 48);
      if (++digits > 3 || part > 255) return undefined;
    } else return undefined;
  }
  if (dots !== 3 || digits === 0) return undefined;
  return n * 256 + part;
}

function protoNumber(p: L4Protocol): number {
  return p === 'TCP' ? IP_PROTO_TCP : p === 'UDP' ? IP_PROTO_UDP : IP_PROTO_SCTP;
}

const NEW_TRK = CT_NEW | CT_TRK;

class FragmentBuilder {
  readonly flows: FlowSpec[] = [];
  readonly groups: GroupSpec[] = [];
  readonly learned: LearnedFamily[] = [];
  /** VIPs whose -new flow is rendered: one per address, however many ports use it. */
  readonly vips = new Set<number>();

  flow(table: number, priority: number, match: LeanMatch, actions: readonly Action[]): void {
    this.flows.push({ table, priority, cookie: NSX_COOKIE, idleTimeout: 0, hardTimeout: 0, importance: 0, flags: NO_FLAGS, match: match.build(), actions });
  }
}

const NO_FLAGS = Object.freeze({});

export function renderService(
  service: ServiceName,
  ports: readonly ServicePortInfo[],
  endpointsOf: (p: ServicePortInfo) => readonly EndpointInfo[],
  ctx: ServiceRenderContext,
): OpenFlowFragment {
  const b = new FragmentBuilder();
  const nodeIPs: number[] = [];
  for (const s of ctx.nodeIPs) {
    const n = ipv4(s);
    if (n !== undefined) nodeIPs.push(n);
  }
  const masqIP = ctx.masquerade === false ? undefined : nodeIPs[0];
  let masqUsed = false;
  for (const p of ports) {
    if (renderPort(b, p, endpointsOf(p), ctx, nodeIPs, masqIP)) masqUsed = true;
  }
  if (masqUsed && masqIP !== undefined) renderMasqueradeInfra(b, masqIP);
  return { key: service, flows: b.flows, groups: b.groups, learned: b.learned };
}

/** What a frontend's +new flow does, per traffic kind (see the header comment). */
function targetActions(
  hasAny: boolean,
  eps: readonly EndpointInfo[],
  gid: number | undefined,
  affinity: number,
  masq: boolean,
): readonly Action[] {
  if (!hasAny) return REJECT_ACTIONS;
  if (eps.length === 0 || gid === undefined) return DROP_ACTIONS;
  const out: Action[] = masq ? [setMark(MARK_MASQUERADE)] : [];
  if (affinity === 0) out.push({ type: 'group', groupId: gid });
  else {
    out.push(
      { type: 'load', dst: sub(F_REG(REG_AFFINITY_GROUP)), value: BigInt(gid) },
      { type: 'resubmit', table: TABLE_AFFINITY_LEARNED },
      { type: 'resubmit', table: TABLE_AFFINITY_SELECT },
    );
  }
  return out;
}

function groupIdOf(ctx: ServiceRenderContext, key: string): number {
  const id = ctx.groupId(key);
  if (id === undefined) throw new Error(`no group id assigned for ${key}`);
  return id;
}

/** +new flow: `ct_state=+new+trk,PROTO,nw_dst=DST,tp_dst=PORT actions=...`. */
function newFlow(b: FragmentBuilder, proto: number, dst: number, port: number, actions: readonly Action[]): void {
  b.flow(TABLE_SERVICES, PRIO_SERVICE, lean().ctState(NEW_TRK, NEW_TRK).proto(proto).nwDst(dst).tpDst(port), actions);
}

/** -new flow of a VIP: `ct_state=-new+trk,ip,nw_dst=VIP actions=ct(table=2,zone=65312,nat)`. */
function notNewVip(b: FragmentBuilder, dst: number, masq: boolean): void {
  if (b.vips.has(dst)) return;
  b.vips.add(dst);
  b.flow(TABLE_SERVICES, PRIO_SERVICE, lean().ctState(CT_TRK, NEW_TRK).ip().nwDst(dst), masq ? MASQ_NAT_EXISTING : NAT_ONLY);
}

const NAT_ONLY: readonly Action[] = [NAT_EXISTING];
const MASQ_NAT_EXISTING: readonly Action[] = [setMark(MARK_MASQUERADE), NAT_EXISTING];

/** Returns whether some flow of the port sets the masquerade mark. */
function renderPort(
  b: FragmentBuilder,
  p: ServicePortInfo,
  endpoints: readonly EndpointInfo[],
  ctx: ServiceRenderContext,
  nodeIPs: readonly number[],
  masqIP: number | undefined,
): boolean {
  const cat = categorizeEndpoints(endpoints, p);
  const affinity = p.sessionAffinity.kind === 'ClientIP' ? p.sessionAffinity.timeoutSeconds : 0;
  const proto = protoNumber(p.protocol);
  const clusterGid = p.usesClusterEndpoints ? groupIdOf(ctx, clusterGroupKey(p)) : undefined;
  const localGid = p.usesLocalEndpoints ? groupIdOf(ctx, localGroupKey(p)) : undefined;
  if (clusterGid !== undefined && cat.cluster.length > 0) renderGroup(b, clusterGid, cat.cluster, affinity);
  if (localGid !== undefined && cat.local.length > 0) renderGroup(b, localGid, cat.local, affinity);

  // Internal traffic: the ClusterIPs.
  const internal = p.internalPolicyLocal
    ? targetActions(cat.hasAnyEndpoints, cat.local, localGid, affinity, false)
    : targetActions(cat.hasAnyEndpoints, cat.cluster, clusterGid, affinity, false);
  for (const s of p.clusterIPs) {
    const vip = ipv4(s);
    if (vip === undefined) continue;
    notNewVip(b, vip, false);
    newFlow(b, proto, vip, p.port, internal);
  }

  // External traffic: NodePorts, LoadBalancer ingress IPs, external IPs.
  if (!p.externallyAccessible) return false;
  const masq = !p.externalPolicyLocal && masqIP !== undefined && cat.hasAnyEndpoints;
  const external = p.externalPolicyLocal
    ? targetActions(cat.hasAnyEndpoints, cat.local, localGid, affinity, false)
    : targetActions(cat.hasAnyEndpoints, cat.cluster, clusterGid, affinity, masq);
  if (p.nodePort !== 0) {
    for (const nip of nodeIPs) {
      newFlow(b, proto, nip, p.nodePort, external);
      // A node IP carries other traffic, so its not-new flow is per port, unlike a VIP's.
      b.flow(
        TABLE_SERVICES,
        PRIO_SERVICE,
        lean().ctState(CT_TRK, NEW_TRK).proto(proto).nwDst(nip).tpDst(p.nodePort),
        masq ? MASQ_NAT_EXISTING : NAT_ONLY,
      );
    }
  }
  for (const list of [p.loadBalancerIPs, p.externalIPs]) {
    for (const s of list) {
      const ip = ipv4(s);
      if (ip === undefined) continue;
      notNewVip(b, ip, masq);
      newFlow(b, proto, ip, p.port, external);
    }
  }
  return masq;
}

function renderGroup(b: FragmentBuilder, gid: number, eps: readonly EndpointInfo[], affinitySeconds: number): void {
  const buckets: BucketSpec[] = [];
  for (const e of eps) {
    const ip = ipv4(e.ip);
    if (ip === undefined) continue;
    const actions: Action[] = affinitySeconds > 0 ? [learnAffinity(affinitySeconds, ip, e.port), dnatTo(ip, e.port)] : [dnatTo(ip, e.port)];
    buckets.push({ bucketId: buckets.length, weight: BUCKET_WEIGHT, actions });
  }
  if (buckets.length === 0) return;
  b.groups.push({ groupId: gid, type: 'select', buckets });
  if (affinitySeconds === 0) return;
  // Tables 3/4: a learned flow remembers the client's endpoint in reg1/reg2; table 4
  // sends the client there directly, or to the group (which learns) when it has none.
  for (const e of eps) {
    const ip = ipv4(e.ip);
    if (ip === undefined) continue;
    b.flow(
      TABLE_AFFINITY_SELECT,
      PRIO_AFFINITY_ENDPOINT,
      lean().ip().reg(REG_AFFINITY_IP, ip).reg(REG_AFFINITY_PORT, e.port).reg(REG_AFFINITY_GROUP, gid),
      [dnatTo(ip, e.port)],
    );
  }
  b.flow(TABLE_AFFINITY_SELECT, PRIO_AFFINITY_GROUP, lean().ip().reg(REG_AFFINITY_GROUP, gid), [{ type: 'group', groupId: gid }]);
  b.learned.push({ table: TABLE_AFFINITY_LEARNED, match: lean().reg(REG_AFFINITY_GROUP, gid).build() });
}

/**
 * learn(table=3,hard_timeout=T,cookie=0x7,eth_type=0x800,NXM_NX_REG3[],NXM_OF_IP_SRC[],
 *       load:EP->NXM_NX_REG1[],load:PORT->NXM_NX_REG2[0..15])
 * Keyed by group id (reg3), so one client's affinity is shared by every frontend of
 * the port (ClusterIP, NodePort, LB IP), as kube-proxy's per-endpoint "recent" lists are.
 */
function learnAffinity(timeoutSeconds: number, ip: number, port: number): LearnAction {
  return {
    type: 'learn',
    table: TABLE_AFFINITY_LEARNED,
    idleTimeout: 0,
    hardTimeout: timeoutSeconds,
    finIdleTimeout: 0,
    finHardTimeout: 0,
    priority: 32768,
    cookie: NSX_COOKIE,
    sendFlowRem: false,
    deleteLearned: false,
    limit: 0,
    specs: [
      { kind: 'match-imm', dst: sub(F_ETH_TYPE), value: 0x800n },
      { kind: 'match', dst: sub(F_REG(REG_AFFINITY_GROUP)), src: sub(F_REG(REG_AFFINITY_GROUP)) },
      { kind: 'match', dst: sub(F_IP_SRC), src: sub(F_IP_SRC) },
      { kind: 'load-imm', dst: sub(F_REG(REG_AFFINITY_IP)), value: BigInt(ip >>> 0) },
      { kind: 'load-imm', dst: sub(F_REG(REG_AFFINITY_PORT), 0, 16), value: BigInt(port) },
    ],
  };
}

/**
 * Masquerade (external traffic under policy Cluster): table 2 SNATs marked packets to
 * the node IP in zone 65313 (zone 65312 already holds the DNAT; one zone gives a
 * connection one NAT binding). Replies to the node IP are un-SNATed in 65313, then
 * un-DNATed in 65312, and continue in table 2.
 */
function renderMasqueradeInfra(b: FragmentBuilder, nodeIP: number): void {
  const snat = ct({ commit: true, zone: CT_ZONE_SNAT, nat: { kind: 'src', range: { kind: 'src', addrMin: nodeIP, addrMax: nodeIP, portMin: 0, portMax: 0 } } });
  b.flow(TABLE_OUTPUT, PRIO_MASQUERADE, lean().ip().reg(REG_MARKS, MARK_MASQUERADE, MARK_MASQUERADE), [snat, NORMAL]);
  b.flow(TABLE_SERVICES, PRIO_UNSNAT, lean().ip().nwDst(nodeIP), [ct({ zone: CT_ZONE_SNAT, nat: {} }), NAT_EXISTING]);
}
