// Which pods a ReplicaSet deletes first when scaling down (controller_utils.go
// ActivePodsWithRanks.Less), earlier rules deciding:
//   1. unassigned before assigned (spec.nodeName empty);
//   2. Pending before Unknown before Running;
//   3. not ready before ready;
//   4. pods doubled up on a node (more pods of the set there) before lonely ones;
//   5. ready for less time before ready longer;
//   6. more container restarts before fewer;
//   7. newer before older (creationTimestamp);
//   then by name, so the choice is deterministic.
import type { PodInfo } from '../pod-info.js';

const phaseRank = (p: PodInfo): number => (p.phase === 'Pending' ? 0 : p.phase === 'Unknown' ? 1 : p.phase === 'Running' ? 2 : 3);

export function podsToDelete(pods: readonly PodInfo[], count: number): PodInfo[] {
  if (count <= 0) return [];
  const perNode = new Map<string, number>();
  for (const p of pods) if (p.nodeName !== '') perNode.set(p.nodeName, (perNode.get(p.nodeName) ?? 0) + 1);
  const rank = (p: PodInfo) => (p.nodeName === '' ? 0 : (perNode.get(p.nodeName) ?? 0));
  const sorted = [...pods].sort((a, b) => {
    const ua = a.nodeName === '' ? 0 : 1;
    const ub = b.nodeName === '' ? 0 : 1;
    if (ua !== ub) return ua - ub;
    if (phaseRank(a) !== phaseRank(b)) return phaseRank(a) - phaseRank(b);
    if (a.ready !== b.ready) return a.ready ? 1 : -1;
    if (rank(a) !== rank(b)) return rank(b) - rank(a);
    if (a.ready && b.ready && a.readySinceMs !== b.readySinceMs) return (b.readySinceMs ?? 0) - (a.readySinceMs ?? 0);
    if (a.restartCount !== b.restartCount) return b.restartCount - a.restartCount;
    if (a.createdMs !== b.createdMs) return b.createdMs - a.createdMs;
    return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
  });
  return sorted.slice(0, count);
}
