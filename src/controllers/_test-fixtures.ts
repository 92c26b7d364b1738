// Builders for PodInfo records in the controllers' table-driven tests (not used at runtime).
import type { OwnerReference } from '../api/index.js';
import type { PodInfo } from './pod-info.js';

export function podInfo(o: Partial<PodInfo> & { name: string }): PodInfo {
  const namespace = o.namespace ?? 'ns';
  return {
    key: `${namespace}/${o.name}`,
    namespace,
    uid: `uid-${o.name}`,
    resourceVersion: '1',
    labels: {},
    ownerReferences: [],
    controllerUid: '',
    finalizers: [],
    deletionMs: undefined,
    createdMs: 0,
    nodeName: '',
    schedulerName: 'default-scheduler',
    nodeSelector: undefined,
    tolerations: [],
    requiredNodeAffinity: undefined,
    preemptionPolicy: undefined,
    phase: 'Pending',
    ready: false,
    readySinceMs: undefined,
    podIPs: [],
    hostname: undefined,
    subdomain: undefined,
    ports: [],
    restartCount: 0,
    scheduledCondition: undefined,
    ...o,
  };
}

export function ownedBy(uid: string, kind = 'ReplicaSet', name = 'owner'): Pick<PodInfo, 'ownerReferences' | 'controllerUid'> {
  const ref: OwnerReference = { apiVersion: kind === 'ReplicaSet' ? 'apps/v1' : 'v1', kind, name, uid, controller: true, blockOwnerDeletion: true };
  return { ownerReferences: [ref], controllerUid: uid };
}
