// The scheduler's pure core: filter nodes the way kube-scheduler's default plugins do
// (NodeUnschedulable, TaintToleration, NodeAffinity, in that order; a node reports the
// first filter it fails), pick a node by spreading, and word failures like the scheduler's
// FitError so `kubectl describe pod` reads the same:
//   0/3 nodes are available: 1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: },
//   2 node(s) didn't match Pod's node affinity/selector. preemption: 0/3 nodes are available:
//   3 Preemption is not helpful for scheduling..
// (The doubled final period is upstream's: the preemption message ends with one and the
// FitError separator " %v." adds another.)
import type { Node, Taint, Toleration } from '../../api/index.js';
import type { PodInfo } from '../pod-info.js';

export interface NodeInfo {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  /** Taints, plus the not-ready/unreachable taint the node lifecycle controller would add. */
  readonly taints: readonly Taint[];
  readonly unschedulable: boolean;
}

export const TAINT_NOT_READY = 'node.kubernetes.io/not-ready';
export const TAINT_UNREACHABLE = 'node.kubernetes.io/unreachable';
export const TAINT_UNSCHEDULABLE = 'node.kubernetes.io/unschedulable';

/**
 * Projects a Node. svcnet runs no node lifecycle controller, so a node whose Ready condition
 * is not True gets the NoSchedule taint that controller would have added (TaintNodesByCondition).
 */
export function nodeInfo(n: Node): NodeInfo {
  const ready = n.status?.conditions?.find((c) => c.type === 'Ready');
  const taints = [...(n.spec?.taints ?? [])];
  const synth = ready?.status === 'True' ? undefined : ready?.status === 'False' ? TAINT_NOT_READY : TAINT_UNREACHABLE;
  if (synth !== undefined && !taints.some((t) => t.key === synth && t.effect === 'NoSchedule')) taints.push({ key: synth, effect: 'NoSchedule' });
  return { name: n.metadata.name ?? '', labels: n.metadata.labels ?? {}, taints, unschedulable: n.spec?.unschedulable === true };
}

/** ToleratesTaint (k8s.io/api/core/v1/toleration.go). */
export function tolerates(t: Toleration, taint: Taint): boolean {
  if (t.effect !== undefined && t.effect !== '' && t.effect !== taint.effect) return false;
  if (t.key !== undefined && t.key !== '' && t.key !== taint.key) return false;
  switch (t.operator ?? 'Equal') {
    case 'Exists':
      return true;
    case 'Equal':
      return (t.value ?? '') === (taint.value ?? '');
    default:
      return false;
  }
}

function untoleratedTaint(taints: readonly Taint[], tolerations: readonly Toleration[]): Taint | undefined {
  return taints.find((taint) => (taint.effect === 'NoSchedule' || taint.effect === 'NoExecute') && !tolerations.some((t) => tolerates(t, taint)));
}

interface SelectorRequirement {
  key?: string;
  operator?: string;
  values?: string[];
}

interface SelectorTerm {
  matchExpressions?: SelectorRequirement[];
  matchFields?: SelectorRequirement[];
}

function requirementHolds(r: SelectorRequirement, value: string | undefined): boolean {
  const vals = r.values ?? [];
  switch (r.operator) {
    case 'In':
      return value !== undefined && vals.includes(value);
    case 'NotIn':
      return value === undefined || !vals.includes(value);
    case 'Exists':
      return value !== undefined;
    case 'DoesNotExist':
      return value === undefined;
    case 'Gt':
    case 'Lt': {
      if (value === undefined || vals.length !== 1 || !/^-?\d+$/.test(value) || !/^-?\d+$/.test(vals[0] ?? '')) return false;
      const a = BigInt(value);
      const b = BigInt(vals[0] ?? '0');
      return r.operator === 'Gt' ? a > b : a < b;
    }
    default:
      return false;
  }
}

/** A required nodeSelector (node affinity): terms are ORed, requirements within a term ANDed. */
function matchesRequiredAffinity(required: unknown, node: NodeInfo): boolean {
  if (required === undefined || required === null) return true;
  const terms = (required as { nodeSelectorTerms?: SelectorTerm[] }).nodeSelectorTerms ?? [];
  return terms.some((term) => {
    const exprs = term.matchExpressions ?? [];
    const fields = term.matchFields ?? [];
    if (exprs.length === 0 && fields.length === 0) return false;
    return (
      exprs.every((r) => requirementHolds(r, Object.prototype.hasOwnProperty.call(node.labels, r.key ?? '') ? node.labels[r.key ?? ''] : undefined)) &&
      fields.every((r) => r.key === 'metadata.name' && requirementHolds(r, node.name))
    );
  });
}

/** The first default filter this node fails for the pod, as the scheduler words it; undefined when it fits. */
export function filterNode(pod: PodInfo, node: NodeInfo): string | undefined {
  if (node.unschedulable && !pod.tolerations.some((t) => tolerates(t, { key: TAINT_UNSCHEDULABLE, effect: 'NoSchedule' }))) {
    return 'node(s) were unschedulable';
  }
  const taint = untoleratedTaint(node.taints, pod.tolerations);
  if (taint !== undefined) return `node(s) had untolerated taint {${taint.key}: ${taint.value ?? ''}}`;
  const sel = pod.nodeSelector ?? {};
  if (Object.entries(sel).some(([k, v]) => node.labels[k] !== v) || !matchesRequiredAffinity(pod.requiredNodeAffinity, node)) {
    return "node(s) didn't match Pod's node affinity/selector";
  }
  return undefined;
}

export interface NodeLoad {
  /** Pods on the node (bound or assumed, not finished). */
  readonly total: number;
  /** Of those, pods with the same controller as the pod being scheduled. */
  readonly sameOwner: number;
}

export type ScheduleDecision =
  | { readonly type: 'bind'; readonly node: string }
  | { readonly type: 'unschedulable'; readonly message: string };

/**
 * Picks the feasible node with the fewest pods of the same owner, then the fewest pods, then
 * the first name: replicas spread across nodes and ties resolve deterministically.
 */
export function schedulePod(pod: PodInfo, nodes: readonly NodeInfo[], load: (node: string) => NodeLoad): ScheduleDecision {
  if (nodes.length === 0) return { type: 'unschedulable', message: 'no nodes available to schedule pods' };
  const reasons = new Map<string, number>();
  let best: { node: string; load: NodeLoad } | undefined;
  for (const n of nodes) {
    const why = filterNode(pod, n);
    if (why !== undefined) {
      reasons.set(why, (reasons.get(why) ?? 0) + 1);
      continue;
    }
    const l = load(n.name);
    if (best === undefined || l.sameOwner < best.load.sameOwner || (l.sameOwner === best.load.sameOwner && (l.total < best.load.total || (l.total === best.load.total && n.name < best.node)))) {
      best = { node: n.name, load: l };
    }
  }
  if (best !== undefined) return { type: 'bind', node: best.node };
  return { type: 'unschedulable', message: fitErrorMessage(nodes.length, reasons, pod.preemptionPolicy) };
}

/** FitError.Error() with the DefaultPreemption post-filter message. */
export function fitErrorMessage(numNodes: number, reasons: ReadonlyMap<string, number>, preemptionPolicy: string | undefined): string {
  // Go sorts the "N reason" strings byte-wise.
  const histogram = [...reasons].map(([why, n]) => `${n} ${why}`).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const inner =
    preemptionPolicy === 'Never'
      ? 'not eligible due to preemptionPolicy=Never.'
      : // Every default filter we run fails as UnschedulableAndUnresolvable: evicting pods cannot help.
        `0/${numNodes} nodes are available: ${numNodes} Preemption is not helpful for scheduling.`;
  let msg = `0/${numNodes} nodes are available:`;
  if (histogram.length > 0) msg += ` ${histogram.join(', ')}.`;
  msg += ` preemption: ${inner}.`;
  return msg;
}
