// apps/v1 defaulting (pkg/apis/apps/v1/defaults.go) and the generation/status handling of the
// Deployment and ReplicaSet registry strategies.
import type { Deployment, ReplicaSet } from '../types/index.js';
import { defaultPodSpec } from './pod.js';

export function defaultDeployment(d: Deployment): void {
  d.spec ??= { selector: {}, template: {} };
  const spec = d.spec;
  spec.replicas ??= 1;
  spec.strategy ??= {};
  spec.strategy.type ||= 'RollingUpdate';
  if (spec.strategy.type === 'RollingUpdate') {
    spec.strategy.rollingUpdate ??= {};
    spec.strategy.rollingUpdate.maxUnavailable ??= '25%';
    spec.strategy.rollingUpdate.maxSurge ??= '25%';
  }
  spec.revisionHistoryLimit ??= 10;
  spec.progressDeadlineSeconds ??= 600;
  spec.template ??= {};
  spec.template.spec ??= { containers: [] };
  defaultPodSpec(spec.template.spec);
}

export function defaultReplicaSet(rs: ReplicaSet): void {
  rs.spec ??= { selector: {} };
  rs.spec.replicas ??= 1;
  if (rs.spec.template !== undefined) {
    rs.spec.template.spec ??= { containers: [] };
    defaultPodSpec(rs.spec.template.spec);
  }
}
