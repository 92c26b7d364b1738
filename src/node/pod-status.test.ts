// Status computation, table-driven after kubelet's getPhase and status/generate.go tests.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { ContainerState, Pod, PodCondition, PodSpec, PodStatus } from '../api/index.js';
import { computePodStatus, podPhase, type ContainerView } from './pod-status.js';

const T0 = Date.UTC(2026, 0, 1, 10, 0, 0);
const running: ContainerState = { running: { startedAt: '2026-01-01T10:00:00Z' } };
const exited = (exitCode: number): ContainerState => ({ terminated: { exitCode, reason: exitCode === 0 ? 'Completed' : 'Error' } });
const waiting = (reason: string): ContainerState => ({ waiting: { reason } });

function view(name: string, state: ContainerState, o: Partial<ContainerView> = {}): ContainerView {
  return { name, image: 'docker.io/library/nginx:latest', imageID: '', state, lastState: {}, ready: state.running !== undefined, started: state.running !== undefined, restartCount: 0, ...o };
}

function pod(spec: Partial<PodSpec> = {}, status?: PodStatus): Pod {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'demons', uid: 'u' }, spec: { containers: [{ name: 'app' }], ...spec }, ...(status !== undefined ? { status } : {}) };
}

const cond = (s: PodStatus, type: string): PodCondition | undefined => s.conditions?.find((c) => c.type === type);

describe('podPhase (getPhase)', () => {
  const two: PodSpec = { containers: [{ name: 'a' }, { name: 'b' }] };
  const cases: { name: string; spec: PodSpec; init?: ContainerView[]; c: ContainerView[]; terminal?: boolean; want: string }[] = [
    { name: 'all running', spec: two, c: [view('a', running), view('b', running)], want: 'Running' },
    { name: 'one waiting to start', spec: two, c: [view('a', running), view('b', waiting('ContainerCreating'))], want: 'Pending' },
    { name: 'one status missing', spec: two, c: [view('a', running)], want: 'Pending' },
    { name: 'crash looping counts as stopped (Always -> Running)', spec: { ...two, restartPolicy: 'Always' }, c: [view('a', waiting('CrashLoopBackOff'), { lastState: exited(1) }), view('b', exited(0))], want: 'Running' },
    { name: 'Never: all exited 0 -> Succeeded', spec: { ...two, restartPolicy: 'Never' }, c: [view('a', exited(0)), view('b', exited(0))], want: 'Succeeded' },
    { name: 'Never: one failed -> Failed', spec: { ...two, restartPolicy: 'Never' }, c: [view('a', exited(0)), view('b', exited(2))], want: 'Failed' },
    { name: 'OnFailure: one failed, restarting -> Running', spec: { ...two, restartPolicy: 'OnFailure' }, c: [view('a', exited(0)), view('b', exited(2))], want: 'Running' },
    { name: 'OnFailure: all succeeded -> Succeeded', spec: { ...two, restartPolicy: 'OnFailure' }, c: [view('a', exited(0)), view('b', exited(0))], want: 'Succeeded' },
    { name: 'Always but the pod is terminal: all 0 -> Succeeded', spec: two, c: [view('a', exited(0)), view('b', exited(0))], terminal: true, want: 'Succeeded' },
    { name: 'Always but terminal: a kill with 137 -> Failed', spec: two, c: [view('a', exited(0)), view('b', exited(137))], terminal: true, want: 'Failed' },
    { name: 'pending init container -> Pending', spec: { containers: [{ name: 'a' }], initContainers: [{ name: 'i' }] }, init: [view('i', running)], c: [view('a', waiting('PodInitializing'))], want: 'Pending' },
    {
      name: 'failed init container with Never -> Failed',
      spec: { containers: [{ name: 'a' }], initContainers: [{ name: 'i' }], restartPolicy: 'Never' },
      init: [view('i', exited(1))],
      c: [view('a', waiting('PodInitializing'))],
      want: 'Failed',
    },
    { name: 'init done, app running', spec: { containers: [{ name: 'a' }], initContainers: [{ name: 'i' }] }, init: [view('i', exited(0))], c: [view('a', running)], want: 'Running' },
  ];
  for (const c of cases) test(c.name, () => assert.equal(podPhase(c.spec, c.init ?? [], c.c, c.terminal ?? false), c.want));
});

describe('computePodStatus', () => {
  const base = { now: T0, hostIPs: ['10.190.5.11'], podIPs: ['172.25.5.2'], startTime: T0, sandboxReady: true, initContainers: [], terminal: false };

  test('a running pod: conditions in kubelet order, IPs, QoS, start time', () => {
    const s = computePodStatus({ ...base, pod: pod(), containers: [view('app', running)] });
    assert.equal(s.phase, 'Running');
    assert.deepEqual(
      s.conditions?.map((c) => `${c.type}=${c.status}`),
      ['PodReadyToStartContainers=True', 'Initialized=True', 'Ready=True', 'ContainersReady=True', 'PodScheduled=True'],
    );
    for (const c of s.conditions ?? []) {
      assert.equal(c.lastTransitionTime, '2026-01-01T10:00:00Z');
      assert.equal(c.lastProbeTime, null);
    }
    assert.equal(s.podIP, '172.25.5.2');
    assert.deepEqual(s.podIPs, [{ ip: '172.25.5.2' }]);
    assert.equal(s.hostIP, '10.190.5.11');
    assert.deepEqual(s.hostIPs, [{ ip: '10.190.5.11' }]);
    assert.equal(s.startTime, '2026-01-01T10:00:00Z');
    assert.equal(s.qosClass, 'BestEffort');
    assert.equal(s.containerStatuses?.[0]?.ready, true);
  });

  test('not ready: the reasons and Go-style messages', () => {
    const spec: Partial<PodSpec> = { containers: [{ name: 'a' }, { name: 'b' }, { name: 'c' }] };
    const s = computePodStatus({ ...base, pod: pod(spec), containers: [view('a', running, { ready: false }), view('b', running)] });
    const msg = 'containers with unknown status: [c], containers with unready status: [a]';
    assert.deepEqual(cond(s, 'ContainersReady'), { type: 'ContainersReady', status: 'False', lastProbeTime: null, lastTransitionTime: '2026-01-01T10:00:00Z', reason: 'ContainersNotReady', message: msg });
    assert.equal(cond(s, 'Ready')?.reason, 'ContainersNotReady');
    assert.equal(cond(s, 'Ready')?.message, msg);
  });

  test('no sandbox yet: PodReadyToStartContainers False, Pending', () => {
    const s = computePodStatus({ ...base, sandboxReady: false, podIPs: [], pod: pod(), containers: [view('app', waiting('ContainerCreating'))] });
    assert.equal(cond(s, 'PodReadyToStartContainers')?.status, 'False');
    assert.equal(s.phase, 'Pending');
    assert.equal(s.podIP, undefined);
  });

  test('completed and failed pods', () => {
    const ok = computePodStatus({ ...base, pod: pod({ restartPolicy: 'Never' }), containers: [view('app', exited(0))] });
    assert.equal(ok.phase, 'Succeeded');
    assert.equal(cond(ok, 'ContainersReady')?.reason, 'PodCompleted');
    assert.equal(cond(ok, 'Ready')?.reason, 'PodCompleted');
    const bad = computePodStatus({ ...base, pod: pod({ restartPolicy: 'Never' }), containers: [view('app', exited(3))] });
    assert.equal(bad.phase, 'Failed');
    assert.equal(cond(bad, 'Ready')?.reason, 'PodFailed');
  });

  test('init containers: not initialized yet, then initialized', () => {
    const spec: Partial<PodSpec> = { initContainers: [{ name: 'init' }] };
    const pending = computePodStatus({ ...base, pod: pod(spec), initContainers: [view('init', running)], containers: [view('app', waiting('PodInitializing'))] });
    assert.equal(pending.phase, 'Pending');
    assert.equal(cond(pending, 'Initialized')?.reason, 'ContainersNotInitialized');
    assert.equal(cond(pending, 'Initialized')?.message, 'containers with incomplete status: [init]');
    assert.equal(pending.initContainerStatuses?.length, 1);
    const done = computePodStatus({ ...base, pod: pod(spec), initContainers: [view('init', exited(0))], containers: [view('app', running)] });
    assert.equal(cond(done, 'Initialized')?.status, 'True');
  });

  test('readiness gates and conditions owned by others', () => {
    const spec: Partial<PodSpec> = { readinessGates: [{ conditionType: 'example.com/lb' }] };
    const missing = computePodStatus({ ...base, pod: pod(spec), containers: [view('app', running)] });
    assert.equal(cond(missing, 'Ready')?.reason, 'ReadinessGatesNotReady');
    assert.equal(cond(missing, 'Ready')?.message, 'corresponding condition of pod readiness gate "example.com/lb" does not exist.');
    assert.equal(cond(missing, 'ContainersReady')?.status, 'True');
    const gate: PodCondition = { type: 'example.com/lb', status: 'False', lastTransitionTime: '2026-01-01T09:00:00Z' };
    const notTrue = computePodStatus({ ...base, pod: pod(spec, { conditions: [gate] }), containers: [view('app', running)] });
    assert.equal(cond(notTrue, 'Ready')?.message, 'the status of pod readiness gate "example.com/lb" is not "True", but False');
    assert.deepEqual(notTrue.conditions?.[0], gate, 'foreign conditions are kept first, untouched');
    const ok = computePodStatus({ ...base, pod: pod(spec, { conditions: [{ ...gate, status: 'True' }] }), containers: [view('app', running)] });
    assert.equal(cond(ok, 'Ready')?.status, 'True');
  });

  test('lastTransitionTime moves only with the status; a previous write wins over a stale pod', () => {
    const first = computePodStatus({ ...base, pod: pod(), containers: [view('app', running, { ready: false })] });
    const later = T0 + 30_000;
    const same = computePodStatus({ ...base, now: later, pod: pod({}, first), containers: [view('app', running, { ready: false })] });
    assert.equal(cond(same, 'Ready')?.lastTransitionTime, '2026-01-01T10:00:00Z');
    const flipped = computePodStatus({ ...base, now: later, pod: pod(), previous: first, containers: [view('app', running)] });
    assert.equal(cond(flipped, 'Ready')?.lastTransitionTime, '2026-01-01T10:00:30Z');
    assert.equal(cond(flipped, 'PodScheduled')?.lastTransitionTime, '2026-01-01T10:00:00Z');
  });

  test('a terminal phase is never left; QoS comes from the existing status', () => {
    const s = computePodStatus({ ...base, pod: pod({}, { phase: 'Succeeded', qosClass: 'Guaranteed' }), containers: [view('app', running)] });
    assert.equal(s.phase, 'Succeeded');
    assert.equal(s.qosClass, 'Guaranteed');
    const g = computePodStatus({ ...base, pod: pod({ containers: [{ name: 'app', resources: { limits: { cpu: '1', memory: '1Gi' }, requests: { cpu: '1', memory: '1Gi' } } }] }), containers: [view('app', running)] });
    assert.equal(g.qosClass, 'Guaranteed');
  });

  test('the pod IP stays in status after the address was released', () => {
    const s = computePodStatus({ ...base, podIPs: [], pod: pod({ restartPolicy: 'Never' }, { podIP: '172.25.5.9', podIPs: [{ ip: '172.25.5.9' }] }), containers: [view('app', exited(0))], terminal: true });
    assert.equal(s.podIP, '172.25.5.9');
  });
});
