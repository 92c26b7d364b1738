// k8s.io/api/apps/v1 messages for Deployment.
// Field numbers, names, Go pointer-ness and JSON tags transcribed from
// k8s.io/api apps/v1/generated.proto and types.go (newest kubernetes/api and
// kubernetes/apimachinery; field numbers are never reused, so this also matches kubectl 1.32,
// which simply never sends the newer fields). Notation: see schema-types.ts. Fields whose
// message types are not listed here are skipped on decode and reported in `skipped`.

import type { SchemaSource } from './schema-types.js';

export const appsSchema: SchemaSource = {
  Deployment: [
    '1 metadata ObjectMeta omitempty',
    '2 spec DeploymentSpec omitempty',
    '3 status DeploymentStatus omitempty',
  ],
  DeploymentSpec: [
    '1 replicas *int32 omitempty',
    '2 selector *LabelSelector',
    '3 template PodTemplateSpec',
    '4 strategy DeploymentStrategy omitempty',
    '5 minReadySeconds int32 omitempty',
    '6 revisionHistoryLimit *int32 omitempty',
    '7 paused bool omitempty',
    '9 progressDeadlineSeconds *int32 omitempty',
  ],
  DeploymentStrategy: [
    '1 type string omitempty',
    '2 rollingUpdate *RollingUpdateDeployment omitempty',
  ],
  RollingUpdateDeployment: [
    '1 maxUnavailable *IntOrString omitempty',
    '2 maxSurge *IntOrString omitempty',
  ],
  DeploymentStatus: [
    '1 observedGeneration int64 omitempty',
    '2 replicas int32 omitempty',
    '3 updatedReplicas int32 omitempty',
    '4 availableReplicas int32 omitempty',
    '5 unavailableReplicas int32 omitempty',
    '6 conditions []DeploymentCondition omitempty',
    '7 readyReplicas int32 omitempty',
    '8 collisionCount *int32 omitempty',
    '9 terminatingReplicas *int32 omitempty',
  ],
  DeploymentCondition: [
    '1 type string',
    '2 status string',
    '4 reason string omitempty',
    '5 message string omitempty',
    '6 lastUpdateTime Time omitempty',
    '7 lastTransitionTime Time omitempty',
  ],
};
