import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Node } from '../../api/index.js';
import { ownedBy, podInfo } from '../_test-fixtures.js';
import type { PodInfo } from '../pod-info.js';
import { SchedulerCache } from './scheduler-cache.js';
import { filterNode, fitErrorMessage, nodeInfo, schedulePod, tolerates, type NodeInfo } from './scheduling-core.js';

function node(name: string, o: { ready?: 'True' | 'False' | 'Unknown'; master?: boolean; unschedulable?: boolean; labels?: Record<string, string> } = {}): Node {
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name, labels: { 'kubernetes.io/hostname': name, ...(o.master === true ? { 'node-role.kubernetes.io/control-plane': '' } : {}), ...o.labels } },
    spec: { ...(o.master === true ? { taints: [{ key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' as const }] } : {}), ...(o.unschedulable === true ? { unschedulable: true } : {}) },
    status: { conditions: [{ type: 'Ready', status: o.ready ?? 'True' }] },
  };
}

const lab: NodeInfo[] = [node('k8s-master', { master: true }), node('k8s-node1'), node('k8s-node2')].map(nodeInfo);
const controlPlaneToleration = { key: 'node-role.kubernetes.io/control-plane', operator: 'Exists' as const, effect: 'NoSchedule' as const };
const noLoad = () => ({ total: 0, sameOwner: 0 });

describe('scheduling filters', () => {
  const cases: { name: string; pod: Partial<PodInfo>; node: Node; want: string | undefined }[] = [
    { name: 'a plain worker fits', pod: {}, node: node('w'), want: undefined },
    { name: 'the control-plane taint', pod: {}, node: node('m', { master: true }), want: 'node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }' },
    { name: 'the taint tolerated', pod: { tolerations: [controlPlaneToleration] }, node: node('m', { master: true }), want: undefined },
    { name: 'a not-ready node carries the not-ready taint', pod: {}, node: node('w', { ready: 'False' }), want: 'node(s) had untolerated taint {node.kubernetes.io/not-ready: }' },
    { name: 'an unknown node carries the unreachable taint', pod: {}, node: node('w', { ready: 'Unknown' }), want: 'node(s) had untolerated taint {node.kubernetes.io/unreachable: }' },
    { name: 'a cordoned node', pod: {}, node: node('w', { unschedulable: true }), want: 'node(s) were unschedulable' },
    { name: 'nodeSelector mismatch', pod: { nodeSelector: { disk: 'ssd' } }, node: node('w'), want: "node(s) didn't match Pod's node affinity/selector" },
    { name: 'nodeSelector match', pod: { nodeSelector: { disk: 'ssd' } }, node: node('w', { labels: { disk: 'ssd' } }), want: undefined },
    {
      name: 'required node affinity In',
      pod: { requiredNodeAffinity: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'zone', operator: 'In', values: ['a', 'b'] }] }] } },
      node: node('w', { labels: { zone: 'c' } }),
      want: "node(s) didn't match Pod's node affinity/selector",
    },
    {
      name: 'required node affinity by metadata.name field',
      pod: { requiredNodeAffinity: { nodeSelectorTerms: [{ matchFields: [{ key: 'metadata.name', operator: 'In', values: ['w'] }] }] } },
      node: node('w'),
      want: undefined,
    },
    { name: 'taints are checked before the selector', pod: { nodeSelector: { disk: 'ssd' } }, node: node('m', { master: true }), want: 'node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }' },
  ];
  for (const c of cases) {
    test(c.name, () => assert.equal(filterNode(podInfo({ name: 'p', ...c.pod }), nodeInfo(c.node)), c.want));
  }

  test('toleration matching (effect, key, operator)', () => {
    const taint = { key: 'k', value: 'v', effect: 'NoSchedule' as const };
    assert.ok(tolerates({ operator: 'Exists' }, taint));
    assert.ok(tolerates({ key: 'k', operator: 'Equal', value: 'v' }, taint));
    assert.ok(tolerates({ key: 'k', value: 'v' }, taint));
    assert.ok(!tolerates({ key: 'k', value: 'w' }, taint));
    assert.ok(!tolerates({ key: 'k', operator: 'Exists', effect: 'NoExecute' }, taint));
  });
});

describe('schedulePod', () => {
  test('the upstream FitError wording, reasons sorted', () => {
    const d = schedulePod(podInfo({ name: 'p', nodeSelector: { 'node-role.kubernetes.io/control-plane': '' } }), lab, noLoad);
    assert.deepEqual(d, {
      type: 'unschedulable',
      message:
        "0/3 nodes are available: 1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }, 2 node(s) didn't match Pod's node affinity/selector. " +
        'preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling..',
    });
    assert.deepEqual(schedulePod(podInfo({ name: 'p' }), [], noLoad), { type: 'unschedulable', message: 'no nodes available to schedule pods' });
    assert.equal(
      fitErrorMessage(2, new Map([['node(s) were unschedulable', 2]]), 'Never'),
      '0/2 nodes are available: 2 node(s) were unschedulable. preemption: not eligible due to preemptionPolicy=Never..',
    );
  });

  test('spreading: fewest pods of the same owner, then fewest pods, then name', () => {
    const loads: Record<string, { total: number; sameOwner: number }> = { 'k8s-node1': { total: 1, sameOwner: 1 }, 'k8s-node2': { total: 5, sameOwner: 0 } };
    const p = podInfo({ name: 'p', ...ownedBy('rs1') });
    assert.deepEqual(schedulePod(p, lab, (n) => loads[n] ?? { total: 0, sameOwner: 0 }), { type: 'bind', node: 'k8s-node2' });
    assert.deepEqual(schedulePod(p, lab, () => ({ total: 2, sameOwner: 1 })), { type: 'bind', node: 'k8s-node1' });
    assert.deepEqual(schedulePod(podInfo({ name: 'p', tolerations: [controlPlaneToleration] }), lab, (n) => ({ total: n === 'k8s-master' ? 0 : 1, sameOwner: 0 })), { type: 'bind', node: 'k8s-master' });
  });

  test('the cache counts assumed pods at once and moves them to placed when the informer shows them bound', () => {
    const cache = new SchedulerCache();
    const a = podInfo({ name: 'a', ...ownedBy('rs1') });
    cache.assume(a, 'k8s-node1');
    assert.deepEqual(cache.load('k8s-node1', 'rs1'), { total: 1, sameOwner: 1 });
    cache.observe(a); // still pending in the informer: the assumption stands
    assert.ok(cache.isAssumed(a.key));
    cache.observe({ ...a, nodeName: 'k8s-node1' });
    assert.ok(!cache.isAssumed(a.key));
    assert.deepEqual(cache.load('k8s-node1', 'rs1'), { total: 1, sameOwner: 1 });
    cache.observe({ ...a, nodeName: 'k8s-node1', phase: 'Succeeded' });
    assert.deepEqual(cache.load('k8s-node1', 'rs1'), { total: 0, sameOwner: 0 });
    cache.assume(a, 'k8s-node2');
    cache.forget(a.key);
    assert.deepEqual(cache.load('k8s-node2', 'rs1'), { total: 0, sameOwner: 0 });
  });
});
