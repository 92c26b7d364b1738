// Desired vs applied NSX LB objects -> the operations that turn one into the other, in
// an order that never leaves a virtual server pointing at a missing pool and never
// advertises a VIP without a virtual server behind it: pools first, then virtual
// servers, then VIPs; removals in reverse.
import type { NsxLbModel, ServerPool, VirtualServer } from './types.js';

export type NsxLbOp =
  | { readonly kind: 'upsert-pool'; readonly pool: ServerPool }
  | { readonly kind: 'upsert-virtual-server'; readonly vs: VirtualServer }
  | { readonly kind: 'add-vip'; readonly vip: string }
  | { readonly kind: 'delete-virtual-server'; readonly name: string }
  | { readonly kind: 'delete-pool'; readonly name: string }
  | { readonly kind: 'remove-vip'; readonly vip: string };

export const EMPTY_MODEL = (lb: NsxLbModel['loadBalancer']): NsxLbModel => ({ loadBalancer: lb, virtualServers: [], pools: [] });

export function vipSet(m: NsxLbModel): Set<string> {
  return new Set(m.virtualServers.map((v) => v.vip));
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

export function diffNsxLb(applied: NsxLbModel | undefined, desired: NsxLbModel): NsxLbOp[] {
  const ops: NsxLbOp[] = [];
  const oldPools = new Map((applied?.pools ?? []).map((p) => [p.name, p]));
  const oldVs = new Map((applied?.virtualServers ?? []).map((v) => [v.name, v]));
  const newPools = new Set(desired.pools.map((p) => p.name));
  const newVs = new Set(desired.virtualServers.map((v) => v.name));
  const oldVips = applied === undefined ? new Set<string>() : vipSet(applied);
  const newVips = vipSet(desired);
  for (const p of desired.pools) if (!same(oldPools.get(p.name), p)) ops.push({ kind: 'upsert-pool', pool: p });
  for (const v of desired.virtualServers) if (!same(oldVs.get(v.name), v)) ops.push({ kind: 'upsert-virtual-server', vs: v });
  for (const vip of newVips) if (!oldVips.has(vip)) ops.push({ kind: 'add-vip', vip });
  for (const name of oldVs.keys()) if (!newVs.has(name)) ops.push({ kind: 'delete-virtual-server', name });
  for (const name of oldPools.keys()) if (!newPools.has(name)) ops.push({ kind: 'delete-pool', name });
  for (const vip of oldVips) if (!newVips.has(vip)) ops.push({ kind: 'remove-vip', vip });
  return ops;
}
