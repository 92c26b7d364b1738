// apps/v1 Deployment and ReplicaSet, autoscaling/v1 Scale (the scale subresource body),
// coordination.k8s.io/v1 Lease and policy/v1 Eviction (the pods/eviction body).
import type { SchemaTable } from './openapi-types.js';
import {
  apps, arr, AUTOSCALING, bool, COORDINATION, core, enumStr, gvk, INTSTR, int32, int64, kind, meta, obj, POLICY, ref, str,
} from './schema-builders.js';

const conditions = (item: string) =>
  arr(ref(apps(item)), 'Latest observations of the object\'s state.', { mergeKey: 'type', strategy: 'merge', listType: 'map', mapKeys: ['type'] });

export const appsSchemas: SchemaTable = {
  [apps('Deployment')]: kind(gvk('apps', 'v1', 'Deployment'), 'Declarative updates for pods: it manages ReplicaSets to roll out a pod template.', {
    spec: ref(apps('DeploymentSpec'), 'Desired behaviour of the deployment.'),
    status: ref(apps('DeploymentStatus'), 'Most recently observed status of the deployment.'),
  }),
  [apps('DeploymentSpec')]: obj(
    'Desired behaviour of a deployment.',
    {
      replicas: int32('Number of desired pods; default 1.'),
      selector: ref(meta('LabelSelector'), 'Label selector of the pods the deployment manages; must match the template labels. Immutable in apps/v1.'),
      template: ref(core('PodTemplateSpec'), 'Template of the pods; changing it triggers a rollout.'),
      // retainKeys: a patch that switches type to Recreate also drops rollingUpdate.
      strategy: { ...ref(apps('DeploymentStrategy'), 'How old pods are replaced by new ones.'), 'x-kubernetes-patch-strategy': 'retainKeys' },
      minReadySeconds: int32('Seconds a new pod must be ready, without crashing, to count as available; default 0.'),
      revisionHistoryLimit: int32('Old ReplicaSets kept for rollback; default 10.'),
      paused: bool('While true, template changes do not start a rollout.'),
      progressDeadlineSeconds: int32('Seconds a rollout may make no progress before it is reported as failed; default 600.'),
    },
    { required: ['selector', 'template'] },
  ),
  [apps('DeploymentStrategy')]: obj('How a deployment replaces pods.', {
    type: enumStr(['Recreate', 'RollingUpdate'], 'Recreate (kill all, then create) or RollingUpdate (default).'),
    rollingUpdate: ref(apps('RollingUpdateDeployment'), 'Parameters of RollingUpdate.'),
  }),
  [apps('RollingUpdateDeployment')]: obj('Parameters of a rolling update.', {
    maxUnavailable: ref(INTSTR, 'Pods that may be unavailable during the update: a number or a percentage of replicas (rounded down); default 25%.'),
    maxSurge: ref(INTSTR, 'Pods that may be created above replicas: a number or a percentage (rounded up); default 25%.'),
  }),
  [apps('DeploymentStatus')]: obj('Observed state of a deployment.', {
    observedGeneration: int64('Generation observed by the controller.'),
    replicas: int32('Non-terminating pods targeted by the deployment.'),
    updatedReplicas: int32('Pods running the current template.'),
    readyReplicas: int32('Pods that are ready.'),
    availableReplicas: int32('Pods ready for at least minReadySeconds.'),
    unavailableReplicas: int32('Pods still needed for 100% availability.'),
    // 1.33 field; accepted so our controllers can write it.
    terminatingReplicas: int32('Pods that are terminating.'),
    conditions: conditions('DeploymentCondition'),
    collisionCount: int32('Count of template hash collisions, used to make ReplicaSet names unique.'),
  }),
  [apps('DeploymentCondition')]: obj(
    'A condition of a deployment: Available, Progressing or ReplicaFailure.',
    {
      type: str('Type of the condition.'),
      status: str('True, False or Unknown.'),
      lastUpdateTime: ref(meta('Time'), 'When the condition was last updated.'),
      lastTransitionTime: ref(meta('Time'), 'When status last changed.'),
      reason: str('Machine-readable reason.'),
      message: str('Human-readable details.'),
    },
    { required: ['type', 'status'] },
  ),
  [apps('ReplicaSet')]: kind(gvk('apps', 'v1', 'ReplicaSet'), 'Keeps a given number of pod replicas matching a selector running.', {
    spec: ref(apps('ReplicaSetSpec'), 'Desired behaviour of the replica set.'),
    status: ref(apps('ReplicaSetStatus'), 'Most recently observed status of the replica set.'),
  }),
  [apps('ReplicaSetSpec')]: obj(
    'Desired behaviour of a replica set.',
    {
      replicas: int32('Number of desired pods; default 1.'),
      minReadySeconds: int32('Seconds a new pod must be ready to count as available.'),
      selector: ref(meta('LabelSelector'), 'Label selector of the pods; must match the template labels.'),
      template: ref(core('PodTemplateSpec'), 'Template of the pods created when too few exist.'),
    },
    { required: ['selector'] },
  ),
  [apps('ReplicaSetStatus')]: obj(
    'Observed state of a replica set.',
    {
      replicas: int32('Most recently observed number of replicas.'),
      fullyLabeledReplicas: int32('Pods whose labels match the template labels.'),
      readyReplicas: int32('Pods that are ready.'),
      availableReplicas: int32('Pods ready for at least minReadySeconds.'),
      // 1.33 field; accepted so our controllers can write it.
      terminatingReplicas: int32('Pods that are terminating.'),
      observedGeneration: int64('Generation observed by the controller.'),
      conditions: conditions('ReplicaSetCondition'),
    },
    { required: ['replicas'] },
  ),
  [apps('ReplicaSetCondition')]: obj(
    'A condition of a replica set.',
    {
      type: str('Type of the condition.'),
      status: str('True, False or Unknown.'),
      lastTransitionTime: ref(meta('Time'), 'When status last changed.'),
      reason: str('Machine-readable reason.'),
      message: str('Human-readable details.'),
    },
    { required: ['type', 'status'] },
  ),
  [`${AUTOSCALING}.Scale`]: kind(gvk('autoscaling', 'v1', 'Scale'), 'The scale subresource of a workload: its desired and current replica count.', {
    spec: ref(`${AUTOSCALING}.ScaleSpec`, 'Desired number of replicas.'),
    status: ref(`${AUTOSCALING}.ScaleStatus`, 'Current number of replicas. Read-only.'),
  }),
  [`${AUTOSCALING}.ScaleSpec`]: obj('Desired scale.', { replicas: int32('Desired number of replicas.') }),
  [`${AUTOSCALING}.ScaleStatus`]: obj(
    'Observed scale.',
    { replicas: int32('Actual number of replicas.'), selector: str('Label selector of the pods, in query-string form.') },
    { required: ['replicas'] },
  ),
  [`${COORDINATION}.Lease`]: kind(gvk('coordination.k8s.io', 'v1', 'Lease'), 'A lease used for node heartbeats and leader election.', {
    spec: ref(`${COORDINATION}.LeaseSpec`, 'Holder and timing of the lease.'),
  }),
  [`${COORDINATION}.LeaseSpec`]: obj('Holder and timing of a lease.', {
    holderIdentity: str('Identity of the current holder.'),
    leaseDurationSeconds: int32('Seconds candidates wait after renewTime before taking over.'),
    acquireTime: ref(meta('MicroTime'), 'When the current holder acquired the lease.'),
    renewTime: ref(meta('MicroTime'), 'When the holder last renewed the lease.'),
    leaseTransitions: int32('Number of holder changes.'),
    strategy: str('Leader election strategy for coordinated leader election.'),
    preferredHolder: str('Holder the coordinator wants to hand the lease to.'),
  }),
  [`${POLICY}.Eviction`]: kind(gvk('policy', 'v1', 'Eviction'), 'A request to evict a pod subject to disruption budgets; the body of pods/eviction.', {
    deleteOptions: ref(meta('DeleteOptions'), 'Options for the resulting deletion.'),
  }),
};
