// Probe timing on a FakeClock: initial delay, period, thresholds, startup gating, liveness
// restart requests, timeouts, and the Unhealthy events kubelet writes.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Container, ObjectReference, Pod } from '../api/index.js';
import { FakeClock } from '../core/index.js';
import { FakeRuntime } from './fake-runtime.js';
import { imageIdFor } from './image-name.js';
import { PodEvents } from './pod-events.js';
import { newPodRecord, type PodRecord } from './pod-record.js';
import { ProbeManager } from './probe-manager.js';
import type { ProbeOutcome } from './runtime.js';

const flush = () => new Promise((r) => setImmediate(r));

async function setup(container: Partial<Container>, initial: ProbeOutcome = { kind: 'success', output: '' }) {
  const clock = new FakeClock(Date.UTC(2026, 0, 1));
  const rt = new FakeRuntime({ clock });
  let answer: ProbeOutcome | Promise<ProbeOutcome> = initial;
  rt.probeOverride = () => answer;
  const events: string[] = [];
  const changes: string[] = [];
  const ev = new PodEvents({ event: (o: ObjectReference, type, reason, message) => events.push(`${type} ${reason} ${o.fieldPath ?? ''} ${message}`) });
  const pm = new ProbeManager({ runtime: rt, clock, events: ev, onChange: (k) => changes.push(k) });
  const pod: Pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web', namespace: 'demons', uid: 'u1' }, spec: { containers: [{ name: 'app', image: 'nginx', ...container }] } };
  const st: PodRecord = newPodRecord(pod, clock.now());
  st.network = { ip: '172.25.5.2', prefixLength: 24, gateway: '172.25.5.1', subnet: '172.25.5.0/24', hostNetwork: false };
  const sb = await rt.createSandbox({ podUid: 'u1', namespace: 'demons', name: 'web', hostname: 'web', hostNetwork: false, ip: '172.25.5.2', prefixLength: 24, gateway: '172.25.5.1', resolvConf: '' });
  if (sb.kind !== 'created') throw new Error();
  const c = await rt.startContainer(sb.sandboxId, { name: 'app', image: 'nginx', imageRef: imageIdFor('nginx'), command: [], args: [], env: {}, attempt: 0, tty: false, stdin: false, init: false });
  if (c.kind !== 'started') throw new Error();
  const rec = st.containers.get('app')!;
  rec.current = { id: c.containerId, imageRef: '', startedAt: c.startedAt, exit: undefined };
  pm.containerStarted(st, rec);
  const step = async (ms: number) => {
    clock.advance(ms);
    await flush();
  };
  return { clock, rt, pm, st, id: c.containerId, events, changes, step, set: (o: ProbeOutcome | Promise<ProbeOutcome>) => (answer = o) };
}

describe('probe manager', () => {
  test('readiness: false until the first success after initialDelaySeconds, then every period', async () => {
    const h = await setup({ readinessProbe: { httpGet: { port: 80, path: '/' }, initialDelaySeconds: 5, periodSeconds: 10, failureThreshold: 3 } });
    assert.equal(h.pm.ready('u1', 'app', h.id), false, 'a readiness probe starts failed');
    await h.step(4999);
    assert.equal(h.pm.runs('u1', 'app', 'readiness'), 0);
    await h.step(1);
    assert.equal(h.pm.runs('u1', 'app', 'readiness'), 1);
    assert.equal(h.pm.ready('u1', 'app', h.id), true);
    assert.deepEqual(h.changes, ['demons/web']);
    // Three failures in a row (t = 15, 25, 35 s) make it unready; each one is an event.
    h.set({ kind: 'failure', output: 'HTTP probe failed with statuscode: 503' });
    await h.step(10_000);
    await h.step(10_000);
    assert.equal(h.pm.ready('u1', 'app', h.id), true);
    await h.step(10_000);
    assert.equal(h.pm.ready('u1', 'app', h.id), false);
    assert.equal(h.pm.runs('u1', 'app', 'readiness'), 4);
    assert.deepEqual(h.events, Array(3).fill('Warning Unhealthy spec.containers{app} Readiness probe failed: HTTP probe failed with statuscode: 503'));
    assert.equal(h.changes.length, 2);
  });

  test('no readiness probe: ready as soon as it runs', async () => {
    const h = await setup({});
    assert.equal(h.pm.ready('u1', 'app', h.id), true);
    assert.equal(h.pm.started('u1', 'app', h.id), true);
  });

  test('liveness: failureThreshold failures request a restart, then the worker holds', async () => {
    const h = await setup({ livenessProbe: { tcpSocket: { port: 80 }, periodSeconds: 2, failureThreshold: 2 } }, { kind: 'failure', output: 'dial tcp 172.25.5.2:80: connect: connection refused' });
    await h.step(0);
    assert.equal(h.pm.restartRequested('u1', 'app', h.id), undefined);
    await h.step(2000);
    assert.equal(h.pm.restartRequested('u1', 'app', h.id), 'liveness');
    await h.step(10_000);
    assert.equal(h.pm.runs('u1', 'app', 'liveness'), 2, 'on hold: no more probes of this incarnation');
    assert.equal(h.events[0], 'Warning Unhealthy spec.containers{app} Liveness probe failed: dial tcp 172.25.5.2:80: connect: connection refused');
  });

  test('a startup probe gates readiness and liveness', async () => {
    const h = await setup(
      {
        startupProbe: { exec: { command: ['true'] }, periodSeconds: 5, failureThreshold: 10 },
        readinessProbe: { tcpSocket: { port: 80 }, periodSeconds: 1 },
      },
      { kind: 'failure', output: 'not yet' },
    );
    await h.step(0);
    await h.step(1000);
    await h.step(1000);
    assert.equal(h.pm.started('u1', 'app', h.id), false);
    assert.equal(h.pm.runs('u1', 'app', 'readiness'), 0);
    h.set({ kind: 'success', output: '' });
    await h.step(3000);
    assert.equal(h.pm.started('u1', 'app', h.id), true);
    await h.step(1000);
    assert.ok(h.pm.runs('u1', 'app', 'readiness') >= 1);
    assert.equal(h.pm.ready('u1', 'app', h.id), true);
  });

  test('a probe slower than timeoutSeconds fails; errors are thrown away', async () => {
    const h = await setup({ readinessProbe: { httpGet: { port: 'http', path: '/healthz' }, timeoutSeconds: 2, periodSeconds: 10, failureThreshold: 1 }, ports: [{ name: 'http', containerPort: 8080 }] });
    h.set({ kind: 'success', output: '' });
    await h.step(0);
    assert.equal(h.pm.ready('u1', 'app', h.id), true);
    h.set(new Promise(() => {}));
    await h.step(10_000);
    await h.step(2000);
    assert.equal(h.pm.ready('u1', 'app', h.id), false);
    assert.equal(h.events.at(-1), 'Warning Unhealthy spec.containers{app} Readiness probe failed: Get "http://172.25.5.2:8080/healthz": context deadline exceeded (Client.Timeout exceeded while awaiting headers)');
    h.set({ kind: 'error', message: 'runtime hiccup' });
    // The next probe is due at t=20 s (one period after the slow one started).
    await h.step(8000);
    assert.equal(h.pm.ready('u1', 'app', h.id), false, 'an error does not change the cached result');
    assert.equal(h.events.at(-1), 'Warning Unhealthy spec.containers{app} Readiness probe errored: runtime hiccup');
  });

  test('an unresolvable named port is reported as errored', async () => {
    const h = await setup({ readinessProbe: { tcpSocket: { port: 'metrics' } } });
    await h.step(0);
    assert.equal(h.events[0], 'Warning Unhealthy spec.containers{app} Readiness probe errored: strconv.Atoi: parsing "metrics": invalid syntax');
    assert.equal(h.pm.ready('u1', 'app', h.id), false);
  });

  test('stopping a pod stops its workers', async () => {
    const h = await setup({ readinessProbe: { tcpSocket: { port: 80 }, periodSeconds: 1 } });
    await h.step(0);
    h.pm.stopPod('u1');
    const runs = h.pm.runs('u1', 'app', 'readiness');
    await h.step(5000);
    assert.equal(runs, 0, 'runs() of a removed worker is 0');
    assert.equal(h.clock.pendingTimers(), 0);
  });
});
