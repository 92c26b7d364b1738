import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { OwnerReference } from '../../api/index.js';
import { dependentAction, ownerAction, type Dependent, type GcMeta, type OwnerState } from './gc-core.js';

const ref = (uid: string, block = true): OwnerReference => ({ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: uid, uid, controller: true, blockOwnerDeletion: block });
const meta = (uid: string, o: Partial<GcMeta> = {}): GcMeta => ({ uid, namespace: 'ns', name: uid, ownerReferences: [], finalizers: [], deleting: false, ...o });
const dep = (uid: string, o: Partial<GcMeta> = {}): Dependent => ({ key: `k|ns/${uid}`, meta: meta(uid, o) });

describe('dependentAction', () => {
  const cases: { name: string; item: GcMeta; owners: [string, OwnerState][]; hasDependents?: boolean; want: ReturnType<typeof dependentAction> }[] = [
    { name: 'owner present: keep', item: meta('p', { ownerReferences: [ref('rs')] }), owners: [['rs', 'solid']], want: { type: 'none' } },
    { name: 'owner gone: delete in the background', item: meta('p', { ownerReferences: [ref('rs')] }), owners: [['rs', 'dangling']], want: { type: 'delete', policy: 'Background' } },
    {
      name: 'one of two owners gone: drop its reference only',
      item: meta('p', { ownerReferences: [ref('a'), ref('b')] }),
      owners: [['a', 'solid'], ['b', 'dangling']],
      want: { type: 'removeOwnerReferences', uids: ['b'] },
    },
    {
      name: 'owner in foreground deletion, no dependents of our own: background delete',
      item: meta('p', { ownerReferences: [ref('rs')] }),
      owners: [['rs', 'waiting']],
      want: { type: 'delete', policy: 'Background' },
    },
    {
      name: 'owner in foreground deletion and we have dependents: the cascade continues in the foreground',
      item: meta('rs', { ownerReferences: [ref('d')] }),
      owners: [['d', 'waiting']],
      hasDependents: true,
      want: { type: 'delete', policy: 'Foreground' },
    },
    { name: 'an owner we cannot resolve: leave it', item: meta('p', { ownerReferences: [ref('x')] }), owners: [['x', 'unresolvable']], want: { type: 'none' } },
    { name: 'already being deleted: nothing', item: meta('p', { ownerReferences: [ref('rs')], deleting: true }), owners: [['rs', 'dangling']], want: { type: 'none' } },
    {
      name: 'our own orphan finalizer decides the policy',
      item: meta('p', { ownerReferences: [ref('rs')], finalizers: ['orphan'] }),
      owners: [['rs', 'dangling']],
      want: { type: 'delete', policy: 'Orphan' },
    },
  ];
  for (const c of cases) test(c.name, () => assert.deepEqual(dependentAction(c.item, new Map(c.owners), c.hasDependents ?? false), c.want));
});

describe('ownerAction', () => {
  test('orphan: remove references from dependents first, then the finalizer', () => {
    const owner = meta('d', { deleting: true, finalizers: ['orphan'] });
    const deps = [dep('rs1', { ownerReferences: [ref('d')] })];
    assert.deepEqual(ownerAction(owner, deps), { type: 'orphanDependents', dependents: deps });
    assert.deepEqual(ownerAction(owner, []), { type: 'removeFinalizer', finalizer: 'orphan' });
  });

  test('foreground: delete dependents, finish when no blocking dependent is left', () => {
    const owner = meta('d', { deleting: true, finalizers: ['foregroundDeletion'] });
    const blocking = dep('rs1', { ownerReferences: [ref('d')] });
    const nonBlocking = dep('rs2', { ownerReferences: [ref('d', false)] });
    assert.deepEqual(ownerAction(owner, [blocking, nonBlocking]), { type: 'deleteDependents', dependents: [blocking, nonBlocking] });
    const goingAway = dep('rs1', { ownerReferences: [ref('d')], deleting: true });
    assert.deepEqual(ownerAction(owner, [goingAway]), { type: 'none' });
    assert.deepEqual(ownerAction(owner, [nonBlocking]), { type: 'removeFinalizer', finalizer: 'foregroundDeletion' });
  });

  test('an object that is not being deleted has nothing to do as an owner', () => {
    assert.deepEqual(ownerAction(meta('d', { finalizers: ['foregroundDeletion'] }), [dep('x', { ownerReferences: [ref('d')] })]), { type: 'none' });
  });
});
