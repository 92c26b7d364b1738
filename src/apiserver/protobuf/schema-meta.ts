// k8s.io/apimachinery/pkg/apis/meta/v1 messages (ObjectMeta and friends).
// Field numbers, names, Go pointer-ness and JSON tags transcribed from
// apimachinery pkg/apis/meta/v1/generated.proto and types.go (newest kubernetes/api and
// kubernetes/apimachinery; field numbers are never reused, so this also matches kubectl 1.32,
// which simply never sends the newer fields). Notation: see schema-types.ts. Fields whose
// message types are not listed here are skipped on decode and reported in `skipped`.

import type { SchemaSource } from './schema-types.js';

export const metaSchema: SchemaSource = {
  ObjectMeta: [
    '1 name string omitempty',
    '2 generateName string omitempty',
    '3 namespace string omitempty',
    '4 selfLink string omitempty',
    '5 uid string omitempty',
    '6 resourceVersion string omitempty',
    '7 generation int64 omitempty',
    '8 creationTimestamp Time omitempty',
    '9 deletionTimestamp *Time omitempty',
    '10 deletionGracePeriodSeconds *int64 omitempty',
    '11 labels map[string]string omitempty',
    '12 annotations map[string]string omitempty',
    '13 ownerReferences []OwnerReference omitempty',
    '14 finalizers []string omitempty',
    '17 managedFields []ManagedFieldsEntry omitempty',
  ],
  OwnerReference: [
    '1 kind string',
    '3 name string',
    '4 uid string',
    '5 apiVersion string',
    '6 controller *bool omitempty',
    '7 blockOwnerDeletion *bool omitempty',
  ],
  ManagedFieldsEntry: [
    '1 manager string omitempty',
    '2 operation string omitempty',
    '3 apiVersion string omitempty',
    '4 time *Time omitempty',
    '6 fieldsType string omitempty',
    '7 fieldsV1 *FieldsV1 omitempty',
    '8 subresource string omitempty',
  ],
  LabelSelector: [
    '1 matchLabels map[string]string omitempty',
    '2 matchExpressions []LabelSelectorRequirement omitempty',
  ],
  LabelSelectorRequirement: [
    '1 key string',
    '2 operator string',
    '3 values []string omitempty',
  ],
  Condition: [
    '1 type string',
    '2 status string',
    '3 observedGeneration int64 omitempty',
    '4 lastTransitionTime Time',
    '5 reason string',
    '6 message string',
  ],
};
