// pods/exec and pods/log through the real kubectl (1.32, WebSocket v5 first) against an
// in-process API server over HTTPS, with a fake node behind the PodConnector.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { kubeconfigYaml } from '../../bin/lab.js';
import { FAKE_LOG_LINES, FAKE_PROMPT, FakeNode } from '../../src/apiserver/_fake-node.js';
import { startApiServer, type RunningApiServer } from '../../src/apiserver/api-server.js';
import { generateTls } from '../../src/apiserver/tls.js';
import { MemoryStore } from '../../src/store/index.js';

const KUBECTL = '/usr/bin/kubectl';
const TOKEN = 'exec-e2e-token';

let api: RunningApiServer;
let node: FakeNode;
let dir: string;
let kubeconfig: string;

interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Async on purpose: the server runs in this process, so a blocking spawn would deadlock. */
function run(file: string, args: readonly string[], input?: string, timeoutMs = 30_000): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin', HOME: dir, KUBECONFIG: kubeconfig } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? -1, stdout, stderr });
    });
    child.stdin.end(input ?? '');
  });
}

const kubectl = (args: readonly string[], input?: string) => run(KUBECTL, ['-n', 'demo', ...args], input);

async function ok(args: readonly string[], input?: string): Promise<string> {
  const r = await kubectl(args, input);
  assert.equal(r.code, 0, `kubectl ${args.join(' ')} failed (${r.code}):\n${r.stderr}${r.stdout}`);
  return r.stdout;
}

async function createPod(name: string, spec: Record<string, unknown>): Promise<void> {
  const manifest = JSON.stringify({ apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'demo' }, spec });
  await ok(['create', '-f', '-'], manifest);
}

describe('kubectl exec / logs against the API server with a fake node', { timeout: 120_000 }, () => {
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'svcnet-exec-e2e-'));
    const tls = await generateTls({ ips: ['127.0.0.1'], dnsNames: ['localhost'] });
    node = new FakeNode({ followEveryMs: 30 });
    api = await startApiServer({ store: new MemoryStore(), tokens: new Map([[TOKEN, 'admin']]), port: 0, tls: { cert: tls.certPem, key: tls.keyPem } });
    // Plugged in after start, as the lab does when its node agents come up.
    api.setConnector(node);
    kubeconfig = join(dir, 'kubeconfig');
    writeFileSync(kubeconfig, kubeconfigYaml(api.url, tls.caCertPem, TOKEN));
    await ok(['create', 'namespace', 'demo']);
    await createPod('web', { nodeName: 'k8s-node1', containers: [{ name: 'nsx-demo', image: 'dumlutimuralp/nsx-demo' }] });
    await createPod('pending', { containers: [{ name: 'app', image: 'nginx' }] });
  });
  after(async () => {
    await api?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('kubectl is present', () => {
    assert.ok(existsSync(KUBECTL), `${KUBECTL} is required for this test`);
  });

  test('exec echo hi prints hi and exits 0', async () => {
    const r = await kubectl(['exec', 'web', '--', 'echo', 'hi']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, 'hi\n');
    const rec = node.execs.at(-1)!;
    assert.deepEqual(rec.req, { container: 'nsx-demo', command: ['echo', 'hi'], stdin: false, stdout: true, stderr: true, tty: false });
  });

  test("exec sh -c 'exit 3' exits with 3", async () => {
    const r = await kubectl(['exec', 'web', '--', 'sh', '-c', 'exit 3']);
    assert.equal(r.code, 3);
    assert.match(r.stderr, /command terminated with exit code 3/);
  });

  test('stderr of the process reaches kubectl stderr', async () => {
    const r = await kubectl(['exec', 'web', '--', 'sh', '-c', 'echo out; echo oops >&2; exit 0']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, 'out\n');
    assert.equal(r.stderr, 'oops\n');
  });

  test('exec -i cat echoes stdin and ends when stdin closes (v5 CLOSE)', async () => {
    const input = 'line one\nline two\n'.repeat(50);
    const r = await kubectl(['exec', '-i', 'web', '--', 'cat'], input);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, input);
    assert.equal(node.execs.at(-1)!.stdinClosed, true);
  });

  test('exec -i sh reads commands from stdin', async () => {
    const r = await kubectl(['exec', '-i', 'web', '--', 'sh'], 'echo a\necho b\nexit 4\n');
    assert.equal(r.code, 4);
    assert.equal(r.stdout, 'a\nb\n');
  });

  test('unknown executable: kubectl reports the runtime error', async () => {
    const r = await kubectl(['exec', 'web', '--', 'nosuchcmd']);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /executable file not found in \$PATH/);
  });

  test('exec -it bash through a pseudo-terminal (script)', async () => {
    assert.ok(existsSync('/usr/bin/script'), 'util-linux script is required');
    const child = spawn('/usr/bin/script', ['-qec', `${KUBECTL} -n demo exec -it web -- bash`, '/dev/null'], {
      env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin', HOME: dir, KUBECONFIG: kubeconfig, TERM: 'xterm' },
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    const closed = new Promise<number>((resolve) => child.on('close', (c) => resolve(c ?? -1)));
    const waitFor = async (what: string, from: number) => {
      const t0 = Date.now();
      while (out.indexOf(what, from) === -1) {
        if (Date.now() - t0 > 15_000) throw new Error(`no ${JSON.stringify(what)} in ${JSON.stringify(out)}`);
        await new Promise((r) => setTimeout(r, 20));
      }
      return out.indexOf(what, from) + what.length;
    };
    try {
      let at = await waitFor(FAKE_PROMPT, 0);
      child.stdin.write('echo hello tty\r');
      at = await waitFor('hello tty\r\n', at);
      at = await waitFor(FAKE_PROMPT, at);
      child.stdin.write('exit 5\r');
      const code = await closed;
      assert.equal(code, 5, out);
    } finally {
      child.stdin.end();
      if (child.exitCode === null) child.kill('SIGKILL');
    }
    const rec = node.execs.at(-1)!;
    assert.equal(rec.req.tty, true);
    assert.equal(rec.req.stdin, true);
    // kubectl sends the terminal size on the resize channel when the session starts.
    assert.ok(rec.resizes.length >= 1, 'no resize message');
    // The remote terminal echoed the typed command once (kubectl's local tty is raw).
    assert.equal(out.split('echo hello tty').length - 1, 1, out);
  });

  test('pod without a node: BadRequest "does not have a host assigned"', async () => {
    const r = await kubectl(['exec', 'pending', '--', 'echo', 'hi']);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /Error from server \(BadRequest\): pod pending does not have a host assigned/);
  });

  test('unknown container: BadRequest', async () => {
    const r = await kubectl(['exec', 'web', '-c', 'nope', '--', 'echo', 'hi']);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /Error from server \(BadRequest\): container nope is not valid for pod web/);
    const l = await kubectl(['logs', 'web', '-c', 'nope']);
    assert.equal(l.code, 1);
    assert.match(l.stderr, /container nope is not valid for pod web/);
  });

  test('logs prints the lines; --tail=1 only the last', async () => {
    assert.equal(await ok(['logs', 'web']), FAKE_LOG_LINES.map((l) => `${l}\n`).join(''));
    assert.equal(await ok(['logs', 'web', '--tail=1']), `${FAKE_LOG_LINES.at(-1)}\n`);
    assert.equal(await ok(['logs', 'pod/web', '--limit-bytes=5']), FAKE_LOG_LINES[0]!.slice(0, 5));
    const ts = await ok(['logs', 'web', '--timestamps', '--tail=1']);
    assert.match(ts, /^2024-01-01T00:00:02\.000000000Z GET \/ 200 12ms\n$/);
  });

  test('logs --previous: the node refuses, kubectl shows it', async () => {
    const r = await kubectl(['logs', 'web', '--previous']);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /previous terminated container "nsx-demo" in pod "web" not found/);
  });

  test('logs -f keeps streaming until kubectl goes away', async () => {
    const child = spawn(KUBECTL, ['-n', 'demo', 'logs', '-f', 'web'], { env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin', HOME: dir, KUBECONFIG: kubeconfig } });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    const t0 = Date.now();
    while (!out.includes('tick 3\n') && Date.now() - t0 < 15_000) await new Promise((r) => setTimeout(r, 20));
    const closed = new Promise((r) => child.on('close', r));
    child.kill('SIGTERM');
    await closed;
    assert.ok(out.startsWith(FAKE_LOG_LINES.map((l) => `${l}\n`).join('') + 'tick 1\ntick 2\ntick 3\n'), out);
  });
});
