// Per-kind behaviour plugged into the generic resource service: defaulting,
// validation, unknown-field detection, and how create/update treat spec vs status.
import type { KubeObject } from '../api/index.js';
import type { FieldProblem } from './served-resource.js';

export interface KindHooks {
  /** Returns the object with API defaults applied (create and update). */
  applyDefaults(obj: KubeObject): KubeObject;
  validateCreate(obj: KubeObject): readonly FieldProblem[];
  validateUpdate(obj: KubeObject, old: KubeObject, subresource: string | undefined): readonly FieldProblem[];
  /** Paths of fields the schema does not know, e.g. "spec.ports[0].foo". */
  unknownFields(obj: KubeObject): readonly string[];
}

export const noHooks: KindHooks = {
  applyDefaults: (o) => o,
  validateCreate: () => [],
  validateUpdate: () => [],
  unknownFields: () => [],
};

/** Kinds whose spec changes bump metadata.generation (and whose status is a subresource). */
export const generationKinds = new Set(['Deployment', 'ReplicaSet']);

/** Fresh status for a newly created object (clients cannot set status on create). */
export function initialStatus(kind: string): Record<string, unknown> | undefined {
  switch (kind) {
    case 'Pod':
      return { phase: 'Pending', qosClass: 'BestEffort' };
    case 'Namespace':
      return { phase: 'Active' };
    case 'Service':
      return { loadBalancer: {} };
    case 'Deployment':
    case 'ReplicaSet':
      return {};
    default:
      return undefined;
  }
}
