// Expected cells follow pkg/printers/internalversion/printers.go printPod (reason logic,
// restart formatting, wide columns) and the reference article's `kubectl get pods -o wide`:
//   nsxtestapp-5bfcc97b5-gdv6n   1/1   Running   0   78s   172.25.5.2   k8s-node1   <none>   <none>
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { ContainerStatus, Pod, PodSpec, PodStatus } from '../types/index.js';
import { toTable, type TableCell } from './index.js';

const NOW = Date.parse('2019-11-12T12:00:00Z');
const ago = (seconds: number): string => new Date(NOW - seconds * 1000).toISOString().replace('.000Z', 'Z');

function running(name: string, extra: Partial<ContainerStatus> = {}): ContainerStatus {
  return { name, ready: true, restartCount: 0, image: 'img', imageID: '', started: true, state: { running: { startedAt: ago(70) } }, ...extra };
}

function mkPod(opts: { name?: string; spec?: Partial<PodSpec>; status?: PodStatus; deletionTimestamp?: string; created?: number } = {}): Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: opts.name ?? 'p',
      namespace: 'demons',
      creationTimestamp: ago(opts.created ?? 78),
      ...(opts.deletionTimestamp !== undefined ? { deletionTimestamp: opts.deletionTimestamp } : {}),
    },
    spec: { containers: [{ name: 'app', image: 'dumlutimuralp/nsx-demo' }], ...opts.spec },
    status: opts.status ?? { phase: 'Pending' },
  };
}

function cells(pod: Pod): readonly TableCell[] {
  const row = toTable('pods', [pod], { now: NOW }).rows[0];
  assert.ok(row);
  return row.cells;
}

describe('pods: article row', () => {
  test('nsxtestapp-5bfcc97b5-gdv6n, wide', () => {
    const pod = mkPod({
      name: 'nsxtestapp-5bfcc97b5-gdv6n',
      spec: { nodeName: 'k8s-node1' },
      status: {
        phase: 'Running',
        podIP: '172.25.5.2',
        podIPs: [{ ip: '172.25.5.2' }],
        conditions: [{ type: 'Ready', status: 'True' }],
        containerStatuses: [running('app')],
      },
    });
    assert.deepEqual(cells(pod), ['nsxtestapp-5bfcc97b5-gdv6n', '1/1', 'Running', '0', '78s', '172.25.5.2', 'k8s-node1', '<none>', '<none>']);
  });

  test('coredns with 7 restarts and no recorded termination prints the bare count', () => {
    const pod = mkPod({
      name: 'coredns-fb8b8dccf-bns22',
      created: 21 * 86400,
      spec: { nodeName: 'k8s-node2' },
      status: { phase: 'Running', podIPs: [{ ip: '172.25.4.2' }], containerStatuses: [running('coredns', { restartCount: 7 })] },
    });
    assert.deepEqual(cells(pod), ['coredns-fb8b8dccf-bns22', '1/1', 'Running', '7', '21d', '172.25.4.2', 'k8s-node2', '<none>', '<none>']);
  });
});

describe('pods: STATUS / READY / RESTARTS', () => {
  const cases: { name: string; pod: Pod; want: [string, string, string] }[] = [
    { name: 'pending, nothing reported', pod: mkPod(), want: ['0/1', 'Pending', '0'] },
    {
      name: 'ContainerCreating',
      pod: mkPod({ status: { phase: 'Pending', containerStatuses: [{ name: 'app', ready: false, restartCount: 0, image: '', imageID: '', state: { waiting: { reason: 'ContainerCreating' } } }] } }),
      want: ['0/1', 'ContainerCreating', '0'],
    },
    {
      name: 'CrashLoopBackOff with last restart 5m ago',
      pod: mkPod({
        status: {
          phase: 'Running',
          containerStatuses: [
            {
              name: 'app',
              ready: false,
              restartCount: 3,
              image: '',
              imageID: '',
              state: { waiting: { reason: 'CrashLoopBackOff' } },
              lastState: { terminated: { exitCode: 1, reason: 'Error', finishedAt: ago(300) } },
            },
          ],
        },
      }),
      want: ['0/1', 'CrashLoopBackOff', '3 (5m ago)'],
    },
    {
      name: 'the latest termination across containers is used',
      pod: mkPod({
        spec: { containers: [{ name: 'a' }, { name: 'b' }] },
        status: {
          phase: 'Running',
          containerStatuses: [
            running('a', { restartCount: 1, lastState: { terminated: { exitCode: 1, finishedAt: ago(7200) } } }),
            running('b', { restartCount: 2, lastState: { terminated: { exitCode: 1, finishedAt: ago(45) } } }),
          ],
        },
      }),
      want: ['2/2', 'Running', '3 (45s ago)'],
    },
    {
      name: 'Completed (Succeeded)',
      pod: mkPod({ status: { phase: 'Succeeded', containerStatuses: [{ name: 'app', ready: false, restartCount: 0, image: '', imageID: '', state: { terminated: { exitCode: 0, reason: 'Completed' } } }] } }),
      want: ['0/1', 'Completed', '0'],
    },
    {
      name: 'Error (Failed)',
      pod: mkPod({ status: { phase: 'Failed', containerStatuses: [{ name: 'app', ready: false, restartCount: 0, image: '', imageID: '', state: { terminated: { exitCode: 1, reason: 'Error' } } }] } }),
      want: ['0/1', 'Error', '0'],
    },
    {
      name: 'terminated without reason shows the exit code',
      pod: mkPod({
        spec: { containers: [{ name: 'a' }, { name: 'b' }] },
        status: {
          phase: 'Failed',
          containerStatuses: [
            { name: 'a', ready: false, restartCount: 0, image: '', imageID: '', state: { terminated: { exitCode: 2 } } },
            { name: 'b', ready: false, restartCount: 0, image: '', imageID: '', state: { terminated: { exitCode: 137, signal: 9 } } },
          ],
        },
      }),
      // containers are walked last to first, so the first container's reason wins
      want: ['0/2', 'ExitCode:2', '0'],
    },
    {
      name: 'Evicted (status.reason overrides the phase)',
      pod: mkPod({ status: { phase: 'Failed', reason: 'Evicted' } }),
      want: ['0/1', 'Evicted', '0'],
    },
    {
      name: 'Terminating',
      pod: mkPod({ deletionTimestamp: ago(-30), status: { phase: 'Running', containerStatuses: [running('app')] } }),
      want: ['1/1', 'Terminating', '0'],
    },
    {
      name: 'a finished pod being deleted keeps its status',
      pod: mkPod({ deletionTimestamp: ago(1), status: { phase: 'Succeeded', containerStatuses: [{ name: 'app', ready: false, restartCount: 0, image: '', imageID: '', state: { terminated: { exitCode: 0, reason: 'Completed' } } }] } }),
      want: ['0/1', 'Completed', '0'],
    },
    {
      name: 'NodeLost while deleting is Unknown',
      pod: mkPod({ deletionTimestamp: ago(1), status: { phase: 'Running', reason: 'NodeLost', containerStatuses: [running('app')] } }),
      want: ['1/1', 'Unknown', '0'],
    },
    {
      name: 'SchedulingGated',
      pod: mkPod({ status: { phase: 'Pending', conditions: [{ type: 'PodScheduled', status: 'False', reason: 'SchedulingGated' }] } }),
      want: ['0/1', 'SchedulingGated', '0'],
    },
    {
      name: 'Init:0/2 while the first init container runs',
      pod: mkPod({
        spec: { initContainers: [{ name: 'i1' }, { name: 'i2' }] },
        status: {
          phase: 'Pending',
          initContainerStatuses: [
            { name: 'i1', ready: false, restartCount: 0, image: '', imageID: '', state: { running: {} } },
            { name: 'i2', ready: false, restartCount: 0, image: '', imageID: '', state: { waiting: { reason: 'PodInitializing' } } },
          ],
          containerStatuses: [{ name: 'app', ready: false, restartCount: 0, image: '', imageID: '', state: { waiting: { reason: 'PodInitializing' } } }],
        },
      }),
      want: ['0/1', 'Init:0/2', '0'],
    },
    {
      name: 'Init:1/2 after the first init container succeeded',
      pod: mkPod({
        spec: { initContainers: [{ name: 'i1' }, { name: 'i2' }] },
        status: {
          phase: 'Pending',
          initContainerStatuses: [
            { name: 'i1', ready: false, restartCount: 0, image: '', imageID: '', state: { terminated: { exitCode: 0, reason: 'Completed' } } },
            { name: 'i2', ready: false, restartCount: 0, image: '', imageID: '', state: { running: {} } },
          ],
        },
      }),
      want: ['0/1', 'Init:1/2', '0'],
    },
    {
      name: 'Init:CrashLoopBackOff counts init restarts',
      pod: mkPod({
        spec: { initContainers: [{ name: 'i1' }] },
        status: {
          phase: 'Pending',
          initContainerStatuses: [
            { name: 'i1', ready: false, restartCount: 4, image: '', imageID: '', state: { waiting: { reason: 'CrashLoopBackOff' } }, lastState: { terminated: { exitCode: 1, finishedAt: ago(20) } } },
          ],
        },
      }),
      want: ['0/1', 'Init:CrashLoopBackOff', '4 (20s ago)'],
    },
    {
      name: 'Init:Signal:9',
      pod: mkPod({
        spec: { initContainers: [{ name: 'i1' }] },
        status: { phase: 'Pending', initContainerStatuses: [{ name: 'i1', ready: false, restartCount: 0, image: '', imageID: '', state: { terminated: { exitCode: 137, signal: 9 } } }] },
      }),
      want: ['0/1', 'Init:Signal:9', '0'],
    },
    {
      name: 'Signal:15',
      pod: mkPod({ status: { phase: 'Failed', containerStatuses: [{ name: 'app', ready: false, restartCount: 0, image: '', imageID: '', state: { terminated: { exitCode: 143, signal: 15 } } }] } }),
      want: ['0/1', 'Signal:15', '0'],
    },
    {
      name: 'Init:ExitCode:1',
      pod: mkPod({
        spec: { initContainers: [{ name: 'i1' }] },
        status: { phase: 'Pending', initContainerStatuses: [{ name: 'i1', ready: false, restartCount: 0, image: '', imageID: '', state: { terminated: { exitCode: 1 } } }] },
      }),
      want: ['0/1', 'Init:ExitCode:1', '0'],
    },
    {
      name: 'sidecar (restartable init container) counts towards READY',
      pod: mkPod({
        spec: { initContainers: [{ name: 'proxy', restartPolicy: 'Always' }] },
        status: {
          phase: 'Running',
          conditions: [{ type: 'Initialized', status: 'True' }],
          initContainerStatuses: [running('proxy', { restartCount: 1 })],
          containerStatuses: [running('app')],
        },
      }),
      want: ['2/2', 'Running', '1'],
    },
    {
      name: 'Completed container next to a running one: Running when the pod is Ready',
      pod: mkPod({
        spec: { containers: [{ name: 'a' }, { name: 'b' }] },
        status: {
          phase: 'Running',
          conditions: [{ type: 'Ready', status: 'True' }],
          containerStatuses: [
            { name: 'a', ready: false, restartCount: 0, image: '', imageID: '', state: { terminated: { exitCode: 0, reason: 'Completed' } } },
            running('b'),
          ],
        },
      }),
      want: ['1/2', 'Running', '0'],
    },
    {
      name: '... and NotReady when it is not',
      pod: mkPod({
        spec: { containers: [{ name: 'a' }, { name: 'b' }] },
        status: {
          phase: 'Running',
          containerStatuses: [
            { name: 'a', ready: false, restartCount: 0, image: '', imageID: '', state: { terminated: { exitCode: 0, reason: 'Completed' } } },
            running('b'),
          ],
        },
      }),
      want: ['1/2', 'NotReady', '0'],
    },
    {
      name: 'running but not ready is not counted',
      pod: mkPod({ status: { phase: 'Running', containerStatuses: [running('app', { ready: false })] } }),
      want: ['0/1', 'Running', '0'],
    },
  ];
  for (const c of cases) test(c.name, () => assert.deepEqual(cells(c.pod).slice(1, 4), c.want));
});

describe('pods: wide columns and row conditions', () => {
  test('readiness gates count True conditions', () => {
    const pod = mkPod({
      spec: { readinessGates: [{ conditionType: 'example.com/lb' }, { conditionType: 'example.com/fw' }] },
      status: { phase: 'Running', nominatedNodeName: 'k8s-node2', conditions: [{ type: 'example.com/lb', status: 'True' }, { type: 'example.com/fw', status: 'False' }] },
    });
    assert.deepEqual(cells(pod).slice(5), ['<none>', '<none>', 'k8s-node2', '1/2']);
  });
  test('podIP scalar is used when podIPs is absent', () => {
    assert.equal(cells(mkPod({ status: { phase: 'Running', podIP: '10.1.1.1' } }))[5], '10.1.1.1');
  });
  test('Succeeded and Failed pods carry a Completed row condition', () => {
    const t = toTable('pods', [mkPod({ status: { phase: 'Succeeded' } }), mkPod({ status: { phase: 'Failed' } }), mkPod()], { now: NOW });
    assert.deepEqual(t.rows[0]?.conditions, [{ type: 'Completed', status: 'True', reason: 'Succeeded', message: 'The pod has completed successfully.' }]);
    assert.deepEqual(t.rows[1]?.conditions, [{ type: 'Completed', status: 'True', reason: 'Failed', message: 'The pod failed.' }]);
    assert.equal(t.rows[2]?.conditions, undefined);
  });
});
