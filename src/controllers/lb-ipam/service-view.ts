// Service <-> lb-ipam: the projection the allocator reads, and the status / annotation the
// controller should write for an outcome (pure, so the shell only compares and writes).
import type { Condition, LoadBalancerIngress, Service } from '../../api/index.js';
import type { LbServiceView, SyncOutcome } from './allocator.js';

export const LB_CLASS = 'svcnet.io/lb';
export const ANNOTATION_REQUESTED_IPS = 'svcnet.io/loadBalancerIPs';
export const ANNOTATION_NCP_POLICY_IP = 'ncp/internal_ip_for_policy';
export const CONDITION_TYPE = 'LoadBalancerIPAllocated';

export type LbMode = 'nsx' | 'generic';

export interface ViewSettings {
  readonly mode: LbMode;
  readonly nsxUplinkIP: string;
  readonly loadBalancerClass: string;
}

/** Foreign class: another implementation owns the Service's status; we must not touch it. */
export function isForeignClass(svc: Service, s: ViewSettings): boolean {
  const c = svc.spec?.loadBalancerClass;
  return c !== undefined && c !== '' && c !== s.loadBalancerClass;
}

export function projectService(svc: Service, namespaceLabels: Readonly<Record<string, string>>, s: ViewSettings): LbServiceView {
  const ann = svc.metadata.annotations?.[ANNOTATION_REQUESTED_IPS];
  const requested =
    ann !== undefined && ann.trim() !== ''
      ? ann.split(',').map((x) => x.trim()).filter((x) => x !== '')
      : svc.spec?.loadBalancerIP !== undefined && svc.spec.loadBalancerIP !== ''
        ? [svc.spec.loadBalancerIP]
        : [];
  const uplink = s.mode === 'nsx' ? s.nsxUplinkIP : undefined;
  const current = (svc.status?.loadBalancer?.ingress ?? []).map((i) => i.ip ?? '').filter((ip) => ip !== '' && ip !== uplink);
  return {
    key: `${svc.metadata.namespace ?? ''}/${svc.metadata.name ?? ''}`,
    labels: svc.metadata.labels ?? {},
    namespaceLabels,
    managed: svc.spec?.type === 'LoadBalancer' && !isForeignClass(svc, s),
    requested,
    current,
  };
}

/** What the Service should show: ingress, our condition (absent = remove it), NSX annotation. */
export interface DesiredService {
  readonly ingress: readonly LoadBalancerIngress[];
  readonly condition: Omit<Condition, 'lastTransitionTime'> | undefined;
  /** The ncp annotation value; undefined = must not carry our value. */
  readonly policyIP: string | undefined;
}

export function desiredFor(outcome: SyncOutcome, s: ViewSettings, generation: number | undefined): DesiredService {
  const gen = generation !== undefined ? { observedGeneration: generation } : {};
  if (outcome.type === 'unmanaged') return { ingress: [], condition: undefined, policyIP: undefined };
  const ips = outcome.type === 'assigned' ? outcome.ips : outcome.held;
  const ingress: LoadBalancerIngress[] = ips.map((ip) => ({ ip, ipMode: 'VIP' }));
  const nsx = s.mode === 'nsx' && ingress.length > 0;
  if (nsx) ingress.push({ ip: s.nsxUplinkIP, ipMode: 'VIP' });
  const condition =
    outcome.type === 'assigned'
      ? { type: CONDITION_TYPE, status: 'True' as const, reason: 'IPAllocated', message: `Assigned IP ${JSON.stringify(outcome.ips)}`, ...gen }
      : { type: CONDITION_TYPE, status: 'False' as const, reason: outcome.reason, message: outcome.message, ...gen };
  return { ingress, condition, policyIP: nsx ? s.nsxUplinkIP : undefined };
}

/** The status the Service should have, or undefined when it already has it. */
export function statusUpdate(svc: Service, d: DesiredService, nowRfc3339: string): NonNullable<Service['status']> | undefined {
  const cur = svc.status ?? {};
  const curIngress = cur.loadBalancer?.ingress ?? [];
  const others = (cur.conditions ?? []).filter((c) => c.type !== CONDITION_TYPE);
  const old = (cur.conditions ?? []).find((c) => c.type === CONDITION_TYPE);
  let conditions = others;
  if (d.condition !== undefined) {
    const same = old !== undefined && old.status === d.condition.status && old.reason === d.condition.reason && old.message === d.condition.message && old.observedGeneration === d.condition.observedGeneration;
    if (same) conditions = [...others, old];
    else conditions = [...others, { ...d.condition, lastTransitionTime: old !== undefined && old.status === d.condition.status ? old.lastTransitionTime : nowRfc3339 }];
  }
  const ingressSame = JSON.stringify(curIngress.map((i) => [i.ip, i.ipMode ?? 'VIP', i.hostname])) === JSON.stringify(d.ingress.map((i) => [i.ip, i.ipMode ?? 'VIP', i.hostname]));
  const condSame = JSON.stringify(cur.conditions ?? []) === JSON.stringify(conditions);
  if (ingressSame && condSame) return undefined;
  const next: NonNullable<Service['status']> = { ...cur, loadBalancer: d.ingress.length > 0 ? { ...cur.loadBalancer, ingress: [...d.ingress] } : {} };
  if (conditions.length > 0) next.conditions = conditions;
  else delete next.conditions;
  return next;
}

/** The merge patch for metadata.annotations, or undefined when nothing changes. */
export function annotationPatch(svc: Service, d: DesiredService, s: ViewSettings): Record<string, string | null> | undefined {
  const cur = svc.metadata.annotations?.[ANNOTATION_NCP_POLICY_IP];
  if (d.policyIP !== undefined) return cur === d.policyIP ? undefined : { [ANNOTATION_NCP_POLICY_IP]: d.policyIP };
  // Only remove a value we would have written: someone else's annotation is theirs.
  return cur !== undefined && cur === s.nsxUplinkIP ? { [ANNOTATION_NCP_POLICY_IP]: null } : undefined;
}
