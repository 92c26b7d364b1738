// NSX-style namespace subnets: every namespace gets its own block (a logical switch with
// the first address as its gateway) carved from one pod pool. Pure; the shell stores the
// namespace -> subnet map in one ConfigMap so agents on different nodes agree.
//
// The index rule (which /24 a namespace gets), chosen so the article's addresses come out:
//   - well-known namespaces are pinned: default=0, kube-node-lease=1, kube-public=2,
//     nsx-system=3, kube-system=4 -> kube-system on 172.25.4.0/24 (coredns 172.25.4.2/.3);
//   - every other namespace takes the lowest index that is neither pinned nor in use, in the
//     order agents first need one -> the first user namespace ("demons") gets 172.25.5.0/24;
//   - an assignment never changes while it is recorded (released only by GC of namespaces
//     that no longer exist), so restarts and other agents see the same subnet.
import { cidrNth, cidrSize, err, formatCidr, formatIP, ok, parseCidr, type Cidr4, type Result } from '../../core/index.js';

export interface SubnetPlan {
  /** The pod pool, e.g. 172.25.0.0/16. */
  readonly pool: Cidr4;
  /** Prefix length of each namespace subnet (24). */
  readonly subnetPrefix: number;
  /** namespace -> fixed index. Pinned indexes are never handed to other namespaces. */
  readonly pinned: ReadonlyMap<string, number>;
}

export const DEFAULT_POD_POOL = '172.25.0.0/16';
export const DEFAULT_PINNED_SUBNETS: Readonly<Record<string, number>> = {
  default: 0,
  'kube-node-lease': 1,
  'kube-public': 2,
  'nsx-system': 3,
  'kube-system': 4,
};

export function makeSubnetPlan(pool = DEFAULT_POD_POOL, subnetPrefix = 24, pinned: Readonly<Record<string, number>> = DEFAULT_PINNED_SUBNETS): SubnetPlan {
  const c = parseCidr(pool, { strict: true });
  if (!c.ok) throw new Error(`pod pool: ${c.error}`);
  if (c.value.family !== 4) throw new Error('pod pool: only IPv4 pools are supported');
  if (subnetPrefix < c.value.prefix || subnetPrefix > 30) throw new Error(`pod subnet prefix /${subnetPrefix} does not fit pool ${pool}`);
  const plan: SubnetPlan = { pool: c.value, subnetPrefix, pinned: new Map(Object.entries(pinned)) };
  for (const [ns, i] of plan.pinned) {
    if (!Number.isInteger(i) || i < 0 || i >= subnetCount(plan)) throw new Error(`pinned subnet index ${i} of ${ns} is outside the pool`);
  }
  return plan;
}

export function subnetCount(plan: SubnetPlan): number {
  return 2 ** (plan.subnetPrefix - plan.pool.prefix);
}

/** Index i -> "172.25.i.0/24" (for a /16 pool of /24s). */
export function subnetAt(plan: SubnetPlan, index: number): string {
  const base = cidrNth(plan.pool, BigInt(index) * (1n << BigInt(32 - plan.subnetPrefix)));
  if (base === undefined || index < 0 || index >= subnetCount(plan)) throw new Error(`subnet index ${index} is outside the pool`);
  return `${formatIP(base)}/${plan.subnetPrefix}`;
}

/** The index of a recorded subnet string, or undefined when it is not one of the plan's blocks. */
export function indexOfSubnet(plan: SubnetPlan, subnet: string): number | undefined {
  const c = parseCidr(subnet, { strict: true });
  if (!c.ok || c.value.family !== 4 || c.value.prefix !== plan.subnetPrefix) return undefined;
  const offset = (c.value.base - plan.pool.base) >>> 0;
  const size = Number(cidrSize(c.value));
  const index = offset / size;
  return Number.isInteger(index) && index < subnetCount(plan) && formatCidr(c.value) === subnetAt(plan, index) ? index : undefined;
}

export type SubnetChoice = { readonly subnet: string; readonly index: number; readonly isNew: boolean };
export type SubnetError =
  | { readonly kind: 'exhausted'; readonly message: string }
  /** A recorded assignment holds this namespace's pinned block (the pins changed). */
  | { readonly kind: 'pin-taken'; readonly message: string };

/** Which subnet `namespace` has (recorded) or gets (pinned, else lowest free unpinned index). */
export function chooseSubnet(plan: SubnetPlan, namespace: string, assigned: ReadonlyMap<string, string>): Result<SubnetChoice, SubnetError> {
  const existing = assigned.get(namespace);
  if (existing !== undefined) {
    const index = indexOfSubnet(plan, existing);
    if (index !== undefined) return ok({ subnet: existing, index, isNew: false });
  }
  const used = new Map<number, string>();
  for (const [ns, s] of assigned) {
    const i = indexOfSubnet(plan, s);
    if (i !== undefined && ns !== namespace) used.set(i, ns);
  }
  const pin = plan.pinned.get(namespace);
  if (pin !== undefined) {
    const holder = used.get(pin);
    if (holder !== undefined) return err({ kind: 'pin-taken', message: `subnet ${subnetAt(plan, pin)} pinned for ${namespace} is held by ${holder}` });
    return ok({ subnet: subnetAt(plan, pin), index: pin, isNew: true });
  }
  const pinnedIndexes = new Set(plan.pinned.values());
  for (let i = 0; i < subnetCount(plan); i++) {
    if (!pinnedIndexes.has(i) && !used.has(i)) return ok({ subnet: subnetAt(plan, i), index: i, isNew: true });
  }
  return err({ kind: 'exhausted', message: `no free /${plan.subnetPrefix} left in pod pool ${formatCidr(plan.pool)}` });
}
