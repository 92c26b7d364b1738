// projectFields semantics, and the contract printers with `fields` / `staged` sign up to:
// printing the projection (or the two stages) gives exactly the row of the whole object.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { ContainerStatus, KubeObject, Pod, PodSpec, PodStatus } from '../types/index.js';
import { printerFor, projectFields } from './index.js';

const NOW = Date.parse('2024-05-01T12:00:00Z');
const ago = (s: number) => new Date(NOW - s * 1000).toISOString().replace('.000Z', 'Z');

describe('projectFields', () => {
  test('keeps named keys, maps arrays, keeps scalars and whole values', () => {
    const v = { a: { b: 1, c: [1, 2], d: { e: 1 } }, f: [{ g: 1, h: 2 }, 3, null], i: 'x', j: { k: 1 } };
    assert.deepEqual(projectFields(v, { a: { c: true, d: {} }, f: { g: true }, i: { z: true }, j: true, missing: true }), {
      a: { c: [1, 2], d: {} },
      f: [{ g: 1 }, 3, null],
      i: 'x',
      j: { k: 1 },
    });
    assert.equal(projectFields(null, { a: true }), null);
  });

  test('inherited names are not fields', () => {
    assert.deepEqual(projectFields({ toString: 1, constructor: 2, a: 3 }, { a: true }), { a: 3 });
  });
});

function running(name: string, extra: Partial<ContainerStatus> = {}): ContainerStatus {
  return { name, ready: true, restartCount: 0, image: 'img', imageID: 'sha', started: true, state: { running: { startedAt: ago(70) } }, ...extra };
}

function pod(spec: Partial<PodSpec>, status: PodStatus, meta: Record<string, unknown> = {}): Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'p', namespace: 'ns', uid: 'u', creationTimestamp: ago(4000), labels: { a: 'b' }, annotations: { x: '"status":{' }, ...meta },
    spec: { containers: [{ name: 'app', image: 'img', ports: [{ containerPort: 80 }], env: [{ name: 'A', value: 'B' }] }, { name: 'side', image: 'img2' }], restartPolicy: 'Always', ...spec },
    status,
  } as Pod;
}

/** Pods that take every branch of printPod. */
const PODS: Pod[] = [
  pod({ nodeName: 'n1' }, { phase: 'Running', podIP: '10.0.0.1', podIPs: [{ ip: '10.0.0.1' }, { ip: 'fd00::1' }], hostIP: 'h', conditions: [{ type: 'Ready', status: 'True' }], containerStatuses: [running('app'), running('side', { restartCount: 3, lastState: { terminated: { exitCode: 1, finishedAt: ago(300), reason: 'Error' } } })] }),
  pod({}, { phase: 'Pending', conditions: [{ type: 'PodScheduled', status: 'False', reason: 'SchedulingGated' }] }),
  pod({ initContainers: [{ name: 'init', image: 'i' }, { name: 'sidecar', image: 's', restartPolicy: 'Always' }] }, { phase: 'Pending', initContainerStatuses: [{ name: 'init', ready: false, restartCount: 2, image: 'i', imageID: '', state: { waiting: { reason: 'CrashLoopBackOff' } }, lastState: { terminated: { exitCode: 1, finishedAt: ago(30) } } }] }),
  pod({ initContainers: [{ name: 'init', image: 'i' }] }, { phase: 'Pending', initContainerStatuses: [{ name: 'init', ready: false, restartCount: 0, image: 'i', imageID: '', state: { terminated: { exitCode: 0, signal: 9 } } }] }),
  pod({ initContainers: [{ name: 'init', image: 'i' }] }, { phase: 'Pending', initContainerStatuses: [{ name: 'init', ready: false, restartCount: 0, image: 'i', imageID: '', state: { terminated: { exitCode: 2, signal: 9 } } }] }),
  pod({ initContainers: [{ name: 'sc', image: 'i', restartPolicy: 'Always' }] }, { phase: 'Running', conditions: [{ type: 'Initialized', status: 'True' }, { type: 'Ready', status: 'True' }], initContainerStatuses: [{ name: 'sc', ready: true, started: true, restartCount: 1, image: 'i', imageID: '', state: { running: {} } }], containerStatuses: [{ name: 'app', ready: false, restartCount: 0, image: 'img', imageID: '', state: { terminated: { exitCode: 0, reason: 'Completed' } } }, running('side')] }),
  pod({}, { phase: 'Running', containerStatuses: [{ name: 'app', ready: false, restartCount: 0, image: 'img', imageID: '', state: { terminated: { exitCode: 137 } } }] }),
  pod({}, { phase: 'Running', containerStatuses: [{ name: 'app', ready: false, restartCount: 0, image: 'img', imageID: '', state: { terminated: { exitCode: 0, signal: 15 } } }] }),
  pod({}, { phase: 'Succeeded', containerStatuses: [{ name: 'app', ready: false, restartCount: 0, image: 'img', imageID: '', state: { terminated: { exitCode: 0, reason: 'Completed' } } }] }),
  pod({}, { phase: 'Failed', reason: 'Evicted' }),
  pod({ nodeName: 'n2' }, { phase: 'Running', reason: 'NodeLost', nominatedNodeName: 'n3' }, { deletionTimestamp: ago(5) }),
  pod({}, { phase: 'Running' }, { deletionTimestamp: ago(5) }),
  pod({ readinessGates: [{ conditionType: 'g1' }, { conditionType: 'g2' }] }, { phase: 'Running', conditions: [{ type: 'g1', status: 'True' }, { type: 'g2', status: 'False' }] }),
  { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'bare' } } as Pod,
];

describe('printers that declare their fields', () => {
  const printer = printerFor('pods');
  test('pods: the row of the projection is the row of the pod', () => {
    assert.ok(printer.fields !== undefined);
    for (const p of PODS) {
      const projected = projectFields(p, printer.fields) as KubeObject;
      for (const now of [NOW, NOW + 86_400_000]) assert.deepEqual(printer.row(projected, { nowMs: now }), printer.row(p, { nowMs: now }), p.metadata.name);
    }
  });

  test('pods: prepare then finish is the row, and finish leaves the prepared row as it was', () => {
    const staged = printer.staged;
    assert.ok(staged !== undefined);
    for (const p of PODS) {
      const prepared: unknown = staged.prepare(projectFields(p, printer.fields!) as KubeObject);
      const before: unknown = structuredClone(prepared);
      for (const now of [NOW, NOW + 3_600_000, NOW + 400 * 86_400_000]) assert.deepEqual(staged.finish(prepared, { nowMs: now }), printer.row(p, { nowMs: now }));
      assert.deepEqual(prepared, before);
    }
  });

  test('the corpus reaches the interesting statuses', () => {
    const reasons = new Set(PODS.map((p) => printer.row(p, { nowMs: NOW }).cells[2]));
    for (const r of ['Running', 'SchedulingGated', 'Init:CrashLoopBackOff', 'Init:Signal:9', 'ExitCode:137', 'Signal:15', 'Completed', 'Evicted', 'Unknown', 'Terminating']) assert.ok(reasons.has(r), r);
  });
});
