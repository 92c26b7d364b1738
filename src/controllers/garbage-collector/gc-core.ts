// The garbage collector's decisions as pure functions (pkg/controller/garbagecollector:
// attemptToDeleteItem, processDeletingDependentsItem, orphanDependents).
//
// Owner side — an object being deleted that carries a finalizer:
//   orphan              remove our ownerReference from every dependent, then the finalizer;
//   foregroundDeletion  delete the dependents (each classifies us as "waiting"), and drop
//                       the finalizer once no dependent with blockOwnerDeletion=true is left.
// Dependent side — an object with ownerReferences, each owner classified as
//   solid (exists, not waiting), dangling (gone, or a different uid now), waiting (being
//   deleted in the foreground) or unresolvable (a kind we cannot look up):
//   some solid          remove the dangling/waiting references, keep the object;
//   none solid          delete it: Foreground if an owner waits and it has dependents itself
//                       (so the cascade continues), else by its own finalizers, else Background.
import type { OwnerReference } from '../../api/index.js';

export const FINALIZER_ORPHAN = 'orphan';
export const FINALIZER_FOREGROUND = 'foregroundDeletion';

export type OwnerState = 'solid' | 'dangling' | 'waiting' | 'unresolvable';

export interface GcMeta {
  readonly uid: string;
  readonly namespace: string;
  readonly name: string;
  readonly ownerReferences: readonly OwnerReference[];
  readonly finalizers: readonly string[];
  readonly deleting: boolean;
}

export interface Dependent {
  /** The dependent's work-queue key. */
  readonly key: string;
  readonly meta: GcMeta;
}

export type Propagation = 'Background' | 'Foreground' | 'Orphan';

export type OwnerAction =
  | { readonly type: 'none' }
  | { readonly type: 'orphanDependents'; readonly dependents: readonly Dependent[] }
  /** Enqueue these dependents (they will find us waiting and delete themselves). */
  | { readonly type: 'deleteDependents'; readonly dependents: readonly Dependent[] }
  | { readonly type: 'removeFinalizer'; readonly finalizer: string };

export type DependentAction =
  | { readonly type: 'none' }
  | { readonly type: 'removeOwnerReferences'; readonly uids: readonly string[] }
  | { readonly type: 'delete'; readonly policy: Propagation };

export const deletingDependents = (m: GcMeta): boolean => m.deleting && m.finalizers.includes(FINALIZER_FOREGROUND);

/** What to do for an object being deleted, given its dependents (objects referencing its uid). */
export function ownerAction(item: GcMeta, dependents: readonly Dependent[]): OwnerAction {
  if (!item.deleting) return { type: 'none' };
  if (item.finalizers.includes(FINALIZER_ORPHAN)) {
    const referencing = dependents.filter((d) => d.meta.ownerReferences.some((r) => r.uid === item.uid));
    return referencing.length > 0 ? { type: 'orphanDependents', dependents: referencing } : { type: 'removeFinalizer', finalizer: FINALIZER_ORPHAN };
  }
  if (item.finalizers.includes(FINALIZER_FOREGROUND)) {
    const blocking = dependents.filter((d) => d.meta.ownerReferences.some((r) => r.uid === item.uid && r.blockOwnerDeletion === true));
    if (blocking.length === 0) return { type: 'removeFinalizer', finalizer: FINALIZER_FOREGROUND };
    const toDelete = dependents.filter((d) => !d.meta.deleting);
    return toDelete.length > 0 ? { type: 'deleteDependents', dependents: toDelete } : { type: 'none' };
  }
  return { type: 'none' };
}

/** What to do for an object with owners, given each owner's state (by uid) and whether it has dependents. */
export function dependentAction(item: GcMeta, owners: ReadonlyMap<string, OwnerState>, hasDependents: boolean): DependentAction {
  // Being deleted already: only the owner-side logic (its own finalizers) applies.
  if (item.deleting || item.ownerReferences.length === 0) return { type: 'none' };
  const states = item.ownerReferences.map((r) => ({ uid: r.uid, state: owners.get(r.uid) ?? 'unresolvable' }));
  if (states.some((s) => s.state === 'unresolvable')) return { type: 'none' };
  const solid = states.filter((s) => s.state === 'solid');
  const dangling = states.filter((s) => s.state === 'dangling');
  const waiting = states.filter((s) => s.state === 'waiting');
  if (solid.length > 0) {
    if (dangling.length === 0 && waiting.length === 0) return { type: 'none' };
    return { type: 'removeOwnerReferences', uids: [...dangling, ...waiting].map((s) => s.uid) };
  }
  if (waiting.length > 0 && hasDependents) return { type: 'delete', policy: 'Foreground' };
  if (item.finalizers.includes(FINALIZER_ORPHAN)) return { type: 'delete', policy: 'Orphan' };
  if (item.finalizers.includes(FINALIZER_FOREGROUND)) return { type: 'delete', policy: 'Foreground' };
  return { type: 'delete', policy: 'Background' };
}
