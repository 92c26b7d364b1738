// The NSX edge's view of the lab: which logical routers (DR and SR components) the edge
// instantiates, with VRF numbers, LR-IDs and interfaces, as `get logical-router` and
// `vrf <n>` + `get interfaces` show them.
//
// Numbering (documented in ../README.md): VRFs in creation order (TUNNEL 0, Tier-0 SR,
// Tier-0 DR, the management Tier-1, namespace Tier-1s, the LB Tier-1 DR then SR);
// LR-IDs: admin-created routers from 1 (Tier-0 DR 1, SR 2, management Tier-1 5 as in
// the article), NCP-created from 3073 with the LB Tier-1 first (DR 3073, SR 3074, as
// NCP creates it at start-up) and the namespace Tier-1s from 3075.
import { formatIPv4 } from '../../core/ip.js';
import type { NsxLab } from '../../dataplane/fabric/nsx-lab.js';
import type { Router } from '../../dataplane/fabric/router.js';
import type { LbEdge } from '../engine/lb-edge.js';
import { DEFAULT_CLUSTER_NAME } from '../nsx/build-model.js';
import { cliName, linkLocal, nameUuid, ulaFor } from './nsx-ids.js';

/** NSX's distributed-router virtual MAC, shared by every DR lif. */
export const DR_VMAC = 0x025056564452;
const SR_BACKPLANE_MAC = 0x025056565300;
const VNI_BASE = 67584;

export type LrType = 'TUNNEL' | 'DISTRIBUTED_ROUTER_TIER0' | 'SERVICE_ROUTER_TIER0' | 'DISTRIBUTED_ROUTER_TIER1' | 'SERVICE_ROUTER_TIER1';

export type EdgeInterface =
  | { readonly mode: 'lif'; readonly name: string; readonly ipMask: string; readonly mac: number; readonly segment: string; readonly urpf: 'NONE' | 'PORT_CHECK' | 'STRICT' }
  | { readonly mode: 'loopback'; readonly ipMask: string }
  | { readonly mode: 'blackhole' }
  | { readonly mode: 'cpu' };

export interface EdgeLogicalRouter {
  readonly uuid: string;
  readonly vrf: number;
  readonly lrId: number;
  /** Full name; the CLI shows 31 characters. */
  readonly name: string;
  readonly type: LrType;
  /** The Tier-1/Tier-0 this component belongs to (its DR and SR share it). */
  readonly logicalRouter: string;
  readonly interfaces: readonly EdgeInterface[];
  /** The number of ports (the TUNNEL has 3, others their interfaces). */
  readonly ports: number;
}

export interface EdgeViewOptions {
  /** Default 'k8s-testcluster1'. */
  readonly clusterName?: string;
  /** The LB Tier-1 (its DR and SR are listed when given). */
  readonly edge?: LbEdge;
}

const LOOPBACK_V6 = '::1/128';

function common(): EdgeInterface[] {
  return [{ mode: 'blackhole' }, { mode: 'cpu' }];
}

/** The edge's logical routers in VRF order. */
export function edgeLogicalRouters(lab: NsxLab, o: EdgeViewOptions = {}): EdgeLogicalRouter[] {
  const cluster = o.clusterName ?? DEFAULT_CLUSTER_NAME;
  const rows: Array<Omit<EdgeLogicalRouter, 'vrf' | 'uuid' | 'ports'> & { ports?: number }> = [];
  const t0 = lab.tier0;
  const t0Name = t0.name;
  const up = t0.iface('uplink');
  rows.push({ name: '', type: 'TUNNEL', lrId: 0, logicalRouter: '', interfaces: [], ports: 3 });
  rows.push({
    name: `SR-${t0Name}`,
    type: 'SERVICE_ROUTER_TIER0',
    lrId: 2,
    logicalRouter: t0Name,
    interfaces: [
      ...(up?.ip !== undefined ? [lif(`uplink-${t0Name}`, `${formatIPv4(up.ip)}/${up.prefix};${linkLocal(up.mac)}`, up.mac, `uplink-${t0Name}`, 'STRICT')] : []),
      { mode: 'loopback', ipMask: `127.0.0.1/8;${LOOPBACK_V6}` },
      ...common(),
      lif('bp-sr0-port', `169.254.0.2/28;${linkLocal(SR_BACKPLANE_MAC)}`, SR_BACKPLANE_MAC, `transit-${t0Name}`, 'NONE'),
    ],
  });
  const downs = t0.interfaces().filter((i) => i.name.startsWith('down-') && i.ip !== undefined);
  rows.push({
    name: `DR-${t0Name}`,
    type: 'DISTRIBUTED_ROUTER_TIER0',
    lrId: 1,
    logicalRouter: t0Name,
    interfaces: [
      ...downs.map((i) => lif(`downlink-${i.name.slice(5)}`, `${formatIPv4(i.ip!)}/${i.prefix};${linkLocal(i.mac)}`, i.mac, `routerlink-${i.name.slice(5)}`, 'PORT_CHECK')),
      ...common(),
      lif('bp-dr-port', `169.254.0.1/28;${linkLocal(DR_VMAC)}`, DR_VMAC, `transit-${t0Name}`, 'PORT_CHECK'),
    ],
  });
  rows.push({ name: `DR-${lab.mgmt.tier1.name}`, type: 'DISTRIBUTED_ROUTER_TIER1', lrId: 5, logicalRouter: lab.mgmt.tier1.name, interfaces: tier1DrInterfaces(lab.mgmt.tier1, lab.mgmt.tier1.name) });
  lab.namespaceList().forEach((ns, i) => {
    const t1 = `${cluster}-${ns.name}`;
    rows.push({ name: `DR-${t1}`, type: 'DISTRIBUTED_ROUTER_TIER1', lrId: 3075 + i, logicalRouter: t1, interfaces: tier1DrInterfaces(ns.tier1, t1) });
  });
  const e = o.edge;
  if (e !== undefined) {
    const t1 = e.applied().loadBalancer.tier1;
    rows.push({
      name: e.drName,
      type: 'DISTRIBUTED_ROUTER_TIER1',
      lrId: 3073,
      logicalRouter: t1,
      interfaces: [
        lif(cliName(`lrp-${cluster}-${t1}`), '169.254.169.1/24', DR_VMAC, `ls-${t1}`, 'NONE'),
        ...common(),
        lif('bp-dr-port', `169.254.0.1/28;${linkLocal(DR_VMAC)}`, DR_VMAC, `transit-${t1}`, 'PORT_CHECK'),
      ],
    });
    const upl = e.router.iface('uplink');
    rows.push({
      name: e.srName,
      type: 'SERVICE_ROUTER_TIER1',
      lrId: 3074,
      logicalRouter: t1,
      interfaces: [
        ...(upl?.ip !== undefined ? [lif('TIER1-RouterLinkPort', `${formatIPv4(upl.ip)}/${upl.prefix};${linkLocal(upl.mac)};${ulaFor(t1, 2)}`, upl.mac, `routerlink-${e.srName}`, 'NONE')] : []),
        { mode: 'loopback', ipMask: ['127.0.0.1/8', ...e.loopbackVips().map((v) => `${v}/32`), LOOPBACK_V6].join(';') },
        ...common(),
        lif('bp-sr0-port', `169.254.0.2/28;${linkLocal(SR_BACKPLANE_MAC)}`, SR_BACKPLANE_MAC, `transit-${t1}`, 'NONE'),
      ],
    });
  }
  return rows.map((r, vrf) => ({ ...r, vrf, uuid: r.type === 'TUNNEL' ? nameUuid('tunnel') : nameUuid(`lr/${r.name}`), ports: r.ports ?? r.interfaces.length }));
}

function lif(name: string, ipMask: string, mac: number, segment: string, urpf: 'NONE' | 'PORT_CHECK' | 'STRICT'): EdgeInterface {
  return { mode: 'lif', name, ipMask, mac, segment, urpf };
}

function tier1DrInterfaces(r: Router, t1: string): EdgeInterface[] {
  const out: EdgeInterface[] = [];
  const upl = r.iface('uplink');
  if (upl?.ip !== undefined) out.push(lif('TIER1-RouterLinkPort', `${formatIPv4(upl.ip)}/${upl.prefix};${linkLocal(DR_VMAC)}`, DR_VMAC, `routerlink-${r.name}`, 'NONE'));
  for (const i of r.interfaces()) {
    if (i.name === 'uplink' || i.ip === undefined) continue;
    out.push(lif(cliName(`lrp-${t1}`), `${formatIPv4(i.ip)}/${i.prefix};${linkLocal(DR_VMAC)}`, DR_VMAC, `ls-${t1}`, 'PORT_CHECK'));
  }
  return [...out, ...common()];
}
