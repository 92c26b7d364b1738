// `svcnet up --detach`, `svcnet status`, `svcnet down`: the CLI contract every later
// issue and the README rely on.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const repo = resolve(new URL('../..', import.meta.url).pathname);
const svcnet = (args: string[]) => spawnSync(process.execPath, [join(repo, 'bin/svcnet.js'), ...args], { encoding: 'utf8', timeout: 90_000, env: { ...process.env, SVCNET_LOG: 'warn' } });

test('up --detach returns once ready; status reports it; a second up is refused; down stops it', { timeout: 180_000 }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'svcnet-cli-'));
  try {
    const notRunning = svcnet(['status', '--state-dir', dir]);
    assert.equal(notRunning.status, 3);
    assert.match(notRunning.stdout, /svcnet is not running/);

    const up = svcnet(['up', '--detach', '--state-dir', dir, '--port', '0', '--dns-port', '0', '--dns-metrics-port', '0']);
    assert.equal(up.status, 0, up.stderr + up.stdout);
    assert.match(up.stdout, /ready in [0-9.]+s/);
    assert.match(up.stdout, new RegExp(`export KUBECONFIG=${join(dir, 'kubeconfig').replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
    assert.ok(existsSync(join(dir, 'kubeconfig')));
    const info = JSON.parse(readFileSync(join(dir, 'svcnet.json'), 'utf8')) as { pid: number; server: string };

    const status = svcnet(['status', '--state-dir', dir]);
    assert.equal(status.status, 0);
    assert.match(status.stdout, new RegExp(`pid:\\s+${info.pid}`));
    assert.match(status.stdout, /API server: https:\/\/127\.0\.0\.1:\d+/);
    assert.match(status.stdout, /\n  metrics:    http:\/\/127\.0\.0\.1:\d+\/metrics/, 'the DNS metrics endpoint is listed');

    const again = svcnet(['up', '--state-dir', dir, '--port', '0', '--dns-port', '0', '--dns-metrics-port', '0']);
    assert.equal(again.status, 1);
    assert.match(again.stderr, /a lab is already running/);

    const kc = spawnSync('/usr/bin/kubectl', ['get', 'ns', 'default', '-o', 'name'], { encoding: 'utf8', env: { PATH: process.env['PATH'] ?? '', HOME: dir, KUBECONFIG: join(dir, 'kubeconfig') } });
    assert.equal(kc.stdout.trim(), 'namespace/default');

    const down = svcnet(['down', '--state-dir', dir]);
    assert.equal(down.status, 0);
    assert.match(down.stdout, new RegExp(`svcnet stopped \\(pid ${info.pid}\\)`));
    assert.equal(existsSync(join(dir, 'svcnet.json')), false);
    assert.throws(() => process.kill(info.pid, 0));
  } finally {
    svcnet(['down', '--state-dir', dir]);
    rmSync(dir, { recursive: true, force: true });
  }
});

test('bad arguments get a clear error', () => {
  const r = svcnet(['up', '--port', 'abc']);
  assert.notEqual(r.status, 0);
  assert.match(r.stderr, /must be a port number 0-65535/);
  const u = svcnet(['frobnicate']);
  assert.notEqual(u.status, 0);
  assert.match(u.stderr, /unknown command 'frobnicate'/);
});
