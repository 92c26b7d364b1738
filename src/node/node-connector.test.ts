// exec / logs as the API server sees them through the connector: kubelet's log options
// (tailLines, sinceSeconds, timestamps, limitBytes, previous, follow) and refusals.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Pod } from '../api/index.js';
import { FakeClock } from '../core/index.js';
import type { LogOptions } from './connector-types.js';
import { FakeRuntime } from './fake-runtime.js';
import { imageIdFor } from './image-name.js';
import { AgentConnector, routeByNode } from './node-connector.js';
import { newPodRecord } from './pod-record.js';

const T0 = Date.UTC(2026, 0, 1, 10, 0, 0);
const pod: Pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web', namespace: 'demons', uid: 'u1' }, spec: { nodeName: 'k8s-node1', containers: [{ name: 'app', image: 'nginx' }, { name: 'side', image: 'busybox' }] } };
const opts = (o: Partial<LogOptions> = {}): LogOptions => ({ container: 'app', follow: false, tailLines: undefined, timestamps: false, previous: false, limitBytes: undefined, sinceSeconds: undefined, ...o });

async function setup() {
  const clock = new FakeClock(T0);
  const rt = new FakeRuntime({ clock });
  const st = newPodRecord(pod, T0);
  const sb = await rt.createSandbox({ podUid: 'u1', namespace: 'demons', name: 'web', hostname: 'web', hostNetwork: false, ip: '172.25.5.2', prefixLength: 24, gateway: '172.25.5.1', resolvConf: 'nameserver 10.96.0.10\n' });
  if (sb.kind !== 'created') throw new Error();
  st.sandboxId = sb.sandboxId;
  const start = async (attempt: number) => {
    const c = await rt.startContainer(sb.sandboxId, { name: 'app', image: 'nginx', imageRef: imageIdFor('nginx'), command: [], args: [], env: {}, attempt, tty: false, stdin: false, init: false });
    if (c.kind !== 'started') throw new Error();
    const rec = st.containers.get('app')!;
    if (rec.current !== undefined) rec.previous = { ...rec.current, exit: { finishedAt: clock.now(), exitCode: 1, reason: 'Error' } };
    rec.current = { id: c.containerId, imageRef: '', startedAt: c.startedAt, exit: undefined };
    return c.containerId;
  };
  const conn = new AgentConnector({ nodeName: 'k8s-node1', runtime: rt, clock, find: (p) => (p.metadata.uid === 'u1' ? st : undefined) });
  const read = async (o: Partial<LogOptions> = {}) => {
    let out = '';
    const r = await conn.logs(pod, opts(o), (c) => (out += c), new AbortController().signal);
    return { r, out };
  };
  return { clock, rt, st, start, conn, read };
}

describe('logs through the connector', () => {
  test('tail, since, timestamps, byte limit', async () => {
    const h = await setup();
    const id = await h.start(0);
    for (let i = 1; i <= 5; i++) {
      h.rt.writeLog(id, `line ${i}`);
      h.clock.advance(10_000);
    }
    assert.equal((await h.read()).out, 'line 1\nline 2\nline 3\nline 4\nline 5\n');
    assert.equal((await h.read({ tailLines: 2 })).out, 'line 4\nline 5\n');
    assert.equal((await h.read({ tailLines: 0 })).out, '');
    assert.equal((await h.read({ sinceSeconds: 25 })).out, 'line 4\nline 5\n');
    assert.equal((await h.read({ tailLines: 1, timestamps: true })).out, '2026-01-01T10:00:40.000000000Z line 5\n');
    const limited = await h.read({ limitBytes: 10 });
    assert.equal(limited.out, 'line 1\nlin');
    assert.deepEqual(limited.r, { kind: 'done' });
  });

  test('previous: the incarnation before the current one, refused when there is none', async () => {
    const h = await setup();
    const refusedWaiting = await h.read();
    assert.deepEqual(refusedWaiting.r, { kind: 'refused', reason: 'BadRequest', message: 'container "app" in pod "web" is waiting to start: ContainerCreating' });
    const first = await h.start(0);
    h.rt.writeLog(first, 'first run');
    assert.deepEqual((await h.read({ previous: true })).r, { kind: 'refused', reason: 'BadRequest', message: 'previous terminated container "app" in pod "web" not found' });
    h.rt.crash(first, 1);
    const second = await h.start(1);
    h.rt.writeLog(second, 'second run');
    assert.equal((await h.read({ previous: true })).out, 'first run\n');
    assert.equal((await h.read()).out, 'second run\n');
    assert.equal((await h.read({ container: 'nope' })).r.kind, 'refused');
  });

  test('follow streams new lines until the container exits or the client goes away', async () => {
    const h = await setup();
    const id = await h.start(0);
    h.rt.writeLog(id, 'before');
    let out = '';
    const done = h.conn.logs(pod, opts({ follow: true }), (c) => (out += c), new AbortController().signal);
    await Promise.resolve();
    h.rt.writeLog(id, 'during');
    h.rt.crash(id, 0);
    assert.deepEqual(await done, { kind: 'done' });
    assert.equal(out, 'before\nduring\n');
    const id2 = await h.start(1);
    let out2 = '';
    const ac2 = new AbortController();
    const p2 = h.conn.logs(pod, opts({ follow: true }), (c) => (out2 += c), ac2.signal);
    await Promise.resolve();
    h.rt.writeLog(id2, 'x');
    ac2.abort();
    assert.deepEqual(await p2, { kind: 'done' });
    h.rt.writeLog(id2, 'after abort');
    assert.equal(out2, 'x\n');
  });
});

describe('exec through the connector', () => {
  test('runs in the container; refusals for unknown pods and stopped containers; start errors end the stream', async () => {
    const h = await setup();
    await h.start(0);
    let out = '';
    const io = { stdout: (d: Uint8Array) => (out += Buffer.from(d).toString()), stderr: () => {} };
    const req = { container: 'app', command: ['hostname'], stdin: false, stdout: true, stderr: true, tty: false };
    const s = await h.conn.exec(pod, req, io);
    assert.equal(s.kind, 'started');
    if (s.kind === 'started') assert.deepEqual(await s.session.done, { kind: 'exited', exitCode: 0 });
    assert.equal(out, 'web\n');
    const bad = await h.conn.exec(pod, { ...req, command: ['nslookup', 'x'] }, io);
    assert.ok(bad.kind === 'started');
    if (bad.kind === 'started') {
      const o = await bad.session.done;
      assert.ok(o.kind === 'error' && o.message.includes('executable file not found in $PATH'));
    }
    assert.deepEqual(await h.conn.exec(pod, { ...req, container: 'side' }, io), { kind: 'refused', reason: 'BadRequest', message: 'container not found ("side")' });
    const stranger: Pod = { ...pod, metadata: { ...pod.metadata, uid: 'other' } };
    assert.equal((await h.conn.exec(stranger, req, io)).kind, 'refused');
  });

  test('routeByNode picks the agent of the pod\'s node', async () => {
    const h = await setup();
    await h.start(0);
    const router = routeByNode((n) => (n === 'k8s-node1' ? h.conn : undefined));
    const io = { stdout: () => {}, stderr: () => {} };
    const req = { container: 'app', command: ['true'], stdin: false, stdout: true, stderr: false, tty: false };
    assert.equal((await router.exec(pod, req, io)).kind, 'started');
    const elsewhere: Pod = { ...pod, spec: { ...pod.spec!, nodeName: 'k8s-node9' } };
    assert.deepEqual(await router.exec(elsewhere, req, io), { kind: 'refused', reason: 'InternalError', message: 'no node agent for node "k8s-node9"' });
  });
});
