import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { FakeClock } from '../core/index.js';
import type { ExecIO } from './connector-types.js';
import { FAKE_SHELL_PROMPT, tokenize } from './fake-exec.js';
import { FakeRuntime } from './fake-runtime.js';
import { imageIdFor, normalizeImage } from './image-name.js';
import type { ContainerConfig, RuntimeEvent, SandboxSpec } from './runtime.js';

const sandbox: SandboxSpec = {
  podUid: 'uid-1',
  namespace: 'demons',
  name: 'nwtest',
  hostname: 'nwtest',
  hostNetwork: false,
  ip: '172.25.5.4',
  prefixLength: 24,
  gateway: '172.25.5.1',
  resolvConf: 'nameserver 10.96.0.10\nsearch demons.svc.cluster.local svc.cluster.local cluster.local\noptions ndots:5\n',
};

const cfg = (image: string, o: Partial<ContainerConfig> = {}): ContainerConfig => ({
  name: 'app',
  image,
  imageRef: imageIdFor(image),
  command: [],
  args: [],
  env: { GREETING: 'hi' },
  attempt: 0,
  tty: false,
  stdin: false,
  init: false,
  ...o,
});

async function started(rt: FakeRuntime, image = 'dumlutimuralp/networktest', o: Partial<ContainerConfig> = {}): Promise<string> {
  const sb = await rt.createSandbox(sandbox);
  assert.equal(sb.kind, 'created');
  if (sb.kind !== 'created') throw new Error();
  const c = await rt.startContainer(sb.sandboxId, cfg(image, o));
  assert.equal(c.kind, 'started');
  if (c.kind !== 'started') throw new Error();
  return c.containerId;
}

function collect(): { io: ExecIO; out: () => string; err: () => string } {
  let out = '';
  let err = '';
  return {
    io: { stdout: (d) => (out += Buffer.from(d).toString()), stderr: (d) => (err += Buffer.from(d).toString()) },
    out: () => out,
    err: () => err,
  };
}

async function run(rt: FakeRuntime, id: string, command: string[], opts: { tty?: boolean; stdin?: string } = {}) {
  const c = collect();
  const s = await rt.exec(id, { command, tty: opts.tty ?? false, stdin: opts.stdin !== undefined }, c.io);
  if (s.kind === 'error') return { error: s.message, out: '', err: '' };
  if (opts.stdin !== undefined) {
    await Promise.resolve();
    s.session.stdin(new TextEncoder().encode(opts.stdin));
    s.session.closeStdin();
  }
  const done = await s.session.done;
  return { done, out: c.out(), err: c.err() };
}

describe('image names', () => {
  const cases: [string, string][] = [
    ['nginx', 'docker.io/library/nginx:latest'],
    ['nginx:1.27', 'docker.io/library/nginx:1.27'],
    ['dumlutimuralp/nsx-demo', 'docker.io/dumlutimuralp/nsx-demo:latest'],
    ['registry.k8s.io/coredns/coredns:v1.11.3', 'registry.k8s.io/coredns/coredns:v1.11.3'],
    ['localhost:5000/app', 'localhost:5000/app:latest'],
    ['busybox@sha256:abc', 'docker.io/library/busybox@sha256:abc'],
  ];
  for (const [image, want] of cases) test(image, () => assert.equal(normalizeImage(image), want));
  test('image IDs are repository@sha256 digests', () => {
    assert.match(imageIdFor('nginx'), /^docker\.io\/library\/nginx@sha256:[0-9a-f]{64}$/);
    assert.equal(imageIdFor('nginx'), imageIdFor('docker.io/library/nginx:latest'));
  });
});

describe('FakeRuntime exec', () => {
  test('the article commands and friends', async () => {
    const rt = new FakeRuntime();
    const id = await started(rt);
    assert.deepEqual(await run(rt, id, ['cat', '/etc/resolv.conf']), { done: { kind: 'exited', exitCode: 0 }, out: sandbox.resolvConf, err: '' });
    assert.equal((await run(rt, id, ['hostname'])).out, 'nwtest\n');
    assert.equal((await run(rt, id, ['echo', 'hello', 'world'])).out, 'hello world\n');
    assert.equal((await run(rt, id, ['printenv', 'GREETING'])).out, 'hi\n');
    assert.match((await run(rt, id, ['ip', 'addr'])).out, /inet 172\.25\.5\.4\/24 scope global eth0/);
    assert.deepEqual((await run(rt, id, ['sh', '-c', 'echo a; exit 3; echo b'])).done, { kind: 'exited', exitCode: 3 });
    assert.equal((await run(rt, id, ['sh', '-c', 'false && echo no; echo yes'])).out, 'yes\n');
    const missing = await run(rt, id, ['cat', '/nope']);
    assert.deepEqual(missing.done, { kind: 'exited', exitCode: 1 });
    assert.equal(missing.err, 'cat: /nope: No such file or directory\n');
    assert.equal((await run(rt, id, ['sh', '-c', 'curl x'])).err, 'sh: curl: not found\n');
    const unknown = await run(rt, id, ['curl', 'x']);
    assert.match(unknown.error ?? '', /exec: "curl": executable file not found in \$PATH/);
  });

  test('cat copies stdin; an interactive shell reads commands and shows a prompt with a tty', async () => {
    const rt = new FakeRuntime();
    const id = await started(rt);
    assert.equal((await run(rt, id, ['cat'], { stdin: 'line1\nline2\n' })).out, 'line1\nline2\n');
    const sh = await run(rt, id, ['bash'], { tty: true, stdin: 'hostname\rexit 4\r' });
    assert.deepEqual(sh.done, { kind: 'exited', exitCode: 4 });
    assert.ok(sh.out.startsWith(FAKE_SHELL_PROMPT), sh.out);
    assert.ok(sh.out.includes('nwtest\r\n'), JSON.stringify(sh.out));
  });

  test('sleep waits on the clock; kill ends it with 137', async () => {
    const clock = new FakeClock();
    const rt = new FakeRuntime({ clock });
    const id = await started(rt);
    const c = collect();
    const s = await rt.exec(id, { command: ['sh', '-c', 'sleep 5; echo woke'], tty: false, stdin: false }, c.io);
    assert.equal(s.kind, 'started');
    if (s.kind !== 'started') return;
    await new Promise((r) => setImmediate(r));
    clock.advance(4999);
    await new Promise((r) => setImmediate(r));
    assert.equal(c.out(), '');
    clock.advance(1);
    assert.deepEqual(await s.session.done, { kind: 'exited', exitCode: 0 });
    assert.equal(c.out(), 'woke\n');
    const s2 = await rt.exec(id, { command: ['sleep', '100'], tty: false, stdin: false }, c.io);
    if (s2.kind !== 'started') return assert.fail('not started');
    s2.session.kill();
    assert.deepEqual(await s2.session.done, { kind: 'exited', exitCode: 137 });
  });

  test('tokenizer keeps quoted strings together', () => {
    assert.deepEqual(tokenize(`echo "a b" 'c  d' e`), ['echo', 'a b', 'c  d', 'e']);
    assert.deepEqual(tokenize(`echo ""`), ['echo', '']);
  });
});

describe('FakeRuntime containers', () => {
  test('stop: a well-behaved app exits at once, one ignoring SIGTERM is killed after the grace period', async () => {
    const clock = new FakeClock();
    const rt = new FakeRuntime({ clock, images: { stubborn: { ignoreSigterm: true } } });
    const events: RuntimeEvent[] = [];
    rt.subscribe((e) => events.push(e));
    const nice = await started(rt, 'nginx');
    await rt.stopContainer(nice, 30);
    const sb = (await rt.listSandboxes())[0]!;
    const st = (await rt.status(sb.id))!.containers.find((c) => c.id === nice)!;
    assert.equal(st.state.kind, 'exited');
    assert.ok(st.state.kind === 'exited' && st.state.exitCode === 0 && st.state.reason === 'Completed');

    const stubborn = await started(rt, 'stubborn');
    let stopped = false;
    void rt.stopContainer(stubborn, 30).then(() => (stopped = true));
    clock.advance(29_999);
    await new Promise((r) => setImmediate(r));
    assert.equal(stopped, false);
    clock.advance(1);
    await new Promise((r) => setImmediate(r));
    assert.equal(stopped, true);
    const s2 = rt.find('demons', 'nwtest', 'app').find((c) => c.id === stubborn)!;
    assert.ok(s2.state.kind === 'exited' && s2.state.exitCode === 137);
    assert.deepEqual(events.map((e) => e.containerId), [nice, stubborn]);
  });

  test('a crashing image exits after its delay; init containers exit 0 by default', async () => {
    const clock = new FakeClock();
    const rt = new FakeRuntime({ clock, images: { crasher: { exit: { code: 2, afterMs: 1000 } } } });
    const id = await started(rt, 'crasher');
    clock.advance(999);
    assert.equal(rt.find('demons', 'nwtest', 'app')[0]?.state.kind, 'running');
    clock.advance(1);
    const s = rt.find('demons', 'nwtest', 'app').find((c) => c.id === id)!;
    assert.ok(s.state.kind === 'exited' && s.state.exitCode === 2 && s.state.reason === 'Error');
    const init = await started(rt, 'busybox', { name: 'init', init: true });
    await Promise.resolve();
    assert.equal(rt.find('demons', 'nwtest', 'init').find((c) => c.id === init)?.state.kind, 'exited');
  });

  test('pulls by policy; unknown images per option', async () => {
    const rt = new FakeRuntime({ unknownImage: 'pull-error', images: { nginx: {} }, presentImages: ['busybox'] });
    assert.equal((await rt.pullImage('nginx', 'IfNotPresent')).kind, 'pulled');
    assert.equal((await rt.pullImage('nginx', 'IfNotPresent')).kind, 'present');
    assert.equal((await rt.pullImage('nginx', 'Always')).kind, 'pulled');
    const bad = await rt.pullImage('no/such', 'IfNotPresent');
    assert.ok(bad.kind === 'error' && bad.reason === 'ErrImagePull' && bad.message.includes('docker.io/no/such:latest'));
    const never = await rt.pullImage('nginx:2', 'Never');
    assert.ok(never.kind === 'error' && never.reason === 'ErrImageNeverPull' && never.message === 'Container image "nginx:2" is not present with pull policy of Never');
    const fine = new FakeRuntime();
    assert.equal((await fine.pullImage('anything/at-all', 'IfNotPresent')).kind, 'present');
  });

  test('probes: default success, image failure text, timeouts on the clock', async () => {
    const clock = new FakeClock();
    const rt = new FakeRuntime({ clock, images: { sick: { probe: 'failure' }, slow: { probe: () => new Promise(() => {}) } } });
    const ok = await started(rt, 'nginx');
    assert.equal((await rt.probe(ok, 'readiness', { kind: 'tcp', host: '172.25.5.4', port: 80 }, 1000)).kind, 'success');
    const exec = await rt.probe(ok, 'liveness', { kind: 'exec', command: ['cat', '/missing'] }, 1000);
    assert.deepEqual(exec, { kind: 'failure', output: 'cat: /missing: No such file or directory\n' });
    const sick = await started(rt, 'sick');
    assert.deepEqual(await rt.probe(sick, 'readiness', { kind: 'http', scheme: 'http', host: '172.25.5.4', port: 80, path: '/', headers: [] }, 1000), {
      kind: 'failure',
      output: 'HTTP probe failed with statuscode: 503',
    });
    const slow = await started(rt, 'slow');
    const p = rt.probe(slow, 'readiness', { kind: 'http', scheme: 'http', host: '172.25.5.4', port: 80, path: '/healthz', headers: [] }, 1000);
    clock.advance(1000);
    assert.deepEqual(await p, { kind: 'failure', output: 'Get "http://172.25.5.4:80/healthz": context deadline exceeded (Client.Timeout exceeded while awaiting headers)' });
    rt.probeOverride = (ctx) => (ctx.kind === 'readiness' ? { kind: 'failure', output: 'overridden' } : undefined);
    assert.deepEqual(await rt.probe(ok, 'readiness', { kind: 'tcp', host: 'h', port: 1 }, 1000), { kind: 'failure', output: 'overridden' });
  });

  test('logs are kept in a ring buffer and end when the container exits', async () => {
    const rt = new FakeRuntime({ logCapacity: 3, images: { chatty: { logs: ['one', 'two'] } } });
    const id = await started(rt, 'chatty');
    rt.writeLog(id, 'three');
    rt.writeLog(id, 'four', 'stderr');
    assert.deepEqual(rt.logs(id)?.lines().map((l) => l.text), ['two', 'three', 'four']);
    const seen: string[] = [];
    let ended = false;
    rt.logs(id)?.follow((l) => seen.push(l.text), () => (ended = true));
    rt.writeLog(id, 'five');
    rt.crash(id, 1);
    assert.deepEqual(seen, ['five']);
    assert.equal(ended, true);
  });
});
