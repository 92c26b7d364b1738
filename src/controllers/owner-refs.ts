// ownerReferences helpers shared by the controllers (k8s.io/apimachinery metav1 helpers).
import type { KubeObject, OwnerReference } from '../api/index.js';

/** The reference a controller puts on what it creates: controller=true, blockOwnerDeletion=true. */
export function controllerRefFor(owner: KubeObject): OwnerReference {
  return {
    apiVersion: owner.apiVersion,
    kind: owner.kind,
    name: owner.metadata.name ?? '',
    uid: owner.metadata.uid ?? '',
    controller: true,
    blockOwnerDeletion: true,
  };
}

export function controllerOf(obj: { readonly metadata: { readonly ownerReferences?: readonly OwnerReference[] } }): OwnerReference | undefined {
  return obj.metadata.ownerReferences?.find((r) => r.controller === true);
}

export function isControlledBy(refs: readonly OwnerReference[] | undefined, uid: string): boolean {
  return refs?.some((r) => r.controller === true && r.uid === uid) === true;
}

/** Adds `ref` as the controller reference (adoption); other references are kept. */
export function withControllerRef(refs: readonly OwnerReference[] | undefined, ref: OwnerReference): OwnerReference[] {
  return [...(refs ?? []).filter((r) => r.uid !== ref.uid), ref];
}

/** Drops the references to `uid` (release / orphaning). */
export function withoutOwner(refs: readonly OwnerReference[] | undefined, uid: string): OwnerReference[] {
  return (refs ?? []).filter((r) => r.uid !== uid);
}
